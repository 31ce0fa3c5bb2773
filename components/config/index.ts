/**
 * Stack configuration and component arguments, validated in one place.
 *
 * Stack config is read once, parsed against the typed zod schema (`schema.ts`) and checked by the
 * cross-field rules (`rules.ts`) before any resource is registered. Every problem is collected and reported together, each
 * naming the full key, the bad value and the fix. The `OpenMetadataSso` component runs the same
 * rules over its arguments, so programs that use it as a library get the same guarantees.
 */
import * as pulumi from "@pulumi/pulumi";
import { type z } from "zod";
import { OFFLINE_ENV } from "../offline";
import { closest, editDistance, show } from "../suggest";
import { type IdentityProviderKind, type OpenMetadataSsoArgs } from "../types";
import { hostOf, isHttps, normalOrigin, portOf } from "../urls";
import {
  NAMESPACE,
  OFFLINE_PLACEHOLDER_PREFIX,
  PROVIDER_SECRET_KEYS,
  PROVIDER_VALUES,
  type ResolvedDocker,
  type Path,
  type ResolvedKubernetes,
  type ResolvedSettings,
  SECRET_KEYS,
  TOP_LEVEL_KEYS,
  type TopLevelKey,
  argSchemas,
  configSchemas,
  dockerSchema,
  kubernetesSchema,
  localKeycloakSchema,
} from "./schema";
import {
  type AnySchema,
  ConfigValidationError,
  IssueCollector,
  argsNamer,
  configNamer,
  dotted,
  mappedKey,
  unknownKey,
  unwrap,
  valueAt,
  zodIssues,
} from "./messages";
import {
  DOMAIN,
  EMAIL,
  IDENTITY_BLOCKS,
  type Parsed,
  componentNameRules,
  crossFieldRules,
  stackNameRules,
} from "./rules";
import { providedServerCertificate, tlsExpiryWarnings, tlsKeyRule } from "./deployable";
export { kubernetesNameProblem, stackComponentName } from "./rules";
export { OFFLINE_ENV } from "../offline";
export {
  configSchemas,
  DEFAULT_OPENMETADATA_VERSION,
  NAMESPACE,
  OFFLINE_PLACEHOLDER_PREFIX,
  PROVIDER_SECRET_KEYS,
  PROVIDER_VALUES,
  SECRET_KEYS,
  SUPPORTED_VERSIONS,
  type ResolvedDocker,
  type ResolvedKubernetes,
  type ResolvedSettings,
} from "./schema";
export { ConfigValidationError, type ConfigIssue } from "./messages";

// ---------------------------------------------------------------------------------------------
// Resolution of derived defaults.
// ---------------------------------------------------------------------------------------------

function resolve(given: z.output<z.ZodObject<typeof argSchemas>>): ResolvedSettings {
  // Normalised once, here: every URL, host and port below and in the components derives from it.
  const v = { ...given, publicUrl: normalOrigin(given.publicUrl) };
  const principalDomain = (v.principalDomain ?? EMAIL.exec(v.admins[0])![1]).toLowerCase();
  const https = isHttps(v.publicUrl);
  const protect = v.protect ?? v.environment === "production";
  const keyProtect = v.keys.protect ?? protect;
  const docker: ResolvedDocker | undefined = v.docker && {
    ...v.docker,
    httpPort: v.docker.httpPort ?? (https ? 8585 : portOf(v.publicUrl)),
    tls: {
      ...v.docker.tls,
      mode: v.docker.tls.mode ?? (https ? "generated" : "off"),
      httpsPort: v.docker.tls.httpsPort ?? portOf(v.publicUrl),
    },
  };
  return {
    ...v,
    principalDomain,
    keys: { ...v.keys, issuer: v.keys.issuer ?? hostOf(v.publicUrl), protect: keyProtect },
    protect,
    identity: {
      ...v.identity,
      localKeycloak:
        v.identity.provider === "local-keycloak"
          ? localKeycloakSchema.parse(v.identity.localKeycloak ?? {})
          : v.identity.localKeycloak,
    },
    docker: v.target === "docker" ? (docker ?? resolveDockerDefaults(v.publicUrl)) : undefined,
    kubernetes:
      v.target === "kubernetes"
        ? resolveKubernetes(v.kubernetes ?? kubernetesSchema.parse({}))
        : undefined,
  };
}

/**
 * `createNamespace` defaults to true, except with `ingress.tls: secret`: that TLS Secret already
 * exists in the namespace, so the namespace does too (validation refuses an explicit true there).
 */
export function resolveKubernetes(k8s: z.output<typeof kubernetesSchema>): ResolvedKubernetes {
  return { ...k8s, createNamespace: k8s.createNamespace ?? k8s.ingress.tls !== "secret" };
}

function resolveDockerDefaults(publicUrl: string): ResolvedDocker {
  const parsed = dockerSchema.parse({});
  const https = isHttps(publicUrl);
  return {
    ...parsed,
    httpPort: https ? 8585 : portOf(publicUrl),
    tls: { ...parsed.tls, mode: https ? "generated" : "off", httpsPort: portOf(publicUrl) },
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

/**
 * Parses every top-level setting, reporting each problem. A setting that does not parse as a whole
 * is parsed again field by field, so that what did parse, with its defaults, reaches the
 * cross-field rules; the fields that did not are listed in `unparsed` (dotted paths), and a rule
 * that reads one is skipped (see `check` in rules.ts).
 */
function parseAll(
  input: Record<string, unknown>,
  schemas: Record<TopLevelKey, AnySchema>,
  out: IssueCollector,
): { parsed: Parsed; unparsed: Set<string> } {
  const parsed: Record<string, unknown> = {};
  const unparsed = new Set<string>();
  for (const key of TOP_LEVEL_KEYS) {
    const value = ownValue(input, key);
    const result = schemas[key].safeParse(value);
    if (result.success) {
      parsed[key] = result.data;
      continue;
    }
    zodIssues(key, schemas[key], value, result.error.issues, out);
    const partial = parsePartial(schemas[key], value, [key], unparsed);
    if (partial !== UNPARSED) parsed[key] = partial;
  }
  return { parsed: parsed as Parsed, unparsed };
}

/** What {@link parsePartial} returns for a value that did not parse. */
const UNPARSED = Symbol("unparsed");

/**
 * `value` parsed by `schema` where it can be: an object that does not parse as a whole keeps the
 * fields that do (with their defaults), and each field that does not is added to `unparsed`. A
 * list, like any other value, parses whole or not at all. An unknown key fails only its object's
 * strictness, which is reported already, so it leaves the object's fields in place; but a secret or
 * a provider value typed there (reported as such) is a setting given that did not parse.
 */
function parsePartial(
  schema: AnySchema,
  value: unknown,
  path: Path,
  unparsed: Set<string>,
): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const inner = unwrap(schema).def as { type: string; shape?: Record<string, AnySchema> };
  if (inner.type === "object" && isObject(value)) {
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(inner.shape!)) {
      const data = parsePartial(field, ownValue(value, key), [...path, key], unparsed);
      if (data !== UNPARSED && data !== undefined) fields[key] = data;
    }
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(inner.shape!, key) && mappedKey([...path, key]) !== undefined) {
        unparsed.add(dotted([...path, key]));
      }
    }
    return fields;
  }
  unparsed.add(dotted(path));
  return UNPARSED;
}

/** A setting of `input`: own keys only, since an inherited `keys` or `constructor` is none. */
function ownValue(input: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(input, key) ? input[key] : undefined;
}

/**
 * Validates component arguments and applies every default. Throws a {@link ConfigValidationError}
 * that lists every problem.
 */
export function validateArgs(args: OpenMetadataSsoArgs, name?: string): ResolvedSettings {
  const given: unknown = args;
  if (given === null || typeof given !== "object" || Array.isArray(given)) {
    const got = given === null ? "null" : Array.isArray(given) ? "a list" : show(given);
    throw new ConfigValidationError(
      [
        {
          key: "args",
          message: `args: must be an object of OpenMetadataSsoArgs; got ${got}. Pass at least { publicUrl, target, admins, identity }`,
        },
      ],
      "arguments",
    );
  }
  return validateWith(
    args as unknown as Record<string, unknown>,
    new IssueCollector(argsNamer),
    true,
    name,
  );
}

function validateWith(
  input: Record<string, unknown>,
  out: IssueCollector,
  checkUnknown: boolean,
  name: string | undefined,
): ResolvedSettings {
  if (checkUnknown) {
    for (const key of Object.keys(input)) {
      if (!(TOP_LEVEL_KEYS as string[]).includes(key) && input[key] !== undefined) {
        unknownKey(out, [], key, TOP_LEVEL_KEYS);
      }
    }
  }
  const { parsed, unparsed } = parseAll(input, argSchemas, out);
  crossFieldRules(parsed, unparsed, out);
  if (name !== undefined) componentNameRules(name, parsed, unparsed, out);
  if (out.issues.length > 0) throw new ConfigValidationError(out.issues, out.namer.source);
  return resolve(parsed as z.output<z.ZodObject<typeof argSchemas>>);
}

/** Where raw stack config comes from: the Pulumi runtime, or a test's map. */
export interface RawConfig {
  /** Every config value, keyed `namespace:key`, as the CLI passes it (objects as JSON text). */
  values: Record<string, string>;
  /** Keys whose value is a secret. */
  secretKeys: ReadonlySet<string>;
  /** Reads a secret key as a secret output. @default - `pulumi.secret` of the raw value */
  readSecret?: (fullKey: string) => pulumi.Output<string>;
}

/** Reads the raw config of the running program. */
export function runtimeConfig(): RawConfig {
  const values = pulumi.runtime.allConfig();
  // The runtime tracks secretness per top-level key; its reader is internal to the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const internal = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret(key: string): boolean;
  };
  return {
    values,
    secretKeys: new Set(Object.keys(values).filter((key) => internal.isConfigSecret(key))),
    readSecret: (fullKey) => {
      const [namespace, key] = splitKey(fullKey);
      return new pulumi.Config(namespace).requireSecret(key);
    },
  };
}

/** How {@link readStackConfig} treats credentials. */
export interface ReadOptions {
  /**
   * Offline render: no credentials are available, so missing secrets get a marked placeholder
   * and provider credentials are not required.
   */
  offline?: boolean;
  /** Environment variables consulted for provider credentials. */
  env?: Record<string, string | undefined>;
  /**
   * The stack the program runs for: with target kubernetes, the Kubernetes objects are named after
   * it ({@link stackComponentName}), so it must give valid names. Unchecked when not given.
   */
  stack?: string;
}

/** The component arguments read from stack config, plus what the offline render substituted. */
export interface StackConfig {
  args: OpenMetadataSsoArgs;
  /** Secret keys that were missing and got an offline placeholder. */
  placeholders: string[];
  /** Problems that do not stop a deployment yet, such as a certificate about to expire. */
  warnings: string[];
}

/** Namespaces of the provider SDKs whose configuration the stacks set. */
const PROVIDER_NAMESPACES = ["okta", "auth0", "keycloak", "azuread", "docker"];
const providerKeys = new Map<string, string[] | undefined>();

/**
 * The config keys a provider SDK reads, from its `config/vars` module (one getter per key), or
 * `undefined` for another namespace. Loaded only for a namespace the stack sets, whose SDK the
 * stack loads anyway.
 */
function providerConfigKeys(namespace: string): string[] | undefined {
  if (!PROVIDER_NAMESPACES.includes(namespace)) return undefined;
  if (!providerKeys.has(namespace)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    providerKeys.set(namespace, Object.keys(require(`@pulumi/${namespace}/config/vars`)));
  }
  return providerKeys.get(namespace);
}

/**
 * Namespaces something reads: ours, OneLogin's credentials, the provider SDKs the program loads and
 * Pulumi's own. Any other namespace is left alone (another program's, or `aws:region`), unless it is
 * a near miss of one of these, whose keys would then be ignored.
 */
const KNOWN_NAMESPACES = [
  NAMESPACE,
  "onelogin",
  ...PROVIDER_NAMESPACES,
  "kubernetes",
  "tls",
  "random",
  "pulumi",
];

/**
 * The known namespace `namespace` is a typo of, if any: one edit away (two for a name of 8 or more
 * letters), a different case or punctuation, or the project's name without "-sso". Stricter than
 * {@link closest}, so real neighbours such as `azure` (for `azuread`) stay allowed.
 */
export function nearMissNamespace(namespace: string): string | undefined {
  if (KNOWN_NAMESPACES.includes(namespace)) return undefined;
  const squash = (name: string) => name.toLowerCase().replace(/[-_.]/g, "");
  return KNOWN_NAMESPACES.find(
    (known) =>
      squash(known) === squash(namespace) ||
      editDistance(namespace, known) <= (known.length >= 8 ? 2 : 1) ||
      known.startsWith(`${namespace}-`),
  );
}

/** The Kubernetes provider is created by the component, from these settings only. */
const KUBERNETES_PROVIDER_KEYS = ["context", "kubeconfig"];

/** The key a user most likely meant, in a known namespace: the key itself or its closest match. */
function meantKey(namespace: string, key: string, knownOwn: string[], knownOneLogin: string[]) {
  if (namespace === "kubernetes") {
    return `${NAMESPACE}:kubernetes.${closest(key, KUBERNETES_PROVIDER_KEYS) ?? key}`;
  }
  const known =
    namespace === NAMESPACE
      ? knownOwn
      : namespace === "onelogin"
        ? knownOneLogin
        : (providerConfigKeys(namespace) ?? []);
  return `${namespace}:${known.includes(key) ? key : (closest(key, known) ?? key)}`;
}

/**
 * Reads and validates the stack configuration. Every problem is collected and thrown together as a
 * {@link ConfigValidationError} before anything is registered.
 */
export function readStackConfig(
  raw: RawConfig = runtimeConfig(),
  options: ReadOptions = {},
): StackConfig {
  const env = options.env ?? process.env;
  const offline = options.offline ?? env[OFFLINE_ENV] === "1";
  const out = new IssueCollector(configNamer);
  const input: Record<string, unknown> = {};

  // Keys of our own namespaces: unknown ones are typos that would pass silently.
  const ownSecretKeys = SECRET_KEYS.filter((entry) => entry.key.startsWith(`${NAMESPACE}:`)).map(
    (e) => e.key.slice(NAMESPACE.length + 1),
  );
  const knownOwn = [...TOP_LEVEL_KEYS, ...ownSecretKeys];
  const knownOneLogin = ["clientId", "clientSecret", "subdomain"];
  for (const fullKey of Object.keys(raw.values).sort()) {
    const [namespace, key] = splitKey(fullKey);
    const meant = nearMissNamespace(namespace);
    if (meant !== undefined) {
      out.addKey(
        fullKey,
        `is in the unknown namespace "${namespace}", so it would be ignored. Did you mean ${meantKey(meant, key, knownOwn, knownOneLogin)}?`,
      );
    } else if (namespace === "kubernetes") {
      const hint = closest(key, KUBERNETES_PROVIDER_KEYS);
      out.addKey(
        fullKey,
        `is not read: the component creates its own Kubernetes provider from ${NAMESPACE}:kubernetes.context and ${NAMESPACE}:kubernetes.kubeconfig, so it would be ignored.${hint ? ` Did you mean ${NAMESPACE}:kubernetes.${hint}?` : ""}`,
      );
    } else if (namespace === NAMESPACE && !knownOwn.includes(key)) {
      const hint = closest(key, knownOwn);
      out.addKey(
        fullKey,
        `is not a known setting, so it would be ignored.${hint ? ` Did you mean ${NAMESPACE}:${hint}?` : ` Known keys: ${knownOwn.join(", ")}.`}`,
      );
    } else if (providerConfigKeys(namespace)?.includes(key) === false) {
      const hint = closest(key, providerConfigKeys(namespace)!);
      out.addKey(
        fullKey,
        `is not a setting of the ${namespace} provider, so it would be ignored.${hint ? ` Did you mean ${namespace}:${hint}?` : ""}`,
      );
    } else if (namespace === "onelogin" && !knownOneLogin.includes(key)) {
      const hint = closest(key, knownOneLogin);
      out.addKey(
        fullKey,
        `is not a known setting, so it would be ignored.${hint ? ` Did you mean onelogin:${hint}?` : ""}`,
      );
    } else if (namespace === NAMESPACE && (TOP_LEVEL_KEYS as string[]).includes(key)) {
      input[key] = decode(raw.values[fullKey], configSchemas[key as TopLevelKey]);
    }
  }
  numericLabels(input);

  // Secrets: plain text is an error that shows the command to run instead.
  for (const fullKey of [...SECRET_KEYS.map((entry) => entry.key), ...PROVIDER_SECRET_KEYS]) {
    if (raw.values[fullKey] !== undefined && !raw.secretKeys.has(fullKey)) {
      out.addKey(
        fullKey,
        `is stored in plain text (value hidden); it must be a secret. Run: pulumi config set --secret ${fullKey} <value>`,
      );
    }
  }

  // Parse the config-shaped schema first: its messages name config keys.
  const { parsed, unparsed } = parseAll(input, configSchemas, out);
  const args = toArgs(parsed, unparsed, raw, env, offline, out);
  crossFieldRules(args.parsed, unparsed, out);
  if (options.stack !== undefined) stackNameRules(options.stack, args.parsed, unparsed, out);
  // The TLS key is read here as a secret Output; its text is checked against the certificate.
  tlsKeyRule(providedServerCertificate(args.parsed), raw.values[`${NAMESPACE}:tlsPrivateKey`], out);
  if (parsed.identity) providerSettingRules(parsed.identity.provider, raw, env, out);
  if (!offline && parsed.identity) credentialRules(parsed.identity.provider, raw, env, out);
  if (out.issues.length > 0) throw new ConfigValidationError(out.issues, "stack config");
  // The component validates again with argument names; it cannot fail where this passed.
  const placeholders = offline
    ? [...new Set([...args.placeholders, ...encryptedPlaceholders(raw)])].sort()
    : args.placeholders;
  return { args: args.args, placeholders, warnings: tlsExpiryWarnings(args.parsed) };
}

function splitKey(fullKey: string): [string, string] {
  const at = fullKey.indexOf(":");
  return [fullKey.slice(0, at), fullKey.slice(at + 1).replace(/^config:/, "")];
}

/** Decodes a raw config string the way its schema expects: JSON for everything but strings. */
function decode(value: string, schema: AnySchema): unknown {
  const kind = (unwrap(schema).def as { type: string }).type;
  if (kind === "string" || kind === "enum") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * `pulumi config set --path 'openmetadata-sso:keys.rotation' 2027` stores the label as a number,
 * although the user typed the same text as with a string. An integer there is taken as its digits;
 * the label's pattern is still checked. The same holds for `identity.entra.secretRotation`.
 */
function numericLabels(input: Record<string, unknown>): void {
  const keys = withNumericLabel(input.keys, "rotation");
  if (keys !== input.keys) input.keys = keys;
  const identity = input.identity;
  if (!isObject(identity)) return;
  const entra = withNumericLabel(identity.entra, "secretRotation");
  if (entra !== identity.entra) input.identity = { ...identity, entra };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `block`, with the integer at `key` as its digits; the same object when there is none. */
function withNumericLabel(block: unknown, key: string): unknown {
  if (!isObject(block)) return block;
  const label = block[key];
  if (typeof label === "number" && Number.isSafeInteger(label)) {
    return { ...block, [key]: String(label) };
  }
  return block;
}

/** Moves secret keys and provider values into the argument shape. */
function toArgs(
  parsed: Parsed,
  unparsed: ReadonlySet<string>,
  raw: RawConfig,
  env: Record<string, string | undefined>,
  offline: boolean,
  out: IssueCollector,
): { args: OpenMetadataSsoArgs; parsed: Parsed; placeholders: string[] } {
  const placeholders: string[] = [];
  const args = structuredClone(parsed) as Record<string, unknown>;
  const provider = parsed.identity?.provider;

  const secretFor = (fullKey: string, required: boolean): pulumi.Output<string> | undefined => {
    if (raw.values[fullKey] !== undefined) {
      return raw.readSecret ? raw.readSecret(fullKey) : pulumi.secret(raw.values[fullKey]);
    }
    if (required && offline) {
      placeholders.push(fullKey);
      return pulumi.secret(`${OFFLINE_PLACEHOLDER_PREFIX}${fullKey}`);
    }
    return undefined;
  };
  // A secret never goes into a setting that did not parse: the rules that read it are skipped.
  const place = (path: string, value: unknown) => {
    const parts = path.split(".");
    if (value === undefined || parts.some((_, i) => unparsed.has(parts.slice(0, i + 1).join("."))))
      return;
    let node = args;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  };

  const identity = parsed.identity;
  const confidential = identity?.clientType !== "public";
  const oidc = identity?.oidc;
  if (provider === "oidc") {
    place(
      "identity.oidc.clientSecret",
      secretFor(`${NAMESPACE}:clientSecret`, confidential && !oidc?.registration),
    );
    place("identity.oidc.initialAccessToken", secretFor(`${NAMESPACE}:initialAccessToken`, false));
  } else if (provider !== undefined) {
    for (const key of ["clientSecret", "initialAccessToken"]) {
      if (raw.values[`${NAMESPACE}:${key}`] !== undefined) {
        out.addKey(
          `${NAMESPACE}:${key}`,
          `is only used with identity.provider oidc (an existing client or a registration); got provider ${provider}, which creates its own client. Remove it: pulumi config rm ${NAMESPACE}:${key}`,
        );
      }
    }
  }
  place(
    "docker.tls.privateKey",
    secretFor(
      `${NAMESPACE}:tlsPrivateKey`,
      valueAt(parsed, ["docker", "tls", "mode"]) === "provided",
    ),
  );
  const external = parsed.kubernetes?.dependencies === "external";
  place(
    "kubernetes.database.password",
    secretFor(
      `${NAMESPACE}:databasePassword`,
      external && parsed.kubernetes?.database !== undefined,
    ),
  );
  place(
    "kubernetes.search.password",
    secretFor(
      `${NAMESPACE}:searchPassword`,
      external && parsed.kubernetes?.search?.user !== undefined,
    ),
  );

  if (provider === "onelogin") {
    for (const [key, path] of [
      ["onelogin:clientId", "identity.onelogin.apiClientId"],
      ["onelogin:clientSecret", "identity.onelogin.apiClientSecret"],
      ["onelogin:subdomain", "identity.onelogin.subdomain"],
    ] as const) {
      const value = secretFor(key, true);
      if (value) place(path, value);
      else
        out.addKey(
          key,
          `is required for the OneLogin API and must be a secret. Run: pulumi config set --secret ${key} <value>`,
        );
    }
  }
  for (const entry of PROVIDER_VALUES) {
    const [block] = entry.path.split(".").slice(1);
    // A value typed into our config instead is reported as such; asking for it again is noise.
    if (IDENTITY_BLOCKS[block] !== provider || unparsed.has(entry.path)) continue;
    const value = raw.values[entry.key] || env[entry.env] || undefined;
    if (value === undefined) {
      out.addKey(
        entry.key,
        `is required by identity.provider ${provider}. Run: pulumi config set ${entry.key} ${entry.example} (or export ${entry.env})`,
      );
    } else {
      place(entry.path, value);
    }
  }
  return { args: args as unknown as OpenMetadataSsoArgs, parsed: args as Parsed, placeholders };
}

/**
 * Keys whose value the offline render could not read: a `secure:` value it cannot decrypt, which
 * the stack file loader (scripts/offline.ts) replaces with a marked placeholder.
 */
function encryptedPlaceholders(raw: RawConfig): string[] {
  return Object.keys(raw.values).filter((key) =>
    raw.values[key].includes(OFFLINE_PLACEHOLDER_PREFIX),
  );
}

/**
 * A DNS label, as an Okta org's subdomain is: `okta:orgName` is "the organization to manage" and
 * `okta:baseUrl` the domain after it ("okta.com", or "oktapreview.com" for testing), per
 * @pulumi/okta 7.0.0 config/vars.d.ts; the org lives at https://<orgName>.<baseUrl>.
 */
const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * Provider settings that are no credential: they decide the URLs the render shows, so they are
 * checked offline too, and a render never stands in a value for them. (Missing credentials are
 * {@link credentialRules}', checked only where they exist.)
 */
function providerSettingRules(
  provider: IdentityProviderKind,
  raw: RawConfig,
  env: Record<string, string | undefined>,
  out: IssueCollector,
): void {
  if (provider !== "okta") return;
  // An empty variable is unset, as the provider treats it; config wins over the environment.
  const setting = (key: string, envName: string) =>
    raw.values[key]
      ? { from: key, value: raw.values[key] }
      : env[envName]
        ? { from: envName, value: env[envName]! }
        : undefined;
  const org = setting("okta:orgName", "OKTA_ORG_NAME");
  const base = setting("okta:baseUrl", "OKTA_BASE_URL");
  if (org === undefined) {
    out.addKey(
      "okta:orgName",
      `is required by identity.provider okta. Run: pulumi config set okta:orgName <org> (or export OKTA_ORG_NAME)`,
    );
  } else if (!DNS_LABEL.test(org.value)) {
    // "https://dev-123456.okta.com" or "dev-123456.okta.com": the org's URL, split in two.
    const host = org.value.replace(/^[a-z]+:\/+/i, "").replace(/[/:?#].*$/, "");
    const [label, ...rest] = host.split(".");
    const fix =
      DNS_LABEL.test(label) && rest.length >= 2
        ? ` Run: pulumi config set okta:orgName ${label} && pulumi config set okta:baseUrl ${rest.join(".").toLowerCase()}`
        : " Run: pulumi config set okta:orgName <org>, where https://<org>.okta.com is your Okta URL";
    out.addKey(
      org.from === "okta:orgName" ? "okta:orgName" : `okta:orgName (from ${org.from})`,
      `must be the org's subdomain alone, like "dev-123456" for https://dev-123456.okta.com; got ${show(org.value)}.${fix}`,
    );
  }
  if (base !== undefined && !DOMAIN.test(base.value)) {
    out.addKey(
      base.from === "okta:baseUrl" ? "okta:baseUrl" : `okta:baseUrl (from ${base.from})`,
      `must be the domain of the Okta cell alone, like "okta.com", "oktapreview.com" or "okta-emea.com"; got ${show(base.value)}`,
    );
  }
}

/** Each provider needs a credential to create the app; a missing one fails before anything runs. */
function credentialRules(
  provider: IdentityProviderKind,
  raw: RawConfig,
  env: Record<string, string | undefined>,
  out: IssueCollector,
): void {
  // An empty variable is unset, as the providers treat it.
  const has = (key: string, envName?: string) =>
    Boolean(raw.values[key]) || (envName !== undefined && Boolean(env[envName]));
  switch (provider) {
    case "okta":
      if (
        !has("okta:apiToken", "OKTA_API_TOKEN") &&
        !has("okta:privateKey", "OKTA_API_PRIVATE_KEY") &&
        !has("okta:accessToken", "OKTA_ACCESS_TOKEN")
      ) {
        out.addKey(
          "okta:apiToken",
          `is required by identity.provider okta (or okta:privateKey with okta:clientId). Run: pulumi config set --secret okta:apiToken <token> (or export OKTA_API_TOKEN)`,
        );
      }
      break;
    case "auth0":
      if (
        !has("auth0:apiToken", "AUTH0_API_TOKEN") &&
        !(
          has("auth0:clientId", "AUTH0_CLIENT_ID") &&
          has("auth0:clientSecret", "AUTH0_CLIENT_SECRET")
        )
      ) {
        out.addKey(
          "auth0:clientSecret",
          `is required by identity.provider auth0, with auth0:clientId (or auth0:apiToken). Run: pulumi config set auth0:clientId <id> && pulumi config set --secret auth0:clientSecret <secret>`,
        );
      }
      break;
    case "keycloak":
      if (!(
        has("keycloak:clientId", "KEYCLOAK_CLIENT_ID") &&
        (has("keycloak:clientSecret", "KEYCLOAK_CLIENT_SECRET") ||
          has("keycloak:password", "KEYCLOAK_PASSWORD"))
      )) {
        out.addKey(
          "keycloak:clientSecret",
          `is required by identity.provider keycloak, with keycloak:clientId (or keycloak:username and keycloak:password). Run: pulumi config set keycloak:clientId <id> && pulumi config set --secret keycloak:clientSecret <secret>`,
        );
      }
      break;
    default:
      break;
  }
}
