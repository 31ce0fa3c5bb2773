import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { EntraArgs } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import type { IdentityAppArgs } from "./common";
import { clientAuth, type IdentityApp } from "./types";

/** Microsoft Graph, whose delegated OpenID permissions the application declares. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Ids of Microsoft Graph's delegated permissions for the scopes OpenMetadata requests. */
export const GRAPH_OPENID_SCOPES = {
  openid: "37f7f235-527c-4136-accd-4a02d197296e",
  email: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
  profile: "14dad69e-099b-42c9-810b-d002981feec1",
  /** OpenMetadata's MSAL sign-in (public client) asks for it. */
  offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
} as const;

/** The v2.0 endpoints of an Entra tenant. */
export function entraUrls(tenantId: string): {
  issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
} {
  const base = `https://login.microsoftonline.com/${tenantId}`;
  return {
    issuer: `${base}/v2.0`,
    discoveryUrl: `${base}/v2.0/.well-known/openid-configuration`,
    jwksUrl: `${base}/discovery/v2.0/keys`,
  };
}

/**
 * Where the application's redirect URIs go: the `web` platform for a confidential client (the
 * OpenMetadata server redeems the code with its secret), the `spa` platform for a public one (the
 * browser redeems it with PKCE). Entra accepts a `post_logout_redirect_uri` only when it is one
 * of the registered redirect URIs, so the logout landing page is registered too.
 */
export function entraPlatforms(
  clientType: "confidential" | "public",
  publicUrl: string,
): Pick<azuread.ApplicationArgs, "web" | "singlePageApplication"> {
  const uris = [...redirectUris(publicUrl), ...logoutRedirectUris(publicUrl)];
  const noImplicit = { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false };
  return clientType === "public"
    ? { web: { implicitGrant: noImplicit }, singlePageApplication: { redirectUris: uris } }
    : { web: { redirectUris: uris, implicitGrant: noImplicit } };
}

/** Arguments of {@link EntraApp}. */
export interface EntraAppArgs extends IdentityAppArgs, EntraArgs {}

/**
 * A dedicated OpenMetadata application in Microsoft Entra ID: the app registration, its service
 * principal (the enterprise application users sign in to) and, for a confidential client, a
 * client secret. Implicit grant is off; ID tokens carry `email` as an optional claim.
 */
export class EntraApp extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;

  constructor(name: string, args: EntraAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:EntraApp", name, {}, opts);
    const clientType = args.clientType ?? "confidential";
    const auth = clientAuth(clientType);

    const application = new azuread.Application(
      `${name}-app`,
      {
        displayName: args.appName,
        signInAudience: args.signInAudience ?? "AzureADMyOrg",
        ...entraPlatforms(clientType, args.publicUrl),
        // Version 2 tokens; required for personal Microsoft accounts.
        api: { requestedAccessTokenVersion: 2 },
        optionalClaims: { idTokens: [{ name: "email" }] },
        requiredResourceAccesses: [
          {
            resourceAppId: MICROSOFT_GRAPH_APP_ID,
            resourceAccesses: Object.values(GRAPH_OPENID_SCOPES).map((id) => ({
              id,
              type: "Scope",
            })),
          },
        ],
      },
      { parent: this },
    );
    new azuread.ServicePrincipal(
      `${name}-sp`,
      { clientId: application.clientId },
      { parent: this },
    );
    const password =
      clientType === "public"
        ? undefined
        : new azuread.ApplicationPassword(
            `${name}-secret`,
            { applicationId: application.id, displayName: "OpenMetadata" },
            { parent: this, additionalSecretOutputs: ["value"] },
          );

    const urls = entraUrls(args.tenantId);
    this.app = {
      clientId: application.clientId,
      clientSecret: password ? pulumi.secret(password.value) : undefined,
      issuer: pulumi.output(urls.issuer),
      discoveryUrl: pulumi.output(urls.discoveryUrl),
      jwksUrl: pulumi.output(urls.jwksUrl),
      openMetadataProvider: "azure",
      providerName: "Azure",
      clientType,
      ...auth,
      redirectUris: redirectUris(args.publicUrl),
      tenant: pulumi.output(args.tenantId),
    };
    this.registerOutputs({ clientId: this.app.clientId, issuer: this.app.issuer });
  }
}
