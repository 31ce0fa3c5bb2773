import * as crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pemToDerBase64, SigningKeys } from "../components/keys";
import { rsaKeyPair } from "../scripts/offline";
import { isSecret, one, record, useMocks, valueOf } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

/** Loads DER exactly as OpenMetadata's JWTTokenGenerator does: PKCS8EncodedKeySpec / X509EncodedKeySpec. */
function loadAsOpenMetadata(privateDer: Buffer, publicDer: Buffer) {
  return {
    privateKey: crypto.createPrivateKey({ key: privateDer, format: "der", type: "pkcs8" }),
    publicKey: crypto.createPublicKey({ key: publicDer, format: "der", type: "spki" }),
  };
}

describe("pemToDerBase64", () => {
  const pair = rsaKeyPair(2048, false);

  it("turns the PKCS#8 and SPKI PEMs into DER that loads as pkcs8 / spki and signs and verifies", () => {
    const privateDer = Buffer.from(
      pemToDerBase64(pair.privateKeyPemPkcs8, "PRIVATE KEY"),
      "base64",
    );
    const publicDer = Buffer.from(pemToDerBase64(pair.publicKeyPem, "PUBLIC KEY"), "base64");
    const { privateKey, publicKey } = loadAsOpenMetadata(privateDer, publicDer);
    const payload = Buffer.from("header.claims");
    const signature = crypto.sign("sha256", payload, privateKey);
    expect(crypto.verify("sha256", payload, publicKey, signature)).toBe(true);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("produces bytes the same loader rejects for the PKCS#1 body, so the loader test can fail", () => {
    const pkcs1Body = Buffer.from(pair.privateKeyPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    expect(() =>
      crypto.createPrivateKey({ key: pkcs1Body, format: "der", type: "pkcs8" }),
    ).toThrow();
  });

  it("refuses a PKCS#1 PEM with a message that names the fix", () => {
    expect(() => pemToDerBase64(pair.privateKeyPem, "PRIVATE KEY")).toThrow(
      'Expected a PEM "PRIVATE KEY" document; got "RSA PRIVATE KEY". OpenMetadata needs PKCS#8 private and SPKI public keys in DER.',
    );
  });

  it("refuses text that is not PEM", () => {
    expect(() => pemToDerBase64("not a key", "PUBLIC KEY")).toThrow(
      'Expected a PEM "PUBLIC KEY" document; got something else.',
    );
  });
});

describe("SigningKeys", () => {
  it("registers the key pair, key id, fernet key and five passwords with exact inputs and options", async () => {
    const { resources, result } = await record(
      () =>
        new SigningKeys("om-keys", {
          issuer: "openmetadata.example.com",
          rotation: "r1",
          protect: true,
        }),
    );
    expect(resources.map((r) => `${r.type} ${r.name} <- ${r.parent}`).sort()).toEqual(
      [
        "openmetadata-sso:index:SigningKeys om-keys <- null",
        "tls:index/privateKey:PrivateKey om-keys-signing-key <- om-keys",
        "random:index/randomUuid:RandomUuid om-keys-key-id <- om-keys",
        "random:index/randomBytes:RandomBytes om-keys-fernet-key <- om-keys",
        "random:index/randomPassword:RandomPassword om-keys-database-password <- om-keys",
        "random:index/randomPassword:RandomPassword om-keys-admin-password <- om-keys",
        "random:index/randomPassword:RandomPassword om-keys-search-password <- om-keys",
        "random:index/randomPassword:RandomPassword om-keys-airflow-password <- om-keys",
        "random:index/randomPassword:RandomPassword om-keys-airflow-database-password <- om-keys",
      ].sort(),
    );
    const key = one(resources, "tls:index/privateKey:PrivateKey", "om-keys-signing-key");
    expect(key.inputs).toEqual({ algorithm: "RSA", rsaBits: 2048 });
    expect(key.options.replacementTrigger).toBe("r1");
    expect(key.options.ignoreChanges).toEqual(["rsaBits"]);
    expect(key.options.protect).toBe(true);
    expect(key.options.retainOnDelete).toBe(true);
    expect(one(resources, "random:index/randomUuid:RandomUuid", "om-keys-key-id").inputs).toEqual({
      keepers: { rotation: "r1" },
    });
    expect(
      one(resources, "random:index/randomBytes:RandomBytes", "om-keys-fernet-key").inputs,
    ).toEqual({
      length: 32,
    });
    for (const role of ["database", "admin", "search", "airflow", "airflow-database"]) {
      expect(
        one(resources, "random:index/randomPassword:RandomPassword", `om-keys-${role}-password`)
          .inputs,
      ).toEqual({ length: 32, special: false });
    }
    expect(await valueOf(result.issuer)).toBe("openmetadata.example.com");
  });

  it("exposes DER that OpenMetadata loads, and every sensitive output as a secret", async () => {
    const { result } = await record(() => new SigningKeys("der", { issuer: "om.example.com" }));
    const privateDer = Buffer.from(await valueOf(result.privateKeyDer), "base64");
    const publicDer = Buffer.from(await valueOf(result.publicKeyDer), "base64");
    const { privateKey, publicKey } = loadAsOpenMetadata(privateDer, publicDer);
    const signature = crypto.sign("sha256", Buffer.from("x"), privateKey);
    expect(crypto.verify("sha256", Buffer.from("x"), publicKey, signature)).toBe(true);

    for (const output of [
      result.privateKeyDer,
      result.fernetKey,
      result.databasePassword,
      result.adminPassword,
      result.searchPassword,
      result.airflowPassword,
      result.airflowDatabasePassword,
    ]) {
      expect(await isSecret(output)).toBe(true);
    }
    // Published by OpenMetadata itself at /api/v1/system/config/jwks: not secrets.
    expect(await isSecret(result.publicKeyDer)).toBe(false);
    expect(await isSecret(result.keyId)).toBe(false);
  });

  it("makes a fernet key of 32 random bytes in standard base64, like OpenMetadata's shipped default", async () => {
    const { result } = await record(() => new SigningKeys("fernet", { issuer: "om.example.com" }));
    const fernet = await valueOf(result.fernetKey);
    expect(fernet).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(fernet, "base64")).toHaveLength(32);
    // OpenMetadata converts it to base64url before use (Fernet.setFernetKey); that form is 32 bytes too.
    const urlSafe = fernet.replace(/\//g, "_").replace(/\+/g, "-").replace(/=/g, "");
    expect(Buffer.from(urlSafe, "base64url")).toHaveLength(32);
  });

  it("defaults to 2048 bits, rotation 'initial', no protection, and retain on delete", async () => {
    const { resources } = await record(
      () => new SigningKeys("defaults", { issuer: "om.example.com", bits: 4096 }),
    );
    const key = one(resources, "tls:index/privateKey:PrivateKey", "defaults-signing-key");
    expect(key.inputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    expect(key.options.replacementTrigger).toBe("initial");
    expect(key.options.protect).toBe(false);
    expect(key.options.retainOnDelete).toBe(true);
  });
});
