import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { Auth0Args, ClientType } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import { readyAfter, type IdentityAppArgs } from "./common";
import { childOptions, clientAuth, CLIENT_PROTOCOL, type IdentityApp } from "./types";

/** The URLs of an Auth0 tenant, derived from its domain. */
export function auth0Urls(domain: string): {
  issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
} {
  // Auth0 states its issuer with a trailing slash, and tokens carry it that way.
  const issuer = `https://${domain}/`;
  return {
    issuer,
    discoveryUrl: `${issuer}.well-known/openid-configuration`,
    jwksUrl: `${issuer}.well-known/jwks.json`,
  };
}

/**
 * The refresh token policy of a client type. Auth0 returns a refresh token to a browser only when
 * rotation is on, and OpenMetadata's Auth0 UI asks for refresh tokens, so a public client rotates
 * them (Auth0's default lifetimes: 30 days absolute, 15 days idle). A confidential client keeps
 * Auth0's default policy.
 */
export function auth0RefreshToken(
  clientType: ClientType,
): auth0.types.input.ClientRefreshToken | undefined {
  return clientType === "public"
    ? {
        rotationType: "rotating",
        expirationType: "expiring",
        leeway: 0,
        tokenLifetime: 2_592_000,
        infiniteTokenLifetime: false,
        idleTokenLifetime: 1_296_000,
        infiniteIdleTokenLifetime: false,
      }
    : undefined;
}

/**
 * A confidential client's secret as Auth0 returned it, as a Pulumi secret that fails when it is
 * empty. Auth0 leaves `ClientCredentials.clientSecret` empty unless the management API application
 * the provider signs in with may read client keys, and OpenMetadata would then fail every login.
 * The check runs once the value is known, so a preview, where it is unknown, never fails on it.
 */
export function requireClientSecret(
  secret: pulumi.Output<string>,
  clientName: string,
): pulumi.Output<string> {
  return pulumi.secret(secret).apply((value) => {
    if (value !== "") return value;
    throw new pulumi.RunError(
      `Auth0 returned an empty client secret for "${clientName}": the Auth0 Management API application that Pulumi signs in with (auth0:clientId) lacks the read:client_keys scope. Grant it in the Auth0 dashboard under Applications > APIs > Auth0 Management API > Machine To Machine Applications (or issue auth0:apiToken with that scope), then run pulumi up again.`,
    );
  });
}

/** Arguments of {@link Auth0App}. */
export interface Auth0AppArgs extends IdentityAppArgs, Auth0Args {}

/**
 * A dedicated OpenMetadata application at Auth0: a `regular_web` application for a confidential
 * client or a `spa` for a public one, authorization code flow only, ID tokens signed with RS256.
 * How the client authenticates at the token endpoint is set by `auth0.ClientCredentials`, which
 * also holds the secret. Each named connection is enabled for this client only.
 */
export class Auth0App extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;

  constructor(name: string, args: Auth0AppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:Auth0App", name, {}, opts);
    // Nothing at the provider is created before `after` exists.
    const child = childOptions(this, args.after);
    const clientType = args.clientType ?? "confidential";
    const auth = clientAuth(clientType);
    const uris = redirectUris(args.publicUrl);

    const client = new auth0.Client(
      `${name}-client`,
      {
        name: args.appName,
        appType: clientType === "public" ? "spa" : "regular_web",
        oidcConformant: true,
        grantTypes: [...CLIENT_PROTOCOL.grantTypes],
        callbacks: uris,
        allowedLogoutUrls: logoutRedirectUris(args.publicUrl),
        webOrigins: [args.publicUrl],
        jwtConfiguration: { alg: "RS256" },
        refreshToken: auth0RefreshToken(clientType),
      },
      child,
    );
    const credentials = new auth0.ClientCredentials(
      `${name}-credentials`,
      { clientId: client.clientId, authenticationMethod: auth.tokenEndpointAuthMethod },
      { ...child, additionalSecretOutputs: ["clientSecret"] },
    );
    const links = (args.connections ?? []).map((connection) => {
      const found = auth0.getConnectionOutput(
        { name: connection, skipEnabledClients: true },
        { parent: this },
      );
      return new auth0.ConnectionClient(
        `${name}-connection-${connection}`,
        { connectionId: found.id, clientId: client.clientId },
        child,
      );
    });

    const urls = auth0Urls(args.domain);
    this.app = {
      // Users sign in through the connections: whatever uses the client id waits for them.
      clientId: readyAfter(client.clientId, links),
      clientSecret:
        clientType === "public"
          ? undefined
          : requireClientSecret(credentials.clientSecret, args.appName),
      issuer: pulumi.output(urls.issuer),
      discoveryUrl: pulumi.output(urls.discoveryUrl),
      jwksUrl: pulumi.output(urls.jwksUrl),
      openMetadataProvider: "auth0",
      providerName: "Auth0",
      clientType,
      ...auth,
      redirectUris: uris,
    };
    this.registerOutputs({ clientId: this.app.clientId, issuer: this.app.issuer });
  }
}
