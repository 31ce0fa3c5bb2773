import * as pulumi from "@pulumi/pulumi";
import { dynamicType, providerSource } from "./dynamic";
import * as api from "./registration-api";

/**
 * RFC 7591 / RFC 7592 behind a Pulumi dynamic provider. Each method is a thin call into
 * `registration-api.ts`, so the closure Pulumi serializes into the state stays small.
 */
export const registrationProvider: pulumi.dynamic.ResourceProvider<
  api.RegistrationInputs,
  api.RegistrationOutputs
> = {
  diff: async (_id, olds, news) => api.registrationDiff(olds, news),
  create: async (inputs) => api.registerClient(inputs),
  read: async (id, props) => api.readClient(id, props!),
  update: async (_id, olds, news) => api.updateClient(olds, news),
  delete: async (_id, props) => api.deleteClient(props),
};

/** Inputs of {@link RegisteredClient}. */
export interface RegisteredClientArgs {
  /**
   * Discovery document that names the `registration_endpoint`.
   * @default - required
   */
  discoveryUrl: pulumi.Input<string>;
  /**
   * RFC 7591 initial access token (made a secret), for providers that do not allow open
   * registration.
   * @default - none: open registration
   */
  initialAccessToken?: pulumi.Input<string>;
  /**
   * Client metadata, in RFC 7591 names.
   * @default - required
   */
  metadata: pulumi.Input<api.ClientMetadata>;
}

/**
 * An OAuth client registered at an OpenID provider's `registration_endpoint` (RFC 7591), and
 * deleted through its client configuration endpoint (RFC 7592) when the provider offers one. Its
 * token is `pulumi-nodejs:dynamic/openmetadata-sso:RegisteredClient`. The client secret, the
 * configuration endpoint and the registration access token are kept in the state as secrets.
 */
export class RegisteredClient extends pulumi.CustomResource {
  /** Client id the provider assigned. */
  declare public readonly clientId: pulumi.Output<string>;
  /** Client secret (secret); empty for a client without one. */
  declare public readonly clientSecret: pulumi.Output<string>;
  /** RFC 7592 client configuration endpoint (secret). */
  declare public readonly registrationClientUri: pulumi.Output<string>;
  /** RFC 7592 registration access token (secret). */
  declare public readonly registrationAccessToken: pulumi.Output<string>;

  constructor(name: string, args: RegisteredClientArgs, opts?: pulumi.CustomResourceOptions) {
    // What `pulumi.dynamic.Resource` registers, with the provider serialized at build time.
    super(
      dynamicType("RegisteredClient"),
      name,
      {
        __provider: providerSource({ name: "registration", provider: registrationProvider }),
        discoveryUrl: args.discoveryUrl,
        initialAccessToken:
          args.initialAccessToken === undefined
            ? undefined
            : pulumi.secret(args.initialAccessToken),
        metadata: args.metadata,
        registrationEndpoint: undefined,
        clientId: undefined,
        clientSecret: undefined,
        registrationClientUri: undefined,
        registrationAccessToken: undefined,
        clientSecretExpiresAt: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [
          "clientSecret",
          "registrationClientUri",
          "registrationAccessToken",
          "initialAccessToken",
        ],
      },
    );
  }
}
