/**
 * The preflight check: pure checks over a discovery document, a JWKS and a Date header (no
 * network), the fetching layer against misconfigured in-process OpenID providers, and the Pulumi
 * wiring (the gate the OpenMetadata server waits for).
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  discoveredJwksUri,
  jwksUriOf,
  type DiscoveryDocument,
  type Jwk,
} from "../components/checks/discovery";
import {
  capabilityProblems,
  clockProblems,
  gateValue,
  issuerProblems,
  jwksProblems,
  MAX_CLOCK_SKEW_SECONDS,
  observeProvider,
  preflightGate,
  preflightProblems,
  PREFLIGHT_PASSED,
  PREFLIGHT_SKIPPED,
  runPreflight,
  type PreflightExpectations,
  type PreflightResult,
} from "../components/checks/preflight";
import { OFFLINE_ENV, validateArgs } from "../components/config";
import { discoveryUrlOf } from "../components/urls";
import { DockerDeployment } from "../components/docker";
import type { IdentityApp } from "../components/identity/types";
import { SigningKeys } from "../components/keys";
import { OpenMetadataSso } from "../components/openmetadata-sso";
import { localStackArgs } from "./support/args";
import { rsaSigningJwk, SHAPES, startProvider, type TestProvider } from "./support/oidc";
import { one, plain, record, useMocks, valueOf, type RecordedResource } from "./support/pulumi";

const ISSUER = "https://sso.example.com/realms/acme";
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const JWKS = `${ISSUER}/protocol/openid-connect/certs`;

const DOCUMENT: DiscoveryDocument = {
  issuer: ISSUER,
  jwks_uri: JWKS,
  scopes_supported: ["openid", "email", "profile", "offline_access"],
  response_types_supported: ["code", "id_token", "code id_token"],
  token_endpoint_auth_methods_supported: [
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
  ],
  code_challenge_methods_supported: ["plain", "S256"],
  id_token_signing_alg_values_supported: ["RS256", "ES256"],
};

const EXPECTED: PreflightExpectations = {
  provider: "keycloak",
  issuer: ISSUER,
  discoveryUrl: DISCOVERY,
  jwksUrl: JWKS,
  clientType: "confidential",
  tokenEndpointAuthMethod: "client_secret_post",
  pkce: true,
  scopes: ["openid", "email", "profile"],
  responseType: "code",
};

const RSA: Jwk = { kty: "RSA", kid: "rsa-1", alg: "RS256", use: "sig", n: "sXch", e: "AQAB" };
const NOW = new Date("2026-09-01T10:00:00Z");

describe("issuerProblems", () => {
  it("accepts the exact issuer", () => {
    expect(issuerProblems(DOCUMENT, EXPECTED)).toEqual([]);
  });

  it("names a trailing-slash difference and the exact value to use", () => {
    expect(issuerProblems({ ...DOCUMENT, issuer: `${ISSUER}/` }, EXPECTED)).toEqual([
      'The discovery document at https://sso.example.com/realms/acme/.well-known/openid-configuration states the issuer "https://sso.example.com/realms/acme/", but the stack expects the issuer "https://sso.example.com/realms/acme"; they differ only by a trailing slash. Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "https://sso.example.com/realms/acme/"; set keycloak:url to Keycloak\'s frontend URL (its KC_HOSTNAME) and check identity.keycloak.realm.',
    ]);
  });

  it("gives the provider's own fix for another issuer", () => {
    expect(
      issuerProblems(
        { ...DOCUMENT, issuer: "https://login.example.net/acme" },
        { ...EXPECTED, provider: "oidc" },
      ),
    ).toEqual([
      'The discovery document at https://sso.example.com/realms/acme/.well-known/openid-configuration states the issuer "https://login.example.net/acme", but the stack expects the issuer "https://sso.example.com/realms/acme". Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "https://login.example.net/acme"; set identity.oidc.issuer to exactly that value.',
    ]);
  });
});

describe("capabilityProblems", () => {
  it("accepts a provider that lists what OpenMetadata uses", () => {
    expect(capabilityProblems(DOCUMENT, EXPECTED)).toEqual([]);
  });

  it("checks nothing the document does not list", () => {
    expect(capabilityProblems({ issuer: ISSUER, jwks_uri: JWKS }, EXPECTED)).toEqual([]);
  });

  it("reports a missing code response type", () => {
    expect(
      capabilityProblems({ ...DOCUMENT, response_types_supported: ["id_token"] }, EXPECTED),
    ).toEqual([
      'The provider does not support response_type "code" (response_types_supported: ["id_token"]), which OpenMetadata\'s login uses. Fix: enable the authorization code flow for the provider and the client.',
    ]);
  });

  it("reports every missing scope in one problem", () => {
    expect(capabilityProblems({ ...DOCUMENT, scopes_supported: ["openid"] }, EXPECTED)).toEqual([
      'The provider does not support the scopes "email", "profile" (scopes_supported: ["openid"]); OpenMetadata requests "openid email profile" and needs the user\'s email. Fix: enable those scopes at the provider.',
    ]);
    expect(
      capabilityProblems({ ...DOCUMENT, scopes_supported: ["openid", "profile"] }, EXPECTED),
    ).toEqual([
      'The provider does not support the scope "email" (scopes_supported: ["openid","profile"]); OpenMetadata requests "openid email profile" and needs the user\'s email. Fix: enable that scope at the provider.',
    ]);
  });

  it("reports a confidential client's auth method the token endpoint does not list, with the one to use", () => {
    const basicOnly = {
      ...DOCUMENT,
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
    };
    expect(capabilityProblems(basicOnly, { ...EXPECTED, provider: "oidc" })).toEqual([
      'The provider does not list "client_secret_post" in token_endpoint_auth_methods_supported (["client_secret_basic"]), and OpenMetadata\'s server then refuses every login ("Preferred authentication method (client_secret_post) not supported by provider according to provider metadata"). Fix: set identity.oidc.tokenEndpointAuthMethod to "client_secret_basic".',
    ]);
    expect(
      capabilityProblems(
        { ...DOCUMENT, token_endpoint_auth_methods_supported: ["private_key_jwt"] },
        { ...EXPECTED, provider: "oidc", tokenEndpointAuthMethod: "client_secret_basic" },
      ),
    ).toEqual([
      'The provider does not list "client_secret_basic" in token_endpoint_auth_methods_supported (["private_key_jwt"]), and OpenMetadata\'s server then refuses every login ("Preferred authentication method (client_secret_basic) not supported by provider according to provider metadata"). Fix: use a provider that accepts client_secret_post or client_secret_basic.',
    ]);
  });

  it("for a provider whose client always posts its secret, points at the discovery URL instead", () => {
    const basicOnly = {
      ...DOCUMENT,
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
    };
    expect(capabilityProblems(basicOnly, EXPECTED)).toEqual([
      'The provider does not list "client_secret_post" in token_endpoint_auth_methods_supported (["client_secret_basic"]), and OpenMetadata\'s server then refuses every login ("Preferred authentication method (client_secret_post) not supported by provider according to provider metadata"). Fix: the keycloak client always uses "client_secret_post", which keycloak accepts, so check that the discovery URL is the keycloak one.',
    ]);
  });

  it("accepts the auth method of a confidential client that the document lists", () => {
    for (const tokenEndpointAuthMethod of ["client_secret_post", "client_secret_basic"] as const) {
      expect(
        capabilityProblems(DOCUMENT, { ...EXPECTED, provider: "oidc", tokenEndpointAuthMethod }),
      ).toEqual([]);
    }
  });

  describe("a public client", () => {
    /** Okta's custom authorization server, which lists what its public clients use. */
    const OKTA_DOCUMENT: DiscoveryDocument = {
      ...DOCUMENT,
      token_endpoint_auth_methods_supported: [
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
        "none",
      ],
      code_challenge_methods_supported: ["S256"],
    };
    const PUBLIC: PreflightExpectations = {
      ...EXPECTED,
      provider: "okta",
      clientType: "public",
      tokenEndpointAuthMethod: "none",
    };

    it("passes when the token endpoint lists none and PKCE lists S256", () => {
      expect(capabilityProblems(OKTA_DOCUMENT, PUBLIC)).toEqual([]);
    });

    it("reports a token endpoint that does not list none", () => {
      const secretsOnly = {
        ...OKTA_DOCUMENT,
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      };
      expect(capabilityProblems(secretsOnly, PUBLIC)).toEqual([
        'The provider does not list "none" in token_endpoint_auth_methods_supported (["client_secret_basic","client_secret_post"]), so it does not let a public client redeem the authorization code without a secret, and OpenMetadata\'s UI, which has none, cannot complete a login. Fix: allow public clients (PKCE without a client secret) at the provider, or set identity.clientType to "confidential".',
      ]);
    });

    it("reports a provider that does not list S256, the public client's only proof", () => {
      expect(
        capabilityProblems(
          { ...OKTA_DOCUMENT, code_challenge_methods_supported: ["plain"] },
          PUBLIC,
        ),
      ).toEqual([
        'The provider does not list "S256" in code_challenge_methods_supported (["plain"]), but a public client has no secret and proves itself with PKCE S256 alone, which OpenMetadata\'s UI sends. Fix: enable PKCE with S256 at the provider, or set identity.clientType to "confidential".',
      ]);
    });

    it("reports both at once", () => {
      const problems = capabilityProblems(
        {
          ...OKTA_DOCUMENT,
          token_endpoint_auth_methods_supported: ["client_secret_basic"],
          code_challenge_methods_supported: ["plain"],
        },
        PUBLIC,
      );
      expect(problems.map((p) => p.slice(0, 40))).toEqual([
        'The provider does not list "none" in tok',
        'The provider does not list "S256" in cod',
      ]);
    });

    it("does not report a missing none for Auth0 and Entra ID, whose documents never list it", () => {
      // Their published lists, with which their public clients work.
      const auth0 = {
        ...DOCUMENT,
        token_endpoint_auth_methods_supported: [
          "client_secret_basic",
          "client_secret_post",
          "private_key_jwt",
        ],
        code_challenge_methods_supported: ["S256", "plain"],
      };
      const entra = {
        ...DOCUMENT,
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
        code_challenge_methods_supported: undefined,
      };
      expect(capabilityProblems(auth0, { ...PUBLIC, provider: "auth0" })).toEqual([]);
      expect(capabilityProblems(entra, { ...PUBLIC, provider: "entra" })).toEqual([]);
      // Auth0 still has to list S256 when it lists PKCE methods at all.
      expect(
        capabilityProblems(
          { ...auth0, code_challenge_methods_supported: ["plain"] },
          { ...PUBLIC, provider: "auth0" },
        ),
      ).toEqual([
        'The provider does not list "S256" in code_challenge_methods_supported (["plain"]), but a public client has no secret and proves itself with PKCE S256 alone, which OpenMetadata\'s UI sends. Fix: enable PKCE with S256 at the provider, or set identity.clientType to "confidential".',
      ]);
    });

    it("checks nothing the document does not list", () => {
      expect(capabilityProblems({ issuer: ISSUER, jwks_uri: JWKS }, PUBLIC)).toEqual([]);
    });
  });

  it("reports a missing S256 only when the client uses PKCE", () => {
    const plainOnly = { ...DOCUMENT, code_challenge_methods_supported: ["plain"] };
    expect(capabilityProblems(plainOnly, EXPECTED)).toEqual([
      'The provider does not list "S256" in code_challenge_methods_supported (["plain"]), but this client sends PKCE with S256. Fix: enable PKCE with S256 at the provider.',
    ]);
    expect(capabilityProblems(plainOnly, { ...EXPECTED, pkce: false })).toEqual([]);
  });

  it("reports ID tokens not signed with RS256", () => {
    expect(
      capabilityProblems(
        { ...DOCUMENT, id_token_signing_alg_values_supported: ["HS256"] },
        EXPECTED,
      ),
    ).toEqual([
      'The provider does not sign ID tokens with RS256 (id_token_signing_alg_values_supported: ["HS256"]), the only algorithm OpenMetadata validates them with here. Fix: sign the client\'s ID tokens with RS256.',
    ]);
  });
});

describe("jwksProblems", () => {
  it("accepts an RSA signing key, with or without alg and use", () => {
    expect(jwksProblems(DOCUMENT, { keys: [RSA] }, EXPECTED)).toEqual([]);
    expect(jwksProblems(DOCUMENT, { keys: [{ kty: "RSA", n: "x", e: "AQAB" }] }, EXPECTED)).toEqual(
      [],
    );
  });

  it("reports an empty JWKS", () => {
    expect(jwksProblems(DOCUMENT, { keys: [] }, EXPECTED)).toEqual([
      "The provider's JWKS at https://sso.example.com/realms/acme/protocol/openid-connect/certs holds no keys, so OpenMetadata cannot validate any ID token. Fix: give the provider an RSA signing key and sign ID tokens with RS256.",
    ]);
  });

  it("reports a JWKS without an RSA key for RS256, naming what it holds", () => {
    const keys: Jwk[] = [
      { kty: "EC", kid: "ec-1", alg: "ES256", use: "sig", crv: "P-256", x: "a", y: "b" },
      { ...RSA, kid: "enc-1", alg: "RSA-OAEP", use: "enc" },
      { ...RSA, kid: "ps-1", alg: "PS256" },
    ];
    expect(jwksProblems(DOCUMENT, { keys }, EXPECTED)).toEqual([
      'The provider\'s JWKS at https://sso.example.com/realms/acme/protocol/openid-connect/certs holds no RSA key for RS256 (it holds: EC ES256 (use sig) kid "ec-1", RSA RSA-OAEP (use enc) kid "enc-1", RSA PS256 (use sig) kid "ps-1"), the only algorithm OpenMetadata validates ID tokens with here. Fix: give the provider an RSA signing key and sign ID tokens with RS256.',
    ]);
  });

  it("reports a JWKS that cannot be read", () => {
    expect(jwksProblems(DOCUMENT, { error: "The JWKS at x answered HTTP 404." }, EXPECTED)).toEqual(
      [
        "The provider's JWKS at https://sso.example.com/realms/acme/protocol/openid-connect/certs cannot be read: The JWKS at x answered HTTP 404. OpenMetadata validates every ID token with it. Fix: make https://sso.example.com/realms/acme/protocol/openid-connect/certs reachable and serve the provider's signing keys there.",
      ],
    );
  });

  it("reports a JWKS URL that differs from the one OpenMetadata is given", () => {
    expect(
      jwksProblems(
        DOCUMENT,
        { keys: [RSA] },
        { jwksUrl: `${ISSUER}/protocol/openid-connect/keys` },
      ),
    ).toEqual([
      'OpenMetadata would validate ID tokens with the keys at https://sso.example.com/realms/acme/protocol/openid-connect/keys, but the discovery document publishes them at https://sso.example.com/realms/acme/protocol/openid-connect/certs. Fix: identity.provider "oidc" with this issuer reads jwks_uri from the discovery document; please also report the difference.',
    ]);
  });
});

describe("clockProblems", () => {
  it(`allows up to ${MAX_CLOCK_SKEW_SECONDS} s either way`, () => {
    expect(clockProblems("Tue, 01 Sep 2026 10:01:00 GMT", NOW)).toEqual([]);
    expect(clockProblems("Tue, 01 Sep 2026 09:59:00 GMT", NOW)).toEqual([]);
  });

  it("reports a provider clock ahead or behind", () => {
    expect(clockProblems("Tue, 01 Sep 2026 10:01:01 GMT", NOW)).toEqual([
      'The provider\'s clock is 61 s ahead of this machine\'s (its Date header says "Tue, 01 Sep 2026 10:01:01 GMT", here it is "Tue, 01 Sep 2026 10:00:00 GMT"), more than the 60 s allowed: ID tokens would look expired or not yet valid. Fix: synchronize the clocks with NTP, here and on the hosts that run OpenMetadata.',
    ]);
    expect(clockProblems("Tue, 01 Sep 2026 09:55:00 GMT", NOW)).toEqual([
      'The provider\'s clock is 300 s behind this machine\'s (its Date header says "Tue, 01 Sep 2026 09:55:00 GMT", here it is "Tue, 01 Sep 2026 10:00:00 GMT"), more than the 60 s allowed: ID tokens would look expired or not yet valid. Fix: synchronize the clocks with NTP, here and on the hosts that run OpenMetadata.',
    ]);
  });

  it("cannot check without a valid Date header", () => {
    expect(clockProblems(undefined, NOW)).toEqual([]);
    expect(clockProblems("yesterday", NOW)).toEqual([]);
  });
});

describe("preflightProblems", () => {
  it("lists every problem at once: issuer, keys, capabilities, clock", () => {
    const problems = preflightProblems(
      {
        document: { ...DOCUMENT, issuer: `${ISSUER}/`, response_types_supported: ["id_token"] },
        jwks: { keys: [] },
        date: "Tue, 01 Sep 2026 10:05:00 GMT",
        now: NOW,
      },
      EXPECTED,
    );
    expect(problems.map((p) => p.slice(0, 60))).toEqual([
      "The discovery document at https://sso.example.com/realms/acm",
      "The provider's JWKS at https://sso.example.com/realms/acme/p",
      'The provider does not support response_type "code" (response',
      "The provider's clock is 300 s ahead of this machine's (its D",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Against in-process providers.
// ---------------------------------------------------------------------------------------------

describe("the preflight against in-process OpenID providers", () => {
  const started: TestProvider[] = [];
  const start = async (options: Parameters<typeof startProvider>[0]) => {
    const idp = await startProvider(options);
    started.push(idp);
    return idp;
  };
  /** Expectations for a Keycloak realm at an in-process provider, with its real JWKS path. */
  const expect_ = (idp: TestProvider, issuer = idp.issuer): PreflightExpectations => ({
    ...EXPECTED,
    issuer,
    discoveryUrl: idp.discoveryUrl,
    jwksUrl: `${idp.origin}/realms/acme/protocol/openid-connect/certs`,
  });

  afterAll(async () => {
    await Promise.all(started.map((idp) => idp.close()));
  });

  it("finds nothing wrong with a well-configured provider", async () => {
    const idp = await start({ shape: SHAPES.keycloak("acme") });
    expect(await runPreflight(expect_(idp))).toEqual({ reachable: true, problems: [] });
  });

  it("reports an issuer that differs by a trailing slash", async () => {
    const idp = await start({ shape: { ...SHAPES.keycloak("acme"), issuerPath: "/realms/acme/" } });
    const issuer = `${idp.origin}/realms/acme`;
    expect(await runPreflight(expect_(idp, issuer))).toEqual({
      reachable: true,
      problems: [
        `The discovery document at ${issuer}/.well-known/openid-configuration states the issuer "${issuer}/", but the stack expects the issuer "${issuer}"; they differ only by a trailing slash. Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "${issuer}/"; set keycloak:url to Keycloak's frontend URL (its KC_HOSTNAME) and check identity.keycloak.realm.`,
      ],
    });
  });

  describe("a generic issuer that ends in a slash (Authentik's /application/o/<app>/)", () => {
    /** Expectations as the program derives them from identity.oidc.issuer, taken as given. */
    const generic = (idp: TestProvider, issuer: string): PreflightExpectations => ({
      ...EXPECTED,
      provider: "oidc",
      issuer,
      discoveryUrl: discoveryUrlOf(issuer),
      jwksUrl: `${idp.origin}/application/o/om/jwks`,
    });

    it("passes when identity.oidc.issuer has the slash too", async () => {
      const idp = await start({ shape: SHAPES.generic("/application/o/om/") });
      const issuer = `${idp.origin}/application/o/om/`;
      expect(idp.issuer).toBe(issuer);
      expect(discoveryUrlOf(issuer)).toBe(
        `${idp.origin}/application/o/om/.well-known/openid-configuration`,
      );
      expect(await runPreflight(generic(idp, issuer))).toEqual({ reachable: true, problems: [] });
    });

    it("reports identity.oidc.issuer without the slash, and the exact value to set", async () => {
      const idp = await start({ shape: SHAPES.generic("/application/o/om/") });
      const issuer = `${idp.origin}/application/o/om`;
      expect(await runPreflight(generic(idp, issuer))).toEqual({
        reachable: true,
        problems: [
          `The discovery document at ${issuer}/.well-known/openid-configuration states the issuer "${issuer}/", but the stack expects the issuer "${issuer}"; they differ only by a trailing slash. Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "${issuer}/"; set identity.oidc.issuer to exactly that value.`,
        ],
      });
    });

    it("reports identity.oidc.issuer with a slash the provider does not state", async () => {
      const idp = await start({ shape: SHAPES.generic("/application/o/om") });
      const issuer = `${idp.origin}/application/o/om/`;
      expect(await runPreflight(generic(idp, issuer))).toEqual({
        reachable: true,
        problems: [
          `The discovery document at ${issuer}.well-known/openid-configuration states the issuer "${idp.origin}/application/o/om", but the stack expects the issuer "${issuer}"; they differ only by a trailing slash. Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "${idp.origin}/application/o/om"; set identity.oidc.issuer to exactly that value.`,
        ],
      });
    });
  });

  it("reports an issuer of another realm", async () => {
    const idp = await start({ shape: SHAPES.keycloak("acme") });
    const expected = { ...expect_(idp), issuer: `${idp.origin}/realms/other` };
    expect((await runPreflight(expected)).problems).toEqual([
      `The discovery document at ${idp.discoveryUrl} states the issuer "${idp.origin}/realms/acme", but the stack expects the issuer "${idp.origin}/realms/other". Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "${idp.origin}/realms/acme"; set keycloak:url to Keycloak's frontend URL (its KC_HOSTNAME) and check identity.keycloak.realm.`,
    ]);
  });

  it("reports a provider without the code response type", async () => {
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      configuration: { responseTypes: ["id_token"] },
    });
    expect((await runPreflight(expect_(idp))).problems).toEqual([
      'The provider does not support response_type "code" (response_types_supported: ["id_token"]), which OpenMetadata\'s login uses. Fix: enable the authorization code flow for the provider and the client.',
    ]);
  });

  it("reports a token endpoint that does not accept the client's auth method", async () => {
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      configuration: { clientAuthMethods: ["client_secret_basic", "private_key_jwt"] },
    });
    expect((await runPreflight({ ...expect_(idp), provider: "oidc" })).problems).toEqual([
      'The provider does not list "client_secret_post" in token_endpoint_auth_methods_supported (["client_secret_basic","private_key_jwt"]), and OpenMetadata\'s server then refuses every login ("Preferred authentication method (client_secret_post) not supported by provider according to provider metadata"). Fix: set identity.oidc.tokenEndpointAuthMethod to "client_secret_basic".',
    ]);
  });

  it("accepts a public client where the token endpoint lists none, and reports it where not", async () => {
    const expectPublic = (idp: TestProvider): PreflightExpectations => ({
      ...expect_(idp),
      provider: "okta",
      clientType: "public",
      tokenEndpointAuthMethod: "none",
    });
    const open = await start({ shape: SHAPES.keycloak("acme") });
    expect(await runPreflight(expectPublic(open))).toEqual({ reachable: true, problems: [] });

    const secretsOnly = await start({
      shape: SHAPES.keycloak("acme"),
      configuration: { clientAuthMethods: ["client_secret_basic", "client_secret_post"] },
    });
    expect((await runPreflight(expectPublic(secretsOnly))).problems).toEqual([
      'The provider does not list "none" in token_endpoint_auth_methods_supported (["client_secret_basic","client_secret_post"]), so it does not let a public client redeem the authorization code without a secret, and OpenMetadata\'s UI, which has none, cannot complete a login. Fix: allow public clients (PKCE without a client secret) at the provider, or set identity.clientType to "confidential".',
    ]);
  });

  it("reports a provider that does not advertise S256", async () => {
    // oidc-provider implements only S256, so the document is changed on the way out.
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      rewriteDiscovery: (document) => ({
        ...document,
        code_challenge_methods_supported: ["plain"],
      }),
    });
    expect((await runPreflight(expect_(idp))).problems).toEqual([
      'The provider does not list "S256" in code_challenge_methods_supported (["plain"]), but this client sends PKCE with S256. Fix: enable PKCE with S256 at the provider.',
    ]);
  });

  it("reports a provider that signs with HS256 only and publishes no keys", async () => {
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      configuration: { jwks: { keys: [] }, enabledJWA: { idTokenSigningAlgValues: ["HS256"] } },
    });
    expect((await runPreflight(expect_(idp))).problems).toEqual([
      `The provider's JWKS at ${idp.origin}/realms/acme/protocol/openid-connect/certs holds no keys, so OpenMetadata cannot validate any ID token. Fix: give the provider an RSA signing key and sign ID tokens with RS256.`,
      'The provider does not sign ID tokens with RS256 (id_token_signing_alg_values_supported: ["HS256"]), the only algorithm OpenMetadata validates them with here. Fix: sign the client\'s ID tokens with RS256.',
    ]);
  });

  it("reports a provider whose only key is an EC key", async () => {
    const { privateKey } = await import("node:crypto").then((c) =>
      c.generateKeyPairSync("ec", { namedCurve: "P-256" }),
    );
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      configuration: {
        jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "ec-1", use: "sig" }] },
        enabledJWA: { idTokenSigningAlgValues: ["ES256"] },
      },
    });
    expect((await runPreflight(expect_(idp))).problems).toEqual([
      `The provider's JWKS at ${idp.origin}/realms/acme/protocol/openid-connect/certs holds no RSA key for RS256 (it holds: EC ES256 (use sig) kid "ec-1"), the only algorithm OpenMetadata validates ID tokens with here. Fix: give the provider an RSA signing key and sign ID tokens with RS256.`,
      'The provider does not sign ID tokens with RS256 (id_token_signing_alg_values_supported: ["ES256"]), the only algorithm OpenMetadata validates them with here. Fix: sign the client\'s ID tokens with RS256.',
    ]);
  });

  it("reports a provider whose clock is off, from its Date header", async () => {
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      date: () => new Date("2026-09-01T10:02:30Z"),
    });
    const observed = await observeProvider(idp.discoveryUrl, () => NOW);
    expect(observed.reachable && observed.observation.date).toBe("Tue, 01 Sep 2026 10:02:30 GMT");
    expect(observed.reachable && preflightProblems(observed.observation, expect_(idp))).toEqual([
      'The provider\'s clock is 150 s ahead of this machine\'s (its Date header says "Tue, 01 Sep 2026 10:02:30 GMT", here it is "Tue, 01 Sep 2026 10:00:00 GMT"), more than the 60 s allowed: ID tokens would look expired or not yet valid. Fix: synchronize the clocks with NTP, here and on the hosts that run OpenMetadata.',
    ]);
  });

  it("reports a JWKS that cannot be read", async () => {
    const idp = await start({
      shape: SHAPES.keycloak("acme"),
      rewriteDiscovery: (document) => ({
        ...document,
        jwks_uri: `${idp.origin}/realms/acme/protocol/openid-connect/certs`,
      }),
      configuration: { routes: { ...SHAPES.keycloak("acme").routes, jwks: "/keys" } },
    });
    expect((await runPreflight(expect_(idp))).problems).toEqual([
      `The provider's JWKS at ${idp.origin}/realms/acme/protocol/openid-connect/certs cannot be read: The JWKS at ${idp.origin}/realms/acme/protocol/openid-connect/certs answered HTTP 404. OpenMetadata validates every ID token with it. Fix: make ${idp.origin}/realms/acme/protocol/openid-connect/certs reachable and serve the provider's signing keys there.`,
    ]);
  });

  it("says what is wrong when the discovery document is not there", async () => {
    const idp = await start({ shape: SHAPES.keycloak("acme") });
    const url = `${idp.origin}/realms/acme/.well-known/openid-configuration/x`;
    expect(await runPreflight({ ...expect_(idp), discoveryUrl: url })).toEqual({
      reachable: false,
      problems: [
        `The discovery document at ${url} answered HTTP 404. Fix: check the URL, and that the machine running Pulumi can reach the identity provider.`,
      ],
    });
  });

  it("says what is wrong when nothing answers", async () => {
    const idp = await start({ shape: SHAPES.keycloak("acme") });
    const url = idp.discoveryUrl;
    await idp.close();
    started.splice(started.indexOf(idp), 1);
    const port = new URL(url).port;
    expect(await runPreflight({ ...expect_(idp), discoveryUrl: url })).toEqual({
      reachable: false,
      problems: [
        `Cannot reach the discovery document at ${url}: fetch failed (connect ECONNREFUSED 127.0.0.1:${port}). Fix: check the URL, and that the machine running Pulumi can reach the identity provider.`,
      ],
    });
  });

  it("uses the test provider's RS256 key, so a passing check is not an accident", async () => {
    const idp = await start({ shape: SHAPES.keycloak("acme") });
    const observed = await observeProvider(idp.discoveryUrl);
    expect(observed.reachable && observed.observation.jwks).toEqual({
      keys: [
        {
          kty: "RSA",
          kid: "test-rs256",
          alg: "RS256",
          use: "sig",
          e: rsaSigningJwk().e,
          n: rsaSigningJwk().n,
        },
      ],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The Pulumi wiring.
// ---------------------------------------------------------------------------------------------

/** An identity app with known values, for the wiring. */
function app(): IdentityApp {
  return {
    clientId: pulumi.output("om-client"),
    clientSecret: pulumi.secret("s3cr3t"),
    issuer: pulumi.output(ISSUER),
    discoveryUrl: pulumi.output(DISCOVERY),
    jwksUrl: pulumi.output(JWKS),
    openMetadataProvider: "custom-oidc",
    providerName: "Keycloak",
    clientType: "confidential",
    tokenEndpointAuthMethod: "client_secret_post",
    pkce: true,
    redirectUris: ["https://om.example.com/callback", "https://om.example.com/auth/callback"],
  };
}

const UNREACHABLE: PreflightResult = {
  reachable: false,
  problems: ["Cannot reach the discovery document at x: fetch failed. Fix: check the URL."],
};

describe("preflightGate", () => {
  beforeAll(() => {
    useMocks();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("checks the app's issuer, URLs and client settings, and passes the gate", async () => {
    const run = vi.fn(async () => ({ reachable: true, problems: [] }));
    const gate = preflightGate(app(), "keycloak", { offline: false, dryRun: false, run });
    expect(await valueOf(gate)).toBe(PREFLIGHT_PASSED);
    expect(run.mock.calls).toEqual([[EXPECTED, {}]]);
  });

  it("hands the trusted CA certificates to the check", async () => {
    const run = vi.fn(async () => ({ reachable: true, problems: [] }));
    const ca = ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"];
    const gate = preflightGate(app(), "keycloak", { offline: false, dryRun: false, run, ca });
    expect(await valueOf(gate)).toBe(PREFLIGHT_PASSED);
    expect(run.mock.calls).toEqual([[EXPECTED, { ca }]]);
  });

  it("does not run in the offline render, whose gate says it was skipped offline", async () => {
    const run = vi.fn(async () => UNREACHABLE);
    expect(await valueOf(preflightGate(app(), "keycloak", { offline: true, run }))).toBe(
      "skipped-offline",
    );
    expect(run).not.toHaveBeenCalled();
  });

  it("skips the local Keycloak and says why", async () => {
    const info = vi.spyOn(pulumi.log, "info").mockResolvedValue();
    const run = vi.fn(async () => UNREACHABLE);
    const gate = preflightGate(app(), "local-keycloak", { offline: false, dryRun: false, run });
    expect(await valueOf(gate)).toBe(PREFLIGHT_SKIPPED);
    expect(run).not.toHaveBeenCalled();
    expect(info.mock.calls).toEqual([
      [
        "Preflight check skipped: the local Keycloak is created by this deployment, so its discovery document cannot be read before it; the verification after deployment checks the running server.",
        undefined,
      ],
    ]);
  });

  it("warns and goes on when the provider is unreachable in preview", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    const value = await gateValue(EXPECTED, { dryRun: true, run: async () => UNREACHABLE });
    expect(value).toBe(PREFLIGHT_PASSED);
    expect(warn.mock.calls).toEqual([
      [
        "Preflight check not run in preview: Cannot reach the discovery document at x: fetch failed. Fix: check the URL. `pulumi up` runs it and stops if the provider is still unreachable.",
        undefined,
      ],
    ]);
  });

  it("fails the update when the provider is unreachable", async () => {
    const failure = gateValue(EXPECTED, { dryRun: false, run: async () => UNREACHABLE });
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(
      "Preflight check of the keycloak identity provider failed (1 problem); the OpenMetadata server was not deployed:\n  - Cannot reach the discovery document at x: fetch failed. Fix: check the URL.",
    );
  });

  it("fails preview and update alike on problems, listing every one", async () => {
    const run = async () => ({ reachable: true, problems: ["First.", "Second."] });
    for (const dryRun of [true, false]) {
      await expect(gateValue(EXPECTED, { dryRun, run })).rejects.toThrow(
        "Preflight check of the keycloak identity provider failed (2 problems); the OpenMetadata server was not deployed:\n  - First.\n  - Second.",
      );
    }
  });
});

describe("DockerDeployment with a gate", () => {
  beforeAll(() => {
    useMocks();
  });

  it("labels the server with the gate; only the migration and the server wait for it", async () => {
    const settings = validateArgs(localStackArgs());
    const { resources, result: gate } = await record(() => {
      // A resource stands in for the preflight, so the dependency is visible in the recording.
      const gate = new random.RandomPassword("gate", { length: 8 });
      const keys = new SigningKeys("om-keys", { issuer: "om.example.com" });
      new DockerDeployment("om-docker", {
        settings,
        identity: app(),
        keys,
        networkName: "om-network",
        prefix: "om",
        gate: gate.result,
      });
      return gate;
    });
    const gateUrn = one(resources, "random:index/randomPassword:RandomPassword", "gate").urn;

    const server = one(resources, "docker:index/container:Container", "om-docker-server");
    expect(plain(server.inputs.labels)).toEqual([
      { label: "openmetadata-sso.role", value: "server" },
      { label: "openmetadata-sso.migration", value: "succeeded" },
      { label: "openmetadata-sso.preflight", value: await valueOf(gate.result) },
    ]);
    expect(server.options.propertyDependencies.labels).toContain(gateUrn);

    const waiting = resources
      .filter((r) => r.options.dependencies.includes(gateUrn))
      .map((r) => r.name);
    // The migration waits too, so a wrong issuer stops `pulumi up --skip-preview` before the
    // database is migrated.
    expect(waiting).toEqual(["om-docker-migrate", "om-docker-server"]);
  });
});

describe("OpenMetadataSso on Docker", () => {
  let idp: TestProvider;

  beforeAll(async () => {
    useMocks();
    idp = await startProvider({ shape: SHAPES.generic("/oidc") });
  });
  afterAll(async () => {
    await idp.close();
  });

  const serverLabels = (resources: RecordedResource[], name: string) =>
    plain(
      one(resources, "docker:index/container:Container", `${name}-docker-server`).inputs.labels,
    );

  it("runs the preflight against the identity provider before the server, and labels it", async () => {
    const { resources } = await record(() => {
      // As `pulumi up` runs: outside the offline render that the mock harness sets up.
      delete process.env[OFFLINE_ENV];
      return new OpenMetadataSso("om", {
        environment: "local",
        publicUrl: "http://localhost:8585",
        target: "docker",
        admins: ["admin@example.com"],
        identity: {
          provider: "oidc",
          oidc: { issuer: idp.issuer, clientId: "om-client", clientSecret: "s3cr3t" },
        },
        // Nothing serves the public URL here; the check through it has its own tests.
        openmetadata: { checkPublicUrl: false },
      });
    });
    // Only the preflight reads the JWKS before deployment.
    expect(idp.requests).toContain("GET /oidc/jwks");
    expect(serverLabels(resources, "om")).toContainEqual({
      label: "openmetadata-sso.preflight",
      value: PREFLIGHT_PASSED,
    });
  });

  it("on Kubernetes, puts the preflight's gate into the server pods' annotations", async () => {
    const before = idp.requests.length;
    const { resources } = await record(() => {
      delete process.env[OFFLINE_ENV];
      return new OpenMetadataSso("k8s", {
        environment: "local",
        publicUrl: "http://localhost:8585",
        target: "kubernetes",
        admins: ["admin@example.com"],
        identity: {
          provider: "oidc",
          oidc: { issuer: idp.issuer, clientId: "om-client", clientSecret: "s3cr3t" },
        },
        // Nothing serves the public URL here; the check through it has its own tests.
        openmetadata: { checkPublicUrl: false },
      });
    });
    // Only the preflight reads the JWKS before deployment.
    expect(idp.requests.slice(before)).toContain("GET /oidc/jwks");
    const values = plain(
      one(resources, "kubernetes:helm.sh/v3:Release", "k8s-k8s-openmetadata").inputs.values,
    ) as { podAnnotations: Record<string, string> };
    expect(values.podAnnotations["openmetadata-sso/preflight"]).toBe(PREFLIGHT_PASSED);
  });

  it("skips the local Keycloak, which the same deployment creates", async () => {
    const { resources } = await record(
      () =>
        new OpenMetadataSso("local", {
          ...localStackArgs(),
          // Nothing serves the public URL here; the check through it has its own tests.
          openmetadata: { checkPublicUrl: false },
        }),
    );
    expect(serverLabels(resources, "local")).toContainEqual({
      label: "openmetadata-sso.preflight",
      value: PREFLIGHT_SKIPPED,
    });
  });
});

describe("jwksUriOf", () => {
  let idp: TestProvider;
  /** The discovery URL of a provider that was stopped: nothing answers there. */
  let unreachable: string;
  let port: string;

  beforeAll(async () => {
    useMocks();
    idp = await startProvider({ shape: SHAPES.generic("/oidc") });
    const stopped = await startProvider({ shape: SHAPES.generic("/oidc") });
    await stopped.close();
    unreachable = stopped.discoveryUrl;
    port = new URL(unreachable).port;
  });
  afterAll(async () => {
    await idp.close();
    vi.restoreAllMocks();
  });

  const online = async <T>(run: () => Promise<T>): Promise<T> => {
    const offline = process.env[OFFLINE_ENV];
    delete process.env[OFFLINE_ENV];
    try {
      return await run();
    } finally {
      if (offline !== undefined) process.env[OFFLINE_ENV] = offline;
    }
  };

  it("reads jwks_uri from the discovery document", async () => {
    expect(await online(() => jwksUriOf(idp.discoveryUrl, { dryRun: false }))).toBe(
      `${idp.issuer}/jwks`,
    );
  });

  it("shows a marked placeholder in the offline render", async () => {
    process.env[OFFLINE_ENV] = "1";
    expect(await jwksUriOf(unreachable)).toBe(
      `<jwks_uri from ${unreachable}, resolved at deploy time>`,
    );
  });

  it("warns in a preview when the provider is unreachable, and leaves the value unknown", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    expect(await online(() => jwksUriOf(unreachable, { dryRun: true }))).toBe(pulumi.unknown);
    expect(warn.mock.calls).toEqual([
      [
        `Cannot reach the discovery document at ${unreachable}: fetch failed (connect ECONNREFUSED 127.0.0.1:${port}). OpenMetadata's JWKS URL comes from that document, so this preview shows it as unknown; \`pulumi up\` stops if the provider is still unreachable.`,
        undefined,
      ],
    ]);
  });

  it("makes discoveredJwksUri unknown, not wrong, in such a preview", async () => {
    vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    const output = await online(async () => {
      const jwks = discoveredJwksUri(unreachable, { dryRun: true });
      // Output.isKnown is internal to the SDK; it is what the engine receives.
      return { jwks, known: await (jwks as unknown as { isKnown: Promise<boolean> }).isKnown };
    });
    expect(output.known).toBe(false);
  });

  it("fails an update when the provider is unreachable, with the fix", async () => {
    const failure = online(() => jwksUriOf(unreachable, { dryRun: false }));
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(
      `Cannot reach the discovery document at ${unreachable}: fetch failed (connect ECONNREFUSED 127.0.0.1:${port}). OpenMetadata's JWKS URL comes from that document. Fix: check the discovery URL, and that the machine running Pulumi can reach the identity provider.`,
    );
  });
});
