/**
 * The `openmetadata` chart 1.13.1 side of the Kubernetes target, without a cluster:
 * - every values object this package produces meets the constraints of the chart's
 *   values.schema.json, alone and merged over the chart's defaults (facts in
 *   test/support/openmetadata-chart.ts, read from the chart at its pinned commit);
 * - `chartEnv`, the model of what the chart's templates put into the server env, gives the same
 *   auth settings as the Docker env, and its defaults and whole env match the chart's facts;
 * - the offline render of the Kubernetes stacks writes what the render contract promises.
 * Not verified here: `helm template`/`helm install` against a real chart or cluster.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import Ajv from "ajv";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { verifierScript } from "../components/checks/verify";
import {
  chartSecretContents,
  dependenciesValues,
  kubernetesNames,
  kubernetesTopology,
  volumeClaimRetention,
} from "../components/kubernetes";
import {
  CHART_DEFAULTS,
  chartEnv,
  coalesceValues,
  effectiveEnv,
  goQuote,
  helmValues,
  ingressValues,
  securityEnv,
  serverEnv,
  type HelmValues,
} from "../components/settings";
import { installMocks, readStackFile, settle } from "../scripts/offline";
import { REDACTED, renderFiles } from "../scripts/render-files";
import {
  caseChart,
  caseInput,
  caseName,
  caseSettings,
  chartDefaults,
  chartEnvFromFacts,
  parseEnvFact,
  EGRESS_PROXY,
  KEY_ID,
  SCHEMA_CASES,
  valuesSchema,
  type Case,
} from "./support/kubernetes";
import { airflowKeySources } from "./support/airflow-chart";
import { CHART_ENV_SECRETS, VALUES_DEFAULTS } from "./support/openmetadata-chart";

// The chart's schema declares `format: "boolean"` on some strings, which no JSON Schema draft
// defines; Helm ignores it, and so does this validator (`strict: false`).
const validate = new Ajv({ strict: false, allErrors: true }).compile(valuesSchema());

function schemaErrors(values: unknown): string[] {
  return validate(values)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
      );
}

const CONFIDENTIAL_OKTA: Case = {
  provider: "okta",
  clientType: "confidential",
  dependencies: "chart",
  replicas: 3,
};

function valuesFor(c: Case, annotations: Record<string, string> = {}): HelmValues {
  return helmValues(caseInput(c), caseChart(c, annotations));
}

describe("the Helm values meet the constraints of the chart's values.schema.json", () => {
  for (const c of SCHEMA_CASES) {
    it(caseName(c), () => {
      const values = valuesFor(c, { "openmetadata-sso/config-checksum": "0".repeat(64) });
      expect(schemaErrors(values)).toEqual([]);
      // Helm validates the user values merged over the chart's defaults.
      expect(schemaErrors(coalesceValues(chartDefaults(), values))).toEqual([]);
    });
  }

  it("with ingestion and with an external search user", () => {
    for (const c of [
      { ...CONFIDENTIAL_OKTA, ingestion: true },
      { ...CONFIDENTIAL_OKTA, dependencies: "external", searchUser: true },
    ] as Case[]) {
      expect(schemaErrors(valuesFor(c))).toEqual([]);
    }
  });

  it("rejects a key the chart does not know, so the checks above can fail", () => {
    const values = valuesFor(CONFIDENTIAL_OKTA) as {
      openmetadata: { config: { authentication: Record<string, unknown> } };
    };
    values.openmetadata.config.authentication.providerName = "Okta";
    expect(schemaErrors(values)).toEqual([
      '/openmetadata/config/authentication must NOT have additional properties {"additionalProperty":"providerName"}',
    ]);
  });
});

describe("helmValues", () => {
  // The blocks every exact-values case below shares, written once; each case spells out in full
  // what differs (provider, endpoints, replicas, ingress).
  const AUTHORIZER = {
    enabled: true,
    className: "org.openmetadata.service.security.DefaultAuthorizer",
    containerRequestFilter: "org.openmetadata.service.security.JwtFilter",
    initialAdmins: ["alice", "bob"],
    principalDomain: "example.com",
    enforcePrincipalDomain: true,
    allowedEmailRegistrationDomains: ["example.com"],
    enableSecureSocketConnection: false,
  };
  /** A confidential client's oidcConfiguration: all but the type and discovery URI are fixed. */
  const confidentialOidc = (oidcType: string, discoveryUri: string) => ({
    enabled: true,
    oidcType,
    clientId: { secretRef: "om-oidc", secretKey: "openmetadata-oidc-client-id" },
    clientSecret: { secretRef: "om-oidc", secretKey: "openmetadata-oidc-client-secret" },
    scope: "openid email profile",
    discoveryUri,
    useNonce: true,
    preferredJwsAlgorithm: "RS256",
    responseType: "code",
    promptType: "",
    disablePkce: false,
    callbackUrl: "https://om.example.com/callback",
    serverUrl: "https://om.example.com",
    clientAuthenticationMethod: "client_secret_post",
    tenant: "",
    customParams: "{}",
    maxAge: "",
    sessionExpiry: "604800",
  });
  const JWT_TOKEN_CONFIGURATION = {
    enabled: true,
    rsapublicKeyFilePath: "/etc/openmetadata/jwtkeys/public_key.der",
    rsaprivateKeyFilePath: "/etc/openmetadata/jwtkeys/private_key.der",
    jwtissuer: "om.example.com",
    keyId: KEY_ID,
  };
  const FERNETKEY = { value: "", secretRef: "om-fernet", secretKey: "openmetadata-fernet-key" };
  const DATABASE_AUTH = {
    username: "openmetadata_user",
    password: { secretRef: "om-database", secretKey: "openmetadata-database-password" },
  };
  const DEFAULT_DB_PARAMS = "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC";
  /** The external PostgreSQL of the `external` cases. */
  const EXTERNAL_DATABASE = {
    enabled: true,
    host: "pg.example.internal",
    port: 5432,
    driverClass: "org.postgresql.Driver",
    dbScheme: "postgresql",
    databaseName: "openmetadata_db",
    auth: DATABASE_AUTH,
    dbParams: DEFAULT_DB_PARAMS,
  };
  const NO_PIPELINE_CLIENT = { enabled: false, airflow: { auth: { enabled: false } } };
  /** The server env the chart has no value for, in order, without ingestion. */
  const extraEnvs = (providerName: string) => [
    { name: "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME", value: providerName },
    { name: "AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM", value: "RS256" },
    { name: "FORCE_SECURE_SESSION_COOKIE", value: "true" },
    { name: "SERVER_USE_FORWARDED_HEADERS", value: "true" },
    { name: "OPENMETADATA_HEAP_OPTS", value: "-Xmx1G -Xms1G" },
    {
      name: "PIPELINE_SERVICE_CLIENT_CLASS_NAME",
      value: "org.openmetadata.service.clients.pipeline.noop.NoopClient",
    },
    { name: "SERVER_HOST_API_URL", value: "http://openmetadata:8585/api" },
  ];
  const JWT_KEY_VOLUMES = [
    {
      name: "jwt-keys",
      projected: {
        sources: [
          {
            secret: {
              name: "om-jwt-private-key",
              items: [{ key: "private_key.der", path: "private_key.der" }],
            },
          },
          {
            configMap: {
              name: "om-jwt-public-key",
              items: [{ key: "public_key.der", path: "public_key.der" }],
            },
          },
        ],
      },
    },
  ];
  const JWT_KEY_MOUNTS = [
    { name: "jwt-keys", mountPath: "/etc/openmetadata/jwtkeys", readOnly: true },
  ];
  const INGRESS_HOSTS = {
    hosts: [{ host: "om.example.com", paths: [{ path: "/", pathType: "Prefix" }] }],
    tls: [{ secretName: "om-tls", hosts: ["om.example.com"] }],
  };

  it("gives the exact values of a confidential Okta client with the dependencies chart and three replicas", () => {
    expect(valuesFor(CONFIDENTIAL_OKTA, { "openmetadata-sso/config-checksum": "abc" })).toEqual({
      fullnameOverride: "openmetadata",
      replicaCount: 3,
      image: { tag: "1.13.1" },
      podAnnotations: { "openmetadata-sso/config-checksum": "abc" },
      openmetadata: {
        config: {
          clusterName: "openmetadata",
          authorizer: AUTHORIZER,
          authentication: {
            enabled: true,
            clientType: "confidential",
            provider: "okta",
            publicKeys: [
              "https://example.okta.com/oauth2/default/v1/keys",
              "http://openmetadata:8585/api/v1/system/config/jwks",
            ],
            authority: "https://example.okta.com/oauth2/default",
            clientId: "0oa1234567890abcdef",
            callbackUrl: "https://om.example.com/callback",
            responseType: "code",
            jwtPrincipalClaims: ["email", "preferred_username", "sub"],
            enableSelfSignup: true,
            oidcConfiguration: confidentialOidc(
              "okta",
              "https://example.okta.com/oauth2/default/.well-known/openid-configuration",
            ),
          },
          jwtTokenConfiguration: JWT_TOKEN_CONFIGURATION,
          fernetkey: FERNETKEY,
          database: {
            enabled: true,
            host: "mysql",
            port: 3306,
            driverClass: "com.mysql.cj.jdbc.Driver",
            dbScheme: "mysql",
            databaseName: "openmetadata_db",
            auth: DATABASE_AUTH,
            dbParams: DEFAULT_DB_PARAMS,
          },
          elasticsearch: {
            enabled: true,
            host: "opensearch",
            searchType: "opensearch",
            port: 9200,
            scheme: "http",
            auth: { enabled: false },
          },
          pipelineServiceClientConfig: NO_PIPELINE_CLIENT,
        },
      },
      extraEnvs: extraEnvs("Okta"),
      extraVolumes: JWT_KEY_VOLUMES,
      extraVolumeMounts: JWT_KEY_MOUNTS,
      ingress: {
        enabled: true,
        className: "nginx",
        annotations: {
          "cert-manager.io/cluster-issuer": "letsencrypt",
          "nginx.ingress.kubernetes.io/affinity": "cookie",
          "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
          "nginx.ingress.kubernetes.io/session-cookie-name": "OPENMETADATA_ROUTE",
          "nginx.ingress.kubernetes.io/session-cookie-path": "/",
          "nginx.ingress.kubernetes.io/session-cookie-samesite": "Lax",
          "nginx.ingress.kubernetes.io/session-cookie-secure": "true",
          "nginx.ingress.kubernetes.io/session-cookie-max-age": "604800",
        },
        ...INGRESS_HOSTS,
      },
    });
  });

  it("gives the exact values of a confidential Auth0 client with external endpoints and one replica", () => {
    const auth0: Case = {
      provider: "auth0",
      clientType: "confidential",
      dependencies: "external",
      replicas: 1,
    };
    expect(valuesFor(auth0, { "openmetadata-sso/config-checksum": "abc" })).toEqual({
      fullnameOverride: "openmetadata",
      replicaCount: 1,
      image: { tag: "1.13.1" },
      podAnnotations: { "openmetadata-sso/config-checksum": "abc" },
      openmetadata: {
        config: {
          clusterName: "openmetadata",
          authorizer: AUTHORIZER,
          authentication: {
            enabled: true,
            clientType: "confidential",
            provider: "auth0",
            publicKeys: [
              "https://acme.eu.auth0.com/.well-known/jwks.json",
              "http://openmetadata:8585/api/v1/system/config/jwks",
            ],
            // Auth0's issuer, trailing slash included, as its tokens carry it.
            authority: "https://acme.eu.auth0.com/",
            clientId: "Zq3kVb8nR2xT6yW0pL4sD7fH9jM1cA5e",
            callbackUrl: "https://om.example.com/callback",
            responseType: "code",
            jwtPrincipalClaims: ["email", "preferred_username", "sub"],
            enableSelfSignup: true,
            oidcConfiguration: confidentialOidc(
              "auth0",
              "https://acme.eu.auth0.com/.well-known/openid-configuration",
            ),
          },
          jwtTokenConfiguration: JWT_TOKEN_CONFIGURATION,
          fernetkey: FERNETKEY,
          database: EXTERNAL_DATABASE,
          elasticsearch: {
            enabled: true,
            host: "search.example.internal",
            searchType: "opensearch",
            port: 9243,
            scheme: "https",
            auth: { enabled: false },
          },
          pipelineServiceClientConfig: NO_PIPELINE_CLIENT,
        },
      },
      extraEnvs: extraEnvs("Auth0"),
      extraVolumes: JWT_KEY_VOLUMES,
      extraVolumeMounts: JWT_KEY_MOUNTS,
      // One replica: no cookie affinity.
      ingress: {
        enabled: true,
        className: "nginx",
        annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
        ...INGRESS_HOSTS,
      },
    });
  });

  it("enables oidcConfiguration exactly when the client is confidential", () => {
    for (const c of SCHEMA_CASES) {
      const values = valuesFor(c) as {
        openmetadata: { config: { authentication: { oidcConfiguration: unknown } } };
      };
      const oidc = values.openmetadata.config.authentication.oidcConfiguration as {
        enabled: boolean;
      };
      expect([caseName(c), oidc.enabled]).toEqual([caseName(c), c.clientType === "confidential"]);
      if (c.clientType === "public") expect(oidc).toEqual({ enabled: false });
    }
  });

  it("gives Entra ID's tenant URL as authority, as the Docker env does, confidential and public", () => {
    const tenant = "https://login.microsoftonline.com/6f1c2e3d-0000-4a5b-9c8d-112233445566";
    for (const clientType of ["confidential", "public"] as const) {
      const c: Case = { ...CONFIDENTIAL_OKTA, clientType };
      const base = caseInput(c);
      const input = {
        ...base,
        identity: {
          ...base.identity,
          issuer: `${tenant}/v2.0`,
          discoveryUrl: `${tenant}/v2.0/.well-known/openid-configuration`,
          jwksUrl: `${tenant}/discovery/v2.0/keys`,
          openMetadataProvider: "azure" as const,
          providerName: "Azure",
          tenant: "6f1c2e3d-0000-4a5b-9c8d-112233445566",
        },
      };
      const values = helmValues(input, caseChart(c));
      expect(schemaErrors(values)).toEqual([]);
      const authentication = (
        values as { openmetadata: { config: { authentication: Record<string, unknown> } } }
      ).openmetadata.config.authentication;
      // MSAL appends v2.0/.well-known/openid-configuration to the authority itself.
      expect([clientType, authentication.authority]).toEqual([clientType, tenant]);
      const env = effectiveEnv(
        chartEnv(values, chartSecretContents(caseChart(c).secrets, input.identity.clientId)),
      );
      expect(env.AUTHENTICATION_AUTHORITY).toBe(tenant);
      expect(env.AUTHENTICATION_AUTHORITY).toBe(securityEnv(input).AUTHENTICATION_AUTHORITY);
    }
  });

  it("reads external endpoints and their passwords from Secrets, the database's own JDBC parameters, and Airflow with ingestion", () => {
    const external = valuesFor({
      ...CONFIDENTIAL_OKTA,
      dependencies: "external",
      replicas: 1,
      searchUser: true,
    }) as { openmetadata: { config: Record<string, unknown> } };
    expect(external.openmetadata.config.database).toEqual(EXTERNAL_DATABASE);
    expect(external.openmetadata.config.elasticsearch).toEqual({
      enabled: true,
      host: "search.example.internal",
      searchType: "opensearch",
      port: 9243,
      scheme: "https",
      auth: {
        enabled: true,
        username: "openmetadata",
        password: { secretRef: "om-search", secretKey: "openmetadata-search-password" },
      },
    });
    const ownParams = caseSettings({ ...CONFIDENTIAL_OKTA, dependencies: "external" });
    ownParams.kubernetes!.database!.params = "sslMode=REQUIRED&serverTimezone=UTC";
    const c: Case = { ...CONFIDENTIAL_OKTA, dependencies: "external", replicas: 1 };
    const withParams = helmValues(caseInput(c), {
      ...caseChart(c),
      topology: kubernetesTopology(ownParams),
    });
    expect(schemaErrors(withParams)).toEqual([]);
    expect((withParams as typeof external).openmetadata.config.database).toEqual({
      ...EXTERNAL_DATABASE,
      dbParams: "sslMode=REQUIRED&serverTimezone=UTC",
    });
    expect(
      effectiveEnv(
        chartEnv(
          withParams,
          chartSecretContents(caseChart(c).secrets, caseInput(c).identity.clientId),
        ),
      ).DB_PARAMS,
    ).toBe("sslMode=REQUIRED&serverTimezone=UTC");
    expect(serverEnv(caseInput(c), kubernetesTopology(ownParams)).DB_PARAMS).toBe(
      "sslMode=REQUIRED&serverTimezone=UTC",
    );
    const withIngestion = valuesFor({ ...CONFIDENTIAL_OKTA, ingestion: true }) as {
      openmetadata: { config: Record<string, unknown> };
      extraEnvs: { name: string }[];
    };
    expect(withIngestion.openmetadata.config.pipelineServiceClientConfig).toEqual({
      enabled: true,
      type: "airflow",
      metadataApiEndpoint: "http://openmetadata:8585/api",
      airflow: {
        apiEndpoint: "http://openmetadata-dependencies-api-server:8080",
        auth: {
          enabled: true,
          username: "admin",
          password: { secretRef: "om-airflow", secretKey: "openmetadata-airflow-password" },
        },
      },
    });
    expect(withIngestion.extraEnvs.map((e) => e.name)).toEqual([
      "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME",
      "AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM",
      "FORCE_SECURE_SESSION_COOKIE",
      "SERVER_USE_FORWARDED_HEADERS",
      "OPENMETADATA_HEAP_OPTS",
    ]);
  });

  it("passes the egress proxy's JAVA_TOOL_OPTIONS through extraEnvs, the chart having no value for it", () => {
    const c: Case = { ...CONFIDENTIAL_OKTA, ingestion: true, egressProxy: true };
    const values = valuesFor(c) as HelmValues & { extraEnvs: unknown };
    expect(schemaErrors(values)).toEqual([]);
    expect(schemaErrors(coalesceValues(chartDefaults(), values))).toEqual([]);
    expect(values.extraEnvs).toEqual([
      // With ingestion: the first five of the env above, then the proxy.
      ...extraEnvs("Okta").slice(0, 5),
      {
        name: "JAVA_TOOL_OPTIONS",
        value:
          "-Dhttp.proxyHost=proxy.corp.example.com -Dhttp.proxyPort=3128 -Dhttps.proxyHost=proxy.corp.example.com -Dhttps.proxyPort=3128 -Dhttp.nonProxyHosts=localhost|127.*|[::1]|openmetadata|mysql|opensearch|openmetadata-dependencies-api-server|*.corp.example.com",
      },
    ]);
    // Everything else is what the same deployment without a proxy gets.
    const { extraEnvs: _with, ...rest } = values;
    const { extraEnvs: _without, ...plain } = valuesFor({ ...c, egressProxy: false });
    expect(rest).toEqual(plain);
  });
});

describe("ingressValues", () => {
  const base = {
    className: "nginx",
    tls: "cert-manager" as const,
    tlsSecretName: "om-tls",
    clusterIssuer: "letsencrypt-prod",
    stickySessions: false,
  };
  const hosts = [{ host: "om.example.com", paths: [{ path: "/", pathType: "Prefix" }] }];

  it("asks cert-manager for the certificate", () => {
    expect(ingressValues("https://om.example.com", base)).toEqual({
      enabled: true,
      className: "nginx",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt-prod" },
      hosts,
      tls: [{ secretName: "om-tls", hosts: ["om.example.com"] }],
    });
  });

  it("asks a namespaced cert-manager Issuer instead, when one is named", () => {
    expect(
      ingressValues("https://om.example.com", { ...base, issuer: "letsencrypt-staging" }),
    ).toEqual({
      enabled: true,
      className: "nginx",
      annotations: { "cert-manager.io/issuer": "letsencrypt-staging" },
      hosts,
      tls: [{ secretName: "om-tls", hosts: ["om.example.com"] }],
    });
  });

  it("uses an existing TLS Secret without cert-manager", () => {
    expect(
      ingressValues("https://om.example.com", { ...base, tls: "secret", tlsSecretName: "mine" }),
    ).toEqual({
      enabled: true,
      className: "nginx",
      annotations: {},
      hosts,
      tls: [{ secretName: "mine", hosts: ["om.example.com"] }],
    });
  });

  it("serves HTTP when TLS ends before the ingress, or for an http publicUrl", () => {
    for (const [url, tls] of [
      ["https://om.example.com", "external"],
      ["http://om.example.com", "cert-manager"],
    ] as const) {
      expect(ingressValues(url, { ...base, tls })).toEqual({
        enabled: true,
        className: "nginx",
        annotations: {},
        hosts,
        tls: [],
      });
    }
  });

  it("adds cookie affinity for sticky sessions, secure only over https", () => {
    const annotations = (url: string) =>
      (
        ingressValues(url, { ...base, tls: "external", stickySessions: true }) as {
          annotations: Record<string, string>;
        }
      ).annotations;
    expect(annotations("https://om.example.com")).toEqual({
      "nginx.ingress.kubernetes.io/affinity": "cookie",
      "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
      "nginx.ingress.kubernetes.io/session-cookie-name": "OPENMETADATA_ROUTE",
      "nginx.ingress.kubernetes.io/session-cookie-path": "/",
      "nginx.ingress.kubernetes.io/session-cookie-samesite": "Lax",
      "nginx.ingress.kubernetes.io/session-cookie-secure": "true",
      "nginx.ingress.kubernetes.io/session-cookie-max-age": "604800",
    });
    expect(
      annotations("http://om.example.com")["nginx.ingress.kubernetes.io/session-cookie-secure"],
    ).toBe("false");
  });
});

describe("chartEnv, the model of the chart's env", () => {
  function chartEnvFor(c: Case) {
    const input = caseInput(c);
    const values = valuesFor(c);
    return {
      env: effectiveEnv(
        chartEnv(values, chartSecretContents(caseChart(c).secrets, input.identity.clientId)),
      ),
      docker: serverEnv(input, kubernetesTopology(caseSettings(c))),
      security: securityEnv(input),
    };
  }

  const cases: Case[] = [
    ...SCHEMA_CASES,
    { ...CONFIDENTIAL_OKTA, ingestion: true },
    { ...CONFIDENTIAL_OKTA, dependencies: "external", searchUser: true },
    { ...CONFIDENTIAL_OKTA, ingestion: true, egressProxy: true },
  ];
  for (const c of cases) {
    it(`carries Docker's security and server settings: ${caseName(c)}`, () => {
      const { env, docker, security } = chartEnvFor(c);
      // Every security setting, secrets as the same references.
      for (const name of Object.keys(security)) {
        expect([name, env[name]]).toEqual([name, security[name]]);
      }
      // And the rest of the server env: database, search, pipeline client, ports, heap.
      for (const name of Object.keys(docker)) {
        expect([name, env[name]]).toEqual([name, docker[name]]);
      }
    });
  }

  it("adds only the chart's own settings on top of Docker's, with exact values", () => {
    const { env, docker } = chartEnvFor(CONFIDENTIAL_OKTA);
    const extra = Object.fromEntries(Object.entries(env).filter(([name]) => !(name in docker)));
    expect(Object.keys(extra).sort()).toEqual(
      [
        "AI_CHAT_PREVIEW",
        "AI_PLATFORM_ENABLED",
        "AUTHORIZER_ALLOWED_DOMAINS",
        "AUTHORIZER_USE_ROLES_FROM_PROVIDER",
        "DB_CONNECTION_CHECK_CONNECTION_ON_BORROW",
        "DB_CONNECTION_CHECK_CONNECTION_WHILE_IDLE",
        "DB_CONNECTION_EVICTION_INTERVAL",
        "DB_CONNECTION_MIN_IDLE_TIME",
        "DB_CONNECTION_POOL_INITIAL_SIZE",
        "DB_CONNECTION_POOL_MAX_SIZE",
        "DB_CONNECTION_POOL_MIN_SIZE",
        "ELASTICSEARCH_CLUSTER_ALIAS",
        "ELASTICSEARCH_INDEX_MAPPING_LANG",
        "ELASTICSEARCH_KEEP_ALIVE_TIMEOUT_SECS",
        "ELASTICSEARCH_PAYLOAD_BYTES_SIZE",
        "EVENT_MONITOR",
        "EVENT_MONITOR_BATCH_SIZE",
        "EVENT_MONITOR_LATENCY",
        "EVENT_MONITOR_PATH_PATTERN",
        "LOG_LEVEL",
        "OIDC_MAX_CLOCK_SKEW",
        "OIDC_OM_REFRESH_TOKEN_VALIDITY",
        "OIDC_TENANT",
        "SECRET_MANAGER",
        "SECRET_MANAGER_PREFIX",
        "SECRET_MANAGER_TAGS",
        "SERVER_HOST",
        "SERVER_IDLE_THREAD_TIMEOUT",
        "SERVER_MAX_THREADS",
        "SERVER_MIN_THREADS",
        ...Object.keys(env).filter((name) => name.startsWith("WEB_CONF_")),
      ].sort(),
    );
    // OpenMetadata's own defaults for the OIDC settings Docker leaves out.
    expect([
      extra.OIDC_TENANT,
      extra.OIDC_MAX_CLOCK_SKEW,
      extra.OIDC_OM_REFRESH_TOKEN_VALIDITY,
    ]).toEqual(["", "", "3600"]);
    expect(extra.AUTHORIZER_ALLOWED_DOMAINS).toBe("[]");
    expect(extra.SECRET_MANAGER).toBe("db");
  });

  it("renders the exact strings of the templates: quoted, lists, raw and secret references", () => {
    const env = chartEnv(
      valuesFor(CONFIDENTIAL_OKTA),
      chartSecretContents(caseChart(CONFIDENTIAL_OKTA).secrets, "0oa1234567890abcdef"),
    );
    expect({
      AUTHENTICATION_PROVIDER: env.AUTHENTICATION_PROVIDER,
      AUTHENTICATION_ENABLE_SELF_SIGNUP: env.AUTHENTICATION_ENABLE_SELF_SIGNUP,
      AUTHENTICATION_PUBLIC_KEYS: env.AUTHENTICATION_PUBLIC_KEYS,
      AUTHORIZER_ADMIN_PRINCIPALS: env.AUTHORIZER_ADMIN_PRINCIPALS,
      DB_HOST: env.DB_HOST,
      DB_PORT: env.DB_PORT,
      ELASTICSEARCH_PORT: env.ELASTICSEARCH_PORT,
      OIDC_CUSTOM_PARAMS: env.OIDC_CUSTOM_PARAMS,
      OIDC_PROMPT_TYPE: env.OIDC_PROMPT_TYPE,
      OIDC_CLIENT_ID: env.OIDC_CLIENT_ID,
      OIDC_CLIENT_SECRET: env.OIDC_CLIENT_SECRET,
      FERNET_KEY: env.FERNET_KEY,
      DB_USER_PASSWORD: env.DB_USER_PASSWORD,
      PIPELINE_SERVICE_CLIENT_ENABLED: env.PIPELINE_SERVICE_CLIENT_ENABLED,
      AI_CHAT_PREVIEW: env.AI_CHAT_PREVIEW,
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: env.CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME,
    }).toEqual({
      AUTHENTICATION_PROVIDER: '"okta"',
      AUTHENTICATION_ENABLE_SELF_SIGNUP: '"true"',
      AUTHENTICATION_PUBLIC_KEYS:
        '["https://example.okta.com/oauth2/default/v1/keys","http://openmetadata:8585/api/v1/system/config/jwks"]',
      AUTHORIZER_ADMIN_PRINCIPALS: '["alice","bob"]',
      DB_HOST: "mysql",
      DB_PORT: "3306",
      ELASTICSEARCH_PORT: '"9200"',
      OIDC_CUSTOM_PARAMS: "{}",
      OIDC_PROMPT_TYPE: '""',
      OIDC_CLIENT_ID: "0oa1234567890abcdef",
      OIDC_CLIENT_SECRET: { secret: "oidcClientSecret" },
      FERNET_KEY: { secret: "fernetKey" },
      DB_USER_PASSWORD: { secret: "databasePassword" },
      PIPELINE_SERVICE_CLIENT_ENABLED: '"false"',
      AI_CHAT_PREVIEW: "true\n",
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "Okta",
    });
    expect(env.AIRFLOW_PASSWORD).toBeUndefined();
  });

  it("shows why airflow.auth is turned off without ingestion: the chart would read a Secret that does not exist", () => {
    const values = valuesFor(CONFIDENTIAL_OKTA) as {
      openmetadata: { config: { pipelineServiceClientConfig: unknown } };
    };
    values.openmetadata.config.pipelineServiceClientConfig = { enabled: false };
    expect(() =>
      chartEnv(values, chartSecretContents(caseChart(CONFIDENTIAL_OKTA).secrets, "id")),
    ).toThrow(
      'The chart reads AIRFLOW_PASSWORD from key "openmetadata-airflow-password" of Secret "airflow-secrets" (pipelineServiceClientConfig.airflow.auth.password), which the deployment does not create.',
    );
  });

  it("refuses a public client's chart defaults never, and a missing OIDC Secret always", () => {
    const publicCase: Case = { ...CONFIDENTIAL_OKTA, clientType: "public" };
    const env = chartEnv(
      valuesFor(publicCase),
      chartSecretContents(caseChart(publicCase).secrets, "x"),
    );
    expect(Object.keys(env).filter((name) => name.startsWith("OIDC_"))).toEqual([]);
    expect(() => chartEnv(valuesFor(CONFIDENTIAL_OKTA), {})).toThrow(
      'The chart reads FERNET_KEY from key "openmetadata-fernet-key" of Secret "om-fernet" (fernetkey), which the deployment does not create.',
    );
  });

  it("refuses chart features it does not model", () => {
    const values = coalesceValues(valuesFor(CONFIDENTIAL_OKTA), {
      openmetadata: { config: { rdf: { enabled: true } } },
    }) as HelmValues;
    expect(() => chartEnv(values, {})).toThrow(
      "chartEnv models the chart for this package's values only; rdf is not.",
    );
  });

  it("uses the chart's own defaults, leaf for leaf", () => {
    const leaves = (node: unknown, prefix: string[] = []): [string[], unknown][] =>
      node && typeof node === "object" && !Array.isArray(node)
        ? Object.entries(node).flatMap(([key, child]) => leaves(child, [...prefix, key]))
        : [[prefix, node]];
    const found = leaves(CHART_DEFAULTS);
    expect(found.length).toBe(146);
    for (const [keyPath, value] of found) {
      const key = keyPath.join(".");
      expect([key, key in VALUES_DEFAULTS, VALUES_DEFAULTS[key]]).toEqual([key, true, value]);
    }
  });

  it("reads every line of the chart's env facts", () => {
    const facts = CHART_ENV_SECRETS.flatMap((secret) => secret.env.map(parseEnvFact));
    expect(facts.length).toBe(214);
    expect(facts.find((fact) => fact.name === "AI_CHAT_PREVIEW")).toEqual({
      name: "AI_CHAT_PREVIEW",
      encoding: "literal",
      literal: "false",
      path: undefined,
      when: ["collate.aiProxy.enabled"],
    });
  });

  it("renders exactly the env the chart's facts give: names, sources, quoting and precedence", () => {
    for (const c of cases) {
      const values = valuesFor(c);
      const secrets = chartSecretContents(caseChart(c).secrets, "id");
      expect([caseName(c), chartEnv(values, secrets)]).toEqual([
        caseName(c),
        chartEnvFromFacts(values, secrets),
      ]);
    }
  });
});

describe("quoting", () => {
  it("quotes like Go's %q and reads back like OpenMetadata's YAML", () => {
    expect(goQuote('a "b" \\ c\n\t\x01é\u2028')).toBe('"a \\"b\\" \\\\ c\\n\\t\\x01é\\u2028"');
    expect(
      effectiveEnv({ A: '"okta"', B: '["a","b"]', C: "{}", D: '""', E: '"a \\"b\\" \\x01"' }),
    ).toEqual({ A: "okta", B: '["a","b"]', C: "{}", D: "", E: 'a "b" \x01' });
  });

  it("merges values like Helm: maps merge, lists replace, null deletes", () => {
    expect(
      coalesceValues({ a: { b: 1, c: [1, 2], d: "x" }, e: 1 }, { a: { c: [3], d: null }, f: 2 }),
    ).toEqual({ a: { b: 1, c: [3] }, e: 1, f: 2 });
  });
});

describe("the dependencies release", () => {
  const names = kubernetesNames("om");
  it("sets every password from our Secrets, never the chart's defaults", () => {
    expect(dependenciesValues(caseSettings(CONFIDENTIAL_OKTA), names)).toEqual({
      mysql: {
        enabled: true,
        auth: {
          existingSecret: "om-database",
          createDatabase: true,
          database: "openmetadata_db",
          username: "openmetadata_user",
        },
        initdbScriptsConfigMap: "om-mysql-init",
        // Without ingestion too: the init script creates Airflow's database on the first start.
        primary: {
          extraEnvVars: [
            {
              name: "OPENMETADATA_AIRFLOW_DB_PASSWORD",
              valueFrom: {
                secretKeyRef: { name: "om-database", key: "airflow-database-password" },
              },
            },
          ],
          // dataRetention retain (the default): the claim outlives the StatefulSet.
          persistentVolumeClaimRetentionPolicy: {
            enabled: true,
            whenDeleted: "Retain",
            whenScaled: "Retain",
          },
        },
      },
      opensearch: { enabled: true },
      airflow: { enabled: false },
    });
  });

  it("has MySQL's claim deleted with its StatefulSet exactly when dataRetention is delete", () => {
    const settings = caseSettings(CONFIDENTIAL_OKTA);
    const policies = (["retain", "delete"] as const).map((dataRetention) => {
      const values = dependenciesValues({ ...settings, dataRetention }, names) as {
        mysql: { primary: { persistentVolumeClaimRetentionPolicy: unknown } };
        opensearch: Record<string, unknown>;
      };
      // OpenSearch's chart has no such value: its StatefulSet is patched (kubernetes.test.ts).
      expect(values.opensearch).toEqual({ enabled: true });
      return [
        volumeClaimRetention({ ...settings, dataRetention }),
        values.mysql.primary.persistentVolumeClaimRetentionPolicy,
      ];
    });
    expect(policies).toEqual([
      [
        { whenDeleted: "Retain", whenScaled: "Retain" },
        { enabled: true, whenDeleted: "Retain", whenScaled: "Retain" },
      ],
      [
        { whenDeleted: "Delete", whenScaled: "Retain" },
        { enabled: true, whenDeleted: "Delete", whenScaled: "Retain" },
      ],
    ]);
  });

  it("puts the dependencies' volumes on the configured storage class", () => {
    const settings = caseSettings({ ...CONFIDENTIAL_OKTA, ingestion: true });
    const values = dependenciesValues(
      { ...settings, kubernetes: { ...settings.kubernetes!, storageClass: "fast-ssd" } },
      names,
    ) as {
      mysql: { primary: { persistence: unknown } };
      opensearch: { persistence: unknown };
      airflow: { dags: unknown; logs: unknown };
    };
    expect([
      values.mysql.primary.persistence,
      values.opensearch.persistence,
      values.airflow.dags,
      values.airflow.logs,
    ]).toEqual([
      { storageClass: "fast-ssd" },
      { storageClass: "fast-ssd" },
      { persistence: { storageClassName: "fast-ssd" } },
      { persistence: { storageClassName: "fast-ssd" } },
    ]);
  });

  it("puts Airflow's shared DAGs and logs volumes on the shared storage class, the rest on storageClass", () => {
    const settings = caseSettings({ ...CONFIDENTIAL_OKTA, ingestion: true });
    const on = (storage: { storageClass?: string; sharedStorageClass?: string }) => {
      const values = dependenciesValues(
        { ...settings, kubernetes: { ...settings.kubernetes!, ...storage } },
        names,
      ) as {
        mysql: { primary: { persistence?: unknown } };
        opensearch: { persistence?: unknown };
        airflow: { dags?: unknown; logs?: unknown };
      };
      return [
        values.mysql.primary.persistence,
        values.opensearch.persistence,
        values.airflow.dags,
        values.airflow.logs,
      ];
    };
    expect(on({ storageClass: "gp3", sharedStorageClass: "efs" })).toEqual([
      { storageClass: "gp3" },
      { storageClass: "gp3" },
      { persistence: { storageClassName: "efs" } },
      { persistence: { storageClassName: "efs" } },
    ]);
    // Alone, it leaves MySQL and OpenSearch on the cluster default.
    expect(on({ sharedStorageClass: "efs" })).toEqual([
      undefined,
      undefined,
      { persistence: { storageClassName: "efs" } },
      { persistence: { storageClassName: "efs" } },
    ]);
  });

  it("gives Airflow 3 its API secret key and JWT secret from our Secret, where the charts alone draw new ones at every upgrade", () => {
    // OpenMetadata's dependencies chart 1.13.1 sets only `webserverSecretKey` among these
    // (charts/deps/values.yaml @039a208); its value does not matter here, only that it is set.
    const openMetadataDefaults = { webserverSecretKey: "static key of the dependencies chart" };
    expect(airflowKeySources(openMetadataDefaults)).toEqual({
      AIRFLOW__API__SECRET_KEY: { from: "generated at every render" },
      AIRFLOW__API_AUTH__JWT_SECRET: { from: "generated at every render" },
    });
    const ours = dependenciesValues(
      caseSettings({ ...CONFIDENTIAL_OKTA, ingestion: true }),
      names,
    ) as { airflow: Record<string, unknown> };
    expect(airflowKeySources({ ...openMetadataDefaults, ...ours.airflow })).toEqual({
      AIRFLOW__API__SECRET_KEY: {
        from: "existing Secret",
        secret: "om-airflow",
        key: "api-secret-key",
      },
      AIRFLOW__API_AUTH__JWT_SECRET: {
        from: "existing Secret",
        secret: "om-airflow",
        key: "jwt-secret",
      },
    });
  });

  it("runs Airflow with ingestion, its secrets from our Secret", () => {
    const values = dependenciesValues(
      caseSettings({ ...CONFIDENTIAL_OKTA, ingestion: true }),
      names,
    ) as { mysql: { primary: unknown }; airflow: unknown };
    expect(values.mysql.primary).toEqual({
      extraEnvVars: [
        {
          name: "OPENMETADATA_AIRFLOW_DB_PASSWORD",
          valueFrom: { secretKeyRef: { name: "om-database", key: "airflow-database-password" } },
        },
      ],
      persistentVolumeClaimRetentionPolicy: {
        enabled: true,
        whenDeleted: "Retain",
        whenScaled: "Retain",
      },
    });
    expect(values.airflow).toEqual({
      enabled: true,
      data: { metadataSecretName: "om-airflow" },
      apiSecretKeySecretName: "om-airflow",
      jwtSecretName: "om-airflow",
      createUserJob: {
        env: [
          {
            name: "OPENMETADATA_AIRFLOW_ADMIN_PASSWORD",
            valueFrom: {
              secretKeyRef: { name: "om-airflow", key: "openmetadata-airflow-password" },
            },
          },
        ],
        args: [
          "bash",
          "-c",
          'exec airflow users create --role Admin --username admin --email admin@example.com --firstname OpenMetadata --lastname Ingestion --password "$OPENMETADATA_AIRFLOW_ADMIN_PASSWORD"',
        ],
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The offline render of the Kubernetes stack files (stacks/Pulumi.prod.yaml, Pulumi.staging.yaml),
// through the real program under the mock runtime. Kept last in this file: each stack installs
// its own mock runtime.
// ---------------------------------------------------------------------------------------------

async function evaluateStackFile(stack: string, openmetadata: Record<string, unknown> = {}) {
  const config = readStackFile(stack);
  const key = "openmetadata-sso:openmetadata";
  if (Object.keys(openmetadata).length > 0) {
    config.values[key] = JSON.stringify({
      ...(JSON.parse(config.values[key] ?? "{}") as object),
      ...openmetadata,
    });
  }
  process.env.OPENMETADATA_SSO_OFFLINE = "1";
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const resources = installMocks({ realKeys: false, project: config.project, stack });
  vi.resetModules();
  await import("../index.js");
  await settle();
  return resources;
}

describe("npm run render for the Kubernetes stacks", () => {
  it("prod: values.yaml, the chart's env, openmetadata.yaml and the public key; the private key only with --show-secrets", async () => {
    const resources = await evaluateStackFile("prod");
    const files = renderFiles(resources, { showSecrets: false });
    expect(Object.keys(files).sort()).toEqual([
      "files/etc/openmetadata/jwtkeys/public_key.der",
      "openmetadata.env",
      "openmetadata.yaml",
      "resources.json",
      "values.yaml",
    ]);
    const values = parse(files["values.yaml"] as string) as Record<string, unknown>;
    expect(schemaErrors(values)).toEqual([]);
    expect(values.replicaCount).toBe(3);
    const env = Object.fromEntries(
      (files["openmetadata.env"] as string)
        .trimEnd()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect({
      AUTHENTICATION_PROVIDER: env.AUTHENTICATION_PROVIDER,
      OIDC_CLIENT_SECRET: env.OIDC_CLIENT_SECRET,
      FERNET_KEY: env.FERNET_KEY,
      DB_USER_PASSWORD: env.DB_USER_PASSWORD,
      SERVER_USE_FORWARDED_HEADERS: env.SERVER_USE_FORWARDED_HEADERS,
      AI_CHAT_PREVIEW: env.AI_CHAT_PREVIEW,
      RSA_PRIVATE_KEY_FILE_PATH: env.RSA_PRIVATE_KEY_FILE_PATH,
    }).toEqual({
      AUTHENTICATION_PROVIDER: '"okta"',
      OIDC_CLIENT_SECRET: REDACTED,
      FERNET_KEY: REDACTED,
      DB_USER_PASSWORD: REDACTED,
      SERVER_USE_FORWARDED_HEADERS: "true",
      AI_CHAT_PREVIEW: "true\\n",
      RSA_PRIVATE_KEY_FILE_PATH: '"/etc/openmetadata/jwtkeys/private_key.der"',
    });
    const yaml = parse(files["openmetadata.yaml"] as string) as {
      authenticationConfiguration: Record<string, unknown>;
    };
    expect(yaml.authenticationConfiguration.provider).toBe("okta");
    expect(yaml.authenticationConfiguration.providerName).toBe("Okta");

    const shown = renderFiles(resources, { showSecrets: true });
    const privateDer = shown["files/etc/openmetadata/jwtkeys/private_key.der"] as Buffer;
    const publicDer = files["files/etc/openmetadata/jwtkeys/public_key.der"] as Buffer;
    const privateKey = crypto.createPrivateKey({ key: privateDer, format: "der", type: "pkcs8" });
    const publicKey = crypto.createPublicKey({ key: publicDer, format: "der", type: "spki" });
    // Under mocks a cached key stands in; the size the stack asks for is in the key's inputs.
    expect(resources.find((r) => r.type === "tls:index/privateKey:PrivateKey")?.inputs).toEqual({
      algorithm: "RSA",
      rsaBits: 3072,
    });
    const signature = crypto.sign("sha256", Buffer.from("x"), privateKey);
    expect(crypto.verify("sha256", Buffer.from("x"), publicKey, signature)).toBe(true);
    expect((shown["openmetadata.env"] as string).includes(REDACTED)).toBe(false);

    // The render writes these files to disk as render.ts does.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-prod-"));
    for (const [relative, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      fs.writeFileSync(path.join(dir, relative), content);
    }
    expect(
      fs.readFileSync(path.join(dir, "files/etc/openmetadata/jwtkeys/public_key.der")),
    ).toEqual(publicDer);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prod with an egress proxy: the chart's env, values.yaml and the verifier carry it", async () => {
    const resources = await evaluateStackFile("prod", { egressProxy: EGRESS_PROXY });
    const files = renderFiles(resources, { showSecrets: false });
    const options =
      "-Dhttp.proxyHost=proxy.corp.example.com -Dhttp.proxyPort=3128 -Dhttps.proxyHost=proxy.corp.example.com -Dhttps.proxyPort=3128 -Dhttp.nonProxyHosts=localhost|127.*|[::1]|openmetadata|mysql|opensearch|*.corp.example.com";
    expect((files["openmetadata.env"] as string).split("\n")).toContain(
      `JAVA_TOOL_OPTIONS=${options}`,
    );
    const values = parse(files["values.yaml"] as string) as { extraEnvs: unknown[] };
    expect(schemaErrors(values)).toEqual([]);
    expect(values.extraEnvs).toContainEqual({ name: "JAVA_TOOL_OPTIONS", value: options });
    // The verifier Job leaves Okta's JWKS to the proxy and says so; it reads the server's own.
    const job = JSON.stringify(resources.filter((r) => r.type === "kubernetes:batch/v1:Job"));
    const expected = /"name":"EXPECTED_AUTH","value":"((?:[^"\\]|\\.)*)"/.exec(job)![1];
    expect(JSON.parse(JSON.parse(`"${expected}"`) as string)).toMatchObject({
      publicKeyUrls: ["http://openmetadata:8585/api/v1/system/config/jwks"],
      egressProxy: "proxy.corp.example.com:3128",
      proxiedKeyUrls: ["https://example.okta.com/oauth2/default/v1/keys"],
    });
    const scripts = resources
      .filter((r) => r.type === "kubernetes:core/v1:ConfigMap")
      .map((r) => (r.inputs as { data?: Record<string, string> }).data?.["verify.cjs"])
      .filter((script) => script !== undefined);
    // The function's source depends on how the program was transpiled; the added line does not.
    const line = (script: string) => script.split("\n").filter((l) => l.includes("proxiedKeyUrls"));
    expect(scripts.map(line)).toEqual([line(verifierScript({ egressProxy: true }))]);
    expect(line(verifierScript({ egressProxy: true }))).toHaveLength(1);
  });

  it("staging: an Auth0 confidential client against external endpoints", async () => {
    const resources = await evaluateStackFile("staging");
    const files = renderFiles(resources, { showSecrets: false });
    expect(Object.keys(files).sort()).toEqual([
      "files/etc/openmetadata/jwtkeys/public_key.der",
      "openmetadata.env",
      "openmetadata.yaml",
      "resources.json",
      "values.yaml",
    ]);
    const values = parse(files["values.yaml"] as string) as Record<string, unknown>;
    expect(schemaErrors(values)).toEqual([]);
    const env = files["openmetadata.env"] as string;
    expect(env).toContain('AUTHENTICATION_PROVIDER="auth0"\n');
    expect(env).toContain("DB_HOST=mysql.staging.example.internal\n");
    expect(env).toContain(`OIDC_CLIENT_SECRET=${REDACTED}\n`);
    expect(
      resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.name),
    ).toEqual(["openmetadata-staging-k8s-openmetadata"]);
  });
});
