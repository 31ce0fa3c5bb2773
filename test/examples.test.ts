/**
 * examples/typescript as a consumer runs it: it imports the package by name ("openmetadata-sso",
 * which tsconfig.json `paths` and the vitest alias resolve to components/index.ts, the module a
 * consumer's node_modules resolves to dist/) and creates two OpenMetadataSso environments in one
 * stack. Under the mock runtime this proves the two never clash: not in URNs, not in resource
 * names, not in Docker object names, not in published host ports.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, SecretValue, type Evaluation, type RecordedResource } from "../scripts/offline";

const TOKEN = "openmetadata-sso:index:OpenMetadataSso";
const TEAMS = ["openmetadata-analytics", "openmetadata-platform"];

let evaluation: Evaluation;

beforeAll(async () => {
  evaluation = await evaluate(
    { project: "openmetadata-sso-example", values: {}, secretKeys: [], encrypted: [] },
    "dev",
    { realKeys: false, load: () => import("../examples/typescript/index.js") },
  );
});

const resources = () => evaluation.resources;
const ofType = (type: string) => resources().filter((r) => r.type === type);

/** Values that occur more than once. */
function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, i) => values.indexOf(value) !== i))].sort();
}

/** The component a resource belongs to: the top-level OpenMetadataSso it descends from. */
function rootOf(resource: RecordedResource, byName: Map<string, RecordedResource>): string {
  let current = resource;
  while (current.parent !== null) current = byName.get(current.parent)!;
  return current.name;
}

describe("examples/typescript", () => {
  it("creates two OpenMetadataSso components at the top, by the schema token", () => {
    expect(ofType(TOKEN).map((r) => [r.name, r.parent])).toEqual([
      ["openmetadata-analytics", null],
      ["openmetadata-platform", null],
    ]);
    expect(
      resources()
        .filter((r) => r.parent === null)
        .map((r) => r.name),
    ).toEqual(TEAMS);
  });

  it("gives every resource a unique URN and a unique name within its type", () => {
    const urns = resources().map((r) => r.urn);
    expect(urns.every((urn) => urn.startsWith("urn:pulumi:dev::openmetadata-sso-example::"))).toBe(
      true,
    );
    expect(duplicates(urns)).toEqual([]);
    expect(duplicates(resources().map((r) => `${r.type} ${r.name}`))).toEqual([]);
  });

  it("builds the same tree twice, every child name prefixed by its own component's name", () => {
    const byName = new Map(resources().map((r) => [r.name, r]));
    const tree = (team: string) =>
      resources()
        .filter((r) => rootOf(r, byName) === team)
        .map((r) => `${r.type} ${r.name.replace(team, "<name>")}`)
        .sort();
    expect(tree(TEAMS[0]).length).toBeGreaterThan(20);
    expect(tree(TEAMS[1])).toEqual(tree(TEAMS[0]));
    for (const team of TEAMS) {
      const names = resources()
        .filter((r) => rootOf(r, byName) === team)
        .map((r) => r.name);
      expect(names.filter((name) => !name.startsWith(team))).toEqual([]);
    }
  });

  it("names every Docker container, volume and network uniquely on the shared host", () => {
    const names = (type: string) => ofType(type).map((r) => r.inputs.name as string);
    const containers = names("docker:index/container:Container");
    expect(containers).toHaveLength(12);
    expect(duplicates(containers)).toEqual([]);
    expect(containers.filter((name) => name.startsWith(TEAMS[0])).sort()).toEqual([
      "openmetadata-analytics-elasticsearch",
      "openmetadata-analytics-keycloak",
      "openmetadata-analytics-migrate",
      "openmetadata-analytics-mysql",
      "openmetadata-analytics-server",
      "openmetadata-analytics-verify",
    ]);
    const volumes = names("docker:index/volume:Volume");
    expect(volumes.sort()).toEqual([
      "openmetadata-analytics-db-data",
      "openmetadata-analytics-search-data",
      "openmetadata-platform-db-data",
      "openmetadata-platform-search-data",
    ]);
    expect(names("docker:index/network:Network").sort()).toEqual([
      "openmetadata-analytics-network",
      "openmetadata-platform-network",
    ]);
  });

  it("publishes every host port once: OpenMetadata, its admin port and Keycloak per team", () => {
    const published = ofType("docker:index/container:Container").flatMap((container) =>
      ((container.inputs.ports as { external?: number; ip?: string }[] | undefined) ?? []).map(
        (port) => ({ container: container.inputs.name as string, port: port.external! }),
      ),
    );
    expect(published.map((p) => `${p.container}:${p.port}`).sort()).toEqual([
      "openmetadata-analytics-keycloak:8081",
      "openmetadata-analytics-server:8585",
      "openmetadata-analytics-server:8586",
      "openmetadata-platform-keycloak:8091",
      "openmetadata-platform-server:8595",
      "openmetadata-platform-server:8596",
    ]);
  });

  it("exports each team's login URL, and its Keycloak with the demo password as a secret", () => {
    expect(evaluation.outputs.loginUrls).toEqual({
      analytics: "http://localhost:8585/signin",
      platform: "http://localhost:8595/signin",
    });
    const keycloak = evaluation.outputs.keycloak;
    expect(keycloak).toBeInstanceOf(SecretValue);
    const value = (keycloak as SecretValue).value as Record<
      string,
      { url: string; user: string; password: string }
    >;
    expect(Object.keys(value)).toEqual(["analytics", "platform"]);
    expect(value.analytics.url).toBe("http://localhost:8081");
    expect(value.analytics.user).toBe("analytics-admin");
    expect(value.platform.url).toBe("http://localhost:8091");
    expect(value.platform.user).toBe("platform-admin");
    expect(value.platform.password).toMatch(/^[0-9a-f]{32}$/);
    expect(value.platform.password).not.toBe(value.analytics.password);
  });
});
