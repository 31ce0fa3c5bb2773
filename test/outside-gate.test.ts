/**
 * The wiring of the checks through the public URL into `pulumi up`: what it expects from the
 * deployed env (pure), and when it runs, under Pulumi's mock runtime with the checks replaced by a
 * recording function. The checks themselves run against real servers in outside.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  OUTSIDE_PASSED,
  OUTSIDE_SKIPPED,
  OUTSIDE_SKIPPED_MESSAGE,
  outsideExpectations,
  outsideFailure,
  outsideGate,
} from "../components/checks/outside-gate";
import type { CheckResult } from "../components/checks/outside";
import { securityEnv } from "../components/settings";
import { outcome, useMocks, valueOf } from "./support/pulumi";

const ISSUER = "https://sso.example.com/realms/data";
const PUBLIC_URL = "https://om.example.com";

const env = securityEnv({
  publicUrl: PUBLIC_URL,
  internalUrl: "http://openmetadata:8585",
  identity: {
    clientId: "openmetadata",
    issuer: ISSUER,
    // The server reads the provider inside its network; the check reads it as browsers do.
    discoveryUrl: "http://keycloak.sso.svc:8080/realms/data/.well-known/openid-configuration",
    jwksUrl: "http://keycloak.sso.svc:8080/realms/data/protocol/openid-connect/certs",
    openMetadataProvider: "custom-oidc",
    providerName: "Keycloak",
    clientType: "confidential",
    tokenEndpointAuthMethod: "client_secret_basic",
    pkce: true,
    redirectUris: [`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/auth/callback`],
  },
  admins: ["alice@example.com"],
  principalDomain: "example.com",
  enableSelfSignup: true,
  principalClaims: ["email"],
  jwt: {
    keyId: "kid-1",
    issuer: "om.example.com",
    privateKeyPath: "/k/private_key.der",
    publicKeyPath: "/k/public_key.der",
  },
  behindTlsProxy: true,
});

const DEPLOYMENT = {
  publicUrl: PUBLIC_URL,
  redirectUris: [`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/auth/callback`],
  replicas: 2,
  affinityCookie: "OPENMETADATA_ROUTE",
};

const EXPECTED = {
  publicUrl: PUBLIC_URL,
  auth: {
    provider: "custom-oidc",
    providerName: "Keycloak",
    clientId: "openmetadata",
    authority: ISSUER,
    callbackUrl: `${PUBLIC_URL}/callback`,
    clientType: "confidential",
    enableSelfSignup: true,
    jwtPrincipalClaims: ["email"],
    jwtPrincipalClaimsMapping: [],
    keyId: "kid-1",
    publicKeyUrls: [],
  },
  provider: "custom-oidc",
  discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
  redirectUris: DEPLOYMENT.redirectUris,
  pkce: true,
  nonce: true,
  replicas: 2,
  affinityCookie: "OPENMETADATA_ROUTE",
};

const FAILED: CheckResult[] = [
  { check: "tls", status: "pass", summary: "valid for om.example.com, trusted, 80 days left" },
  {
    check: "affinity",
    status: "fail",
    summary: "the ingress sets no affinity cookie, with 2 replicas",
    expected: "a OPENMETADATA_ROUTE cookie on the first answer",
    seen: 'cookies ["JSESSIONID"]',
    fix: "use sticky sessions",
  },
];

describe("outsideExpectations", () => {
  it("expects the deployed settings, the server's login parameters and the browser's discovery", () => {
    expect(outsideExpectations(env, { ...DEPLOYMENT, issuer: ISSUER })).toEqual(EXPECTED);
  });

  it("expects no PKCE, no nonce and no affinity where none was deployed", () => {
    const plain = { ...env, OIDC_DISABLE_PKCE: "true", OIDC_USE_NONCE: "false" };
    const deployment = { ...DEPLOYMENT, replicas: 1, affinityCookie: undefined };
    expect(outsideExpectations(plain, { ...deployment, issuer: ISSUER })).toEqual({
      ...EXPECTED,
      pkce: false,
      nonce: false,
      replicas: 1,
      affinityCookie: undefined,
    });
  });
});

describe("outsideFailure", () => {
  it("prints every line, then how to rerun or skip the check", () => {
    expect(outsideFailure(PUBLIC_URL, FAILED)).toBe(
      [
        "The check through the public URL https://om.example.com failed (1 problem); the in-network verification passed, so users reach something other than what was deployed:",
        "  PASS tls: valid for om.example.com, trusted, 80 days left",
        '  FAIL affinity: the ingress sets no affinity cookie, with 2 replicas | expected a OPENMETADATA_ROUTE cookie on the first answer | seen cookies ["JSESSIONID"] | fix: use sticky sessions',
        "Fix the cause, then run `pulumi up` again. Where the public URL cannot be reached from this machine, set openmetadata.checkPublicUrl to false.",
      ].join("\n"),
    );
  });
});

describe("outsideGate", () => {
  beforeAll(() => {
    useMocks();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const args = (after: unknown = "succeeded") => ({
    enabled: true,
    deployment: DEPLOYMENT,
    identity: { issuer: pulumi.output(ISSUER) },
    env: pulumi.output(env),
    after,
  });

  it("runs the checks after the in-network verification, with the CAs to trust, and logs each line", async () => {
    const info = vi.spyOn(pulumi.log, "info").mockResolvedValue();
    const run = vi.fn(async () => [FAILED[0]]);
    const gate = outsideGate(args(pulumi.output("succeeded")), {
      offline: false,
      dryRun: false,
      ca: ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"],
      run,
    });
    expect(await valueOf(gate)).toBe(OUTSIDE_PASSED);
    expect(run.mock.calls).toEqual([
      [EXPECTED, { ca: ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"] }],
    ]);
    expect(info.mock.calls).toEqual([
      [
        "Through the public URL: PASS tls: valid for om.example.com, trusted, 80 days left",
        undefined,
      ],
    ]);
  });

  it("fails the update with every line when a check fails", async () => {
    const run = vi.fn(async () => FAILED);
    const gate = outsideGate(args(), { offline: false, dryRun: false, run });
    await expect(outcome(gate)).rejects.toThrow(outsideFailure(PUBLIC_URL, FAILED));
  });

  it("logs a warning as a warning and passes", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    vi.spyOn(pulumi.log, "info").mockResolvedValue();
    const soon: CheckResult = {
      check: "tls",
      status: "warn",
      summary: "the certificate expires in 3 days",
      expected: "at least 14 days left",
      seen: "valid until 2026-12-09T00:00:00.000Z",
      fix: "renew it",
    };
    const gate = outsideGate(args(), { offline: false, dryRun: false, run: async () => [soon] });
    expect(await valueOf(gate)).toBe(OUTSIDE_PASSED);
    expect(warn.mock.calls).toEqual([
      [
        "Through the public URL: WARN tls: the certificate expires in 3 days | expected at least 14 days left | seen valid until 2026-12-09T00:00:00.000Z | fix: renew it",
        undefined,
      ],
    ]);
  });

  it("says so in the update's output when switched off, and runs nothing", async () => {
    const info = vi.spyOn(pulumi.log, "info").mockResolvedValue();
    const run = vi.fn(async () => FAILED);
    const gate = outsideGate({ ...args(), enabled: false }, { offline: false, dryRun: false, run });
    expect(await valueOf(gate)).toBe(OUTSIDE_SKIPPED);
    expect(run).not.toHaveBeenCalled();
    expect(info.mock.calls).toEqual([[OUTSIDE_SKIPPED_MESSAGE, undefined]]);
  });

  it("touches no network offline or in a preview", async () => {
    const run = vi.fn(async () => FAILED);
    expect(await valueOf(outsideGate(args(), { offline: true, run }))).toBe(OUTSIDE_PASSED);
    expect(await valueOf(outsideGate(args(), { offline: false, dryRun: true, run }))).toBe(
      OUTSIDE_PASSED,
    );
    expect(run).not.toHaveBeenCalled();
  });

  it("is offline by default under the test runtime, as in the offline render", async () => {
    const run = vi.fn(async () => FAILED);
    expect(await valueOf(outsideGate(args(), { dryRun: false, run }))).toBe(OUTSIDE_PASSED);
    expect(run).not.toHaveBeenCalled();
  });
});
