/**
 * Stack configuration and component arguments, validated in one place.
 *
 * Stack config is read once, parsed against a typed zod schema and checked by the cross-field rules
 * below before any resource is registered. Every problem is collected and reported together, each
 * naming the full key, the bad value and the fix. The `OpenMetadataSso` component runs the same
 * rules over its arguments, so programs that use it as a library get the same guarantees.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { OpenMetadataSsoArgs } from "./openmetadata-sso";
import { closest, show } from "./suggest";
import {
  ClientType,
  DataRetention,
  HttpScheme,
  DatabaseEngine,
  DockerTlsMode,
  Environment,
  IdentityProviderKind,
  IngressTlsSource,
  KubernetesDependencies,
  SearchEngine,
  Target,
  TokenEndpointAuthMethod,
} from "./types";
import { hostOf, isHttps, portOf, urlProblem } from "./urls";

/** The project's config namespace: keys are `openmetadata-sso:<key>`. */
export const NAMESPACE = "openmetadata-sso";

/** OpenMetadata release used when `openmetadata.version` is not set. */
export const DEFAULT_OPENMETADATA_VERSION = "1.13.1";

/** OpenMetadata releases this package is tested against: 1.12.x and 1.13.x. */
export const SUPPORTED_VERSIONS = /^1\.1[23]\.\d+$/;

/** Marks the values the offline render puts in place of secrets it cannot read. */
export const OFFLINE_PLACEHOLDER_PREFIX = "offline-placeholder:";

/** Set by the offline render, the benchmark and tests: no credentials, no network. */
export const OFFLINE_ENV = "OPENMETADATA_SSO_OFFLINE";

type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------
// Schema. Config-shaped objects first; argument objects extend them with the secret inputs the
// stack program fills from separate secret keys, and the values it takes from provider config.
// ---------------------------------------------------------------------------------------------

const text = z.string().min(1);
const port = z.number().int().min(1).max(65535);
const secretInput = z.custom<pulumi.Input<string>>(
  (value) => value !== undefined && value !== null && value !== "",
);

const oktaSchema = z.strictObject({
  authorizationServer: text.default("default"),
  groupIds: z.array(text).default([]),
});
const auth0ConfigSchema = z.strictObject({ connections: z.array(text).default([]) });
const auth0Schema = auth0ConfigSchema.extend({ domain: text });
const keycloakConfigSchema = z.strictObject({
  realm: text,
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/)
    .optional(),
  createRealm: z.boolean().default(false),
});
const keycloakSchema = keycloakConfigSchema.extend({ url: text });
const localKeycloakSchema = z.strictObject({
  port: port.default(8081),
  version: text.default("26.4.5"),
  realm: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/)
    .default("openmetadata"),
  demoUser: z
    .string()
    .regex(/^[a-z][a-z0-9._-]{0,62}$/)
    .default("demo"),
});
const oneLoginConfigSchema = z.strictObject({});
const oneLoginSchema = z.strictObject({
  subdomain: secretInput,
  apiClientId: secretInput,
  apiClientSecret: secretInput,
});
const entraConfigSchema = z.strictObject({
  signInAudience: text.default("AzureADMyOrg"),
});
const entraSchema = entraConfigSchema.extend({ tenantId: text });
const oidcConfigSchema = z.strictObject({
  issuer: text,
  clientId: text.optional(),
  registration: z.boolean().default(false),
  discoveryUrl: text.optional(),
  tokenEndpointAuthMethod: z.enum(TokenEndpointAuthMethod).default("client_secret_post"),
  providerName: text.max(40).default("SSO"),
});
const oidcSchema = oidcConfigSchema.extend({
  clientSecret: secretInput.optional(),
  initialAccessToken: secretInput.optional(),
});

const identityShape = {
  provider: z.enum(IdentityProviderKind),
  clientType: z.enum(ClientType).default("confidential"),
  appName: text.max(100).optional(),
  okta: oktaSchema.optional(),
  localKeycloak: localKeycloakSchema.optional(),
};
const identityConfigSchema = z.strictObject({
  ...identityShape,
  auth0: auth0ConfigSchema.optional(),
  keycloak: keycloakConfigSchema.optional(),
  onelogin: oneLoginConfigSchema.optional(),
  entra: entraConfigSchema.optional(),
  oidc: oidcConfigSchema.optional(),
});
const identitySchema = z.strictObject({
  ...identityShape,
  auth0: auth0Schema.optional(),
  keycloak: keycloakSchema.optional(),
  onelogin: oneLoginSchema.optional(),
  entra: entraSchema.optional(),
  oidc: oidcSchema.optional(),
});

const keysSchema = z
  .strictObject({
    bits: z.number().int().min(1).max(16384).default(2048),
    rotation: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .default("initial"),
    issuer: text.optional(),
  })
  .prefault({});

const openMetadataSchema = z
  .strictObject({
    version: text.default(DEFAULT_OPENMETADATA_VERSION),
    replicas: z.number().int().min(1).max(20).default(1),
    heapSize: text.default("1G"),
    clusterName: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/)
      .default("openmetadata"),
    enableSelfSignup: z.boolean().default(true),
    principalClaims: z
      .array(z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/))
      .min(1)
      .default(["email", "preferred_username", "sub"]),
    ingestion: z.boolean().default(false),
  })
  .prefault({});

const dockerTlsShape = {
  mode: z.enum(DockerTlsMode).optional(),
  certificate: text.optional(),
  httpsPort: port.optional(),
};
const dockerImagesSchema = z
  .strictObject({
    database: text.optional(),
    search: text.optional(),
    proxy: text.optional(),
    verifier: text.optional(),
  })
  .prefault({});
const dockerShape = {
  database: z.enum(DatabaseEngine).default("mysql"),
  search: z.enum(SearchEngine).default("elasticsearch"),
  httpPort: port.optional(),
  adminPort: port.default(8586),
  images: dockerImagesSchema,
};
const dockerConfigSchema = z.strictObject({
  ...dockerShape,
  tls: z.strictObject(dockerTlsShape).prefault({}),
});
const dockerSchema = z.strictObject({
  ...dockerShape,
  tls: z.strictObject({ ...dockerTlsShape, privateKey: secretInput.optional() }).prefault({}),
});

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const externalDatabaseShape = {
  engine: z.enum(DatabaseEngine).default("mysql"),
  host: text,
  port: port.optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/)
    .default("openmetadata_db"),
  user: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default("openmetadata_user"),
};
const externalSearchShape = {
  engine: z.enum(SearchEngine).default("opensearch"),
  host: text,
  port: port.default(9200),
  scheme: z.enum(HttpScheme).default("http"),
  user: text.optional(),
};
const ingressSchema = z
  .strictObject({
    className: text.default("nginx"),
    tls: z.enum(IngressTlsSource).default("cert-manager"),
    tlsSecretName: dnsLabel.optional(),
    clusterIssuer: text.default("letsencrypt"),
    stickySessions: z.boolean().default(false),
  })
  .prefault({});
const kubernetesShape = {
  context: text.optional(),
  kubeconfig: text.optional(),
  namespace: dnsLabel.default("openmetadata"),
  createNamespace: z.boolean().default(true),
  dependencies: z.enum(KubernetesDependencies).default("chart"),
  ingress: ingressSchema,
  storageClass: text.optional(),
};
const kubernetesConfigSchema = z.strictObject({
  ...kubernetesShape,
  database: z.strictObject(externalDatabaseShape).optional(),
  search: z.strictObject(externalSearchShape).optional(),
});
const kubernetesSchema = z.strictObject({
  ...kubernetesShape,
  database: z
    .strictObject({ ...externalDatabaseShape, password: secretInput.optional() })
    .optional(),
  search: z.strictObject({ ...externalSearchShape, password: secretInput.optional() }).optional(),
});

/** The argument schema, one entry per top-level setting. */
const argSchemas = {
  environment: z.enum(Environment).default("production"),
  publicUrl: text,
  target: z.enum(Target),
  admins: z.array(text).min(1),
  principalDomain: text.optional(),
  identity: identitySchema,
  keys: keysSchema,
  openmetadata: openMetadataSchema,
  docker: dockerSchema.optional(),
  kubernetes: kubernetesSchema.optional(),
  dataRetention: z.enum(DataRetention).default("retain"),
  protect: z.boolean().optional(),
};

/** The stack config schema: the arguments minus what comes from secret keys or provider config. */
export const configSchemas = {
  ...argSchemas,
  identity: identityConfigSchema,
  docker: dockerConfigSchema.optional(),
  kubernetes: kubernetesConfigSchema.optional(),
};

type TopLevelKey = keyof typeof argSchemas;
const TOP_LEVEL_KEYS = Object.keys(argSchemas) as TopLevelKey[];

/** Secret settings: each is a config key of its own, read with `requireSecret`. */
export const SECRET_KEYS = [
  { key: `${NAMESPACE}:clientSecret`, path: "identity.oidc.clientSecret" },
  { key: `${NAMESPACE}:initialAccessToken`, path: "identity.oidc.initialAccessToken" },
  { key: `${NAMESPACE}:tlsPrivateKey`, path: "docker.tls.privateKey" },
  { key: `${NAMESPACE}:databasePassword`, path: "kubernetes.database.password" },
  { key: `${NAMESPACE}:searchPassword`, path: "kubernetes.search.password" },
  { key: "onelogin:clientId", path: "identity.onelogin.apiClientId" },
  { key: "onelogin:clientSecret", path: "identity.onelogin.apiClientSecret" },
  { key: "onelogin:subdomain", path: "identity.onelogin.subdomain" },
] as const;

/** Settings the stack program takes from the identity provider's own config, never typed twice. */
export const PROVIDER_VALUES = [
  {
    key: "auth0:domain",
    env: "AUTH0_DOMAIN",
    path: "identity.auth0.domain",
    example: "acme.eu.auth0.com",
  },
  {
    key: "keycloak:url",
    env: "KEYCLOAK_URL",
    path: "identity.keycloak.url",
    example: "https://keycloak.example.com",
  },
  {
    key: "azuread:tenantId",
    env: "ARM_TENANT_ID",
    path: "identity.entra.tenantId",
    example: "00000000-0000-0000-0000-000000000000",
  },
] as const;

/** Arguments with every default applied; what the components consume. */
export type ResolvedSettings = Omit<
  z.output<z.ZodObject<typeof argSchemas>>,
  "principalDomain" | "keys" | "protect" | "docker" | "identity"
> & {
  principalDomain: string;
  keys: z.output<typeof keysSchema> & { issuer: string };
  protect: boolean;
  identity: z.output<typeof identitySchema> & {
    localKeycloak?: z.output<typeof localKeycloakSchema>;
  };
  docker?: ResolvedDocker;
};

/** Docker settings with the defaults that depend on `publicUrl` resolved. */
export type ResolvedDocker = z.output<typeof dockerSchema> & {
  httpPort: number;
  tls: z.output<typeof dockerSchema>["tls"] & { mode: DockerTlsMode; httpsPort: number };
};

/** Compile-time proof that the hand-written argument interfaces and the schema agree. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const argsMatchSchema: Mutual<
  Required<OpenMetadataSsoArgs>,
  Required<z.input<z.ZodObject<typeof argSchemas>>>
> = true;
void argsMatchSchema;

// ---------------------------------------------------------------------------------------------
// Issues and how they are named.
// ---------------------------------------------------------------------------------------------

/** One validation problem. */
export interface ConfigIssue {
  /** Full name of the setting, e.g. `openmetadata-sso:identity.oidc.issuer`. */
  key: string;
  /** The complete line shown to the user, starting with `key`. */
  message: string;
}

/** Every problem found in one pass; thrown before any resource is registered. */
export class ConfigValidationError extends Error {
  constructor(
    readonly issues: ConfigIssue[],
    readonly source: "stack config" | "arguments",
  ) {
    super(
      `Invalid ${source} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((issue) => `  - ${issue.message}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}

/** Names settings and tells how to change them, for stack config or for component arguments. */
interface KeyNamer {
  readonly source: ConfigValidationError["source"];
  name(path: Path): string;
  set(path: Path, example: string): string;
  setSecret(path: Path): string;
  remove(path: Path): string;
}

function dotted(path: Path): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

function stripIndices(path: Path): string {
  return path.filter((part) => typeof part === "string").join(".");
}

function mappedKey(path: Path): string | undefined {
  return [...SECRET_KEYS, ...PROVIDER_VALUES].find((entry) => entry.path === dotted(path))?.key;
}

const configNamer: KeyNamer = {
  source: "stack config",
  name(path) {
    return mappedKey(path) ?? `${NAMESPACE}:${dotted(path)}`;
  },
  set(path, example) {
    const nested = path.length > 1 && mappedKey(path) === undefined;
    return `pulumi config set${nested ? " --path" : ""} ${quoteArg(this.name(path))} ${quoteArg(example)}`;
  },
  setSecret(path) {
    return `pulumi config set --secret ${this.name(path)} <value>`;
  },
  remove(path) {
    const nested = path.length > 1 && mappedKey(path) === undefined;
    return `pulumi config rm${nested ? " --path" : ""} ${quoteArg(this.name(path))}`;
  },
};

const argsNamer: KeyNamer = {
  source: "arguments",
  name: (path) => `args.${dotted(path)}`,
  set: (path, example) => `set args.${dotted(path)} to ${example}`,
  setSecret: (path) => `pass args.${dotted(path)} as a secret Input`,
  remove: (path) => `remove args.${dotted(path)}`,
};

function quoteArg(value: string): string {
  return /^[A-Za-z0-9_.:/@-]+$/.test(value) ? value : `'${value}'`;
}

/** Example values used in "is required" fixes. */
const EXAMPLES: Record<string, string> = {
  publicUrl: "https://openmetadata.example.com",
  target: "docker",
  admins: '["alice@example.com"]',
  "identity.provider": "okta",
  "identity.oidc.issuer": "https://idp.example.com",
  "identity.oidc.clientId": "openmetadata",
  "identity.keycloak.realm": "openmetadata",
  "kubernetes.database.host": "mysql.example.internal",
  "kubernetes.search.host": "opensearch.example.internal",
};

/** Required objects are set through their first required field. */
const REQUIRED_FIXES: Record<string, { path: Path; example: string }> = {
  identity: { path: ["identity", "provider"], example: "okta" },
};

class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  constructor(readonly namer: KeyNamer) {}

  add(path: Path, problem: string): void {
    const key = this.namer.name(path);
    this.issues.push({ key, message: `${key}: ${problem}` });
  }

  addKey(key: string, problem: string): void {
    this.issues.push({ key, message: `${key}: ${problem}` });
  }
}

// ---------------------------------------------------------------------------------------------
// Turning zod issues into messages.
// ---------------------------------------------------------------------------------------------

type AnySchema = z.ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current.def as { type: string; innerType?: AnySchema };
    if (["optional", "default", "prefault", "nullable"].includes(def.type) && def.innerType) {
      current = def.innerType;
    } else {
      return current;
    }
  }
}

function schemaAt(schema: AnySchema, path: Path): AnySchema | undefined {
  let current: AnySchema | undefined = unwrap(schema);
  for (const part of path) {
    if (!current) return undefined;
    const def = current.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (def.type === "object" && typeof part === "string") current = def.shape?.[part];
    else if (def.type === "array" && typeof part === "number") current = def.element;
    else return undefined;
    current = current ? unwrap(current) : undefined;
  }
  return current;
}

function objectKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = schema.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** "must be ..." text for a schema. */
function expected(schema: AnySchema | undefined): string {
  if (!schema) return "a valid value";
  const inner = unwrap(schema);
  const def = inner.def as { type: string; element?: AnySchema; checks?: unknown[] };
  switch (def.type) {
    case "string": {
      const pattern = (inner as z.ZodString).def.checks?.find(
        (check) => (check as { _zod: { def: { format?: string } } })._zod.def.format === "regex",
      ) as { _zod: { def: { pattern: RegExp } } } | undefined;
      return pattern ? `a string matching ${pattern._zod.def.pattern}` : "a non-empty string";
    }
    case "boolean":
      return "true or false";
    case "number": {
      const number = inner as z.ZodNumber;
      return `an integer from ${number.minValue} to ${number.maxValue}`;
    }
    case "enum":
      return `one of ${(inner as z.ZodEnum).options.join(", ")}`;
    case "literal":
      return `one of ${[...(inner as z.ZodLiteral).values].join(", ")}`;
    case "array": {
      const nonEmpty = ((inner as z.ZodArray<AnySchema>).def.checks ?? []).length > 0;
      return `${nonEmpty ? "a non-empty list" : "a list"}, each item ${expected(def.element)}`;
    }
    case "object":
      return "an object";
    default:
      return "a value";
  }
}

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function zodIssues(
  top: TopLevelKey,
  schema: AnySchema,
  value: unknown,
  issues: z.core.$ZodIssue[],
  out: IssueCollector,
): void {
  for (const issue of issues) {
    const path: Path = [top, ...(issue.path as Path)];
    const at = schemaAt(schema, issue.path as Path);
    const got = valueAt(value, issue.path as Path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) unknownKey(out, path, key, objectKeys(at));
        break;
      case "invalid_type":
        if (got === undefined) {
          const fix = REQUIRED_FIXES[stripIndices(path)] ?? {
            path,
            example: EXAMPLES[stripIndices(path)] ?? "<value>",
          };
          out.add(path, `is required. Set it: ${out.namer.set(fix.path, fix.example)}`);
        } else if (issue.expected === "array" && typeof got === "string") {
          out.add(
            path,
            `must be ${expected(at)}; got ${show(got)}. Set it as a list: ${out.namer.set([...path, 0], got)}`,
          );
        } else {
          out.add(path, `must be ${expected(at)}; got ${show(got)}`);
        }
        break;
      case "invalid_value": {
        const options = issue.values.map(String);
        const hint = typeof got === "string" ? closest(got, options) : undefined;
        out.add(
          path,
          `must be one of ${options.join(", ")}; got ${show(got)}` +
            (hint ? `. Did you mean "${hint}"?` : ""),
        );
        break;
      }
      default:
        out.add(path, `must be ${expected(at)}; got ${show(got)}`);
    }
  }
}

function unknownKey(out: IssueCollector, parent: Path, key: string, known: string[]): void {
  const path = [...parent, key];
  const secret = SECRET_KEYS.find((entry) => entry.path === dotted(path));
  if (secret && out.namer === configNamer) {
    out.addKey(
      `${NAMESPACE}:${dotted(path)}`,
      `is a secret and has its own key; it must not sit in plain config. Remove it and run: pulumi config set --secret ${secret.key} <value>`,
    );
    return;
  }
  const fromProvider = PROVIDER_VALUES.find((entry) => entry.path === dotted(path));
  if (fromProvider && out.namer === configNamer) {
    out.addKey(
      `${NAMESPACE}:${dotted(path)}`,
      `comes from the provider's own config so it is typed once. Remove it and run: pulumi config set ${fromProvider.key} ${fromProvider.example}`,
    );
    return;
  }
  const sibling = closest(key, known);
  const nested = sibling ? undefined : known.find((block) => nestedKeyExists(parent, block, key));
  const hint = sibling
    ? ` Did you mean ${out.namer.name([...parent, sibling])}?`
    : nested
      ? ` Did you mean ${out.namer.name([...parent, nested, key])}?`
      : known.length
        ? ` Known keys here: ${known.join(", ")}.`
        : "";
  out.add(path, `is not a known setting, so it would be ignored.${hint}`);
}

function nestedKeyExists(parent: Path, block: string, key: string): boolean {
  const top = parent[0] as TopLevelKey | undefined;
  const root = top ? configSchemas[top] : undefined;
  return root ? objectKeys(schemaAt(root, [...parent.slice(1), block])).includes(key) : false;
}

// ---------------------------------------------------------------------------------------------
// Cross-field rules. They run on every top-level setting that parsed, so one bad key never hides
// another problem.
// ---------------------------------------------------------------------------------------------

type Parsed = Partial<z.output<z.ZodObject<typeof argSchemas>>>;

const KEY_SIZES = [2048, 3072, 4096];
const SIGN_IN_AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
];

const EMAIL = /^[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/;
const DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const HEAP = /^(\d+)([MG])$/;

/** Providers OpenMetadata runs as `custom-oidc`; its UI sends them through the implicit flow when public. */
const CUSTOM_OIDC_PROVIDERS: IdentityProviderKind[] = [
  "local-keycloak",
  "keycloak",
  "onelogin",
  "oidc",
];

const IDENTITY_BLOCKS: Record<string, IdentityProviderKind> = {
  okta: "okta",
  auth0: "auth0",
  keycloak: "keycloak",
  localKeycloak: "local-keycloak",
  onelogin: "onelogin",
  entra: "entra",
  oidc: "oidc",
};

function crossFieldRules(v: Parsed, out: IssueCollector): void {
  const local = v.environment === "local";
  const production = v.environment === "production";
  const urlRules = (allowPath: boolean) => ({
    requireHttps: v.environment !== undefined && !local,
    allowPath,
  });

  if (v.publicUrl !== undefined) {
    const problem = urlProblem(v.publicUrl, urlRules(false));
    if (problem) out.add(["publicUrl"], problem);
  }
  const publicUrl =
    v.publicUrl !== undefined && !urlProblem(v.publicUrl, urlRules(false))
      ? v.publicUrl
      : undefined;

  // Admins and the principal domain (user pain P21).
  let principalDomain = v.principalDomain;
  if (principalDomain !== undefined && !DOMAIN.test(principalDomain)) {
    out.add(
      ["principalDomain"],
      `must be a domain like "example.com"; got ${show(principalDomain)}`,
    );
    principalDomain = undefined;
  }
  if (v.admins) {
    const seen = new Set<string>();
    v.admins.forEach((email, i) => {
      const match = EMAIL.exec(email);
      if (!match) {
        out.add(["admins", i], `must be an email address; got ${show(email)}`);
        return;
      }
      if (seen.has(email.toLowerCase())) out.add(["admins", i], `lists ${show(email)} twice`);
      seen.add(email.toLowerCase());
      const domain = match[1].toLowerCase();
      const expectedDomain = (principalDomain ?? EMAIL.exec(v.admins![0])?.[1])?.toLowerCase();
      if (expectedDomain && domain !== expectedDomain) {
        const origin = principalDomain ? "principalDomain" : "the first admin";
        out.add(
          ["admins", i],
          `must be in the principal domain "${expectedDomain}" (from ${origin}); got ${show(email)}. OpenMetadata admits one principal domain, so this admin could never log in (user pain P21)`,
        );
      }
    });
  }

  // Exactly the target's block.
  if (v.target) {
    for (const block of ["docker", "kubernetes"] as const) {
      if (v[block] !== undefined && block !== v.target) {
        out.add(
          [block],
          `is only allowed with target ${block}; got target ${v.target}. Remove it: ${out.namer.remove([block])}`,
        );
      }
    }
  }

  if (v.identity) identityRules(v, urlRules(true), out);

  if (v.keys && !KEY_SIZES.includes(v.keys.bits)) {
    out.add(["keys", "bits"], `must be one of ${KEY_SIZES.join(", ")}; got ${show(v.keys.bits)}`);
  }
  if (
    v.keys &&
    v.keys.rotation !== "initial" &&
    v.openmetadata &&
    /^1\.12\./.test(v.openmetadata.version)
  ) {
    out.add(
      ["keys", "rotation"],
      `needs OpenMetadata 1.13 or later, whose openmetadata-ops regenerates the bot tokens a rotation invalidates (user pain P18); got version ${show(v.openmetadata.version)}. Upgrade openmetadata.version before rotating`,
    );
  }
  if (v.keys?.issuer !== undefined && /\s/.test(v.keys.issuer)) {
    out.add(["keys", "issuer"], `must not contain spaces; got ${show(v.keys.issuer)}`);
  }

  if (v.openmetadata) {
    const om = v.openmetadata;
    if (!SUPPORTED_VERSIONS.test(om.version)) {
      out.add(
        ["openmetadata", "version"],
        `must be a supported OpenMetadata release (1.12.x or 1.13.x); got ${show(om.version)}. Use "${DEFAULT_OPENMETADATA_VERSION}"`,
      );
    }
    const heap = HEAP.exec(om.heapSize);
    const megabytes = heap ? Number(heap[1]) * (heap[2] === "G" ? 1024 : 1) : NaN;
    if (!(megabytes >= 512 && megabytes <= 65536)) {
      out.add(
        ["openmetadata", "heapSize"],
        `must be a JVM heap from 512M to 64G, like "1G" or "1536M"; got ${show(om.heapSize)}`,
      );
    }
    if (!["email", "upn"].includes(om.principalClaims[0])) {
      out.add(
        ["openmetadata", "principalClaims", 0],
        `must be "email" or "upn": OpenMetadata takes the user's domain from the first claim present, and a claim without "@" fails the principal-domain check; got ${show(om.principalClaims[0])}`,
      );
    }
    if (om.replicas > 1 && v.target === "docker") {
      out.add(
        ["openmetadata", "replicas"],
        `must be 1 on a single Docker host; got ${om.replicas}. Use target kubernetes for more replicas`,
      );
    }
    // Without a kubernetes block its defaults apply: no sticky sessions.
    if (om.replicas > 1 && v.target === "kubernetes" && !v.kubernetes?.ingress.stickySessions) {
      out.add(
        ["openmetadata", "replicas"],
        `must be 1 unless the ingress has sticky sessions; got ${om.replicas}. Before OpenMetadata 2.0 each replica keeps its own login sessions, so logins fail with "Missing state parameter" (user pains P19, P20). Run: ${out.namer.set(["kubernetes", "ingress", "stickySessions"], "true")}`,
      );
    }
  }

  if (v.docker && v.target === "docker") dockerRules(v, publicUrl, out);
  if (v.kubernetes && v.target === "kubernetes") kubernetesRules(v, out);

  if (v.dataRetention === "delete" && production) {
    out.add(
      ["dataRetention"],
      `must be "retain" in a production stack; got "delete". Production data and signing keys are never deleted with the stack`,
    );
  }
}

function identityRules(
  v: Parsed,
  rules: { requireHttps: boolean; allowPath: boolean },
  out: IssueCollector,
): void {
  const identity = v.identity!;
  for (const [block, provider] of Object.entries(IDENTITY_BLOCKS)) {
    if (
      (identity as Record<string, unknown>)[block] !== undefined &&
      identity.provider !== provider
    ) {
      out.add(
        ["identity", block],
        `is only allowed with identity.provider ${provider}; got provider ${identity.provider}. Remove it: ${out.namer.remove(["identity", block])}`,
      );
    }
  }
  const isPublic = identity.clientType === "public";
  if (isPublic && CUSTOM_OIDC_PROVIDERS.includes(identity.provider)) {
    out.add(
      ["identity", "clientType"],
      `must be "confidential" with identity.provider ${identity.provider}; got "public". OpenMetadata 1.12 and 1.13 run public custom-oidc clients through the implicit flow (response_type=id_token), which this package never enables. Public clients work with okta, auth0 and entra`,
    );
  }

  switch (identity.provider) {
    case "local-keycloak":
      if (v.target !== undefined && v.target !== "docker") {
        out.add(
          ["identity", "provider"],
          `"local-keycloak" runs a Keycloak container on the Docker host, so it needs target docker; got target ${v.target}`,
        );
      }
      break;
    case "auth0":
      if (identity.auth0?.domain !== undefined && !DOMAIN.test(identity.auth0.domain)) {
        out.add(
          ["identity", "auth0", "domain"],
          `must be a host name like "acme.eu.auth0.com"; got ${show(identity.auth0.domain)}`,
        );
      }
      break;
    case "keycloak":
      if (identity.keycloak?.realm === undefined) {
        out.add(
          ["identity", "keycloak", "realm"],
          `is required. Set it: ${out.namer.set(["identity", "keycloak", "realm"], "openmetadata")}`,
        );
      }
      if (identity.keycloak?.url !== undefined) {
        const problem = urlProblem(identity.keycloak.url, rules);
        if (problem) out.add(["identity", "keycloak", "url"], problem);
      }
      break;
    case "entra":
      if (
        identity.entra?.signInAudience !== undefined &&
        !SIGN_IN_AUDIENCES.includes(identity.entra.signInAudience)
      ) {
        const hint = closest(identity.entra.signInAudience, SIGN_IN_AUDIENCES);
        out.add(
          ["identity", "entra", "signInAudience"],
          `must be one of ${SIGN_IN_AUDIENCES.join(", ")}; got ${show(identity.entra.signInAudience)}${hint ? `. Did you mean "${hint}"?` : ""}`,
        );
      }
      if (
        identity.entra &&
        !/^[0-9a-f-]{36}$/i.test(identity.entra.tenantId) &&
        !DOMAIN.test(identity.entra.tenantId)
      ) {
        out.add(
          ["identity", "entra", "tenantId"],
          `must be a directory id (a GUID) or a verified domain; got ${show(identity.entra.tenantId)}`,
        );
      }
      break;
    case "oidc":
      oidcRules(identity, isPublic, rules, out);
      break;
    default:
      break;
  }

  if (isPublic && identity.oidc?.clientSecret !== undefined) {
    out.add(
      ["identity", "oidc", "clientSecret"],
      `must not be set for a public client: a public client has no secret, and OpenMetadata would be configured inconsistently. Remove it: ${out.namer.remove(["identity", "oidc", "clientSecret"])}, or set identity.clientType to "confidential"`,
    );
  }
}

function oidcRules(
  identity: NonNullable<Parsed["identity"]>,
  isPublic: boolean,
  rules: { requireHttps: boolean; allowPath: boolean },
  out: IssueCollector,
): void {
  const oidc = identity.oidc;
  if (!oidc) {
    out.add(
      ["identity", "oidc", "issuer"],
      `is required with identity.provider oidc. Set it: ${out.namer.set(["identity", "oidc", "issuer"], "https://idp.example.com")}`,
    );
    return;
  }
  const issuerProblem = urlProblem(oidc.issuer, rules);
  if (issuerProblem) out.add(["identity", "oidc", "issuer"], issuerProblem);
  if (oidc.discoveryUrl !== undefined) {
    const problem = urlProblem(oidc.discoveryUrl, rules);
    if (problem) out.add(["identity", "oidc", "discoveryUrl"], problem);
    else if (!oidc.discoveryUrl.endsWith("/.well-known/openid-configuration")) {
      out.add(
        ["identity", "oidc", "discoveryUrl"],
        `must end with "/.well-known/openid-configuration"; got ${show(oidc.discoveryUrl)}`,
      );
    }
  }
  if (oidc.registration) {
    if (oidc.clientId !== undefined) {
      out.add(
        ["identity", "oidc", "clientId"],
        `must not be set with registration: true, because the provider assigns the id; got ${show(oidc.clientId)}. Remove it: ${out.namer.remove(["identity", "oidc", "clientId"])}`,
      );
    }
    if (oidc.clientSecret !== undefined && !isPublic) {
      out.add(
        ["identity", "oidc", "clientSecret"],
        `must not be set with registration: true, because the provider issues the secret. Remove it: ${out.namer.remove(["identity", "oidc", "clientSecret"])}`,
      );
    }
  } else {
    if (oidc.clientId === undefined) {
      out.add(
        ["identity", "oidc", "clientId"],
        `is required for an existing client (or set registration: true). Set it: ${out.namer.set(["identity", "oidc", "clientId"], "openmetadata")}`,
      );
    }
    if (!isPublic && oidc.clientSecret === undefined) {
      out.add(
        ["identity", "oidc", "clientSecret"],
        `is required for an existing confidential client. Set it: ${out.namer.setSecret(["identity", "oidc", "clientSecret"])}`,
      );
    }
    if (oidc.initialAccessToken !== undefined) {
      out.add(
        ["identity", "oidc", "initialAccessToken"],
        `is only used with registration: true. Remove it: ${out.namer.remove(["identity", "oidc", "initialAccessToken"])}`,
      );
    }
  }
  if (isPublic && oidc.tokenEndpointAuthMethod !== "client_secret_post") {
    out.add(
      ["identity", "oidc", "tokenEndpointAuthMethod"],
      `does not apply to a public client, which always uses "none" with PKCE; got ${show(oidc.tokenEndpointAuthMethod)}. Remove it`,
    );
  }
  if (!isPublic && oidc.tokenEndpointAuthMethod === "none") {
    out.add(
      ["identity", "oidc", "tokenEndpointAuthMethod"],
      `must be client_secret_post or client_secret_basic for a confidential client; got "none". Set identity.clientType to "public" for a client without a secret`,
    );
  }
}

function dockerRules(v: Parsed, publicUrl: string | undefined, out: IssueCollector): void {
  const docker = v.docker!;
  const https = publicUrl !== undefined && isHttps(publicUrl);
  const mode = docker.tls.mode;
  if (publicUrl !== undefined && mode === "off" && https) {
    out.add(
      ["docker", "tls", "mode"],
      `must be "generated" or "provided" for an https publicUrl; got "off". Nothing would serve ${publicUrl}`,
    );
  }
  if (publicUrl !== undefined && mode !== undefined && mode !== "off" && !https) {
    out.add(
      ["docker", "tls", "mode"],
      `must be "off" for an http publicUrl; got ${show(mode)}. Use an https publicUrl to serve TLS`,
    );
  }
  if (mode === "provided") {
    if (docker.tls.certificate === undefined) {
      out.add(
        ["docker", "tls", "certificate"],
        `is required with tls.mode "provided". Set it to the PEM certificate chain`,
      );
    } else if (!docker.tls.certificate.includes("-----BEGIN CERTIFICATE-----")) {
      out.add(
        ["docker", "tls", "certificate"],
        `must be a PEM certificate chain; got ${show(docker.tls.certificate)}`,
      );
    }
    if (docker.tls.privateKey === undefined) {
      out.add(
        ["docker", "tls", "privateKey"],
        `is required with tls.mode "provided". Set it: ${out.namer.setSecret(["docker", "tls", "privateKey"])}`,
      );
    }
  } else {
    if (docker.tls.certificate !== undefined) {
      out.add(["docker", "tls", "certificate"], `is only used with tls.mode "provided". Remove it`);
    }
    if (docker.tls.privateKey !== undefined) {
      out.add(
        ["docker", "tls", "privateKey"],
        `is only used with tls.mode "provided". Remove it: ${out.namer.remove(["docker", "tls", "privateKey"])}`,
      );
    }
  }
  // Every published host port must be distinct.
  const ports: [Path, number | undefined][] = [
    [["docker", "httpPort"], docker.httpPort ?? (publicUrl && !https ? portOf(publicUrl) : 8585)],
    [["docker", "adminPort"], docker.adminPort],
  ];
  if (https)
    ports.push([
      ["docker", "tls", "httpsPort"],
      docker.tls.httpsPort ?? (publicUrl ? portOf(publicUrl) : 443),
    ]);
  if (v.identity?.provider === "local-keycloak") {
    ports.push([["identity", "localKeycloak", "port"], v.identity.localKeycloak?.port ?? 8081]);
  }
  const taken = new Map<number, Path>();
  for (const [path, value] of ports) {
    if (value === undefined) continue;
    const other = taken.get(value);
    if (other) out.add(path, `must differ from ${out.namer.name(other)}; both are ${value}`);
    else taken.set(value, path);
  }
}

function kubernetesRules(v: Parsed, out: IssueCollector): void {
  const k8s = v.kubernetes!;
  if (k8s.dependencies === "external") {
    if (!k8s.database) {
      out.add(
        ["kubernetes", "database", "host"],
        `is required with dependencies "external". Set it: ${out.namer.set(["kubernetes", "database", "host"], "mysql.example.internal")}`,
      );
    } else if (k8s.database.password === undefined) {
      out.add(
        ["kubernetes", "database", "password"],
        `is required with dependencies "external". Set it: ${out.namer.setSecret(["kubernetes", "database", "password"])}`,
      );
    }
    if (!k8s.search) {
      out.add(
        ["kubernetes", "search", "host"],
        `is required with dependencies "external". Set it: ${out.namer.set(["kubernetes", "search", "host"], "opensearch.example.internal")}`,
      );
    } else if ((k8s.search.user === undefined) !== (k8s.search.password === undefined)) {
      const missing: Path =
        k8s.search.user === undefined
          ? ["kubernetes", "search", "user"]
          : ["kubernetes", "search", "password"];
      out.add(
        missing,
        `is required together with ${out.namer.name(k8s.search.user === undefined ? ["kubernetes", "search", "password"] : ["kubernetes", "search", "user"])}`,
      );
    }
  } else {
    for (const block of ["database", "search"] as const) {
      if (k8s[block] !== undefined) {
        out.add(
          ["kubernetes", block],
          `is only used with dependencies "external"; got dependencies "chart". Remove it: ${out.namer.remove(["kubernetes", block])}`,
        );
      }
    }
  }
  if (k8s.dependencies === "external" && v.openmetadata?.ingestion) {
    out.add(
      ["openmetadata", "ingestion"],
      `must be false with kubernetes.dependencies "external"; got true. Ingestion runs in the Airflow of the dependencies chart: set kubernetes.dependencies to "chart", or openmetadata.ingestion to false`,
    );
  }
  if (k8s.ingress.tls === "secret" && k8s.ingress.tlsSecretName === undefined) {
    out.add(
      ["kubernetes", "ingress", "tlsSecretName"],
      `is required with ingress.tls "secret". Set it: ${out.namer.set(["kubernetes", "ingress", "tlsSecretName"], "openmetadata-tls")}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Resolution of derived defaults.
// ---------------------------------------------------------------------------------------------

function resolve(v: z.output<z.ZodObject<typeof argSchemas>>): ResolvedSettings {
  const principalDomain = (v.principalDomain ?? EMAIL.exec(v.admins[0])![1]).toLowerCase();
  const https = isHttps(v.publicUrl);
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
    keys: { ...v.keys, issuer: v.keys.issuer ?? hostOf(v.publicUrl) },
    protect: v.protect ?? v.environment === "production",
    identity: {
      ...v.identity,
      localKeycloak:
        v.identity.provider === "local-keycloak"
          ? localKeycloakSchema.parse(v.identity.localKeycloak ?? {})
          : v.identity.localKeycloak,
    },
    docker: v.target === "docker" ? (docker ?? resolveDockerDefaults(v.publicUrl)) : undefined,
    kubernetes:
      v.target === "kubernetes" ? (v.kubernetes ?? kubernetesSchema.parse({})) : undefined,
  };
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

function parseAll(
  input: Record<string, unknown>,
  schemas: Record<TopLevelKey, AnySchema>,
  out: IssueCollector,
): Parsed {
  const parsed: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_KEYS) {
    const result = schemas[key].safeParse(input[key]);
    if (result.success) parsed[key] = result.data;
    else zodIssues(key, schemas[key], input[key], result.error.issues, out);
  }
  return parsed as Parsed;
}

/**
 * Validates component arguments and applies every default. Throws a {@link ConfigValidationError}
 * that lists every problem.
 */
export function validateArgs(args: OpenMetadataSsoArgs): ResolvedSettings {
  return validateWith(
    args as unknown as Record<string, unknown>,
    new IssueCollector(argsNamer),
    true,
  );
}

function validateWith(
  input: Record<string, unknown>,
  out: IssueCollector,
  checkUnknown: boolean,
): ResolvedSettings {
  if (checkUnknown) {
    for (const key of Object.keys(input)) {
      if (!(TOP_LEVEL_KEYS as string[]).includes(key) && input[key] !== undefined) {
        unknownKey(out, [], key, TOP_LEVEL_KEYS);
      }
    }
  }
  const parsed = parseAll(input, argSchemas, out);
  crossFieldRules(parsed, out);
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
}

/** The component arguments read from stack config, plus what the offline render substituted. */
export interface StackConfig {
  args: OpenMetadataSsoArgs;
  /** Secret keys that were missing and got an offline placeholder. */
  placeholders: string[];
}

const SENSITIVE_PROVIDER_KEYS = [
  "okta:apiToken",
  "okta:privateKey",
  "okta:accessToken",
  "auth0:clientSecret",
  "auth0:apiToken",
  "keycloak:clientSecret",
  "keycloak:password",
  "azuread:clientSecret",
  "azuread:clientCertificatePassword",
];

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
    if (namespace === NAMESPACE && !knownOwn.includes(key)) {
      const hint = closest(key, knownOwn);
      out.addKey(
        fullKey,
        `is not a known setting, so it would be ignored.${hint ? ` Did you mean ${NAMESPACE}:${hint}?` : ` Known keys: ${knownOwn.join(", ")}.`}`,
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

  // Secrets: plain text is an error that shows the command to run instead.
  for (const fullKey of [...SECRET_KEYS.map((entry) => entry.key), ...SENSITIVE_PROVIDER_KEYS]) {
    if (raw.values[fullKey] !== undefined && !raw.secretKeys.has(fullKey)) {
      out.addKey(
        fullKey,
        `is stored in plain text (value hidden); it must be a secret. Run: pulumi config set --secret ${fullKey} <value>`,
      );
    }
  }

  // Parse the config-shaped schema first: its messages name config keys.
  const parsed = parseAll(input, configSchemas, out);
  const args = toArgs(parsed, raw, env, offline, out);
  crossFieldRules(args.parsed, out);
  if (!offline && parsed.identity) credentialRules(parsed.identity.provider, raw, env, out);
  if (out.issues.length > 0) throw new ConfigValidationError(out.issues, "stack config");
  // The component validates again with argument names; it cannot fail where this passed.
  return { args: args.args, placeholders: args.placeholders };
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

/** Moves secret keys and provider values into the argument shape. */
function toArgs(
  parsed: Parsed,
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
  const place = (path: string, value: unknown) => {
    if (value === undefined) return;
    const parts = path.split(".");
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
    secretFor(`${NAMESPACE}:tlsPrivateKey`, parsed.docker?.tls.mode === "provided"),
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
    if (IDENTITY_BLOCKS[block] !== provider) continue;
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
      if (!has("okta:orgName", "OKTA_ORG_NAME")) {
        out.addKey(
          "okta:orgName",
          `is required by identity.provider okta. Run: pulumi config set okta:orgName <org> (or export OKTA_ORG_NAME)`,
        );
      }
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
