/**
 * The rollout's critical path, read from the dependencies the engine would receive (explicit
 * `dependsOn` plus every input that carries another resource's output). Independent work starts
 * in parallel; the server waits only for what it needs; verification runs last.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { evaluate, readStackFile, stackNames, type RecordedResource } from "../scripts/offline";

interface Graph {
  byName: Map<string, RecordedResource>;
  /** Everything a resource waits for, directly or through others. */
  waitsFor(name: string): Set<string>;
}

function graph(resources: RecordedResource[]): Graph {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const byName = new Map(resources.map((r) => [r.name, r]));
  const direct = (r: RecordedResource) =>
    new Set(
      [...r.options.dependencies, ...Object.values(r.options.propertyDependencies).flat()]
        .map((urn) => byUrn.get(urn)?.name)
        .filter((n): n is string => n !== undefined),
    );
  const cache = new Map<string, Set<string>>();
  const waitsFor = (name: string): Set<string> => {
    const known = cache.get(name);
    if (known) return known;
    const all = new Set<string>();
    cache.set(name, all);
    for (const dep of direct(byName.get(name)!)) {
      all.add(dep);
      for (const transitive of waitsFor(dep)) all.add(transitive);
    }
    return all;
  };
  return { byName, waitsFor };
}

async function load(stack: string): Promise<Graph> {
  vi.resetModules();
  const { resources } = await evaluate(readStackFile(stack), stack, {
    realKeys: false,
    load: () => import("../index.js"),
  });
  return graph(resources);
}

describe("local stack (Docker, local Keycloak)", () => {
  let g: Graph;
  beforeAll(async () => {
    g = await load("local");
  });

  it("starts the IdP, the keys and the database independently", () => {
    const idp = "openmetadata-local-keycloak-client-secret";
    const keys = "openmetadata-local-keys-signing-key";
    const database = "openmetadata-local-docker-db-data";
    for (const [a, b] of [
      [idp, keys],
      [idp, database],
      [keys, idp],
      [keys, database],
      [database, idp],
      [database, keys],
    ]) {
      expect(g.waitsFor(a).has(b), `${a} must not wait for ${b}`).toBe(false);
    }
  });

  it("lets the server wait for the migration, the keys, the IdP and nothing that runs after it", () => {
    const server = g.waitsFor("openmetadata-local-docker-server");
    for (const needed of [
      "openmetadata-local-docker-migrate",
      "openmetadata-local-docker-database",
      "openmetadata-local-docker-search",
      "openmetadata-local-keys-signing-key",
      "openmetadata-local-keycloak-client-secret",
    ]) {
      expect(server.has(needed), `the server waits for ${needed}`).toBe(true);
    }
    expect(server.has("openmetadata-local-docker-verify")).toBe(false);
    expect(server.has("openmetadata-local-keycloak-container")).toBe(false);
  });

  it("verifies last: after the server, and nothing waits for the verification", () => {
    expect(
      g.waitsFor("openmetadata-local-docker-verify").has("openmetadata-local-docker-server"),
    ).toBe(true);
    for (const name of g.byName.keys()) {
      expect(
        g.waitsFor(name).has("openmetadata-local-docker-verify"),
        `${name} must not wait for the verification`,
      ).toBe(false);
    }
  });
});

const kubernetesStacks = stackNames().filter(
  (stack) => readStackFile(stack).values["openmetadata-sso:target"] === "kubernetes",
);

describe.each(kubernetesStacks)("%s stack (Kubernetes)", (stack) => {
  let g: Graph;
  beforeAll(async () => {
    g = await load(stack);
  });

  it("starts the IdP app, the keys and the dependencies independently, and verifies last", () => {
    const names = [...g.byName.keys()];
    const pick = (pattern: RegExp) => {
      const found = names.find((n) => pattern.test(n));
      expect(found, `a resource matching ${pattern}`).toBeDefined();
      return found!;
    };
    const idp = pick(
      new RegExp(`^openmetadata-${stack}-(okta|auth0|keycloak|onelogin|entra|oidc)-(app|client)$`),
    );
    const keys = `openmetadata-${stack}-keys-signing-key`;
    const database = pick(new RegExp(`^openmetadata-${stack}-k8s-(dependencies|database-secret)$`));
    for (const [a, b] of [
      [idp, keys],
      [idp, database],
      [keys, idp],
      [keys, database],
      [database, idp],
      [database, keys],
    ]) {
      expect(g.waitsFor(a).has(b), `${a} must not wait for ${b}`).toBe(false);
    }
    const verify = [...g.byName.values()].find(
      (r) => r.type === "kubernetes:batch/v1:Job" && r.name.endsWith("-verify"),
    );
    expect(verify?.name).toBe(`openmetadata-${stack}-k8s-verify`);
    expect(g.waitsFor(verify!.name).has(`openmetadata-${stack}-k8s-openmetadata`)).toBe(true);
    for (const name of names) {
      expect(g.waitsFor(name).has(verify!.name), `${name} must not wait for the verification`).toBe(
        false,
      );
    }
  });
});
