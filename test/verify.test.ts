/**
 * Post-deploy verification against a local HTTP server on 127.0.0.1 that serves what an
 * OpenMetadata server serves at /api/v1/system/config/auth and /jwks: once matching the deployed
 * settings, once drifted (settings stored in its database). This is not OpenMetadata.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DRIFT_REMEDY,
  expectedAuth,
  keyUrls,
  verificationFailure,
  VERIFIER_ENV,
  verifierScript,
  verifyOpenMetadata,
  type ExpectedAuth,
} from "../components/checks/verify";
import {
  bypassesProxy,
  javaProxyOf,
  javaProxyOptions,
  securityEnv,
  type ServerEnv,
} from "../components/settings";

const run = promisify(execFile);

const EXPECTED: ExpectedAuth = {
  provider: "custom-oidc",
  providerName: "Keycloak",
  clientId: "openmetadata",
  authority: "http://localhost:8081/realms/openmetadata",
  callbackUrl: "http://localhost:8585/callback",
  clientType: "confidential",
  enableSelfSignup: true,
  jwtPrincipalClaims: ["email", "preferred_username", "sub"],
  jwtPrincipalClaimsMapping: [],
  keyId: "3f1c2b7a-0d4e-4c9a-9b1e-5a6f7c8d9e0f",
  publicKeyUrls: [],
};

/**
 * What OpenMetadata's ConfigResource.getAuthConfig returns: the copied fields (self-signup and the
 * principal claims among them), plus schema defaults.
 */
function authResponse(overrides: Record<string, unknown> = {}) {
  return {
    provider: EXPECTED.provider,
    providerName: EXPECTED.providerName,
    clientType: EXPECTED.clientType,
    enableSelfSignup: EXPECTED.enableSelfSignup,
    jwtPrincipalClaims: EXPECTED.jwtPrincipalClaims,
    jwtPrincipalClaimsMapping: EXPECTED.jwtPrincipalClaimsMapping,
    clientId: EXPECTED.clientId,
    authority: EXPECTED.authority,
    callbackUrl: EXPECTED.callbackUrl,
    responseType: "id_token",
    publicKeyUrls: [],
    tokenValidationAlgorithm: "RS256",
    ...overrides,
  };
}

interface Served {
  auth: unknown;
  kids: string[];
  status?: number;
}

let served: Served = { auth: authResponse(), kids: [EXPECTED.keyId] };
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(served.status ?? 200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/api/v1/system/config/auth") send(served.auth);
    else if (req.url === "/api/v1/system/config/jwks") {
      send({
        keys: served.kids.map((kid) => ({
          kty: "RSA",
          kid,
          alg: "RS256",
          use: "sig",
          n: "AQAB",
          e: "AQAB",
        })),
      });
    } else if (req.url === "/idp/certs") {
      send({
        keys: [{ kty: "RSA", kid: "idp-key", alg: "RS256", use: "sig", n: "AQAB", e: "AQAB" }],
      });
    } else if (req.url === "/idp/empty") {
      send({ keys: [] });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("verifyOpenMetadata", () => {
  it("passes when the server serves the deployed settings and key id", async () => {
    served = { auth: authResponse(), kids: ["old-kid", EXPECTED.keyId] };
    expect(await verifyOpenMetadata(baseUrl, EXPECTED, DRIFT_REMEDY)).toEqual({
      ok: true,
      problems: [],
    });
  });

  it("lists every field that drifted, then the remedy", async () => {
    served = {
      auth: authResponse({
        provider: "basic",
        providerName: "",
        clientId: "stale-client",
        authority: "https://accounts.google.com",
      }),
      kids: ["Gb389a-9f76-gdjs-a92j-0242bk94356"],
    };
    expect(await verifyOpenMetadata(baseUrl, EXPECTED, DRIFT_REMEDY)).toEqual({
      ok: false,
      problems: [
        'provider: deployed "custom-oidc", server reports "basic"',
        'providerName: deployed "Keycloak", server reports ""',
        'clientId: deployed "openmetadata", server reports "stale-client"',
        'authority: deployed "http://localhost:8081/realms/openmetadata", server reports "https://accounts.google.com"',
        'jwks: the server does not serve key id "3f1c2b7a-0d4e-4c9a-9b1e-5a6f7c8d9e0f" (serves ["Gb389a-9f76-gdjs-a92j-0242bk94356"]); its signing keys did not load',
        DRIFT_REMEDY,
      ],
    });
  });

  it("checks that every public key URL serves keys, without the drift remedy", async () => {
    served = { auth: authResponse(), kids: [EXPECTED.keyId] };
    const urls = [
      `${baseUrl}/idp/certs`,
      `${baseUrl}/api/v1/system/config/jwks`,
      `${baseUrl}/idp/empty`,
      `${baseUrl}/idp/moved`,
      "http://127.0.0.1:1/jwks",
    ];
    const result = await verifyOpenMetadata(
      baseUrl,
      { ...EXPECTED, publicKeyUrls: urls },
      DRIFT_REMEDY,
    );
    const effect =
      'The server reads it to validate sign-in and bot tokens, so they would fail with "No key found"';
    expect(result).toEqual({
      ok: false,
      problems: [
        `publicKeyUrls: ${baseUrl}/idp/empty serves no keys. ${effect}`,
        `publicKeyUrls: ${baseUrl}/idp/moved answered HTTP 404. ${effect}`,
        `publicKeyUrls: http://127.0.0.1:1/jwks cannot be read: fetch failed. ${effect}`,
      ],
    });
    expect(
      await verifyOpenMetadata(baseUrl, { ...EXPECTED, publicKeyUrls: urls.slice(0, 2) }, "x"),
    ).toEqual({ ok: true, problems: [] });
  });

  it("reports drifted self-signup and principal claims, one line each, then the remedy", async () => {
    served = {
      auth: authResponse({
        enableSelfSignup: false,
        jwtPrincipalClaims: ["sub", "email", "preferred_username"],
        jwtPrincipalClaimsMapping: ["username:preferred_username", "email:email"],
      }),
      kids: [EXPECTED.keyId],
    };
    expect(await verifyOpenMetadata(baseUrl, EXPECTED, DRIFT_REMEDY)).toEqual({
      ok: false,
      problems: [
        "enableSelfSignup: deployed true, server reports false",
        'jwtPrincipalClaims: deployed ["email","preferred_username","sub"], server reports ["sub","email","preferred_username"]',
        'jwtPrincipalClaimsMapping: deployed [], server reports ["username:preferred_username","email:email"]',
        DRIFT_REMEDY,
      ],
    });
  });

  it("compares the claims in order and the mapping as a set, as the server uses them", async () => {
    const mapped = {
      ...EXPECTED,
      jwtPrincipalClaims: ["email"],
      jwtPrincipalClaimsMapping: ["username:preferred_username", "email:email"],
    };
    served = {
      auth: authResponse({
        jwtPrincipalClaims: ["email"],
        jwtPrincipalClaimsMapping: ["email:email", "username:preferred_username"],
      }),
      kids: [EXPECTED.keyId],
    };
    expect(await verifyOpenMetadata(baseUrl, mapped, DRIFT_REMEDY)).toEqual({
      ok: true,
      problems: [],
    });
    served = {
      auth: authResponse({
        jwtPrincipalClaims: ["email", "sub"],
        jwtPrincipalClaimsMapping: ["email:email", "username:sub"],
      }),
      kids: [EXPECTED.keyId],
    };
    expect(await verifyOpenMetadata(baseUrl, mapped, DRIFT_REMEDY)).toEqual({
      ok: false,
      problems: [
        'jwtPrincipalClaims: deployed ["email"], server reports ["email","sub"]',
        'jwtPrincipalClaimsMapping: deployed ["username:preferred_username","email:email"], server reports ["email:email","username:sub"]',
        DRIFT_REMEDY,
      ],
    });
  });

  it("does not report fields an older OpenMetadata does not return as drift", async () => {
    const older: Record<string, unknown> = authResponse();
    delete older.enableSelfSignup;
    delete older.jwtPrincipalClaims;
    delete older.jwtPrincipalClaimsMapping;
    served = { auth: older, kids: [EXPECTED.keyId] };
    expect(
      await verifyOpenMetadata(
        baseUrl,
        { ...EXPECTED, enableSelfSignup: false, jwtPrincipalClaimsMapping: ["email:mail"] },
        DRIFT_REMEDY,
      ),
    ).toEqual({ ok: true, problems: [] });
  });

  it("reports a claims list the server answers with null or a string", async () => {
    served = {
      auth: authResponse({ jwtPrincipalClaims: null, jwtPrincipalClaimsMapping: "email:email" }),
      kids: [EXPECTED.keyId],
    };
    expect(await verifyOpenMetadata(baseUrl, EXPECTED, "remedy")).toEqual({
      ok: false,
      problems: [
        'jwtPrincipalClaims: deployed ["email","preferred_username","sub"], server reports null',
        'jwtPrincipalClaimsMapping: deployed [], server reports "email:email"',
        "remedy",
      ],
    });
  });

  it("reports HTTP failures with their status", async () => {
    served = { auth: authResponse(), kids: [EXPECTED.keyId], status: 503 };
    expect(await verifyOpenMetadata(baseUrl, EXPECTED, "remedy")).toEqual({
      ok: false,
      problems: [
        "auth config: GET /api/v1/system/config/auth answered HTTP 503",
        "jwks: GET /api/v1/system/config/jwks answered HTTP 503",
        "remedy",
      ],
    });
  });
});

describe("expectedAuth", () => {
  it("reads the fields the server reports from the deployed env", () => {
    const env: ServerEnv = {
      AUTHENTICATION_PROVIDER: "custom-oidc",
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "Keycloak",
      AUTHENTICATION_CLIENT_ID: "openmetadata",
      AUTHENTICATION_AUTHORITY: "http://localhost:8081/realms/openmetadata",
      AUTHENTICATION_CALLBACK_URL: "http://localhost:8585/callback",
      AUTHENTICATION_CLIENT_TYPE: "confidential",
      AUTHENTICATION_ENABLE_SELF_SIGNUP: "true",
      AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: '["email","preferred_username","sub"]',
      JWT_KEY_ID: EXPECTED.keyId,
      AUTHENTICATION_PUBLIC_KEYS:
        '["http://keycloak:8080/realms/openmetadata/protocol/openid-connect/certs","http://openmetadata-server:8585/api/v1/system/config/jwks"]',
      OIDC_CLIENT_SECRET: { secret: "oidcClientSecret" },
    };
    expect(expectedAuth(env)).toEqual({
      ...EXPECTED,
      publicKeyUrls: [
        "http://keycloak:8080/realms/openmetadata/protocol/openid-connect/certs",
        "http://openmetadata-server:8585/api/v1/system/config/jwks",
      ],
    });
    expect(() => expectedAuth({ ...env, JWT_KEY_ID: { secret: "fernetKey" } })).toThrow(
      "The deployed env has no plain JWT_KEY_ID.",
    );
  });

  it("reads self-signup as a boolean and both claim lists in either list syntax", () => {
    const env: ServerEnv = {
      AUTHENTICATION_PROVIDER: "custom-oidc",
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "Keycloak",
      AUTHENTICATION_CLIENT_ID: "openmetadata",
      AUTHENTICATION_AUTHORITY: "http://localhost:8081/realms/openmetadata",
      AUTHENTICATION_CALLBACK_URL: "http://localhost:8585/callback",
      AUTHENTICATION_CLIENT_TYPE: "confidential",
      AUTHENTICATION_ENABLE_SELF_SIGNUP: "false",
      AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: "[preferred_username, email]",
      AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING: '["username:preferred_username","email:email"]',
      JWT_KEY_ID: EXPECTED.keyId,
      AUTHENTICATION_PUBLIC_KEYS: "[]",
    };
    expect(expectedAuth(env)).toMatchObject({
      enableSelfSignup: false,
      jwtPrincipalClaims: ["preferred_username", "email"],
      jwtPrincipalClaimsMapping: ["username:preferred_username", "email:email"],
    });
    const unset = { ...env };
    delete unset.AUTHENTICATION_ENABLE_SELF_SIGNUP;
    expect(() => expectedAuth(unset)).toThrow(
      "The deployed env has no plain AUTHENTICATION_ENABLE_SELF_SIGNUP.",
    );
  });
});

describe("expectedAuth of an Entra ID deployment", () => {
  const tenant = "https://login.microsoftonline.com/6f1c2e3d-0000-4a5b-9c8d-112233445566";
  const env = securityEnv({
    publicUrl: "https://om.example.com",
    internalUrl: "http://openmetadata:8585",
    identity: {
      clientId: "11111111-2222-3333-4444-555555555555",
      issuer: `${tenant}/v2.0`,
      discoveryUrl: `${tenant}/v2.0/.well-known/openid-configuration`,
      jwksUrl: `${tenant}/discovery/v2.0/keys`,
      openMetadataProvider: "azure",
      providerName: "Azure",
      clientType: "public",
      tokenEndpointAuthMethod: "none",
      pkce: true,
      redirectUris: ["https://om.example.com/callback"],
    },
    admins: ["alice@example.com"],
    principalDomain: "example.com",
    enableSelfSignup: true,
    principalClaims: ["email"],
    jwt: {
      keyId: EXPECTED.keyId,
      issuer: "om.example.com",
      privateKeyPath: "/k/private_key.der",
      publicKeyPath: "/k/public_key.der",
    },
    behindTlsProxy: true,
  });

  it("expects the tenant URL the deployment hands MSAL, not the v2.0 issuer", () => {
    expect(expectedAuth(env).authority).toBe(tenant);
  });

  it("reports a server still serving the v2.0 issuer as its authority as drift", async () => {
    // No public key URLs: the check of Entra's JWKS would need the internet.
    const expected = { ...expectedAuth(env), publicKeyUrls: [] };
    served = {
      auth: authResponse({ ...expected, publicKeyUrls: [], authority: `${tenant}/v2.0` }),
      kids: [EXPECTED.keyId],
    };
    expect(await verifyOpenMetadata(baseUrl, expected, DRIFT_REMEDY)).toEqual({
      ok: false,
      problems: [`authority: deployed "${tenant}", server reports "${tenant}/v2.0"`, DRIFT_REMEDY],
    });
    served = { auth: authResponse({ ...expected, publicKeyUrls: [] }), kids: [EXPECTED.keyId] };
    expect(await verifyOpenMetadata(baseUrl, expected, DRIFT_REMEDY)).toEqual({
      ok: true,
      problems: [],
    });
  });
});

/** How a run of the verifier script that should fail ended; undefined when it succeeded. */
function failureOf(
  running: Promise<unknown>,
): Promise<{ code: number; stderr: string } | undefined> {
  return running.then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
}

/** The verifier's stderr on failure: its headline, one line per problem, then `after`. */
function failureReport(problems: string[], ...after: string[]): string {
  return [
    "openmetadata-sso: verification failed",
    ...problems.map((p) => `  - ${p}`),
    ...after,
    "",
  ].join("\n");
}

describe("verifierScript", () => {
  let script: string;
  beforeAll(() => {
    script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verify-")), "verify.cjs");
    fs.writeFileSync(script, verifierScript({ attempts: 2, delayMs: 10 }));
  });
  const runScript = (expected: ExpectedAuth, extra: Record<string, string> = {}) =>
    run(process.execPath, [script], {
      env: {
        [VERIFIER_ENV.url]: baseUrl,
        [VERIFIER_ENV.expected]: JSON.stringify(expected),
        PATH: process.env.PATH,
        ...extra,
      },
    });

  it("runs standalone in plain Node, as the verifier container does, and exits 0 on a match", async () => {
    served = { auth: authResponse(), kids: [EXPECTED.keyId] };
    const { stdout } = await runScript(EXPECTED);
    expect(stdout).toBe(
      `openmetadata-sso: the server serves the deployed auth settings and key id ${EXPECTED.keyId}\n`,
    );
  });

  it("exits 1 and prints every problem on drift", async () => {
    served = { auth: authResponse({ clientType: "public" }), kids: [EXPECTED.keyId] };
    const failure = await failureOf(runScript(EXPECTED));
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      failureReport(['clientType: deployed "confidential", server reports "public"', DRIFT_REMEDY]),
    );
  });

  it("reports drifted self-signup and principal claims from the shipped script", async () => {
    served = {
      auth: authResponse({
        enableSelfSignup: false,
        jwtPrincipalClaims: ["sub"],
        jwtPrincipalClaimsMapping: ["username:sub", "email:email"],
      }),
      kids: [EXPECTED.keyId],
    };
    const failure = await failureOf(runScript(EXPECTED));
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      failureReport([
        "enableSelfSignup: deployed true, server reports false",
        'jwtPrincipalClaims: deployed ["email","preferred_username","sub"], server reports ["sub"]',
        'jwtPrincipalClaimsMapping: deployed [], server reports ["username:sub","email:email"]',
        DRIFT_REMEDY,
      ]),
    );
  });

  it("prints VERIFY_FAILURE last on drift, so the end of the log says how to read all of it", async () => {
    served = { auth: authResponse({ clientType: "public" }), kids: [EXPECTED.keyId] };
    const failure = await failureOf(
      runScript(EXPECTED, {
        VERIFY_FAILURE: verificationFailure("kubectl logs -n data job/om-verify-0123456789ab"),
      }),
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      failureReport(
        ['clientType: deployed "confidential", server reports "public"', DRIFT_REMEDY],
        "OpenMetadata does not serve the auth settings that were deployed. Read: kubectl logs -n data job/om-verify-0123456789ab",
      ),
    );
  });
});

describe("verificationFailure", () => {
  it("names the command that prints the verifier's whole log", () => {
    expect(verificationFailure("docker logs om-verify")).toBe(
      "OpenMetadata does not serve the auth settings that were deployed. Read: docker logs om-verify",
    );
  });
});

describe("an egress proxy", () => {
  const IDP_KEYS = "https://idp.example.com/oauth2/v1/keys";
  const OWN_KEYS = "http://om-server:8585/api/v1/system/config/jwks";
  const options = javaProxyOptions("http://proxy.corp.example.com:3128", [
    "localhost",
    "127.*",
    "[::1]",
    "om-server",
    "*.corp.example.com",
  ]);

  it("reads the proxy and the bypass list back from JAVA_TOOL_OPTIONS", () => {
    expect(javaProxyOf(options)).toEqual({
      proxy: "proxy.corp.example.com:3128",
      nonProxyHosts: ["localhost", "127.*", "[::1]", "om-server", "*.corp.example.com"],
    });
    expect(javaProxyOf(undefined)).toBeUndefined();
    expect(javaProxyOf("-Xss1m")).toBeUndefined();
  });

  it("bypasses the proxy as the JVM does: exact hosts, and one * at the start or end", () => {
    const list = ["localhost", "127.*", "om-server", "*.corp.example.com"];
    expect(
      [
        "http://om-server:8585/x",
        "http://OM-Server:8585/x",
        "http://127.0.0.1/",
        "https://sso.corp.example.com/keys",
        "https://corp.example.com/keys",
        "https://idp.example.com/keys",
        "http://om-server-2:8585/x",
      ].map((url) => bypassesProxy(url, list)),
    ).toEqual([true, true, true, true, false, false, false]);
  });

  it("leaves the key URLs the server reaches through the proxy out of the reachability check", () => {
    expect(keyUrls([IDP_KEYS, OWN_KEYS], options)).toEqual({
      publicKeyUrls: [OWN_KEYS],
      egressProxy: "proxy.corp.example.com:3128",
      proxiedKeyUrls: [IDP_KEYS],
    });
    // An identity provider the user lists in noProxy is read directly, and so checked.
    const corpIdp = "https://sso.corp.example.com/realms/x/protocol/openid-connect/certs";
    expect(keyUrls([corpIdp, OWN_KEYS], options)).toEqual({
      publicKeyUrls: [corpIdp, OWN_KEYS],
      egressProxy: "proxy.corp.example.com:3128",
      proxiedKeyUrls: [],
    });
    // Without a proxy, every URL is checked, and nothing else is added.
    expect(keyUrls([IDP_KEYS, OWN_KEYS], undefined)).toEqual({
      publicKeyUrls: [IDP_KEYS, OWN_KEYS],
    });
  });

  it("expects the same auth settings, with the proxy, from a deployed env", () => {
    const env: ServerEnv = {
      AUTHENTICATION_PROVIDER: "okta",
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "Okta",
      AUTHENTICATION_CLIENT_ID: "openmetadata",
      AUTHENTICATION_AUTHORITY: "https://idp.example.com/oauth2/default",
      AUTHENTICATION_CALLBACK_URL: "https://om.example.com/callback",
      AUTHENTICATION_CLIENT_TYPE: "confidential",
      AUTHENTICATION_ENABLE_SELF_SIGNUP: "true",
      AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: '["email"]',
      JWT_KEY_ID: EXPECTED.keyId,
      AUTHENTICATION_PUBLIC_KEYS: JSON.stringify([IDP_KEYS, OWN_KEYS]),
      JAVA_TOOL_OPTIONS: options,
    };
    expect(expectedAuth(env)).toEqual({
      provider: "okta",
      providerName: "Okta",
      clientId: "openmetadata",
      authority: "https://idp.example.com/oauth2/default",
      callbackUrl: "https://om.example.com/callback",
      clientType: "confidential",
      enableSelfSignup: true,
      jwtPrincipalClaims: ["email"],
      jwtPrincipalClaimsMapping: [],
      keyId: EXPECTED.keyId,
      publicKeyUrls: [OWN_KEYS],
      egressProxy: "proxy.corp.example.com:3128",
      proxiedKeyUrls: [IDP_KEYS],
    });
  });

  it("keeps the script of deployments without a proxy exactly as it was", () => {
    expect(verifierScript({ attempts: 2, delayMs: 10, egressProxy: false })).toBe(
      verifierScript({ attempts: 2, delayMs: 10 }),
    );
    expect(verifierScript({ attempts: 2, delayMs: 10 })).not.toContain("proxiedKeyUrls");
  });

  it("passes, saying which key URL it left to the proxy, where the direct check would fail", async () => {
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verify-")), "verify.cjs");
    fs.writeFileSync(script, verifierScript({ attempts: 2, delayMs: 10, egressProxy: true }));
    // .invalid never resolves (RFC 6761): read directly, this URL would fail the update.
    const unreachable = "https://idp.invalid/oauth2/v1/keys";
    const expected: ExpectedAuth = {
      ...EXPECTED,
      publicKeyUrls: [`${baseUrl}/idp/certs`],
      egressProxy: "proxy.corp.example.com:3128",
      proxiedKeyUrls: [unreachable],
    };
    served = { auth: authResponse(), kids: [EXPECTED.keyId] };
    const env = {
      [VERIFIER_ENV.url]: baseUrl,
      [VERIFIER_ENV.expected]: JSON.stringify(expected),
      PATH: process.env.PATH,
    };
    const { stdout, stderr } = await run(process.execPath, [script], { env });
    expect([stdout, stderr]).toEqual([
      [
        `openmetadata-sso: not checked from here: ${unreachable}, which the server reaches through the egress proxy proxy.corp.example.com:3128 (this check connects directly)`,
        `openmetadata-sso: the server serves the deployed auth settings and key id ${EXPECTED.keyId}`,
        "",
      ].join("\n"),
      "",
    ]);
    // The same URL among the directly read ones fails it: the skip is what lets it pass.
    const direct = { ...expected, publicKeyUrls: [unreachable], proxiedKeyUrls: [] };
    const failure = await failureOf(
      run(process.execPath, [script], {
        env: { ...env, [VERIFIER_ENV.expected]: JSON.stringify(direct) },
      }),
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      failureReport([
        `publicKeyUrls: ${unreachable} cannot be read: fetch failed. The server reads it to validate sign-in and bot tokens, so they would fail with "No key found"`,
      ]),
    );
  });
});
