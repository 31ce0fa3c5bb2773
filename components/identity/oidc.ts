import * as pulumi from "@pulumi/pulumi";
import { discoveredJwksUri } from "../checks/discovery";
import type { ClientType, OidcArgs, TokenEndpointAuthMethod } from "../types";
import { discoveryUrlOf, logoutRedirectUris, redirectUris } from "../urls";
import type { IdentityAppArgs } from "./common";
import type { ClientMetadata } from "./registration-api";
import { childOptions, clientAuth, CLIENT_PROTOCOL, type IdentityApp } from "./types";

/** What is registered through RFC 7591 for OpenMetadata, derived from `publicUrl`. */
export function registrationMetadata(input: {
  appName: string;
  publicUrl: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}): ClientMetadata {
  return {
    client_name: input.appName,
    application_type: "web",
    redirect_uris: redirectUris(input.publicUrl),
    post_logout_redirect_uris: logoutRedirectUris(input.publicUrl),
    grant_types: [...CLIENT_PROTOCOL.grantTypes],
    response_types: [...CLIENT_PROTOCOL.responseTypes],
    token_endpoint_auth_method: input.tokenEndpointAuthMethod,
  };
}

/** Problems with the arguments of an existing client, each naming the argument and the fix. */
export function existingClientProblems(args: {
  clientId?: string;
  clientSecret?: pulumi.Input<string>;
  clientType: ClientType;
}): string[] {
  const problems: string[] = [];
  if (args.clientId === undefined || args.clientId === "") {
    problems.push(
      `args.clientId is required for an existing client; got ${JSON.stringify(args.clientId)}. Set it to the client id registered at the provider, or set args.registration to true`,
    );
  }
  if (args.clientType === "confidential" && args.clientSecret === undefined) {
    problems.push(
      "args.clientSecret is required for an existing confidential client; got undefined. Pass the client's secret as a secret Input",
    );
  }
  return problems;
}

/** Arguments of {@link OidcClient}. */
export interface OidcClientArgs extends IdentityAppArgs, OidcArgs {
  /**
   * CA certificates (PEM, one each) trusted besides Node's own roots when the provider's discovery
   * document is read: `trustedCaCertificates`, for a provider behind a private CA.
   * @default - Node's roots only
   */
  trustedCaCertificates?: string[];
}

/**
 * OpenMetadata's client at any OpenID provider: an existing client (issuer, client id and, for a
 * confidential client, its secret), or one this component registers at the provider's
 * `registration_endpoint` (RFC 7591) and deletes with the stack (RFC 7592).
 *
 * The JWKS URL always comes from the provider's discovery document, read at deploy time, never
 * from user input.
 */
export class OidcClient extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;

  constructor(name: string, args: OidcClientArgs, opts?: pulumi.ComponentResourceOptions) {
    const clientType = args.clientType ?? "confidential";
    if (!args.registration) {
      const problems = existingClientProblems({ ...args, clientType });
      if (problems.length > 0) throw new Error(problems.join("\n"));
    }
    super("openmetadata-sso:index:OidcClient", name, {}, opts);
    // Nothing at the provider is created before `after` exists.
    const child = childOptions(this, args.after);
    const auth = clientAuth(clientType, args.tokenEndpointAuthMethod ?? "client_secret_post");
    const uris = redirectUris(args.publicUrl);
    const discoveryUrl = args.discoveryUrl ?? discoveryUrlOf(args.issuer);

    let clientId: pulumi.Output<string>;
    let clientSecret: pulumi.Output<string> | undefined;
    if (args.registration) {
      // Loaded only by stacks that register: the dynamic provider costs closure serialization.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RegisteredClient } = require("./registration") as typeof import("./registration");
      const registered = new RegisteredClient(
        `${name}-registration`,
        {
          discoveryUrl,
          initialAccessToken: args.initialAccessToken,
          metadata: registrationMetadata({
            appName: args.appName,
            publicUrl: args.publicUrl,
            tokenEndpointAuthMethod: auth.tokenEndpointAuthMethod,
          }),
        },
        child,
      );
      clientId = registered.clientId;
      clientSecret = clientType === "public" ? undefined : pulumi.secret(registered.clientSecret);
    } else {
      clientId = pulumi.output(args.clientId!);
      clientSecret =
        clientType === "public" ? undefined : pulumi.secret(pulumi.output(args.clientSecret!));
    }

    this.app = {
      clientId,
      clientSecret,
      issuer: pulumi.output(args.issuer),
      discoveryUrl: pulumi.output(discoveryUrl),
      jwksUrl: discoveredJwksUri(
        discoveryUrl,
        args.trustedCaCertificates === undefined ? {} : { ca: args.trustedCaCertificates },
      ),
      openMetadataProvider: "custom-oidc",
      providerName: args.providerName ?? "SSO",
      clientType,
      ...auth,
      redirectUris: uris,
    };
    this.registerOutputs({ clientId, issuer: this.app.issuer });
  }
}
