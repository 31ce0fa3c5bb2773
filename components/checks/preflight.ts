/**
 * Preflight: before anything is deployed, read the identity provider's discovery document and
 * JWKS from the machine running Pulumi and find what would break the login, each problem with its
 * fix.
 *
 * Three layers: pure checks over what was observed ({@link preflightProblems}), the fetching
 * layer ({@link observeProvider}, {@link runPreflight}), and the Pulumi wiring
 * ({@link preflightGate}), whose output the OpenMetadata server waits for.
 */
import * as pulumi from "@pulumi/pulumi";
import type { IdentityApp } from "../identity/types";
import { CLIENT_PROTOCOL } from "../identity/types";
import type { ClientType, IdentityProviderKind, TokenEndpointAuthMethod } from "../types";
import {
  fetchDiscovery,
  fetchJwks,
  isOffline,
  UntrustedCertificateError,
  type DiscoveryDocument,
  type Jwk,
  type RequestOptions,
} from "./discovery";

/** Largest clock difference to the provider, in seconds, before tokens look expired or not yet valid. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** The only algorithm OpenMetadata validates ID tokens with here (`AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM`). */
export const TOKEN_ALGORITHM = "RS256";

/** What the deployment expects of the provider. */
export interface PreflightExpectations {
  /** Which kind of provider; it decides how a wrong issuer is fixed. */
  provider: IdentityProviderKind;
  /** The issuer the browser and the tokens must show; OpenMetadata's authority derives from it. */
  issuer: string;
  /** The discovery document OpenMetadata's server reads. */
  discoveryUrl: string;
  /** The JWKS URL OpenMetadata validates ID tokens with (`AUTHENTICATION_PUBLIC_KEYS`). */
  jwksUrl: string;
  clientType: ClientType;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** The client sends PKCE. */
  pkce: boolean;
  /** Scopes OpenMetadata requests. */
  scopes: readonly string[];
  /** Response type OpenMetadata requests. */
  responseType: string;
}

/** The provider's JWKS as fetched, or why it could not be. */
export type JwksObservation = { keys: Jwk[] } | { error: string; fix?: string };

/** What was read from the provider. */
export interface ProviderObservation {
  document: DiscoveryDocument;
  jwks: JwksObservation;
  /** The `Date` header of the discovery response, when there was one. */
  date?: string;
  /** When the response arrived, by this machine's clock. */
  now: Date;
}

/** How a wrong issuer is fixed, by provider kind. */
const ISSUER_FIXES: Record<IdentityProviderKind, string> = {
  okta: "check okta:orgName, okta:baseUrl and identity.okta.authorizationServer (a custom domain changes the issuer)",
  auth0: "set identity.auth0.domain (auth0:domain) to the domain the tenant's issuer names",
  keycloak:
    "set keycloak:url to Keycloak's frontend URL (its KC_HOSTNAME) and check identity.keycloak.realm",
  onelogin: "check identity.onelogin.subdomain",
  entra: "set identity.entra.tenantId to the tenant id (a GUID), not a domain name",
  oidc: "set identity.oidc.issuer to exactly that value",
  "local-keycloak": "check identity.localKeycloak.port and identity.localKeycloak.realm",
};

const list = (values: readonly string[] | undefined) => JSON.stringify(values ?? []);

/**
 * Providers whose discovery document leaves `none` out of `token_endpoint_auth_methods_supported`
 * although their public clients (Auth0 single-page applications, Entra `spa` platforms) redeem
 * codes with PKCE and no secret. Auth0 lists `client_secret_basic`, `client_secret_post`,
 * `private_key_jwt`; Entra ID `client_secret_post`, `private_key_jwt`, `client_secret_basic`. For
 * them a missing `none` says nothing, so it is not reported.
 */
export const PUBLIC_CLIENTS_UNLISTED: ReadonlySet<IdentityProviderKind> = new Set([
  "auth0",
  "entra",
]);

/** The issuer stated by the discovery document must equal the expected one, character by character. */
export function issuerProblems(
  document: DiscoveryDocument,
  expected: Pick<PreflightExpectations, "issuer" | "discoveryUrl" | "provider">,
): string[] {
  if (document.issuer === expected.issuer) return [];
  const slashOnly =
    document.issuer.replace(/\/+$/, "") === expected.issuer.replace(/\/+$/, "")
      ? "; they differ only by a trailing slash"
      : "";
  return [
    `The discovery document at ${expected.discoveryUrl} states the issuer "${document.issuer}", but the stack expects the issuer "${expected.issuer}"${slashOnly}. Browsers and token checks compare issuers character by character. Fix: the issuer must be exactly "${document.issuer}"; ${ISSUER_FIXES[expected.provider]}.`,
  ];
}

/** Response type, scopes, client authentication, PKCE and signing algorithm, where the document lists them. */
export function capabilityProblems(
  document: DiscoveryDocument,
  expected: Omit<PreflightExpectations, "issuer" | "discoveryUrl" | "jwksUrl">,
): string[] {
  const problems: string[] = [];
  const responseTypes = document.response_types_supported;
  if (responseTypes && !responseTypes.includes(expected.responseType)) {
    problems.push(
      `The provider does not support response_type "${expected.responseType}" (response_types_supported: ${list(responseTypes)}), which OpenMetadata's login uses. Fix: enable the authorization code flow for the provider and the client.`,
    );
  }
  const scopes = document.scopes_supported;
  const missing = scopes ? expected.scopes.filter((scope) => !scopes.includes(scope)) : [];
  if (missing.length > 0) {
    problems.push(
      `The provider does not support the scope${missing.length === 1 ? "" : "s"} ${missing.map((s) => `"${s}"`).join(", ")} (scopes_supported: ${list(scopes)}); OpenMetadata requests "${expected.scopes.join(" ")}" and needs the user's email. Fix: enable ${missing.length === 1 ? "that scope" : "those scopes"} at the provider.`,
    );
  }
  problems.push(...authMethodProblems(document, expected));
  const challenges = document.code_challenge_methods_supported;
  if (expected.pkce && challenges && !challenges.includes("S256")) {
    problems.push(
      expected.clientType === "public"
        ? `The provider does not list "S256" in code_challenge_methods_supported (${list(challenges)}), but a public client has no secret and proves itself with PKCE S256 alone, which OpenMetadata's UI sends. Fix: enable PKCE with S256 at the provider, or set identity.clientType to "confidential".`
        : `The provider does not list "S256" in code_challenge_methods_supported (${list(challenges)}), but this client sends PKCE with S256. Fix: enable PKCE with S256 at the provider.`,
    );
  }
  const algorithms = document.id_token_signing_alg_values_supported;
  if (algorithms && !algorithms.includes(TOKEN_ALGORITHM)) {
    problems.push(
      `The provider does not sign ID tokens with ${TOKEN_ALGORITHM} (id_token_signing_alg_values_supported: ${list(algorithms)}), the only algorithm OpenMetadata validates them with here. Fix: sign the client's ID tokens with ${TOKEN_ALGORITHM}.`,
    );
  }
  return problems;
}

/**
 * The token endpoint must accept the client's auth method, where the document lists methods:
 * OpenMetadata's server refuses to start a login with a method the list lacks (pac4j), and a
 * public client redeems the code with `none`.
 */
export function authMethodProblems(
  document: DiscoveryDocument,
  expected: Pick<PreflightExpectations, "provider" | "clientType" | "tokenEndpointAuthMethod">,
): string[] {
  const methods = document.token_endpoint_auth_methods_supported;
  if (!methods) return [];
  if (expected.clientType === "public") {
    if (methods.includes("none") || PUBLIC_CLIENTS_UNLISTED.has(expected.provider)) return [];
    return [
      `The provider does not list "none" in token_endpoint_auth_methods_supported (${list(methods)}), so it does not let a public client redeem the authorization code without a secret, and OpenMetadata's UI, which has none, cannot complete a login. Fix: allow public clients (PKCE without a client secret) at the provider, or set identity.clientType to "confidential".`,
    ];
  }
  if (methods.includes(expected.tokenEndpointAuthMethod)) return [];
  const alternative = ["client_secret_post", "client_secret_basic"].find((m) =>
    methods.includes(m),
  );
  const fix =
    expected.provider === "oidc"
      ? alternative
        ? `set identity.oidc.tokenEndpointAuthMethod to "${alternative}"`
        : "use a provider that accepts client_secret_post or client_secret_basic"
      : `the ${expected.provider} client always uses "${expected.tokenEndpointAuthMethod}", which ${expected.provider} accepts, so check that the discovery URL is the ${expected.provider} one`;
  return [
    `The provider does not list "${expected.tokenEndpointAuthMethod}" in token_endpoint_auth_methods_supported (${list(methods)}), and OpenMetadata's server then refuses every login ("Preferred authentication method (${expected.tokenEndpointAuthMethod}) not supported by provider according to provider metadata"). Fix: ${fix}.`,
  ];
}

function describeKey(key: Jwk): string {
  return `${key.kty ?? "?"}${key.alg ? ` ${key.alg}` : ""}${key.use ? ` (use ${key.use})` : ""}${key.kid ? ` kid "${key.kid}"` : ""}`;
}

/** True for a public RSA key usable to verify RS256 signatures. */
export function isRs256Key(key: Jwk): boolean {
  return (
    key.kty === "RSA" &&
    typeof key.n === "string" &&
    typeof key.e === "string" &&
    (key.use === undefined || key.use === "sig") &&
    (key.alg === undefined || key.alg === TOKEN_ALGORITHM)
  );
}

/** The JWKS must be OpenMetadata's and must hold an RSA key for RS256. */
export function jwksProblems(
  document: DiscoveryDocument,
  jwks: JwksObservation,
  expected: Pick<PreflightExpectations, "jwksUrl">,
): string[] {
  const problems: string[] = [];
  if (document.jwks_uri !== expected.jwksUrl) {
    problems.push(
      `OpenMetadata would validate ID tokens with the keys at ${expected.jwksUrl}, but the discovery document publishes them at ${document.jwks_uri}. Fix: identity.provider "oidc" with this issuer reads jwks_uri from the discovery document; please also report the difference.`,
    );
  }
  if ("error" in jwks) {
    problems.push(
      `The provider's JWKS at ${document.jwks_uri} cannot be read: ${jwks.error} OpenMetadata validates every ID token with it. Fix: ${jwks.fix ?? `make ${document.jwks_uri} reachable and serve the provider's signing keys there.`}`,
    );
  } else if (jwks.keys.length === 0) {
    problems.push(
      `The provider's JWKS at ${document.jwks_uri} holds no keys, so OpenMetadata cannot validate any ID token. Fix: give the provider an RSA signing key and sign ID tokens with ${TOKEN_ALGORITHM}.`,
    );
  } else if (!jwks.keys.some(isRs256Key)) {
    problems.push(
      `The provider's JWKS at ${document.jwks_uri} holds no RSA key for ${TOKEN_ALGORITHM} (it holds: ${jwks.keys.map(describeKey).join(", ")}), the only algorithm OpenMetadata validates ID tokens with here. Fix: give the provider an RSA signing key and sign ID tokens with ${TOKEN_ALGORITHM}.`,
    );
  }
  return problems;
}

/** The provider's clock, from its `Date` header, must be within {@link MAX_CLOCK_SKEW_SECONDS}. */
export function clockProblems(date: string | undefined, now: Date): string[] {
  if (date === undefined) return [];
  const provider = Date.parse(date);
  if (Number.isNaN(provider)) return [];
  const skew = Math.round((provider - now.getTime()) / 1000);
  if (Math.abs(skew) <= MAX_CLOCK_SKEW_SECONDS) return [];
  return [
    `The provider's clock is ${Math.abs(skew)} s ${skew > 0 ? "ahead of" : "behind"} this machine's (its Date header says "${date}", here it is "${now.toUTCString()}"), more than the ${MAX_CLOCK_SKEW_SECONDS} s allowed: ID tokens would look expired or not yet valid. Fix: synchronize the clocks with NTP, here and on the hosts that run OpenMetadata.`,
  ];
}

/** Every problem found in what was read from the provider. */
export function preflightProblems(
  observed: ProviderObservation,
  expected: PreflightExpectations,
): string[] {
  return [
    ...issuerProblems(observed.document, expected),
    ...jwksProblems(observed.document, observed.jwks, expected),
    ...capabilityProblems(observed.document, expected),
    ...clockProblems(observed.date, observed.now),
  ];
}

// ---------------------------------------------------------------------------------------------
// Fetching.
// ---------------------------------------------------------------------------------------------

/** What was read, or why the provider could not be read at all. */
export type Observation =
  { reachable: true; observation: ProviderObservation } | { reachable: false; problem: string };

/** Reads the discovery document, then the JWKS it names. */
export async function observeProvider(
  discoveryUrl: string,
  clock: () => Date = () => new Date(),
  options: RequestOptions = {},
): Promise<Observation> {
  let fetched: Awaited<ReturnType<typeof fetchDiscovery>>;
  try {
    fetched = await fetchDiscovery(discoveryUrl, options);
  } catch (error) {
    const fix =
      error instanceof UntrustedCertificateError
        ? error.fix
        : "check the URL, and that the machine running Pulumi can reach the identity provider.";
    return { reachable: false, problem: `${(error as Error).message} Fix: ${fix}` };
  }
  const now = clock();
  let jwks: JwksObservation;
  try {
    jwks = { keys: await fetchJwks(fetched.document.jwks_uri, options) };
  } catch (error) {
    jwks =
      error instanceof UntrustedCertificateError
        ? { error: error.message, fix: error.fix }
        : { error: (error as Error).message };
  }
  return {
    reachable: true,
    observation: { document: fetched.document, jwks, date: fetched.date, now },
  };
}

/** The outcome of a preflight run. */
export interface PreflightResult {
  /** The discovery document could be read. */
  reachable: boolean;
  problems: string[];
}

/** Reads the provider and checks it against the expectations. */
export async function runPreflight(
  expected: PreflightExpectations,
  options: RequestOptions = {},
): Promise<PreflightResult> {
  const observed = await observeProvider(expected.discoveryUrl, undefined, options);
  return observed.reachable
    ? { reachable: true, problems: preflightProblems(observed.observation, expected) }
    : { reachable: false, problems: [observed.problem] };
}

// ---------------------------------------------------------------------------------------------
// Pulumi.
// ---------------------------------------------------------------------------------------------

/**
 * The gate's value whenever the deployment may go ahead. It is the same in preview and update, so
 * the server's label never shows a change by itself.
 */
export const PREFLIGHT_PASSED = "passed";

/**
 * The gate's value in the offline render, which has no network: the check did not run, and the
 * rendered label and annotation say so rather than claim it passed. A deployment never carries it.
 */
export const PREFLIGHT_SKIPPED_OFFLINE = "skipped-offline";

/** The gate's value for the local Keycloak, which is never checked before deployment. */
export const PREFLIGHT_SKIPPED = "skipped";

/** The message of a failed preflight. */
export function preflightFailure(provider: IdentityProviderKind, problems: string[]): string {
  return (
    `Preflight check of the ${provider} identity provider failed (${problems.length} problem${problems.length === 1 ? "" : "s"}); the OpenMetadata server was not deployed:\n` +
    problems.map((problem) => `  - ${problem}`).join("\n")
  );
}

/** How {@link preflightGate} runs; the defaults come from the Pulumi runtime. */
export interface PreflightGateOptions {
  /** Resource the log lines and errors belong to. */
  parent?: pulumi.Resource;
  /** @default pulumi.runtime.isDryRun() */
  dryRun?: boolean;
  /** @default isOffline() */
  offline?: boolean;
  /** @default runPreflight */
  run?: (expected: PreflightExpectations, options: RequestOptions) => Promise<PreflightResult>;
  /**
   * CA certificates (PEM) trusted besides Node's own roots: `trustedCaCertificates`.
   * @default - Node's roots only
   */
  ca?: readonly string[];
}

/**
 * Runs the preflight check for an identity app and returns the gate the OpenMetadata server
 * waits for.
 *
 * - `local-keycloak`: not run, because Keycloak is created by the same deployment; a log line says
 *   so and the gate is {@link PREFLIGHT_SKIPPED}.
 * - Offline render: not run (no network); the gate is {@link PREFLIGHT_SKIPPED_OFFLINE}.
 * - Preview: run; an unreachable provider is a warning, problems fail the preview.
 * - Update: run; an unreachable provider or any problem fails the update with every problem.
 */
export function preflightGate(
  app: IdentityApp,
  provider: IdentityProviderKind,
  options: PreflightGateOptions = {},
): pulumi.Output<string> {
  if (provider === "local-keycloak") {
    pulumi.log.info(
      "Preflight check skipped: the local Keycloak is created by this deployment, so its discovery document cannot be read before it; the verification after deployment checks the running server.",
      options.parent,
    );
    return pulumi.output(PREFLIGHT_SKIPPED);
  }
  const offline = options.offline ?? isOffline();
  if (offline) return pulumi.output(PREFLIGHT_SKIPPED_OFFLINE);
  const dryRun = options.dryRun ?? pulumi.runtime.isDryRun();
  return pulumi
    .all([app.issuer, app.discoveryUrl, app.jwksUrl])
    .apply(([issuer, discoveryUrl, jwksUrl]) =>
      gateValue(
        {
          provider,
          issuer,
          discoveryUrl,
          jwksUrl,
          clientType: app.clientType,
          tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
          pkce: app.pkce,
          scopes: CLIENT_PROTOCOL.scopes,
          responseType: CLIENT_PROTOCOL.responseTypes[0],
        },
        { ...options, dryRun },
      ),
    );
}

/**
 * Runs the check once and decides: {@link PREFLIGHT_PASSED}, a warning (preview, provider
 * unreachable), or a `pulumi.RunError` listing every problem.
 */
export async function gateValue(
  expected: PreflightExpectations,
  options: Pick<PreflightGateOptions, "parent" | "run" | "ca"> & { dryRun: boolean },
): Promise<string> {
  const result = await (options.run ?? runPreflight)(
    expected,
    options.ca === undefined ? {} : { ca: options.ca },
  );
  if (!result.reachable && options.dryRun) {
    pulumi.log.warn(
      `Preflight check not run in preview: ${result.problems.join(" ")} \`pulumi up\` runs it and stops if the provider is still unreachable.`,
      options.parent,
    );
    return PREFLIGHT_PASSED;
  }
  if (result.problems.length > 0) {
    throw new pulumi.RunError(preflightFailure(expected.provider, result.problems));
  }
  return PREFLIGHT_PASSED;
}
