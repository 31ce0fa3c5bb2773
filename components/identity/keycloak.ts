import * as keycloak from "@pulumi/keycloak";
import * as pulumi from "@pulumi/pulumi";
import type { KeycloakArgs } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import type { IdentityAppArgs } from "./common";
import { childOptions, clientAuth, type IdentityApp } from "./types";

/** The URLs of a Keycloak realm, derived from the server URL and the realm name. */
export function keycloakUrls(
  url: string,
  realm: string,
): { issuer: string; discoveryUrl: string; jwksUrl: string } {
  const issuer = `${url.replace(/\/+$/, "")}/realms/${realm}`;
  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
  };
}

/** Arguments of {@link KeycloakClient}. */
export interface KeycloakClientArgs extends IdentityAppArgs, KeycloakArgs {
  /**
   * Client id in the realm. Two stacks that share a realm need different ids.
   * @default "openmetadata"
   */
  clientId?: string;
  /**
   * Protect the realm this component creates from deletion (production). Only with `createRealm`.
   * @default false
   */
  protect?: boolean;
  /**
   * Keep the realm this component creates, with its users, in Keycloak when the stack is destroyed
   * or `createRealm` is turned off. Only with `createRealm`.
   * @default true
   */
  retainOnDelete?: boolean;
}

/**
 * A dedicated OpenMetadata client in a realm of an existing Keycloak server (the `keycloak`
 * provider's `url`), or in a realm this component creates. Standard flow only: no implicit flow,
 * no direct access grants, no service account; PKCE S256 is required.
 *
 * No protocol mapper is added: the realm's default `email` client scope already puts `email` and
 * `email_verified` in the ID token, and `profile` puts `preferred_username` there.
 */
export class KeycloakClient extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;

  constructor(name: string, args: KeycloakClientArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:KeycloakClient", name, {}, opts);
    // Nothing at the provider is created before `after` exists.
    const child = childOptions(this, args.after);
    const clientType = args.clientType ?? "confidential";
    const auth = clientAuth(clientType);
    const uris = redirectUris(args.publicUrl);

    // A created realm holds the users: it is data, kept like the volumes and keys.
    const keep = { protect: args.protect ?? false, retainOnDelete: args.retainOnDelete ?? true };
    const realmId: pulumi.Input<string> = args.createRealm
      ? new keycloak.Realm(
          `${name}-realm`,
          {
            realm: args.realm,
            enabled: true,
            loginWithEmailAllowed: true,
            duplicateEmailsAllowed: false,
          },
          { ...child, ...keep },
        ).realm
      : args.realm;

    const client = new keycloak.openid.Client(
      `${name}-client`,
      {
        realmId,
        clientId: args.clientId ?? "openmetadata",
        name: args.appName,
        enabled: true,
        accessType: clientType === "public" ? "PUBLIC" : "CONFIDENTIAL",
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        consentRequired: false,
        validRedirectUris: uris,
        validPostLogoutRedirectUris: logoutRedirectUris(args.publicUrl),
        webOrigins: [args.publicUrl],
        pkceCodeChallengeMethod: "S256",
      },
      { ...child, additionalSecretOutputs: ["clientSecret"] },
    );

    const urls = keycloakUrls(args.url, args.realm);
    this.app = {
      clientId: client.clientId,
      clientSecret: clientType === "public" ? undefined : pulumi.secret(client.clientSecret),
      issuer: pulumi.output(urls.issuer),
      discoveryUrl: pulumi.output(urls.discoveryUrl),
      jwksUrl: pulumi.output(urls.jwksUrl),
      openMetadataProvider: "custom-oidc",
      providerName: "Keycloak",
      clientType,
      ...auth,
      redirectUris: uris,
    };
    this.registerOutputs({ clientId: this.app.clientId, issuer: this.app.issuer });
  }
}
