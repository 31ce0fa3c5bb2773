/**
 * OpenMetadata's server environment: the security settings (authentication, authorizer, JWT,
 * fernet) and the database, search and pipeline settings, with the exact variable names
 * OpenMetadata reads. Secrets appear as {@link SecretRef}s, never as values.
 */
import type { IdentityFacts } from "../identity/types";
import type { DatabaseEngine, OpenMetadataProvider, SearchEngine } from "../types";
import { callbackUrl, openMetadataJwksUrl } from "../urls";
import {
  type EgressProxy,
  internalHosts,
  JAVA_TOOL_OPTIONS,
  javaProxyOptions,
  nonProxyHosts,
} from "./proxy";
import { javaTruststoreOptions, joinJavaOptions } from "./truststore";

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
    /** JDBC parameters, a query string without `?`. @default {@link DB_PARAMS} */
    params?: string;
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
  /** The proxy of the server's outbound requests. @default - none */
  egressProxy?: EgressProxy;
  /**
   * Host of an identity provider in the server's own network (the local Keycloak), which must
   * bypass the proxy. @default - none
   */
  identityHost?: string;
  /**
   * CA certificates (canonical PEM, one each) every JVM trusts besides the JDK's, through the trust
   * store a container builds at start (`trustedCaCertificates`). @default - none
   */
  trustedCaCertificates?: string[];
}

/** OpenMetadata's list syntax for env values: a YAML flow sequence of quoted strings. */
export function flowList(items: readonly string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(",")}]`;
}

/** Parses {@link flowList} output (a JSON array) and OpenMetadata's unquoted `[a,b]` form. */
export function parseFlowList(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('["')) return JSON.parse(trimmed) as string[];
  const inner = trimmed.replace(/^\[/, "").replace(/\]$/, "").trim();
  return inner ? inner.split(",").map((item) => item.trim()) : [];
}

/** Local parts of admin emails: OpenMetadata names users by them. */
export function adminPrincipals(admins: readonly string[]): string[] {
  return admins.map((email) => email.slice(0, email.indexOf("@")).toLowerCase());
}

/** `AUTHENTICATION_PUBLIC_KEYS`: the IdP's JWKS, then OpenMetadata's own. */
export function publicKeyUrls(input: Pick<SecurityInput, "identity" | "internalUrl">): string[] {
  return [input.identity.jwksUrl, openMetadataJwksUrl(input.internalUrl)];
}

/**
 * OpenMetadata's `authority` (`AUTHENTICATION_AUTHORITY`), where its UI starts the sign-in. For
 * `azure` the UI hands it to MSAL, which appends `v2.0/.well-known/openid-configuration` itself,
 * so the authority is the tenant URL `https://login.microsoftonline.com/<tenant>` as OpenMetadata
 * documents it: the issuer without its trailing `/v2.0`, or MSAL would fetch `.../v2.0/v2.0/...`.
 * Every other provider's authority is its issuer, unchanged, character by character. The issuer itself stays what the tokens and the discovery document state.
 */
export function authorityOf(provider: OpenMetadataProvider, issuer: string): string {
  return provider === "azure" ? issuer.replace(/\/v2\.0\/?$/, "") : issuer;
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
    AUTHENTICATION_AUTHORITY: authorityOf(identity.openMetadataProvider, identity.issuer),
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
export function oidcEnv(input: SecurityInput): ServerEnv {
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

/** The JDBC parameters of a database: its own when the topology names them, else {@link DB_PARAMS}. */
export function dbParamsOf(database: Topology["database"]): string {
  return database.params ?? DB_PARAMS;
}

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
    DB_PARAMS: dbParamsOf(database),
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
  const javaOptions = joinJavaOptions(
    javaProxyEnv(input, topology),
    (topology.trustedCaCertificates ?? []).length > 0 ? javaTruststoreOptions() : undefined,
  );
  if (javaOptions !== undefined) env[JAVA_TOOL_OPTIONS] = javaOptions;
  return env;
}

/**
 * `JAVA_TOOL_OPTIONS` for the topology's egress proxy, with every host of the topology reached
 * directly; `undefined` without a proxy.
 */
export function javaProxyEnv(
  input: Pick<SecurityInput, "internalUrl">,
  topology: Topology,
): string | undefined {
  if (topology.egressProxy === undefined) return undefined;
  const internal = internalHosts({
    internalUrl: input.internalUrl,
    database: topology.database.host,
    search: topology.search.host,
    airflowEndpoint: topology.airflowEndpoint,
    identityHost: topology.identityHost,
  });
  return javaProxyOptions(
    topology.egressProxy.url,
    nonProxyHosts(internal, topology.egressProxy.noProxy),
  );
}

/**
 * Settings `openmetadata-ops regenerate-bot-tokens` reads: database, search, keys, cluster, and
 * the JVM's proxy and trust store, should any request of the tool leave the network.
 */
export const BOT_TOKEN_ENV =
  /^(DB_|OM_DATABASE$|SEARCH_TYPE$|ELASTICSEARCH_|RSA_|JWT_|FERNET_KEY$|OPENMETADATA_CLUSTER_NAME$|JAVA_TOOL_OPTIONS$)/;

/** The part of the server env the bot token regeneration needs. */
export function botTokenEnv(env: ServerEnv): ServerEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => BOT_TOKEN_ENV.test(name)));
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
