/**
 * The Kubernetes target: OpenMetadata from the official Helm chart 1.13.1, with its Secrets, key
 * files and dependencies created here, and the same post-deploy verification as on Docker.
 *
 * What was verified without a cluster: every values object meets the constraints of the chart's
 * `values.schema.json` (facts read from the chart, in test/support/openmetadata-chart.ts), the env
 * the chart renders is modelled by `chartEnv`, held to the chart's facts and compared with the
 * Docker env, and mock tests check every Secret reference, the key bytes and that no secret value
 * reaches the Helm values. Not verified: a real install. The
 * dependency subchart keys (bitnami mysql 14.0.2, apache airflow 1.18.0) were read from their
 * sources and docs, never rendered with helm.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { expectedAuth, verificationFailure, VERIFIER_ENV, verifierScript } from "./checks/verify";
import type { ResolvedSettings } from "./config";
import { KUBERNETES_NAME_LIMIT, kubernetesNameProblem } from "./config/rules";
import { retention, securityInput } from "./deployment";
import type { IdentityApp } from "./identity/types";
import type { SigningKeys } from "./keys";
import { type EnvValue, type ServerEnv, type Topology } from "./settings/env";
import { chartEnv, effectiveEnv, type ChartSecretContents } from "./settings/chart-env";
import {
  helmValues,
  OPENMETADATA_CHART,
  type ChartInput,
  type ChartSecretKey,
  type ChartSecretRefs,
  type HelmValues,
  stickySessionAnnotations,
  TRUSTED_CA_VOLUME,
} from "./settings/helm";
import {
  CA_BUNDLE_FILE,
  CA_DIRECTORY,
  caCertificates,
  caFiles,
  NODE_EXTRA_CA_CERTS,
} from "./settings/truststore";
import * as k8s from "./kubernetes-sdk";
import { retainedDataHook } from "./retained";
import { isHttps } from "./urls";

/** The verifier's image; the same pin as the Docker target's (a test keeps them equal). */
export const VERIFIER_IMAGE = "node:22.12.0-alpine3.21";

/**
 * Helm release names. Both charts name their Services after fixed defaults (`openmetadata`,
 * `mysql`, `opensearch`, `openmetadata-dependencies-api-server`), so one OpenMetadata runs per
 * namespace; keeping the upstream names keeps every in-cluster URL the charts' own.
 */
export const RELEASES = {
  server: "openmetadata",
  dependencies: "openmetadata-dependencies",
} as const;

/** Airflow's API inside the namespace, as the dependencies release names it. */
export const AIRFLOW_ENDPOINT = `http://${RELEASES.dependencies}-api-server:8080`;

/** Keys inside the Secrets and ConfigMaps this target creates. */
export const OBJECT_KEYS = {
  databasePassword: "openmetadata-database-password",
  /** bitnami/mysql `auth.existingSecret` keys. */
  mysqlRootPassword: "mysql-root-password",
  mysqlUserPassword: "mysql-password",
  airflowDatabasePassword: "airflow-database-password",
  oidcClientId: "openmetadata-oidc-client-id",
  oidcClientSecret: "openmetadata-oidc-client-secret",
  fernetKey: "openmetadata-fernet-key",
  airflowPassword: "openmetadata-airflow-password",
  /**
   * The keys apache/airflow chart 1.18.0 reads from the Secrets named by `data.metadataSecretName`,
   * `apiSecretKeySecretName` and `jwtSecretName` (templates/_helpers.yaml,
   * `standard_airflow_environment`).
   */
  airflowConnection: "connection",
  airflowApiSecretKey: "api-secret-key",
  airflowJwtSecret: "jwt-secret",
  searchPassword: "openmetadata-search-password",
  privateKey: "private_key.der",
  publicKey: "public_key.der",
  verifyScript: "verify.cjs",
  airflowDatabaseScript: "10-airflow-database.sh",
  dataMarker: "README",
} as const;

/** What the data marker ConfigMap says to whoever finds it in the cluster. */
export const DATA_MARKER_TEXT =
  "Created by openmetadata-sso and kept with the data (dataRetention: retain). A pulumi up that finds it without holding it in its state stops here: see docs/operations.md, Destroy and retained data.\n";

/** Env variable through which MySQL's init script receives Airflow's database password. */
export const AIRFLOW_DB_PASSWORD_ENV = "OPENMETADATA_AIRFLOW_DB_PASSWORD";

/** Env variable through which Airflow's create-user job receives the admin password. */
export const AIRFLOW_ADMIN_PASSWORD_ENV = "OPENMETADATA_AIRFLOW_ADMIN_PASSWORD";

/** Annotation keys on the server's pods. */
export const POD_ANNOTATIONS = {
  checksum: "openmetadata-sso/config-checksum",
  gate: "openmetadata-sso/preflight",
} as const;

/** The operations tool of the server image, which the chart's migration runs too. */
export const OPENMETADATA_OPS = "/opt/openmetadata/bootstrap/openmetadata-ops.sh";

/**
 * Makes a one-shot Job that failed run again on the next `pulumi up`, with nothing else changed.
 *
 * What pulumi-kubernetes does with a Job (provider source @94977969, the snapshot after 4.32.0;
 * the annotation exists since 3.2.0, PRs #1575 and #1578; @pulumi/kubernetes 4.34.2 documents it
 * on `batch/v1.Job`):
 * - Create waits until the Job is started and has the condition Complete; a Failed condition
 *   (BackoffLimitExceeded, DeadlineExceeded) ends the wait with an error
 *   (provider/pkg/await/checker/job/check.go). The Job exists, so the provider returns it as a
 *   partial result: "created, but ... failed to fully initialize" (provider.go Create), and the
 *   engine keeps it in the state with init errors.
 * - The next update, without this annotation: nothing in the inputs changed, so the engine runs an
 *   empty update "to continue awaiting initialization" (pulumi/pulumi step_generator.go), which
 *   awaits the same Failed Job and fails again. A Failed Job never completes.
 * - With it, the provider's Diff reads the live Job and, unless it is started and Complete,
 *   answers "replace" (provider.go Diff, `ReplaceUnready`); with the same name, delete before
 *   replace (the provider computes that for a same-name replacement; our Jobs also set the
 *   option). A new Job runs. A Job that completed is ready, so a second `pulumi up` changes
 *   nothing.
 */
export const REPLACE_UNREADY = { "pulumi.com/replaceUnready": "true" } as const;

/** OpenMetadata's server image, as the chart uses it. */
export const OPENMETADATA_SERVER_IMAGE = "docker.getcollate.io/openmetadata/server";

/** A `secretKeyRef` of a container's env: where the chart reads one secret. */
export interface SecretKeyRef {
  secretKeyRef: { name: string; key: string };
}

/** What the one-shot Jobs read: plain values from a ConfigMap, secrets from our Secrets. */
export interface OneShotEnv {
  /** The server env's plain values, byte for byte as the chart gives them (quotes included). */
  configMapData: Record<string, string>;
  /** The server env's secrets, read from the same Secret keys as the server's. */
  secretEnv: k8s.types.input.core.v1.EnvVar[];
}

/**
 * The server container's environment, split for the one-shot Jobs (migration, bot tokens): from
 * `chartEnv`, the model of what chart 1.13.1 renders into the server container, with each secret
 * as the `secretKeyRef` the chart uses. So a Job sees exactly what the server sees, including the
 * chart's quotes (`ELASTICSEARCH_CLUSTER_ALIAS` is `""`, not empty), which OpenMetadata's config
 * substitution reads differently from an unquoted value.
 */
export function oneShotEnv(values: HelmValues, refs: ChartSecretRefs): OneShotEnv {
  const contents: ChartSecretContents<SecretKeyRef> = {};
  for (const ref of Object.values(refs) as ChartSecretKey[]) {
    contents[ref.secretRef] ??= {};
    contents[ref.secretRef][ref.secretKey] = {
      secretKeyRef: { name: ref.secretRef, key: ref.secretKey },
    };
  }
  const env = chartEnv<SecretKeyRef>(values, contents);
  const configMapData: Record<string, string> = {};
  const secretEnv: k8s.types.input.core.v1.EnvVar[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (typeof value === "string") configMapData[name] = value;
    else secretEnv.push({ name, valueFrom: value });
  }
  return { configMapData, secretEnv };
}

/** Ten hex digits of a label's SHA-256: a fixed-length name part for a free-form label. */
function shortHash(label: string): string {
  return createHash("sha256").update(label).digest("hex").slice(0, 10);
}

/** Names of every object this target creates in the namespace, derived from the component name. */
export function kubernetesNames(name: string) {
  // Validation reports the same problem first, with the fix for a stack or a component name.
  if (kubernetesNameProblem(name) !== undefined) {
    throw new Error(
      `KubernetesDeployment name must be a DNS label of at most ${KUBERNETES_NAME_LIMIT} characters (lowercase letters, digits and "-"), because the Kubernetes objects are named after it; got ${JSON.stringify(name)}. Use a name like "openmetadata-prod"`,
    );
  }
  return {
    databaseSecret: `${name}-database`,
    oidcSecret: `${name}-oidc`,
    fernetSecret: `${name}-fernet`,
    airflowSecret: `${name}-airflow`,
    searchSecret: `${name}-search`,
    privateKeySecret: `${name}-jwt-private-key`,
    publicKeyConfigMap: `${name}-jwt-public-key`,
    mysqlInitConfigMap: `${name}-mysql-init`,
    verifyConfigMap: `${name}-verify`,
    trustedCaConfigMap: `${name}-trusted-ca`,
    tlsSecret: `${name}-tls`,
    dataMarker: `${name}-data-marker`,
    serverEnvConfigMap: `${name}-server-env`,
    verifyJob: (checksum: string) => `${name}-verify-${checksum.slice(0, 12)}`,
    migrateJob: (version: string) => `${name}-migrate-${shortHash(version)}`,
    regenerateJob: (rotation: string) => `${name}-bot-tokens-${shortHash(rotation)}`,
  };
}

/** The id under which pulumi-kubernetes reads a namespaced object: `<namespace>/<name>`. */
export function existingTlsSecretId(namespace: string, secretName: string): string {
  return `${namespace}/${secretName}`;
}

/** The command that prints the whole log of a Job's pod. */
export function jobLogsCommand(namespace: string, job: string): string {
  return `kubectl logs -n ${namespace} job/${job}`;
}

/** Object names of a deployment. */
export type KubernetesNames = ReturnType<typeof kubernetesNames>;

const DATABASE_PORTS = { mysql: 3306, postgresql: 5432 } as const;

/** Where the server finds its database, search engine and Airflow inside the cluster. */
export function kubernetesTopology(settings: ResolvedSettings): Topology {
  const target = settings.kubernetes!;
  const om = settings.openmetadata;
  const common = {
    heapSize: om.heapSize,
    clusterName: om.clusterName,
    ...(om.egressProxy === undefined ? {} : { egressProxy: om.egressProxy }),
    ...(settings.trustedCaCertificates === undefined
      ? {}
      : { trustedCaCertificates: caCertificates(settings.trustedCaCertificates) }),
  };
  if (target.dependencies === "chart") {
    return {
      // The dependencies chart's fixed Service names (fullnameOverride mysql and opensearch).
      database: {
        engine: "mysql",
        host: "mysql",
        port: 3306,
        name: "openmetadata_db",
        user: "openmetadata_user",
      },
      search: { engine: "opensearch", host: "opensearch", port: 9200, scheme: "http" },
      ...(om.ingestion ? { airflowEndpoint: AIRFLOW_ENDPOINT } : {}),
      ...common,
    };
  }
  if (om.ingestion) {
    throw new Error(
      `args.openmetadata.ingestion: must be false with kubernetes.dependencies "external"; got true. Ingestion runs in the Airflow of the dependencies chart: set kubernetes.dependencies to "chart", or openmetadata.ingestion to false`,
    );
  }
  const database = target.database!;
  const search = target.search!;
  return {
    database: {
      engine: database.engine,
      host: database.host,
      port: database.port ?? DATABASE_PORTS[database.engine],
      name: database.name,
      user: database.user,
      ...(database.params === undefined ? {} : { params: database.params }),
    },
    search: {
      engine: search.engine,
      host: search.host,
      port: search.port,
      scheme: search.scheme,
      ...(search.user === undefined ? {} : { user: search.user }),
    },
    ...common,
  };
}

/** Where the chart reads each secret: always a Secret of this deployment. */
export function chartSecretRefs(
  names: KubernetesNames,
  settings: ResolvedSettings,
  confidential: boolean,
): ChartSecretRefs {
  const topology = kubernetesTopology(settings);
  return {
    databasePassword: { secretRef: names.databaseSecret, secretKey: OBJECT_KEYS.databasePassword },
    fernetKey: { secretRef: names.fernetSecret, secretKey: OBJECT_KEYS.fernetKey },
    ...(confidential
      ? {
          oidcClientId: { secretRef: names.oidcSecret, secretKey: OBJECT_KEYS.oidcClientId },
          oidcClientSecret: {
            secretRef: names.oidcSecret,
            secretKey: OBJECT_KEYS.oidcClientSecret,
          },
        }
      : {}),
    ...(topology.airflowEndpoint !== undefined
      ? {
          airflowPassword: {
            secretRef: names.airflowSecret,
            secretKey: OBJECT_KEYS.airflowPassword,
          },
        }
      : {}),
    ...(topology.search.user !== undefined
      ? { searchPassword: { secretRef: names.searchSecret, secretKey: OBJECT_KEYS.searchPassword } }
      : {}),
  };
}

/**
 * What the chart finds behind each reference: the secret it stands for, or, for the OIDC client
 * id (kept in the Secret only because the chart reads it from there), the plain value.
 */
export function chartSecretContents(
  refs: ChartSecretRefs,
  clientId: string,
): ChartSecretContents<EnvValue> {
  const contents: ChartSecretContents<EnvValue> = {};
  const put = (ref: { secretRef: string; secretKey: string } | undefined, value: EnvValue) => {
    if (!ref) return;
    contents[ref.secretRef] ??= {};
    contents[ref.secretRef][ref.secretKey] = value;
  };
  put(refs.databasePassword, { secret: "databasePassword" });
  put(refs.fernetKey, { secret: "fernetKey" });
  put(refs.oidcClientId, clientId);
  put(refs.oidcClientSecret, { secret: "oidcClientSecret" });
  put(refs.airflowPassword, { secret: "airflowPassword" });
  put(refs.searchPassword, { secret: "searchPassword" });
  return contents;
}

/**
 * MySQL init script (bitnami runs `/docker-entrypoint-initdb.d` once, on an empty volume) that
 * creates Airflow's database and user. It runs with or without ingestion: turning ingestion on
 * later finds them, since the script would not run again on the volume that now holds data. The
 * password comes from the environment, injected from a Secret, so no password sits in a ConfigMap
 * or in the Helm values. The ConfigMap's files are not executable, so bitnami's setup sources the
 * script, where its `mysql_execute` and the root credentials are defined (bitnami/containers
 * `libmysql.sh`, `mysql_custom_scripts`).
 */
export function airflowDatabaseScript(): string {
  return [
    "# openmetadata-sso: Airflow's metadata database and user, with the password from the environment.",
    `if [ -z "\${${AIRFLOW_DB_PASSWORD_ENV}:-}" ]; then echo "${AIRFLOW_DB_PASSWORD_ENV} is not set" >&2; return 1; fi`,
    'mysql_execute "mysql" "$DB_ROOT_USER" "$DB_ROOT_PASSWORD" <<EOF',
    "CREATE DATABASE IF NOT EXISTS airflow_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
    `CREATE USER IF NOT EXISTS 'airflow_user'@'%' IDENTIFIED BY '\${${AIRFLOW_DB_PASSWORD_ENV}}';`,
    "GRANT ALL PRIVILEGES ON airflow_db.* TO 'airflow_user'@'%';",
    "FLUSH PRIVILEGES;",
    "EOF",
    "",
  ].join("\n");
}

/** What becomes of a StatefulSet's claims (made from its volumeClaimTemplates) when it goes. */
export interface VolumeClaimRetentionPolicy {
  whenDeleted: "Delete" | "Retain";
  whenScaled: "Retain";
}

/**
 * The retention policy of the dependencies release's StatefulSets that keep data in claims of their
 * own: Delete with `dataRetention: delete`, so the data goes with `pulumi destroy` even in a
 * namespace that is not ours, and an explicit Retain otherwise. Scaling never deletes a claim (both
 * run one pod).
 *
 * Kubernetes: `spec.persistentVolumeClaimRetentionPolicy` (apps/v1 StatefulSet, `whenDeleted` and
 * `whenScaled`, each `Retain`, the default, or `Delete`). With `whenDeleted: Delete` the StatefulSet
 * controller makes the StatefulSet an owner of each claim made from its volumeClaimTemplates, so
 * the garbage collector deletes the claims, and with them volumes whose reclaim policy is Delete,
 * after the StatefulSet (`helm uninstall` deletes it). Feature gate `StatefulSetAutoDeletePVC`:
 * alpha in 1.23, beta and on by default since 1.27, GA in 1.32 (KEP-1847,
 * kubernetes/enhancements#1847; GA in kubernetes/kubernetes#128247). A cluster before 1.27 (or
 * 1.23 to 1.26 without the gate) does not apply it: the claims stay (docs/operations.md).
 */
export function volumeClaimRetention(settings: ResolvedSettings): VolumeClaimRetentionPolicy {
  return {
    whenDeleted: settings.dataRetention === "delete" ? "Delete" : "Retain",
    whenScaled: "Retain",
  };
}

/**
 * The claims the dependencies release's StatefulSets make, by the charts' naming
 * (`<volumeClaimTemplate>-<StatefulSet>-<ordinal>`):
 * - MySQL, bitnami/mysql 14.0.2 (bitnami/charts @cc4c357, templates/primary/statefulset.yaml):
 *   template `data`, StatefulSet `mysql` (the dependencies chart's `fullnameOverride`).
 * - OpenSearch, opensearch 3.3.2 (opensearch-project/helm-charts tag opensearch-3.3.2 @72d1e74,
 *   templates/statefulset.yaml and `opensearch.uname` in _helpers.tpl): template and StatefulSet
 *   both `opensearch` (`fullnameOverride`).
 * Airflow (apache airflow chart 1.18.0) makes none as the dependencies chart configures it: with
 * `logs.persistence.enabled` its triggerer StatefulSet mounts the shared logs claim instead of a
 * volumeClaimTemplate, and the KubernetesExecutor runs no Celery worker StatefulSet; its dags and
 * logs claims are ordinary chart objects without `helm.sh/resource-policy: keep`
 * (templates/triggerer/triggerer-deployment.yaml, dags- and logs-persistent-volume-claim.yaml; no
 * template of the chart has a resource policy; read in the 1.18.0 copy named at
 * {@link dependenciesValues}), which `helm uninstall` deletes.
 */
export const DEPENDENCY_CLAIMS = {
  mysql: { statefulSet: "mysql", claim: "data-mysql-0" },
  opensearch: { statefulSet: "opensearch", claim: "opensearch-opensearch-0" },
} as const;

/**
 * Values of the `openmetadata-dependencies` release. No password is a value: MySQL reads its root
 * and OpenMetadata passwords from our Secret (`auth.existingSecret`) and creates the OpenMetadata
 * user itself (`auth.username`); the chart's own init scripts, which create users with literal
 * passwords, are replaced by our ConfigMap (`initdbScriptsConfigMap` wins over `initdbScripts`).
 * Airflow, only with ingestion, reads its database URI, `[api] secret_key`, `[api_auth] jwt_secret`
 * and admin password from our Secret. The upstream defaults stay in the release's merged values,
 * but nothing reads them. MySQL's claim follows `dataRetention` ({@link volumeClaimRetention}).
 *
 * The apache/airflow chart 1.18.0 facts below were read in a copy of the chart vendored whole at
 * cloudapp-suites/cloudapps-catalog @7646596 (charts/airflow, Chart.yaml version 1.18.0, appVersion
 * 3.0.2; later commits there edit it), because apache/airflow is over the fetch limit; the pull
 * requests named agree with it.
 */
export function dependenciesValues(settings: ResolvedSettings, names: KubernetesNames): HelmValues {
  const target = settings.kubernetes!;
  const ingestion = settings.openmetadata.ingestion;
  const storageClass = target.storageClass;
  // Airflow's pods share the DAGs and logs volumes: they need a ReadWriteMany class.
  const sharedStorageClass = target.sharedStorageClass ?? storageClass;
  return {
    mysql: {
      enabled: true,
      auth: {
        existingSecret: names.databaseSecret,
        createDatabase: true,
        database: "openmetadata_db",
        username: "openmetadata_user",
      },
      initdbScriptsConfigMap: names.mysqlInitConfigMap,
      primary: {
        extraEnvVars: [
          {
            name: AIRFLOW_DB_PASSWORD_ENV,
            valueFrom: {
              secretKeyRef: {
                name: names.databaseSecret,
                key: OBJECT_KEYS.airflowDatabasePassword,
              },
            },
          },
        ],
        ...(storageClass ? { persistence: { storageClass } } : {}),
        // bitnami/mysql 14.0.2 values.yaml `primary.persistentVolumeClaimRetentionPolicy`
        // (`enabled` false by default, and the field is rendered only when true).
        persistentVolumeClaimRetentionPolicy: { enabled: true, ...volumeClaimRetention(settings) },
      },
    },
    // The OpenSearch chart 3.3.2 has no value for the policy: it is patched onto the StatefulSet.
    opensearch: {
      enabled: true,
      ...(storageClass ? { persistence: { storageClass } } : {}),
    },
    airflow: ingestion
      ? {
          enabled: true,
          data: { metadataSecretName: names.airflowSecret },
          // Airflow 3's two shared keys, from our Secret. The dependencies chart 1.13.1 sets no
          // `airflowVersion`, so chart 1.18.0's default "3.0.2" decides, and for ">=3.0.0" the
          // chart passes AIRFLOW__API__SECRET_KEY and AIRFLOW__API_AUTH__JWT_SECRET to every
          // Airflow container, task pods included, and no AIRFLOW__WEBSERVER__SECRET_KEY
          // (values.yaml, templates/_helpers.yaml, files/pod-template-file.kubernetes-helm-yaml;
          // apache/airflow #52269). So OpenMetadata's static `airflow.webserverSecretKey`
          // (values.yaml @039a208) reaches no container, and neither did our former
          // `webserverSecretKeySecretName`. Left unset, the chart renders each key as
          // `randAlphaNum 32` in an ordinary Secret of the release, with no hook and no `lookup`
          // (templates/secrets/api-secret-key-secret.yaml, jwt-secret.yaml; the pre-install hook
          // was dropped in #51799), and its Deployments carry no checksum of them (the JWT one
          // came later, #60111). So every upgrade of the release writes new keys that only pods
          // started afterwards read, and tokens then fail between the API server and the scheduler
          // ("Signature verification failed", apache/airflow #60040 and #64826, both on chart
          // 1.18.0). pulumi-kubernetes upgrades the release whenever its inputs change: Diff
          // compares the inputs, not a rendered manifest (provider/pkg/provider/helm_release.go,
          // pulumi/pulumi-kubernetes @9497796, after 4.32.0). Keys we generate stay fixed.
          apiSecretKeySecretName: names.airflowSecret,
          jwtSecretName: names.airflowSecret,
          // The chart's job passes webserver.defaultUser.password as an argument; this one reads
          // the password from our Secret through its environment instead.
          createUserJob: {
            env: [
              {
                name: AIRFLOW_ADMIN_PASSWORD_ENV,
                valueFrom: {
                  secretKeyRef: { name: names.airflowSecret, key: OBJECT_KEYS.airflowPassword },
                },
              },
            ],
            args: [
              "bash",
              "-c",
              `exec airflow users create --role Admin --username admin --email admin@${settings.principalDomain} --firstname OpenMetadata --lastname Ingestion --password "$${AIRFLOW_ADMIN_PASSWORD_ENV}"`,
            ],
          },
          ...(sharedStorageClass
            ? {
                dags: { persistence: { storageClassName: sharedStorageClass } },
                logs: { persistence: { storageClassName: sharedStorageClass } },
              }
            : {}),
        }
      : { enabled: false },
  };
}

/** JSON with sorted keys, so a checksum does not depend on property order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 over the server's values and the contents of every Secret and ConfigMap it reads. */
export function configChecksum(values: HelmValues, contents: Record<string, unknown>): string {
  return createHash("sha256").update(stableJson({ values, contents })).digest("hex");
}

/** Arguments of {@link KubernetesDeployment}. */
export interface KubernetesDeploymentArgs {
  /**
   * Validated settings; `settings.kubernetes` holds the target's own.
   * @default - required
   */
  settings: ResolvedSettings;
  /**
   * Makes the OIDC client OpenMetadata uses, given the objects that must exist before anything is
   * created outside the cluster: the namespace (when created here) and the data marker. Whatever
   * it creates at the identity provider must depend on them, so that an update refused for data
   * an earlier destroy kept creates nothing there either. Called once, in the constructor.
   * @default - required
   */
  identity: (ready: readonly pulumi.Resource[]) => KubernetesIdentity;
  /**
   * Signing keys, fernet key and passwords.
   * @default - required
   */
  keys: SigningKeys;
}

/** What {@link KubernetesDeploymentArgs.identity} makes. */
export interface KubernetesIdentity {
  /** The OIDC client OpenMetadata uses. */
  app: IdentityApp;
  /**
   * A value produced by a check that must pass before the server starts (the preflight). It is
   * written into an annotation of the server's pods, so the release waits for it. None: no gate.
   */
  gate?: pulumi.Input<string>;
}

/**
 * OpenMetadata on Kubernetes: an explicit provider, the namespace, every Secret the chart reads,
 * the JWT key files, the dependencies (chart or external endpoints), the `openmetadata` release
 * with an ingress, and a verification Job against the in-cluster Service after every change.
 */
export class KubernetesDeployment extends pulumi.ComponentResource {
  /**
   * The server environment the chart produces, as OpenMetadata reads it (the chart's quotes
   * removed, see `effectiveEnv`), with secrets as references.
   */
  public readonly env: pulumi.Output<ServerEnv>;
  /** The exact values of the `openmetadata` release. */
  public readonly values: pulumi.Output<HelmValues>;
  /** `"succeeded"` once the verification Job completed: the server serves the deployed settings. */
  public readonly verification: pulumi.Output<string>;
  /** The name of the ingress's affinity cookie, with sticky sessions. */
  public readonly affinityCookie?: string;
  /** The OIDC client OpenMetadata uses, as `args.identity` made it. */
  public readonly identity: IdentityApp;

  constructor(
    name: string,
    args: KubernetesDeploymentArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("openmetadata-sso:index:KubernetesDeployment", name, {}, opts);
    const { settings, keys } = args;
    const target = settings.kubernetes;
    if (!target) throw new Error("KubernetesDeployment needs settings.kubernetes.");
    const names = kubernetesNames(name);
    const topology = kubernetesTopology(settings);
    const keep = retention(settings);
    const chartDependencies = target.dependencies === "chart";
    const ingestion = topology.airflowEndpoint !== undefined;
    const namespace = target.namespace;

    const provider = new k8s.Provider(
      `${name}-provider`,
      {
        ...(target.kubeconfig !== undefined ? { kubeconfig: target.kubeconfig } : {}),
        ...(target.context !== undefined ? { context: target.context } : {}),
      },
      { parent: this },
    );
    const child = { parent: this, provider };
    const created: pulumi.Resource[] = [];
    const labels = {
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/part-of": "openmetadata-sso",
      "app.kubernetes.io/instance": name,
    };
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels });

    // After a destroy that kept the data, a new update finds the kept objects but not the passwords
    // and key they were made with. The namespace (when created here) and a marker kept with the
    // data are created first, and everything else, in the cluster and at the identity provider,
    // waits for them, so such an update stops at its first create, having created nothing
    // anywhere, with the exact way out (components/retained.ts).
    const refusal = {
      namespace,
      createNamespace: target.createNamespace,
      chartDependencies: target.dependencies === "chart",
      markerConfigMap: names.dataMarker,
      privateKeySecret: names.privateKeySecret,
      dependenciesRelease: RELEASES.dependencies,
      dependencyClaims: Object.values(DEPENDENCY_CLAIMS).map(({ claim }) => claim),
    };
    if (target.createNamespace) {
      // Deleting a namespace deletes everything in it, volumes included: it is kept like the data.
      created.push(
        new k8s.core.v1.Namespace(
          `${name}-namespace`,
          { metadata: { name: namespace, labels } },
          {
            ...child,
            ...keep,
            hooks: retainedDataHook(
              `${name}-namespace-kept`,
              refusal,
              `Namespace ${namespace}`,
              () => this,
            ),
          },
        ),
      );
    }
    created.push(
      new k8s.core.v1.ConfigMap(
        `${name}-data-marker`,
        {
          metadata: metadata(names.dataMarker),
          data: { [OBJECT_KEYS.dataMarker]: DATA_MARKER_TEXT },
        },
        {
          ...child,
          ...keep,
          dependsOn: [...created],
          hooks: retainedDataHook(
            `${name}-data-marker-kept`,
            refusal,
            `ConfigMap ${namespace}/${names.dataMarker}`,
            () => this,
          ),
        },
      ),
    );
    const inNamespace = { ...child, dependsOn: [...created] };
    // Outside the cluster too: the client at the identity provider waits for the same two.
    const made = args.identity([...created]);
    const identity = made.app;
    this.identity = identity;
    const confidential = identity.clientType === "confidential";
    const refs = chartSecretRefs(names, settings, confidential);

    // With ingress.tls "secret" the certificate is the user's, in the namespace: it is read, not
    // created. A read runs in previews too, and a read that finds nothing fails the update ("resource
    // '<namespace>/<name>' does not exist": pulumi/pulumi pkg/resource/deploy/step.go, ReadStep;
    // pulumi-kubernetes 4.x Read answers a missing object with no outputs), so a missing Secret
    // stops the update before the release, instead of an ingress that serves ingress-nginx's fake
    // certificate. Pulumi never deletes what it only read.
    const existingTls =
      target.ingress.tls === "secret"
        ? k8s.core.v1.Secret.get(
            `${name}-existing-tls`,
            existingTlsSecretId(namespace, target.ingress.tlsSecretName!),
            child,
          )
        : undefined;

    // Secrets. Their contents travel as Pulumi secrets; the values only name them.
    const secret = (
      suffix: string,
      objectName: string,
      stringData: Record<string, pulumi.Input<string>>,
    ) => {
      const resource = new k8s.core.v1.Secret(
        `${name}-${suffix}`,
        { metadata: metadata(objectName), type: "Opaque", stringData },
        inNamespace,
      );
      created.push(resource);
      return resource;
    };
    const databasePassword = chartDependencies
      ? keys.databasePassword
      : pulumi.secret(pulumi.output(target.database!.password!));
    // What the dependencies chart reads; it waits for these and nothing else, so the database and
    // search start alongside the IdP app and the signing keys.
    const forDependencies: pulumi.Resource[] = [...created];
    const databaseSecret = secret("database-secret", names.databaseSecret, {
      [OBJECT_KEYS.databasePassword]: databasePassword,
      ...(chartDependencies
        ? {
            [OBJECT_KEYS.mysqlRootPassword]: keys.adminPassword,
            [OBJECT_KEYS.mysqlUserPassword]: keys.databasePassword,
            // Always, like Airflow's database: see airflowDatabaseScript.
            [OBJECT_KEYS.airflowDatabasePassword]: keys.airflowDatabasePassword,
          }
        : {}),
    });
    secret("fernet-secret", names.fernetSecret, { [OBJECT_KEYS.fernetKey]: keys.fernetKey });
    let clientSecret: pulumi.Output<string> | undefined;
    if (confidential) {
      if (!identity.clientSecret) {
        throw new Error("A confidential identity app must provide its client secret.");
      }
      clientSecret = pulumi.secret(identity.clientSecret);
      secret("oidc-secret", names.oidcSecret, {
        [OBJECT_KEYS.oidcClientId]: identity.clientId,
        [OBJECT_KEYS.oidcClientSecret]: clientSecret,
      });
    }
    if (ingestion) {
      // `[api] secret_key`, see dependenciesValues. The resource keeps the name it had when it
      // fed `[webserver] secret_key` (Airflow 3 moved that option to `[api]`, apache/airflow
      // #52269), so existing stacks keep it; Airflow never read its value before.
      const apiSecretKey = pulumi.secret(
        new random.RandomPassword(
          `${name}-airflow-webserver-key`,
          { length: 64, special: false },
          { parent: this },
        ).result,
      );
      // `[api_auth] jwt_secret`: 64 characters, as on Docker. Airflow 3.2 warns of HMAC keys under
      // the 64 bytes recommended for SHA-512 (PyJWT's InsecureKeyLengthWarning, quoted in
      // apache/airflow #65082, which made later charts generate 128).
      const jwtSecret = pulumi.secret(
        new random.RandomPassword(
          `${name}-airflow-jwt-secret`,
          { length: 64, special: false },
          { parent: this },
        ).result,
      );
      const airflowSecret = secret("airflow-secret", names.airflowSecret, {
        [OBJECT_KEYS.airflowPassword]: keys.airflowPassword,
        [OBJECT_KEYS.airflowConnection]: pulumi.interpolate`mysql://airflow_user:${keys.airflowDatabasePassword}@mysql:3306/airflow_db`,
        [OBJECT_KEYS.airflowApiSecretKey]: apiSecretKey,
        [OBJECT_KEYS.airflowJwtSecret]: jwtSecret,
      });
      forDependencies.push(airflowSecret);
    }
    let searchPassword: pulumi.Output<string> | undefined;
    if (refs.searchPassword) {
      searchPassword = pulumi.secret(pulumi.output(target.search!.password!));
      secret("search-secret", names.searchSecret, {
        [OBJECT_KEYS.searchPassword]: searchPassword,
      });
    }

    // The key files: the private key from a Secret (binary DER), the public key from a ConfigMap,
    // so the public key stays a plain value. One projected volume mounts both.
    const privateKey = new k8s.core.v1.Secret(
      `${name}-jwt-private-key`,
      {
        metadata: metadata(names.privateKeySecret),
        type: "Opaque",
        data: { [OBJECT_KEYS.privateKey]: keys.privateKeyDer },
      },
      { ...inNamespace, ...keep },
    );
    const publicKey = new k8s.core.v1.ConfigMap(
      `${name}-jwt-public-key`,
      {
        metadata: metadata(names.publicKeyConfigMap),
        binaryData: { [OBJECT_KEYS.publicKey]: keys.publicKeyDer },
      },
      inNamespace,
    );
    created.push(privateKey, publicKey);

    // Dependencies: the dependencies chart with our passwords, or the external endpoints above.
    let dependencies: k8s.Release | undefined;
    if (chartDependencies) {
      const mysqlInit = new k8s.core.v1.ConfigMap(
        `${name}-mysql-init`,
        {
          metadata: metadata(names.mysqlInitConfigMap),
          data: { [OBJECT_KEYS.airflowDatabaseScript]: airflowDatabaseScript() },
        },
        inNamespace,
      );
      created.push(mysqlInit);
      forDependencies.push(databaseSecret, mysqlInit);
      // Kept like the data it owns. `helm uninstall` leaves the claims of the StatefulSets behind
      // unless their retention policy says Delete, which follows dataRetention: see
      // volumeClaimRetention.
      dependencies = new k8s.helm.v3.Release(
        `${name}-dependencies`,
        {
          name: RELEASES.dependencies,
          chart: OPENMETADATA_CHART.dependenciesChart,
          version: OPENMETADATA_CHART.version,
          repositoryOpts: { repo: OPENMETADATA_CHART.repo },
          namespace,
          values: dependenciesValues(settings, names),
          timeout: 900,
          maxHistory: 10,
        },
        { ...child, ...keep, dependsOn: forDependencies },
      );
      // OpenSearch's StatefulSet gets the policy by a server-side apply of that one field, since
      // its chart has no value for it (a commit adding one, opensearch-project/helm-charts
      // 515e7ee, is in no release up to opensearch-3.6.0).
      // - pulumi-kubernetes 4.34.2 (apps/v1/statefulSetPatch.d.ts; Pulumi's "Managing Resources
      //   with Server-Side Apply" guide): a Patch applies only the fields it names, under a field
      //   manager of its own; `pulumi.com/patchForce` takes over fields another manager holds (here
      //   Helm's create may hold the defaulted Retain).
      // - The same guide: deleting a Patch undoes it and resets the fields to their defaults. A
      //   destroy deletes the patch before the release it depends on, so Retain would be back when
      //   `helm uninstall` runs; `retainOnDelete` leaves the policy on the StatefulSet it goes with.
      // - Helm 3 upgrades with a three-way merge of the old manifest, the new one and the live
      //   object: a live field that neither manifest names is left as it is.
      new k8s.apps.v1.StatefulSetPatch(
        `${name}-opensearch-claims`,
        {
          metadata: {
            name: DEPENDENCY_CLAIMS.opensearch.statefulSet,
            namespace,
            annotations: { "pulumi.com/patchForce": "true" },
          },
          spec: { persistentVolumeClaimRetentionPolicy: volumeClaimRetention(settings) },
        },
        { ...child, retainOnDelete: true, dependsOn: [dependencies] },
      );
    }

    // The release values, from the same settings as the Docker env.
    const internalUrl = `http://${RELEASES.server}:8585`;
    const input = securityInput(settings, identity, keys, internalUrl, isHttps(settings.publicUrl));
    const ingress = target.ingress;
    // Private CAs: their certificates in a ConfigMap (public, like the public key), which the
    // trust store's init container and the verifier read.
    const certificates = topology.trustedCaCertificates ?? [];
    const trusted = certificates.length > 0;
    if (trusted) {
      created.push(
        new k8s.core.v1.ConfigMap(
          `${name}-trusted-ca`,
          { metadata: metadata(names.trustedCaConfigMap), data: caFiles(certificates) },
          inNamespace,
        ),
      );
    }
    const serverImage = `${OPENMETADATA_SERVER_IMAGE}:${settings.openmetadata.version}`;
    const chartInput = (podAnnotations: Record<string, string>): ChartInput => ({
      version: settings.openmetadata.version,
      replicas: settings.openmetadata.replicas,
      topology,
      serviceName: RELEASES.server,
      secrets: refs,
      keyFiles: {
        secretName: names.privateKeySecret,
        secretKey: OBJECT_KEYS.privateKey,
        configMapName: names.publicKeyConfigMap,
        configMapKey: OBJECT_KEYS.publicKey,
      },
      ingress: {
        className: ingress.className,
        tls: ingress.tls,
        tlsSecretName: ingress.tls === "secret" ? ingress.tlsSecretName! : names.tlsSecret,
        clusterIssuer: ingress.clusterIssuer,
        issuer: ingress.issuer,
        stickySessions: ingress.stickySessions,
      },
      podAnnotations,
      ...(trusted
        ? { truststore: { configMapName: names.trustedCaConfigMap, image: serverImage } }
        : {}),
    });
    const baseValues = input.apply((plain) => helmValues(plain, chartInput({})));
    // The chart's Secrets change without touching the pod template, so the pods restart only
    // through this checksum of the values and of every Secret and ConfigMap the server reads. It
    // derives from secrets, but a SHA-256 of high-entropy secrets discloses nothing usable, and
    // unsecreting it keeps the release values (and every preview diff) readable.
    const contents = pulumi.all({
      databasePassword,
      fernetKey: keys.fernetKey,
      oidcClientId: confidential ? identity.clientId : pulumi.output(""),
      oidcClientSecret: clientSecret ?? pulumi.output(""),
      airflowPassword: ingestion ? keys.airflowPassword : pulumi.output(""),
      searchPassword: searchPassword ?? pulumi.output(""),
      privateKey: keys.privateKeyDer,
      publicKey: keys.publicKeyDer,
      // Only with private CAs: a stack without them keeps its checksum, and its pods.
      ...(trusted ? { trustedCaCertificates: pulumi.output(certificates.join("")) } : {}),
    });
    const checksum = pulumi.unsecret(
      pulumi.all([baseValues, contents]).apply(([values, all]) => configChecksum(values, all)),
    );
    const gate = made.gate === undefined ? pulumi.output(undefined) : pulumi.output(made.gate);
    this.values = pulumi.all([input, checksum, gate]).apply(([plain, sum, gateValue]) =>
      helmValues(
        plain,
        chartInput({
          [POD_ANNOTATIONS.checksum]: sum,
          ...(gateValue === undefined ? {} : { [POD_ANNOTATIONS.gate]: gateValue }),
        }),
      ),
    );
    this.env = pulumi
      .all([this.values, input])
      .apply(
        ([values, plain]) =>
          effectiveEnv(
            chartEnv(values, chartSecretContents(refs, plain.identity.clientId)),
          ) as ServerEnv,
      );

    // The one-shot Jobs (migration, bot tokens) get the server's environment: its plain values
    // from this ConfigMap (envFrom), its secrets from the server's Secret keys. The ConfigMap is
    // updated in place, so a Job that runs again after a failure reads the current values even
    // where its own spec is frozen (the bot token Job's).
    const oneShot = this.values.apply((values) => oneShotEnv(values, refs));
    const serverEnvConfigMap = new k8s.core.v1.ConfigMap(
      `${name}-server-env`,
      {
        metadata: metadata(names.serverEnvConfigMap),
        data: oneShot.apply((env) => env.configMapData),
      },
      inNamespace,
    );
    // A one-shot Job: run once, never retried in place, replaced by the next update when it
    // failed (REPLACE_UNREADY), with the server's image, environment, trust store and volumes.
    const oneShotJob = (objectName: string, container: string, command: string[]): k8s.JobArgs => ({
      metadata: { name: objectName, namespace, labels, annotations: { ...REPLACE_UNREADY } },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            // The trust store, written as in the server's pods.
            ...(trusted
              ? {
                  initContainers: this.values.apply(
                    (values) =>
                      values.preMigrateInitContainers as k8s.types.input.core.v1.Container[],
                  ),
                }
              : {}),
            containers: [
              {
                name: container,
                image: serverImage,
                command,
                envFrom: [{ configMapRef: { name: names.serverEnvConfigMap } }],
                env: oneShot.apply((env) => env.secretEnv),
                volumeMounts: this.values.apply(
                  (values) => values.extraVolumeMounts as k8s.types.input.core.v1.VolumeMount[],
                ),
                // A failed Job's error carries the end of its log (see the verification Job).
                terminationMessagePolicy: "FallbackToLogsOnError",
              },
            ],
            volumes: this.values.apply(
              (values) => values.extraVolumes as k8s.types.input.core.v1.Volume[],
            ),
          },
        },
      },
    });

    // The migration, once per OpenMetadata version, before the release. The chart's
    // `run-db-migrations` init container runs `openmetadata-ops.sh migrate` in every pod, and
    // with several replicas those runs start together against one database, yet the migration
    // takes no lock: MigrationWorkflow reads the versions already applied from SERVER_CHANGE_LOG
    // (MigrationDAO.getMigrationVersions), runs the SQL and data migrations of every newer one,
    // and records each with an upsert, with no lock or claim around the whole. Read in two stored
    // copies of openmetadata-service/.../migration/api/MigrationWorkflow.java (commits 8a89220
    // and 00ba690, both older than 1.13; the 1.13.1 tag could not be read, the repository being
    // over the fetch limit). open-metadata/OpenMetadata issue #28825 (2026-06-08, the day 1.13.0
    // was released; open in the stored copy) asks for a lock on `openmetadata-ops.sh migrate`
    // against concurrent runs; the 1.13.0 and 1.13.1 release notes announce none, and 1.13.0's
    // tell operators to stop all instances before upgrading, for its Quartz-table migration
    // (openmetadata-site content/product-updates/v1.13.{0,1}.md @0639c61). This Job is right
    // whether or not 1.13.1 locks: one migration runs before any pod starts. Chart 1.13.1
    // renders that init container unconditionally and has no value to turn it off
    // (deployment.yaml @039a208; `upgradeMigrationConfigs` holds only `debug` and
    // `additionalArgs`). So this Job migrates first, alone; each pod's init container then finds
    // no pending version and runs none.
    const version = settings.openmetadata.version;
    const migrate = new k8s.batch.v1.Job(
      `${name}-migrate`,
      oneShotJob(names.migrateJob(version), "migrate", [OPENMETADATA_OPS, "migrate"]),
      {
        ...child,
        dependsOn: [...created, serverEnvConfigMap, ...(dependencies ? [dependencies] : [])],
        deleteBeforeReplace: true,
        customTimeouts: { create: "15m", update: "15m" },
      },
    );

    const release = new k8s.helm.v3.Release(
      `${name}-openmetadata`,
      {
        name: RELEASES.server,
        chart: OPENMETADATA_CHART.chart,
        version: OPENMETADATA_CHART.version,
        repositoryOpts: { repo: OPENMETADATA_CHART.repo },
        namespace,
        values: this.values,
        timeout: 900,
        maxHistory: 10,
      },
      {
        ...child,
        dependsOn: [
          ...created,
          ...(dependencies ? [dependencies] : []),
          ...(existingTls ? [existingTls] : []),
          migrate,
        ],
      },
    );

    // Bot tokens are signed with the signing key: after a rotation the old ones stop working.
    // One Job per rotation label runs `openmetadata-ops regenerate-bot-tokens` once the release
    // runs with the new key. A new label creates a new Job with current values; nothing else
    // runs a succeeded one again (its spec is frozen, not even a version upgrade replaces it),
    // since a regeneration invalidates the tokens handed out before. A failed one is replaced
    // by the next update (REPLACE_UNREADY) and reads the current env from the ConfigMap.
    let regenerate: k8s.Job | undefined;
    if (settings.keys.rotation !== "initial") {
      const rotation = settings.keys.rotation;
      regenerate = new k8s.batch.v1.Job(
        `${name}-regenerate-bot-tokens-${rotation}`,
        oneShotJob(names.regenerateJob(rotation), "regenerate-bot-tokens", [
          OPENMETADATA_OPS,
          "regenerate-bot-tokens",
        ]),
        {
          ...child,
          dependsOn: [...created, serverEnvConfigMap, release],
          ignoreChanges: ["spec"],
          deleteBeforeReplace: true,
          customTimeouts: { create: "15m" },
        },
      );
    }

    // Verification, last: the same script as on Docker, against the in-cluster Service. A new
    // Job (its name carries the checksum) runs after every change of the server; Pulumi waits
    // for it to complete, and a failed Job fails the update; the next update replaces it
    // (REPLACE_UNREADY), so it checks again once the cause is fixed.
    const script = new k8s.core.v1.ConfigMap(
      `${name}-verify-script`,
      {
        metadata: metadata(names.verifyConfigMap),
        data: {
          [OBJECT_KEYS.verifyScript]: verifierScript({
            egressProxy: settings.openmetadata.egressProxy !== undefined,
          }),
        },
      },
      inNamespace,
    );
    const verifyJob = new k8s.batch.v1.Job(
      `${name}-verify`,
      {
        metadata: {
          name: checksum.apply(names.verifyJob),
          namespace,
          labels,
          annotations: { [POD_ANNOTATIONS.checksum]: checksum, ...REPLACE_UNREADY },
        },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              containers: [
                {
                  name: "verify",
                  image: VERIFIER_IMAGE,
                  command: ["node", `/verify/${OBJECT_KEYS.verifyScript}`],
                  env: [
                    { name: VERIFIER_ENV.url, value: internalUrl },
                    {
                      name: VERIFIER_ENV.expected,
                      value: this.env.apply((env) => JSON.stringify(expectedAuth(env))),
                    },
                    {
                      name: VERIFIER_ENV.failure,
                      value: checksum.apply((sum) =>
                        verificationFailure(jobLogsCommand(namespace, names.verifyJob(sum))),
                      ),
                    },
                    // It reads the provider's JWKS as the server does, trusting the same CAs.
                    ...(trusted
                      ? [{ name: NODE_EXTRA_CA_CERTS, value: `${CA_DIRECTORY}/${CA_BUNDLE_FILE}` }]
                      : []),
                  ],
                  // A failed Job's error carries its pod's termination message; with no message
                  // file written, the kubelet fills it from the end of the log, where the script
                  // prints the kubectl command last. (Not checked against a cluster here.)
                  terminationMessagePolicy: "FallbackToLogsOnError",
                  volumeMounts: [
                    { name: "script", mountPath: "/verify", readOnly: true },
                    ...(trusted
                      ? [{ name: TRUSTED_CA_VOLUME, mountPath: CA_DIRECTORY, readOnly: true }]
                      : []),
                  ],
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 1000,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                },
              ],
              volumes: [
                { name: "script", configMap: { name: names.verifyConfigMap } },
                ...(trusted
                  ? [{ name: TRUSTED_CA_VOLUME, configMap: { name: names.trustedCaConfigMap } }]
                  : []),
              ],
            },
          },
        },
      },
      {
        ...child,
        // After the bot token regeneration too, when a rotation runs one: the check sees the
        // final state.
        dependsOn: [
          ...created,
          script,
          serverEnvConfigMap,
          migrate,
          release,
          ...(dependencies ? [dependencies] : []),
          ...(regenerate ? [regenerate] : []),
        ],
        deleteBeforeReplace: true,
        customTimeouts: { create: "15m", update: "15m" },
      },
    );

    // The Job's id resolves once Pulumi saw it complete; a failed Job fails the update first.
    this.verification = verifyJob.id.apply(() => "succeeded");
    if (ingress.stickySessions) {
      this.affinityCookie = stickySessionAnnotations(isHttps(settings.publicUrl))[
        "nginx.ingress.kubernetes.io/session-cookie-name"
      ];
    }

    this.registerOutputs({ env: this.env, values: this.values, verification: this.verification });
  }
}
