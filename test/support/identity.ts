import type { IdentityApp } from "../../components/identity/types";
import type { RecordedResource } from "./pulumi";

/** Each registration as "type name <- parent", sorted: registration order is not deterministic. */
export function tree(resources: RecordedResource[]): string[] {
  return resources.map((r) => `${r.type} ${r.name} <- ${r.parent}`).sort();
}

/** Where the identity components' tests serve OpenMetadata. */
export const PUBLIC_URL = "https://openmetadata.example.com";

/** OpenMetadata's callbacks at {@link PUBLIC_URL}: the server's, then the UI's. */
export const CALLBACKS = [`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/auth/callback`];

/**
 * What an identity app tells OpenMetadata in plain values (its outputs and `tenant` are read
 * apart), so a test compares them all with one exact `toEqual`.
 */
export function plainFacts(app: IdentityApp) {
  return {
    openMetadataProvider: app.openMetadataProvider,
    providerName: app.providerName,
    clientType: app.clientType,
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    pkce: app.pkce,
    redirectUris: app.redirectUris,
  };
}
