/**
 * Test harness: runs the pack's policies the way the engine does.
 *
 * Resources go through `@pulumi/policy`'s own `Analyze` and `Remediate` handlers, fed with the
 * same protobuf requests the engine sends: inputs with secrets in their wire form, unknowns as the
 * engine's unknown sentinel, the `protect` option and the parent. So the policies see exactly
 * what they see under `pulumi preview --policy-pack policy`: secrets as plain values in
 * validations, secrets behind a proxy in remediations, and violation messages as the engine
 * prints them (the policy's description, a newline, the message). The handlers are internal to
 * `@pulumi/policy`; the package is pinned (1.21.0) in package.json.
 *
 * Resources are analyzed in the order given, the engine's registration order, which the pack's
 * component ownership relies on; each one is remediated before it is validated, as the engine
 * does (pulumi/pulumi `step_generator.go`: "first we perform remediations, and *then* we do
 * analysis"), which `client-secret-from-secret` relies on.
 */
import type { Policies } from "@pulumi/policy";
import * as policyServer from "@pulumi/policy/server";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { SecretValue, UNKNOWN_VALUE, type RecordedResource } from "../scripts/offline";
import { ownership } from "./ownership";
import { plaintext } from "./plaintext";
import { PACK_NAME } from "./policies";

/** A resource as the engine hands it to a policy pack. */
export interface PolicyInput {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent, as current engines send it; absent on older engines. */
  parent?: string;
  /** Inputs; {@link SecretValue}s are secrets and {@link UNKNOWN_VALUE} is unknown. */
  inputs: Record<string, unknown>;
  protect: boolean;
}

/** One violation, as `pulumi preview` reports it. */
export interface Violation {
  policy: string;
  level: "advisory" | "mandatory" | "remediate" | "disabled";
  /** Name of the resource it is about. */
  resource: string;
  /** The policy's description, a newline, and the violation's message. */
  message: string;
}

/** One remediation: the resource's new inputs, in wire form (secrets keep their signature). */
export interface Remediation {
  policy: string;
  resource: string;
  inputs: Record<string, unknown> | undefined;
  diagnostic: string;
}

type RpcFunction = (
  call: { request: analyzerproto.AnalyzeRequest },
  callback: (error: unknown, response?: unknown) => void,
) => void;

interface PolicyServer {
  makeAnalyzeRpcFun(
    packName: string,
    version: string,
    enforcementLevel: string,
    policies: Policies,
  ): RpcFunction;
  makeRemediateRpcFun(
    packName: string,
    version: string,
    enforcementLevel: string,
    policies: Policies,
  ): RpcFunction;
}

const server = policyServer as unknown as PolicyServer;

/** Signature keys of the wire format (`@pulumi/pulumi/runtime/rpc`). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value unknown during preview. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const LEVELS: Record<number, Violation["level"]> = {
  [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
};

/** Inputs in the engine's wire form. */
export function toWire(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN_SENTINEL;
  if (value instanceof SecretValue) return { [SIG]: SECRET_SIG, value: toWire(value.value) };
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toWire(item)]),
    );
  }
  return value;
}

function request(resource: PolicyInput): analyzerproto.AnalyzeRequest {
  const options = new analyzerproto.AnalyzerResourceOptions();
  options.setProtect(resource.protect);
  if (resource.parent) options.setParent(resource.parent);
  const req = new analyzerproto.AnalyzeRequest();
  req.setType(resource.type);
  req.setName(resource.name);
  req.setUrn(resource.urn);
  req.setProperties(
    structproto.Struct.fromJavaScript(
      toWire(resource.inputs) as Record<string, structproto.JavaScriptValue>,
    ),
  );
  req.setOptions(options);
  return req;
}

function invoke<T>(rpc: RpcFunction, req: analyzerproto.AnalyzeRequest): Promise<T> {
  return new Promise((resolve, reject) =>
    rpc({ request: req }, (error, response) => (error ? reject(error) : resolve(response as T))),
  );
}

/**
 * Analyzes each resource with every policy, in order, starting from an empty memory, and returns
 * the violations. As the engine does, each resource first goes through the remediations, and the
 * validations then see the remediated inputs.
 */
export async function analyze(
  policies: Policies,
  resources: readonly PolicyInput[],
): Promise<Violation[]> {
  ownership.reset();
  plaintext.reset();
  const remediateRpc = server.makeRemediateRpcFun(PACK_NAME, "0.1.0", "advisory", policies);
  const rpc = server.makeAnalyzeRpcFun(PACK_NAME, "0.1.0", "advisory", policies);
  const violations: Violation[] = [];
  for (const resource of resources) {
    const req = request(resource);
    const remediated = await invoke<analyzerproto.RemediateResponse>(remediateRpc, req);
    for (const remediation of remediated.getRemediationsList()) {
      const properties = remediation.getProperties();
      if (properties !== undefined) req.setProperties(properties);
    }
    const response = await invoke<analyzerproto.AnalyzeResponse>(rpc, req);
    for (const diagnostic of response.getDiagnosticsList()) {
      violations.push({
        policy: diagnostic.getPolicyname(),
        level: LEVELS[diagnostic.getEnforcementlevel()],
        resource: resource.name,
        message: diagnostic.getMessage(),
      });
    }
  }
  return violations;
}

/** Runs the remediations over each resource, in order, and returns what they changed. */
export async function remediate(
  policies: Policies,
  resources: readonly PolicyInput[],
): Promise<Remediation[]> {
  ownership.reset();
  plaintext.reset();
  const rpc = server.makeRemediateRpcFun(PACK_NAME, "0.1.0", "advisory", policies);
  const remediations: Remediation[] = [];
  for (const resource of resources) {
    const response = await invoke<analyzerproto.RemediateResponse>(rpc, request(resource));
    for (const remediation of response.getRemediationsList()) {
      remediations.push({
        policy: remediation.getPolicyname(),
        resource: resource.name,
        inputs: remediation.getProperties()?.toJavaScript(),
        diagnostic: remediation.getDiagnostic(),
      });
    }
  }
  return remediations;
}

/**
 * Recorded registrations (`test/support/pulumi.ts` `record()`) as the engine would hand them to
 * the pack: the parent's URN, the `protect` option, the inputs with their secrets.
 */
export function fromRecorded(recorded: readonly RecordedResource[]): PolicyInput[] {
  const urnOf = new Map<string, string>();
  for (const resource of recorded) {
    if (!resource.custom && !urnOf.has(resource.name)) urnOf.set(resource.name, resource.urn);
  }
  return recorded.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    parent: resource.parent === null ? undefined : urnOf.get(resource.parent),
    inputs: resource.inputs,
    protect: resource.options.protect,
  }));
}

/** A secret value, in the recorder's form. */
export function secret(value: unknown): SecretValue {
  return new SecretValue(value);
}

/** The wire form of a secret, as a remediation answers with it. */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [SIG]: SECRET_SIG, value };
}

/** A URN the way the engine builds it: parents' types joined by `$`, then the name. */
export function urnOf(types: readonly string[], name: string, stack = "test"): string {
  return `urn:pulumi:${stack}::openmetadata-sso::${types.join("$")}::${name}`;
}
