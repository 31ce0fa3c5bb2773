/**
 * The render's derived values (scripts/render-values.ts): real key material that loads as
 * OpenMetadata loads it, the same for the same stack and URN, different for another stack, and a
 * key cache that only makes the derivation faster. Then, through the program: a stack evaluated
 * under another stack name differs exactly in its derived values, and changing one config value
 * changes exactly the lines that depend on it.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { evaluate, readStackFile } from "../scripts/offline";
import { renderFiles } from "../scripts/render-files";
import {
  derivedBytes,
  derivedPassword,
  derivedRsaKeyPair,
  derivedUuid,
  seedOf,
} from "../scripts/render-values";

const ROOT = path.resolve(__dirname, "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "om-render-values-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The DER bodies of a PEM pair, loaded exactly as OpenMetadata's JWTTokenGenerator loads them. */
function loadAsOpenMetadata(pair: { privateKeyPemPkcs8: string; publicKeyPem: string }) {
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return {
    privateKey: crypto.createPrivateKey({
      key: der(pair.privateKeyPemPkcs8),
      format: "der",
      type: "pkcs8",
    }),
    publicKey: crypto.createPublicKey({ key: der(pair.publicKeyPem), format: "der", type: "spki" }),
  };
}

const URN =
  "urn:pulumi:local::openmetadata-sso::openmetadata-sso:keys:SigningKeys$tls:index/privateKey:PrivateKey::openmetadata-local-jwt";

describe("derivedRsaKeyPair", () => {
  it("gives a 2048-bit pair that loads as PKCS#8 and SPKI DER and signs and verifies", () => {
    const pair = derivedRsaKeyPair(seedOf("local", URN, "rsa"), 2048);
    const { privateKey, publicKey } = loadAsOpenMetadata(pair);
    expect(privateKey.asymmetricKeyDetails).toEqual({
      modulusLength: 2048,
      publicExponent: 65537n,
    });
    const payload = Buffer.from("header.claims");
    const signature = crypto.sign("sha256", payload, privateKey);
    expect(crypto.verify("sha256", payload, publicKey, signature)).toBe(true);
    expect(crypto.verify("sha256", Buffer.from("header.other"), publicKey, signature)).toBe(false);
    // The public key is the private key's own half.
    expect(crypto.createPublicKey(privateKey).export({ type: "spki", format: "pem" })).toBe(
      pair.publicKeyPem,
    );
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
  });

  it("gives the size asked for", () => {
    const pair = derivedRsaKeyPair(seedOf("prod", URN, "rsa"), 3072);
    expect(loadAsOpenMetadata(pair).privateKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it("gives the same pair for the same seed, another for another stack", () => {
    const a = derivedRsaKeyPair(seedOf("local", URN, "rsa"), 2048);
    expect(derivedRsaKeyPair(seedOf("local", URN, "rsa"), 2048)).toEqual(a);
    const b = derivedRsaKeyPair(seedOf("dev", URN, "rsa"), 2048);
    expect(b.publicKeyPem).not.toBe(a.publicKeyPem);
  });

  it("keeps a pair in the cache, reads the same pair back, and derives again over a damaged entry", () => {
    const cache = path.join(work, "keys");
    const seed = seedOf("staging", URN, "rsa");
    const derived = derivedRsaKeyPair(seed, 2048);
    expect(derivedRsaKeyPair(seed, 2048, cache)).toEqual(derived);
    const [entry] = fs.readdirSync(cache);
    expect(entry).toMatch(/^[0-9a-f]{64}\.der$/);
    expect(derivedRsaKeyPair(seed, 2048, cache)).toEqual(derived);
    fs.writeFileSync(path.join(cache, entry), "not a key");
    expect(derivedRsaKeyPair(seed, 2048, cache)).toEqual(derived);
    // Another size is another entry.
    derivedRsaKeyPair(seed, 3072, cache);
    expect(fs.readdirSync(cache)).toHaveLength(2);
  });
});

describe("derived values", () => {
  it("are fixed functions of the stack, the URN and the purpose", () => {
    expect(derivedBytes(seedOf("local", URN, "bytes"), 4).toString("hex")).toBe(
      derivedBytes(seedOf("local", URN, "bytes"), 4).toString("hex"),
    );
    const values = [
      seedOf("local", URN, "secret"),
      seedOf("dev", URN, "secret"),
      seedOf("local", `${URN}-2`, "secret"),
      seedOf("local", URN, "uuid"),
    ].map((seed) => derivedPassword(seed, 32));
    expect(new Set(values).size).toBe(4);
    expect(values.every((value) => /^[A-Za-z0-9_-]{32}$/.test(value))).toBe(true);
    expect(derivedUuid(seedOf("local", URN, "uuid"))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("take as many bytes as asked, the first ones the same whatever the length", () => {
    const seed = seedOf("local", URN, "bytes");
    expect(derivedBytes(seed, 100)).toHaveLength(100);
    expect(derivedBytes(seed, 100).subarray(0, 32)).toEqual(derivedBytes(seed, 32));
  });
});

// ---------------------------------------------------------------------------------------------
// Through the program.
// ---------------------------------------------------------------------------------------------

/** Every file of a render (with secrets) as its lines; a binary file as one line, its hash. */
async function renderLines(file: string, stack: string): Promise<Record<string, string[]>> {
  vi.resetModules();
  const { resources } = await evaluate(readStackFile("local", ROOT, file), stack, {
    realKeys: true,
    load: () => import("../index.js"),
  });
  const files = renderFiles(resources, { showSecrets: true });
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => [
      name,
      typeof content === "string"
        ? content.split("\n")
        : [`<bytes ${crypto.createHash("sha256").update(content).digest("hex")}>`],
    ]),
  );
}

/** The lines that differ, as `<file>:<line number>`, with the line before and after. */
function changedLines(a: Record<string, string[]>, b: Record<string, string[]>) {
  expect(Object.keys(b)).toEqual(Object.keys(a));
  return Object.entries(a).flatMap(([file, lines]) => {
    expect(b[file]).toHaveLength(lines.length);
    return lines.flatMap((line, i) =>
      line === b[file][i] ? [] : [{ at: `${file}:${i + 1}`, before: line, after: b[file][i] }],
    );
  });
}

/** A line shortened to what names it: an env variable, a YAML or JSON key. */
const subject = (line: string) =>
  line.startsWith("<bytes ") ? "<bytes>" : line.trim().replace(/^"?([^=:"]+)["=:].*$/, "$1");

describe("a render through the program", () => {
  const stackFile = path.join(ROOT, "stacks", "Pulumi.local.yaml");

  it("is the same twice, and another stack differs in every derived value and nothing else", async () => {
    const local = await renderLines(stackFile, "local");
    expect(await renderLines(stackFile, "local")).toEqual(local);
    const other = await renderLines(stackFile, "local2");
    // Resource names follow the stack name; with that undone, what remains is the derived values.
    const renamed = Object.fromEntries(
      Object.entries(other).map(([file, lines]) => [
        file,
        lines.map((line) => line.replaceAll("openmetadata-local2", "openmetadata-local")),
      ]),
    );
    const changes = changedLines(local, renamed);
    expect(changes.map((c) => `${c.at} ${subject(c.before)}`)).toEqual([
      // The local Keycloak's admin password, the realm file's client secret and demo password.
      "resources.json:157 KC_BOOTSTRAP_ADMIN_PASSWORD",
      "resources.json:189 content",
      // The database and search passwords, and the database init script holding one.
      "resources.json:230 MYSQL_ROOT_PASSWORD",
      "resources.json:253 content",
      "resources.json:295 ELASTIC_PASSWORD",
      // The migration's and the server's env and key files, then the server's expected auth.
      ...[
        [373, 431],
        [472, 558],
      ].flatMap(([at, files]) => [
        `resources.json:${at} DB_USER_PASSWORD`,
        `resources.json:${at + 2} ELASTICSEARCH_PASSWORD`,
        `resources.json:${at + 6} FERNET_KEY`,
        `resources.json:${at + 9} JWT_KEY_ID`,
        `resources.json:${at + 13} OIDC_CLIENT_SECRET`,
        `resources.json:${files} contentBase64`,
        `resources.json:${files + 4} contentBase64`,
      ]),
      "resources.json:594 EXPECTED_AUTH",
      "openmetadata.env:25 DB_USER_PASSWORD",
      "openmetadata.env:27 ELASTICSEARCH_PASSWORD",
      "openmetadata.env:31 FERNET_KEY",
      "openmetadata.env:34 JWT_KEY_ID",
      "openmetadata.env:38 OIDC_CLIENT_SECRET",
      "openmetadata.yaml:22 secret",
      "openmetadata.yaml:51 keyId",
      "files/etc/openmetadata/jwtkeys/private_key.der:1 <bytes>",
      "files/etc/openmetadata/jwtkeys/public_key.der:1 <bytes>",
    ]);
  }, 60_000);

  it("changes exactly the lines that depend on one changed config value", async () => {
    const edited = path.join(work, "Pulumi.local.yaml");
    fs.writeFileSync(
      edited,
      fs.readFileSync(stackFile, "utf8").replace("port: 8081", "port: 8082"),
    );
    const changes = changedLines(
      await renderLines(stackFile, "local"),
      await renderLines(edited, "local"),
    );
    for (const change of changes)
      expect(change.after).toBe(change.before.replaceAll("8081", "8082"));
    // The Keycloak container's hostname and port, the authority in both server envs, in the
    // verifier's expectation, in the env file and in the security blocks: nothing else.
    expect(changes.map((c) => `${c.at} ${subject(c.before)}`)).toEqual([
      "resources.json:158 KC_HOSTNAME",
      "resources.json:182 external",
      "resources.json:349 AUTHENTICATION_AUTHORITY",
      "resources.json:448 AUTHENTICATION_AUTHORITY",
      "resources.json:594 EXPECTED_AUTH",
      "openmetadata.env:1 AUTHENTICATION_AUTHORITY",
      "openmetadata.yaml:7 authority",
    ]);
  }, 60_000);
});
