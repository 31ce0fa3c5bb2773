/**
 * Cases shared by the Helm values tests and the KubernetesDeployment mock tests: validated
 * settings, identity facts and the chart inputs the component derives from them.
 */
import * as pulumi from "@pulumi/pulumi";
import { validateArgs, type ResolvedSettings } from "../../components/config";
import type { IdentityApp, IdentityFacts } from "../../components/identity/types";
import type { IdentityArgs } from "../../components/types";
import {
  chartSecretRefs,
  kubernetesNames,
  kubernetesTopology,
  OBJECT_KEYS,
  RELEASES,
} from "../../components/kubernetes";
import {
  coalesceValues,
  goQuote,
  KEY_PATHS,
  type ChartInput,
  type ChartSecretContents,
  type SecurityInput,
} from "../../components/settings";
import {
  CHART_ENV_SECRETS,
  CHART_SECRET_KEY_REFS,
  VALUES_DEFAULTS,
  VALUES_SCHEMA,
  type Condition,
  type Encoding,
} from "./openmetadata-chart";

/** The value at a dot-separated path, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The chart's defaults ({@link VALUES_DEFAULTS}) as a values tree. */
export function chartDefaults(): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(VALUES_DEFAULTS)) {
    const keys = path.split(".");
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]] = structuredClone(value);
  }
  return root;
}

/** A JSON Schema for the release values, written from the constraints in {@link VALUES_SCHEMA}. */
export function valuesSchema(path = ""): Record<string, unknown> {
  const rule = VALUES_SCHEMA[path];
  if (!rule) throw new Error(`VALUES_SCHEMA has no rule for "${path}"`);
  const { keys, closed, inner: _inner, ...constraints } = rule;
  const schema: Record<string, unknown> = { ...constraints };
  if (keys !== undefined) {
    schema.properties = Object.fromEntries(
      keys.split(" ").map((key) => [key, valuesSchema(path ? `${path}.${key}` : key)]),
    );
  }
  if (closed) schema.additionalProperties = false;
  if (`${path}[]` in VALUES_SCHEMA) schema.items = valuesSchema(`${path}[]`);
  return schema;
}

/** Go template truth, as the chart's `if` and `with` test it. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "")
    return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function holds(values: unknown, condition: Condition): boolean {
  let match: RegExpExecArray | null;
  if ((match = /^(\S+) (==|!=) (\S+)$/.exec(condition))) {
    return (valueAt(values, match[1]) === match[3]) === (match[2] === "==");
  }
  if ((match = /^(\S+) \| default true$/.exec(condition))) {
    // Sprig's `default` replaces every empty value, false included, so this always holds.
    const value = valueAt(values, match[1]);
    return truthy(truthy(value) ? value : true);
  }
  if ((match = /^(\S+) in (.+)$/.exec(condition))) {
    return match[2].split(", ").includes(valueAt(values, match[1]) as string);
  }
  if (condition.startsWith("!")) return !truthy(valueAt(values, condition.slice(1)));
  return truthy(valueAt(values, condition));
}

/** Go's `fmt.Sprint` of a scalar, as the templates print values. */
function printed(value: unknown, where: string): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  throw new Error(`${where}: the facts print only scalars; got ${JSON.stringify(value)}`);
}

function encoded(encoding: Encoding, value: unknown, where: string): string {
  const quote = (item: unknown) =>
    item === undefined || item === null ? "" : goQuote(printed(item, where));
  switch (encoding) {
    case "quote":
      return quote(value);
    case "plain":
      return printed(value, where);
    case "integer":
      return String(Math.trunc(Number(value)));
    case "list":
      return `[${((value ?? []) as unknown[]).map(quote).join(",")}]`;
    default:
      throw new Error(`${where}: the facts' ${encoding} encoding is not evaluated here`);
  }
}

/** One line of {@link CHART_ENV_SECRETS}. */
export function parseEnvFact(line: string) {
  const match = /^(\w+) = (\w+) ("(?:[^"\\]|\\.)*"|\S+)(?: if (.+))?$/.exec(line);
  if (!match) throw new Error(`Not an env fact: ${line}`);
  const [, name, encoding, source, when] = match;
  return {
    name,
    encoding: encoding as Encoding,
    literal: source.startsWith('"') ? (JSON.parse(source) as string) : undefined,
    path: source.startsWith('"') ? undefined : source,
    when: when ? when.split(" and ") : [],
  };
}

/**
 * The server container's env as the chart's facts give it for `values` (merged over the chart's
 * defaults), with each `secretKeyRef` looked up in `secrets`: the `envFrom` Secrets in order, then
 * `env` (the chart's Secret references, then `extraEnvs`), a later variable winning.
 */
export function chartEnvFromFacts<V>(
  values: Record<string, unknown>,
  secrets: ChartSecretContents<V>,
): Record<string, string | V> {
  const merged = coalesceValues(chartDefaults(), values) as Record<string, unknown>;
  const env: Record<string, string | V> = {};
  for (const secret of CHART_ENV_SECRETS) {
    if (!secret.when.every((condition) => holds(merged, condition))) continue;
    for (const fact of secret.env.map(parseEnvFact)) {
      if (!fact.when.every((condition) => holds(merged, condition))) continue;
      env[fact.name] =
        fact.encoding === "literal"
          ? fact.literal!
          : encoded(
              fact.encoding,
              fact.literal ?? valueAt(merged, fact.path!),
              `${secret.suffix} ${fact.name}`,
            );
    }
  }
  const lookup = (name: string, secretName: string, key: string): V => {
    const value = secrets[secretName]?.[key];
    if (value === undefined) throw new Error(`${name}: no key "${key}" in Secret "${secretName}"`);
    return value;
  };
  for (const ref of CHART_SECRET_KEY_REFS) {
    if (!ref.when.every((condition) => holds(merged, condition))) continue;
    const secretName = valueAt(merged, `${ref.ref}.secretRef`) as string;
    env[ref.name] = lookup(ref.name, secretName, valueAt(merged, `${ref.ref}.secretKey`) as string);
  }
  for (const entry of (merged.extraEnvs ?? []) as {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
  }[]) {
    env[entry.name] = entry.valueFrom
      ? lookup(entry.name, entry.valueFrom.secretKeyRef.name, entry.valueFrom.secretKeyRef.key)
      : (entry.value ?? "");
  }
  return env;
}

export const KEY_ID = "3f1c2b7a-0d4e-4c9a-9b1e-5a6f7c8d9e0f";
export const PUBLIC_URL = "https://om.example.com";

export interface Case {
  provider: "okta" | "auth0" | "keycloak";
  clientType: "confidential" | "public";
  dependencies: "chart" | "external";
  replicas: number;
  ingestion?: boolean;
  /** External search with basic authentication. */
  searchUser?: boolean;
  /** The server's egress proxy, {@link EGRESS_PROXY}. */
  egressProxy?: boolean;
}

/** The egress proxy of the cases that have one. */
export const EGRESS_PROXY = {
  url: "http://proxy.corp.example.com:3128",
  noProxy: ["*.corp.example.com"],
};

export function caseName(c: Case): string {
  return `${c.provider} ${c.clientType}, ${c.dependencies} dependencies, ${c.replicas} replica${c.replicas === 1 ? "" : "s"}${c.ingestion ? ", ingestion" : ""}${c.searchUser ? ", search user" : ""}${c.egressProxy ? ", egress proxy" : ""}`;
}

/** Settings as validateArgs resolves them for a case. */
export function caseSettings(c: Case): ResolvedSettings {
  return validateArgs({
    environment: "production",
    publicUrl: PUBLIC_URL,
    target: "kubernetes",
    admins: ["Alice@example.com", "bob@example.com"],
    identity: (
      {
        okta: { provider: "okta", clientType: c.clientType },
        auth0: { provider: "auth0", clientType: c.clientType, auth0: { domain: AUTH0_DOMAIN } },
        keycloak: {
          provider: "keycloak",
          clientType: c.clientType,
          keycloak: { url: "https://sso.example.com", realm: "openmetadata" },
        },
      } satisfies Record<Case["provider"], IdentityArgs>
    )[c.provider],
    keys: { bits: 2048 },
    openmetadata: {
      replicas: c.replicas,
      ingestion: c.ingestion ?? false,
      ...(c.egressProxy ? { egressProxy: EGRESS_PROXY } : {}),
    },
    kubernetes: {
      namespace: "om",
      dependencies: c.dependencies,
      ingress: { stickySessions: c.replicas > 1 },
      ...(c.dependencies === "external"
        ? {
            database: {
              engine: "postgresql",
              host: "pg.example.internal",
              password: "external-database-password-1",
            },
            search: {
              host: "search.example.internal",
              port: 9243,
              scheme: "https",
              ...(c.searchUser
                ? { user: "openmetadata", password: "external-search-password-1" }
                : {}),
            },
          }
        : {}),
    },
  });
}

/** The Auth0 tenant of the Auth0 cases. */
export const AUTH0_DOMAIN = "acme.eu.auth0.com";

/** What each provider's identity app reports, apart from the client type. */
const PROVIDER_FACTS = {
  okta: {
    clientId: "0oa1234567890abcdef",
    issuer: "https://example.okta.com/oauth2/default",
    discoveryUrl: "https://example.okta.com/oauth2/default/.well-known/openid-configuration",
    jwksUrl: "https://example.okta.com/oauth2/default/v1/keys",
    openMetadataProvider: "okta",
    providerName: "Okta",
  },
  auth0: {
    clientId: "Zq3kVb8nR2xT6yW0pL4sD7fH9jM1cA5e",
    // Auth0's issuer ends with a slash, and its URLs are built on it.
    issuer: `https://${AUTH0_DOMAIN}/`,
    discoveryUrl: `https://${AUTH0_DOMAIN}/.well-known/openid-configuration`,
    jwksUrl: `https://${AUTH0_DOMAIN}/.well-known/jwks.json`,
    openMetadataProvider: "auth0",
    providerName: "Auth0",
  },
  keycloak: {
    clientId: "openmetadata",
    issuer: "https://sso.example.com/realms/openmetadata",
    discoveryUrl: "https://sso.example.com/realms/openmetadata/.well-known/openid-configuration",
    jwksUrl: "https://sso.example.com/realms/openmetadata/protocol/openid-connect/certs",
    openMetadataProvider: "custom-oidc",
    providerName: "Keycloak",
  },
} as const satisfies Record<
  Case["provider"],
  Pick<
    IdentityFacts,
    "clientId" | "issuer" | "discoveryUrl" | "jwksUrl" | "openMetadataProvider" | "providerName"
  >
>;

/** What the identity app of a case reports. */
export function caseIdentity(c: Case): IdentityFacts {
  return {
    ...PROVIDER_FACTS[c.provider],
    clientType: c.clientType,
    tokenEndpointAuthMethod: c.clientType === "public" ? "none" : "client_secret_post",
    pkce: true,
    redirectUris: [`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/auth/callback`],
  };
}

/**
 * An identity app that reports a case's facts, without registering anything; a confidential
 * client gets `clientSecret` as a Pulumi secret.
 */
export function fakeApp(
  c: Case,
  clientSecret = "okta-client-secret-0123456789abcdef",
): IdentityApp {
  const facts = caseIdentity(c);
  return {
    clientId: pulumi.output(facts.clientId),
    clientSecret: c.clientType === "confidential" ? pulumi.secret(clientSecret) : undefined,
    issuer: pulumi.output(facts.issuer),
    discoveryUrl: pulumi.output(facts.discoveryUrl),
    jwksUrl: pulumi.output(facts.jwksUrl),
    openMetadataProvider: facts.openMetadataProvider,
    providerName: facts.providerName,
    clientType: facts.clientType,
    tokenEndpointAuthMethod: facts.tokenEndpointAuthMethod,
    pkce: facts.pkce,
    redirectUris: facts.redirectUris,
  };
}

/** The security input the component builds (deployment.ts securityInput) for a case. */
export function caseInput(c: Case, keyId = KEY_ID): SecurityInput {
  const settings = caseSettings(c);
  return {
    publicUrl: PUBLIC_URL,
    internalUrl: `http://${RELEASES.server}:8585`,
    identity: caseIdentity(c),
    admins: settings.admins,
    principalDomain: settings.principalDomain,
    enableSelfSignup: settings.openmetadata.enableSelfSignup,
    principalClaims: settings.openmetadata.principalClaims,
    jwt: {
      keyId,
      issuer: "om.example.com",
      privateKeyPath: KEY_PATHS.privateKey,
      publicKeyPath: KEY_PATHS.publicKey,
    },
    behindTlsProxy: true,
  };
}

/** The chart input the component builds for a case, named after component `name`. */
export function caseChart(
  c: Case,
  podAnnotations: Record<string, string> = {},
  name = "om",
): ChartInput {
  const settings = caseSettings(c);
  const names = kubernetesNames(name);
  const ingress = settings.kubernetes!.ingress;
  return {
    version: settings.openmetadata.version,
    replicas: settings.openmetadata.replicas,
    topology: kubernetesTopology(settings),
    serviceName: RELEASES.server,
    secrets: chartSecretRefs(names, settings, c.clientType === "confidential"),
    keyFiles: {
      secretName: names.privateKeySecret,
      secretKey: OBJECT_KEYS.privateKey,
      configMapName: names.publicKeyConfigMap,
      configMapKey: OBJECT_KEYS.publicKey,
    },
    ingress: {
      className: ingress.className,
      tls: ingress.tls,
      tlsSecretName: names.tlsSecret,
      clusterIssuer: ingress.clusterIssuer,
      stickySessions: ingress.stickySessions,
    },
    podAnnotations,
  };
}

/** Every case the schema must accept. */
export const SCHEMA_CASES: Case[] = (
  [
    { provider: "okta", clientType: "confidential" },
    { provider: "okta", clientType: "public" },
    { provider: "auth0", clientType: "confidential" },
    { provider: "auth0", clientType: "public" },
    { provider: "keycloak", clientType: "confidential" },
  ] as const
).flatMap((identity) =>
  (["chart", "external"] as const).flatMap((dependencies) =>
    [1, 3].map((replicas) => ({ ...identity, dependencies, replicas })),
  ),
);
