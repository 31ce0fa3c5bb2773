/**
 * The identity provider's discovery document, fetched by the program (the Pulumi CLI's machine).
 *
 * A generic OIDC provider's JWKS URL comes from its discovery document, never from user input
 * (user pain P13). The offline render has no network, so there it returns a marked placeholder.
 */
import * as pulumi from "@pulumi/pulumi";
import { isOffline } from "../offline";

export { isOffline };

/** The fields of a discovery document this package reads. */
export interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri: string;
  registration_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
}

/** What the offline render shows where a value needs the provider's discovery document. */
export function offlineDiscoveryPlaceholder(field: string, discoveryUrl: string): string {
  return `<${field} from ${discoveryUrl}, resolved at deploy time>`;
}

/** How long a request to the identity provider may take, in milliseconds. */
export const FETCH_TIMEOUT_MS = 10_000;

/** A JSON Web Key as a JWKS publishes it (public members only). */
export interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  [member: string]: unknown;
}

/** GETs JSON; every error names the URL and what went wrong. */
async function getJson(url: string, what: string): Promise<{ body: unknown; date?: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new Error(
      `Cannot reach the ${what} at ${url}: ${(error as Error).message}${cause ? ` (${cause.message})` : ""}.`,
    );
  }
  if (!response.ok) {
    throw new Error(`The ${what} at ${url} answered HTTP ${response.status}.`);
  }
  try {
    return { body: await response.json(), date: response.headers.get("date") ?? undefined };
  } catch {
    throw new Error(`The ${what} at ${url} is not JSON.`);
  }
}

/** Fetches and parses a discovery document; the error names the URL and the HTTP status. */
export async function fetchDiscovery(
  discoveryUrl: string,
): Promise<{ document: DiscoveryDocument; date?: string }> {
  const { body, date } = await getJson(discoveryUrl, "discovery document");
  const document = body as DiscoveryDocument;
  if (typeof document?.jwks_uri !== "string" || typeof document.issuer !== "string") {
    throw new Error(`The discovery document at ${discoveryUrl} has no issuer or jwks_uri.`);
  }
  return { document, date };
}

/** Fetches a JWKS and returns its keys; the error names the URL and the problem. */
export async function fetchJwks(jwksUrl: string): Promise<Jwk[]> {
  const { body } = await getJson(jwksUrl, "JWKS");
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error(`The JWKS at ${jwksUrl} has no "keys" array.`);
  return keys as Jwk[];
}

/** How {@link jwksUriOf} runs; the defaults come from the Pulumi runtime. */
export interface JwksLookupOptions {
  /** @default pulumi.runtime.isDryRun() */
  dryRun?: boolean;
  /** Resource a warning belongs to. */
  parent?: pulumi.Resource;
}

/**
 * The provider's `jwks_uri`. Offline it is a marked placeholder. When the provider cannot be read,
 * a preview warns and goes on with an unknown value; an update fails with the reason and the fix.
 */
export async function jwksUriOf(
  discoveryUrl: string,
  options: JwksLookupOptions = {},
): Promise<string | typeof pulumi.unknown> {
  if (isOffline()) return offlineDiscoveryPlaceholder("jwks_uri", discoveryUrl);
  try {
    return (await fetchDiscovery(discoveryUrl)).document.jwks_uri;
  } catch (error) {
    const reason = (error as Error).message;
    if (options.dryRun ?? pulumi.runtime.isDryRun()) {
      pulumi.log.warn(
        `${reason} OpenMetadata's JWKS URL comes from that document, so this preview shows it as unknown; \`pulumi up\` stops if the provider is still unreachable.`,
        options.parent,
      );
      return pulumi.unknown;
    }
    throw new pulumi.RunError(
      `${reason} OpenMetadata's JWKS URL comes from that document. Fix: check the discovery URL, and that the machine running Pulumi can reach the identity provider.`,
    );
  }
}

/** The provider's `jwks_uri`, read from its discovery document at deploy time. */
export function discoveredJwksUri(
  discoveryUrl: pulumi.Input<string>,
  options: JwksLookupOptions = {},
): pulumi.Output<string> {
  // An unknown value makes the output unknown, as the engine's own unknowns do in a preview.
  return pulumi.output(discoveryUrl).apply((url) => jwksUriOf(url, options) as Promise<string>);
}
