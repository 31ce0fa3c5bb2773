/**
 * Kubernetes Jobs across several `pulumi up`s, as the Pulumi engine and pulumi-kubernetes treat
 * them. The mock runtime only records registrations; this model plays them against a state and a
 * cluster, so a test can show what a second update does after a Job failed. Each rule is one the
 * sources state (components/kubernetes.ts `REPLACE_UNREADY` cites them):
 * - create: the provider creates the Job and waits until it is Complete; a Failed Job fails the
 *   create, but the Job exists, so the engine keeps it in the state with an init error;
 * - diff: a new `metadata.name` or a changed `spec` replaces the Job (its pod template cannot
 *   change); other metadata changes update it in place; `ignoreChanges` paths keep their old
 *   values; with `pulumi.com/replaceUnready: "true"` the provider reads the live Job and replaces
 *   it unless it is Complete;
 * - a replacement under the same name, or with `deleteBeforeReplace`, deletes the old Job first;
 * - no diff but an init error: an empty update that waits for the same Job again;
 * - the engine runs a step after the steps of everything it depends on (explicitly or through
 *   its inputs, directly or not), and a failed step stops everything that depends on it.
 * Not modelled: refresh, targets, what happens to anything but Jobs.
 */
import { plain, type RecordedResource } from "./pulumi";

/** How a Job ends once it runs. */
export type JobOutcome = "Complete" | "Failed";

interface JobInputs {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: unknown;
}

interface StateEntry {
  inputs: JobInputs;
  /** The create or update failed after the Job was created: "failed to initialize". */
  initError: boolean;
}

/** What one update did: its steps in order, and the error that stopped it, if any. */
export interface UpdateResult {
  steps: string[];
  error?: string;
}

const REPLACE_UNREADY = "pulumi.com/replaceUnready";

function inputsOf(resource: RecordedResource): JobInputs {
  return {
    metadata: plain(resource.inputs.metadata) as JobInputs["metadata"],
    spec: plain(resource.inputs.spec),
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** For each resource, the URNs it depends on, directly or through others. */
function transitiveDependencies(resources: RecordedResource[]): Map<string, Set<string>> {
  const direct = new Map(resources.map((r) => [r.urn, r.options.dependencies]));
  const all = new Map<string, Set<string>>();
  const visit = (urn: string): Set<string> => {
    const known = all.get(urn);
    if (known) return known;
    const found = new Set<string>();
    all.set(urn, found);
    for (const dependency of direct.get(urn) ?? []) {
      found.add(dependency);
      for (const further of visit(dependency)) found.add(further);
    }
    return found;
  };
  resources.forEach((r) => visit(r.urn));
  return all;
}

/** A stack's Jobs: their state in Pulumi, and the Job objects in the cluster. */
export class JobLifecycle {
  /** By Pulumi resource name. */
  readonly state = new Map<string, StateEntry>();
  /** Live Job objects by name, with how they ended. */
  readonly cluster = new Map<string, JobOutcome>();
  /** Every Job object that started, in order, across updates. */
  readonly runs: string[] = [];

  /**
   * One `pulumi up` with these registrations (the Jobs among them, in registration order).
   * `outcome` decides how each Job that starts in this update ends.
   */
  update(resources: RecordedResource[], outcome: (job: string) => JobOutcome): UpdateResult {
    const steps: string[] = [];
    const upstream = transitiveDependencies(resources);
    const jobs = resources
      .filter((r) => r.type === "kubernetes:batch/v1:Job")
      .sort((a, b) => upstream.get(a.urn)!.size - upstream.get(b.urn)!.size);
    const failed: string[] = [];
    let error: string | undefined;
    for (const job of jobs) {
      if (failed.some((urn) => upstream.get(job.urn)!.has(urn))) continue;
      const failure = this.step(job, outcome, steps);
      if (failure !== undefined) {
        failed.push(job.urn);
        error ??= failure;
      }
    }
    return error === undefined ? { steps } : { steps, error };
  }

  private step(
    job: RecordedResource,
    outcome: (job: string) => JobOutcome,
    steps: string[],
  ): string | undefined {
    const inputs = inputsOf(job);
    const old = this.state.get(job.name);
    if (!old) return this.create(job.name, inputs, outcome, steps);
    for (const path of job.options.ignoreChanges) {
      if (path !== "spec" && path !== "metadata")
        throw new Error(`JobLifecycle models ignoreChanges on spec or metadata only; got ${path}`);
      inputs[path] = old.inputs[path] as never;
    }
    const oldName = old.inputs.metadata.name;
    const unready =
      inputs.metadata.annotations?.[REPLACE_UNREADY] === "true" &&
      this.cluster.get(oldName) !== "Complete";
    const replace =
      inputs.metadata.name !== oldName || !same(inputs.spec, old.inputs.spec) || unready;
    if (replace) {
      const deleteFirst = job.options.deleteBeforeReplace || inputs.metadata.name === oldName;
      if (deleteFirst) {
        this.cluster.delete(oldName);
        steps.push(`delete ${oldName}`);
      }
      const error = this.create(job.name, inputs, outcome, steps);
      if (!deleteFirst && error === undefined) {
        this.cluster.delete(oldName);
        steps.push(`delete ${oldName}`);
      }
      return error;
    }
    if (!same(inputs.metadata, old.inputs.metadata) || old.initError) {
      // An update patches the object and waits for the same Job again.
      steps.push(`update ${oldName}`);
      this.state.set(job.name, { inputs, initError: old.initError });
      return this.await(job.name, oldName);
    }
    return undefined;
  }

  private create(
    resource: string,
    inputs: JobInputs,
    outcome: (job: string) => JobOutcome,
    steps: string[],
  ): string | undefined {
    const name = inputs.metadata.name;
    if (this.cluster.has(name)) throw new Error(`jobs.batch "${name}" already exists`);
    steps.push(`create ${name}`);
    this.runs.push(name);
    this.cluster.set(name, outcome(name));
    this.state.set(resource, { inputs, initError: false });
    return this.await(resource, name);
  }

  private await(resource: string, name: string): string | undefined {
    const entry = this.state.get(resource)!;
    if (this.cluster.get(name) === "Complete") {
      entry.initError = false;
      return undefined;
    }
    entry.initError = true;
    return `Job ${name} failed to fully initialize: [BackoffLimitExceeded] Job has reached the specified backoff limit`;
  }
}
