/**
 * The checks through the public URL, against real servers on 127.0.0.1: an HTTPS front with
 * certificates generated here (test/support/x509.ts), a stand-in OpenMetadata behind it with two
 * pods (test/support/standin.ts), and oidc-provider as the identity provider. Every broken case
 * fails with its own line; the healthy case passes every check.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AFFINITY_PROBES,
  affinityCheck,
  formatResult,
  runOutsideChecks,
  tlsCheck,
  type CheckResult,
  type OutsideExpectations,
} from "../components/checks/outside";
import { DRIFT_REMEDY } from "../components/checks/verify";
import type { TestProvider } from "./support/oidc";
import { AFFINITY_COOKIE, type Served, type StandIn } from "./support/standin";
import { startOutsideScene } from "./support/outside-scene";
import { testPki, type TestPki } from "./support/x509";

const KEY_ID = "9d1c6f0e-1b7a-4c3e-8f21-5a0b6c7d8e9f";
const DAY = 86_400_000;

let pki: TestPki;
let front: StandIn;
let idp: TestProvider;
let expected: OutsideExpectations;
let healthy: Served;
let chain: string;
let key: string;

beforeAll(async () => {
  pki = testPki("Test");
  const leaf = pki.leaf({ commonName: "127.0.0.1", hosts: ["127.0.0.1"] });
  chain = leaf.cert + pki.intermediate.cert;
  key = leaf.key;
  ({ front, idp, healthy, expected } = await startOutsideScene({
    chain,
    key,
    keyId: KEY_ID,
    kids: ["previous-key", KEY_ID],
  }));
});

afterAll(async () => {
  await front.close();
  await idp.close();
});

beforeEach(() => {
  front.served = healthy;
  front.affinity = "cookie";
  front.useCertificate(chain, key);
});

const run = (overrides: Partial<OutsideExpectations> = {}) =>
  runOutsideChecks({ ...expected, ...overrides }, { ca: [pki.root.cert], timeoutMs: 5000 });

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The lines that are not passes. */
const problems = (results: CheckResult[]) => results.filter((r) => r.status !== "pass");

describe("runOutsideChecks, the healthy case", () => {
  it("passes every check, one line each", async () => {
    const results = await run();
    const host = new URL(expected.publicUrl).host;
    const lines = results.map(formatResult);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^PASS tls: valid for 127\.0\.0\.1, trusted, (364|365) days left$/);
    expect(lines.slice(1)).toEqual([
      `PASS settings: https://${host}/api/v1/system/config/auth serves the deployed auth settings`,
      `PASS jwks: https://${host}/api/v1/system/config/jwks serves key id ${KEY_ID}`,
      `PASS issuer: the provider's issuer ${idp.issuer} matches OpenMetadata's authority`,
      `PASS login: redirects to ${idp.issuer}/protocol/openid-connect/auth with client openmetadata, callback https://${host}/callback, PKCE S256, a nonce; the provider accepts it`,
      `PASS affinity: the ingress sets ${AFFINITY_COOKIE}; ${AFFINITY_PROBES} requests carrying it reached the pod that holds the login session`,
    ]);
  });

  it("checks a confidential client without PKCE and nonce as configured", async () => {
    front.served = { ...healthy, pkce: false, nonce: false };
    expect(problems(await run({ pkce: false, nonce: false, replicas: 1 }))).toEqual([
      { check: "affinity", status: "skip", summary: "one replica: no affinity needed" },
    ]);
  });
});

describe("runOutsideChecks, TLS", () => {
  const tlsLine = async () => (await run()).filter((r) => r.check === "tls");

  it("fails a certificate for another host, and nothing else", async () => {
    const wrong = pki.leaf({ commonName: "om.example.com", hosts: ["om.example.com"] });
    front.useCertificate(wrong.cert + pki.intermediate.cert, wrong.key);
    const results = await run();
    expect(problems(results)).toEqual([
      {
        check: "tls",
        status: "fail",
        summary: "the certificate is not valid for the host (ERR_TLS_CERT_ALTNAME_INVALID)",
        expected: 'a certificate for "127.0.0.1"',
        seen: expect.stringMatching(
          /^subject "om\.example\.com", names DNS:om\.example\.com, issuer "Test Intermediate CA", valid until \d{4}-/,
        ) as unknown as string,
        fix: "issue the certificate for the public URL's host: check the TLS Secret the ingress uses (kubernetes.ingress.tlsSecretName) or the provided certificate, and that DNS sends the host to this ingress",
      },
    ]);
  });

  it("fails an expired certificate", async () => {
    const now = Date.now();
    const expired = pki.leaf({
      commonName: "127.0.0.1",
      hosts: ["127.0.0.1"],
      notBefore: new Date(now - 90 * DAY),
      notAfter: new Date(now - 2 * DAY),
    });
    front.useCertificate(expired.cert + pki.intermediate.cert, expired.key);
    const [line] = await tlsLine();
    expect([line.status, line.summary, line.fix]).toEqual([
      "fail",
      "the certificate has expired (CERT_HAS_EXPIRED)",
      "renew the certificate: with cert-manager, check the Certificate and its issuer (kubectl describe certificate -n <namespace>); with a provided certificate, replace it in the stack config",
    ]);
    expect(line.expected).toMatch(/^a certificate valid on \d{4}-\d\d-\d\dT/);
  });

  it("warns about a certificate with fewer than 14 days left", async () => {
    const now = new Date();
    const soon = pki.leaf({
      commonName: "127.0.0.1",
      hosts: ["127.0.0.1"],
      notAfter: new Date(now.getTime() + 5 * DAY + 3_600_000),
    });
    front.useCertificate(soon.cert + pki.intermediate.cert, soon.key);
    const results = await runOutsideChecks(expected, { ca: [pki.root.cert], now });
    expect(problems(results)).toEqual([
      {
        check: "tls",
        status: "warn",
        summary: "the certificate expires in 5 days",
        expected: "at least 14 days left",
        seen: expect.stringMatching(
          /^subject "127\.0\.0\.1", names IP Address:127\.0\.0\.1, issuer "Test Intermediate CA", valid until /,
        ) as unknown as string,
        fix: "renew the certificate now: with cert-manager, check why it has not renewed (kubectl describe certificate -n <namespace>); with a provided certificate, replace it in the stack config",
      },
    ]);
  });

  it("fails a server that leaves out the intermediate", async () => {
    const leaf = pki.leaf({ commonName: "127.0.0.1", hosts: ["127.0.0.1"] });
    front.useCertificate(leaf.cert, leaf.key);
    const [line] = await tlsLine();
    expect([line.status, line.summary, line.expected, line.fix]).toEqual([
      "fail",
      "the server does not send the intermediate certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
      "a chain from the certificate to a trusted root",
      "serve the full chain: put the leaf certificate followed by its intermediates in the TLS Secret's tls.crt (or the provided certificate)",
    ]);
  });

  it("fails a certificate from an unknown CA, and passes it once that CA is trusted", async () => {
    const other = testPki("Other");
    const leaf = other.leaf({ commonName: "127.0.0.1", hosts: ["127.0.0.1"] });
    front.useCertificate(leaf.cert + other.intermediate.cert, leaf.key);
    const [line] = await tlsLine();
    expect([line.status, line.summary, line.fix]).toEqual([
      "fail",
      "the certificate chains to a CA that is not trusted here (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)",
      "use a certificate from a publicly trusted CA, or, for a private CA, add its certificate (PEM) to the trusted CAs of this stack and to your users' browsers",
    ]);
    const trusted = await runOutsideChecks(expected, { ca: [other.root.cert, pki.root.cert] });
    expect(problems(trusted)).toEqual([]);
  });
});

describe("runOutsideChecks, what the browser meets", () => {
  it("fails drifted settings with the field, deployed and served values", async () => {
    front.served = { ...healthy, auth: { ...healthy.auth, providerName: "Okta" } };
    expect(problems(await run())).toEqual([
      {
        check: "settings",
        status: "fail",
        summary: "providerName through the public URL differs from the deployed one",
        expected: '"Keycloak"',
        seen: '"Okta"',
        fix: `if the in-network verification passed, the public URL reaches another OpenMetadata (check DNS for the host, the ingress host and its backend); otherwise: ${DRIFT_REMEDY}`,
      },
    ]);
  });

  it("fails a JWKS without the deployed key id", async () => {
    front.served = { ...healthy, kids: ["previous-key"] };
    expect(problems(await run())).toEqual([
      {
        check: "jwks",
        status: "fail",
        summary: `${expected.publicUrl}/api/v1/system/config/jwks does not serve the deployed key id`,
        expected: `key id "${KEY_ID}"`,
        seen: 'key ids ["previous-key"]',
        fix: "the public URL reaches a server without this deployment's signing keys: check the ingress backend, or, if the in-network verification failed too, the mounted key files (RSA_PUBLIC_KEY_FILE_PATH)",
      },
    ]);
  });

  it("fails a discovery issuer that differs from the authority OpenMetadata uses", async () => {
    // The server was deployed (and serves) an authority with a trailing slash.
    const authority = `${idp.issuer}/`;
    front.served = { ...healthy, auth: { ...healthy.auth, authority } };
    expect(problems(await run({ auth: { ...expected.auth, authority } }))).toEqual([
      {
        check: "issuer",
        status: "fail",
        summary: "the provider's discovery issuer differs from OpenMetadata's authority",
        expected: JSON.stringify(authority),
        seen: JSON.stringify(idp.issuer),
        fix: "browsers and OpenMetadata compare issuers character by character: set the identity provider's URL in the stack config to the one it states as issuer (a frontend or custom domain changes it), then run pulumi up",
      },
    ]);
  });

  it("fails a callback the identity provider has not registered, with its answer", async () => {
    front.served = {
      ...healthy,
      clientId: "partial",
      auth: { ...healthy.auth, clientId: "partial" },
    };
    const results = await run({ auth: { ...expected.auth, clientId: "partial" } });
    expect(problems(results)).toEqual([
      {
        check: "login",
        status: "fail",
        summary: "the identity provider refuses the callback",
        expected: `"${expected.publicUrl}/callback" registered as a redirect URI of client "partial"`,
        // oidc-provider's error page, as JSON here (test/support/oidc.ts); the state is random.
        seen: expect.stringMatching(
          new RegExp(
            `^HTTP 400: ${escape(`{"error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris","state":"`)}[0-9a-f]{10}${escape(`","iss":"${idp.issuer}"}`)}$`,
          ),
        ) as unknown as string,
        fix: `register ${expected.publicUrl}/callback as a redirect URI of the client at the identity provider (pulumi up registers ${JSON.stringify(expected.redirectUris)} for clients it creates; an existing client needs it added by hand)`,
      },
    ]);
  });

  it("fails a login start without the configured PKCE and nonce, one line each", async () => {
    front.served = { ...healthy, pkce: false, nonce: false };
    expect(problems(await run()).map(formatResult)).toEqual([
      "FAIL login: the login sends no PKCE S256 challenge | expected code_challenge with code_challenge_method S256 | seen no code_challenge | fix: OpenMetadata serves oidcConfiguration.disablePkce true (OIDC_DISABLE_PKCE): see the settings check and restart the server",
      "FAIL login: the login sends no nonce | expected a nonce | seen none | fix: OpenMetadata serves another oidcConfiguration.useNonce (OIDC_USE_NONCE): see the settings check and restart the server",
    ]);
  });

  it("fails a missing affinity cookie with more than one replica", async () => {
    front.affinity = "none";
    expect(problems(await run())).toEqual([
      {
        check: "affinity",
        status: "fail",
        summary: "the ingress sets no affinity cookie, with 2 replicas",
        expected: `a ${AFFINITY_COOKIE} cookie on the first answer`,
        seen: 'cookies ["JSESSIONID"]',
        fix: 'logins fail with "Missing state parameter" when the callback reaches another pod: use an ingress-nginx class (kubernetes.ingress.className) with kubernetes.ingress.stickySessions true, and check that the controller reads the affinity annotations',
      },
    ]);
  });

  it("fails an affinity cookie the ingress does not route by", async () => {
    front.affinity = "ignored";
    expect(problems(await run())).toEqual([
      {
        check: "affinity",
        status: "fail",
        summary: `requests carrying ${AFFINITY_COOKIE} reach another pod`,
        expected: `every request with ${AFFINITY_COOKIE} and JSESSIONID reaches the pod that holds the session`,
        seen: `2 of ${AFFINITY_PROBES} follow-up requests got a new session`,
        fix: "the ingress does not route by the affinity cookie: check its affinity annotations (affinity cookie, affinity-mode persistent) and that every replica sits behind the same ingress",
      },
    ]);
  });

  it("checks a public client's callback and provider without a server redirect", async () => {
    const auth = { ...expected.auth, clientType: "public" };
    front.served = { ...healthy, auth: { ...healthy.auth, clientType: "public" } };
    const results = await run({ auth, replicas: 1 });
    expect(results.filter((r) => r.check === "login")).toEqual([
      {
        check: "login",
        status: "pass",
        summary: `a public client: the browser builds the login at ${idp.issuer}/protocol/openid-connect/auth with the callback ${expected.publicUrl}/callback; the server takes no part, so no server redirect is checked`,
      },
    ]);
    expect(problems(results)).toEqual([
      { check: "affinity", status: "skip", summary: "one replica: no affinity needed" },
    ]);
  });
});

describe("tlsCheck and affinityCheck", () => {
  const now = new Date("2026-12-06T12:00:00Z");

  it("counts whole days left, passing from 14", () => {
    const observed = { authorized: true, validTo: "Dec 20 12:00:00 2026 GMT" };
    expect(tlsCheck("om.example.com", observed, now)).toEqual({
      check: "tls",
      status: "pass",
      summary: "valid for om.example.com, trusted, 14 days left",
    });
    expect(
      tlsCheck("om.example.com", { ...observed, validTo: "Dec 20 11:59:59 2026 GMT" }, now),
    ).toMatchObject({ status: "warn", summary: "the certificate expires in 13 days" });
  });

  it("names an unknown verification error with a generic fix", () => {
    expect(
      tlsCheck(
        "om.example.com",
        { authorized: false, error: "CERT_REVOKED", validTo: "Dec 20 12:00:00 2027 GMT" },
        now,
      ),
    ).toEqual({
      check: "tls",
      status: "fail",
      summary: "the certificate is refused (CERT_REVOKED)",
      expected: "a chain from the certificate to a trusted root",
      seen: "valid until 2027-12-20T12:00:00.000Z",
      fix: "serve a certificate for the host from a trusted CA, with its full chain",
    });
  });

  it("passes a follow-up that sets the same session id again", () => {
    expect(
      affinityCheck(
        { replicas: 3, affinityCookie: AFFINITY_COOKIE },
        {
          cookies: [AFFINITY_COOKIE],
          affinity: "1",
          sessions: { sent: "a", answered: ["a", undefined] },
        },
      ),
    ).toEqual({
      check: "affinity",
      status: "pass",
      summary: `the ingress sets ${AFFINITY_COOKIE}; 2 requests carrying it reached the pod that holds the login session`,
    });
  });
});
