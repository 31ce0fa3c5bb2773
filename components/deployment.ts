/**
 * Wiring shared by the Docker and Kubernetes targets: it turns the identity app, the keys and the
 * validated settings into the plain inputs of `settings/`, and tells each target which secret
 * output fills which {@link SecretRef}.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedSettings } from "./config";
import type { IdentityApp, IdentityFacts } from "./identity/types";
import type { SigningKeys } from "./keys";
import { KEY_PATHS, type SecretName, type SecurityInput } from "./settings/env";

/** The non-secret facts of an identity app, resolved together. */
export function identityFacts(app: IdentityApp): pulumi.Output<IdentityFacts> {
  return pulumi
    .all([
      app.clientId,
      app.issuer,
      app.discoveryUrl,
      app.jwksUrl,
      app.tenant ?? pulumi.output(undefined),
    ])
    .apply(([clientId, issuer, discoveryUrl, jwksUrl, tenant]) => ({
      clientId,
      issuer,
      discoveryUrl,
      jwksUrl,
      openMetadataProvider: app.openMetadataProvider,
      providerName: app.providerName,
      clientType: app.clientType,
      tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
      pkce: app.pkce,
      redirectUris: app.redirectUris,
      ...(tenant === undefined ? {} : { tenant }),
    }));
}

/** Everything `settings/` needs, as one non-secret output. */
export function securityInput(
  settings: ResolvedSettings,
  app: IdentityApp,
  keys: SigningKeys,
  internalUrl: string,
  behindTlsProxy: boolean,
): pulumi.Output<SecurityInput> {
  return pulumi
    .all([identityFacts(app), keys.keyId, keys.issuer])
    .apply(([identity, keyId, issuer]) => ({
      publicUrl: settings.publicUrl,
      internalUrl,
      identity,
      admins: settings.admins,
      principalDomain: settings.principalDomain,
      enableSelfSignup: settings.openmetadata.enableSelfSignup,
      principalClaims: settings.openmetadata.principalClaims,
      jwt: {
        keyId,
        issuer,
        privateKeyPath: KEY_PATHS.privateKey,
        publicKeyPath: KEY_PATHS.publicKey,
      },
      behindTlsProxy,
    }));
}

/** The secret output behind each {@link SecretRef}. */
export type SecretSources = Record<SecretName, pulumi.Output<string> | undefined>;

/** Secret sources of a deployment: the generated secrets plus the identity app's client secret. */
export function secretSources(keys: SigningKeys, app: IdentityApp): SecretSources {
  return {
    oidcClientSecret: app.clientSecret,
    fernetKey: keys.fernetKey,
    databasePassword: keys.databasePassword,
    searchPassword: keys.searchPassword,
    airflowPassword: keys.airflowPassword,
  };
}

/** Looks up a secret source, failing loudly when settings reference one the target lacks. */
export function secretSource(sources: SecretSources, name: SecretName): pulumi.Output<string> {
  const source = sources[name];
  if (!source)
    throw new Error(
      `The OpenMetadata settings need the secret "${name}", which this deployment does not have.`,
    );
  return pulumi.secret(source);
}

/** Resource options that keep data and keys: `protect` in production, `retainOnDelete` unless opted out. */
export function retention(settings: ResolvedSettings): {
  protect: boolean;
  retainOnDelete: boolean;
} {
  return { protect: settings.protect, retainOnDelete: settings.dataRetention === "retain" };
}
