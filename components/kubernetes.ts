// Placeholder until the Kubernetes target lands (issue 6).
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedSettings } from "./config";
import type { IdentityApp } from "./identity/types";
import type { SigningKeys } from "./keys";
import type { ServerEnv } from "./settings";
export interface KubernetesDeploymentArgs {
  settings: ResolvedSettings;
  identity: IdentityApp;
  keys: SigningKeys;
}
export class KubernetesDeployment extends pulumi.ComponentResource {
  public readonly env: pulumi.Output<ServerEnv>;
  constructor(
    name: string,
    args: KubernetesDeploymentArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("openmetadata-sso:index:KubernetesDeployment", name, {}, opts);
    void args;
    throw new Error("TODO(kubernetes helper)");
  }
}
