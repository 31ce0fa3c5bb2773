import { describe, expect, it } from "vitest";
import { COMPONENT_TYPE, Ownership, typeChain, type Observed } from "./ownership";

const VOLUME = "docker:index/volume:Volume";

function urnOf(types: string[], name: string): string {
  return `urn:pulumi:test::openmetadata-sso::${types.join("$")}::${name}`;
}
const DEPLOYMENT = "openmetadata-sso:index:DockerDeployment";

function component(name: string, props: Record<string, unknown>): Observed {
  return { urn: urnOf([COMPONENT_TYPE], name), type: COMPONENT_TYPE, name, props, opts: {} };
}

function child(parent: Observed, type: string, name: string, withParent = true): Observed {
  return {
    urn: urnOf([...typeChain(parent.urn), type], name),
    type,
    name,
    props: {},
    opts: withParent ? { parent: parent.urn } : {},
  };
}

describe("Ownership", () => {
  it("gives a resource the environment of the component above it, through every level", () => {
    const ownership = new Ownership();
    const top = component("om", {
      environment: "staging",
      publicUrl: "https://om.example.com",
      admins: ["alice@example.com"],
      principalDomain: "example.com",
      target: "docker",
      version: "1.13.1",
    });
    const deployment = child(top, DEPLOYMENT, "om-docker");
    const volume = child(deployment, VOLUME, "om-docker-db-data");
    for (const resource of [top, deployment, volume]) ownership.observe(resource);
    expect(ownership.componentOf(volume)).toEqual({
      urn: "urn:pulumi:test::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso::om",
      name: "om",
      environment: "staging",
      publicUrl: "https://om.example.com",
      admins: ["alice@example.com"],
      principalDomain: "example.com",
      target: "docker",
      version: "1.13.1",
    });
    expect(ownership.environmentOf(top)).toBe("staging");
    expect(ownership.environmentOf(volume)).toBe("staging");
  });

  it("treats a component without an environment input, and a resource outside any, as production", () => {
    const ownership = new Ownership();
    const old = component("om", {});
    const volume = child(old, VOLUME, "om-data");
    const outside: Observed = {
      urn: urnOf([VOLUME], "other-data"),
      type: VOLUME,
      name: "other-data",
      props: {},
      opts: {},
    };
    for (const resource of [old, volume, outside]) ownership.observe(resource);
    expect(ownership.environmentOf(volume)).toBe("production");
    expect(ownership.componentOf(outside)).toBeUndefined();
    expect(ownership.environmentOf(outside)).toBe("production");
  });

  it("finds the component by URN and name prefix when the engine sends no parent", () => {
    const ownership = new Ownership();
    const first = component("om", { environment: "local" });
    const second = component("om-2", { environment: "development" });
    const ofFirst = child(child(first, DEPLOYMENT, "om-docker"), VOLUME, "om-docker-db", false);
    const ofSecond = child(
      child(second, DEPLOYMENT, "om-2-docker"),
      VOLUME,
      "om-2-docker-db",
      false,
    );
    const stray = child(first, VOLUME, "unrelated-name", false);
    for (const resource of [first, second, ofFirst, ofSecond, stray]) ownership.observe(resource);
    expect(ownership.environmentOf(ofFirst)).toBe("local");
    expect(ownership.environmentOf(ofSecond)).toBe("development");
    expect(ownership.componentOf(stray)).toBeUndefined();
  });

  it("forgets everything on reset", () => {
    const ownership = new Ownership();
    const top = component("om", { environment: "local" });
    const volume = child(top, VOLUME, "om-data");
    ownership.observe(top);
    ownership.reset();
    expect(ownership.environmentOf(volume)).toBe("production");
  });
});

describe("typeChain", () => {
  it("lists the parents' types and the resource's own", () => {
    expect(
      typeChain(
        "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:SigningKeys$tls:index/privateKey:PrivateKey::om-keys-signing-key",
      ),
    ).toEqual([
      "openmetadata-sso:index:OpenMetadataSso",
      "openmetadata-sso:index:SigningKeys",
      "tls:index/privateKey:PrivateKey",
    ]);
    expect(typeChain("not-a-urn")).toEqual([]);
  });
});
