/**
 * Test harness for component tests under Pulumi's mock runtime. It installs the same recording
 * monitor the offline render uses (deterministic mock outputs, a cached RSA key), so each test can
 * assert exact types, names, inputs and options of every registered resource.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  currentRecording,
  installMocks,
  SecretValue,
  settle,
  type RecordedResource,
} from "../../scripts/offline";

export { SecretValue, type RecordedResource };

let recorded: RecordedResource[] | undefined;

/** Installs the mock runtime once per test file and returns the live list of registrations. */
export function useMocks(options: { project?: string; stack?: string } = {}): RecordedResource[] {
  // Test files may share a worker: reuse the recording only while its mocks are still installed.
  if (recorded && recorded === currentRecording()) return recorded;
  // Component tests run offline unless a test says otherwise: no preflight or discovery request
  // leaves the machine.
  process.env.OPENMETADATA_SSO_OFFLINE = "1";
  recorded = installMocks({
    realKeys: false,
    project: options.project ?? "openmetadata-sso",
    stack: options.stack ?? "test",
  });
  return recorded;
}

/**
 * Runs `create` with an empty recording, waits until every registration completed, and returns
 * what was registered.
 */
export async function record<T>(
  create: () => T,
): Promise<{ resources: RecordedResource[]; result: T }> {
  const resources = useMocks();
  resources.length = 0;
  const result = create();
  await settle();
  return { resources: [...resources], result };
}

/** Outputs to put over what the mock provider returns for one registration, or undefined. */
export type OutputOverride = (resource: {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}) => Record<string, unknown> | undefined;

/** Runs `run` with the installed mock provider changed by `change`, then restores it. */
async function withMocks<T>(
  change: (mocks: pulumi.runtime.Mocks) => pulumi.runtime.Mocks,
  run: () => Promise<T>,
): Promise<T> {
  useMocks();
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): { mocks: pulumi.runtime.Mocks };
  };
  const monitor = settings.getMonitor();
  const mocks = monitor.mocks;
  monitor.mocks = change(mocks);
  try {
    return await run();
  } finally {
    monitor.mocks = mocks;
  }
}

/**
 * Like {@link record}, with some mock provider outputs replaced while `create` registers: for a
 * provider answer the default mocks never give. Every other registration, and every later test,
 * gets the default outputs.
 */
export function recordWithOutputs<T>(
  override: OutputOverride,
  create: () => T,
): Promise<{ resources: RecordedResource[]; result: T }> {
  return withMocks(overriding(override), () => record(create));
}

/** The installed mocks, with `override` put over the outputs of every registration. */
function overriding(
  override: OutputOverride,
): (mocks: pulumi.runtime.Mocks) => pulumi.runtime.Mocks {
  return (mocks) => ({
    ...mocks,
    newResource: async (args) => {
      const result = await mocks.newResource(args);
      // In place: the recording keeps this object as the registration's outputs.
      Object.assign(result.state, override(args));
      return result;
    },
  });
}

/**
 * Like {@link recordWithOutputs}, for a program that fails: returns the errors the Pulumi runtime
 * would report, instead of letting them reach the test runner. A registration whose input fails
 * is never sent, and the runtime reports its error as an unhandled rejection, once per error
 * object however many awaiters it reached (its uncaught handler dedupes by identity; each
 * serialization that meets the error prefixes its message with `error serializing property "x": `).
 */
export function recordFailure<T>(
  override: OutputOverride,
  create: () => T,
): Promise<{ resources: RecordedResource[]; result: T; errors: Error[] }> {
  return recordUpdate(overriding(override), create);
}

/**
 * Like {@link recordFailure}, with the installed mock provider changed by `change` while `create`
 * registers (a model of a provider across updates, say): returns the errors the update reports.
 */
export async function recordUpdate<T>(
  change: (mocks: pulumi.runtime.Mocks) => pulumi.runtime.Mocks,
  create: () => T,
): Promise<{ resources: RecordedResource[]; result: T; errors: Error[] }> {
  const errors: Error[] = [];
  const collect = (reason: unknown) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    if (!errors.includes(error)) errors.push(error);
  };
  process.on("unhandledRejection", collect);
  try {
    const recorded = await withMocks(change, () => record(create));
    // Node reports unhandled rejections between macrotasks: wait until several turns add none.
    for (let quiet = 0, seen = -1; quiet < 10;) {
      await new Promise((resolve) => setImmediate(resolve));
      quiet = errors.length === seen ? quiet + 1 : 0;
      seen = errors.length;
    }
    return { ...recorded, errors };
  } finally {
    process.off("unhandledRejection", collect);
  }
}

/** An error's message without the prefixes the runtime adds on the way to the engine. */
export function reported(error: Error): string {
  return error.message.replace(/^(error serializing property "[^"]*": )+/, "");
}

/** A provider function call (invoke) as the mock provider received it. */
export interface RecordedInvoke {
  token: string;
  inputs: Record<string, unknown>;
}

/** Like {@link record}, and also returns every provider function call `create` made, in order. */
export function recordWithInvokes<T>(
  create: () => T,
): Promise<{ resources: RecordedResource[]; result: T; invokes: RecordedInvoke[] }> {
  const invokes: RecordedInvoke[] = [];
  return withMocks(
    (mocks) => ({
      ...mocks,
      call: (args) => {
        invokes.push({ token: args.token, inputs: args.inputs });
        return mocks.call(args);
      },
    }),
    async () => ({ ...(await record(create)), invokes }),
  );
}

/**
 * How an output settles: its value, or the error it fails with (which {@link valueOf} would wait
 * for forever).
 */
export function outcome<T>(output: pulumi.Output<T>): Promise<T> {
  // Output.promise, isKnown and isSecret are internal to the SDK; the engine awaits all three when
  // it serializes an input. A failed output rejects each of them: handle the two not returned, as
  // the engine would, so that they do not surface as unhandled rejections.
  const internal = output as unknown as {
    promise(): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  internal.isKnown.catch(() => undefined);
  internal.isSecret.catch(() => undefined);
  return internal.promise();
}

/**
 * Sets stack config keys on top of the current config, secret keys kept, and returns a function
 * that puts back exactly the config there was. Test files share workers and the runtime's config,
 * so a file that sets config restores it when it is done.
 */
export function overlayConfig(values: Record<string, string>): () => void {
  // The runtime keeps config as JSON text under these two keys of its store.
  const { config } = (
    require("@pulumi/pulumi/runtime/state") as {
      getStore(): { config: Record<string, string | undefined> };
    }
  ).getStore();
  const saved = {
    PULUMI_CONFIG: config.PULUMI_CONFIG,
    PULUMI_CONFIG_SECRET_KEYS: config.PULUMI_CONFIG_SECRET_KEYS,
  };
  const secretKeys = JSON.parse(saved.PULUMI_CONFIG_SECRET_KEYS || "[]") as string[];
  pulumi.runtime.setAllConfig({ ...pulumi.runtime.allConfig(), ...values }, secretKeys);
  return () => Object.assign(config, saved);
}

/** The value of an output. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Whether an output is a secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** The one resource of a type with a name; fails when there is not exactly one. */
export function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}; registered: ${resources.map((r) => `${r.type} ${r.name}`).join(", ")}`,
    );
  }
  return found[0];
}

/** Unwraps {@link SecretValue}s, for comparing inputs by value. */
export function plain(value: unknown): unknown {
  if (value instanceof SecretValue) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
