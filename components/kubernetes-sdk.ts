/**
 * The part of `@pulumi/kubernetes` this package uses, each class loaded from its own module.
 *
 * The package's index (4.34.2) loads every API group's index, 118 modules, before the first
 * resource: about a tenth of a Kubernetes stack's render, and as much of its `pulumi up` start.
 * The classes are the same objects the index would give (it loads the same modules lazily), so
 * `k8s.core.v1.Secret` here and in the SDK's own docs are one thing. Add a class here when the
 * Kubernetes target starts to use it.
 */
import { StatefulSetPatch } from "@pulumi/kubernetes/apps/v1/statefulSetPatch";
import { Job, type JobArgs } from "@pulumi/kubernetes/batch/v1/job";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Release } from "@pulumi/kubernetes/helm/v3/release";

export { Provider } from "@pulumi/kubernetes/provider";
export type * as types from "@pulumi/kubernetes/types";
/** The classes as types, for annotations: `k8s.Job`, `k8s.Release`. */
export type { Job, JobArgs, Release };

export const apps = { v1: { StatefulSetPatch } };
export const core = { v1: { ConfigMap, Namespace, Secret } };
export const batch = { v1: { Job } };
export const helm = { v3: { Release } };
