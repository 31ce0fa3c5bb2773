import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { EntraArgs } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import { readyAfter, type IdentityAppArgs } from "./common";
import { childOptions, clientAuth, type IdentityApp } from "./types";

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

/** The id of an enterprise application's default access role, which a plain assignment grants. */
export const DEFAULT_ACCESS_ROLE_ID = "00000000-0000-0000-0000-000000000000";

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
 * principal (the enterprise application users sign in to), which lets in only the users and
 * groups assigned to it, one assignment per group of `groupIds` and, for a confidential client,
 * a client secret labelled by `secretRotation`. Implicit grant is off; ID tokens carry `email` as
 * an optional claim.
 */
export class EntraApp extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;
  /** When the client secret expires (RFC 3339); absent for a public client. */
  public readonly secretEndDate?: pulumi.Output<string>;

  constructor(name: string, args: EntraAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:EntraApp", name, {}, opts);
    // Nothing at the provider is created before `after` exists.
    const child = childOptions(this, args.after);
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
      child,
    );
    // OpenMetadata checks only a token's signature: Entra ID must refuse tokens
    // to everyone not assigned to the application.
    const servicePrincipal = new azuread.ServicePrincipal(
      `${name}-sp`,
      { clientId: application.clientId, appRoleAssignmentRequired: true },
      child,
    );
    const unassigned = unassignedWarning(args.groupIds);
    if (unassigned) pulumi.log.warn(unassigned, this);
    const assignments = (args.groupIds ?? []).map(
      (groupId) =>
        new azuread.AppRoleAssignment(
          `${name}-group-${groupId}`,
          {
            appRoleId: DEFAULT_ACCESS_ROLE_ID,
            principalObjectId: groupId,
            resourceObjectId: servicePrincipal.objectId,
          },
          child,
        ),
    );
    // Microsoft Graph gives a password two years unless told otherwise; a new rotation label or
    // end date replaces it. The first label sets no `rotateWhenChanged`: adding the field would
    // itself replace the password of a stack made before the label existed.
    const password =
      clientType === "public"
        ? undefined
        : new azuread.ApplicationPassword(
            `${name}-secret`,
            {
              applicationId: application.id,
              displayName: "OpenMetadata",
              ...(args.secretRotation === undefined || args.secretRotation === "initial"
                ? {}
                : { rotateWhenChanged: { rotation: args.secretRotation } }),
              ...(args.secretEndDate === undefined ? {} : { endDate: args.secretEndDate }),
            },
            { ...child, additionalSecretOutputs: ["value"] },
          );
    this.secretEndDate = password?.endDate;

    const urls = entraUrls(args.tenantId);
    this.app = {
      // Only assigned users may sign in: whatever uses the client id waits for the assignments.
      clientId: readyAfter(application.clientId, assignments),
      clientSecret: password ? pulumi.secret(password.value) : undefined,
      clientSecretEndDate: this.secretEndDate,
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
    this.registerOutputs({
      clientId: this.app.clientId,
      issuer: this.app.issuer,
      secretEndDate: this.secretEndDate,
    });
  }
}

/**
 * The warning for an application without groups: its service principal requires an assignment,
 * so until someone assigns users or groups in the Entra admin center every sign-in fails.
 */
export function unassignedWarning(groupIds: readonly string[] | undefined): string | undefined {
  if (groupIds && groupIds.length > 0) return undefined;
  return "identity.entra.groupIds is empty, so nobody is assigned to the OpenMetadata application and Entra ID refuses every sign-in (AADSTS50105) until users or groups are assigned to it under Enterprise applications in the Microsoft Entra admin center. List the object ids of the groups that may sign in in identity.entra.groupIds.";
}
