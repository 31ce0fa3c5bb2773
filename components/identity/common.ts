import * as pulumi from "@pulumi/pulumi";
import type { ClientType } from "../types";

/**
 * `value`, carrying `resources` as dependencies: whatever takes it as an input waits until they
 * exist. Their URNs are known in preview, so the value stays as known as it was.
 */
export function readyAfter<T>(
  value: pulumi.Output<T>,
  resources: readonly pulumi.CustomResource[],
): pulumi.Output<T> {
  if (resources.length === 0) return value;
  const urns: pulumi.Output<unknown>[] = resources.map((resource) => resource.urn);
  return pulumi.all([value as pulumi.Output<unknown>, ...urns]).apply(([v]) => v as T);
}

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
  /**
   * Resources that must exist before anything is created at the identity provider: every resource
   * the component creates depends on them. The Kubernetes target passes its namespace and data
   * marker, so an update refused for data kept by an earlier destroy creates nothing there.
   * @default - none
   */
  after?: readonly pulumi.Resource[];
}
