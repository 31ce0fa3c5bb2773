import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

/**
 * Turns a PEM document into base64 of its DER body, refusing any type but `expected`.
 *
 * OpenMetadata reads its keys as raw DER with `PKCS8EncodedKeySpec` and `X509EncodedKeySpec`. The
 * base64 body of a `PRIVATE KEY` (PKCS#8) or `PUBLIC KEY` (SPKI) PEM is exactly that DER. A
 * `RSA PRIVATE KEY` (PKCS#1) body is not, and OpenMetadata would only log the failure, so it is
 * rejected here.
 */
export function pemToDerBase64(pem: string, expected: "PRIVATE KEY" | "PUBLIC KEY"): string {
  const match =
    /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----\s*$/.exec(
      pem.trim(),
    );
  if (!match) throw new Error(`Expected a PEM "${expected}" document; got something else.`);
  if (match[1] !== expected) {
    throw new Error(
      `Expected a PEM "${expected}" document; got "${match[1]}". OpenMetadata needs PKCS#8 private and SPKI public keys in DER.`,
    );
  }
  return match[2].replace(/\s/g, "");
}

/** Arguments of {@link SigningKeys}. */
export interface SigningKeysArgs {
  /**
   * RSA modulus size: 2048, 3072 or 4096, fixed when the key is first created. Later changes are
   * ignored so that nothing but `rotation` replaces the key, and Pulumi carries an ignored input
   * over into a replacement, so a rotation keeps the size too.
   * @default 2048
   */
  bits?: number;
  /**
   * Rotation label. A new value replaces the key pair and the key id; nothing else does.
   * @default "initial"
   */
  rotation?: string;
  /**
   * `iss` claim of the tokens OpenMetadata signs.
   * @default - required
   */
  issuer: string;
  /**
   * Protect the fernet key and the passwords from deletion (production).
   * @default false
   */
  protect?: boolean;
  /**
   * Protect the key pair and the key id. Pulumi refuses to replace a protected resource, so a
   * rotation needs this off for the update that changes `rotation`.
   * @default - the value of `protect`
   */
  protectKeyPair?: boolean;
  /**
   * Keep the key material out of deletion plans when the stack is destroyed.
   * @default true
   */
  retainOnDelete?: boolean;
}

/**
 * OpenMetadata's own secrets for one stack: the JWT signing key pair as DER, a key id that is
 * unique per stack and stable across updates, the fernet key, and every password.
 */
export class SigningKeys extends pulumi.ComponentResource {
  /** Key id (`kid`) of the signing key, a UUID unique to this stack. Published in the JWKS. */
  public readonly keyId: pulumi.Output<string>;
  /** `iss` of OpenMetadata-signed tokens. */
  public readonly issuer: pulumi.Output<string>;
  /** Base64 of the PKCS#8 DER private key (secret). */
  public readonly privateKeyDer: pulumi.Output<string>;
  /** Base64 of the X.509 SPKI DER public key. Public by nature: OpenMetadata serves it as JWKS. */
  public readonly publicKeyDer: pulumi.Output<string>;
  /** Fernet key: 32 random bytes in standard base64, the format of OpenMetadata's default (secret). */
  public readonly fernetKey: pulumi.Output<string>;
  /** Password of OpenMetadata's database user (secret). */
  public readonly databasePassword: pulumi.Output<string>;
  /** Password of the database administrator, `root` or `postgres` (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** Password of the search engine's user (secret). */
  public readonly searchPassword: pulumi.Output<string>;
  /** Password of Airflow's API user, which the OpenMetadata server uses (secret). */
  public readonly airflowPassword: pulumi.Output<string>;
  /** Password of Airflow's database user (secret). */
  public readonly airflowDatabasePassword: pulumi.Output<string>;

  constructor(name: string, args: SigningKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:SigningKeys", name, {}, opts);
    const rotation = args.rotation ?? "initial";
    const keep = { protect: args.protect ?? false, retainOnDelete: args.retainOnDelete ?? true };
    const keepPair = { ...keep, protect: args.protectKeyPair ?? keep.protect };

    const key = new tls.PrivateKey(
      `${name}-signing-key`,
      { algorithm: "RSA", rsaBits: args.bits ?? 2048 },
      { parent: this, ...keepPair, replacementTrigger: rotation, ignoreChanges: ["rsaBits"] },
    );
    const keyId = new random.RandomUuid(
      `${name}-key-id`,
      { keepers: { rotation } },
      { parent: this, ...keepPair },
    );
    const fernet = new random.RandomBytes(
      `${name}-fernet-key`,
      { length: 32 },
      { parent: this, ...keep },
    );
    const password = (role: string) =>
      pulumi.secret(
        new random.RandomPassword(
          `${name}-${role}-password`,
          { length: 32, special: false },
          { parent: this, ...keep },
        ).result,
      );

    this.keyId = keyId.result;
    this.issuer = pulumi.output(args.issuer);
    this.privateKeyDer = pulumi.secret(
      key.privateKeyPemPkcs8.apply((pem) => pemToDerBase64(pem, "PRIVATE KEY")),
    );
    this.publicKeyDer = key.publicKeyPem.apply((pem) => pemToDerBase64(pem, "PUBLIC KEY"));
    this.fernetKey = pulumi.secret(fernet.base64);
    this.databasePassword = password("database");
    this.adminPassword = password("admin");
    this.searchPassword = password("search");
    this.airflowPassword = password("airflow");
    this.airflowDatabasePassword = password("airflow-database");

    this.registerOutputs({
      keyId: this.keyId,
      issuer: this.issuer,
      privateKeyDer: this.privateKeyDer,
      publicKeyDer: this.publicKeyDer,
      fernetKey: this.fernetKey,
      databasePassword: this.databasePassword,
      adminPassword: this.adminPassword,
      searchPassword: this.searchPassword,
      airflowPassword: this.airflowPassword,
      airflowDatabasePassword: this.airflowDatabasePassword,
    });
  }
}
