import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import type { OktaArgs } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import type { IdentityAppArgs } from "./common";
import { clientAuth, CLIENT_PROTOCOL, type IdentityApp } from "./types";

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
      },
      { parent: this },
    );
    for (const groupId of args.groupIds ?? []) {
      new okta.app.GroupAssignment(
        `${name}-group-${groupId}`,
        { appId: oauth.id, groupId },
        { parent: this },
      );
    }
    const server = okta.auth.getServerOutput(
      { name: args.authorizationServer ?? "default" },
      { parent: this },
    );
    const issuer = server.issuer;

    this.app = {
      clientId: oauth.clientId,
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
