/**
 * Objects an earlier `pulumi destroy` kept (`dataRetention: retain`) and the stack's state no longer
 * holds: what the Kubernetes target tells the user when it meets one, and how it recognises it.
 *
 * Provider facts this rests on:
 * - Since @pulumi/kubernetes 4.29 a create is a client-side create, which the API server refuses
 *   with AlreadyExists for an object that exists (CHANGELOG 4.29.0, #2926; provider/pkg/await
 *   await.go, whose message reads `... already exists`); 4.34.2, which we pin, keeps it
 *   (`upsertExistingObjects` defaults to false, provider.d.ts).
 * - A Helm release whose name is still in use cannot be installed again (Helm's install action:
 *   "cannot re-use a name that is still in use"), and pulumi-kubernetes installs a
 *   `helm.sh/v3:Release` with that action (provider/pkg/provider/helm_release.go, helmCreate).
 * - An `onError` hook runs in the program when a create fails, gets the errors newest first, and
 *   returning false fails the update with the latest error (Pulumi blog "New in Pulumi IaC:
 *   `onError` Resource Hook", 2026-02; Node SDK 3.219.0 and later, we pin 3.270.0).
 */
import * as pulumi from "@pulumi/pulumi";

/** How the API server and Helm say that a create found its object already there. */
const COLLISION = /already exists|cannot re-use a name that is still in use/;

/** Whether the newest error of a failed create says its object already exists. */
export function isRetainedCollision(failedOperation: string, errors: string[]): boolean {
  return failedOperation === "create" && COLLISION.test(errors[0] ?? "");
}

/** The names a refusal needs. */
export interface RetainedDataFacts {
  /** The object that already exists: `Namespace om`, `ConfigMap om/om-data-marker`, … */
  found: string;
  namespace: string;
  createNamespace: boolean;
  /** The dependencies chart holds the database, so its volumes hold the data. */
  chartDependencies: boolean;
  markerConfigMap: string;
  privateKeySecret: string;
  dependenciesRelease: string;
  /** The claims the dependencies' StatefulSets made, which outlive the release. */
  dependencyClaims: readonly string[];
}

/** The refusal, with the exact steps of both ways out. */
export function retainedDataRefusal(facts: RetainedDataFacts): string {
  const ns = facts.namespace;
  const startOver = facts.createNamespace
    ? [`  kubectl delete namespace ${ns}`]
    : [
        ...(facts.chartDependencies
          ? [`  helm uninstall ${facts.dependenciesRelease} -n ${ns}`]
          : []),
        `  kubectl delete configmap -n ${ns} ${facts.markerConfigMap}`,
        `  kubectl delete secret -n ${ns} ${facts.privateKeySecret}`,
        // The uninstall deletes Airflow's claims, which are objects of the release; the claims of
        // the StatefulSets stay with their Retain policy (components/kubernetes.ts,
        // DEPENDENCY_CLAIMS and volumeClaimRetention).
        ...(facts.chartDependencies
          ? [`  kubectl delete pvc -n ${ns} ${facts.dependencyClaims.join(" ")}`]
          : []),
      ];
  return [
    `${facts.found} already exists: an earlier pulumi destroy kept it with the data (dataRetention: retain), and this stack's state no longer holds it, nor the passwords and signing key that data was made with. The update stopped before creating anything in the cluster or at the identity provider. Either:`,
    "1. Keep the data: give the stack back its state from before the destroy, then update.",
    "  pulumi stack history                 # the version of the last update before the destroy",
    "  pulumi stack export --version <version> --file before-destroy.json",
    "  pulumi stack import --file before-destroy.json   # replaces what this update recorded, which exists nowhere else",
    "  pulumi refresh --yes                 # forgets what the destroy deleted",
    "  pulumi up",
    `2. Start over without the data (this deletes it for good${facts.createNamespace ? `: the namespace and everything in it, volumes included` : ""}), then update:`,
    ...startOver,
    ...(facts.chartDependencies
      ? []
      : [
          "  pulumi config set --path openmetadata-sso:keys.rotation <new label>   # the bot tokens in your database were signed with the deleted key",
        ]),
    "  pulumi up",
  ].join("\n");
}

/**
 * Tells the user what to do when a create finds an object kept by an earlier destroy; binds nothing
 * where the Pulumi CLI has no error hooks (it would refuse the registration).
 */
export function retainedDataHook(
  name: string,
  facts: Omit<RetainedDataFacts, "found">,
  found: string,
  resource: () => pulumi.Resource | undefined,
): pulumi.ResourceHookBinding {
  if (!errorHooksSupported()) return {};
  const hook = new pulumi.ErrorHook(name, (args) => {
    if (isRetainedCollision(args.failedOperation, args.errors)) {
      pulumi.log.error(retainedDataRefusal({ ...facts, found }), resource());
    }
    return false;
  });
  return { onError: [hook] };
}

/**
 * Whether the engine runs error hooks. @pulumi/pulumi 3.270.0 reads the engine's features before
 * the program starts (runtime/settings.js awaitFeatureSupport) and refuses an ErrorHook otherwise
 * (runtime/resource.js registerErrorHook); the flag is internal, so it is read defensively.
 */
function errorHooksSupported(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's runtime state, not exported
  const state = require("@pulumi/pulumi/runtime/state") as {
    getStore(): { supportsErrorHooks?: boolean };
  };
  return state.getStore().supportsErrorHooks === true;
}
