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
