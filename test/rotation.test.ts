/**
 * Key rotation: `keys.rotation` replaces the key pair and the key id and regenerates the bot
 * tokens; nothing else does.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { REGENERATION_FROZEN, reportingExit } from "../components/docker";
import { botTokenEnv } from "../components/settings";
import { validateArgs } from "../components/config";
import {
  keyProtectionWarning,
  OpenMetadataSso,
  type OpenMetadataSsoArgs,
} from "../components/openmetadata-sso";
import type { ServerEnv } from "../components/settings";
import { localStackArgs } from "./support/args";
import { one, plain, record, useMocks, type RecordedResource } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const base = localStackArgs();

const KEY = "tls:index/privateKey:PrivateKey";
const KEY_ID = "random:index/randomUuid:RandomUuid";
const CONTAINER = "docker:index/container:Container";

/** What decides whether the engine replaces the key pair and the key id. */
function keyIdentity(resources: RecordedResource[]) {
  const key = one(resources, KEY, "om-keys-signing-key");
  const keyId = one(resources, KEY_ID, "om-keys-key-id");
  return {
    keyInputs: key.inputs,
    keyTrigger: key.options.replacementTrigger,
    keyIgnores: key.options.ignoreChanges,
    keyIdInputs: keyId.inputs,
  };
}

/**
 * What a resource waits for directly (its `dependsOn` and the resources its inputs come from), by
 * name, sorted.
 */
function dependsOnNames(resources: RecordedResource[], resource: RecordedResource): string[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r.name]));
  return resource.options.dependencies.map((urn) => byUrn.get(urn) ?? urn).sort();
}

async function evaluate(args: OpenMetadataSsoArgs) {
  return (await record(() => new OpenMetadataSso("om", args))).resources;
}

describe("keys.rotation", () => {
  it("replaces the key pair and the key id when, and only when, it changes", async () => {
    const initial = keyIdentity(await evaluate(base));
    const rotated = keyIdentity(await evaluate({ ...base, keys: { rotation: "2026-11" } }));
    expect(initial.keyTrigger).toBe("initial");
    expect(rotated.keyTrigger).toBe("2026-11");
    expect(initial.keyIdInputs).toEqual({ keepers: { rotation: "initial" } });
    expect(rotated.keyIdInputs).toEqual({ keepers: { rotation: "2026-11" } });

    // Everything else may change without touching what the engine compares.
    const unrelated = keyIdentity(
      await evaluate({
        ...base,
        admins: ["demo@example.com", "ops@example.com"],
        publicUrl: "http://localhost:9090",
        openmetadata: { heapSize: "2G", version: "1.13.0" },
        docker: { database: "postgresql" },
      }),
    );
    expect(unrelated).toEqual(initial);

    // A new key size is the one input that differs, and it is ignored: the engine keeps the
    // created size, and carries it over into the replacement a rotation makes.
    const bigger = keyIdentity(await evaluate({ ...base, keys: { bits: 4096 } }));
    expect(bigger.keyInputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    expect(bigger.keyIgnores).toEqual(["rsaBits"]);
    expect(bigger.keyTrigger).toBe(initial.keyTrigger);
    expect(bigger.keyIdInputs).toEqual(initial.keyIdInputs);
  });

  it("in a protected stack, is possible only with keys.protect: false, which frees the key pair alone", async () => {
    // Pulumi refuses to replace a resource that is protected before and after the update, so a
    // rotation of a production stack needs the key pair and key id unprotected for that update.
    const production: OpenMetadataSsoArgs = {
      ...base,
      environment: "production",
      publicUrl: "https://om.example.com",
      identity: { provider: "okta" },
    };
    const protectedNames = (resources: RecordedResource[]) =>
      resources
        .filter((r) => r.name.startsWith("om-keys-") && r.options.protect)
        .map((r) => r.name)
        .sort();
    const passwordsAndFernet = [
      "om-keys-admin-password",
      "om-keys-airflow-database-password",
      "om-keys-airflow-password",
      "om-keys-database-password",
      "om-keys-fernet-key",
      "om-keys-search-password",
    ];
    expect(protectedNames(await evaluate(production))).toEqual(
      [...passwordsAndFernet, "om-keys-key-id", "om-keys-signing-key"].sort(),
    );
    const rotating = await evaluate({
      ...production,
      keys: { rotation: "2026-11", protect: false },
    });
    expect(protectedNames(rotating)).toEqual(passwordsAndFernet);
    expect(one(rotating, KEY, "om-keys-signing-key").options.retainOnDelete).toBe(true);
    expect(one(rotating, "openmetadata-sso:index:OpenMetadataSso", "om").inputs).toMatchObject({
      keyPairProtected: false,
    });
  });

  it("warns while a protected stack leaves its key pair unprotected, and only then", () => {
    const settings = (extra: Partial<OpenMetadataSsoArgs>) =>
      validateArgs({
        ...base,
        environment: "production",
        publicUrl: "https://om.example.com",
        identity: { provider: "okta" },
        ...extra,
      });
    expect(keyProtectionWarning(settings({ keys: { protect: false } }))).toBe(
      "keys.protect is false while the rest of this stack is protected, so the signing key pair and key id can be replaced or deleted. Once the rotation is deployed, remove keys.protect to protect them again.",
    );
    expect(keyProtectionWarning(settings({}))).toBeUndefined();
    expect(keyProtectionWarning(settings({ protect: false }))).toBeUndefined();
    expect(keyProtectionWarning(validateArgs(base))).toBeUndefined();
  });

  it("never regenerates bot tokens on a stack that has not rotated", async () => {
    const resources = await evaluate(base);
    expect(
      resources.filter((r) => r.type === CONTAINER && r.name.endsWith("regenerate-bot-tokens")),
    ).toEqual([]);
  });

  it("regenerates the bot tokens after a rotation, once the server runs with the new key", async () => {
    const resources = await evaluate({ ...base, keys: { rotation: "2026-11" } });
    const regenerate = one(resources, CONTAINER, "om-docker-regenerate-bot-tokens-2026-11");
    const server = one(resources, CONTAINER, "om-docker-server");
    expect(regenerate.inputs).toMatchObject({
      name: "om-regenerate-bot-tokens-2026-11",
      entrypoints: ["/bin/bash"],
      command: ["-c", reportingExit("./bootstrap/openmetadata-ops.sh regenerate-bot-tokens")],
      workingDir: "/opt/openmetadata",
      labels: [{ label: "openmetadata-sso.rotation", value: "2026-11" }],
      restart: "no",
      mustRun: false,
      attach: true,
      logs: true,
    });
    // After the server (with the new key); the rest are what its inputs carry.
    expect(dependsOnNames(resources, regenerate)).toEqual([
      "om-docker-image-server-1-13-1",
      "om-docker-server",
      "om-keycloak-container",
      "om-keys-database-password",
      "om-keys-fernet-key",
      "om-keys-key-id",
      "om-keys-search-password",
      "om-keys-signing-key",
      "om-network",
    ]);
    expect(regenerate.options.ignoreChanges).toEqual(REGENERATION_FROZEN);
    expect(plain(regenerate.inputs.uploads)).toEqual(plain(server.inputs.uploads));
    const serverEnv = new Set(plain(server.inputs.envs) as string[]);
    const names = (plain(regenerate.inputs.envs) as string[]).map((entry) =>
      entry.slice(0, entry.indexOf("=")),
    );
    expect(names).toEqual([
      "DB_DRIVER_CLASS",
      "DB_HOST",
      "DB_PARAMS",
      "DB_PORT",
      "DB_SCHEME",
      "DB_USER",
      "DB_USER_PASSWORD",
      "ELASTICSEARCH_HOST",
      "ELASTICSEARCH_PASSWORD",
      "ELASTICSEARCH_PORT",
      "ELASTICSEARCH_SCHEME",
      "ELASTICSEARCH_USER",
      "FERNET_KEY",
      "JWT_ISSUER",
      "JWT_KEY_ID",
      "OM_DATABASE",
      "OPENMETADATA_CLUSTER_NAME",
      "RSA_PRIVATE_KEY_FILE_PATH",
      "RSA_PUBLIC_KEY_FILE_PATH",
      "SEARCH_TYPE",
    ]);
    // The same values the server runs with.
    for (const entry of plain(regenerate.inputs.envs) as string[])
      expect(serverEnv.has(entry)).toBe(true);
  });

  it("verifies after the regeneration, so the check sees the final state", async () => {
    const rotated = await evaluate({ ...base, keys: { rotation: "2026-11" } });
    const initialDependencies = [
      "om-docker-image-node-22-12-0-alpine3-21",
      "om-docker-server",
      "om-keycloak-container",
      "om-keys-key-id",
      "om-network",
    ];
    expect(dependsOnNames(rotated, one(rotated, CONTAINER, "om-docker-verify"))).toEqual(
      [...initialDependencies, "om-docker-regenerate-bot-tokens-2026-11"].sort(),
    );
    // Without a rotation there is no regeneration to wait for.
    const initial = await evaluate(base);
    expect(dependsOnNames(initial, one(initial, CONTAINER, "om-docker-verify"))).toEqual(
      initialDependencies,
    );
  });

  it("runs once per rotation label: nothing else, not even a version upgrade, runs it again", async () => {
    const regeneration = (resources: RecordedResource[]) =>
      resources.filter((r) => r.type === CONTAINER && r.name.includes("regenerate-bot-tokens"));
    const rotated = { ...base, keys: { rotation: "2026-11" } };
    const before = regeneration(await evaluate(rotated));
    const after = regeneration(
      await evaluate({
        ...rotated,
        admins: ["demo@example.com", "ops@example.com"],
        openmetadata: { heapSize: "2G", version: "1.13.0" },
      }),
    );
    // Same resource, and every input that changed is one the engine ignores for it.
    expect(after.map((r) => r.name)).toEqual(before.map((r) => r.name));
    const changed = Object.keys(after[0].inputs).filter(
      (key) =>
        JSON.stringify(plain(after[0].inputs[key])) !==
        JSON.stringify(plain(before[0].inputs[key])),
    );
    expect(changed).toEqual(["image"]);
    expect(REGENERATION_FROZEN).toEqual(expect.arrayContaining(changed));
    // A new label is a new resource, created with current values.
    const next = regeneration(await evaluate({ ...rotated, keys: { rotation: "2027-01" } }));
    expect(next.map((r) => r.name)).toEqual(["om-docker-regenerate-bot-tokens-2027-01"]);
  });

  it("keeps only what the ops tool reads", () => {
    const env: ServerEnv = {
      DB_HOST: "db",
      OM_DATABASE: "openmetadata_db",
      SEARCH_TYPE: "opensearch",
      JWT_KEY_ID: "kid",
      RSA_PRIVATE_KEY_FILE_PATH: "/k",
      FERNET_KEY: { secret: "fernetKey" },
      OPENMETADATA_CLUSTER_NAME: "openmetadata",
      AUTHENTICATION_PROVIDER: "okta",
      AUTHORIZER_ADMIN_PRINCIPALS: '["a"]',
      OPENMETADATA_HEAP_OPTS: "-Xmx1G",
    };
    expect(botTokenEnv(env)).toEqual({
      DB_HOST: "db",
      OM_DATABASE: "openmetadata_db",
      SEARCH_TYPE: "opensearch",
      JWT_KEY_ID: "kid",
      RSA_PRIVATE_KEY_FILE_PATH: "/k",
      FERNET_KEY: { secret: "fernetKey" },
      OPENMETADATA_CLUSTER_NAME: "openmetadata",
    });
  });
});

describe("keys.rotation on Kubernetes", () => {
  const prod: OpenMetadataSsoArgs = {
    environment: "production",
    publicUrl: "https://om.example.com",
    target: "kubernetes",
    admins: ["alice@example.com"],
    identity: { provider: "okta" },
  };
  const JOB = "kubernetes:batch/v1:Job";

  it("creates no regeneration Job before the first rotation", async () => {
    const resources = await evaluate(prod);
    expect(resources.filter((r) => r.type === JOB).map((r) => r.name)).toEqual([
      "om-k8s-migrate",
      "om-k8s-verify",
    ]);
  });

  it("verifies after the regeneration Job, so the check sees the final state", async () => {
    const rotated = await evaluate({ ...prod, keys: { rotation: "2026-11" } });
    const initial = await evaluate(prod);
    const verifyWaitsFor = (resources: RecordedResource[]) =>
      dependsOnNames(resources, one(resources, JOB, "om-k8s-verify"));
    expect(verifyWaitsFor(rotated)).toEqual(
      [...verifyWaitsFor(initial), "om-k8s-regenerate-bot-tokens-2026-11"].sort(),
    );
    expect(verifyWaitsFor(initial)).toEqual([
      "om-k8s-data-marker",
      "om-k8s-database-secret",
      "om-k8s-dependencies",
      "om-k8s-fernet-secret",
      "om-k8s-jwt-private-key",
      "om-k8s-jwt-public-key",
      "om-k8s-migrate",
      "om-k8s-mysql-init",
      "om-k8s-namespace",
      "om-k8s-oidc-secret",
      "om-k8s-openmetadata",
      "om-k8s-server-env",
      "om-k8s-verify-script",
      "om-keys-database-password",
      "om-keys-fernet-key",
      "om-keys-key-id",
      "om-keys-signing-key",
      "om-okta-app",
    ]);
  });

  it("runs a regeneration Job per rotation label, after the release, with the server's settings", async () => {
    const resources = await evaluate({ ...prod, keys: { rotation: "2026-11" } });
    const job = one(resources, JOB, "om-k8s-regenerate-bot-tokens-2026-11");
    const release = one(resources, "kubernetes:helm.sh/v3:Release", "om-k8s-openmetadata");
    // After the release (with the new key); the rest are what its spec carries.
    expect(dependsOnNames(resources, job)).toEqual([
      "om-k8s-data-marker",
      "om-k8s-database-secret",
      "om-k8s-fernet-secret",
      "om-k8s-jwt-private-key",
      "om-k8s-jwt-public-key",
      "om-k8s-mysql-init",
      "om-k8s-namespace",
      "om-k8s-oidc-secret",
      "om-k8s-openmetadata",
      "om-k8s-server-env",
      "om-keys-database-password",
      "om-keys-fernet-key",
      "om-keys-key-id",
      "om-keys-signing-key",
      "om-okta-app",
    ]);
    // Run once per label: a succeeded Job keeps its spec; a failed one is replaced by the next
    // update (test/kubernetes.test.ts plays both).
    expect(job.options.ignoreChanges).toEqual(["spec"]);
    expect(job.options.deleteBeforeReplace).toBe(true);
    expect((plain(job.inputs.metadata) as { annotations: unknown }).annotations).toEqual({
      "pulumi.com/replaceUnready": "true",
    });
    const spec = plain(job.inputs.spec) as {
      template: {
        spec: {
          containers: {
            image: string;
            command: string[];
            envFrom: unknown[];
            env: { name: string; valueFrom?: unknown }[];
            volumeMounts: unknown[];
          }[];
          volumes: unknown[];
        };
      };
    };
    const container = spec.template.spec.containers[0];
    expect(container.image).toBe("docker.getcollate.io/openmetadata/server:1.13.1");
    expect(container.command).toEqual([
      "/opt/openmetadata/bootstrap/openmetadata-ops.sh",
      "regenerate-bot-tokens",
    ]);
    // The server's whole environment, as the migration gets it: plain values from the ConfigMap,
    // secrets from the server's Secret keys.
    const migrate = plain(one(resources, JOB, "om-k8s-migrate").inputs.spec) as typeof spec;
    expect(container.envFrom).toEqual([{ configMapRef: { name: "om-k8s-server-env" } }]);
    expect(container.env).toEqual(migrate.template.spec.containers[0].env);
    expect(container.env.map((e) => [e.name, e.valueFrom])).toEqual([
      [
        "DB_USER_PASSWORD",
        { secretKeyRef: { name: "om-k8s-database", key: "openmetadata-database-password" } },
      ],
      ["FERNET_KEY", { secretKeyRef: { name: "om-k8s-fernet", key: "openmetadata-fernet-key" } }],
      [
        "OIDC_CLIENT_ID",
        { secretKeyRef: { name: "om-k8s-oidc", key: "openmetadata-oidc-client-id" } },
      ],
      [
        "OIDC_CLIENT_SECRET",
        { secretKeyRef: { name: "om-k8s-oidc", key: "openmetadata-oidc-client-secret" } },
      ],
    ]);
    const serverEnv = plain(
      one(resources, "kubernetes:core/v1:ConfigMap", "om-k8s-server-env").inputs.data,
    ) as Record<string, string>;
    expect(serverEnv.RSA_PRIVATE_KEY_FILE_PATH).toBe('"/etc/openmetadata/jwtkeys/private_key.der"');
    const values = plain(release.inputs.values) as {
      extraVolumes: unknown[];
      extraVolumeMounts: unknown[];
    };
    expect(spec.template.spec.volumes).toEqual(values.extraVolumes);
    expect(container.volumeMounts).toEqual(values.extraVolumeMounts);
  });
});
