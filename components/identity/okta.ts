import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import type { OktaArgs } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import { readyAfter, type IdentityAppArgs } from "./common";
import { childOptions, clientAuth, CLIENT_PROTOCOL, type IdentityApp } from "./types";

/** Arguments of {@link OktaApp}. */
export interface OktaAppArgs extends IdentityAppArgs, OktaArgs {}

/**
 * A dedicated OpenMetadata app at Okta: a `web` app for a confidential client or a `browser` app
 * for a public one, authorization code flow only. Tokens come from the chosen authorization
 * server, whose issuer becomes OpenMetadata's authority.
 */
export class OktaApp extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;

  constructor(name: string, args: OktaAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:OktaApp", name, {}, opts);
    // Nothing at the provider is created before `after` exists.
    const child = childOptions(this, args.after);
    const clientType = args.clientType ?? "confidential";
    const auth = clientAuth(clientType);
    const uris = redirectUris(args.publicUrl);

    const oauth = new okta.app.OAuth(
      `${name}-app`,
      {
        label: args.appName,
        type: clientType === "public" ? "browser" : "web",
        grantTypes: [...CLIENT_PROTOCOL.grantTypes],
        responseTypes: [...CLIENT_PROTOCOL.responseTypes],
        redirectUris: uris,
        postLogoutRedirectUris: logoutRedirectUris(args.publicUrl),
        tokenEndpointAuthMethod: auth.tokenEndpointAuthMethod,
        pkceRequired: auth.pkce,
        // Okta wants a rotation mode with the refresh_token grant, and rotation for browser apps,
        // whose refresh tokens live in the browser.
        ...(clientType === "public"
          ? { refreshTokenRotation: "ROTATE", refreshTokenLeeway: 30 }
          : { refreshTokenRotation: "STATIC" }),
      },
      child,
    );
    const unassigned = unassignedWarning(args.groupIds);
    if (unassigned) pulumi.log.warn(unassigned, this);
    const assignments = (args.groupIds ?? []).map(
      (groupId) =>
        new okta.app.GroupAssignment(
          `${name}-group-${groupId}`,
          { appId: oauth.id, groupId },
          child,
        ),
    );
    const server = okta.auth.getServerOutput(
      { name: args.authorizationServer ?? "default" },
      { parent: this },
    );
    const issuer = server.issuer;

    this.app = {
      // Only assigned users may sign in: whatever uses the client id waits for the assignments.
      clientId: readyAfter(oauth.clientId, assignments),
      clientSecret: clientType === "public" ? undefined : pulumi.secret(oauth.clientSecret),
      issuer,
      discoveryUrl: pulumi.interpolate`${issuer}/.well-known/openid-configuration`,
      jwksUrl: pulumi.interpolate`${issuer}/v1/keys`,
      openMetadataProvider: "okta",
      providerName: "Okta",
      clientType,
      ...auth,
      redirectUris: uris,
    };
    this.registerOutputs({ clientId: this.app.clientId, issuer });
  }
}

/**
 * The warning for an app without groups: Okta lets only assigned users sign in to an app, so
 * until someone assigns users in Okta's console every login fails.
 */
export function unassignedWarning(groupIds: readonly string[] | undefined): string | undefined {
  if (groupIds && groupIds.length > 0) return undefined;
  return 'identity.okta.groupIds is empty, so nobody is assigned to the OpenMetadata app and Okta refuses every sign-in ("User is not assigned to the client application") until users or groups are assigned to it in Okta. List the groups that may sign in in identity.okta.groupIds.';
}
