/**
 * The stack program (`index.ts`) end to end under the mock runtime: bad config registers nothing,
 * good config registers the stack and exports its outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import {
  evaluate,
  installMocks,
  readStackFile,
  SecretValue,
  settle,
  type StackFileConfig,
} from "../scripts/offline";

/** Evaluates index.ts afresh for a config. */
function evaluateConfig(config: StackFileConfig, stack = "test") {
  vi.resetModules();
  return evaluate(config, stack, { realKeys: false, load: () => import("../index.js") });
}

function withConfig(values: Record<string, unknown>): StackFileConfig {
  const local = readStackFile("local");
  const merged = { ...local.values };
  for (const [key, value] of Object.entries(values)) {
    const full = `openmetadata-sso:${key}`;
    if (value === undefined) delete merged[full];
    else merged[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { ...local, values: merged };
}

describe("the stack program", () => {
  it("registers nothing and fails with every problem when the config is bad", async () => {
    const config = withConfig({
      target: "dokcer",
      publicUrl: "http://localhost:8585/",
      admins: ["x@y"],
    });
    const recorded = installMocks({ realKeys: false, project: "openmetadata-sso", stack: "test" });
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    vi.resetModules();
    const error = await import("../index.js").then(
      () => undefined,
      (e: unknown) => e,
    );
    await settle();
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(
      [
        "Invalid stack config (3 problems):",
        '  - openmetadata-sso:target: must be one of docker, kubernetes; got "dokcer". Did you mean "docker"?',
        '  - openmetadata-sso:publicUrl: must not end with a slash; got "http://localhost:8585/". Use "http://localhost:8585"',
        '  - openmetadata-sso:admins[0]: must be an email address; got "x@y", which has "y" after "@", not a domain name such as "example.com". Use an address like "x@example.com"',
      ].join("\n"),
    );
    expect(recorded).toEqual([]);
    // Control: the same recorder sees a good config's registrations.
    const { resources } = await evaluateConfig(withConfig({}));
    expect(resources.length).toBeGreaterThan(20);
  });

  it("exports the outputs people need, secrets as secrets", async () => {
    const { outputs } = await evaluateConfig(withConfig({}));
    expect(Object.keys(outputs).sort()).toEqual([
      "clientId",
      "demoPassword",
      "demoPasswordCommand",
      "demoUser",
      "issuer",
      "jwksUrl",
      "keyId",
      "keycloakUrl",
      "loginUrl",
      "openMetadataYaml",
      "url",
      "workflowConfig",
    ]);
    expect(outputs.url).toBe("http://localhost:8585");
    expect(outputs.loginUrl).toBe("http://localhost:8585/signin");
    expect(outputs.clientId).toBe("openmetadata");
    expect(outputs.issuer).toBe("http://localhost:8081/realms/openmetadata");
    expect(outputs.jwksUrl).toBe("http://localhost:8585/api/v1/system/config/jwks");
    expect(outputs.keycloakUrl).toBe("http://localhost:8081");
    expect(outputs.demoUser).toBe("demo");
    expect(outputs.demoPasswordCommand).toBe("pulumi stack output --show-secrets demoPassword");
    // `npm run up:local` keeps the local stack in its own backend; its wrapper reads it there.
    const local = await evaluateConfig(withConfig({}), "local");
    expect(local.outputs.demoPasswordCommand).toBe("npm run password:local");
    expect(outputs.demoPassword).toBeInstanceOf(SecretValue);
    expect(outputs.workflowConfig).toBeInstanceOf(SecretValue);
    expect(String(outputs.openMetadataYaml)).toContain("secret: ${OIDC_CLIENT_SECRET}");
  });
});
