import * as pulumi from "@pulumi/pulumi";
import type { OneLoginArgs } from "../types";
import { loginUrl, logoutRedirectUris, redirectUris } from "../urls";
import type { IdentityAppArgs } from "./common";
import { dynamicType, providerSource } from "./dynamic";
import * as api from "./onelogin-api";
import { childOptions, clientAuth, type IdentityApp } from "./types";

/**
 * The OneLogin API behind a Pulumi dynamic provider. Each method is a thin call into
 * `onelogin-api.ts`, so the closure Pulumi serializes into the state stays small.
 */
export const oneLoginProvider: pulumi.dynamic.ResourceProvider<
  api.OneLoginAppInputs,
  api.OneLoginAppOutputs
> = {
  diff: async (_id, olds, news) => api.oneLoginDiff(olds, news),
  create: async (inputs) => api.createApp(inputs),
  read: async (id, props) => api.readApp(id, props!),
  update: async (id, olds, news) => api.updateApp(id, olds, news),
  delete: async (id, props) => api.deleteApp(id, props),
};

/** Inputs of {@link OneLoginOidcApp}: those of the API, each an Input. */
export type OneLoginOidcAppArgs = {
  [K in keyof api.OneLoginAppInputs]: pulumi.Input<api.OneLoginAppInputs[K]>;
};

/**
 * An OIDC app in a OneLogin account, created through the OneLogin API v2. Its token is
 * `pulumi-nodejs:dynamic/openmetadata-sso:OneLoginOidcApp`. The client secret exists only in the
 * answer to the create call, so it is kept in the state, as a secret.
 */
export class OneLoginOidcApp extends pulumi.CustomResource {
  /** OneLogin's app id. */
  declare public readonly appId: pulumi.Output<number>;
  /** OAuth client id. */
  declare public readonly clientId: pulumi.Output<string>;
  /** OAuth client secret (secret); empty for a public client. */
  declare public readonly clientSecret: pulumi.Output<string>;

  constructor(name: string, args: OneLoginOidcAppArgs, opts?: pulumi.CustomResourceOptions) {
    // What `pulumi.dynamic.Resource` registers, with the provider serialized at build time.
    super(
      dynamicType("OneLoginOidcApp"),
      name,
      {
        ...args,
        __provider: providerSource({ name: "onelogin", provider: oneLoginProvider }),
        appId: undefined,
        clientId: undefined,
        clientSecret: undefined,
      },
      { ...opts, additionalSecretOutputs: ["clientSecret", "apiClientSecret", "subdomain"] },
    );
  }
}

/** Arguments of {@link OneLoginApp}. */
export interface OneLoginAppArgs extends IdentityAppArgs, OneLoginArgs {
  /**
   * Base URL of the OneLogin API, for tests against a local server.
   * @default - `https://<subdomain>.onelogin.com`
   */
  apiBaseUrl?: string;
  /**
   * Connector the app is made from.
   * @default 108419 (OneLogin's generic "OpenId Connect (OIDC)" connector)
   */
  connectorId?: number;
  /**
   * OneLogin role ids whose users may use the app (the whole list is set). Without it, access is
   * granted in OneLogin and left alone here.
   * @default - roles are not managed
   */
  roleIds?: number[];
}

/**
 * A dedicated OpenMetadata app in OneLogin, through this package's dynamic provider on the
 * OneLogin API v2 (no Pulumi provider for OneLogin exists). The API credentials and the
 * subdomain are secret inputs; the issuer derived from the subdomain is public by nature.
 */
export class OneLoginApp extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;

  constructor(name: string, args: OneLoginAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:OneLoginApp", name, {}, opts);
    // Nothing at the provider is created before `after` exists.
    const child = childOptions(this, args.after);
    const clientType = args.clientType ?? "confidential";
    const auth = clientAuth(clientType);
    const uris = redirectUris(args.publicUrl);

    const oidcApp = new OneLoginOidcApp(
      `${name}-app`,
      {
        subdomain: pulumi.secret(args.subdomain),
        apiClientId: pulumi.secret(args.apiClientId),
        apiClientSecret: pulumi.secret(args.apiClientSecret),
        apiBaseUrl: args.apiBaseUrl,
        connectorId: args.connectorId ?? api.OIDC_CONNECTOR_ID,
        name: args.appName,
        redirectUris: uris,
        logoutRedirectUris: logoutRedirectUris(args.publicUrl),
        loginUrl: loginUrl(args.publicUrl),
        tokenEndpointAuthMethod: auth.tokenEndpointAuthMethod,
        roleIds: args.roleIds,
      },
      child,
    );

    // The subdomain stays a secret input, but the issuer is no secret: every user's browser is
    // sent to it, and OpenMetadata serves it unauthenticated at /api/v1/system/config/auth. As a
    // secret it would also make OpenMetadata's whole environment secret and unreadable in diffs.
    const issuer = pulumi.unsecret(pulumi.output(args.subdomain).apply(api.oneLoginIssuer));
    this.app = {
      clientId: oidcApp.clientId,
      clientSecret: clientType === "public" ? undefined : pulumi.secret(oidcApp.clientSecret),
      issuer,
      discoveryUrl: pulumi.interpolate`${issuer}/.well-known/openid-configuration`,
      jwksUrl: pulumi.interpolate`${issuer}/certs`,
      openMetadataProvider: "custom-oidc",
      providerName: "OneLogin",
      clientType,
      ...auth,
      redirectUris: uris,
    };
    this.registerOutputs({ clientId: this.app.clientId, issuer });
  }
}
