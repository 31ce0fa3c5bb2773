/**
 * KubernetesDeployment under Pulumi's mock runtime: what it registers, with which inputs and
 * options. Proves the wiring (Secrets the chart reads exist with their keys, no secret value in
 * any Helm value, key bytes, checksum, protection, ordering). Does not prove that the charts
 * install or that the server starts: there is no cluster here.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedAuth, verifierScript } from "../components/checks/verify";
import { KUBERNETES_NAME_LIMIT } from "../components/config/rules";
import { PINNED_IMAGES } from "../components/docker";
import { SigningKeys } from "../components/keys";
import {
  airflowDatabaseScript,
  chartSecretContents,
  KubernetesDeployment,
  kubernetesNames,
  kubernetesTopology,
  VERIFIER_IMAGE,
} from "../components/kubernetes";
import { chartEnv, effectiveEnv, helmValues, type HelmValues } from "../components/settings";
import { holdsSecret, renderFiles } from "../scripts/render-files";
import {
  isSecret,
  one,
  plain,
  record,
  SecretValue,
  useMocks,
  valueOf,
  type RecordedResource,
} from "./support/pulumi";
import { JobLifecycle } from "./support/job-lifecycle";
import { caseChart, caseInput, caseSettings, fakeApp, type Case } from "./support/kubernetes";

beforeAll(() => {
  useMocks();
});

const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const JOB = "kubernetes:batch/v1:Job";

interface SecretKeyRef {
  name: string;
  key: string;
}

const PROD: Case = {
  provider: "okta",
  clientType: "confidential",
  dependencies: "chart",
  replicas: 3,
};

interface Deployed {
  resources: RecordedResource[];
  keys: SigningKeys;
  deployment: KubernetesDeployment;
}

async function deploy(
  c: Case,
  options: {
    clientSecret?: string;
    gate?: pulumi.Input<string>;
    settings?: typeof caseSettings;
  } = {},
): Promise<Deployed> {
  const { resources, result } = await record(() => {
    const keys = new SigningKeys("om-keys", { issuer: "om.example.com" });
    const deployment = new KubernetesDeployment("om", {
      settings: (options.settings ?? caseSettings)(c),
      identity: () => ({
        app: fakeApp(c, options.clientSecret),
        ...(options.gate === undefined ? {} : { gate: options.gate }),
      }),
      keys,
    });
    return { keys, deployment };
  });
  // Outputs resolve after registration; wait for the ones the tests read.
  await valueOf(result.deployment.env);
  return { resources, ...result };
}

function byName(resources: RecordedResource[], type: string): Record<string, RecordedResource> {
  return Object.fromEntries(
    resources
      .filter((r) => r.type === type)
      .map((r) => [(r.inputs.metadata as { name: string } | undefined)?.name ?? r.name, r]),
  );
}

function releaseValues(resources: RecordedResource[], name = "om-openmetadata"): HelmValues {
  return plain(one(resources, RELEASE, name).inputs.values) as HelmValues;
}

/** Every string a deployment holds as a secret. */
async function secretStrings(deployed: Deployed, extra: string[] = []): Promise<string[]> {
  const { keys } = deployed;
  const values = await Promise.all(
    [
      keys.privateKeyDer,
      keys.fernetKey,
      keys.databasePassword,
      keys.adminPassword,
      keys.searchPassword,
      keys.airflowPassword,
      keys.airflowDatabasePassword,
    ].map(valueOf),
  );
  return [...values, ...extra];
}

describe("KubernetesDeployment, confidential Okta client, dependencies chart, three replicas", () => {
  let deployed: Deployed;
  let resources: RecordedResource[];
  beforeAll(async () => {
    deployed = await deploy(PROD);
    resources = deployed.resources.filter((r) => !r.name.startsWith("om-keys"));
  });

  it("registers exactly these children of the component, in this order of dependence", () => {
    expect(resources.map((r) => `${r.type} ${r.name} <- ${r.parent}`).sort()).toEqual(
      [
        "openmetadata-sso:index:KubernetesDeployment om <- null",
        "pulumi:providers:kubernetes om-provider <- om",
        "kubernetes:core/v1:Namespace om-namespace <- om",
        "kubernetes:core/v1:Secret om-database-secret <- om",
        "kubernetes:core/v1:Secret om-fernet-secret <- om",
        "kubernetes:core/v1:Secret om-oidc-secret <- om",
        "kubernetes:core/v1:Secret om-jwt-private-key <- om",
        "kubernetes:core/v1:ConfigMap om-data-marker <- om",
        "kubernetes:core/v1:ConfigMap om-jwt-public-key <- om",
        "kubernetes:core/v1:ConfigMap om-mysql-init <- om",
        "kubernetes:core/v1:ConfigMap om-server-env <- om",
        "kubernetes:core/v1:ConfigMap om-verify-script <- om",
        "kubernetes:helm.sh/v3:Release om-dependencies <- om",
        "kubernetes:apps/v1:StatefulSetPatch om-opensearch-claims <- om",
        "kubernetes:batch/v1:Job om-migrate <- om",
        "kubernetes:helm.sh/v3:Release om-openmetadata <- om",
        "kubernetes:batch/v1:Job om-verify <- om",
      ].sort(),
    );
  });

  it("passes the explicit provider, built from the kubeconfig settings, to every child", () => {
    const provider = one(resources, "pulumi:providers:kubernetes", "om-provider");
    expect(provider.inputs).toEqual({});
    for (const resource of resources) {
      if (!resource.type.startsWith("kubernetes:")) continue;
      expect([resource.name, resource.options.provider.startsWith(`${provider.urn}::`)]).toEqual([
        resource.name,
        true,
      ]);
    }
  });

  it("creates the namespace by name and puts every object in it", () => {
    expect(one(resources, "kubernetes:core/v1:Namespace", "om-namespace").inputs.metadata).toEqual({
      name: "om",
      labels: {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "openmetadata-sso",
        "app.kubernetes.io/instance": "om",
      },
    });
    for (const r of resources.filter((r) => [SECRET, CONFIG_MAP, JOB].includes(r.type))) {
      expect([r.name, (plain(r.inputs.metadata) as { namespace: string }).namespace]).toEqual([
        r.name,
        "om",
      ]);
    }
    for (const r of resources.filter((r) => r.type === RELEASE)) {
      expect([r.name, r.inputs.namespace]).toEqual([r.name, "om"]);
    }
  });

  it("installs the pinned charts with the exact values helmValues gives for these settings", async () => {
    const release = one(resources, RELEASE, "om-openmetadata");
    const values = releaseValues(resources);
    const checksum = (values.podAnnotations as Record<string, string>)[
      "openmetadata-sso/config-checksum"
    ];
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    const keyId = await valueOf(deployed.keys.keyId);
    expect(values).toEqual(
      helmValues(
        caseInput(PROD, keyId),
        caseChart(PROD, { "openmetadata-sso/config-checksum": checksum }),
      ),
    );
    expect({ ...release.inputs, values: undefined }).toEqual({
      name: "openmetadata",
      chart: "openmetadata",
      version: "1.13.1",
      repositoryOpts: { repo: "https://helm.open-metadata.org" },
      namespace: "om",
      timeout: 900,
      maxHistory: 10,
      compat: "true",
      values: undefined,
    });
    expect(await valueOf(deployed.deployment.values)).toEqual(values);
    const dependencies = one(resources, RELEASE, "om-dependencies");
    expect({ ...dependencies.inputs, values: undefined }).toEqual({
      name: "openmetadata-dependencies",
      chart: "openmetadata-dependencies",
      version: "1.13.1",
      repositoryOpts: { repo: "https://helm.open-metadata.org" },
      namespace: "om",
      timeout: 900,
      maxHistory: 10,
      compat: "true",
      values: undefined,
    });
  });

  it("never puts a secret value into the values or any other non-Secret input", async () => {
    const secrets = await secretStrings(deployed, ["okta-client-secret-0123456789abcdef"]);
    expect(secrets.every((s) => s.length >= 32)).toBe(true);
    for (const release of resources.filter((r) => r.type === RELEASE)) {
      expect(holdsSecret(release.inputs.values)).toBe(false);
    }
    for (const resource of resources) {
      if (resource.type === SECRET) continue;
      const text = JSON.stringify(plain(resource.inputs));
      for (const secret of secrets) {
        expect([resource.name, text.includes(secret)]).toEqual([resource.name, false]);
      }
    }
  });

  it("names in every secretRef a Secret it creates, with the key inside it", () => {
    const secrets = byName(resources, SECRET);
    const configMaps = byName(resources, CONFIG_MAP);
    const keysOf = (r: RecordedResource | undefined) =>
      r
        ? Object.keys({
            ...(plain(r.inputs.stringData) as object),
            ...(plain(r.inputs.data) as object),
            ...(plain(r.inputs.binaryData) as object),
          })
        : [];
    const references: [string, string, string][] = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${where}[${i}]`));
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (typeof record.secretRef === "string" && typeof record.secretKey === "string")
          references.push([where, record.secretRef, record.secretKey]);
        for (const [key, child] of Object.entries(record)) walk(child, `${where}.${key}`);
      }
    };
    const values = releaseValues(resources);
    walk(values, "values");
    expect(references.map(([where]) => where).sort()).toEqual([
      "values.openmetadata.config.authentication.oidcConfiguration.clientId",
      "values.openmetadata.config.authentication.oidcConfiguration.clientSecret",
      "values.openmetadata.config.database.auth.password",
      "values.openmetadata.config.fernetkey",
    ]);
    for (const [where, name, key] of references) {
      expect([where, keysOf(secrets[name]).includes(key)]).toEqual([where, true]);
    }
    // The key files, projected from a Secret and a ConfigMap.
    const sources = (
      values.extraVolumes as {
        projected: { sources: Record<string, { name: string; items: { key: string }[] }>[] };
      }[]
    )[0].projected.sources;
    expect(keysOf(secrets[sources[0].secret.name])).toEqual([sources[0].secret.items[0].key]);
    expect(keysOf(configMaps[sources[1].configMap.name])).toEqual([
      sources[1].configMap.items[0].key,
    ]);
    // The dependencies chart: bitnami's existingSecret keys and our init scripts.
    const deps = plain(one(resources, RELEASE, "om-dependencies").inputs.values) as {
      mysql: { auth: { existingSecret: string }; initdbScriptsConfigMap: string };
    };
    expect(keysOf(secrets[deps.mysql.auth.existingSecret]).sort()).toEqual([
      "airflow-database-password",
      "mysql-password",
      "mysql-root-password",
      "openmetadata-database-password",
    ]);
    // Airflow's database is created without ingestion too, so turning ingestion on later finds it.
    expect(plain(configMaps[deps.mysql.initdbScriptsConfigMap].inputs.data)).toEqual({
      "10-airflow-database.sh": airflowDatabaseScript(),
    });
  });

  it("fills each Secret from the right source, as a Pulumi secret", async () => {
    const secrets = byName(resources, SECRET);
    const { keys } = deployed;
    expect(secrets["om-database"].inputs.stringData).toBeInstanceOf(SecretValue);
    expect(plain(secrets["om-database"].inputs.stringData)).toEqual({
      "openmetadata-database-password": await valueOf(keys.databasePassword),
      "mysql-root-password": await valueOf(keys.adminPassword),
      "mysql-password": await valueOf(keys.databasePassword),
      "airflow-database-password": await valueOf(keys.airflowDatabasePassword),
    });
    expect(plain(secrets["om-fernet"].inputs.stringData)).toEqual({
      "openmetadata-fernet-key": await valueOf(keys.fernetKey),
    });
    expect(plain(secrets["om-oidc"].inputs.stringData)).toEqual({
      "openmetadata-oidc-client-id": "0oa1234567890abcdef",
      "openmetadata-oidc-client-secret": "okta-client-secret-0123456789abcdef",
    });
    expect(plain(byName(resources, CONFIG_MAP)["om-mysql-init"].inputs.data)).toEqual({
      "10-airflow-database.sh": airflowDatabaseScript(),
    });
  });

  it("mounts exactly the DER bytes of the keys: the private key secret, the public key not", async () => {
    const privateKey = byName(resources, SECRET)["om-jwt-private-key"];
    const publicKey = byName(resources, CONFIG_MAP)["om-jwt-public-key"];
    expect(privateKey.inputs.data).toBeInstanceOf(SecretValue);
    expect(plain(privateKey.inputs.data)).toEqual({
      "private_key.der": await valueOf(deployed.keys.privateKeyDer),
    });
    expect(publicKey.inputs.binaryData).toEqual({
      "public_key.der": await valueOf(deployed.keys.publicKeyDer),
    });
    // And the render writes those bytes where the server reads them.
    const hidden = renderFiles(deployed.resources, { showSecrets: false });
    const shown = renderFiles(deployed.resources, { showSecrets: true });
    expect(hidden["files/etc/openmetadata/jwtkeys/public_key.der"]).toEqual(
      Buffer.from(await valueOf(deployed.keys.publicKeyDer), "base64"),
    );
    expect(hidden["files/etc/openmetadata/jwtkeys/private_key.der"]).toBeUndefined();
    expect(shown["files/etc/openmetadata/jwtkeys/private_key.der"]).toEqual(
      Buffer.from(await valueOf(deployed.keys.privateKeyDer), "base64"),
    );
  });

  it("protects the key Secret, the dependencies release, the namespace and the data marker, and nothing else", () => {
    const kept = resources
      .filter((r) => r.options.protect || r.options.retainOnDelete)
      .map((r) => [r.name, r.options.protect, r.options.retainOnDelete]);
    expect(kept).toEqual(
      expect.arrayContaining([
        ["om-namespace", true, true],
        ["om-data-marker", true, true],
        ["om-jwt-private-key", true, true],
        ["om-dependencies", true, true],
        // Not data: a destroy leaves OpenSearch's claim policy on the StatefulSet it goes with.
        ["om-opensearch-claims", false, true],
      ]),
    );
    expect(kept).toHaveLength(5);
  });

  it("patches OpenSearch's StatefulSet with the claim policy of dataRetention, after the release", () => {
    const patch = one(resources, "kubernetes:apps/v1:StatefulSetPatch", "om-opensearch-claims");
    expect(plain(patch.inputs)).toEqual({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: {
        name: "opensearch",
        namespace: "om",
        annotations: { "pulumi.com/patchForce": "true" },
      },
      spec: {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      },
    });
    expect(patch.options.dependencies).toEqual([one(resources, RELEASE, "om-dependencies").urn]);
  });

  it("exposes the env the chart gives the server, as OpenMetadata reads it, secrets as references", async () => {
    const env = await valueOf(deployed.deployment.env);
    expect(await isSecret(deployed.deployment.env)).toBe(false);
    expect(env).toEqual(
      effectiveEnv(
        chartEnv(
          releaseValues(resources),
          chartSecretContents(caseChart(PROD).secrets, "0oa1234567890abcdef"),
        ),
      ),
    );
    expect({
      AUTHENTICATION_PROVIDER: env.AUTHENTICATION_PROVIDER,
      OIDC_CLIENT_SECRET: env.OIDC_CLIENT_SECRET,
      DB_USER_PASSWORD: env.DB_USER_PASSWORD,
      FERNET_KEY: env.FERNET_KEY,
    }).toEqual({
      AUTHENTICATION_PROVIDER: "okta",
      OIDC_CLIENT_SECRET: { secret: "oidcClientSecret" },
      DB_USER_PASSWORD: { secret: "databasePassword" },
      FERNET_KEY: { secret: "fernetKey" },
    });
  });

  it("verifies with a Job, last, against the in-cluster Service, named after the checksum", async () => {
    const job = one(resources, JOB, "om-verify");
    const checksum = (releaseValues(resources).podAnnotations as Record<string, string>)[
      "openmetadata-sso/config-checksum"
    ];
    const inputs = plain(job.inputs) as {
      metadata: { name: string; annotations: Record<string, string> };
      spec: {
        backoffLimit: number;
        template: {
          spec: {
            restartPolicy: string;
            containers: {
              image: string;
              command: string[];
              env: { name: string; value: string }[];
              terminationMessagePolicy: string;
            }[];
            volumes: unknown[];
          };
        };
      };
    };
    expect(inputs.metadata.name).toBe(`om-verify-${checksum.slice(0, 12)}`);
    expect(inputs.metadata.annotations).toEqual({
      "openmetadata-sso/config-checksum": checksum,
      "pulumi.com/replaceUnready": "true",
    });
    expect(job.options.deleteBeforeReplace).toBe(true);
    expect(inputs.spec.backoffLimit).toBe(0);
    const container = inputs.spec.template.spec.containers[0];
    expect(container.image).toBe(PINNED_IMAGES.verifier);
    expect(VERIFIER_IMAGE).toBe(PINNED_IMAGES.verifier);
    expect(container.command).toEqual(["node", "/verify/verify.cjs"]);
    const env = await valueOf(deployed.deployment.env);
    expect(container.env).toEqual([
      { name: "OPENMETADATA_URL", value: "http://openmetadata:8585" },
      { name: "EXPECTED_AUTH", value: JSON.stringify(expectedAuth(env)) },
      {
        name: "VERIFY_FAILURE",
        value: `OpenMetadata does not serve the auth settings that were deployed. Read: kubectl logs -n om job/om-verify-${checksum.slice(0, 12)}`,
      },
    ]);
    // The script prints VERIFY_FAILURE last, so it ends the log the termination message falls
    // back to, which the failed Job's error carries.
    expect(container.terminationMessagePolicy).toBe("FallbackToLogsOnError");
    expect(JSON.parse(container.env[1].value)).toEqual({
      provider: "okta",
      providerName: "Okta",
      clientId: "0oa1234567890abcdef",
      authority: "https://example.okta.com/oauth2/default",
      callbackUrl: "https://om.example.com/callback",
      clientType: "confidential",
      enableSelfSignup: true,
      jwtPrincipalClaims: ["email", "preferred_username", "sub"],
      jwtPrincipalClaimsMapping: [],
      keyId: await valueOf(deployed.keys.keyId),
      publicKeyUrls: [
        "https://example.okta.com/oauth2/default/v1/keys",
        "http://openmetadata:8585/api/v1/system/config/jwks",
      ],
    });
    expect(inputs.spec.template.spec.volumes).toEqual([
      { name: "script", configMap: { name: "om-verify" } },
    ]);
    expect(plain(byName(resources, CONFIG_MAP)["om-verify"].inputs.data)).toEqual({
      "verify.cjs": verifierScript(),
    });
    // Last: registered after everything, and waiting for both releases and every object.
    expect(resources[resources.length - 1].name).toBe("om-verify");
    // The claim policy of OpenSearch's StatefulSet matters to a destroy only.
    const others = resources.filter(
      (r) =>
        r.custom &&
        r !== job &&
        r.type !== "pulumi:providers:kubernetes" &&
        r.name !== "om-opensearch-claims",
    );
    for (const other of others) {
      expect([other.name, job.options.dependencies.includes(other.urn)]).toEqual([
        other.name,
        true,
      ]);
    }
    expect(job.options.dependencies).toContain(one(resources, RELEASE, "om-openmetadata").urn);
  });

  it("migrates in one Job per OpenMetadata version, before the release and alone", () => {
    const job = one(resources, JOB, "om-migrate");
    const values = releaseValues(resources);
    const labels = {
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/part-of": "openmetadata-sso",
      "app.kubernetes.io/instance": "om",
    };
    expect(plain(job.inputs)).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        // sha256("1.13.1"), 10 hex digits: a new version is a new Job.
        name: "om-migrate-a38a1050d4",
        namespace: "om",
        labels,
        annotations: { "pulumi.com/replaceUnready": "true" },
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            containers: [
              {
                name: "migrate",
                image: "docker.getcollate.io/openmetadata/server:1.13.1",
                command: ["/opt/openmetadata/bootstrap/openmetadata-ops.sh", "migrate"],
                envFrom: [{ configMapRef: { name: "om-server-env" } }],
                env: [
                  {
                    name: "DB_USER_PASSWORD",
                    valueFrom: {
                      secretKeyRef: { name: "om-database", key: "openmetadata-database-password" },
                    },
                  },
                  {
                    name: "FERNET_KEY",
                    valueFrom: {
                      secretKeyRef: { name: "om-fernet", key: "openmetadata-fernet-key" },
                    },
                  },
                  {
                    name: "OIDC_CLIENT_ID",
                    valueFrom: {
                      secretKeyRef: { name: "om-oidc", key: "openmetadata-oidc-client-id" },
                    },
                  },
                  {
                    name: "OIDC_CLIENT_SECRET",
                    valueFrom: {
                      secretKeyRef: { name: "om-oidc", key: "openmetadata-oidc-client-secret" },
                    },
                  },
                ],
                volumeMounts: values.extraVolumeMounts,
                terminationMessagePolicy: "FallbackToLogsOnError",
              },
            ],
            volumes: values.extraVolumes,
          },
        },
      },
    });
    expect(job.options.deleteBeforeReplace).toBe(true);
    expect(job.options.ignoreChanges).toEqual([]);
    // After the database, the search and every Secret and ConfigMap the server reads; the
    // release, and so the chart's own init containers, after it.
    const urn = (type: string, name: string) => one(resources, type, name).urn;
    expect(job.options.dependencies).toEqual(
      expect.arrayContaining([
        urn(RELEASE, "om-dependencies"),
        urn(CONFIG_MAP, "om-server-env"),
        urn(SECRET, "om-database-secret"),
        urn(SECRET, "om-fernet-secret"),
        urn(SECRET, "om-oidc-secret"),
        urn(SECRET, "om-jwt-private-key"),
        urn(CONFIG_MAP, "om-jwt-public-key"),
      ]),
    );
    expect(job.options.dependencies).not.toContain(urn(RELEASE, "om-openmetadata"));
    expect(one(resources, RELEASE, "om-openmetadata").options.dependencies).toContain(job.urn);
    const order = resources.map((r) => r.name);
    expect(order.indexOf("om-migrate")).toBeLessThan(order.indexOf("om-openmetadata"));
  });

  it("gives the one-shot Jobs exactly the server container's environment, quotes included", async () => {
    const values = releaseValues(resources);
    const data = plain(byName(resources, CONFIG_MAP)["om-server-env"].inputs.data) as Record<
      string,
      string
    >;
    const container = (
      plain(one(resources, JOB, "om-migrate").inputs.spec) as {
        template: { spec: { containers: { env: { name: string; valueFrom: unknown }[] }[] } };
      }
    ).template.spec.containers[0];
    const ref = (name: string, key: string) => ({ secretKeyRef: { name, key } });
    const server = chartEnv(values, {
      "om-database": {
        "openmetadata-database-password": ref("om-database", "openmetadata-database-password"),
      },
      "om-fernet": { "openmetadata-fernet-key": ref("om-fernet", "openmetadata-fernet-key") },
      "om-oidc": {
        "openmetadata-oidc-client-id": ref("om-oidc", "openmetadata-oidc-client-id"),
        "openmetadata-oidc-client-secret": ref("om-oidc", "openmetadata-oidc-client-secret"),
      },
    });
    const job = {
      ...data,
      ...Object.fromEntries(container.env.map((e) => [e.name, e.valueFrom])),
    };
    expect(job).toEqual(server);
    expect(Object.keys(data).length + container.env.length).toBe(Object.keys(server).length);
    // The chart quotes most values; the Jobs get them quoted too, where OpenMetadata's own view
    // (the deployment's env) has them unquoted.
    expect(data.ELASTICSEARCH_CLUSTER_ALIAS).toBe('""');
    expect((await valueOf(deployed.deployment.env)).ELASTICSEARCH_CLUSTER_ALIAS).toBe("");
    expect(data.SEARCH_TYPE).toBe('"opensearch"');
  });
});

describe("the config checksum", () => {
  const checksumOf = (d: Deployed) =>
    (releaseValues(d.resources).podAnnotations as Record<string, string>)[
      "openmetadata-sso/config-checksum"
    ];
  const jobName = (d: Deployed) =>
    (plain(one(d.resources, JOB, "om-verify").inputs.metadata) as { name: string }).name;

  it("is stable for the same inputs and changes, with the Job's name, when a secret changes", async () => {
    const first = await deploy(PROD);
    const again = await deploy(PROD);
    const rotated = await deploy(PROD, { clientSecret: "okta-client-secret-rotated-0001" });
    expect(checksumOf(again)).toBe(checksumOf(first));
    expect(checksumOf(rotated)).not.toBe(checksumOf(first));
    expect(jobName(rotated)).not.toBe(jobName(first));
    // Only the checksum differs in the values: the secret itself never appears.
    const strip = (v: HelmValues) => ({ ...v, podAnnotations: undefined });
    expect(strip(releaseValues(rotated.resources))).toEqual(strip(releaseValues(first.resources)));
  });

  it("changes when an external database password changes", async () => {
    const external: Case = { ...PROD, dependencies: "external", replicas: 1 };
    const withPassword = (password: string) => (c: Case) => {
      const settings = caseSettings(c);
      return {
        ...settings,
        kubernetes: {
          ...settings.kubernetes!,
          database: { ...settings.kubernetes!.database!, password },
        },
      };
    };
    const a = await deploy(external, { settings: withPassword("external-database-password-a") });
    const b = await deploy(external, { settings: withPassword("external-database-password-b") });
    expect(checksumOf(a)).not.toBe(checksumOf(b));
    expect(plain(byName(b.resources, SECRET)["om-database"].inputs.stringData)).toEqual({
      "openmetadata-database-password": "external-database-password-b",
    });
  });

  it("is a plain value, while the Secrets stay secret", async () => {
    const d = await deploy(PROD);
    expect(holdsSecret(one(d.resources, RELEASE, "om-openmetadata").inputs.values)).toBe(false);
    expect(await isSecret(d.deployment.values)).toBe(false);
  });
});

describe("KubernetesDeployment variants", () => {
  it("a public client gets no OIDC Secret and oidcConfiguration disabled", async () => {
    const publicCase: Case = { ...PROD, clientType: "public", replicas: 1 };
    const { resources } = await deploy(publicCase);
    expect(Object.keys(byName(resources, SECRET)).sort()).toEqual([
      "om-database",
      "om-fernet",
      "om-jwt-private-key",
    ]);
    const values = releaseValues(resources) as {
      openmetadata: { config: { authentication: { oidcConfiguration: unknown } } };
    };
    expect(values.openmetadata.config.authentication.oidcConfiguration).toEqual({
      enabled: false,
    });
  });

  it("external dependencies: no dependencies release, the passwords from the settings", async () => {
    const { resources } = await deploy({
      ...PROD,
      dependencies: "external",
      replicas: 1,
      searchUser: true,
    });
    expect(resources.filter((r) => r.type === RELEASE).map((r) => r.name)).toEqual([
      "om-openmetadata",
    ]);
    const secrets = byName(resources, SECRET);
    expect(plain(secrets["om-database"].inputs.stringData)).toEqual({
      "openmetadata-database-password": "external-database-password-1",
    });
    expect(plain(secrets["om-search"].inputs.stringData)).toEqual({
      "openmetadata-search-password": "external-search-password-1",
    });
    expect(byName(resources, CONFIG_MAP)["om-mysql-init"]).toBeUndefined();
  });

  it("external database parameters: the release's dbParams and the server's DB_PARAMS", async () => {
    const withParams = (c: Case) => {
      const settings = caseSettings(c);
      return {
        ...settings,
        kubernetes: {
          ...settings.kubernetes!,
          database: {
            ...settings.kubernetes!.database!,
            params: "sslMode=REQUIRED&serverTimezone=UTC",
          },
        },
      };
    };
    const external: Case = { ...PROD, dependencies: "external", replicas: 1 };
    const deployed = await deploy(external, { settings: withParams });
    const values = releaseValues(deployed.resources) as {
      openmetadata: { config: { database: { dbParams: string } } };
    };
    expect(values.openmetadata.config.database.dbParams).toBe(
      "sslMode=REQUIRED&serverTimezone=UTC",
    );
    expect((await valueOf(deployed.deployment.env)).DB_PARAMS).toBe(
      "sslMode=REQUIRED&serverTimezone=UTC",
    );
    // Without params the default stays.
    const plainExternal = await deploy(external);
    expect((await valueOf(plainExternal.deployment.env)).DB_PARAMS).toBe(
      "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC",
    );
  });

  it("ingestion: Airflow's Secret, its generated API secret key and JWT secret, and MySQL's init script", async () => {
    const deployed = await deploy({ ...PROD, ingestion: true });
    const { resources, keys } = deployed;
    const secrets = byName(resources, SECRET);
    // The API secret key keeps the name (and so the URN) it had as the webserver key.
    const apiSecretKey = one(
      resources,
      "random:index/randomPassword:RandomPassword",
      "om-airflow-webserver-key",
    );
    const jwtSecret = one(
      resources,
      "random:index/randomPassword:RandomPassword",
      "om-airflow-jwt-secret",
    );
    expect(apiSecretKey.urn.split("::").slice(2)).toEqual([
      "openmetadata-sso:index:KubernetesDeployment$random:index/randomPassword:RandomPassword",
      "om-airflow-webserver-key",
    ]);
    for (const generated of [apiSecretKey, jwtSecret]) {
      expect(generated.inputs).toEqual({ length: 64, special: false });
      expect(generated.parent).toBe("om");
      // The random provider's result is a secret from birth: the SDK asks the engine to mark it.
      expect(generated.options.additionalSecretOutputs).toEqual(["bcryptHash", "result"]);
    }
    const apiSecretKeyValue = apiSecretKey.outputs!.result as string;
    const jwtSecretValue = jwtSecret.outputs!.result as string;
    expect(apiSecretKeyValue).toHaveLength(64);
    expect(jwtSecretValue).toHaveLength(64);
    expect(jwtSecretValue).not.toBe(apiSecretKeyValue);
    expect(secrets["om-airflow"].inputs.stringData).toBeInstanceOf(SecretValue);
    const airflow = plain(secrets["om-airflow"].inputs.stringData) as Record<string, string>;
    expect(Object.keys(airflow).sort()).toEqual([
      "api-secret-key",
      "connection",
      "jwt-secret",
      "openmetadata-airflow-password",
    ]);
    expect(airflow["api-secret-key"]).toBe(apiSecretKeyValue);
    expect(airflow["jwt-secret"]).toBe(jwtSecretValue);
    expect(airflow["openmetadata-airflow-password"]).toBe(await valueOf(keys.airflowPassword));
    expect(airflow.connection).toBe(
      `mysql://airflow_user:${await valueOf(keys.airflowDatabasePassword)}@mysql:3306/airflow_db`,
    );
    expect(plain(secrets["om-database"].inputs.stringData)).toEqual({
      "openmetadata-database-password": await valueOf(keys.databasePassword),
      "mysql-root-password": await valueOf(keys.adminPassword),
      "mysql-password": await valueOf(keys.databasePassword),
      "airflow-database-password": await valueOf(keys.airflowDatabasePassword),
    });
    expect(plain(byName(resources, CONFIG_MAP)["om-mysql-init"].inputs.data)).toEqual({
      "10-airflow-database.sh": airflowDatabaseScript(),
    });
    // Every Secret the dependencies chart reads exists with the key it reads.
    const deps = plain(one(resources, RELEASE, "om-dependencies").inputs.values) as {
      mysql: { primary: { extraEnvVars: { valueFrom: { secretKeyRef: SecretKeyRef } }[] } };
      airflow: {
        data: { metadataSecretName: string };
        apiSecretKeySecretName: string;
        jwtSecretName: string;
        createUserJob: { env: { valueFrom: { secretKeyRef: SecretKeyRef } }[] };
      };
    };
    const refs: SecretKeyRef[] = [
      ...deps.mysql.primary.extraEnvVars.map((e) => e.valueFrom.secretKeyRef),
      ...deps.airflow.createUserJob.env.map((e) => e.valueFrom.secretKeyRef),
      // apache/airflow chart 1.18.0 reads these fixed keys from the named Secrets
      // (templates/_helpers.yaml, standard_airflow_environment).
      { name: deps.airflow.data.metadataSecretName, key: "connection" },
      { name: deps.airflow.apiSecretKeySecretName, key: "api-secret-key" },
      { name: deps.airflow.jwtSecretName, key: "jwt-secret" },
    ];
    expect(refs).toHaveLength(5);
    for (const ref of refs) {
      const data = plain(secrets[ref.name]?.inputs.stringData) as
        Record<string, string> | undefined;
      expect([ref, data?.[ref.key] !== undefined]).toEqual([ref, true]);
    }
    for (const resource of resources) {
      if (resource.type === SECRET) continue;
      const text = JSON.stringify(plain(resource.inputs));
      for (const secret of await secretStrings(deployed, [apiSecretKeyValue, jwtSecretValue])) {
        expect([resource.name, text.includes(secret)]).toEqual([resource.name, false]);
      }
    }
  });

  it("puts the preflight gate into the server's pod annotations", async () => {
    const { resources } = await deploy(PROD, { gate: pulumi.output("preflight-ok-1234") });
    expect(releaseValues(resources).podAnnotations).toEqual({
      "openmetadata-sso/config-checksum": expect.stringMatching(/^[0-9a-f]{64}$/),
      "openmetadata-sso/preflight": "preflight-ok-1234",
    });
  });

  it("uses an existing namespace without creating it", async () => {
    const { resources } = await deploy(PROD, {
      settings: (c) => {
        const settings = caseSettings(c);
        return { ...settings, kubernetes: { ...settings.kubernetes!, createNamespace: false } };
      },
    });
    expect(resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")).toEqual([]);
  });

  it("dataRetention delete: MySQL's and OpenSearch's claims go with their StatefulSets", async () => {
    const { resources } = await deploy(PROD, {
      settings: (c) => {
        const settings = caseSettings(c);
        return {
          ...settings,
          dataRetention: "delete",
          protect: false,
          kubernetes: { ...settings.kubernetes!, createNamespace: false },
        };
      },
    });
    const patch = one(resources, "kubernetes:apps/v1:StatefulSetPatch", "om-opensearch-claims");
    const values = plain(one(resources, RELEASE, "om-dependencies").inputs.values) as {
      mysql: { primary: { persistentVolumeClaimRetentionPolicy: unknown } };
    };
    expect([
      values.mysql.primary.persistentVolumeClaimRetentionPolicy,
      (plain(patch.inputs) as { spec: unknown }).spec,
      patch.options.retainOnDelete,
    ]).toEqual([
      { enabled: true, whenDeleted: "Delete", whenScaled: "Retain" },
      { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } },
      true,
    ]);
    // The release itself goes with the stack.
    expect(one(resources, RELEASE, "om-dependencies").options.retainOnDelete).toBe(false);
  });

  it("external dependencies: no claim policy to patch", async () => {
    const { resources } = await deploy({ ...PROD, dependencies: "external" });
    expect(resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSetPatch")).toEqual([]);
  });
});

describe("a failed one-shot Job runs again on the next pulumi up", () => {
  // Two updates of the same program under a model of the engine and the provider
  // (test/support/job-lifecycle.ts): the first update's Job fails, the cause is fixed outside
  // the program (a database that was down, say), the second update runs the same program again.
  const rotated = (c: Case) => {
    const settings = caseSettings(c);
    return { ...settings, keys: { ...settings.keys, rotation: "2026-11" } };
  };
  let plainRun: RecordedResource[];
  let rotationRun: RecordedResource[];
  let verifyJob: string;
  let rotationVerifyJob: string;
  beforeAll(async () => {
    plainRun = (await deploy(PROD)).resources;
    rotationRun = (await deploy(PROD, { settings: rotated })).resources;
    const jobName = (resources: RecordedResource[]) =>
      (plain(one(resources, JOB, "om-verify").inputs.metadata) as { name: string }).name;
    verifyJob = jobName(plainRun);
    rotationVerifyJob = jobName(rotationRun);
  });
  const failing = (name: string) => (job: string) => (job === name ? "Failed" : "Complete");
  const complete = () => "Complete" as const;
  const failure = (job: string) =>
    `Job ${job} failed to fully initialize: [BackoffLimitExceeded] Job has reached the specified backoff limit`;

  it("the migration: replaced and run again, then the release and the verification go on", () => {
    const stack = new JobLifecycle();
    expect(stack.update(plainRun, failing("om-migrate-a38a1050d4"))).toEqual({
      steps: ["create om-migrate-a38a1050d4"],
      error: failure("om-migrate-a38a1050d4"),
    });
    expect(stack.update(plainRun, complete)).toEqual({
      steps: [
        "delete om-migrate-a38a1050d4",
        "create om-migrate-a38a1050d4",
        `create ${verifyJob}`,
      ],
    });
    expect(stack.update(plainRun, complete)).toEqual({ steps: [] });
    expect(stack.runs).toEqual(["om-migrate-a38a1050d4", "om-migrate-a38a1050d4", verifyJob]);
  });

  it("the verification: replaced and run again, nothing else", () => {
    const stack = new JobLifecycle();
    expect(stack.update(plainRun, failing(verifyJob))).toEqual({
      steps: ["create om-migrate-a38a1050d4", `create ${verifyJob}`],
      error: failure(verifyJob),
    });
    expect(stack.update(plainRun, complete)).toEqual({
      steps: [`delete ${verifyJob}`, `create ${verifyJob}`],
    });
    expect(stack.update(plainRun, complete)).toEqual({ steps: [] });
  });

  it("the bot token regeneration: replaced and run again, then the verification", () => {
    const stack = new JobLifecycle();
    expect(stack.update(rotationRun, failing("om-bot-tokens-05e01bd602"))).toEqual({
      steps: ["create om-migrate-a38a1050d4", "create om-bot-tokens-05e01bd602"],
      error: failure("om-bot-tokens-05e01bd602"),
    });
    expect(stack.update(rotationRun, complete)).toEqual({
      steps: [
        "delete om-bot-tokens-05e01bd602",
        "create om-bot-tokens-05e01bd602",
        `create ${rotationVerifyJob}`,
      ],
    });
    expect(stack.update(rotationRun, complete)).toEqual({ steps: [] });
    expect(stack.runs.filter((job) => job === "om-bot-tokens-05e01bd602")).toHaveLength(2);
  });

  it("without replaceUnready, the next update waits for the same failed Job and fails again", () => {
    // The model against the old program: the same registrations without the annotation.
    const without = plainRun.map((r) => {
      if (r.type !== JOB) return r;
      const metadata = plain(r.inputs.metadata) as { annotations: Record<string, string> };
      const annotations = { ...metadata.annotations };
      delete annotations["pulumi.com/replaceUnready"];
      return { ...r, inputs: { ...r.inputs, metadata: { ...metadata, annotations } } };
    });
    const stack = new JobLifecycle();
    stack.update(without, failing("om-migrate-a38a1050d4"));
    expect(stack.update(without, complete)).toEqual({
      steps: ["update om-migrate-a38a1050d4"],
      error: failure("om-migrate-a38a1050d4"),
    });
    expect(stack.runs).toEqual(["om-migrate-a38a1050d4"]);
  });

  it("a re-run reads the current env: the Jobs' specs name the ConfigMap, which holds the values", async () => {
    const renamed = await deploy(PROD, {
      settings: (c) => {
        const settings = rotated(c);
        return {
          ...settings,
          openmetadata: { ...settings.openmetadata, clusterName: "openmetadata-eu" },
        };
      },
    });
    const specOf = (resources: RecordedResource[], name: string) =>
      plain(one(resources, JOB, name).inputs.spec);
    const envOf = (resources: RecordedResource[]) =>
      plain(byName(resources, CONFIG_MAP)["om-server-env"].inputs.data) as Record<string, string>;
    for (const job of ["om-migrate", "om-regenerate-bot-tokens-2026-11"]) {
      expect([job, specOf(renamed.resources, job)]).toEqual([job, specOf(rotationRun, job)]);
    }
    expect(envOf(rotationRun).OPENMETADATA_CLUSTER_NAME).toBe("openmetadata");
    expect(envOf(renamed.resources).OPENMETADATA_CLUSTER_NAME).toBe("openmetadata-eu");
    // The bot token Job keeps its spec after a success; a replacement takes the frozen spec.
    expect(
      one(renamed.resources, JOB, "om-regenerate-bot-tokens-2026-11").options.ignoreChanges,
    ).toEqual(["spec"]);
    const stack = new JobLifecycle();
    stack.update(rotationRun, failing("om-bot-tokens-05e01bd602"));
    expect(stack.update(renamed.resources, complete).steps.slice(0, 2)).toEqual([
      "delete om-bot-tokens-05e01bd602",
      "create om-bot-tokens-05e01bd602",
    ]);
  });
});

describe("names and topology", () => {
  it("refuses a component name Kubernetes cannot carry", () => {
    expect(() => kubernetesNames("OpenMetadata_Prod")).toThrow(
      'KubernetesDeployment name must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), because the Kubernetes objects are named after it; got "OpenMetadata_Prod". Use a name like "openmetadata-prod"',
    );
  });

  it("derives the name limit from the longest name it generates: 63 characters at the limit", () => {
    expect(KUBERNETES_NAME_LIMIT).toBe(41);
    const longest = "a".repeat(KUBERNETES_NAME_LIMIT);
    const names = kubernetesNames(longest);
    // Every derived name, with the longest argument each takes (a checksum or a version is cut
    // or hashed, a rotation label hashed).
    const generated = Object.values(names).map((n) =>
      typeof n === "string" ? n : n("f".repeat(64)),
    );
    expect(Math.max(...generated.map((n) => n.length))).toBe(63);
    expect(generated.filter((n) => n.length === 63)).toEqual([names.regenerateJob("f".repeat(64))]);
    expect(names.regenerateJob("2026-11")).toBe(`${longest}-bot-tokens-05e01bd602`);
    expect(() => kubernetesNames("a".repeat(KUBERNETES_NAME_LIMIT + 1))).toThrow(
      `KubernetesDeployment name must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), because the Kubernetes objects are named after it; got "${"a".repeat(42)}". Use a name like "openmetadata-prod"`,
    );
  });

  it("refuses ingestion with external dependencies, naming the fix", () => {
    const settings = caseSettings({ ...PROD, dependencies: "external" });
    expect(() =>
      kubernetesTopology({
        ...settings,
        openmetadata: { ...settings.openmetadata, ingestion: true },
      }),
    ).toThrow(
      'args.openmetadata.ingestion: must be false with kubernetes.dependencies "external"; got true. Ingestion runs in the Airflow of the dependencies chart: set kubernetes.dependencies to "chart", or openmetadata.ingestion to false',
    );
  });

  it("writes Airflow's database user with the password from the environment only", () => {
    expect(airflowDatabaseScript()).toBe(
      [
        "# openmetadata-sso: Airflow's metadata database and user, with the password from the environment.",
        'if [ -z "${OPENMETADATA_AIRFLOW_DB_PASSWORD:-}" ]; then echo "OPENMETADATA_AIRFLOW_DB_PASSWORD is not set" >&2; return 1; fi',
        'mysql_execute "mysql" "$DB_ROOT_USER" "$DB_ROOT_PASSWORD" <<EOF',
        "CREATE DATABASE IF NOT EXISTS airflow_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
        "CREATE USER IF NOT EXISTS 'airflow_user'@'%' IDENTIFIED BY '${OPENMETADATA_AIRFLOW_DB_PASSWORD}';",
        "GRANT ALL PRIVILEGES ON airflow_db.* TO 'airflow_user'@'%';",
        "FLUSH PRIVILEGES;",
        "EOF",
        "",
      ].join("\n"),
    );
  });
});
