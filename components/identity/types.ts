import type * as pulumi from "@pulumi/pulumi";
import type { ClientType, OpenMetadataProvider, TokenEndpointAuthMethod } from "../types";

/**
 * What every identity provider component returns: the OIDC client it registered and how
 * OpenMetadata must talk to it.
 *
 * Two kinds of URL are kept apart. `issuer` is what the browser sees (OpenMetadata's authority,
 * apart from Entra ID, whose authority is the tenant URL without `/v2.0`: see `authorityOf`).
 * `discoveryUrl` and `jwksUrl` are fetched by the OpenMetadata server, so they must resolve where
 * the server runs (a container DNS name on Docker, a service name in a cluster). For a provider on
 * the internet they are simply its public URLs.
 */
export interface IdentityApp {
  /** OAuth client id. */
  clientId: pulumi.Output<string>;
  /** Client secret (a Pulumi secret); absent for a public client. */
  clientSecret?: pulumi.Output<string>;
  /**
   * When the client secret expires (RFC 3339), for providers whose secrets expire (Entra ID);
   * absent otherwise.
   */
  clientSecretEndDate?: pulumi.Output<string>;
  /** Issuer as the browser and the tokens show it; OpenMetadata's `authority` is derived from it. */
  issuer: pulumi.Output<string>;
  /** Discovery document URL the OpenMetadata server fetches. */
  discoveryUrl: pulumi.Output<string>;
  /** JWKS URL the OpenMetadata server fetches to validate ID tokens. */
  jwksUrl: pulumi.Output<string>;
  /** `AUTHENTICATION_PROVIDER` value. */
  openMetadataProvider: OpenMetadataProvider;
  /** Sign-in button label (`CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME`). */
  providerName: string;
  /** Confidential or public. */
  clientType: ClientType;
  /** How the client authenticates at the token endpoint; `none` for a public client. */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /**
   * Whether the client uses PKCE (S256): OpenMetadata then sends it (`OIDC_DISABLE_PKCE=false`),
   * and the providers that can enforce it for a confidential client (Okta, Keycloak) are set to
   * require it. Auth0, Entra ID and OneLogin enforce it only for public clients.
   */
  pkce: boolean;
  /** Redirect URIs registered at the provider, derived from `publicUrl`. */
  redirectUris: string[];
  /** Azure tenant, for `OIDC_TENANT`. */
  tenant?: pulumi.Output<string>;
}

/**
 * Plain values of an {@link IdentityApp} without its secret, as the pure settings functions take
 * them: every output resolved.
 */
export type IdentityFacts = {
  [K in keyof Omit<IdentityApp, "clientSecret" | "clientSecretEndDate">]: pulumi.Unwrap<
    IdentityApp[K]
  >;
};

/**
 * The OAuth settings every client gets: the authorization code flow, plus refresh tokens where the
 * provider asks for the grant. Never implicit, never password.
 */
export const CLIENT_PROTOCOL = {
  grantTypes: ["authorization_code", "refresh_token"],
  responseTypes: ["code"],
  scopes: ["openid", "email", "profile"],
} as const;

/**
 * Auth method and PKCE of a client type. Confidential clients authenticate with their secret and
 * also send PKCE (OpenMetadata sends S256 when `OIDC_DISABLE_PKCE` is false); public clients use
 * PKCE alone.
 */
export function clientAuth(
  clientType: ClientType,
  confidentialMethod: TokenEndpointAuthMethod = "client_secret_post",
): { tokenEndpointAuthMethod: TokenEndpointAuthMethod; pkce: boolean } {
  return clientType === "public"
    ? { tokenEndpointAuthMethod: "none", pkce: true }
    : { tokenEndpointAuthMethod: confidentialMethod, pkce: true };
}

/**
 * Options of an identity component's child: its parent, and what it waits for (`after` of
 * `IdentityAppArgs`). The Node SDK does not pass a component's own `dependsOn` to its children
 * (@pulumi/pulumi 3.270.0: runtime/resource.js prepareResource gathers only the registering
 * resource's `opts.dependsOn`), so each child is told. It lives here, beside `clientAuth`, because
 * every stack loads this module anyway (test/modules.test.ts).
 */
export function childOptions(
  parent: pulumi.Resource,
  after: readonly pulumi.Resource[] | undefined,
): { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] } {
  return after === undefined || after.length === 0 ? { parent } : { parent, dependsOn: [...after] };
}
