/**
 * Kubernetes objects that already exist, under Pulumi's mock runtime with a modelled cluster: the
 * TLS Secret of `ingress.tls: secret` is read (never created) and stops the update before the
 * release when it is missing. The cluster model answers as pulumi-kubernetes and the engine do: a
 * read of a missing object fails with "resource '<id>' does not exist" (pulumi/pulumi
 * pkg/resource/deploy/step.go, ReadStep). Not proven: a real cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigValidationError, validateArgs, type ResolvedSettings } from "../components/config";
import { SigningKeys } from "../components/keys";
import { existingTlsSecretId, KubernetesDeployment } from "../components/kubernetes";
import { OpenMetadataSso } from "../components/openmetadata-sso";
import type { IdentityArgs, KubernetesArgs, OpenMetadataSsoArgs } from "../components/types";
import { retainedDataRefusal } from "../components/retained";
import { boundErrorHooks, installMocks, readStackFile, settle } from "../scripts/offline";
import { caseSettings, fakeApp, type Case } from "./support/kubernetes";
import {
  one,
  overlayConfig,
  record,
  reported,
  useMocks,
  type RecordedResource,
} from "./support/pulumi";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";

const PROD: Case = {
  provider: "okta",
  clientType: "confidential",
  dependencies: "chart",
  replicas: 1,
};

/** The PROD case with the ingress certificate from an existing Secret, `om-tls` in `om`. */
function withExistingTls(): ResolvedSettings {
  const settings = caseSettings(PROD);
  const k8s = settings.kubernetes!;
  return {
    ...settings,
    kubernetes: {
      ...k8s,
      createNamespace: false,
      ingress: { ...k8s.ingress, tls: "secret", tlsSecretName: "om-tls" },
    },
  };
}

const PLURALS: Record<string, string> = {
  [NAMESPACE]: "namespaces",
  [SECRET]: "secrets",
  "kubernetes:core/v1:ConfigMap": "configmaps",
  "kubernetes:batch/v1:Job": "jobs",
};

/** The id pulumi-kubernetes gives an object: `<namespace>/<name>`, or the name of a namespace. */
function objectId(type: string, inputs: Record<string, unknown>): string | undefined {
  if (type === RELEASE) return `${String(inputs.namespace)}/${String(inputs.name)}`;
  if (!(type in PLURALS)) return undefined;
  const metadata = inputs.metadata as { name: string; namespace?: string };
  return metadata.namespace === undefined
    ? metadata.name
    : `${metadata.namespace}/${metadata.name}`;
}

const STATEFUL_SET_PATCH = "kubernetes:apps/v1:StatefulSetPatch";

/** A StatefulSet of the dependencies release, with its claim and its policy for it. */
interface StatefulSet {
  claim: string;
  whenDeleted: string;
}

/**
 * A cluster for the mock provider: the objects that exist, by kind and id. A read of an object that
 * does not exist fails as the engine fails it.
 */
class Cluster {
  readonly objects = new Set<string>();
  readonly reads: string[] = [];
  /** Every create the provider was asked for, in order, and the registration behind each object. */
  readonly attempts: string[] = [];
  readonly owners = new Map<string, string>();
  /** The dependencies release's StatefulSets by `<namespace>/<name>`, while it is installed. */
  readonly statefulSets = new Map<string, StatefulSet>();
  /** The claims their pods made, by `<namespace>/<name>`: they exist until something deletes them. */
  readonly claims = new Set<string>();
  /** What each StatefulSetPatch registration patched. */
  readonly patched = new Map<string, string>();

  /**
   * The dependencies chart as it renders with these values: MySQL's StatefulSet carries the policy
   * of `mysql.primary.persistentVolumeClaimRetentionPolicy` when `enabled` (bitnami/mysql 14.0.2),
   * OpenSearch's has none (opensearch 3.3.2), so Kubernetes defaults it to Retain. Each makes its
   * claim unless it exists already, in which case its pod mounts it as it is.
   */
  private install(namespace: string, values: Record<string, unknown>): void {
    const policy = (values.mysql as { primary: { persistentVolumeClaimRetentionPolicy?: unknown } })
      .primary.persistentVolumeClaimRetentionPolicy as
      { enabled: boolean; whenDeleted: string } | undefined;
    const sets: [string, StatefulSet][] = [
      [
        "mysql",
        { claim: "data-mysql-0", whenDeleted: policy?.enabled ? policy.whenDeleted : "Retain" },
      ],
      ["opensearch", { claim: "opensearch-opensearch-0", whenDeleted: "Retain" }],
    ];
    for (const [name, set] of sets) {
      this.statefulSets.set(`${namespace}/${name}`, set);
      this.claims.add(`${namespace}/${set.claim}`);
    }
  }

  /**
   * `helm uninstall` of the dependencies release in `namespace`: its StatefulSets go, and the garbage collector deletes the claims of those
   * whose policy says Delete (the controller made them their owner); the others stay.
   */
  private uninstall(namespace: string): void {
    for (const [id, set] of this.statefulSets) {
      if (!id.startsWith(`${namespace}/`)) continue;
      if (set.whenDeleted === "Delete") this.claims.delete(`${namespace}/${set.claim}`);
      this.statefulSets.delete(id);
    }
  }

  /**
   * A create as pulumi-kubernetes 4.34 makes it: a client-side create, which fails for an object
   * that exists (the API server's AlreadyExists; for a Helm release, Helm's refusal of a name in
   * use). The engine then calls the resource's error hooks with the error, newest first.
   */
  async create(type: string, name: string, inputs: Record<string, unknown>): Promise<void> {
    if (type === STATEFUL_SET_PATCH) {
      // A server-side apply of the policy onto a StatefulSet that must exist.
      const metadata = inputs.metadata as { name: string; namespace: string };
      const id = `${metadata.namespace}/${metadata.name}`;
      const set = this.statefulSets.get(id);
      if (!set) throw new Error(`statefulsets.apps "${metadata.name}" not found`);
      set.whenDeleted = (
        inputs.spec as { persistentVolumeClaimRetentionPolicy: { whenDeleted: string } }
      ).persistentVolumeClaimRetentionPolicy.whenDeleted;
      this.patched.set(name, id);
      return;
    }
    const id = objectId(type, inputs);
    if (id === undefined) return;
    const key = Cluster.key(type, id);
    this.attempts.push(key);
    if (this.objects.has(key)) {
      const error =
        type === RELEASE
          ? `cannot re-use a name that is still in use`
          : `${PLURALS[type]} "${id.split("/").pop()}" already exists`;
      for (const hook of boundErrorHooks(type, name)) {
        const retry = await hook({
          urn: "",
          id: "",
          name,
          type,
          newInputs: inputs,
          failedOperation: "create",
          errors: [error],
        });
        expect(retry).toBe(false);
      }
      throw new Error(error);
    }
    this.objects.add(key);
    this.owners.set(key, name);
    if (type === RELEASE && inputs.chart === "openmetadata-dependencies") {
      this.install(String(inputs.namespace), inputs.values as Record<string, unknown>);
    }
  }

  /**
   * `pulumi destroy`: deletes every object but those kept with `retainOnDelete`, dependents first,
   * so a patch goes before the release it waits for. Deleting a StatefulSetPatch undoes it: the
   * policy it set is back to the default, Retain (Pulumi's "Managing Resources with Server-Side
   * Apply" guide).
   */
  destroy(resources: RecordedResource[]): void {
    const kept = new Set(resources.filter((r) => r.options.retainOnDelete).map((r) => r.name));
    for (const [name, id] of this.patched) {
      if (kept.has(name)) continue;
      const set = this.statefulSets.get(id);
      if (set) set.whenDeleted = "Retain";
    }
    this.patched.clear();
    for (const [key, owner] of this.owners) {
      if (kept.has(owner)) continue;
      const [namespace, release] = key.slice(RELEASE.length + 1).split("/");
      if (key.startsWith(`${RELEASE} `) && release === "openmetadata-dependencies") {
        this.uninstall(namespace!);
      }
      this.objects.delete(key);
      this.owners.delete(key);
    }
  }

  /**
   * One step of a refusal's "start over", as the user would type it; a step the model does not know
   * fails, so every step the message gives must be one that works.
   */
  follow(step: string): void {
    const words = step.trim().split(/\s+/);
    const command = words.slice(0, 3).join(" ");
    const namespaced = (at: number) => {
      expect(words[at]).toBe("-n");
      return words[at + 1]!;
    };
    const remove = (key: string) => {
      expect(this.objects.has(key), key).toBe(true);
      this.objects.delete(key);
      this.owners.delete(key);
    };
    if (command.startsWith("helm uninstall ")) {
      const namespace = namespaced(3);
      remove(Cluster.key(RELEASE, `${namespace}/${words[2]}`));
      if (words[2] === "openmetadata-dependencies") this.uninstall(namespace);
    } else if (command === "kubectl delete configmap" || command === "kubectl delete secret") {
      const namespace = namespaced(3);
      const type = command.endsWith("configmap") ? "kubernetes:core/v1:ConfigMap" : SECRET;
      for (const name of words.slice(5)) remove(Cluster.key(type, `${namespace}/${name}`));
    } else if (command === "kubectl delete pvc") {
      const namespace = namespaced(3);
      for (const name of words.slice(5)) {
        expect(this.claims.has(`${namespace}/${name}`), name).toBe(true);
        this.claims.delete(`${namespace}/${name}`);
      }
    } else {
      throw new Error(`the model cluster cannot follow: ${step}`);
    }
  }

  static key(type: string, id: string): string {
    return `${type} ${id}`;
  }

  read(type: string, id: string): void {
    this.reads.push(Cluster.key(type, id));
    if (!this.objects.has(Cluster.key(type, id))) {
      throw new Error(`resource '${id}' does not exist`);
    }
  }
}

/**
 * Runs `create` against `cluster`, and returns what was registered and every error the program
 * reported (a failed read rejects the outputs of the resources that wait for it).
 */
async function against<T>(
  cluster: Cluster,
  create: () => T,
): Promise<{ resources: RecordedResource[]; errors: Error[] }> {
  useMocks();
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): { mocks: pulumi.runtime.Mocks };
  };
  const monitor = settings.getMonitor();
  const mocks = monitor.mocks;
  const errors: Error[] = [];
  const collect = (reason: unknown) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    if (!errors.some((seen) => reported(seen) === reported(error))) errors.push(error);
  };
  monitor.mocks = {
    ...mocks,
    newResource: async (args) => {
      if (args.id) cluster.read(args.type, args.id);
      else await cluster.create(args.type, args.name, args.inputs as Record<string, unknown>);
      return mocks.newResource(args);
    },
  };
  process.on("unhandledRejection", collect);
  try {
    const { resources } = await record(create);
    for (let quiet = 0, seen = -1; quiet < 10;) {
      await new Promise((resolve) => setImmediate(resolve));
      quiet = errors.length === seen ? quiet + 1 : 0;
      seen = errors.length;
    }
    return { resources, errors };
  } finally {
    process.off("unhandledRejection", collect);
    monitor.mocks = mocks;
  }
}

function deployment(settings: ResolvedSettings) {
  return () =>
    new KubernetesDeployment("om", {
      settings,
      identity: () => ({ app: fakeApp(PROD) }),
      keys: new SigningKeys("om-keys", { issuer: "om.example.com" }),
    });
}

const ARGS: OpenMetadataSsoArgs = {
  environment: "staging",
  publicUrl: "https://om.example.com",
  target: "kubernetes",
  admins: ["alice@example.com"],
  identity: { provider: "okta", clientType: "confidential" },
};

function problems(args: OpenMetadataSsoArgs): string[] {
  try {
    validateArgs(args);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues.map((issue) => issue.message);
    throw error;
  }
}

describe("ingress.tls secret and createNamespace", () => {
  it("defaults createNamespace to false with ingress.tls secret, and to true otherwise", () => {
    const secret = { tls: "secret", tlsSecretName: "om-tls" } as const;
    const cases: KubernetesArgs[] = [
      { namespace: "om", ingress: secret },
      { namespace: "om", ingress: secret, createNamespace: false },
      { namespace: "om" },
      { namespace: "om", ingress: { tls: "cert-manager" } },
      { namespace: "om", createNamespace: false },
    ];
    expect(
      cases.map((kubernetes) => validateArgs({ ...ARGS, kubernetes }).kubernetes!.createNamespace),
    ).toEqual([false, false, true, true, false]);
    expect(validateArgs(ARGS).kubernetes!.createNamespace).toBe(true);
  });

  it("refuses an explicit createNamespace true with ingress.tls secret, naming the Secret, the namespace and the fix", () => {
    expect(
      problems({
        ...ARGS,
        kubernetes: {
          namespace: "om",
          createNamespace: true,
          ingress: { tls: "secret", tlsSecretName: "om-tls" },
        },
      }),
    ).toEqual([
      'args.kubernetes.createNamespace: must be false with ingress.tls "secret"; got true. The TLS Secret "om-tls" already exists in namespace "om", so the namespace does too, and creating it would fail with AlreadyExists. It defaults to false with ingress.tls "secret"; remove it: remove args.kubernetes.createNamespace',
    ]);
  });
});

describe("the existing TLS Secret at pulumi up", () => {
  it("is read by <namespace>/<name>, never created, and the release waits for the read", async () => {
    const cluster = new Cluster();
    cluster.objects.add(Cluster.key(SECRET, "om/om-tls"));
    const { resources, errors } = await against(cluster, deployment(withExistingTls()));
    expect(errors).toEqual([]);
    expect(existingTlsSecretId("om", "om-tls")).toBe("om/om-tls");
    expect(cluster.reads).toEqual([`${SECRET} om/om-tls`]);
    expect(resources.filter((r) => r.type === NAMESPACE)).toEqual([]);
    // Only the Secrets this deployment owns are registered; the TLS Secret is not among them.
    expect(
      resources
        .filter((r) => r.type === SECRET)
        .map((r) => (r.inputs.metadata as { name: string }).name)
        .sort(),
    ).toEqual(["om-database", "om-fernet", "om-jwt-private-key", "om-oidc"]);
    const release = resources.find((r) => r.type === RELEASE && r.name === "om-openmetadata")!;
    expect(release.options.dependencies).toContain(
      "urn:pulumi:test::openmetadata-sso::openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:Secret::om-existing-tls",
    );
  });

  it("stops the update before the release when the Secret is missing, naming namespace/secret", async () => {
    const { resources, errors } = await against(new Cluster(), deployment(withExistingTls()));
    expect(errors.map(reported)).toEqual([
      "failed to read resource #om/om-tls 'om-existing-tls' [kubernetes:core/v1:Secret]: resource 'om/om-tls' does not exist",
    ]);
    expect(resources.filter((r) => r.type === RELEASE).map((r) => r.name)).toEqual([
      "om-dependencies",
    ]);
  });

  it("is not read with cert-manager", async () => {
    const cluster = new Cluster();
    const { errors } = await against(cluster, deployment(caseSettings(PROD)));
    expect([errors, cluster.reads]).toEqual([[], []]);
  });
});

describe("the shipped staging stack", () => {
  let restore: () => void;
  beforeAll(() => {
    restore = overlayConfig({});
  });
  afterAll(() => restore());

  it("creates no namespace and its release waits for the read of openmetadata-staging/openmetadata-staging-tls", async () => {
    const config = readStackFile("staging");
    expect(JSON.parse(config.values["openmetadata-sso:kubernetes"]!)).toMatchObject({
      createNamespace: false,
      ingress: { tls: "secret", tlsSecretName: "openmetadata-staging-tls" },
    });
    process.env.OPENMETADATA_SSO_OFFLINE = "1";
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    const resources = installMocks({ realKeys: false, project: config.project, stack: "staging" });
    vi.resetModules();
    await import("../index.js");
    await settle();
    expect(resources.filter((r) => r.type === NAMESPACE)).toEqual([]);
    const release = resources.find(
      (r) => r.type === RELEASE && r.name === "openmetadata-staging-k8s-openmetadata",
    )!;
    expect(release.options.dependencies.filter((urn) => urn.endsWith("-existing-tls"))).toEqual([
      // The mock runtime's URN names the parent's type only.
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:Secret::openmetadata-staging-k8s-existing-tls",
    ]);
  });
});

describe("destroy with dataRetention retain, then pulumi up", () => {
  const KEPT = [
    `${NAMESPACE} om`,
    "kubernetes:core/v1:ConfigMap om/om-data-marker",
    `${SECRET} om/om-jwt-private-key`,
    `${RELEASE} om/openmetadata-dependencies`,
  ];

  async function upDestroyUp(settings: ResolvedSettings) {
    const cluster = new Cluster();
    const first = await against(cluster, deployment(settings));
    expect(first.errors).toEqual([]);
    const before = [...cluster.objects];
    cluster.destroy(first.resources);
    const kept = [...cluster.objects];
    cluster.attempts.length = 0;
    const log = vi.spyOn(pulumi.log, "error").mockImplementation(() => Promise.resolve());
    try {
      const second = await against(cluster, deployment(settings));
      return {
        cluster,
        before,
        kept,
        attempts: [...cluster.attempts],
        after: [...cluster.objects],
        errors: second.errors.map(reported),
        logged: log.mock.calls.map((call) => call[0]),
      };
    } finally {
      log.mockRestore();
    }
  }

  it("the first up creates the namespace and the data marker first; the destroy keeps them, the key Secret and the dependencies", async () => {
    const run = await upDestroyUp(caseSettings(PROD));
    expect(run.before.slice(0, 2)).toEqual(KEPT.slice(0, 2));
    expect(run.kept.sort()).toEqual([...KEPT].sort());
  });

  it("refuses at its first create, the namespace, with the exact steps, and creates nothing", async () => {
    const run = await upDestroyUp(caseSettings(PROD));
    expect(run.attempts).toEqual([`${NAMESPACE} om`]);
    expect(run.after.sort()).toEqual([...KEPT].sort());
    expect(run.errors).toEqual([
      'failed to register new resource om-namespace [kubernetes:core/v1:Namespace]: namespaces "om" already exists',
    ]);
    expect(run.logged).toEqual([
      [
        "Namespace om already exists: an earlier pulumi destroy kept it with the data (dataRetention: retain), and this stack's state no longer holds it, nor the passwords and signing key that data was made with. The update stopped before creating anything in the cluster or at the identity provider. Either:",
        "1. Keep the data: give the stack back its state from before the destroy, then update.",
        "  pulumi stack history                 # the version of the last update before the destroy",
        "  pulumi stack export --version <version> --file before-destroy.json",
        "  pulumi stack import --file before-destroy.json   # replaces what this update recorded, which exists nowhere else",
        "  pulumi refresh --yes                 # forgets what the destroy deleted",
        "  pulumi up",
        "2. Start over without the data (this deletes it for good: the namespace and everything in it, volumes included), then update:",
        "  kubectl delete namespace om",
        "  pulumi up",
      ].join("\n"),
    ]);
  });

  it("in a namespace it does not create, refuses at the data marker, with the steps for that namespace", async () => {
    const settings = caseSettings(PROD);
    const run = await upDestroyUp({
      ...settings,
      kubernetes: { ...settings.kubernetes!, createNamespace: false },
    });
    expect(run.attempts).toEqual(["kubernetes:core/v1:ConfigMap om/om-data-marker"]);
    expect(run.after.sort()).toEqual(KEPT.slice(1).sort());
    expect(run.errors).toEqual([
      'failed to register new resource om-data-marker [kubernetes:core/v1:ConfigMap]: configmaps "om-data-marker" already exists',
    ]);
    expect(run.logged).toEqual([
      retainedDataRefusal({
        found: "ConfigMap om/om-data-marker",
        namespace: "om",
        createNamespace: false,
        chartDependencies: true,
        markerConfigMap: "om-data-marker",
        privateKeySecret: "om-jwt-private-key",
        dependenciesRelease: "openmetadata-dependencies",
        dependencyClaims: ["data-mysql-0", "opensearch-opensearch-0"],
      }),
    ]);
    expect((run.logged[0] as string).split("\n").slice(8)).toEqual([
      "  helm uninstall openmetadata-dependencies -n om",
      "  kubectl delete configmap -n om om-data-marker",
      "  kubectl delete secret -n om om-jwt-private-key",
      "  kubectl delete pvc -n om data-mysql-0 opensearch-opensearch-0",
      "  pulumi up",
    ]);
  });

  it("in a namespace it does not create, the steps delete every kept object and claim, and the next up starts on empty volumes", async () => {
    const settings = caseSettings(PROD);
    const own = { ...settings, kubernetes: { ...settings.kubernetes!, createNamespace: false } };
    const run = await upDestroyUp(own);
    const message = (run.logged[0] as string).split("\n");
    const steps = message.slice(message.findIndex((line) => line.startsWith("2. ")) + 1, -1);
    expect(message.at(-1)).toBe("  pulumi up");
    for (const step of steps) run.cluster.follow(step);
    expect([[...run.cluster.objects], [...run.cluster.claims]]).toEqual([[], []]);
    const again = await against(run.cluster, deployment(own));
    expect(again.errors).toEqual([]);
    // Made anew by the StatefulSets: MySQL initialises with this stack's passwords.
    expect([...run.cluster.claims].sort()).toEqual([
      "om/data-mysql-0",
      "om/opensearch-opensearch-0",
    ]);
  });

  it("with the kept objects deleted as the steps say, the next up creates everything again", async () => {
    const cluster = new Cluster();
    const first = await against(cluster, deployment(caseSettings(PROD)));
    const before = [...cluster.objects].sort();
    cluster.destroy(first.resources);
    // kubectl delete namespace om: everything in it goes too.
    cluster.objects.clear();
    cluster.owners.clear();
    const again = await against(cluster, deployment(caseSettings(PROD)));
    expect([again.errors, [...cluster.objects].sort()]).toEqual([[], before]);
  });
});

describe("destroy with dataRetention delete in a namespace it does not create, then pulumi up", () => {
  // The namespace stays (it is the user's), so nothing deletes the claims but their StatefulSets'
  // policy. A claim left behind holds a database made with the destroyed stack's passwords.
  function deleting(settings = caseSettings(PROD)): ResolvedSettings {
    return {
      ...settings,
      dataRetention: "delete",
      protect: false,
      kubernetes: { ...settings.kubernetes!, createNamespace: false },
    };
  }

  it("the destroy deletes MySQL's and OpenSearch's claims, and the next up starts on empty volumes", async () => {
    const cluster = new Cluster();
    const first = await against(cluster, deployment(deleting()));
    expect(first.errors).toEqual([]);
    expect([...cluster.claims].sort()).toEqual(["om/data-mysql-0", "om/opensearch-opensearch-0"]);
    expect([...cluster.statefulSets.values()]).toEqual([
      { claim: "data-mysql-0", whenDeleted: "Delete" },
      { claim: "opensearch-opensearch-0", whenDeleted: "Delete" },
    ]);
    cluster.destroy(first.resources);
    expect([[...cluster.objects], [...cluster.claims]]).toEqual([[], []]);
    const again = await against(cluster, deployment(deleting()));
    expect(again.errors).toEqual([]);
    // Made anew by the StatefulSets, not found: MySQL initialises with the new passwords.
    expect([...cluster.claims].sort()).toEqual(["om/data-mysql-0", "om/opensearch-opensearch-0"]);
  });

  it("without its retainOnDelete, the destroy would undo OpenSearch's policy first and leave its claim", async () => {
    const cluster = new Cluster();
    const first = await against(cluster, deployment(deleting()));
    const resources = first.resources.map((r) =>
      r.type === STATEFUL_SET_PATCH
        ? { ...r, options: { ...r.options, retainOnDelete: false } }
        : r,
    );
    cluster.destroy(resources);
    expect([...cluster.claims]).toEqual(["om/opensearch-opensearch-0"]);
  });

  it("with dataRetention retain, the claims stay with the release, as the refusal's steps say", async () => {
    const settings = caseSettings(PROD);
    const cluster = new Cluster();
    const first = await against(
      cluster,
      deployment({ ...settings, kubernetes: { ...settings.kubernetes!, createNamespace: false } }),
    );
    cluster.destroy(first.resources);
    expect([...cluster.statefulSets.values()]).toEqual([
      { claim: "data-mysql-0", whenDeleted: "Retain" },
      { claim: "opensearch-opensearch-0", whenDeleted: "Retain" },
    ]);
    expect([...cluster.claims].sort()).toEqual(["om/data-mysql-0", "om/opensearch-opensearch-0"]);
  });
});

/** The whole component on Kubernetes, in namespace `om`, with one hosted identity provider. */
function sso(identity: IdentityArgs, createNamespace = true) {
  return () =>
    new OpenMetadataSso("om", {
      ...ARGS,
      kubernetes: { namespace: "om", createNamespace },
      identity,
    });
}

/** One stack per hosted provider, each creating what it can at the provider (a realm, groups). */
const PROVIDERS: Record<string, IdentityArgs> = {
  okta: { provider: "okta", okta: { groupIds: ["00g1openmetadata"] } },
  auth0: { provider: "auth0", auth0: { domain: "acme.eu.auth0.com", connections: ["corp"] } },
  keycloak: {
    provider: "keycloak",
    keycloak: { url: "https://keycloak.example.com", realm: "om", createRealm: true },
  },
  onelogin: {
    provider: "onelogin",
    onelogin: {
      subdomain: "acme",
      apiClientId: "onelogin-api-id",
      apiClientSecret: "onelogin-api-secret",
    },
  },
  entra: {
    provider: "entra",
    entra: {
      tenantId: "00000000-0000-0000-0000-000000000000",
      groupIds: ["0a1b2c3d-1111-4222-8333-444455556666"],
    },
  },
  oidc: { provider: "oidc", oidc: { issuer: "https://sso.example.com", registration: true } },
};

/**
 * What sits at the identity provider: every custom resource under the identity component, as
 * "type name".
 */
function atProvider(resources: RecordedResource[], provider: string): RecordedResource[] {
  return resources.filter((r) => r.custom && r.parent === `om-${provider}`);
}

const URN = "urn:pulumi:test::openmetadata-sso::";
const NAMESPACE_URN = `${URN}openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:Namespace::om-k8s-namespace`;
const MARKER_URN = `${URN}openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:ConfigMap::om-k8s-data-marker`;

describe("the identity provider after a destroy with dataRetention retain", () => {
  async function upDestroyUp(create: () => unknown) {
    const cluster = new Cluster();
    const first = await against(cluster, create);
    expect(first.errors).toEqual([]);
    cluster.destroy(first.resources);
    cluster.attempts.length = 0;
    const log = vi.spyOn(pulumi.log, "error").mockImplementation(() => Promise.resolve());
    try {
      const second = await against(cluster, create);
      return { first, second, attempts: [...cluster.attempts] };
    } finally {
      log.mockRestore();
    }
  }

  it.each(Object.keys(PROVIDERS))(
    "%s: the refused update creates nothing at the provider, nor anything else outside the state",
    async (provider) => {
      const run = await upDestroyUp(sso(PROVIDERS[provider]!));
      expect(atProvider(run.first.resources, provider).length).toBeGreaterThan(0);
      expect(run.attempts).toEqual([`${NAMESPACE} om`]);
      expect(run.second.errors.map(reported)).toEqual([
        'failed to register new resource om-k8s-namespace [kubernetes:core/v1:Namespace]: namespaces "om" already exists',
      ]);
      expect(atProvider(run.second.resources, provider)).toEqual([]);
      // Registered at all: the namespace (refused), the cluster's provider, and what lives only in
      // the stack's state (generated keys and passwords).
      expect(
        [
          ...new Set(run.second.resources.filter((r) => r.custom).map((r) => r.type.split(":")[0])),
        ].sort(),
      ).toEqual(["kubernetes", "pulumi", "random", "tls"]);
      expect(
        run.second.resources
          .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
          .map((r) => `${r.type} ${r.name}`),
      ).toEqual([`${NAMESPACE} om-k8s-namespace`]);
    },
  );

  it("in a namespace it does not create, the refused update creates nothing at the provider either", async () => {
    const run = await upDestroyUp(sso(PROVIDERS.okta!, false));
    expect(run.attempts).toEqual(["kubernetes:core/v1:ConfigMap om/om-k8s-data-marker"]);
    expect(atProvider(run.second.resources, "okta")).toEqual([]);
  });

  it.each(Object.keys(PROVIDERS))(
    "%s: in a normal update, everything at the provider waits for the namespace and the data marker",
    async (provider) => {
      const { resources, errors } = await against(new Cluster(), sso(PROVIDERS[provider]!));
      expect(errors).toEqual([]);
      const created = atProvider(resources, provider);
      expect(created.length).toBeGreaterThan(0);
      for (const resource of created) {
        // Besides the two, only its own inputs' resources (the app a group assignment names).
        const own = Object.values(resource.options.propertyDependencies).flat();
        expect([resource.name, resource.options.dependencies.sort()]).toEqual([
          resource.name,
          [...new Set([NAMESPACE_URN, MARKER_URN, ...own])].sort(),
        ]);
      }
    },
  );

  it("without a namespace to create, the provider waits for the data marker alone", async () => {
    const { resources, errors } = await against(new Cluster(), sso(PROVIDERS.okta!, false));
    expect(errors).toEqual([]);
    const app = one(resources, "okta:app/oAuth:OAuth", "om-okta-app");
    expect(app.options.dependencies).toEqual([MARKER_URN]);
  });
});
