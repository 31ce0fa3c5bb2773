/**
 * Real-protocol end-to-end test of an identity provider behind a private CA
 * (`trustedCaCertificates`): oidc-provider serves HTTPS on 127.0.0.1 with a server certificate
 * that a CA made in this test issued (test/support/x509.ts), so neither Node nor any JVM trusts it
 * by default.
 *
 * - With the CA configured: the component reads the JWKS URL from the discovery document, the
 *   preflight passes, and a full authorization-code login succeeds as OpenMetadata's server runs it
 *   (openid-client connecting with the CA, as the JVM does through its trust store), and the ID
 *   token is accepted with the JWKS read the same way.
 * - Without it: the component, the preflight and the login fail, the first two with a message
 *   that names the setting to use.
 * - The verifier script, in a Node process with `NODE_EXTRA_CA_CERTS` as its container gets it,
 *   reads the provider's JWKS; without the variable it reports the URL as unreadable.
 *
 * What this does not prove: that OpenMetadata's JVM reads the trust store (no OpenMetadata image
 * runs here; see test/truststore.test.ts for the store and a Java client).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustedRoots, UNTRUSTED_CHAIN } from "../../components/checks/discovery";
import { PREFLIGHT_PASSED, preflightGate, runPreflight } from "../../components/checks/preflight";
import { expectedAuth, verifierScript } from "../../components/checks/verify";
import { OFFLINE_ENV } from "../../components/config";
import { OidcClient } from "../../components/identity/oidc";
import type { IdentityApp } from "../../components/identity/types";
import { caCertificates } from "../../components/settings/truststore";
import { redirectUris } from "../../components/urls";
import {
  DEFAULT_CONTEXT,
  openMetadataEnv,
  serverLogin,
  SHAPES,
  startProvider,
  testUser,
  verifyAsOpenMetadata,
  type TestProvider,
} from "../support/oidc";
import { outcome, record, useMocks, valueOf } from "../support/pulumi";
import { fetchTrusting, privateCa } from "../support/x509";

const ALICE = testUser("alice", {
  sub: "alice-0001",
  email: "alice@example.com",
  email_verified: true,
  preferred_username: "alice",
});
const CLIENT = {
  metadata: {
    client_id: "om-private-ca",
    client_secret: "secret-of-the-private-ca-client-0123456789",
    redirect_uris: redirectUris(DEFAULT_CONTEXT.publicUrl),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
  },
  pkceRequired: true,
};

const { ca, server } = privateCa("Example Corp Root CA");
/** The setting as a user pastes it, and the certificates the program takes from it. */
const SETTING = ca.cert;
const CA = caCertificates(SETTING);

let idp: TestProvider;
let host: string;

beforeAll(async () => {
  useMocks();
  idp = await startProvider({
    shape: SHAPES.generic("/oidc"),
    clients: [CLIENT],
    users: [ALICE],
    tls: { cert: server.cert, key: server.key },
  });
  host = new URL(idp.origin).host;
});

afterAll(async () => {
  await idp?.close();
});

/** The component, created as `pulumi up` creates it: online, reading the discovery document. */
async function oidcClient(trustedCaCertificates?: string[]): Promise<IdentityApp> {
  const { result } = await record(() => {
    delete process.env[OFFLINE_ENV];
    return new OidcClient("om-private-ca", {
      publicUrl: DEFAULT_CONTEXT.publicUrl,
      appName: "OpenMetadata",
      issuer: idp.issuer,
      clientId: CLIENT.metadata.client_id,
      clientSecret: CLIENT.metadata.client_secret,
      ...(trustedCaCertificates === undefined ? {} : { trustedCaCertificates }),
    });
  });
  return result.app;
}

const UNTRUSTED_FIX = () =>
  `${host}'s certificate chains to none of Node's CAs. If your organisation's own CA issued it, set trustedCaCertificates to that CA's PEM certificate (stack config: pulumi config set openmetadata-sso:trustedCaCertificates -- "$(cat ca.pem)").`;

describe("a provider behind a private CA, with trustedCaCertificates", () => {
  it("is served over HTTPS with a certificate Node does not trust by default", async () => {
    expect(idp.issuer).toBe(`${idp.origin}/oidc`);
    expect(idp.origin.startsWith("https://127.0.0.1:")).toBe(true);
    const error = await fetch(idp.discoveryUrl).then(
      () => undefined,
      (caught: Error & { cause?: { code?: string } }) => caught,
    );
    expect(error?.cause?.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(UNTRUSTED_CHAIN.has(error!.cause!.code!)).toBe(true);
  });

  it("reads the JWKS URL, passes the preflight, logs in, and OpenMetadata accepts the ID token", async () => {
    const app = await oidcClient(CA);
    expect(await valueOf(app.jwksUrl)).toBe(`${idp.issuer}/jwks`);
    const gate = preflightGate(app, "oidc", { offline: false, dryRun: false, ca: CA });
    expect(await valueOf(gate)).toBe(PREFLIGHT_PASSED);

    const env = await openMetadataEnv(app);
    expect(env.OIDC_DISCOVERY_URI).toBe(`${idp.issuer}/.well-known/openid-configuration`);
    const connect = fetchTrusting(CA);
    const before = idp.requests.length;
    const login = await serverLogin(env, idp, ALICE, connect);
    const accepted = await verifyAsOpenMetadata(login, env, idp, connect);
    expect(accepted.claims).toMatchObject({
      iss: idp.issuer,
      aud: CLIENT.metadata.client_id,
      email: "alice@example.com",
    });
    expect(accepted.principal).toBe("alice");
    // Every step went over HTTPS to this provider: discovery, authorization, login, token, keys.
    expect(idp.requests.slice(before)).toContain("POST /oidc/token");
    expect(idp.requests.slice(before)).toContain("GET /oidc/jwks");
  });

  it("keeps Node's public CAs and NODE_EXTRA_CA_CERTS trusted next to the private one", () => {
    // No public host is reachable here: the composition of the trusted CAs is what is checked.
    const extra = privateCa("Extra CA").ca.cert;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "extra-ca-")), "extra.pem");
    fs.writeFileSync(file, extra);
    expect(tls.rootCertificates.length).toBeGreaterThan(100);
    expect(trustedRoots(CA, {})).toEqual([...tls.rootCertificates, ...CA]);
    expect(trustedRoots(CA, { NODE_EXTRA_CA_CERTS: file })).toEqual([
      ...tls.rootCertificates,
      extra,
      ...CA,
    ]);
    expect(trustedRoots(CA, { NODE_EXTRA_CA_CERTS: path.join(file, "missing") })).toEqual([
      ...tls.rootCertificates,
      ...CA,
    ]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describe("a provider behind a private CA, without trustedCaCertificates", () => {
  it("fails the component's update with the setting to use", async () => {
    const app = await oidcClient();
    const error = await outcome(app.jwksUrl).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(error!.message).toBe(
      `Cannot reach the discovery document at ${idp.discoveryUrl}: fetch failed (unable to verify the first certificate). OpenMetadata's JWKS URL comes from that document. Fix: ${UNTRUSTED_FIX()}`,
    );
  });

  it("fails the preflight with the setting to use", async () => {
    const app = await oidcClient(CA);
    const gate = preflightGate(app, "oidc", { offline: false, dryRun: false });
    const error = await outcome(gate).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error?.message).toBe(
      `Preflight check of the oidc identity provider failed (1 problem); the OpenMetadata server was not deployed:\n  - Cannot reach the discovery document at ${idp.discoveryUrl}: fetch failed (unable to verify the first certificate). Fix: ${UNTRUSTED_FIX()}`,
    );
  });

  it("names the setting again when the configured CA is not the one that issued the certificate", async () => {
    const other = privateCa("Another Corp Root CA").ca;
    const result = await runPreflight(
      {
        provider: "oidc",
        issuer: idp.issuer,
        discoveryUrl: idp.discoveryUrl,
        jwksUrl: `${idp.issuer}/jwks`,
        clientType: "confidential",
        tokenEndpointAuthMethod: "client_secret_post",
        pkce: true,
        scopes: ["openid", "email", "profile"],
        responseType: "code",
      },
      { ca: [other.cert] },
    );
    expect(result).toEqual({
      reachable: false,
      problems: [
        `Cannot reach the discovery document at ${idp.discoveryUrl}: unable to verify the first certificate. Fix: ${host}'s certificate chains to none of Node's CAs nor to the 1 certificate of trustedCaCertificates: add the CA that issued it (its root, or the intermediate that signed it) to trustedCaCertificates.`,
      ],
    });
  });

  it("cannot log in: the server's requests to the provider fail", async () => {
    const app = await oidcClient(CA);
    const env = await openMetadataEnv(app);
    const error = await serverLogin(env, idp, ALICE).then(
      () => undefined,
      (caught: Error & { cause?: { code?: string } }) => caught,
    );
    expect(error?.message).toBe("fetch failed");
    expect(error?.cause?.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });
});

describe("the verifier, in a Node process as its container runs it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verifier-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the verifier script against a stand-in server URL that answers nothing. */
  const run = (extraCaFile: string | undefined) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const script = path.join(dir, "verify.cjs");
      fs.writeFileSync(script, verifierScript({ attempts: 1, delayMs: 0 }));
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        OPENMETADATA_URL: "http://127.0.0.1:9",
        EXPECTED_AUTH: JSON.stringify({
          ...expectedAuth({
            AUTHENTICATION_PROVIDER: "custom-oidc",
            CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "SSO",
            AUTHENTICATION_CLIENT_ID: "om",
            AUTHENTICATION_AUTHORITY: idp.issuer,
            AUTHENTICATION_CALLBACK_URL: "https://openmetadata.example.com/callback",
            AUTHENTICATION_CLIENT_TYPE: "confidential",
            AUTHENTICATION_ENABLE_SELF_SIGNUP: "true",
            AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: '["email"]',
            AUTHENTICATION_PUBLIC_KEYS: `["${idp.issuer}/jwks"]`,
            JWT_KEY_ID: "kid",
          }),
        }),
        ...(extraCaFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: extraCaFile }),
      };
      const child = spawn(process.execPath, [script], { env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  it("reads the provider's JWKS with NODE_EXTRA_CA_CERTS, and reports it unreadable without", async () => {
    const caFile = path.join(dir, "ca-1.pem");
    fs.writeFileSync(caFile, CA[0]);
    const keyProblem = (reason: string) =>
      `  - publicKeyUrls: ${idp.issuer}/jwks ${reason}. The server reads it to validate sign-in and bot tokens, so they would fail with "No key found"`;

    const trusted = await run(caFile);
    // The stand-in server answers nothing, so the auth settings fail either way; the key URL is
    // what differs.
    expect(trusted.code).toBe(1);
    expect(trusted.stderr).not.toContain("publicKeyUrls");

    const untrusted = await run(undefined);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr.split("\n")).toContain(keyProblem("cannot be read: fetch failed"));
  });
});
