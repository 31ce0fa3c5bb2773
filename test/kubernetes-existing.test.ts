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
import type { IdentityApp } from "../components/identity/types";
import { SigningKeys } from "../components/keys";
import { existingTlsSecretId, KubernetesDeployment } from "../components/kubernetes";
import type { KubernetesArgs, OpenMetadataSsoArgs } from "../components/types";
import { installMocks, readStackFile, settle } from "../scripts/offline";
import { caseIdentity, caseSettings, type Case } from "./support/kubernetes";
import { overlayConfig, record, reported, useMocks, type RecordedResource } from "./support/pulumi";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";

const PROD: Case = {
  provider: "okta",
  clientType: "confidential",
  dependencies: "chart",
  replicas: 1,
};

function fakeApp(c: Case): IdentityApp {
  const facts = caseIdentity(c);
  return {
    clientId: pulumi.output(facts.clientId),
    clientSecret: pulumi.secret("okta-client-secret-0123456789abcdef"),
    issuer: pulumi.output(facts.issuer),
    discoveryUrl: pulumi.output(facts.discoveryUrl),
    jwksUrl: pulumi.output(facts.jwksUrl),
    openMetadataProvider: facts.openMetadataProvider,
    providerName: facts.providerName,
    clientType: facts.clientType,
    tokenEndpointAuthMethod: facts.tokenEndpointAuthMethod,
    pkce: facts.pkce,
    redirectUris: facts.redirectUris,
  };
}

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

/**
 * A cluster for the mock provider: the objects that exist, by kind and id. A read of an object that
 * does not exist fails as the engine fails it.
 */
class Cluster {
  readonly objects = new Set<string>();
  readonly reads: string[] = [];

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
    newResource: (args) => {
      if (args.id) cluster.read(args.type, args.id);
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
      identity: fakeApp(PROD),
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
