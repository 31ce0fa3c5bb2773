/**
 * Helm chart 1.13.1
 *
 * What the official `openmetadata` chart (open-metadata/openmetadata-helm-charts @039a208, chart
 * 1.13.1) is given, and what it makes of it. `helmValues` builds the release's values from the same
 * inputs as `serverEnv`; `chartEnv` models, for the values this package produces, what the chart's
 * templates (`secrets.yaml`, `_helpers.tpl`, `deployment.yaml`) put into the server container's
 * environment, so the two targets can be compared without a cluster. The model covers the features
 * those values use and refuses the rest (LDAP, SAML, RDF, secret-manager credentials, k8s/Argo
 * pipeline clients) rather than guess.
 */
import { callbackUrl } from "../urls";
import { JAVA_TOOL_OPTIONS } from "./proxy";
import {
  dbParamsOf,
  type EnvValue,
  type SecurityInput,
  type ServerEnv,
  type Topology,
  adminPrincipals,
  authorityOf,
  databaseDriver,
  isSecretRef,
  publicKeyUrls,
  serverEnv,
} from "./env";

/** The pinned charts: the server chart and the dependencies chart come from one repository. */
export const OPENMETADATA_CHART = {
  repo: "https://helm.open-metadata.org",
  chart: "openmetadata",
  dependenciesChart: "openmetadata-dependencies",
  version: "1.13.1",
} as const;

/** A key of a Kubernetes Secret, in the chart's `secretRef`/`secretKey` form. */
export interface ChartSecretKey {
  secretRef: string;
  secretKey: string;
}

/** Where the chart reads each secret from. Every Secret named here is created by the target. */
export interface ChartSecretRefs {
  databasePassword: ChartSecretKey;
  fernetKey: ChartSecretKey;
  /** Confidential clients: the client id and secret (`oidc-secrets` in the chart's docs). */
  oidcClientId?: ChartSecretKey;
  oidcClientSecret?: ChartSecretKey;
  /** With ingestion: the password of Airflow's API user. */
  airflowPassword?: ChartSecretKey;
  /** With a search user: its password. */
  searchPassword?: ChartSecretKey;
}

/** The JWT key files: the private key from a Secret, the public key from a ConfigMap. */
export interface ChartKeyFiles {
  secretName: string;
  secretKey: string;
  configMapName: string;
  configMapKey: string;
}

/** The ingress in front of the server, as the chart's `ingress` values express it. */
export interface ChartIngressInput {
  className: string;
  /** Where the certificate comes from; ignored for an http `publicUrl`. */
  tls: "secret" | "cert-manager" | "external";
  /** The TLS Secret: existing (`secret`) or the one cert-manager fills (`cert-manager`). */
  tlsSecretName: string;
  clusterIssuer: string;
  /** A namespaced cert-manager Issuer, used instead of `clusterIssuer` when set. */
  issuer?: string;
  stickySessions: boolean;
}

/** Everything the values need besides the security settings. */
export interface ChartInput {
  /** OpenMetadata release: the image tag. */
  version: string;
  replicas: number;
  topology: Topology;
  /** `fullnameOverride`: the server's Service, Deployment and Secrets are named after it. */
  serviceName: string;
  secrets: ChartSecretRefs;
  keyFiles: ChartKeyFiles;
  ingress: ChartIngressInput;
  /** Annotations of the server's pods (the config checksum, the preflight gate). */
  podAnnotations: Record<string, string>;
}

/** Helm values, as plain JSON. */
export type HelmValues = Record<string, unknown>;

/** Name of the projected volume that carries both key files. */
export const KEY_VOLUME = "jwt-keys";

/** Env variables the chart has no value for, set through `extraEnvs` from the Docker env. */
export const CHART_EXTRA_ENV = [
  "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME",
  "AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM",
  "FORCE_SECURE_SESSION_COOKIE",
  "SERVER_USE_FORWARDED_HEADERS",
  "OPENMETADATA_HEAP_OPTS",
] as const;

/** Without ingestion the chart sets only `PIPELINE_SERVICE_CLIENT_ENABLED`; these complete it. */
export const CHART_EXTRA_ENV_WITHOUT_PIPELINE = [
  "PIPELINE_SERVICE_CLIENT_CLASS_NAME",
  "SERVER_HOST_API_URL",
] as const;

/** The ingress-nginx annotations of cookie affinity (sticky sessions, user pains P19, P20). */
export function stickySessionAnnotations(https: boolean): Record<string, string> {
  return {
    "nginx.ingress.kubernetes.io/affinity": "cookie",
    "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
    "nginx.ingress.kubernetes.io/session-cookie-name": "OPENMETADATA_ROUTE",
    "nginx.ingress.kubernetes.io/session-cookie-path": "/",
    "nginx.ingress.kubernetes.io/session-cookie-samesite": "Lax",
    "nginx.ingress.kubernetes.io/session-cookie-secure": String(https),
    // As long as OpenMetadata keeps an OIDC session (OIDC_SESSION_EXPIRY).
    "nginx.ingress.kubernetes.io/session-cookie-max-age": "604800",
  };
}

/** The chart's `ingress` block: class, host from `publicUrl`, TLS and affinity annotations. */
export function ingressValues(publicUrl: string, ingress: ChartIngressInput): HelmValues {
  const host = new URL(publicUrl).hostname;
  const https = publicUrl.startsWith("https:");
  const annotations: Record<string, string> = {};
  let tls: { secretName: string; hosts: string[] }[] = [];
  if (https && ingress.tls === "cert-manager") {
    if (ingress.issuer !== undefined) annotations["cert-manager.io/issuer"] = ingress.issuer;
    else annotations["cert-manager.io/cluster-issuer"] = ingress.clusterIssuer;
  }
  if (https && ingress.tls !== "external") {
    tls = [{ secretName: ingress.tlsSecretName, hosts: [host] }];
  }
  if (ingress.stickySessions) Object.assign(annotations, stickySessionAnnotations(https));
  return {
    enabled: true,
    className: ingress.className,
    annotations,
    hosts: [{ host, paths: [{ path: "/", pathType: "Prefix" }] }],
    tls,
  };
}

function plainEnv(env: ServerEnv, name: string): string {
  const value = env[name];
  if (value === undefined || isSecretRef(value)) {
    throw new Error(`The server env has no plain ${name} to pass through extraEnvs.`);
  }
  return value;
}

/**
 * The values of the `openmetadata` release: the same settings as {@link serverEnv}, in the chart's
 * keys, with every secret as a `secretRef`/`secretKey` pair and never as a value.
 */
export function helmValues(input: SecurityInput, chart: ChartInput): HelmValues {
  const { identity } = input;
  const { database, search, airflowEndpoint } = chart.topology;
  const env = serverEnv(input, chart.topology);
  const confidential = identity.clientType === "confidential";
  const refs = chart.secrets;
  const required = (ref: ChartSecretKey | undefined, what: string): ChartSecretKey => {
    if (!ref) throw new Error(`The chart values need the Secret of ${what}, which was not given.`);
    return ref;
  };

  const extraEnvNames: string[] = [
    ...CHART_EXTRA_ENV,
    ...(airflowEndpoint === undefined ? CHART_EXTRA_ENV_WITHOUT_PIPELINE : []),
    // The JVM's proxy (user pain P10): the chart has no value for it.
    ...(env[JAVA_TOOL_OPTIONS] === undefined ? [] : [JAVA_TOOL_OPTIONS]),
  ];
  const fileName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  const directory = (path: string) => path.slice(0, path.lastIndexOf("/"));
  if (directory(input.jwt.privateKeyPath) !== directory(input.jwt.publicKeyPath)) {
    throw new Error("Both JWT key files must sit in one directory: one volume mounts them.");
  }

  const oidcConfiguration = confidential
    ? {
        enabled: true,
        oidcType: identity.openMetadataProvider,
        clientId: required(refs.oidcClientId, "the OIDC client id"),
        clientSecret: required(refs.oidcClientSecret, "the OIDC client secret"),
        scope: "openid email profile",
        discoveryUri: identity.discoveryUrl,
        useNonce: true,
        preferredJwsAlgorithm: "RS256",
        responseType: "code",
        // No prompt=consent and no max_age=0 at every login (see oidcEnv).
        promptType: "",
        disablePkce: !identity.pkce,
        callbackUrl: callbackUrl(input.publicUrl),
        serverUrl: input.publicUrl,
        clientAuthenticationMethod: identity.tokenEndpointAuthMethod,
        tenant: identity.tenant ?? "",
        // The template writes it unquoted, so it must be the JSON text itself.
        customParams: "{}",
        maxAge: "",
        sessionExpiry: "604800",
      }
    : { enabled: false };

  return {
    fullnameOverride: chart.serviceName,
    replicaCount: chart.replicas,
    image: { tag: chart.version },
    podAnnotations: chart.podAnnotations,
    openmetadata: {
      config: {
        clusterName: chart.topology.clusterName,
        authorizer: {
          enabled: true,
          className: "org.openmetadata.service.security.DefaultAuthorizer",
          containerRequestFilter: "org.openmetadata.service.security.JwtFilter",
          initialAdmins: adminPrincipals(input.admins),
          principalDomain: input.principalDomain,
          enforcePrincipalDomain: true,
          allowedEmailRegistrationDomains: [input.principalDomain],
          enableSecureSocketConnection: false,
        },
        authentication: {
          enabled: true,
          clientType: identity.clientType,
          provider: identity.openMetadataProvider,
          publicKeys: publicKeyUrls(input),
          authority: authorityOf(identity.openMetadataProvider, identity.issuer),
          clientId: identity.clientId,
          callbackUrl: callbackUrl(input.publicUrl),
          responseType: "code",
          jwtPrincipalClaims: [...input.principalClaims],
          enableSelfSignup: input.enableSelfSignup,
          oidcConfiguration,
        },
        jwtTokenConfiguration: {
          enabled: true,
          rsapublicKeyFilePath: input.jwt.publicKeyPath,
          rsaprivateKeyFilePath: input.jwt.privateKeyPath,
          jwtissuer: input.jwt.issuer,
          keyId: input.jwt.keyId,
        },
        // An empty value keeps the shipped fernet key out of the release's values.
        fernetkey: { value: "", ...refs.fernetKey },
        database: {
          enabled: true,
          host: database.host,
          port: database.port,
          driverClass: databaseDriver(database.engine).driverClass,
          dbScheme: databaseDriver(database.engine).scheme,
          databaseName: database.name,
          auth: { username: database.user, password: refs.databasePassword },
          dbParams: dbParamsOf(database),
        },
        elasticsearch: {
          enabled: true,
          host: search.host,
          searchType: search.engine,
          port: search.port,
          scheme: search.scheme,
          auth:
            search.user === undefined
              ? { enabled: false }
              : {
                  enabled: true,
                  username: search.user,
                  password: required(refs.searchPassword, "the search password"),
                },
        },
        pipelineServiceClientConfig:
          airflowEndpoint === undefined
            ? {
                enabled: false,
                // The chart reads AIRFLOW_PASSWORD from its Secret whenever airflow.auth is on,
                // even with the client disabled (`enabled | default true` turns false into true).
                airflow: { auth: { enabled: false } },
              }
            : {
                enabled: true,
                type: "airflow",
                metadataApiEndpoint: `${input.internalUrl}/api`,
                airflow: {
                  apiEndpoint: airflowEndpoint,
                  auth: {
                    enabled: true,
                    username: "admin",
                    password: required(refs.airflowPassword, "the Airflow password"),
                  },
                },
              },
      },
    },
    extraEnvs: extraEnvNames.map((name) => ({ name, value: plainEnv(env, name) })),
    extraVolumes: [
      {
        name: KEY_VOLUME,
        projected: {
          sources: [
            {
              secret: {
                name: chart.keyFiles.secretName,
                items: [
                  { key: chart.keyFiles.secretKey, path: fileName(input.jwt.privateKeyPath) },
                ],
              },
            },
            {
              configMap: {
                name: chart.keyFiles.configMapName,
                items: [
                  { key: chart.keyFiles.configMapKey, path: fileName(input.jwt.publicKeyPath) },
                ],
              },
            },
          ],
        },
      },
    ],
    extraVolumeMounts: [
      { name: KEY_VOLUME, mountPath: directory(input.jwt.privateKeyPath), readOnly: true },
    ],
    ingress: ingressValues(input.publicUrl, chart.ingress),
  };
}

/**
 * The chart's own defaults (`charts/openmetadata/values.yaml` @039a208) for every value
 * {@link chartEnv} reads. A test compares each leaf with the vendored file.
 */
export const CHART_DEFAULTS: HelmValues = {
  openmetadata: {
    config: {
      logLevel: "INFO",
      clusterName: "openmetadata",
      openmetadata: {
        host: "0.0.0.0",
        port: 8585,
        adminPort: 8586,
        maxThreads: 50,
        minThreads: 10,
        idleThreadTimeout: "1 minute",
      },
      elasticsearch: {
        enabled: true,
        host: "opensearch",
        searchType: "opensearch",
        port: 9200,
        scheme: "http",
        clusterAlias: "",
        payLoadSize: 10485760,
        searchIndexMappingLanguage: "EN",
        keepAliveTimeoutSecs: 600,
        trustStore: {
          enabled: false,
          path: "",
          password: {
            secretRef: "elasticsearch-truststore-secrets",
            secretKey: "openmetadata-elasticsearch-truststore-password",
          },
        },
        auth: {
          enabled: false,
          username: "elasticsearch",
          password: {
            secretRef: "elasticsearch-secrets",
            secretKey: "openmetadata-elasticsearch-password",
          },
        },
      },
      database: {
        enabled: true,
        host: "mysql",
        port: 3306,
        driverClass: "com.mysql.cj.jdbc.Driver",
        dbScheme: "mysql",
        databaseName: "openmetadata_db",
        auth: {
          username: "openmetadata_user",
          password: { secretRef: "mysql-secrets", secretKey: "openmetadata-mysql-password" },
        },
        dbParams: "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC",
        maxSize: 50,
        minSize: 10,
        initialSize: 10,
        checkConnectionWhileIdle: true,
        checkConnectionOnBorrow: true,
        evictionInterval: "5 minutes",
        minIdleTime: "1 minute",
      },
      pipelineServiceClientConfig: {
        enabled: true,
        type: "airflow",
        metadataApiEndpoint: "http://openmetadata:8585/api",
        airflow: {
          className: "org.openmetadata.service.clients.pipeline.airflow.AirflowRESTClient",
          apiEndpoint: "http://openmetadata-dependencies-api-server:8080",
          verifySsl: "no-ssl",
          hostIp: "",
          ingestionIpInfoEnabled: false,
          healthCheckInterval: 300,
          sslCertificatePath: "/no/path",
          auth: {
            enabled: true,
            username: "admin",
            password: { secretRef: "airflow-secrets", secretKey: "openmetadata-airflow-password" },
            trustStorePath: "",
            trustStorePassword: { secretRef: "", secretKey: "" },
          },
        },
      },
      authorizer: {
        enabled: true,
        className: "org.openmetadata.service.security.DefaultAuthorizer",
        containerRequestFilter: "org.openmetadata.service.security.JwtFilter",
        initialAdmins: ["admin"],
        allowedEmailRegistrationDomains: ["all"],
        principalDomain: "open-metadata.org",
        allowedDomains: [],
        enforcePrincipalDomain: false,
        enableSecureSocketConnection: false,
        useRolesFromProvider: false,
      },
      authentication: {
        enabled: true,
        clientType: "public",
        provider: "basic",
        publicKeys: ["http://openmetadata:8585/api/v1/system/config/jwks"],
        authority: "https://accounts.google.com",
        clientId: "",
        callbackUrl: "",
        responseType: "id_token",
        jwtPrincipalClaims: ["email", "preferred_username", "sub"],
        jwtPrincipalClaimsMapping: [],
        enableSelfSignup: true,
        oidcConfiguration: {
          enabled: false,
          oidcType: "",
          clientId: { secretRef: "oidc-secrets", secretKey: "openmetadata-oidc-client-id" },
          clientSecret: { secretRef: "oidc-secrets", secretKey: "openmetadata-oidc-client-secret" },
          scope: "openid email profile",
          discoveryUri: "",
          useNonce: true,
          preferredJwsAlgorithm: "RS256",
          responseType: "code",
          promptType: "consent",
          disablePkce: true,
          callbackUrl: "http://openmetadata:8585/callback",
          serverUrl: "http://openmetadata:8585",
          clientAuthenticationMethod: "client_secret_post",
          tenant: "",
          maxClockSkew: "",
          tokenValidity: "3600",
          customParams: "{}",
          maxAge: "0",
          sessionExpiry: "604800",
        },
      },
      jwtTokenConfiguration: {
        enabled: true,
        rsapublicKeyFilePath: "./conf/public_key.der",
        rsaprivateKeyFilePath: "./conf/private_key.der",
        jwtissuer: "open-metadata.org",
        keyId: "Gb389a-9f76-gdjs-a92j-0242bk94356",
      },
      fernetkey: {
        value: "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=",
        secretRef: "",
        secretKey: "",
      },
      eventMonitor: {
        enabled: true,
        type: "prometheus",
        batchSize: 10,
        pathPattern: ["/api/v1/tables/*", "/api/v1/health-check"],
        latency: [],
      },
      secretsManager: {
        enabled: true,
        provider: "db",
        prefix: "",
        tags: [],
        additionalParameters: { enabled: false, region: "" },
      },
      web: {
        enabled: true,
        uriPath: "/api",
        hsts: { enabled: false, maxAge: "365 days", includeSubDomains: "true", preload: "true" },
        frameOptions: { enabled: false, option: "SAMEORIGIN", origin: "" },
        contentTypeOptions: { enabled: false },
        xssProtection: { enabled: false, onXss: true, block: true },
        csp: { enabled: false, policy: "default-src 'self'", reportOnlyPolicy: "" },
        referrerPolicy: { enabled: false, option: "SAME_ORIGIN" },
        permissionPolicy: { enabled: false, option: "" },
        cacheControl: "",
        pragma: "",
      },
      rdf: { enabled: false },
    },
  },
  extraEnvs: [],
  envFrom: [],
};

type Json = unknown;

function isMap(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Helm's merge of user values over chart defaults: maps merge, anything else replaces, null deletes. */
export function coalesceValues(defaults: Json, values: Json): Json {
  if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
  const out: Record<string, Json> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete out[key];
    else out[key] = coalesceValues(defaults[key], value);
  }
  return out;
}

/**
 * Go's `%q` (strconv.Quote), which the chart's `quote` applies: JSON's escaping, except that
 * control characters use `\x` / `\u` forms and U+2028/U+2029 are escaped.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\x07") out += "\\a";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    else if (char === "\v") out += "\\v";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += char;
  }
  return out + '"';
}

/** Go's `fmt.Sprint` of a JSON value, as Sprig's `toString` and `quote` print it. */
function goString(value: Json, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  throw new Error(
    `chartEnv: ${where} must be a string, number or boolean; got ${JSON.stringify(value)}`,
  );
}

/** Sprig `quote`: nil prints nothing at all. */
function quote(value: Json, where: string): string {
  return value === undefined || value === null ? "" : goQuote(goString(value, where));
}

/** Sprig `default`: false, 0, "", nil and empty collections count as unset. */
function sprigDefault<T>(value: Json, fallback: T): Json | T {
  const empty =
    value === undefined ||
    value === null ||
    value === false ||
    value === 0 ||
    value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (isMap(value) && Object.keys(value).length === 0);
  return empty ? fallback : value;
}

/** The chart's `OpenMetadata.commaJoinedQuotedEncodedList`. */
function quotedList(value: Json, where: string): string {
  const items = value === undefined || value === null ? [] : (value as Json[]);
  if (!Array.isArray(items)) throw new Error(`chartEnv: ${where} must be a list`);
  return `[${items.map((item, i) => quote(item, `${where}[${i}]`)).join(",")}]`;
}

/** Go template truthiness. */
function truthy(value: Json): boolean {
  return sprigDefault(value, false) !== false;
}

export function at(root: Json, path: string): Json {
  let node = root;
  for (const part of path.split(".")) {
    if (!isMap(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** What each Secret the deployment creates holds, by Secret name and key. */
export type ChartSecretContents<V> = Record<string, Record<string, V>>;

/**
 * The server container's environment as the chart renders it from `values`: the `envFrom`
 * Secrets of `secrets.yaml` in `deployment.yaml`'s order, then `env` (`OpenMetadata.configs` in
 * `_helpers.tpl`, then `extraEnvs`), which wins over `envFrom`. Values are the exact strings the
 * container gets; most carry the double quotes of the chart's `quote` (see {@link effectiveEnv}).
 * Each `secretKeyRef` is looked up in `secrets`; one the deployment does not create is an error.
 */
export function chartEnv<V = EnvValue>(
  values: HelmValues,
  secrets: ChartSecretContents<V>,
): Record<string, string | V> {
  const merged = coalesceValues(CHART_DEFAULTS, values) as HelmValues;
  const c = (path: string) => at(merged, `openmetadata.config.${path}`);
  const q = (path: string) => quote(c(path), path);
  const raw = (path: string) => goString(c(path), path);
  const list = (path: string) => quotedList(c(path), path);
  const ref = (path: string, name: string): [string, V] => {
    const secretRef = c(`${path}.secretRef`) as string;
    const secretKey = c(`${path}.secretKey`) as string;
    const value = secrets[secretRef]?.[secretKey];
    if (value === undefined) {
      throw new Error(
        `The chart reads ${name} from key "${secretKey}" of Secret "${secretRef}" (${path}), which the deployment does not create.`,
      );
    }
    return [name, value];
  };

  const unsupported = (what: string) => {
    throw new Error(`chartEnv models the chart for this package's values only; ${what} is not.`);
  };
  const provider = c("authentication.provider");
  if (provider === "ldap" || provider === "saml")
    unsupported(`authentication.provider ${provider}`);
  if (truthy(c("secretsManager.additionalParameters.enabled")))
    unsupported("secretsManager.additionalParameters");
  if (truthy(c("rdf.enabled"))) unsupported("rdf");
  if (
    truthy(c("pipelineServiceClientConfig.enabled")) &&
    c("pipelineServiceClientConfig.type") !== "airflow"
  )
    unsupported(
      `pipelineServiceClientConfig.type ${String(c("pipelineServiceClientConfig.type"))}`,
    );
  if ((merged.envFrom as Json[]).length > 0) unsupported("envFrom");

  // envFrom, in deployment.yaml's order for the server container; a later Secret wins.
  const envFrom: Record<string, string>[] = [];
  envFrom.push({ LOG_LEVEL: raw("logLevel"), OPENMETADATA_CLUSTER_NAME: raw("clusterName") });
  const aiProxy = truthy(at(merged, "collate.aiProxy.enabled"));
  envFrom.push({
    SERVER_HOST: raw("openmetadata.host"),
    SERVER_PORT: q("openmetadata.port"),
    SERVER_ADMIN_PORT: q("openmetadata.adminPort"),
    SERVER_MAX_THREADS: q("openmetadata.maxThreads"),
    SERVER_MIN_THREADS: q("openmetadata.minThreads"),
    SERVER_IDLE_THREAD_TIMEOUT: q("openmetadata.idleThreadTimeout"),
    // Literal base64 in the template: "true\n" has a trailing newline.
    AI_PLATFORM_ENABLED: aiProxy ? "true\n" : "false",
    AI_CHAT_PREVIEW: aiProxy ? "false" : "true\n",
  });
  if (truthy(c("database.enabled"))) {
    envFrom.push({
      DB_HOST: raw("database.host"),
      DB_PORT: raw("database.port"),
      DB_DRIVER_CLASS: raw("database.driverClass"),
      DB_SCHEME: raw("database.dbScheme"),
      OM_DATABASE: raw("database.databaseName"),
      DB_PARAMS: raw("database.dbParams"),
      DB_USER: raw("database.auth.username"),
      DB_CONNECTION_POOL_MAX_SIZE: q("database.maxSize"),
      DB_CONNECTION_POOL_MIN_SIZE: q("database.minSize"),
      DB_CONNECTION_POOL_INITIAL_SIZE: q("database.initialSize"),
      DB_CONNECTION_CHECK_CONNECTION_WHILE_IDLE: q("database.checkConnectionWhileIdle"),
      DB_CONNECTION_CHECK_CONNECTION_ON_BORROW: q("database.checkConnectionOnBorrow"),
      DB_CONNECTION_EVICTION_INTERVAL: q("database.evictionInterval"),
      DB_CONNECTION_MIN_IDLE_TIME: q("database.minIdleTime"),
    });
  }
  if (truthy(c("elasticsearch.enabled"))) {
    envFrom.push({
      ELASTICSEARCH_HOST: q("elasticsearch.host"),
      SEARCH_TYPE: q("elasticsearch.searchType"),
      ELASTICSEARCH_PORT: q("elasticsearch.port"),
      ELASTICSEARCH_SCHEME: q("elasticsearch.scheme"),
      ELASTICSEARCH_INDEX_MAPPING_LANG: q("elasticsearch.searchIndexMappingLanguage"),
      ELASTICSEARCH_KEEP_ALIVE_TIMEOUT_SECS: q("elasticsearch.keepAliveTimeoutSecs"),
      ELASTICSEARCH_CLUSTER_ALIAS: q("elasticsearch.clusterAlias"),
      ELASTICSEARCH_PAYLOAD_BYTES_SIZE: String(Math.trunc(Number(c("elasticsearch.payLoadSize")))),
      ...(truthy(c("elasticsearch.trustStore.enabled"))
        ? { ELASTICSEARCH_TRUST_STORE_PATH: raw("elasticsearch.trustStore.path") }
        : {}),
      ...(truthy(c("elasticsearch.auth.enabled"))
        ? { ELASTICSEARCH_USER: q("elasticsearch.auth.username") }
        : {}),
    });
  }
  if (truthy(c("authorizer.enabled"))) {
    envFrom.push({
      AUTHORIZER_CLASS_NAME: q("authorizer.className"),
      AUTHORIZER_REQUEST_FILTER: q("authorizer.containerRequestFilter"),
      AUTHORIZER_PRINCIPAL_DOMAIN: q("authorizer.principalDomain"),
      AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN: q("authorizer.enforcePrincipalDomain"),
      AUTHORIZER_ENABLE_SECURE_SOCKET: q("authorizer.enableSecureSocketConnection"),
      AUTHORIZER_ADMIN_PRINCIPALS: list("authorizer.initialAdmins"),
      AUTHORIZER_ALLOWED_DOMAINS: list("authorizer.allowedDomains"),
      AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN: list("authorizer.allowedEmailRegistrationDomains"),
      AUTHORIZER_USE_ROLES_FROM_PROVIDER: q("authorizer.useRolesFromProvider"),
    });
  }
  if (truthy(c("secretsManager.enabled"))) {
    envFrom.push({
      SECRET_MANAGER: q("secretsManager.provider"),
      SECRET_MANAGER_PREFIX: q("secretsManager.prefix"),
      SECRET_MANAGER_TAGS: list("secretsManager.tags"),
    });
  }
  if (truthy(c("web.enabled"))) {
    envFrom.push({
      WEB_CONF_URI_PATH: q("web.uriPath"),
      WEB_CONF_HSTS_ENABLED: q("web.hsts.enabled"),
      WEB_CONF_HSTS_MAX_AGE: q("web.hsts.maxAge"),
      WEB_CONF_HSTS_INCLUDE_SUBDOMAINS: q("web.hsts.includeSubDomains"),
      WEB_CONF_HSTS_PRELOAD: q("web.hsts.preload"),
      WEB_CONF_FRAME_OPTION_ENABLED: q("web.frameOptions.enabled"),
      WEB_CONF_FRAME_OPTION: q("web.frameOptions.option"),
      WEB_CONF_FRAME_ORIGIN: q("web.frameOptions.origin"),
      WEB_CONF_CONTENT_TYPE_OPTIONS_ENABLED: q("web.contentTypeOptions.enabled"),
      WEB_CONF_XSS_PROTECTION_ENABLED: q("web.xssProtection.enabled"),
      WEB_CONF_XSS_PROTECTION_ON: q("web.xssProtection.onXss"),
      WEB_CONF_XSS_PROTECTION_BLOCK: q("web.xssProtection.block"),
      WEB_CONF_XSS_CSP_ENABLED: q("web.csp.enabled"),
      WEB_CONF_XSS_CSP_POLICY: q("web.csp.policy"),
      WEB_CONF_XSS_CSP_REPORT_ONLY_POLICY: q("web.csp.reportOnlyPolicy"),
      WEB_CONF_REFERRER_POLICY_ENABLED: q("web.referrerPolicy.enabled"),
      WEB_CONF_REFERRER_POLICY_OPTION: q("web.referrerPolicy.option"),
      WEB_CONF_PERMISSION_POLICY_ENABLED: q("web.permissionPolicy.enabled"),
      WEB_CONF_PERMISSION_POLICY_OPTION: q("web.permissionPolicy.option"),
      WEB_CONF_CACHE_CONTROL: q("web.cacheControl"),
      WEB_CONF_PRAGMA: q("web.pragma"),
    });
  }
  const confidentialOidc =
    c("authentication.clientType") === "confidential" &&
    truthy(c("authentication.oidcConfiguration.enabled"));
  if (truthy(c("authentication.enabled"))) {
    const mapping = c("authentication.jwtPrincipalClaimsMapping");
    envFrom.push({
      AUTHENTICATION_PUBLIC_KEYS: list("authentication.publicKeys"),
      AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: list("authentication.jwtPrincipalClaims"),
      ...(truthy(mapping)
        ? {
            AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING: list(
              "authentication.jwtPrincipalClaimsMapping",
            ),
          }
        : {}),
      AUTHENTICATION_PROVIDER: q("authentication.provider"),
      AUTHENTICATION_RESPONSE_TYPE: q("authentication.responseType"),
      AUTHENTICATION_AUTHORITY: q("authentication.authority"),
      AUTHENTICATION_CLIENT_ID: q("authentication.clientId"),
      AUTHENTICATION_CLIENT_TYPE: q("authentication.clientType"),
      AUTHENTICATION_CALLBACK_URL: q("authentication.callbackUrl"),
      AUTHENTICATION_ENABLE_SELF_SIGNUP: q("authentication.enableSelfSignup"),
      ...(confidentialOidc
        ? {
            OIDC_TYPE: q("authentication.oidcConfiguration.oidcType"),
            OIDC_SCOPE: q("authentication.oidcConfiguration.scope"),
            OIDC_DISCOVERY_URI: q("authentication.oidcConfiguration.discoveryUri"),
            OIDC_USE_NONCE: q("authentication.oidcConfiguration.useNonce"),
            OIDC_PREFERRED_JWS: q("authentication.oidcConfiguration.preferredJwsAlgorithm"),
            OIDC_RESPONSE_TYPE: q("authentication.oidcConfiguration.responseType"),
            OIDC_PROMPT_TYPE: q("authentication.oidcConfiguration.promptType"),
            OIDC_DISABLE_PKCE: q("authentication.oidcConfiguration.disablePkce"),
            OIDC_CALLBACK: q("authentication.oidcConfiguration.callbackUrl"),
            OIDC_SERVER_URL: q("authentication.oidcConfiguration.serverUrl"),
            OIDC_CLIENT_AUTH_METHOD: q(
              "authentication.oidcConfiguration.clientAuthenticationMethod",
            ),
            OIDC_TENANT: q("authentication.oidcConfiguration.tenant"),
            OIDC_MAX_CLOCK_SKEW: q("authentication.oidcConfiguration.maxClockSkew"),
            OIDC_OM_REFRESH_TOKEN_VALIDITY: q("authentication.oidcConfiguration.tokenValidity"),
            OIDC_CUSTOM_PARAMS: raw("authentication.oidcConfiguration.customParams"),
            OIDC_MAX_AGE: q("authentication.oidcConfiguration.maxAge"),
            OIDC_SESSION_EXPIRY: q("authentication.oidcConfiguration.sessionExpiry"),
          }
        : {}),
    });
  }
  if (truthy(c("eventMonitor.enabled"))) {
    envFrom.push({
      EVENT_MONITOR: raw("eventMonitor.type"),
      EVENT_MONITOR_BATCH_SIZE: q("eventMonitor.batchSize"),
      EVENT_MONITOR_PATH_PATTERN: list("eventMonitor.pathPattern"),
      EVENT_MONITOR_LATENCY: list("eventMonitor.latency"),
    });
  }
  const pipeline: Record<string, string> = {};
  if (truthy(c("pipelineServiceClientConfig.enabled"))) {
    pipeline.PIPELINE_SERVICE_CLIENT_ENABLED = q("pipelineServiceClientConfig.enabled");
    pipeline.SERVER_HOST_API_URL = raw("pipelineServiceClientConfig.metadataApiEndpoint");
    const a = "pipelineServiceClientConfig.airflow";
    Object.assign(pipeline, {
      PIPELINE_SERVICE_CLIENT_CLASS_NAME: q(`${a}.className`),
      PIPELINE_SERVICE_CLIENT_ENDPOINT: raw(`${a}.apiEndpoint`),
      PIPELINE_SERVICE_CLIENT_VERIFY_SSL: q(`${a}.verifySsl`),
      PIPELINE_SERVICE_IP_INFO_ENABLED: q(`${a}.ingestionIpInfoEnabled`),
      PIPELINE_SERVICE_CLIENT_HEALTH_CHECK_INTERVAL: q(`${a}.healthCheckInterval`),
      PIPELINE_SERVICE_CLIENT_SSL_CERT_PATH: q(`${a}.sslCertificatePath`),
    });
    if (truthy(c(`${a}.hostIp`))) pipeline.PIPELINE_SERVICE_CLIENT_HOST_IP = q(`${a}.hostIp`);
    if (truthy(c(`${a}.auth.enabled`))) {
      pipeline.AIRFLOW_USERNAME = raw(`${a}.auth.username`);
      pipeline.AIRFLOW_TRUST_STORE_PATH = q(`${a}.auth.trustStorePath`);
    }
  } else {
    pipeline.PIPELINE_SERVICE_CLIENT_ENABLED = q("pipelineServiceClientConfig.enabled");
  }
  envFrom.push(pipeline);
  if (truthy(c("jwtTokenConfiguration.enabled"))) {
    envFrom.push({
      RSA_PUBLIC_KEY_FILE_PATH: q("jwtTokenConfiguration.rsapublicKeyFilePath"),
      RSA_PRIVATE_KEY_FILE_PATH: q("jwtTokenConfiguration.rsaprivateKeyFilePath"),
      JWT_ISSUER: q("jwtTokenConfiguration.jwtissuer"),
      JWT_KEY_ID: q("jwtTokenConfiguration.keyId"),
    });
  }
  if (!truthy(c("fernetkey.secretRef"))) envFrom.push({ FERNET_KEY: raw("fernetkey.value") });

  // env: OpenMetadata.configs, then extraEnvs.
  const env: [string, string | V][] = [];
  if (truthy(c("fernetkey.secretRef"))) env.push(ref("fernetkey", "FERNET_KEY"));
  if (confidentialOidc) {
    env.push(ref("authentication.oidcConfiguration.clientId", "OIDC_CLIENT_ID"));
    env.push(ref("authentication.oidcConfiguration.clientSecret", "OIDC_CLIENT_SECRET"));
  }
  if (truthy(c("elasticsearch.auth.enabled")) && truthy(c("elasticsearch.auth.password.secretRef")))
    env.push(ref("elasticsearch.auth.password", "ELASTICSEARCH_PASSWORD"));
  if (
    truthy(c("elasticsearch.trustStore.enabled")) &&
    truthy(c("elasticsearch.trustStore.password.secretRef"))
  )
    env.push(ref("elasticsearch.trustStore.password", "ELASTICSEARCH_TRUST_STORE_PASSWORD"));
  if (truthy(c("database.auth.password.secretRef")))
    env.push(ref("database.auth.password", "DB_USER_PASSWORD"));
  // `$pipelineConfig.enabled | default true`: a disabled client still counts as enabled here.
  const authPath =
    c("pipelineServiceClientConfig.type") === "airflow"
      ? "pipelineServiceClientConfig.airflow.auth"
      : "pipelineServiceClientConfig.auth";
  if (
    truthy(sprigDefault(c("pipelineServiceClientConfig.enabled"), true)) &&
    truthy(sprigDefault(c(`${authPath}.enabled`), false))
  ) {
    if (truthy(c(`${authPath}.password.secretRef`)))
      env.push(ref(`${authPath}.password`, "AIRFLOW_PASSWORD"));
    if (truthy(c(`${authPath}.trustStorePassword.secretRef`)))
      env.push(ref(`${authPath}.trustStorePassword`, "AIRFLOW_TRUST_STORE_PASSWORD"));
  }
  (merged.extraEnvs as Record<string, unknown>[]).forEach((entry, i) => {
    const name = entry.name as string;
    const from = entry.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined;
    if (from?.secretKeyRef) {
      const value = secrets[from.secretKeyRef.name]?.[from.secretKeyRef.key];
      if (value === undefined) {
        throw new Error(
          `extraEnvs[${i}] ${name} reads key "${from.secretKeyRef.key}" of Secret "${from.secretKeyRef.name}", which the deployment does not create.`,
        );
      }
      env.push([name, value]);
    } else if (from) {
      unsupported(`extraEnvs[${i}].valueFrom other than secretKeyRef`);
    } else {
      env.push([name, goString(entry.value ?? "", `extraEnvs[${i}].value`)]);
    }
  });

  const result: Record<string, string | V> = {};
  for (const source of envFrom) Object.assign(result, source);
  for (const [name, value] of env) result[name] = value;
  return result;
}

/**
 * The env as OpenMetadata reads it. Dropwizard substitutes each variable into
 * `openmetadata.yaml` before parsing, so a value the chart wrapped in double quotes arrives as the
 * YAML string inside them.
 */
export function effectiveEnv<V>(env: Record<string, string | V>): Record<string, string | V> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      typeof value === "string" && /^"(?:[^"\\]|\\.)*"$/s.test(value) ? unquote(value) : value,
    ]),
  );
}

function unquote(value: string): string {
  try {
    return JSON.parse(
      value
        .replace(/\\x([0-9a-f]{2})/gi, "\\u00$1")
        .replace(/\\a/g, "\\u0007")
        .replace(/\\v/g, "\\u000b"),
    ) as string;
  } catch {
    return value;
  }
}
