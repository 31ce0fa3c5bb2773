/**
 * The identity provider's discovery document, fetched by the program (the Pulumi CLI's machine).
 *
 * A generic OIDC provider's JWKS URL comes from its discovery document, never from user input
 * (user pain P13). The offline render has no network, so there it returns a marked placeholder.
 */
import * as pulumi from "@pulumi/pulumi";
import { OFFLINE_ENV } from "../config";

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

/** True when the program runs without network or credentials (offline render, benchmark). */
export function isOffline(): boolean {
  return process.env[OFFLINE_ENV] === "1";
}

/** What the offline render shows where a value needs the provider's discovery document. */
export function offlineDiscoveryPlaceholder(field: string, discoveryUrl: string): string {
  return `<${field} from ${discoveryUrl}, resolved at deploy time>`;
}

/** Fetches and parses a discovery document; the error names the URL and the HTTP status. */
export async function fetchDiscovery(
  discoveryUrl: string,
): Promise<{ document: DiscoveryDocument; date?: string }> {
  let response: Response;
  try {
    response = await fetch(discoveryUrl, { headers: { accept: "application/json" } });
  } catch (error) {
    throw new Error(
      `Cannot reach the discovery document at ${discoveryUrl}: ${(error as Error).message}`,
    );
  }
  if (!response.ok) {
    throw new Error(`The discovery document at ${discoveryUrl} answered HTTP ${response.status}.`);
  }
  const document = (await response.json()) as DiscoveryDocument;
  if (typeof document.jwks_uri !== "string" || typeof document.issuer !== "string") {
    throw new Error(`The discovery document at ${discoveryUrl} has no issuer or jwks_uri.`);
  }
  return { document, date: response.headers.get("date") ?? undefined };
}

/** The provider's `jwks_uri`, read from its discovery document at deploy time. */
export function discoveredJwksUri(discoveryUrl: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi
    .output(discoveryUrl)
    .apply(async (url) =>
      isOffline()
        ? offlineDiscoveryPlaceholder("jwks_uri", url)
        : (await fetchDiscovery(url)).document.jwks_uri,
    );
}
