import type { ClientType } from "../types";

/** Arguments every identity provider component takes. */
export interface IdentityAppArgs {
  /**
   * Browser-facing origin of OpenMetadata; the redirect URIs derive from it.
   * @default - required
   */
  publicUrl: string;
  /**
   * Confidential (server-side flow with a secret) or public (browser flow with PKCE).
   * @default "confidential"
   */
  clientType?: ClientType;
  /**
   * Display name of the application at the identity provider.
   * @default - required
   */
  appName: string;
}
