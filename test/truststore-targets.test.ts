/**
 * `trustedCaCertificates` on the targets, under Pulumi's mock runtime: which objects carry the CA
 * certificates, how every JVM of the server image gets its trust store (the server, the migration,
 * the bot token regeneration) and how the verifier trusts them, with exact inputs. A stack without
 * the setting gets none of it. Proves the wiring, not that OpenMetadata's JVM starts with the
 * store: no image runs here (test/truststore.test.ts runs the script with a local JDK).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import { OpenMetadataSso, publicUrlCa, trustedCa } from "../components/openmetadata-sso";
import { validateArgs } from "../components/config";
import { reportingExit } from "../components/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  caCertificates,
  javaTruststoreOptions,
  truststoreScript,
} from "../components/settings/truststore";
import { holdsSecret } from "../scripts/render-files";
import { localStackArgs } from "./support/args";
import { one, plain, record, useMocks, valueOf, type RecordedResource } from "./support/pulumi";
import { certificate } from "./support/x509";

beforeAll(() => {
  useMocks();
});

const ROOT = certificate({ commonName: "Example Corp Root CA", ca: true });
const ISSUING = certificate({ commonName: "Example Corp Issuing CA", ca: true, issuer: ROOT });
/** As a user pastes it: with Windows line ends and a blank line between the blocks. */
const SETTING = `${ROOT.cert.replace(/\n/g, "\r\n")}\r\n${ISSUING.cert}`;
const CERTIFICATES = [ROOT.cert, ISSUING.cert];

const JOB = "kubernetes:batch/v1:Job";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const RELEASE = "kubernetes:helm.sh/v3:Release";

async function evaluate(args: OpenMetadataSsoArgs): Promise<RecordedResource[]> {
  return (await record(() => new OpenMetadataSso("om", args))).resources;
}

it("takes the certificates from the setting as canonical PEM, in order", () => {
  expect(caCertificates(SETTING)).toEqual(CERTIFICATES);
});

describe("on Kubernetes", () => {
  const prod: OpenMetadataSsoArgs = {
    environment: "production",
    publicUrl: "https://om.example.com",
    target: "kubernetes",
    admins: ["alice@example.com"],
    identity: { provider: "okta" },
    keys: { rotation: "2026-11" },
    openmetadata: {
      egressProxy: { url: "http://proxy.example.com:3128", noProxy: [] },
    },
  };
  let plainStack: RecordedResource[];
  let trusted: RecordedResource[];
  beforeAll(async () => {
    plainStack = await evaluate(prod);
    trusted = await evaluate({ ...prod, trustedCaCertificates: SETTING });
  });

  const values = (resources: RecordedResource[]) =>
    plain(one(resources, RELEASE, "om-k8s-openmetadata").inputs.values) as Record<string, unknown>;

  it("keeps the certificates in one ConfigMap: one file each for keytool, a bundle for Node", () => {
    const configMap = one(trusted, CONFIG_MAP, "om-k8s-trusted-ca");
    expect(plain(configMap.inputs)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "om-k8s-trusted-ca",
        namespace: "openmetadata",
        labels: {
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/part-of": "openmetadata-sso",
          "app.kubernetes.io/instance": "om-k8s",
        },
      },
      data: {
        "ca-1.pem": ROOT.cert,
        "ca-2.pem": ISSUING.cert,
        "ca-certificates.pem": ROOT.cert + ISSUING.cert,
      },
    });
    // Certificates are public: not a Secret, and nothing about them is secret.
    expect(holdsSecret(configMap.inputs)).toBe(false);
    expect(plainStack.filter((r) => r.name === "om-k8s-trusted-ca")).toEqual([]);
  });

  it("builds the trust store in an init container before the migration, for every JVM of the pod", () => {
    const before = values(plainStack);
    const after = values(trusted);
    expect(before.preMigrateInitContainers).toBeUndefined();
    expect(after.preMigrateInitContainers).toEqual([
      {
        name: "truststore",
        image: "docker.getcollate.io/openmetadata/server:1.13.1",
        command: ["/bin/bash", "-c", truststoreScript(2)],
        volumeMounts: [
          { name: "trusted-ca", mountPath: "/etc/openmetadata/trusted-ca", readOnly: true },
          { name: "truststore", mountPath: "/tmp/openmetadata-sso" },
        ],
      },
    ]);
    expect(after.extraVolumes).toEqual([
      ...(before.extraVolumes as unknown[]),
      {
        name: "trusted-ca",
        configMap: {
          name: "om-k8s-trusted-ca",
          items: [
            { key: "ca-1.pem", path: "ca-1.pem" },
            { key: "ca-2.pem", path: "ca-2.pem" },
          ],
        },
      },
      { name: "truststore", emptyDir: {} },
    ]);
    // extraVolumeMounts reach the chart's run-db-migrations and the server container alike.
    expect(after.extraVolumeMounts).toEqual([
      ...(before.extraVolumeMounts as unknown[]),
      { name: "truststore", mountPath: "/tmp/openmetadata-sso", readOnly: true },
    ]);
  });

  it("names the store in JAVA_TOOL_OPTIONS after the proxy options, through extraEnvs", () => {
    const env = (resources: RecordedResource[]) =>
      Object.fromEntries(
        (values(resources).extraEnvs as { name: string; value: string }[]).map((e) => [
          e.name,
          e.value,
        ]),
      );
    const proxy = env(plainStack).JAVA_TOOL_OPTIONS;
    expect(proxy).toMatch(/^-Dhttp\.proxyHost=proxy\.example\.com /);
    expect(env(trusted).JAVA_TOOL_OPTIONS).toBe(`${proxy} ${javaTruststoreOptions()}`);
  });

  it("restarts the pods when a certificate changes: the checksum covers them", () => {
    const checksum = (resources: RecordedResource[]) =>
      (values(resources).podAnnotations as Record<string, string>)[
        "openmetadata-sso/config-checksum"
      ];
    expect(checksum(trusted)).not.toBe(checksum(plainStack));
    expect(checksum(trusted)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the migration and the bot token regeneration the same init container, volumes and options", () => {
    const release = values(trusted);
    for (const name of ["om-k8s-migrate", "om-k8s-regenerate-bot-tokens-2026-11"]) {
      const spec = (
        plain(one(trusted, JOB, name).inputs.spec) as {
          template: { spec: Record<string, unknown> };
        }
      ).template.spec;
      expect([name, spec.initContainers]).toEqual([name, release.preMigrateInitContainers]);
      expect([name, spec.volumes]).toEqual([name, release.extraVolumes]);
      const container = (spec.containers as { envFrom: unknown[]; volumeMounts: unknown[] }[])[0];
      expect([name, container.volumeMounts]).toEqual([name, release.extraVolumeMounts]);
      expect([name, container.envFrom]).toEqual([
        name,
        [{ configMapRef: { name: "om-k8s-server-env" } }],
      ]);
      const plainJob = one(plainStack, JOB, name);
      expect(
        (plain(plainJob.inputs.spec) as { template: { spec: Record<string, unknown> } }).template
          .spec.initContainers,
      ).toBeUndefined();
    }
    // The JVM options come with the server's env, from the ConfigMap both Jobs read.
    const env = plain(
      one(trusted, "kubernetes:core/v1:ConfigMap", "om-k8s-server-env").inputs.data,
    ) as Record<string, string>;
    expect(env.JAVA_TOOL_OPTIONS).toContain(javaTruststoreOptions());
  });

  it("lets the verifier trust the certificates through NODE_EXTRA_CA_CERTS", () => {
    const spec = (resources: RecordedResource[]) =>
      (
        plain(one(resources, JOB, "om-k8s-verify").inputs.spec) as {
          template: {
            spec: {
              containers: { env: { name: string }[]; volumeMounts: unknown[] }[];
              volumes: unknown[];
            };
          };
        }
      ).template.spec;
    const before = spec(plainStack);
    const after = spec(trusted);
    // The same variables but for the Job's name in the failure line (the checksum differs).
    const job = (env: { name: string; value?: string }[]) =>
      env.map((e) =>
        e.name === "VERIFY_FAILURE" ? { ...e, value: e.value?.replace(/-[0-9a-f]{12}$/, "") } : e,
      );
    expect(job(after.containers[0].env as { name: string; value?: string }[])).toEqual([
      ...job(before.containers[0].env as { name: string; value?: string }[]),
      {
        name: "NODE_EXTRA_CA_CERTS",
        value: "/etc/openmetadata/trusted-ca/ca-certificates.pem",
      },
    ]);
    expect(after.containers[0].volumeMounts).toEqual([
      { name: "script", mountPath: "/verify", readOnly: true },
      { name: "trusted-ca", mountPath: "/etc/openmetadata/trusted-ca", readOnly: true },
    ]);
    expect(after.volumes).toEqual([
      { name: "script", configMap: { name: "om-k8s-verify" } },
      { name: "trusted-ca", configMap: { name: "om-k8s-trusted-ca" } },
    ]);
  });

  it("adds the ConfigMap and nothing else to the stack", () => {
    const shape = (resources: RecordedResource[]) => resources.map((r) => `${r.type}::${r.name}`);
    expect(shape(trusted).filter((entry) => !shape(plainStack).includes(entry))).toEqual([
      "kubernetes:core/v1:ConfigMap::om-k8s-trusted-ca",
    ]);
    expect(shape(plainStack).filter((entry) => !shape(trusted).includes(entry))).toEqual([]);
  });
});

describe("on Docker", () => {
  const CONTAINER = "docker:index/container:Container";
  const local: OpenMetadataSsoArgs = { ...localStackArgs(), keys: { rotation: "2026-11" } };
  let plainStack: RecordedResource[];
  let trusted: RecordedResource[];
  beforeAll(async () => {
    plainStack = await evaluate(local);
    trusted = await evaluate({ ...local, trustedCaCertificates: SETTING });
  });
  const container = (resources: RecordedResource[], name: string) =>
    plain(one(resources, CONTAINER, name).inputs) as Record<string, unknown>;
  const CA_UPLOADS = [
    { file: "/etc/openmetadata/trusted-ca/ca-1.pem", content: ROOT.cert },
    { file: "/etc/openmetadata/trusted-ca/ca-2.pem", content: ISSUING.cert },
    {
      file: "/etc/openmetadata/trusted-ca/ca-certificates.pem",
      content: ROOT.cert + ISSUING.cert,
    },
  ];

  // The server starts through the image's entrypoint; the one-shots through bash, under the
  // wrapper that reports their exit code, with or without certificates.
  it.each([
    [
      "om-docker-migrate",
      ["/bin/bash"],
      ["-c", reportingExit("./bootstrap/openmetadata-ops.sh migrate")],
      (script: string) => ["-c", reportingExit(script)],
      "./bootstrap/openmetadata-ops.sh migrate",
    ],
    [
      "om-docker-server",
      undefined,
      undefined,
      (script: string) => ["-c", script],
      "/openmetadata-start.sh",
    ],
    [
      "om-docker-regenerate-bot-tokens-2026-11",
      ["/bin/bash"],
      ["-c", reportingExit("./bootstrap/openmetadata-ops.sh regenerate-bot-tokens")],
      (script: string) => ["-c", reportingExit(script)],
      "./bootstrap/openmetadata-ops.sh regenerate-bot-tokens",
    ],
  ])(
    "%s writes the trust store at start, then runs its command, with the certificates uploaded",
    (name, entrypoints, before, start, after) => {
      const without = container(plainStack, name);
      const with_ = container(trusted, name);
      expect(without.entrypoints).toEqual(entrypoints);
      expect(without.command).toEqual(before);
      expect(with_.entrypoints).toEqual(["/bin/bash"]);
      expect(with_.command).toEqual(start(`${truststoreScript(2)}\nexec ${after}`));
      expect(with_.uploads).toEqual([...(without.uploads as unknown[]), ...CA_UPLOADS]);
      const env = (with_.envs as string[]).find((e) => e.startsWith("JAVA_TOOL_OPTIONS="));
      expect(env).toBe(`JAVA_TOOL_OPTIONS=${javaTruststoreOptions()}`);
      expect((without.envs as string[]).some((e) => e.startsWith("JAVA_TOOL_OPTIONS="))).toBe(
        false,
      );
    },
  );

  it("lets the verifier trust the certificates through NODE_EXTRA_CA_CERTS", () => {
    const without = container(plainStack, "om-docker-verify");
    const with_ = container(trusted, "om-docker-verify");
    expect(with_.envs).toEqual([
      ...(without.envs as string[]),
      "NODE_EXTRA_CA_CERTS=/etc/openmetadata/trusted-ca/ca-certificates.pem",
    ]);
    expect(with_.uploads).toEqual([
      ...(without.uploads as unknown[]),
      {
        file: "/etc/openmetadata/trusted-ca/ca-certificates.pem",
        content: ROOT.cert + ISSUING.cert,
      },
    ]);
  });

  it("changes nothing else: the same resources, and the other containers as they were", () => {
    const shape = (resources: RecordedResource[]) => resources.map((r) => `${r.type}::${r.name}`);
    expect(shape(trusted)).toEqual(shape(plainStack));
    for (const name of ["om-docker-database", "om-docker-search", "om-keycloak-keycloak"]) {
      const found = trusted.find((r) => r.name === name);
      if (found === undefined) continue;
      expect([name, plain(found.inputs)]).toEqual([
        name,
        plain(one(plainStack, found.type, name).inputs),
      ]);
    }
  });
});

describe("the program's own checks", () => {
  const base: OpenMetadataSsoArgs = { ...localStackArgs(), publicUrl: "https://localhost:8443" };
  const GENERATED = "-----BEGIN CERTIFICATE-----\nGENERATED\n-----END CERTIFICATE-----\n";

  it("trust the setting's certificates in the preflight and the discovery", () => {
    expect(trustedCa(validateArgs(base))).toEqual({});
    expect(trustedCa(validateArgs({ ...base, trustedCaCertificates: SETTING }))).toEqual({
      ca: CERTIFICATES,
    });
  });

  it("trust the generated CA and the setting's certificates through the public URL", async () => {
    const settings = validateArgs({ ...base, trustedCaCertificates: SETTING });
    const without = validateArgs(base);
    expect(await valueOf(publicUrlCa(pulumi.output(GENERATED), settings).ca!)).toEqual([
      GENERATED,
      ...CERTIFICATES,
    ]);
    expect(await valueOf(publicUrlCa(pulumi.output(GENERATED), without).ca!)).toEqual([GENERATED]);
    expect(await valueOf(publicUrlCa(undefined, settings).ca!)).toEqual(CERTIFICATES);
    expect(publicUrlCa(undefined, without)).toEqual({});
  });
});
