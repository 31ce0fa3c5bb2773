/**
 * The environment the Helm chart 1.13.1 gives the server
 *
 * A model of what the official `openmetadata` chart (open-metadata/openmetadata-helm-charts
 * @039a208, chart 1.13.1) puts into the server container's environment for given release values:
 * its templates (`secrets.yaml`, `_helpers.tpl`, `deployment.yaml`) and the Go template and Sprig
 * functions they call. {@link chartEnv} runs it on the values `helmValues` builds, so the two
 * targets can be compared without a cluster. The model covers the features those values use and
 * refuses the rest (LDAP, SAML, RDF, secret-manager credentials, k8s/Argo pipeline clients) rather
 * than guess.
 */
import type { EnvValue } from "./env";
import type { HelmValues } from "./helm";

/**
 * The chart's own defaults (`charts/openmetadata/values.yaml` @039a208) for every value
 * {@link chartEnv} reads. A test compares each leaf with the chart's facts in
 * test/support/openmetadata-chart.ts.
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
