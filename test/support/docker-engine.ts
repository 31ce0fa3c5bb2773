/**
 * A model of the Pulumi engine and the Docker provider (@pulumi/docker 5.2.0, bridging
 * kreuzwerker/terraform-provider-docker v4.5.0) across several updates of one stack, for the
 * one-shot containers. It keeps what the real ones keep between updates, and nothing they do not:
 *
 * - The engine's state: each resource's last inputs and outputs. A registration whose inputs equal
 *   the stored ones (after `ignoreChanges`, which puts the stored value in place of the program's)
 *   is the same resource with its stored outputs: a one-shot's stored exit code comes back. A
 *   failed update keeps what it created and what it did not reach.
 * - The provider's diff of a container: a change of any input but the few its Update applies in
 *   place (restart policy, resources, `must_run`, `attach`, `logs`, `wait`, health check) is a
 *   replacement (ForceNew in resource_docker_container.go), deleting the old container first
 *   (DeleteBeforeReplace, pulumi-docker provider/resources.go).
 * - The provider's create: with `attach` it runs the container to its end and stores
 *   `exit_code` and, with `logs`, `container_logs`; a non-zero exit does not fail the create.
 *   Here the container's entrypoint and command run for real, in a shell on this machine, with
 *   stub `./bootstrap/openmetadata-ops.sh` and `node` programs whose exit code and output the test
 *   chooses; `HOSTNAME` is the `hostname` input, or a fresh short id as Docker gives.
 * - The Docker daemon: containers by name, each with its log (stdout lines, then stderr lines).
 * - The `docker.getLogs` invoke (data_source_docker_logs.go): the last `tail` lines of the named
 *   container's log, its 8-byte entry headers cut (`discard_headers`); for a name no container has,
 *   the error the engine hands the program ("No such container").
 *
 * Other resource types get the default mock outputs; a change of their inputs counts as an update.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type * as pulumi from "@pulumi/pulumi";
import { currentRecording } from "../../scripts/offline";
import { recordUpdate, type RecordedResource } from "./pulumi";

const CONTAINER = "docker:index/container:Container";
const GET_LOGS = "docker:index/getLogs:getLogs";

/** Container inputs the provider's Update applies in place; a change of any other replaces it. */
const IN_PLACE = new Set([
  "restart",
  "maxRetryCount",
  "mustRun",
  "attach",
  "logs",
  "wait",
  "waitTimeout",
  "healthcheck",
  "memory",
  "memorySwap",
  "cpuShares",
  "cpuSet",
]);

/** What the engine did with one resource in an update. */
export type Step = "create" | "same" | "update" | "replace";

/** What a stub program prints and exits with, chosen per container name. */
export interface Outcome {
  exitCode: number;
  output: string;
}

/** A container in the modelled Docker daemon. */
export interface DaemonContainer {
  hostname: string;
  log: string[];
}

/** What one modelled update did. */
export interface Update {
  /** The errors the update reported. */
  errors: Error[];
  /** Every resource the program registered, as the recording has it. */
  resources: RecordedResource[];
  /** The engine's step for each registered resource, by Pulumi name. */
  steps: Record<string, Step>;
  /** Names of the containers that ran in this update, in order. */
  ran: string[];
  /** The `getLogs` invokes the program made, by container name. */
  logReads: { name: string; tail: unknown; discardHeaders: unknown }[];
}

const STUB = '#!/bin/sh\nprintf "%s\\n" "$STUB_OUTPUT"\nexit "$STUB_EXIT"\n';

/** See the file comment. */
export class DockerEngine {
  /** The engine's state, by `type::name`. */
  readonly state = new Map<
    string,
    { inputs: Record<string, unknown>; outputs: Record<string, unknown> }
  >();
  /** The Docker daemon's containers, by container name. */
  readonly daemon = new Map<string, DaemonContainer>();
  /** While set, every `getLogs` invoke fails with this Docker client error, as with no engine. */
  unreachable: string | undefined;
  private ids = 0;
  private readonly stubs: string;

  /** `outcome` says how the stub programs of the container with that name end. */
  constructor(private readonly outcome: (container: string) => Outcome) {
    this.stubs = fs.mkdtempSync(path.join(os.tmpdir(), "docker-engine-"));
    fs.mkdirSync(path.join(this.stubs, "bootstrap"));
    for (const file of ["bootstrap/openmetadata-ops.sh", "node"])
      fs.writeFileSync(path.join(this.stubs, file), STUB, { mode: 0o755 });
  }

  /**
   * Runs `create` as one update (`preview`: a preview, which changes neither the state nor the
   * daemon and runs nothing).
   */
  async update(create: () => unknown, options: { preview?: boolean } = {}): Promise<Update> {
    const steps: Record<string, Step> = {};
    const ran: string[] = [];
    const logReads: Update["logReads"] = [];
    const preview = options.preview ?? false;
    const { errors, resources } = await recordUpdate(
      (mocks): pulumi.runtime.Mocks => ({
        ...mocks,
        call: async (args) => {
          if (args.token !== GET_LOGS) return mocks.call(args);
          const name = args.inputs.name as string;
          logReads.push({
            name,
            tail: args.inputs.tail,
            discardHeaders: args.inputs.discardHeaders,
          });
          if (this.unreachable !== undefined) {
            throw Object.assign(new Error("invoke failed"), {
              details: `invocation of ${GET_LOGS} returned an error: invoking ${GET_LOGS}: dataSourceDockerLogsRead: error while asking for logs ${this.unreachable}`,
            });
          }
          const container = this.daemon.get(name);
          if (!container) {
            // As the engine reports a failed invoke to the program (the Node SDK rejects with
            // this text, `details` of the gRPC error).
            throw Object.assign(new Error("invoke failed"), {
              details: `invocation of ${GET_LOGS} returned an error: invoking ${GET_LOGS}: dataSourceDockerLogsRead: error while asking for logs Error response from daemon: No such container: ${name}`,
            });
          }
          const tail = Number(args.inputs.tail || 0);
          const lines = tail > 0 ? container.log.slice(-tail) : container.log;
          return { ...args.inputs, id: name, logsListStrings: lines };
        },
        newResource: async (args) => {
          const key = `${args.type}::${args.name}`;
          const recorded = currentRecording()?.findLast(
            (r) => r.type === args.type && r.name === args.name,
          );
          const old = this.state.get(key);
          const inputs = { ...args.inputs };
          for (const property of recorded?.options.ignoreChanges ?? [])
            if (old && property in old.inputs) inputs[property] = old.inputs[property];
          const changed = old
            ? [...new Set([...Object.keys(inputs), ...Object.keys(old.inputs)])].filter(
                (k) => !isDeepStrictEqual(inputs[k], old.inputs[k]),
              )
            : [];
          const step: Step = !old
            ? "create"
            : changed.length === 0
              ? "same"
              : args.type === CONTAINER && changed.some((k) => !IN_PLACE.has(k))
                ? "replace"
                : "update";
          steps[args.name] = step;
          let outputs: Record<string, unknown>;
          if (step === "same") outputs = old!.outputs;
          else if (step === "update") outputs = { ...old!.outputs, ...inputs };
          else {
            const base = (await mocks.newResource({ ...args, inputs })).state as Record<
              string,
              unknown
            >;
            // Computed outputs are unknown in a preview; the mocks leave them out.
            const { exitCode, containerLogs, ...known } = base;
            void exitCode;
            void containerLogs;
            outputs =
              args.type === CONTAINER
                ? preview
                  ? known
                  : { ...base, ...this.run(inputs, step, ran) }
                : base;
          }
          if (!preview) this.state.set(key, { inputs, outputs });
          return { id: `${args.name}-id`, state: outputs };
        },
      }),
      create,
    );
    return { errors, resources, steps, ran, logReads };
  }

  /**
   * `pulumi refresh` of the containers: the provider's Read drops a container no longer in the
   * daemon from the state (resourceDockerContainerRead: `d.SetId("")`), and reads the same exit
   * code back from one that stopped, which the state already holds.
   */
  refresh(): void {
    for (const [key, { inputs }] of this.state)
      if (key.startsWith(`${CONTAINER}::`) && !this.daemon.has(inputs.name as string))
        this.state.delete(key);
  }

  /** Creates a container in the daemon (removing the old one on a replacement) and runs it. */
  private run(inputs: Record<string, unknown>, step: Step, ran: string[]) {
    const name = inputs.name as string;
    if (this.daemon.has(name)) {
      if (step !== "replace")
        throw new Error(`Conflict. The container name "/${name}" is already in use`);
      this.daemon.delete(name);
    }
    const hostname =
      (inputs.hostname as string | undefined) ?? (++this.ids).toString(16).padStart(12, "0");
    if (!inputs.attach) {
      this.daemon.set(name, { hostname, log: [] });
      return { exitCode: 0, containerLogs: "" };
    }
    ran.push(name);
    const { exitCode, output } = this.outcome(name);
    const argv = [
      ...((inputs.entrypoints as string[] | undefined) ?? []),
      ...(inputs.command as string[]),
    ];
    const result = spawnSync(argv[0], argv.slice(1), {
      cwd: this.stubs,
      env: {
        PATH: `${this.stubs}:${process.env.PATH}`,
        HOSTNAME: hostname,
        STUB_EXIT: String(exitCode),
        STUB_OUTPUT: output,
      },
      // No stdin: bash reads ~/.bashrc when its stdin looks like a network connection.
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
    const log = [...lines(result.stdout), ...lines(result.stderr)];
    this.daemon.set(name, { hostname, log });
    return { exitCode: result.status, containerLogs: log.map((line) => `${line}\n`).join("") };
  }
}
