/**
 * Private CAs (`trustedCaCertificates`): the validation of the PEM text, its canonical form, and the
 * trust store every JVM of the server image reads. Certificates are made in the test with Node's
 * crypto (test/support/x509.ts). Where a JDK is installed, the trust store script runs for real
 * with its `keytool`, and a Java HTTPS client proves what the store trusts.
 */
import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigValidationError, readStackConfig, validateArgs } from "../components/config";
import {
  caCertificates,
  caFileName,
  javaTruststoreOptions,
  joinJavaOptions,
  trustedCaProblems,
  truststoreScript,
  withTruststore,
} from "../components/settings/truststore";
import { localStackArgs } from "./support/args";
import { certificate, privateCa } from "./support/x509";

const NOW = new Date();
const DAY = 24 * 60 * 60 * 1000;

describe("trustedCaProblems", () => {
  const { ca, server } = privateCa("Example Corp Root CA");
  const intermediate = certificate({
    commonName: "Example Corp Issuing CA",
    ca: true,
    issuer: ca,
  });

  it("accepts CA certificates, roots and intermediates, with text around the blocks and CRLF", () => {
    const text = `subject=CN=Example Corp Root CA\r\n${ca.cert.replace(/\n/g, "\r\n")}\n\n${intermediate.cert}`;
    expect(trustedCaProblems(text, NOW)).toEqual([]);
  });

  it("refuses text without a PEM block", () => {
    expect(trustedCaProblems("MIIBiTCCATCgAwIBAgIQ", NOW)).toEqual([
      'must hold one or more PEM certificates, each from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----"; got no PEM block. Give the whole text of the CA\'s PEM file; in stack config: pulumi config set openmetadata-sso:trustedCaCertificates -- "$(cat ca.pem)"',
    ]);
  });

  it("refuses a server certificate, naming its subject and the CA to use instead", () => {
    expect(trustedCaProblems(ca.cert + server.cert, NOW)).toEqual([
      'certificate 2 (subject "CN=127.0.0.1", issuer "CN=Example Corp Root CA") is not a CA certificate (its basicConstraints do not say CA:TRUE), so it cannot vouch for any server. Use the certificate of the CA that issued the server\'s certificate instead',
    ]);
  });

  it("refuses an expired CA and one not valid yet, with the dates", () => {
    const expired = certificate({
      commonName: "Old CA",
      ca: true,
      notBefore: new Date("2015-01-01T00:00:00Z"),
      notAfter: new Date("2020-01-01T00:00:00Z"),
    });
    const future = new Date(Math.ceil((NOW.getTime() + 10 * DAY) / 1000) * 1000);
    const early = certificate({ commonName: "Next CA", ca: true, notBefore: future });
    expect(trustedCaProblems(expired.cert + early.cert, NOW)).toEqual([
      'certificate 1 (subject "CN=Old CA") expired on 2020-01-01T00:00:00.000Z, so nothing it issued is trusted. Use the CA\'s current certificate',
      `certificate 2 (subject "CN=Next CA") is not valid before ${future.toISOString()}. Check this machine's clock, or use the CA's current certificate`,
    ]);
  });

  it("refuses a broken body, a repeated certificate, a private key and other blocks, each once", () => {
    const key = crypto
      .generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" });
    const broken = ca.cert.replace(/\n[A-Za-z0-9+/]{64}\n/, "\nAAAA\n");
    const text = [
      broken,
      ca.cert,
      ca.cert,
      key,
      "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
    ].join("");
    const problems = trustedCaProblems(text, NOW);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(
      /^certificate 1 is not a valid X\.509 certificate \(.+\)\. Copy the whole block again from the CA's PEM file$/,
    );
    expect(problems.slice(1)).toEqual([
      "certificate 3 repeats certificate 2. Remove one of them",
      "block 4 is a PRIVATE KEY, which must never be in the settings: only the CA's certificate is needed. Remove the key from the setting, and treat it as disclosed",
      "block 5 is a X509 CRL, not a CERTIFICATE. Keep only the CA certificates",
    ]);
  });
});

describe("caCertificates", () => {
  it("gives each certificate as canonical PEM, in the order given, however it was pasted", () => {
    const { ca } = privateCa();
    const other = certificate({ commonName: "Other CA", ca: true });
    const body = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    const messy = `  -----BEGIN CERTIFICATE-----\r\n${body(other.cert).replace(/(.{76})/g, "$1\r\n")}\r\n-----END CERTIFICATE-----  \n${ca.cert}`;
    expect(caCertificates(messy)).toEqual([other.cert, ca.cert]);
    expect(caCertificates(ca.cert + other.cert)).toEqual([ca.cert, other.cert]);
  });
});

describe("the setting", () => {
  const base = localStackArgs();

  it("is a component argument, refused with the argument's name", () => {
    const { server } = privateCa();
    let error: unknown;
    try {
      validateArgs({ ...base, trustedCaCertificates: server.cert });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).message).toBe(
      'Invalid arguments (1 problem):\n  - args.trustedCaCertificates: certificate 1 (subject "CN=127.0.0.1", issuer "CN=openmetadata-sso test CA") is not a CA certificate (its basicConstraints do not say CA:TRUE), so it cannot vouch for any server. Use the certificate of the CA that issued the server\'s certificate instead',
    );
  });

  it("is read from stack config as text and kept as given", () => {
    const { ca } = privateCa();
    const values = Object.fromEntries(
      Object.entries({ ...base, trustedCaCertificates: ca.cert }).map(([key, value]) => [
        `openmetadata-sso:${key}`,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
    const { args } = readStackConfig({ values, secretKeys: new Set() }, { env: {} });
    expect(args.trustedCaCertificates).toBe(ca.cert);
    expect(validateArgs(args).trustedCaCertificates).toBe(ca.cert);
  });
});

describe("the JVM trust store", () => {
  it("is named by JAVA_TOOL_OPTIONS, after any proxy options", () => {
    expect(javaTruststoreOptions()).toBe(
      "-Djavax.net.ssl.trustStore=/tmp/openmetadata-sso/truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12",
    );
    expect(joinJavaOptions("-Dhttp.proxyHost=proxy", javaTruststoreOptions())).toBe(
      `-Dhttp.proxyHost=proxy ${javaTruststoreOptions()}`,
    );
    expect(joinJavaOptions(undefined, javaTruststoreOptions())).toBe(javaTruststoreOptions());
    expect(joinJavaOptions(undefined, undefined)).toBeUndefined();
  });

  it("is written by a script that copies the JDK's cacerts and imports each CA file", () => {
    expect(caFileName(0)).toBe("ca-1.pem");
    expect(truststoreScript(2)).toBe(
      [
        "set -eu",
        'keytool_quietly() { if ! out="$(env -u JAVA_TOOL_OPTIONS keytool "$@" 2>&1)"; then echo "$out" >&2; exit 1; fi; }',
        "mkdir -p /tmp/openmetadata-sso",
        "rm -f /tmp/openmetadata-sso/truststore.p12",
        'jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v keytool)")")")}"',
        'keytool_quietly -importkeystore -noprompt -srckeystore "$jdk/lib/security/cacerts" -srcstorepass changeit -destkeystore /tmp/openmetadata-sso/truststore.p12 -deststoretype PKCS12 -deststorepass changeit',
        "keytool_quietly -importcert -noprompt -alias openmetadata-sso-ca-1 -file /etc/openmetadata/trusted-ca/ca-1.pem -keystore /tmp/openmetadata-sso/truststore.p12 -storetype PKCS12 -storepass changeit",
        "keytool_quietly -importcert -noprompt -alias openmetadata-sso-ca-2 -file /etc/openmetadata/trusted-ca/ca-2.pem -keystore /tmp/openmetadata-sso/truststore.p12 -storetype PKCS12 -storepass changeit",
        "chmod 0444 /tmp/openmetadata-sso/truststore.p12",
        `echo "openmetadata-sso: the trust store /tmp/openmetadata-sso/truststore.p12 holds the JDK's CA certificates and 2 from trustedCaCertificates"`,
      ].join("\n"),
    );
    expect(withTruststore(1, "/openmetadata-start.sh")).toBe(
      `${truststoreScript(1)}\nexec /openmetadata-start.sh`,
    );
  });
});

/** A JDK on this machine: the script and a Java client run for real. Not on every CI machine. */
const JDK =
  spawnSync("keytool", ["-help"], { stdio: "ignore" }).status === 0 &&
  spawnSync("javac", ["-version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!JDK)("the trust store script with this machine's JDK", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "truststore-"));
  const { ca, server } = privateCa();
  const other = certificate({ commonName: "Other CA", ca: true });
  // The script's absolute paths, moved under the temporary directory.
  const moved = (text: string) =>
    text
      .replaceAll("/etc/openmetadata/", `${dir}/etc/openmetadata/`)
      .replaceAll("/tmp/openmetadata-sso", `${dir}/tmp/openmetadata-sso`);
  let httpsServer: https.Server;
  let url: string;

  beforeAll(async () => {
    fs.mkdirSync(`${dir}/etc/openmetadata/trusted-ca`, { recursive: true });
    fs.writeFileSync(`${dir}/etc/openmetadata/trusted-ca/${caFileName(0)}`, other.cert);
    fs.writeFileSync(`${dir}/etc/openmetadata/trusted-ca/${caFileName(1)}`, ca.cert);
    fs.writeFileSync(
      `${dir}/Get.java`,
      'public class Get { public static void main(String[] a) throws Exception { var c = (java.net.HttpURLConnection) new java.net.URI(a[0]).toURL().openConnection(); System.out.println(c.getResponseCode() + " " + new String(c.getInputStream().readAllBytes())); } }',
    );
    expect(spawnSync("javac", ["-d", dir, `${dir}/Get.java`]).status).toBe(0);
    httpsServer = https.createServer({ cert: server.cert, key: server.key }, (_, response) =>
      response.end("trusted"),
    );
    httpsServer.listen(0, "127.0.0.1");
    await new Promise((resolve) => httpsServer.once("listening", resolve));
    url = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    httpsServer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const java = (options: string | undefined) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const env = { ...process.env };
      delete env.JAVA_TOOL_OPTIONS;
      if (options !== undefined) env.JAVA_TOOL_OPTIONS = options;
      const child = spawn("java", ["-cp", dir, "Get", url], { env });
      let output = "";
      child.stdout.on("data", (data: Buffer) => (output += data.toString()));
      child.stderr.on("data", (data: Buffer) => (output += data.toString()));
      child.on("close", (code) => resolve({ code, output }));
    });

  it("builds a store a Java client trusts the private CA with, keeping the JDK's CAs", async () => {
    const run = spawnSync("sh", ["-c", moved(truststoreScript(2))], {
      encoding: "utf8",
      // The script must not read the options that name the store it writes.
      env: { ...process.env, JAVA_TOOL_OPTIONS: moved(javaTruststoreOptions()) },
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `openmetadata-sso: the trust store ${dir}/tmp/openmetadata-sso/truststore.p12 holds the JDK's CA certificates and 2 from trustedCaCertificates\n`,
    );
    const store = `${dir}/tmp/openmetadata-sso/truststore.p12`;
    const listing = spawnSync("keytool", ["-list", "-keystore", store, "-storepass", "changeit"], {
      encoding: "utf8",
    }).stdout;
    const entries = Number(/Your keystore contains (\d+) entries/.exec(listing)?.[1]);
    const jdkListing = spawnSync("keytool", ["-list", "-cacerts", "-storepass", "changeit"], {
      encoding: "utf8",
    }).stdout;
    const jdkEntries = Number(/Your keystore contains (\d+) entries/.exec(jdkListing)?.[1]);
    expect(jdkEntries).toBeGreaterThan(50);
    expect(entries).toBe(jdkEntries + 2);
    expect(listing).toContain("openmetadata-sso-ca-1,");
    expect(listing).toContain("openmetadata-sso-ca-2,");

    const without = await java(undefined);
    expect(without.code).toBe(1);
    expect(without.output).toContain("PKIX path building failed");
    const trusted = await java(moved(javaTruststoreOptions()));
    expect(trusted.code).toBe(0);
    expect(trusted.output).toContain("200 trusted");
  });

  it("stops the container when a CA file is missing, with keytool's reason", () => {
    const run = spawnSync("sh", ["-c", moved(truststoreScript(3))], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `keytool error: java.io.FileNotFoundException: ${dir}/etc/openmetadata/trusted-ca/ca-3.pem (No such file or directory)\n`,
    );
  });
});
