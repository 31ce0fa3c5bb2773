/**
 * OpenMetadata's security settings, as pure functions: no Pulumi resources, no I/O.
 *
 * This is the one module that knows OpenMetadata's environment variable names, its
 * `openmetadata.yaml` keys and the Helm chart's value keys. Targets call it; they never name an
 * OpenMetadata setting themselves.
 *
 * Secrets never pass through here as values. Where a secret belongs, the functions emit a
 * {@link SecretRef}, and the target substitutes its own secret output (a secret env entry on
 * Docker, a `secretKeyRef` on Kubernetes). That keeps previews readable: only the secret entries
 * are masked, never the whole environment.
 */
import { stringify } from "yaml";
import type { IdentityFacts } from "./identity/types";
import type { DatabaseEngine, SearchEngine } from "./types";
import { callbackUrl, openMetadataJwksUrl } from "./urls";

/** Directory the JWT key files are mounted in, on every target. */
export const KEY_DIRECTORY = "/etc/openmetadata/jwtkeys";

/** Absolute paths of the key files; OpenMetadata resolves relative ones against its WORKDIR. */
export const KEY_PATHS = {
  privateKey: `${KEY_DIRECTORY}/private_key.der`,
  publicKey: `${KEY_DIRECTORY}/public_key.der`,
} as const;

/** OpenMetadata's shipped defaults. None of them may reach a deployment. */
export const SHIPPED_DEFAULTS = {
  keyId: "Gb389a-9f76-gdjs-a92j-0242bk94356",
  fernetKey: "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=",
  privateKeyPath: "./conf/private_key.der",
  publicKeyPath: "./conf/public_key.der",
  jwtIssuer: "open-metadata.org",
  adminPrincipals: ["admin"],
} as const;

/** Secrets a target holds and substitutes for {@link SecretRef}s. */
export type SecretName =
  "oidcClientSecret" | "fernetKey" | "databasePassword" | "searchPassword" | "airflowPassword";

/** Placeholder for a secret value: the target fills it from its own secret output. */
export interface SecretRef {
  secret: SecretName;
}

/** An environment value: plain text, or a reference to a secret. */
export type EnvValue = string | SecretRef;

/** OpenMetadata server environment, by variable name. */
export type ServerEnv = Record<string, EnvValue>;

/** True for a {@link SecretRef}. */
export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === "object" && value !== null && "secret" in value;
}

/** Everything OpenMetadata's security settings are derived from, as plain values. */
export interface SecurityInput {
  /** Browser-facing origin; authority and callback derive from it. */
  publicUrl: string;
  /** Base URL of the server inside its network, for OpenMetadata's own JWKS. */
  internalUrl: string;
  /** The identity app's facts. */
  identity: IdentityFacts;
  /** Admin emails, all in `principalDomain`. */
  admins: string[];
  principalDomain: string;
  enableSelfSignup: boolean;
  principalClaims: string[];
  /** Key id, issuer and absolute key file paths. */
  jwt: { keyId: string; issuer: string; privateKeyPath: string; publicKeyPath: string };
  /** TLS terminates in a proxy or ingress in front of the server. */
  behindTlsProxy: boolean;
}

/** Where the server finds its dependencies. */
export interface Topology {
  database: {
    engine: DatabaseEngine;
    host: string;
    port: number;
    name: string;
    user: string;
  };
  search: {
    engine: SearchEngine;
    host: string;
    port: number;
    scheme: string;
    /** Basic-auth user; its password is the `searchPassword` secret. */
    user?: string;
  };
  /** Airflow API endpoint, when ingestion runs. */
  airflowEndpoint?: string;
  heapSize: string;
  clusterName: string;
}

/** OpenMetadata's list syntax for env values: a YAML flow sequence of quoted strings. */
export function flowList(items: readonly string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(",")}]`;
}

/** Parses {@link flowList} output (and OpenMetadata's unquoted `[a,b]` form) back to items. */
export function parseFlowList(value: string): string[] {
  const inner = value.trim().replace(/^\[/, "").replace(/\]$/, "").trim();
  if (!inner) return [];
  return inner.split(",").map((item) => {
    const trimmed = item.trim();
    return trimmed.startsWith('"') ? (JSON.parse(trimmed) as string) : trimmed;
  });
}

/** Local parts of admin emails: OpenMetadata names users by them. */
export function adminPrincipals(admins: readonly string[]): string[] {
  return admins.map((email) => email.slice(0, email.indexOf("@")).toLowerCase());
}

/** `AUTHENTICATION_PUBLIC_KEYS`: the IdP's JWKS, then OpenMetadata's own (user pains P11, P13). */
export function publicKeyUrls(input: Pick<SecurityInput, "identity" | "internalUrl">): string[] {
  return [input.identity.jwksUrl, openMetadataJwksUrl(input.internalUrl)];
}

/**
 * The security environment: authentication, authorizer, JWT and fernet settings, with the exact
 * variable names OpenMetadata reads.
 */
export function securityEnv(input: SecurityInput): ServerEnv {
  const { identity } = input;
  const confidential = identity.clientType === "confidential";
  const env: ServerEnv = {
    AUTHENTICATION_PROVIDER: identity.openMetadataProvider,
    CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: identity.providerName,
    AUTHENTICATION_PUBLIC_KEYS: flowList(publicKeyUrls(input)),
    AUTHENTICATION_AUTHORITY: identity.issuer,
    AUTHENTICATION_CLIENT_ID: identity.clientId,
    AUTHENTICATION_CALLBACK_URL: callbackUrl(input.publicUrl),
    AUTHENTICATION_CLIENT_TYPE: identity.clientType,
    AUTHENTICATION_RESPONSE_TYPE: "code",
    AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: flowList(input.principalClaims),
    AUTHENTICATION_ENABLE_SELF_SIGNUP: String(input.enableSelfSignup),
    AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM: "RS256",
    FORCE_SECURE_SESSION_COOKIE: String(input.publicUrl.startsWith("https:")),
    SERVER_USE_FORWARDED_HEADERS: String(input.behindTlsProxy),
    AUTHORIZER_CLASS_NAME: "org.openmetadata.service.security.DefaultAuthorizer",
    AUTHORIZER_REQUEST_FILTER: "org.openmetadata.service.security.JwtFilter",
    AUTHORIZER_ADMIN_PRINCIPALS: flowList(adminPrincipals(input.admins)),
    AUTHORIZER_PRINCIPAL_DOMAIN: input.principalDomain,
    AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN: "true",
    AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN: flowList([input.principalDomain]),
    AUTHORIZER_ENABLE_SECURE_SOCKET: "false",
    RSA_PUBLIC_KEY_FILE_PATH: input.jwt.publicKeyPath,
    RSA_PRIVATE_KEY_FILE_PATH: input.jwt.privateKeyPath,
    JWT_ISSUER: input.jwt.issuer,
    JWT_KEY_ID: input.jwt.keyId,
    FERNET_KEY: { secret: "fernetKey" },
  };
  if (confidential) Object.assign(env, oidcEnv(input));
  return env;
}

/** The confidential client's server-side OIDC settings (`oidcConfiguration`). */
function oidcEnv(input: SecurityInput): ServerEnv {
  const { identity } = input;
  const env: ServerEnv = {
    OIDC_CLIENT_ID: identity.clientId,
    OIDC_TYPE: identity.openMetadataProvider,
    OIDC_CLIENT_SECRET: { secret: "oidcClientSecret" },
    OIDC_SCOPE: "openid email profile",
    OIDC_DISCOVERY_URI: identity.discoveryUrl,
    OIDC_USE_NONCE: "true",
    OIDC_PREFERRED_JWS: "RS256",
    OIDC_RESPONSE_TYPE: "code",
    OIDC_DISABLE_PKCE: String(!identity.pkce),
    OIDC_CALLBACK: callbackUrl(input.publicUrl),
    OIDC_SERVER_URL: input.publicUrl,
    OIDC_CLIENT_AUTH_METHOD: identity.tokenEndpointAuthMethod,
    OIDC_CUSTOM_PARAMS: "{}",
    // OpenMetadata's defaults send prompt=consent and max_age=0, which force a consent screen and
    // a fresh password entry at every login. Empty values omit both parameters.
    OIDC_PROMPT_TYPE: "",
    OIDC_MAX_AGE: "",
    OIDC_SESSION_EXPIRY: "604800",
  };
  if (identity.tenant) env.OIDC_TENANT = identity.tenant;
  return env;
}

const DRIVERS: Record<DatabaseEngine, { driverClass: string; scheme: string }> = {
  mysql: { driverClass: "com.mysql.cj.jdbc.Driver", scheme: "mysql" },
  postgresql: { driverClass: "org.postgresql.Driver", scheme: "postgresql" },
};

/** JDBC parameters OpenMetadata's quickstart uses for both engines. */
export const DB_PARAMS = "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC";

/** JDBC driver class and URL scheme of a database engine. */
export function databaseDriver(engine: DatabaseEngine): { driverClass: string; scheme: string } {
  return DRIVERS[engine];
}

/** The full server environment: security settings plus database, search and pipeline client. */
export function serverEnv(input: SecurityInput, topology: Topology): ServerEnv {
  const { database, search } = topology;
  const env: ServerEnv = {
    ...securityEnv(input),
    OPENMETADATA_CLUSTER_NAME: topology.clusterName,
    OPENMETADATA_HEAP_OPTS: `-Xmx${topology.heapSize} -Xms${topology.heapSize}`,
    SERVER_PORT: "8585",
    SERVER_ADMIN_PORT: "8586",
    DB_DRIVER_CLASS: DRIVERS[database.engine].driverClass,
    DB_SCHEME: DRIVERS[database.engine].scheme,
    DB_HOST: database.host,
    DB_PORT: String(database.port),
    OM_DATABASE: database.name,
    DB_USER: database.user,
    DB_USER_PASSWORD: { secret: "databasePassword" },
    DB_PARAMS,
    SEARCH_TYPE: search.engine,
    ELASTICSEARCH_HOST: search.host,
    ELASTICSEARCH_PORT: String(search.port),
    ELASTICSEARCH_SCHEME: search.scheme,
    SERVER_HOST_API_URL: `${input.internalUrl}/api`,
    PIPELINE_SERVICE_CLIENT_ENABLED: String(topology.airflowEndpoint !== undefined),
  };
  if (search.user !== undefined) {
    env.ELASTICSEARCH_USER = search.user;
    env.ELASTICSEARCH_PASSWORD = { secret: "searchPassword" };
  }
  if (topology.airflowEndpoint !== undefined) {
    Object.assign(env, {
      PIPELINE_SERVICE_CLIENT_ENDPOINT: topology.airflowEndpoint,
      AIRFLOW_USERNAME: "admin",
      AIRFLOW_PASSWORD: { secret: "airflowPassword" },
    });
  } else {
    env.PIPELINE_SERVICE_CLIENT_CLASS_NAME =
      "org.openmetadata.service.clients.pipeline.noop.NoopClient";
  }
  return env;
}

/** Replaces every secret reference: with its value, or with a marker such as `[secret]`. */
export function resolveEnv(
  env: ServerEnv,
  secret: (name: SecretName) => string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      isSecretRef(value) ? secret(value.secret) : value,
    ]),
  );
}

/** `NAME=value` lines sorted by name, the `openmetadata.env` format. */
export function formatEnvFile(env: Record<string, string>): string {
  return (
    Object.keys(env)
      .sort()
      .map((name) => `${name}=${env[name]}`)
      .join("\n") + "\n"
  );
}

// ---------------------------------------------------------------------------------------------
// openmetadata.yaml, for people who run OpenMetadata on their own hosts.
// ---------------------------------------------------------------------------------------------

type YamlKind = "string" | "boolean" | "list" | "json";

/**
 * Where each security variable sits in `openmetadata.yaml`. The snippet is built from the env
 * through this table, so the two cannot disagree.
 */
export const SECURITY_YAML_KEYS: Record<string, { path: string[]; kind: YamlKind }> = {
  AUTHENTICATION_PROVIDER: { path: ["authenticationConfiguration", "provider"], kind: "string" },
  CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: {
    path: ["authenticationConfiguration", "providerName"],
    kind: "string",
  },
  AUTHENTICATION_PUBLIC_KEYS: {
    path: ["authenticationConfiguration", "publicKeyUrls"],
    kind: "list",
  },
  AUTHENTICATION_AUTHORITY: { path: ["authenticationConfiguration", "authority"], kind: "string" },
  AUTHENTICATION_CLIENT_ID: { path: ["authenticationConfiguration", "clientId"], kind: "string" },
  AUTHENTICATION_CALLBACK_URL: {
    path: ["authenticationConfiguration", "callbackUrl"],
    kind: "string",
  },
  AUTHENTICATION_CLIENT_TYPE: {
    path: ["authenticationConfiguration", "clientType"],
    kind: "string",
  },
  AUTHENTICATION_RESPONSE_TYPE: {
    path: ["authenticationConfiguration", "responseType"],
    kind: "string",
  },
  AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: {
    path: ["authenticationConfiguration", "jwtPrincipalClaims"],
    kind: "list",
  },
  AUTHENTICATION_ENABLE_SELF_SIGNUP: {
    path: ["authenticationConfiguration", "enableSelfSignup"],
    kind: "boolean",
  },
  AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM: {
    path: ["authenticationConfiguration", "tokenValidationAlgorithm"],
    kind: "string",
  },
  FORCE_SECURE_SESSION_COOKIE: {
    path: ["authenticationConfiguration", "forceSecureSessionCookie"],
    kind: "boolean",
  },
  OIDC_CLIENT_ID: {
    path: ["authenticationConfiguration", "oidcConfiguration", "id"],
    kind: "string",
  },
  OIDC_TYPE: { path: ["authenticationConfiguration", "oidcConfiguration", "type"], kind: "string" },
  OIDC_CLIENT_SECRET: {
    path: ["authenticationConfiguration", "oidcConfiguration", "secret"],
    kind: "string",
  },
  OIDC_SCOPE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "scope"],
    kind: "string",
  },
  OIDC_DISCOVERY_URI: {
    path: ["authenticationConfiguration", "oidcConfiguration", "discoveryUri"],
    kind: "string",
  },
  OIDC_USE_NONCE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "useNonce"],
    kind: "boolean",
  },
  OIDC_PREFERRED_JWS: {
    path: ["authenticationConfiguration", "oidcConfiguration", "preferredJwsAlgorithm"],
    kind: "string",
  },
  OIDC_RESPONSE_TYPE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "responseType"],
    kind: "string",
  },
  OIDC_DISABLE_PKCE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "disablePkce"],
    kind: "boolean",
  },
  OIDC_CALLBACK: {
    path: ["authenticationConfiguration", "oidcConfiguration", "callbackUrl"],
    kind: "string",
  },
  OIDC_SERVER_URL: {
    path: ["authenticationConfiguration", "oidcConfiguration", "serverUrl"],
    kind: "string",
  },
  OIDC_CLIENT_AUTH_METHOD: {
    path: ["authenticationConfiguration", "oidcConfiguration", "clientAuthenticationMethod"],
    kind: "string",
  },
  OIDC_TENANT: {
    path: ["authenticationConfiguration", "oidcConfiguration", "tenant"],
    kind: "string",
  },
  OIDC_CUSTOM_PARAMS: {
    path: ["authenticationConfiguration", "oidcConfiguration", "customParams"],
    kind: "json",
  },
  OIDC_PROMPT_TYPE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "prompt"],
    kind: "string",
  },
  OIDC_MAX_AGE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "maxAge"],
    kind: "string",
  },
  OIDC_SESSION_EXPIRY: {
    path: ["authenticationConfiguration", "oidcConfiguration", "sessionExpiry"],
    kind: "string",
  },
  AUTHORIZER_CLASS_NAME: { path: ["authorizerConfiguration", "className"], kind: "string" },
  AUTHORIZER_REQUEST_FILTER: {
    path: ["authorizerConfiguration", "containerRequestFilter"],
    kind: "string",
  },
  AUTHORIZER_ADMIN_PRINCIPALS: {
    path: ["authorizerConfiguration", "adminPrincipals"],
    kind: "list",
  },
  AUTHORIZER_PRINCIPAL_DOMAIN: {
    path: ["authorizerConfiguration", "principalDomain"],
    kind: "string",
  },
  AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN: {
    path: ["authorizerConfiguration", "enforcePrincipalDomain"],
    kind: "boolean",
  },
  AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN: {
    path: ["authorizerConfiguration", "allowedEmailRegistrationDomains"],
    kind: "list",
  },
  AUTHORIZER_ENABLE_SECURE_SOCKET: {
    path: ["authorizerConfiguration", "enableSecureSocketConnection"],
    kind: "boolean",
  },
  RSA_PUBLIC_KEY_FILE_PATH: {
    path: ["jwtTokenConfiguration", "rsapublicKeyFilePath"],
    kind: "string",
  },
  RSA_PRIVATE_KEY_FILE_PATH: {
    path: ["jwtTokenConfiguration", "rsaprivateKeyFilePath"],
    kind: "string",
  },
  JWT_ISSUER: { path: ["jwtTokenConfiguration", "jwtissuer"], kind: "string" },
  JWT_KEY_ID: { path: ["jwtTokenConfiguration", "keyId"], kind: "string" },
};

function yamlValue(value: string, kind: YamlKind): unknown {
  switch (kind) {
    case "boolean":
      return value === "true";
    case "list":
      return parseFlowList(value);
    case "json":
      return JSON.parse(value) as unknown;
    default:
      return value;
  }
}

/**
 * The `authenticationConfiguration`, `authorizerConfiguration` and `jwtTokenConfiguration` blocks
 * as they sit in `openmetadata.yaml`, built from resolved env values.
 */
export function securityYamlObject(env: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, { path, kind }] of Object.entries(SECURITY_YAML_KEYS)) {
    if (env[name] === undefined) continue;
    let node = root;
    for (const part of path.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = yamlValue(env[name], kind);
  }
  return root;
}

/** {@link securityYamlObject} as YAML text. */
export function securityYaml(env: Record<string, string>): string {
  return stringify(securityYamlObject(env), { lineWidth: 0 });
}

/** Dropwizard's env substitution: the bare-metal snippet names secrets instead of holding them. */
export function envReference(name: string): string {
  return `\${${name}}`;
}

/**
 * The ingestion `workflowConfig.openMetadataServerConfig` for CLI or external schedulers. With
 * SSO, ingestion authenticates with an OpenMetadata-signed bot token (`authProvider: openmetadata`).
 */
export function workflowConfig(hostPort: string, jwtToken: string): string {
  return stringify(
    {
      workflowConfig: {
        openMetadataServerConfig: {
          hostPort,
          authProvider: "openmetadata",
          securityConfig: { jwtToken },
        },
      },
    },
    { lineWidth: 0 },
  );
}
