/**
 * Private certificate authorities (`trustedCaCertificates`): identity providers and endpoints whose
 * TLS certificates come from an organisation's own CA.
 *
 * Two kinds of client must trust them:
 *
 * - Java, in every JVM of the server image: the server (OIDC discovery and token requests through
 *   pac4j/Nimbus, JWKS through auth0 jwks-rsa), the migration and the bot token regeneration. All
 *   use the JVM's default trust store. OpenMetadata documents replacing it with
 *   `-Djavax.net.ssl.trustStore` (docs-om @3cbae06, v1.12.x `deployment/security/enable-ssl/
 *   ssl-troubleshooting.mdx` and `deployment/security/keycloak/troubleshooting.mdx`), through
 *   `OPENMETADATA_OPTS`; but `bootstrap/openmetadata-ops.sh`, which runs the migration and the
 *   token regeneration, reads no `*_OPTS` variable (open-metadata/OpenMetadata @3275923), so the
 *   options go into `JAVA_TOOL_OPTIONS`, which every JVM reads. The store replaces the JVM's
 *   default one instead of adding to it, so it starts as a copy of the image's own `cacerts` and
 *   public CAs stay trusted. The JVM does not read PEM files, and a PKCS#12 store written by
 *   OpenSSL lacks Java's trusted-certificate attribute (research/om-internals.md §2, tested on
 *   OpenJDK 17 and 25), so the image's own `keytool` builds the store when a container starts.
 * - Node, in this program (the preflight, the discovery of a JWKS URL) and in the verifier
 *   container: the certificates are passed as `ca`, together with Node's own root certificates, or
 *   through `NODE_EXTRA_CA_CERTS`, which Node adds to its roots at start.
 */
import { X509Certificate } from "node:crypto";

/** The setting's name, as the messages of the checks name it. */
export const TRUSTED_CA_SETTING = "trustedCaCertificates";

/** A block of a PEM text: its label (`CERTIFICATE`, `PRIVATE KEY`, ...) and its base64 body. */
interface PemBlock {
  label: string;
  body: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => ({
    label: match[1],
    body: match[2].replace(/\s+/g, ""),
  }));
}

/** The PEM text of DER bytes: base64 in lines of 64 characters, as RFC 7468 writes it. */
function pem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function describe(certificate: X509Certificate): string {
  return JSON.stringify(certificate.subject.replace(/\n/g, ", "));
}

/**
 * What is wrong with a bundle of CA certificates, one line per problem, each phrased to follow
 * the setting's name; empty when every block is a CA certificate valid at `now`. Text outside the
 * PEM blocks (such as OpenSSL's `subject=` lines) is ignored, as PEM readers do.
 */
export function trustedCaProblems(text: string, now: Date): string[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    return [
      'must hold one or more PEM certificates, each from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----"; got no PEM block. Give the whole text of the CA\'s PEM file; in stack config: pulumi config set openmetadata-sso:trustedCaCertificates -- "$(cat ca.pem)"',
    ];
  }
  const problems: string[] = [];
  const seen = new Map<string, number>();
  blocks.forEach((block, i) => {
    const n = i + 1;
    if (block.label !== "CERTIFICATE") {
      problems.push(
        /PRIVATE KEY/.test(block.label)
          ? `block ${n} is a ${block.label}, which must never be in the settings: only the CA's certificate is needed. Remove the key from the setting, and treat it as disclosed`
          : `block ${n} is a ${block.label}, not a CERTIFICATE. Keep only the CA certificates`,
      );
      return;
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(block.body, "base64"));
    } catch (error) {
      problems.push(
        `certificate ${n} is not a valid X.509 certificate (${(error as Error).message}). Copy the whole block again from the CA's PEM file`,
      );
      return;
    }
    const earlier = seen.get(certificate.fingerprint256);
    if (earlier !== undefined) {
      problems.push(`certificate ${n} repeats certificate ${earlier}. Remove one of them`);
      return;
    }
    seen.set(certificate.fingerprint256, n);
    if (!certificate.ca) {
      problems.push(
        `certificate ${n} (subject ${describe(certificate)}, issuer ${JSON.stringify(certificate.issuer.replace(/\n/g, ", "))}) is not a CA certificate (its basicConstraints do not say CA:TRUE), so it cannot vouch for any server. Use the certificate of the CA that issued the server's certificate instead`,
      );
    }
    const notAfter = new Date(certificate.validTo);
    const notBefore = new Date(certificate.validFrom);
    if (notAfter.getTime() < now.getTime()) {
      problems.push(
        `certificate ${n} (subject ${describe(certificate)}) expired on ${notAfter.toISOString()}, so nothing it issued is trusted. Use the CA's current certificate`,
      );
    } else if (notBefore.getTime() > now.getTime()) {
      problems.push(
        `certificate ${n} (subject ${describe(certificate)}) is not valid before ${notBefore.toISOString()}. Check this machine's clock, or use the CA's current certificate`,
      );
    }
  });
  return problems;
}

/**
 * The certificates of a valid bundle, each as canonical PEM (re-encoded from its DER bytes), in
 * the order given: the same certificates always give the same text, however they were pasted.
 */
export function caCertificates(text: string): string[] {
  return pemBlocks(text)
    .filter((block) => block.label === "CERTIFICATE")
    .map((block) => pem(new X509Certificate(Buffer.from(block.body, "base64")).raw));
}

// ---------------------------------------------------------------------------------------------
// The JVM's trust store.
// ---------------------------------------------------------------------------------------------

/** Where the CA certificates are mounted in a server-image container, one file each. */
export const CA_DIRECTORY = "/etc/openmetadata/trusted-ca";

/**
 * Where the trust store is written at container start. A directory the image's non-root user
 * `openmetadata` can write on Docker (`/tmp`), and an `emptyDir` mount on Kubernetes.
 */
export const TRUSTSTORE_DIRECTORY = "/tmp/openmetadata-sso";
export const TRUSTSTORE_PATH = `${TRUSTSTORE_DIRECTORY}/truststore.p12`;

/**
 * The trust store's password. It protects nothing secret (the store holds public certificates
 * only); Java needs one to read the certificates of a PKCS#12 store `keytool` writes. `changeit`
 * is also the password of the JDK's `cacerts`, as OpenMetadata's docs use it (`keytool ...
 * -keystore $JAVA_HOME/lib/security/cacerts -storepass changeit`, docs-om @3cbae06 v1.12.x
 * `deployment/security/keycloak/troubleshooting.mdx`).
 */
export const TRUSTSTORE_PASSWORD = "changeit";

/** The file name of CA certificate `index` (from 0) under {@link CA_DIRECTORY}. */
export function caFileName(index: number): string {
  return `ca-${index + 1}.pem`;
}

/**
 * The file holding all the CA certificates at once, for Node (`NODE_EXTRA_CA_CERTS` reads one
 * file, which may hold several certificates: Node.js CLI docs, v20 and v22).
 */
export const CA_BUNDLE_FILE = "ca-certificates.pem";

/** The variable through which Node adds CA certificates to its roots, read once at start. */
export const NODE_EXTRA_CA_CERTS = "NODE_EXTRA_CA_CERTS";

/**
 * The files of the CA certificates, by name: one per certificate for `keytool`, which imports one
 * certificate per file, and {@link CA_BUNDLE_FILE} with all of them for Node.
 */
export function caFiles(certificates: readonly string[]): Record<string, string> {
  if (certificates.length === 0) return {};
  return {
    ...Object.fromEntries(certificates.map((pem, i) => [caFileName(i), pem])),
    [CA_BUNDLE_FILE]: certificates.join(""),
  };
}

/**
 * The JVM options that make {@link TRUSTSTORE_PATH} the trust store of every JVM in the container,
 * for `JAVA_TOOL_OPTIONS`.
 */
export function javaTruststoreOptions(): string {
  return [
    `-Djavax.net.ssl.trustStore=${TRUSTSTORE_PATH}`,
    `-Djavax.net.ssl.trustStorePassword=${TRUSTSTORE_PASSWORD}`,
    "-Djavax.net.ssl.trustStoreType=PKCS12",
  ].join(" ");
}

/**
 * The shell script (bash or busybox sh, in the server image) that writes the trust store: a copy
 * of the JDK's `cacerts`, so public CAs stay trusted, plus each of the `count` CA files. It finds
 * the JDK from `JAVA_HOME` or from `keytool` on the `PATH` (the image sets no `JAVA_HOME` in its
 * Dockerfile: Alpine `openjdk21-jre`, OpenMetadata `docker/docker-compose-quickstart/Dockerfile`).
 * `keytool` runs without `JAVA_TOOL_OPTIONS`, which names the store it is writing. Any failure
 * stops the container before OpenMetadata starts.
 */
export function truststoreScript(count: number): string {
  return [
    "set -eu",
    // keytool prints its errors on stdout: they are shown only when it fails.
    'keytool_quietly() { if ! out="$(env -u JAVA_TOOL_OPTIONS keytool "$@" 2>&1)"; then echo "$out" >&2; exit 1; fi; }',
    `mkdir -p ${TRUSTSTORE_DIRECTORY}`,
    `rm -f ${TRUSTSTORE_PATH}`,
    'jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v keytool)")")")}"',
    `keytool_quietly -importkeystore -noprompt -srckeystore "$jdk/lib/security/cacerts" -srcstorepass ${TRUSTSTORE_PASSWORD} -destkeystore ${TRUSTSTORE_PATH} -deststoretype PKCS12 -deststorepass ${TRUSTSTORE_PASSWORD}`,
    ...Array.from(
      { length: count },
      (_, i) =>
        `keytool_quietly -importcert -noprompt -alias openmetadata-sso-ca-${i + 1} -file ${CA_DIRECTORY}/${caFileName(i)} -keystore ${TRUSTSTORE_PATH} -storetype PKCS12 -storepass ${TRUSTSTORE_PASSWORD}`,
    ),
    `chmod 0444 ${TRUSTSTORE_PATH}`,
    `echo "openmetadata-sso: the trust store ${TRUSTSTORE_PATH} holds the JDK's CA certificates and ${count} from trustedCaCertificates"`,
  ].join("\n");
}

/** A shell command that writes the trust store, then replaces itself with `command`. */
export function withTruststore(count: number, command: string): string {
  return `${truststoreScript(count)}\nexec ${command}`;
}

/** `JAVA_TOOL_OPTIONS` from its parts, in order; `undefined` when there are none. */
export function joinJavaOptions(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined && part !== "");
  return present.length === 0 ? undefined : present.join(" ");
}
