/**
 * The rollout's critical path, read from the dependencies the engine would receive (explicit
 * `dependsOn` plus every input that carries another resource's output), for every stack in
 * stacks/. The IdP app, the keys, the database and search start independently of each other; the
 * server waits only for what it needs; verification runs last.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { evaluate, readStackFile, stackNames, type RecordedResource } from "../scripts/offline";

interface Graph {
  byName: Map<string, RecordedResource>;
  /** What a resource waits for directly, by name, sorted. */
  direct(name: string): string[];
  /** Everything a resource waits for, directly or through others. */
  waitsFor(name: string): Set<string>;
}

function graph(resources: RecordedResource[]): Graph {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const byName = new Map(resources.map((r) => [r.name, r]));
  const direct = (name: string) =>
    [
      ...new Set(
        [
          ...byName.get(name)!.options.dependencies,
          ...Object.values(byName.get(name)!.options.propertyDependencies).flat(),
        ]
          .map((urn) => byUrn.get(urn)?.name)
          .filter((n): n is string => n !== undefined),
      ),
    ].sort();
  const cache = new Map<string, Set<string>>();
  const waitsFor = (name: string): Set<string> => {
    const known = cache.get(name);
    if (known) return known;
    const all = new Set<string>();
    cache.set(name, all);
    for (const dep of direct(name)) {
      all.add(dep);
      for (const transitive of waitsFor(dep)) all.add(transitive);
    }
    return all;
  };
  return { byName, direct, waitsFor };
}

async function load(stack: string): Promise<Graph> {
  vi.resetModules();
  const { resources } = await evaluate(readStackFile(stack), stack, {
    realKeys: false,
    load: () => import("../index.js"),
  });
  return graph(resources);
}

/**
 * What each stack creates for the parts that start together, by name without the
 * `openmetadata-<stack>-` prefix.
 */
interface Rollout {
  target: "docker" | "kubernetes";
  /** The identity component, whose children are the IdP app. */
  identity: string;
  /** Every resource of the IdP app: all children of the identity component. */
  idp: string[];
  /** The database's volume and engine, or its Secret and the dependencies chart. */
  database: string[];
  /** The search engine's volume and container on Docker; on Kubernetes see `database`. */
  search: string[];
  /**
   * Exactly the generated passwords the database and search wait for, directly or through
   * others: the only part of the keys they wait for.
   */
  passwords: string[];
  /** The server: the container on Docker, the OpenMetadata release on Kubernetes. */
  server: string;
  /** Exactly what the server waits for directly. */
  serverWaitsFor: string[];
  /**
   * Exactly what waits for the preflight check of the identity provider (it carries the check's
   * result as an input): on Docker the migration and the server, so a failed check stops the
   * update before the database is migrated; on Kubernetes the release, and the migration Job
   * through the values it reads its env from.
   */
  preflight: string[];
  verify: string;
}

/**
 * The signing material. The generated passwords are left out on purpose: the database and search
 * engines are started with them, so they wait for them by design (see `Rollout.passwords`).
 */
const KEYS = ["keys-signing-key", "keys-key-id", "keys-fernet-key"];

const DOCKER_SERVER_KEYS = [
  "keys-database-password",
  "keys-fernet-key",
  "keys-key-id",
  "keys-signing-key",
  "network",
];

const ROLLOUTS: Record<string, Rollout> = {
  dev: {
    target: "docker",
    // A client registered beforehand, given by its id and secret: no resource to create.
    identity: "oidc",
    idp: [],
    database: ["docker-db-data", "docker-database"],
    search: ["docker-search-data", "docker-search"],
    passwords: [
      "keys-admin-password",
      "keys-airflow-database-password",
      "keys-database-password",
      "keys-search-password",
    ],
    server: "docker-server",
    serverWaitsFor: [
      "docker-image-server-1-13-1",
      "docker-migrate",
      ...DOCKER_SERVER_KEYS,
      "keys-search-password",
    ],
    preflight: ["docker-migrate", "docker-server"],
    verify: "docker-verify",
  },
  local: {
    target: "docker",
    identity: "keycloak",
    idp: [
      "keycloak-admin-password",
      "keycloak-client-secret",
      "keycloak-container",
      "keycloak-demo-password",
      "keycloak-image",
    ],
    database: ["docker-db-data", "docker-database"],
    search: ["docker-search-data", "docker-search"],
    passwords: [
      "keys-admin-password",
      "keys-airflow-database-password",
      "keys-database-password",
      "keys-search-password",
    ],
    server: "docker-server",
    serverWaitsFor: [
      "docker-image-server-1-13-1",
      "docker-migrate",
      "keycloak-client-secret",
      // Started once Keycloak is ready with its realm, so a first login cannot race its import.
      "keycloak-container",
      ...DOCKER_SERVER_KEYS,
      "keys-search-password",
    ],
    preflight: ["docker-migrate", "docker-server"],
    verify: "docker-verify",
  },
  onelogin: {
    target: "docker",
    identity: "onelogin",
    idp: ["onelogin-app"],
    database: ["docker-db-data", "docker-database"],
    search: ["docker-search-data", "docker-search"],
    // OpenSearch runs without a password in the private network.
    passwords: ["keys-admin-password", "keys-airflow-database-password", "keys-database-password"],
    server: "docker-server",
    serverWaitsFor: [
      "docker-image-server-1-13-1",
      "docker-migrate",
      "keys-airflow-password",
      ...DOCKER_SERVER_KEYS,
      "onelogin-app",
    ],
    preflight: ["docker-migrate", "docker-server"],
    verify: "docker-verify",
  },
  prod: {
    target: "kubernetes",
    identity: "okta",
    idp: ["okta-app", "okta-group-00g1openmetadata"],
    // MySQL and Elasticsearch both come from the dependencies chart.
    database: ["k8s-database-secret", "k8s-mysql-init", "k8s-dependencies"],
    search: [],
    // Through the database Secret, Airflow's too: its database exists before ingestion is on.
    passwords: ["keys-admin-password", "keys-airflow-database-password", "keys-database-password"],
    server: "k8s-openmetadata",
    serverWaitsFor: [
      "k8s-data-marker",
      "k8s-database-secret",
      "k8s-dependencies",
      "k8s-fernet-secret",
      "k8s-jwt-private-key",
      "k8s-jwt-public-key",
      // The migration Job, once per version, before any pod starts.
      "k8s-migrate",
      "k8s-mysql-init",
      "k8s-namespace",
      "k8s-oidc-secret",
      "keys-database-password",
      "keys-fernet-key",
      "keys-key-id",
      "keys-signing-key",
      "okta-app",
      // Only assigned users may sign in: the release starts once the group is assigned.
      "okta-group-00g1openmetadata",
    ],
    preflight: ["k8s-openmetadata"],
    verify: "k8s-verify",
  },
  staging: {
    target: "kubernetes",
    identity: "auth0",
    idp: ["auth0-client", "auth0-connection-Username-Password-Authentication", "auth0-credentials"],
    // An external database and search engine: only the database password's Secret is created.
    database: ["k8s-database-secret"],
    search: [],
    // The external database's password comes from config, not from the keys.
    passwords: [],
    server: "k8s-openmetadata",
    serverWaitsFor: [
      "auth0-client",
      "auth0-connection-Username-Password-Authentication",
      "auth0-credentials",
      "k8s-data-marker",
      "k8s-database-secret",
      "k8s-fernet-secret",
      "k8s-jwt-private-key",
      "k8s-jwt-public-key",
      "k8s-migrate",
      // No namespace: ingress.tls secret means it exists. The server also waits for the read of
      // that TLS Secret, which is no registered resource (test/kubernetes-existing.test.ts).
      "k8s-oidc-secret",
      "keys-fernet-key",
      "keys-key-id",
      "keys-signing-key",
    ],
    preflight: ["k8s-openmetadata"],
    verify: "k8s-verify",
  },
};

it("has a rollout for every stack in stacks/, and only for those", () => {
  expect(Object.keys(ROLLOUTS).sort()).toEqual(stackNames());
});

describe.each(stackNames())("%s stack", (stack) => {
  const rollout = ROLLOUTS[stack];
  const full = (suffix: string) => `openmetadata-${stack}-${suffix}`;
  const fullAll = (suffixes: string[]) => suffixes.map(full).sort();
  let g: Graph;
  beforeAll(async () => {
    g = await load(stack);
  });

  it("deploys to its target", () => {
    expect(readStackFile(stack).values["openmetadata-sso:target"]).toBe(rollout.target);
  });

  it("creates exactly the listed IdP app: every resource under the identity component", () => {
    const children = [...g.byName.values()]
      .filter((r) => r.custom && r.parent === full(rollout.identity))
      .map((r) => r.name)
      .sort();
    expect(children).toEqual(fullAll(rollout.idp));
  });

  it("creates the keys, the database and search it starts in parallel", () => {
    for (const name of fullAll([...KEYS, ...rollout.database, ...rollout.search])) {
      expect(g.byName.get(name)?.custom, name).toBe(true);
    }
  });

  it("starts the IdP app, the keys, the database and search independently", () => {
    const groups = [rollout.idp, KEYS, rollout.database, rollout.search].map(fullAll);
    const waits: string[] = [];
    for (const [i, group] of groups.entries()) {
      for (const [j, other] of groups.entries()) {
        if (i === j) continue;
        for (const a of group) {
          for (const b of other) if (g.waitsFor(a).has(b)) waits.push(`${a} waits for ${b}`);
        }
      }
    }
    expect(waits).toEqual([]);
  });

  it("starts the database and search once their passwords exist, and waits for no other key", () => {
    const waited = new Set(
      fullAll([...rollout.database, ...rollout.search]).flatMap((name) => [...g.waitsFor(name)]),
    );
    expect([...waited].filter((name) => name.startsWith(full("keys-"))).sort()).toEqual(
      fullAll(rollout.passwords),
    );
  });

  it("lets the server wait for exactly its recorded dependencies", () => {
    expect(g.direct(full(rollout.server))).toEqual(fullAll(rollout.serverWaitsFor));
  });

  it("lets exactly the listed resources wait for the preflight check: not the database, search or keys", () => {
    const gated = [...g.byName.values()]
      .filter((r) => /openmetadata-sso[./]preflight/.test(JSON.stringify(r.inputs)))
      .map((r) => r.name)
      .sort();
    expect(gated).toEqual(fullAll(rollout.preflight));
  });

  it("lets the server wait, through the migration or directly, for the keys, the database and search", () => {
    const server = g.waitsFor(full(rollout.server));
    for (const needed of fullAll([...KEYS, ...rollout.database, ...rollout.search])) {
      expect(server.has(needed), `the server waits for ${needed}`).toBe(true);
    }
  });

  if (rollout.target === "docker") {
    it("runs the migration after the database and search are up", () => {
      expect(
        g.direct(full("docker-migrate")).filter((n) => /-docker-(database|search)$/.test(n)),
      ).toEqual(fullAll(["docker-database", "docker-search"]));
    });
  }

  it("verifies last: after the server, and nothing waits for the verification", () => {
    expect(g.waitsFor(full(rollout.verify)).has(full(rollout.server))).toBe(true);
    const waiting = [...g.byName.keys()].filter((name) =>
      g.waitsFor(name).has(full(rollout.verify)),
    );
    expect(waiting).toEqual([]);
  });
});
