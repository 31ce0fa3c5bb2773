/**
 * `doctor` end to end, offline, against real servers on 127.0.0.1: the HTTPS front with generated
 * certificates and the stand-in OpenMetadata behind it (test/support/standin.ts, x509.ts), and
 * oidc-provider as the identity provider. The stack's outputs come from a fake `pulumi` on PATH,
 * a shell script that records its arguments and prints JSON, so the Pulumi CLI path runs without
 * Pulumi. Each broken case fails with its own exact line and exit code 1; the healthy case passes
 * with 0. The command line and the expectations are pure functions, tested alone.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  caFromFiles,
  doctorPlan,
  DoctorUsageError,
  main,
  parseDoctorArgs,
  pulumiEnv,
  readStackOutputs,
  type DoctorArgs,
} from "../components/checks/doctor";
import { AFFINITY_PROBES, type OutsideExpectations } from "../components/checks/outside";
import { doctorInputJson } from "../components/checks/outside-gate";
import { DRIFT_REMEDY } from "../components/checks/verify";
import type { TestProvider } from "./support/oidc";
import { AFFINITY_COOKIE, type Served, type StandIn } from "./support/standin";
import { startOutsideScene } from "./support/outside-scene";
import { testPki, type TestPki } from "./support/x509";

const KEY_ID = "5b0e7c2a-9f3d-4e61-8a47-1c2d3e4f5a6b";
const DAY = 86_400_000;
/** Whole seconds, as certificates state their validity. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const UNTIL = new Date(NOW.getTime() + 200 * DAY);

let pki: TestPki;
let front: StandIn;
let idp: TestProvider;
let expected: OutsideExpectations;
let healthy: Served;
let chain: string;
let key: string;
let bin: string;
let publicUrl: string;
let host: string;

const leafFor = (pkiOf: TestPki, hosts: string[], notAfter = UNTIL, notBefore?: Date) =>
  pkiOf.leaf({
    commonName: hosts[0],
    hosts,
    notAfter,
    notBefore: notBefore ?? new Date(NOW.getTime() - DAY),
  });

/** What the fake `pulumi stack output --json` prints next. */
function stackOutputs(outputs: Record<string, unknown>): void {
  fs.writeFileSync(path.join(bin, "outputs.json"), JSON.stringify(outputs));
}

beforeAll(async () => {
  pki = testPki("Doctor");
  const leaf = leafFor(pki, ["127.0.0.1"]);
  chain = leaf.cert + pki.intermediate.cert;
  key = leaf.key;
  ({ front, idp, publicUrl, healthy, expected } = await startOutsideScene({
    chain,
    key,
    keyId: KEY_ID,
    kids: [KEY_ID],
  }));
  host = new URL(publicUrl).host;
  // The fake Pulumi CLI: records its arguments, prints the outputs a test set.
  bin = fs.mkdtempSync(path.join(os.tmpdir(), "om-doctor-"));
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/args"\ncat "${bin}/outputs.json"\n`,
    { mode: 0o755 },
  );
});

afterAll(async () => {
  await front.close();
  await idp.close();
  fs.rmSync(bin, { recursive: true, force: true });
});

beforeEach(() => {
  front.served = healthy;
  front.affinity = "cookie";
  front.useCertificate(chain, key);
  stackOutputs({
    url: publicUrl,
    clientId: "openmetadata",
    demoPassword: "[secret]",
    doctor: doctorInputJson(expected, [pki.root.cert]),
  });
});

/** Runs the command as a user would, with the fake CLI first on PATH. */
async function doctor(argv: string[], options: { isTTY?: boolean } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: options.isTTY ?? false,
    env: { PATH: `${bin}:${process.env.PATH}` },
    now: NOW,
  });
  return { code, stdout, stderr, lines: stdout.split("\n") };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const fails = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("FAIL "));
const CERT_SEEN = (cn: string, names: string, until: Date) =>
  `seen subject "${cn}", names ${names}, issuer "Doctor Intermediate CA", valid until ${until.toISOString()}`;

describe("doctor <stack>, the healthy case", () => {
  it("reads the stack's outputs through the Pulumi CLI, prints one line per check, exits 0", async () => {
    const { code, stdout, stderr } = await doctor(["prod"]);
    expect(fs.readFileSync(path.join(bin, "args"), "utf8")).toBe(
      "stack\noutput\n--json\n--stack\nprod\n",
    );
    expect(stderr).toBe("");
    expect(stdout).toBe(
      [
        `openmetadata-sso doctor: ${publicUrl}, expectations from the doctor output of stack "prod"`,
        "SKIP in-network: not run: give --internal-url with the server's own address (for instance after kubectl port-forward) to tell the server from the ingress",
        "PASS tls: valid for 127.0.0.1, trusted, 200 days left",
        `PASS settings: https://${host}/api/v1/system/config/auth serves the deployed auth settings`,
        `PASS jwks: https://${host}/api/v1/system/config/jwks serves key id ${KEY_ID}`,
        `PASS issuer: the provider's issuer ${idp.issuer} matches OpenMetadata's authority`,
        `PASS login: redirects to ${idp.issuer}/protocol/openid-connect/auth with client openmetadata, callback https://${host}/callback, PKCE S256, a nonce; the provider accepts it`,
        `PASS affinity: the ingress sets ${AFFINITY_COOKIE}; ${AFFINITY_PROBES} requests carrying it reached the pod that holds the login session`,
        "OK: 0 failures, 0 warnings, 6 passed, 1 skipped",
        "",
      ].join("\n"),
    );
    expect(code).toBe(0);
  });

  it("colours the status words on a terminal only", async () => {
    const { stdout } = await doctor(["prod"], { isTTY: true });
    expect(stdout.split("\n")[2]).toBe(
      "\u001b[32mPASS\u001b[0m tls: valid for 127.0.0.1, trusted, 200 days left",
    );
    expect((await doctor(["prod", "--no-color"], { isTTY: true })).stdout).not.toContain("\u001b");
  });

  it("runs the in-network check against the server's own address", async () => {
    const { code, lines } = await doctor(["prod", "--internal-url", publicUrl]);
    expect(lines[1]).toBe(
      `PASS in-network: ${publicUrl} serves the expected auth settings and key id ${KEY_ID}`,
    );
    expect(code).toBe(0);
  });

  it("checks from flags alone, comparing only the settings given", async () => {
    const { code, stdout } = await doctor([
      "--public-url",
      publicUrl,
      "--client-id=openmetadata",
      "--authority",
      idp.issuer,
      "--key-id",
      KEY_ID,
      "--redirect-uri",
      `${publicUrl}/callback`,
      "--ca-file",
      path.join(bin, "ca.pem"),
    ]);
    // No such file yet: the CA file is read before anything runs.
    expect(code).toBe(2);
    expect(stdout).toBe("");
    fs.writeFileSync(path.join(bin, "ca.pem"), pki.root.cert);
    // A setting not given is not compared.
    front.served = { ...healthy, auth: { ...healthy.auth, providerName: "Okta" } };
    const again = await doctor([
      "--public-url",
      publicUrl,
      "--client-id=openmetadata",
      "--authority",
      idp.issuer,
      "--key-id",
      KEY_ID,
      "--ca-file",
      path.join(bin, "ca.pem"),
    ]);
    expect(again.lines[0]).toBe(`openmetadata-sso doctor: ${publicUrl}, expectations from flags`);
    expect(again.lines[3]).toBe(
      `PASS settings: https://${host}/api/v1/system/config/auth serves the given clientId, authority, callbackUrl`,
    );
    expect(again.lines.at(-2)).toBe("OK: 0 failures, 0 warnings, 5 passed, 2 skipped");
    expect(again.code).toBe(0);
  });
});

describe("doctor <stack>, each broken case with its own line", () => {
  it("fails a certificate for another host", async () => {
    const wrong = leafFor(pki, ["om.example.com"]);
    front.useCertificate(wrong.cert + pki.intermediate.cert, wrong.key);
    const { code, stdout } = await doctor(["prod"]);
    expect(fails(stdout)).toEqual([
      `FAIL tls: the certificate is not valid for the host (ERR_TLS_CERT_ALTNAME_INVALID) | expected a certificate for "127.0.0.1" | ${CERT_SEEN("om.example.com", "DNS:om.example.com", UNTIL)} | fix: issue the certificate for the public URL's host: check the TLS Secret the ingress uses (kubernetes.ingress.tlsSecretName) or the provided certificate, and that DNS sends the host to this ingress`,
    ]);
    expect(stdout).toContain("\nFAILED: 1 failure, 0 warnings, 5 passed, 1 skipped\n");
    expect(code).toBe(1);
  });

  it("fails an expired certificate", async () => {
    const ended = new Date(NOW.getTime() - 2 * DAY);
    const expired = leafFor(pki, ["127.0.0.1"], ended, new Date(NOW.getTime() - 90 * DAY));
    front.useCertificate(expired.cert + pki.intermediate.cert, expired.key);
    const { code, stdout } = await doctor(["prod"]);
    expect(fails(stdout)).toEqual([
      `FAIL tls: the certificate has expired (CERT_HAS_EXPIRED) | expected a certificate valid on ${NOW.toISOString()} | ${CERT_SEEN("127.0.0.1", "IP Address:127.0.0.1", ended)} | fix: renew the certificate: with cert-manager, check the Certificate and its issuer (kubectl describe certificate -n <namespace>); with a provided certificate, replace it in the stack config`,
    ]);
    expect(code).toBe(1);
  });

  it("fails a server that leaves out the intermediate", async () => {
    const leaf = leafFor(pki, ["127.0.0.1"]);
    front.useCertificate(leaf.cert, leaf.key);
    const { code, stdout } = await doctor(["prod"]);
    expect(fails(stdout)).toEqual([
      `FAIL tls: the server does not send the intermediate certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE) | expected a chain from the certificate to a trusted root | ${CERT_SEEN("127.0.0.1", "IP Address:127.0.0.1", UNTIL)} | fix: serve the full chain: put the leaf certificate followed by its intermediates in the TLS Secret's tls.crt (or the provided certificate)`,
    ]);
    expect(code).toBe(1);
  });

  it("fails a certificate from an unknown CA, and passes with that CA given as --ca-file", async () => {
    const other = testPki("Other");
    const leaf = leafFor(other, ["127.0.0.1"]);
    front.useCertificate(leaf.cert + other.intermediate.cert, leaf.key);
    const { code, stdout } = await doctor(["prod"]);
    expect(fails(stdout)).toEqual([
      `FAIL tls: the certificate chains to a CA that is not trusted here (UNABLE_TO_GET_ISSUER_CERT_LOCALLY) | expected a chain from the certificate to a trusted root | seen subject "127.0.0.1", names IP Address:127.0.0.1, issuer "Other Intermediate CA", valid until ${UNTIL.toISOString()} | fix: use a certificate from a publicly trusted CA, or, for a private CA, add its certificate (PEM) to the trusted CAs of this stack and to your users' browsers`,
    ]);
    expect(code).toBe(1);
    fs.writeFileSync(path.join(bin, "other.pem"), other.root.cert);
    const trusted = await doctor(["prod", "--ca-file", path.join(bin, "other.pem")]);
    expect(fails(trusted.stdout)).toEqual([]);
    expect(trusted.code).toBe(0);
  });

  it("fails drifted settings, in the network and through the public URL", async () => {
    front.served = { ...healthy, auth: { ...healthy.auth, providerName: "Okta" } };
    const { code, stdout } = await doctor(["prod", "--internal-url", publicUrl]);
    expect(fails(stdout)).toEqual([
      `FAIL in-network: the server itself serves other auth settings or keys than expected | expected the deployed auth settings and key id "${KEY_ID}" | seen providerName "Okta" for "Keycloak" | fix: ${DRIFT_REMEDY}`,
      `FAIL settings: providerName through the public URL differs from the deployed one | expected "Keycloak" | seen "Okta" | fix: if the in-network verification passed, the public URL reaches another OpenMetadata (check DNS for the host, the ingress host and its backend); otherwise: ${DRIFT_REMEDY}`,
    ]);
    expect(code).toBe(1);
  });

  it("fails a discovery issuer that differs from the authority", async () => {
    const authority = `${idp.issuer}/`;
    front.served = { ...healthy, auth: { ...healthy.auth, authority } };
    stackOutputs({
      doctor: doctorInputJson({ ...expected, auth: { ...expected.auth, authority } }, [
        pki.root.cert,
      ]),
    });
    const { code, stdout } = await doctor(["prod"]);
    expect(fails(stdout)).toEqual([
      `FAIL issuer: the provider's discovery issuer differs from OpenMetadata's authority | expected "${authority}" | seen "${idp.issuer}" | fix: browsers and OpenMetadata compare issuers character by character: set the identity provider's URL in the stack config to the one it states as issuer (a frontend or custom domain changes it), then run pulumi up`,
    ]);
    expect(code).toBe(1);
  });

  it("fails a callback the provider has not registered", async () => {
    front.served = {
      ...healthy,
      clientId: "partial",
      auth: { ...healthy.auth, clientId: "partial" },
    };
    const { code, stdout } = await doctor(["prod", "--client-id", "partial"]);
    const [line, ...rest] = fails(stdout);
    expect(rest).toEqual([]);
    expect(line).toMatch(
      new RegExp(
        `^${escape(`FAIL login: the identity provider refuses the callback | expected "${publicUrl}/callback" registered as a redirect URI of client "partial" | seen HTTP 400: {"error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris","state":"`)}[0-9a-f]{10}${escape(`","iss":"${idp.issuer}"} | fix: register ${publicUrl}/callback as a redirect URI of the client at the identity provider (pulumi up registers ${JSON.stringify(expected.redirectUris)} for clients it creates; an existing client needs it added by hand)`)}$`,
      ),
    );
    expect(code).toBe(1);
  });

  it("fails a missing affinity cookie", async () => {
    front.affinity = "none";
    const { code, stdout } = await doctor(["prod"]);
    expect(fails(stdout)).toEqual([
      `FAIL affinity: the ingress sets no affinity cookie, with 2 replicas | expected a ${AFFINITY_COOKIE} cookie on the first answer | seen cookies ["JSESSIONID"] | fix: logins fail with "Missing state parameter" when the callback reaches another pod: use an ingress-nginx class (kubernetes.ingress.className) with kubernetes.ingress.stickySessions true, and check that the controller reads the affinity annotations`,
    ]);
    expect(code).toBe(1);
  });
});

describe("doctor that cannot run", () => {
  it("exits 2 with every problem of the command line", async () => {
    const { code, stdout, stderr } = await doctor(["a", "b", "--public-ulr", "x", "--replicas=0"]);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      [
        "openmetadata-sso doctor cannot run:",
        "  - unknown flag --public-ulr. Did you mean --public-url? (see --help)",
        '  - --replicas must be a whole number of 1 or more; got "0"',
        '  - give at most one stack; got "a", "b", "x"',
        "",
      ].join("\n"),
    );
    expect(code).toBe(2);
  });

  it("exits 2 when the Pulumi CLI fails, with what it said", async () => {
    fs.writeFileSync(path.join(bin, "outputs.json"), "not json");
    const { code, stderr } = await doctor(["prod"]);
    expect(stderr).toBe(
      "openmetadata-sso doctor cannot run:\n  - pulumi stack output --json --stack prod printed something other than a JSON object\n",
    );
    expect(code).toBe(2);
  });
});

describe("reading the stack's outputs", () => {
  const env = () => ({ PATH: `${bin}:${process.env.PATH}` });

  it("returns them as JSON, secrets left encrypted", () => {
    stackOutputs({ url: "https://om.example.com", workflowConfig: "[secret]" });
    expect(readStackOutputs("staging", undefined, env())).toEqual({
      url: "https://om.example.com",
      workflowConfig: "[secret]",
    });
  });

  it("says how to fix a missing CLI or a failing one", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "om-doctor-empty-"));
    try {
      expect(() => readStackOutputs("prod", undefined, { PATH: empty })).toThrow(
        'The Pulumi CLI is not on PATH, so the outputs of stack "prod" cannot be read. Install it (https://www.pulumi.com/docs/install/), or give the values as flags: --public-url, --client-id, --authority, --key-id (see --help)',
      );
      fs.writeFileSync(
        path.join(empty, "pulumi"),
        "#!/bin/sh\necho \"error: no stack named 'prod' found\" >&2\nexit 255\n",
        { mode: 0o755 },
      );
      expect(() => readStackOutputs("prod", undefined, { PATH: empty })).toThrow(
        "pulumi stack output --json --stack prod failed (exit 255): error: no stack named 'prod' found. Check the stack's name (pulumi stack ls) and that the CLI is logged in to its backend (pulumi whoami)",
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("points the CLI at the checkout's state and passphrase for the local stack only, unless a backend is set", () => {
    const yes = () => true;
    expect(pulumiEnv("local", { A: "1" }, "/repo", yes)).toEqual({
      A: "1",
      PULUMI_BACKEND_URL: "file:///repo/.pulumi-state",
      PULUMI_CONFIG_PASSPHRASE: "openmetadata-sso-local",
    });
    expect(pulumiEnv("local", { PULUMI_CONFIG_PASSPHRASE: "mine" }, "/repo", yes)).toEqual({
      PULUMI_BACKEND_URL: "file:///repo/.pulumi-state",
      PULUMI_CONFIG_PASSPHRASE: "mine",
    });
    expect(pulumiEnv("prod", { A: "1" }, "/repo", yes)).toEqual({ A: "1" });
    expect(pulumiEnv("local", { PULUMI_BACKEND_URL: "s3://b" }, "/repo", yes)).toEqual({
      PULUMI_BACKEND_URL: "s3://b",
    });
    expect(pulumiEnv("local", {}, "/repo", () => false)).toEqual({});
  });
});

describe("parseDoctorArgs", () => {
  const base: DoctorArgs = {
    help: false,
    color: true,
    redirectUris: [],
    caFiles: [],
    timeoutMs: 10_000,
  };

  it("reads a stack and every flag, in both forms", () => {
    expect(
      parseDoctorArgs([
        "prod",
        "--public-url=https://om.example.com/",
        "--client-id",
        "abc",
        "--authority",
        "https://login.example.com/realms/x",
        "--issuer",
        "https://login.example.com/realms/x",
        "--key-id",
        "kid-1",
        "--callback",
        "https://om.example.com/callback",
        "--redirect-uri",
        "https://om.example.com/callback",
        "--redirect-uri",
        "https://om.example.com/auth/callback",
        "--client-type",
        "public",
        "--provider",
        "okta",
        "--no-pkce",
        "--nonce",
        "--replicas",
        "3",
        "--affinity-cookie",
        "ROUTE",
        "--ca-file",
        "a.pem",
        "--ca-file=b.pem",
        "--internal-url",
        "http://localhost:8585",
        "--timeout",
        "2.5",
        "--no-color",
      ]),
    ).toEqual({
      ...base,
      stack: "prod",
      color: false,
      publicUrl: "https://om.example.com",
      clientId: "abc",
      authority: "https://login.example.com/realms/x",
      issuer: "https://login.example.com/realms/x",
      keyId: "kid-1",
      callback: "https://om.example.com/callback",
      redirectUris: ["https://om.example.com/callback", "https://om.example.com/auth/callback"],
      clientType: "public",
      provider: "okta",
      pkce: false,
      nonce: true,
      replicas: 3,
      affinityCookie: "ROUTE",
      caFiles: ["a.pem", "b.pem"],
      internalUrl: "http://localhost:8585",
      timeoutMs: 2500,
    });
  });

  it("turns colours off with NO_COLOR, and takes --help over any problem", () => {
    expect(parseDoctorArgs(["prod"], { NO_COLOR: "1" })).toEqual({
      ...base,
      stack: "prod",
      color: false,
    });
    expect(parseDoctorArgs(["--help", "--nope"]).help).toBe(true);
  });

  it("reports every problem at once", () => {
    let error: unknown;
    try {
      parseDoctorArgs([
        "--public-url",
        "om.example.com",
        "--client-type",
        "secret",
        "--provider",
        "oktaa",
        "--timeout",
        "0",
        "--key-id",
        "--help=yes",
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DoctorUsageError);
    expect((error as DoctorUsageError).problems).toEqual([
      '--public-url must be an http(s) URL; got "om.example.com"',
      '--client-type must be confidential or public; got "secret"',
      '--provider must be one of okta, auth0, azure, google, aws-cognito, custom-oidc; got "oktaa". Did you mean okta?',
      '--timeout must be a number of seconds above 0; got "0"',
      "--key-id needs a value",
      '--help takes no value; got "--help=yes"',
    ]);
  });
});

describe("doctorPlan", () => {
  const args = (over: Partial<DoctorArgs> = {}): DoctorArgs => ({
    help: false,
    color: false,
    redirectUris: [],
    caFiles: [],
    timeoutMs: 10_000,
    ...over,
  });

  it("takes the doctor output, with the flags over it and the CA files after its CAs", () => {
    const outputs = { doctor: doctorInputJson(expected, ["stack-ca"]) };
    expect(
      doctorPlan(args({ stack: "prod", replicas: 1, clientId: "other" }), outputs, ["file-ca"]),
    ).toEqual({
      expected: { ...expected, replicas: 1, auth: { ...expected.auth, clientId: "other" } },
      ca: ["stack-ca", "file-ca"],
      source: 'the doctor output of stack "prod"',
    });
  });

  it("falls back on a stack's basic outputs, and names what is missing", () => {
    const plan = doctorPlan(args({ stack: "old" }), {
      url: "https://om.example.com",
      clientId: "abc",
      issuer: "https://login.example.com",
      keyId: "kid",
      caCertificate: "generated-ca",
    });
    expect(plan.source).toBe('the basic outputs of stack "old" and flags');
    expect(plan.ca).toEqual(["generated-ca"]);
    expect(plan.expected).toEqual({
      publicUrl: "https://om.example.com",
      auth: {
        provider: "custom-oidc",
        providerName: "",
        clientId: "abc",
        authority: "https://login.example.com",
        callbackUrl: "https://om.example.com/callback",
        clientType: "confidential",
        enableSelfSignup: false,
        jwtPrincipalClaims: [],
        jwtPrincipalClaimsMapping: [],
        keyId: "kid",
        publicKeyUrls: [],
      },
      provider: "custom-oidc",
      discoveryUrl: "https://login.example.com/.well-known/openid-configuration",
      redirectUris: ["https://om.example.com/callback"],
      pkce: true,
      nonce: true,
      replicas: 1,
      authFields: ["clientId", "authority", "callbackUrl"],
    });
    expect(() => doctorPlan(args({ stack: "old" }), { url: "x", clientId: "[secret]" })).toThrow(
      [
        '--client-id is needed: stack "old" has neither a doctor output nor a plain clientId output (a pulumi up with this version adds the doctor output)',
        '--authority is needed: stack "old" has neither a doctor output nor a plain issuer output (a pulumi up with this version adds the doctor output)',
        '--key-id is needed: stack "old" has neither a doctor output nor a plain keyId output (a pulumi up with this version adds the doctor output)',
      ].join("\n"),
    );
    expect(() => doctorPlan(args(), undefined)).toThrow(
      "--public-url is needed without a stack (or name a stack: npm run doctor -- <stack>)",
    );
  });

  it("checks the CA files as trustedCaCertificates is checked", () => {
    const files: Record<string, string> = { "ca.pem": pki.root.cert, "leaf.pem": chain };
    expect(caFromFiles(["ca.pem"], (file) => files[file], NOW)).toHaveLength(1);
    expect(() =>
      caFromFiles(
        ["leaf.pem", "none.pem"],
        (file) => {
          if (!(file in files)) throw new Error("ENOENT: no such file");
          return files[file];
        },
        NOW,
      ),
    ).toThrow(
      [
        `--ca-file leaf.pem: certificate 1 (subject "CN=127.0.0.1", issuer "CN=Doctor Intermediate CA") is not a CA certificate (its basicConstraints do not say CA:TRUE), so it cannot vouch for any server. Use the certificate of the CA that issued the server's certificate instead`,
        "--ca-file none.pem cannot be read: ENOENT: no such file",
      ].join("\n"),
    );
  });
});
