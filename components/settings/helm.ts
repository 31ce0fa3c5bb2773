/**
 * The release values of Helm chart 1.13.1
 *
 * What the official `openmetadata` chart (open-metadata/openmetadata-helm-charts @039a208, chart
 * 1.13.1) is given: `helmValues` builds the release's values from the same inputs as `serverEnv`.
 * What the chart makes of them, the server container's environment, is modelled in
 * `chart-env.ts`.
 */
import { callbackUrl } from "../urls";
import { JAVA_TOOL_OPTIONS } from "./proxy";
import { CA_DIRECTORY, caFileName, TRUSTSTORE_DIRECTORY, truststoreScript } from "./truststore";
import {
  dbParamsOf,
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
  /**
   * With `topology.trustedCaCertificates`: the ConfigMap that holds them (one key each, named
   * `caFileName`), and the server image, whose `keytool` builds the trust store.
   * @default - none
   */
  truststore?: { configMapName: string; image: string };
}

/** Helm values, as plain JSON. */
export type HelmValues = Record<string, unknown>;

/** Name of the projected volume that carries both key files. */
export const KEY_VOLUME = "jwt-keys";

/** Names of the volumes of a private CA: its certificates, and the trust store built from them. */
export const TRUSTED_CA_VOLUME = "trusted-ca";
export const TRUSTSTORE_VOLUME = "truststore";

/**
 * What the pods get for `trustedCaCertificates`, on chart 1.13.1: the CA certificates from their
 * ConfigMap, an `emptyDir` for the trust store, and an init container that writes the store with
 * the server image's `keytool` before the chart's `run-db-migrations`
 * (`preMigrateInitContainers`, rendered first in `deployment.yaml` @039a208). The migration and
 * the server mount the store read-only (`extraVolumeMounts` reach both); `JAVA_TOOL_OPTIONS`, in
 * `extraEnvs`, names it. Nothing without CA certificates.
 */
export function truststoreValues(
  certificates: readonly string[],
  truststore: ChartInput["truststore"],
): {
  extraVolumes?: unknown[];
  extraVolumeMounts?: unknown[];
  preMigrateInitContainers?: unknown[];
} {
  if (certificates.length === 0) return {};
  if (truststore === undefined) {
    throw new Error("The chart values need the ConfigMap of the trusted CA certificates.");
  }
  return {
    extraVolumes: [
      {
        name: TRUSTED_CA_VOLUME,
        configMap: {
          name: truststore.configMapName,
          items: certificates.map((_, i) => ({ key: caFileName(i), path: caFileName(i) })),
        },
      },
      { name: TRUSTSTORE_VOLUME, emptyDir: {} },
    ],
    extraVolumeMounts: [
      { name: TRUSTSTORE_VOLUME, mountPath: TRUSTSTORE_DIRECTORY, readOnly: true },
    ],
    preMigrateInitContainers: [
      {
        name: "truststore",
        image: truststore.image,
        command: ["/bin/bash", "-c", truststoreScript(certificates.length)],
        volumeMounts: [
          { name: TRUSTED_CA_VOLUME, mountPath: CA_DIRECTORY, readOnly: true },
          { name: TRUSTSTORE_VOLUME, mountPath: TRUSTSTORE_DIRECTORY },
        ],
      },
    ],
  };
}

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

/** The ingress-nginx annotations of cookie affinity (sticky sessions). */
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

  const trust = truststoreValues(chart.topology.trustedCaCertificates ?? [], chart.truststore);
  const extraEnvNames: string[] = [
    ...CHART_EXTRA_ENV,
    ...(airflowEndpoint === undefined ? CHART_EXTRA_ENV_WITHOUT_PIPELINE : []),
    // The JVM's proxy and trust store: the chart has no value for either.
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
      ...(trust.extraVolumes ?? []),
    ],
    extraVolumeMounts: [
      { name: KEY_VOLUME, mountPath: directory(input.jwt.privateKeyPath), readOnly: true },
      ...(trust.extraVolumeMounts ?? []),
    ],
    ...(trust.preMigrateInitContainers === undefined
      ? {}
      : { preMigrateInitContainers: trust.preMigrateInitContainers }),
    ingress: ingressValues(input.publicUrl, chart.ingress),
  };
}
