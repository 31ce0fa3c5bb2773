/**
 * Key rotation: `keys.rotation` replaces the key pair and the key id and regenerates the bot
 * tokens; nothing else does (user pains P17, P18).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { botTokenEnv } from "../components/docker";
import { OpenMetadataSso, type OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import type { ServerEnv } from "../components/settings";
import { one, plain, record, useMocks, type RecordedResource } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const base: OpenMetadataSsoArgs = {
  environment: "local",
  publicUrl: "http://localhost:8585",
  target: "docker",
  admins: ["demo@example.com"],
  identity: { provider: "local-keycloak" },
};

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

    // A new key size is the one input that differs; it waits for the next rotation.
    const bigger = keyIdentity(await evaluate({ ...base, keys: { bits: 4096 } }));
    expect(bigger.keyInputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    expect(bigger.keyIgnores).toEqual(["rsaBits"]);
    expect(bigger.keyTrigger).toBe(initial.keyTrigger);
    expect(bigger.keyIdInputs).toEqual(initial.keyIdInputs);
  });

  it("never regenerates bot tokens on a stack that has not rotated", async () => {
    const resources = await evaluate(base);
    expect(
      resources.filter((r) => r.type === CONTAINER && r.name.endsWith("regenerate-bot-tokens")),
    ).toEqual([]);
  });

  it("regenerates the bot tokens after a rotation, once the server runs with the new key", async () => {
    const resources = await evaluate({ ...base, keys: { rotation: "2026-11" } });
    const regenerate = one(resources, CONTAINER, "om-docker-regenerate-bot-tokens");
    const server = one(resources, CONTAINER, "om-docker-server");
    expect(regenerate.inputs).toMatchObject({
      name: "om-regenerate-bot-tokens",
      command: ["./bootstrap/openmetadata-ops.sh", "regenerate-bot-tokens"],
      workingDir: "/opt/openmetadata",
      labels: [{ label: "openmetadata-sso.rotation", value: "2026-11" }],
      restart: "no",
      mustRun: false,
      attach: true,
      logs: true,
    });
    expect(regenerate.options.dependencies).toContain(server.urn);
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

  it("does not run the regeneration again for changes that do not touch keys, database or search", async () => {
    const regenerate = (resources: RecordedResource[]) =>
      plain(one(resources, CONTAINER, "om-docker-regenerate-bot-tokens").inputs);
    const rotated = { ...base, keys: { rotation: "2026-11" } };
    const before = regenerate(await evaluate(rotated));
    const after = regenerate(
      await evaluate({
        ...rotated,
        admins: ["demo@example.com", "ops@example.com"],
        openmetadata: { heapSize: "2G" },
      }),
    );
    expect(after).toEqual(before);
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
