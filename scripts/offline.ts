/**
 * The offline runtime: Pulumi's mock monitor with a recorder, mock provider outputs, and a stack
 * file loader. The render, the benchmark and the tests all evaluate the real program through it,
 * with no Pulumi CLI, no credentials and no network.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  derivedBytes,
  derivedPassword,
  derivedRsaKeyPair,
  derivedUuid,
  seedOf,
} from "./render-values";

/** A secret input as the recorder saw it. */
export class SecretValue {
  constructor(readonly value: unknown) {}
}

/** One registration, with the options the engine would have received. */
export interface RecordedResource {
  type: string;
  name: string;
  /** Name of the parent resource, or null at the top. */
  parent: string | null;
  urn: string;
  custom: boolean;
  /** Resolved inputs; secret values are {@link SecretValue}s. */
  inputs: Record<string, unknown>;
  /** What the mock provider returned (inputs plus outputs), once registration completed. */
  outputs?: Record<string, unknown>;
  options: {
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    replacementTrigger: unknown;
    deleteBeforeReplace: boolean;
    /** URNs of every resource this one depends on, explicit or through its inputs. */
    dependencies: string[];
    /** URNs each input depends on. */
    propertyDependencies: Record<string, string[]>;
    provider: string;
    /** Outputs the provider declares secret; the engine encrypts them in state. */
    additionalSecretOutputs: string[];
  };
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Placeholder for a value unknown at registration (preview). */
export const UNKNOWN_VALUE = "<unknown>";

/**
 * Decodes inputs as they travel to the engine: secrets stay where they are (an element of a list
 * keeps its own secretness, as in the engine's state), resource references become their URN.
 */
export function decodeWire(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_VALUE;
  if (Array.isArray(value)) return value.map(decodeWire);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG] === SECRET_SIG) return new SecretValue(decodeWire(record.value));
    if (record[SIG] === RESOURCE_SIG) return record.urn;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeWire(v)]));
  }
  return value;
}

/**
 * The URN the mock monitor gives a resource: `urn:pulumi:<stack>::<project>::<type>::<name>`, the
 * type qualified by its parent's type (as `MockMonitor` builds it, @pulumi/pulumi 3.270.0).
 */
export function mockUrn(
  at: { project: string; stack: string },
  parent: string,
  type: string,
  name: string,
): string {
  const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
  return `urn:pulumi:${[at.stack, at.project, qualified, name].join("::")}`;
}

/** Name segment of a URN. */
export function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

// ---------------------------------------------------------------------------------------------
// Mock provider outputs.
// ---------------------------------------------------------------------------------------------

/** How mock outputs are produced. */
export interface MockOptions {
  /**
   * Real key material and values as the offline render writes them: RSA keys of the requested
   * size, passwords, UUIDs and bytes, each derived from the stack name and the resource's URN
   * (see render-values.ts), so renders are byte-identical. When false, a fixed key pair is reused
   * and random values are derived from resource names: fast, for tests and the benchmark.
   */
  realKeys: boolean;
  /** A key pair to return for every RSA key instead of generating one (the benchmark). */
  keyPair?: { privateKeyPemPkcs8: string; privateKeyPem: string; publicKeyPem: string };
  /** Where derived RSA key pairs are kept between renders (realKeys only); none when unset. */
  keyCache?: string;
}

/** The resource a mock output is for: its stack and URN seed the render's derived values. */
export interface MockTarget {
  stack: string;
  urn: string;
}

const keyCache = new Map<
  number,
  { privateKeyPemPkcs8: string; privateKeyPem: string; publicKeyPem: string }
>();

/** An RSA key pair in the PEM forms `@pulumi/tls` returns. Cached per size unless `fresh`. */
export function rsaKeyPair(bits: number, fresh: boolean) {
  const cached = keyCache.get(bits);
  if (cached && !fresh) return cached;
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
  const pair = {
    privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  if (!fresh) keyCache.set(bits, pair);
  return pair;
}

function digest(seed: string, length: number): string {
  return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

const MOCK_CERTIFICATE =
  "-----BEGIN CERTIFICATE-----\nbW9jayBjZXJ0aWZpY2F0ZSBmcm9tIHRoZSBvZmZsaW5lIHJlbmRlcg==\n-----END CERTIFICATE-----\n";

/** Outputs a provider would add to a resource's inputs. */
export function mockOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: MockOptions,
  target: MockTarget = { stack: "", urn: `${type}::${name}` },
): Record<string, unknown> {
  const seed = (purpose: string) => seedOf(target.stack, target.urn, purpose);
  const random = (length: number) =>
    options.realKeys ? derivedPassword(seed("secret"), length) : digest(`secret:${name}`, length);
  switch (type) {
    case "tls:index/privateKey:PrivateKey": {
      if (inputs.algorithm !== "RSA")
        return { privateKeyPem: "mock-ecdsa-key", publicKeyPem: "mock" };
      if (options.keyPair) return options.keyPair;
      // Real keys of the requested size, derived from the stack and URN, for the render; one
      // cached 2048-bit pair otherwise, since tests assert the size through the inputs.
      return options.realKeys
        ? {
            ...derivedRsaKeyPair(
              seed("rsa"),
              (inputs.rsaBits as number | undefined) ?? 2048,
              options.keyCache,
            ),
          }
        : rsaKeyPair(2048, false);
    }
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { certPem: MOCK_CERTIFICATE };
    case "tls:index/certRequest:CertRequest":
      return {
        certRequestPem:
          "-----BEGIN CERTIFICATE REQUEST-----\nbW9jaw==\n-----END CERTIFICATE REQUEST-----\n",
      };
    case "random:index/randomUuid:RandomUuid":
      return { result: options.realKeys ? derivedUuid(seed("uuid")) : uuidFrom(name) };
    case "random:index/randomPassword:RandomPassword":
      return { result: random((inputs.length as number | undefined) ?? 32) };
    case "random:index/randomBytes:RandomBytes": {
      const length = (inputs.length as number | undefined) ?? 32;
      const bytes = options.realKeys
        ? derivedBytes(seed("bytes"), length)
        : Buffer.from(digest(`bytes:${name}`, length * 2), "hex");
      return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "okta:app/oAuth:OAuth":
      return { clientId: `0oa${digest(name, 17)}`, clientSecret: random(40) };
    case "auth0:index/client:Client":
      return { clientId: digest(`auth0:${name}`, 32) };
    case "auth0:index/clientCredentials:ClientCredentials":
      return { clientSecret: inputs.authenticationMethod === "none" ? "" : random(64) };
    case "keycloak:index/realm:Realm":
      return { realm: inputs.realm, internalId: uuidFrom(`realm:${name}`) };
    case "keycloak:openid/client:Client":
      return { clientSecret: inputs.accessType === "PUBLIC" ? "" : random(32) };
    case "azuread:index/application:Application":
      return {
        clientId: uuidFrom(`entra-client:${name}`),
        objectId: uuidFrom(`entra-object:${name}`),
      };
    case "azuread:index/servicePrincipal:ServicePrincipal":
      return { objectId: uuidFrom(`entra-sp-object:${name}`) };
    case "azuread:index/applicationPassword:ApplicationPassword":
      // Microsoft Graph's default end date is two years after the start; a fixed one here.
      return {
        value: random(40),
        keyId: uuidFrom(`entra-password:${name}`),
        endDate: inputs.endDate ?? "2028-01-01T00:00:00Z",
      };
    case "docker:index/remoteImage:RemoteImage":
      return {
        imageId: `sha256:${digest(`image:${String(inputs.name)}`, 64)}`,
        repoDigest: `${String(inputs.name)}@sha256:${digest(String(inputs.name), 64)}`,
      };
    case "docker:index/container:Container":
      return { exitCode: 0, containerLogs: "" };
    case "kubernetes:helm.sh/v3:Release":
      return {
        status: { name: inputs.name, namespace: inputs.namespace, status: "deployed", revision: 1 },
      };
    case "pulumi-nodejs:dynamic/openmetadata-sso:OneLoginOidcApp":
      return {
        appId: parseInt(digest(`onelogin-app:${name}`, 6), 16),
        clientId: digest(`onelogin:${name}`, 36),
        clientSecret: inputs.tokenEndpointAuthMethod === "none" ? "" : random(64),
      };
    case "pulumi-nodejs:dynamic/openmetadata-sso:RegisteredClient": {
      const clientId = digest(`registered:${name}`, 24);
      const metadata = (inputs.metadata ?? {}) as { token_endpoint_auth_method?: string };
      const endpoint = `<registration_endpoint from ${String(inputs.discoveryUrl)}>`;
      return {
        registrationEndpoint: endpoint,
        clientId,
        clientSecret: metadata.token_endpoint_auth_method === "none" ? "" : random(40),
        registrationClientUri: `${endpoint}/${clientId}`,
        registrationAccessToken: random(43),
        clientSecretExpiresAt: 0,
      };
    }
    case "pulumi-nodejs:dynamic:Resource":
    default:
      if (type.startsWith("pulumi-nodejs:dynamic"))
        return { clientId: digest(`dynamic:${name}`, 24), clientSecret: random(40) };
      return {};
  }
}

function uuidFrom(seed: string): string {
  const h = digest(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * What a read of an existing object finds. The render stands in for a cluster where the objects a
 * stack reads exist: the TLS Secret of `ingress.tls: secret` (id `<namespace>/<name>`), as the API
 * server returns it, without its key material.
 */
export function mockRead(type: string, id: string): Record<string, unknown> {
  if (type === "kubernetes:core/v1:Secret") {
    const [namespace, name] = id.split("/");
    return {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace },
      type: "kubernetes.io/tls",
    };
  }
  return {};
}

/** Results of provider functions (invokes). */
export function mockCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "okta:auth/getServer:getServer": {
      const config = new pulumi.Config("okta");
      const org = config.get("orgName") ?? process.env.OKTA_ORG_NAME ?? "example";
      const base = config.get("baseUrl") ?? process.env.OKTA_BASE_URL ?? "okta.com";
      const id = (inputs.name as string | undefined) ?? "default";
      return {
        id,
        name: id,
        issuer: `https://${org}.${base}/oauth2/${id}`,
        audiences: ["api://default"],
      };
    }
    case "auth0:index/getConnection:getConnection":
      return {
        ...inputs,
        id: `con_${digest(`auth0-connection:${String(inputs.name)}`, 16)}`,
        strategy: "auth0",
      };
    default:
      return inputs;
  }
}

// ---------------------------------------------------------------------------------------------
// The recording monitor.
// ---------------------------------------------------------------------------------------------

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getProvider(): string;
  getAdditionalsecretoutputsList(): string[];
  getObject(): { toJavaScript(): unknown };
  getHooks(): { getOnErrorList(): string[] } | undefined;
}

/**
 * Error hooks under the mock runtime, which has no engine to call them: kept by name, and bound
 * per registration (`type::name`), so that a test's mock provider can call them on a failed create
 * as the engine would.
 */
const errorHooks = new Map<string, pulumi.ErrorHookFunction>();
const errorHookBindings = new Map<string, string[]>();

/** The error hooks bound to a registration, as the engine would call them. */
export function boundErrorHooks(type: string, name: string): pulumi.ErrorHookFunction[] {
  return (errorHookBindings.get(`${type}::${name}`) ?? []).map((hook) => errorHooks.get(hook)!);
}

let constructionOrder: Map<string, number> | undefined;
let activeRecording: RecordedResource[] | undefined;

/** The list the most recent {@link installMocks} records into. */
export function currentRecording(): RecordedResource[] | undefined {
  return activeRecording;
}
let observing = false;

/**
 * Every Resource constructor calls runtime/resource's `registerResource` synchronously, in program
 * order, through the module's exports (the request itself is sent later). Wrapped once per process;
 * each {@link installMocks} gets a fresh order.
 */
function observeConstruction(): void {
  if (observing) return;
  observing = true;
  const runtimeResource = require("@pulumi/pulumi/runtime/resource") as {
    registerResource: (
      res: unknown,
      parent: unknown,
      type: string,
      name: string,
      ...rest: unknown[]
    ) => void;
  };
  // The SDK registers an error hook with the engine's callback server; under mocks it is kept here.
  (
    runtimeResource as unknown as {
      registerErrorHook: (hook: pulumi.ErrorHook) => Promise<void>;
    }
  ).registerErrorHook = async (hook) => {
    errorHooks.set(hook.name, hook.callback);
  };
  const register = runtimeResource.registerResource;
  runtimeResource.registerResource = (res, parent, type, name, ...rest) => {
    const key = `${type}::${name}`;
    if (constructionOrder && !constructionOrder.has(key))
      constructionOrder.set(key, constructionOrder.size);
    return register(res, parent, type, name, ...rest);
  };
}

/**
 * Installs the mock runtime and returns the list it records every registration into, in the order
 * the program constructed the resources. (Registration requests complete asynchronously, in an
 * order that varies with timing; the construction order does not.)
 */
export function installMocks(
  options: MockOptions & { project: string; stack: string; preview?: boolean },
): RecordedResource[] {
  const recorded: RecordedResource[] = [];
  const constructed = new Map<string, number>();
  const keyOf = (type: string, name: string) => `${type}::${name}`;
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
      // A read (`Resource.get`) carries the id of an object that already exists.
      if (args.id) return { id: args.id, state: mockRead(args.type, args.id) };
      const entry = recorded.findLast((r) => r.type === args.type && r.name === args.name);
      const target = { stack: options.stack, urn: entry?.urn ?? `${args.type}::${args.name}` };
      const state = {
        ...args.inputs,
        ...mockOutputs(args.type, args.name, args.inputs, options, target),
      };
      if (entry) entry.outputs = state;
      return { id: args.custom ? `${args.name}-id` : undefined, state };
    },
    call: (args) => mockCall(args.token, args.inputs),
  };
  const { MockMonitor } =
    require("@pulumi/pulumi/runtime/mocks") as typeof import("@pulumi/pulumi/runtime/mocks");
  class RecordingMonitor extends MockMonitor {
    override async registerResource(
      req: RegisterRequest,
      callback: (err: unknown, res: unknown) => void,
    ) {
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((value, key) => {
        propertyDependencies[key] = value.getUrnsList();
      });
      const parent = req.getParent();
      errorHookBindings.set(
        `${req.getType()}::${req.getName()}`,
        req.getHooks()?.getOnErrorList() ?? [],
      );
      recorded.push({
        type: req.getType(),
        name: req.getName(),
        parent: parent ? nameOfUrn(parent) : null,
        urn: "",
        custom: req.getCustom(),
        inputs: decodeWire(req.getObject().toJavaScript()) as Record<string, unknown>,
        options: {
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          ignoreChanges: req.getIgnorechangesList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          provider: req.getProvider(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        },
      });
      const entry = recorded.pop()!;
      const position = constructed.get(keyOf(entry.type, entry.name)) ?? Number.MAX_SAFE_INTEGER;
      const at = recorded.findIndex(
        (r) => (constructed.get(keyOf(r.type, r.name)) ?? Number.MAX_SAFE_INTEGER) > position,
      );
      recorded.splice(at === -1 ? recorded.length : at, 0, entry);
      // The URN the mock monitor is about to give it, known before its outputs are made.
      entry.urn = mockUrn(options, parent, entry.type, entry.name);
      return super.registerResource(req, (err: unknown, res: unknown) => {
        if (res) entry.urn = (res as { getUrn(): string }).getUrn();
        callback(err, res);
      });
    }
  }
  const monitor = new RecordingMonitor(mocks);
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean): void;
  };
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };
  // setMockOptions resets the engine feature flags; restore them exactly as setMocks sets them,
  // or secrets would be serialized as plain values.
  settings.setMockOptions(monitor, options.project, options.stack, options.preview ?? false);
  Object.assign(state.getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: true,
    supportsInvokeTransforms: true,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
    supportsInvokeDependsOn: false,
  });
  constructionOrder = constructed;
  activeRecording = recorded;
  observeConstruction();
  return recorded;
}

/** Waits until every registration the program started has completed. */
export async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

// ---------------------------------------------------------------------------------------------
// Stack files.
// ---------------------------------------------------------------------------------------------

/** The project root: where Pulumi.yaml lives. */
export const PROJECT_ROOT = path.resolve(
  __dirname,
  path.basename(path.dirname(__dirname)) === "dist" ? "../.." : "..",
);

/**
 * Where the program's modules are under a root: the sources when this harness runs as TypeScript
 * (tsx, vitest), the build (`dist/`) when it runs as the built JavaScript of `npm run render`.
 */
export function programDir(root: string): string {
  return __filename.endsWith(".ts") ? root : path.join(root, "dist");
}

/** Stack names that have a file `Pulumi.<stack>.yaml` in `dir` (default `<root>/stacks`). */
export function stackNames(root = PROJECT_ROOT, dir = path.join(root, "stacks")): string[] {
  return fs
    .readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** Config of a stack as the Pulumi CLI would pass it to the program. */
export interface StackFileConfig {
  project: string;
  values: Record<string, string>;
  secretKeys: string[];
  /** Keys holding `secure:` values the offline render cannot decrypt. */
  encrypted: string[];
}

/**
 * Parses a YAML file. A syntax error names the file (relative to `root`, as
 * `stacks/Pulumi.staging.yaml`) and the line to edit, 1-based, with its text.
 */
export function parseYamlFile(file: string, root = PROJECT_ROOT): unknown {
  // Loaded here, not at the top: the benchmark's floor runs this harness without reading a stack
  // file, and must not pay for a parser only the program's evaluation needs.
  const { parse, YAMLParseError } = require("yaml") as typeof import("yaml");
  const text = fs.readFileSync(file, "utf8");
  try {
    return parse(text) as unknown;
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    throw new Error(yamlSyntaxError(path.relative(root, file), text, error));
  }
}

/**
 * The message for a YAML syntax error: the file, the line to edit and what is wrong there.
 *
 * The `yaml` package (2.x) reports a line indented deeper than its siblings at the value that
 * ends the line before it ("Nested mappings are not allowed in compact mappings"), because it
 * reads the deeper line as the continuation of that value; the line to edit is the next one. It
 * reports an unclosed quote at the end of the file; the line to edit is where the quote opens.
 */
export function yamlSyntaxError(
  file: string,
  text: string,
  error: { code: string; message: string; linePos?: [{ line: number; col: number }, ...unknown[]] },
): string {
  const lines = text.split(/\r?\n/);
  const reported = error.linePos?.[0] ?? { line: 1, col: 1 };
  const content = (n: number) => (lines[n - 1] ?? "").replace(/#.*$/, "").trim() !== "";
  const indent = (n: number) => /^\s*/.exec(lines[n - 1] ?? "")![0].length;
  let line = reported.line;
  // yaml's own reason, without its position: ours follows.
  let reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  if (error.code === "BLOCK_AS_IMPLICIT_KEY" && reported.col > indent(line) + 1) {
    // Reported inside a value: the next line with content is deeper and reads as part of it.
    let next = line + 1;
    while (next <= lines.length && !content(next)) next++;
    if (next <= lines.length) line = next;
    reason = "it is indented deeper than the key above it, so it reads as part of that key's value";
  } else if (error.code === "BLOCK_AS_IMPLICIT_KEY" || error.code === "BAD_INDENT") {
    // Reported at a blank line or a comment before it: the next line with content.
    while (line < lines.length && !content(line)) line++;
    reason = /^\s*- /.test(lines[line - 1] ?? "")
      ? "this list item is not indented like the items above it"
      : "it is not indented like the other keys of its block";
  } else if (error.code === "MISSING_CHAR" && /quote/.test(error.message)) {
    // Reported at the end of the file: the last line that opens a quote and does not close it.
    for (let n = Math.min(line, lines.length); n >= 1; n--) {
      const count = (quote: string) => lines[n - 1].split(quote).length - 1;
      if (count('"') % 2 === 1 || count("'") % 2 === 1) {
        line = n;
        break;
      }
    }
    reason = "a quote opens here and never closes";
  } else {
    // A report at a blank line or the end of the file belongs to the last line with content.
    while (line > 1 && !content(line)) line--;
  }
  const shown = (lines[line - 1] ?? "").replace(/\s+$/, "");
  return `${file} is not valid YAML: line ${line}: ${reason}. Fix line ${line}:\n  ${line} | ${shown}`;
}

/**
 * Reads `Pulumi.yaml` and `stacks/Pulumi.<stack>.yaml` and merges them as the CLI does: project
 * defaults first, stack values over them, structured values as JSON text.
 */
export function readStackFile(
  stack: string,
  root = PROJECT_ROOT,
  file = path.join(root, "stacks", `Pulumi.${stack}.yaml`),
): StackFileConfig {
  const project = parseYamlFile(path.join(root, "Pulumi.yaml"), root) as {
    name: string;
    config?: Record<string, { default?: unknown } | unknown>;
  };
  if (!fs.existsSync(file)) {
    throw new Error(
      `No stack file ${path.relative(root, file)}. Known stacks: ${stackNames(root, path.dirname(file)).join(", ")}`,
    );
  }
  const stackFile = (parseYamlFile(file, root) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const encrypted: string[] = [];
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    if (declaration && typeof declaration === "object" && "default" in declaration) {
      values[qualify(key)] = encode((declaration as { default: unknown }).default);
    }
  }
  for (const [key, raw] of Object.entries(stackFile.config ?? {})) {
    const fullKey = qualify(key);
    const { value, secret } = replaceSecure(raw, fullKey);
    values[fullKey] = encode(value);
    if (secret) {
      secretKeys.push(fullKey);
      encrypted.push(fullKey);
    }
  }
  return { project: project.name, values, secretKeys, encrypted };
}

function replaceSecure(value: unknown, key: string): { value: unknown; secret: boolean } {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length === 1 && typeof record.secure === "string") {
      return { value: `offline-placeholder:${key}`, secret: true };
    }
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      const inner = replaceSecure(v, `${key}.${k}`);
      out[k] = inner.value;
      secret ||= inner.secret;
    }
    return { value: out, secret };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => replaceSecure(v, `${key}[${i}]`));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  return { value, secret: false };
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A program evaluated offline. */
export interface Evaluation {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** The config the program ran with, as read from its stack file. */
  config: StackFileConfig;
}

/**
 * Turns stack traces off until the returned function is called. The SDK takes one per promise it
 * tracks (`debuggablePromise` in runtime/debuggable.js reads `new Error().stack`) and one of unlimited
 * depth per resource for its source position (`Resource.callsites` in resource.js, which lifts
 * `Error.stackTraceLimit` itself); formatting them was about a tenth of a render's time. Nothing
 * in a render reads them: no source position is recorded, and a failure is reported by its
 * message. With no frames captured and an empty format, the SDK's parse of each trace finds no
 * position, as it does for a frame without one.
 */
function withoutStackTraces(): () => void {
  const { stackTraceLimit, prepareStackTrace } = Error;
  Error.stackTraceLimit = 0;
  Error.prepareStackTrace = () => "";
  return () => {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  };
}

/**
 * Evaluates the stack program for a config under the mock runtime. `load` imports the program;
 * the Pulumi runtime holds one program at a time, so callers evaluate one config after another.
 */
export async function evaluate(
  config: StackFileConfig,
  stack: string,
  options: MockOptions & { load: () => Promise<Record<string, unknown>> },
): Promise<Evaluation> {
  process.env.OPENMETADATA_SSO_OFFLINE = "1";
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const resources = installMocks({ ...options, project: config.project, stack });
  const restore = withoutStackTraces();
  try {
    const program = await options.load();
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
      if (pulumi.Output.isInstance(value)) {
        outputs[key] = await unwrapOutput(value as pulumi.Output<unknown>);
      }
    }
    await settle();
    return { resources, outputs, config };
  } finally {
    restore();
  }
}

/**
 * Evaluates the program (`index.ts`) for a stack file under `stacks/` (or `stacksDir`). The program
 * runs afresh each time, so one process can evaluate one stack after another.
 */
export async function evaluateStack(
  stack: string,
  options: MockOptions & { root?: string; stacksDir?: string },
): Promise<Evaluation> {
  const root = options.root ?? PROJECT_ROOT;
  const file =
    options.stacksDir === undefined
      ? undefined
      : path.join(options.stacksDir, `Pulumi.${stack}.yaml`);
  return evaluate(readStackFile(stack, root, file), stack, {
    ...options,
    load: async () => {
      const dir = programDir(root);
      const entry = path.join(dir, __filename.endsWith(".ts") ? "index.ts" : "index.js");
      // Only the entry runs the program; the components it imports hold no state of a stack (no
      // module-level value depends on the config), so later stacks reuse them as loaded.
      delete require.cache[entry];
      return require(entry) as Record<string, unknown>;
    },
  });
}

async function unwrapOutput(output: pulumi.Output<unknown>): Promise<unknown> {
  const secret = await pulumi.isSecret(output);
  const value = await new Promise((resolve) => output.apply(resolve));
  return secret ? new SecretValue(value) : value;
}
