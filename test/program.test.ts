/**
 * The stack program (`index.ts`) end to end under the mock runtime: bad config registers nothing,
 * good config registers the stack and exports its outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { kubernetesNameProblem } from "../components/config";
import { kubernetesNames } from "../components/kubernetes";
import { OpenMetadataSso } from "../components/openmetadata-sso";
import {
  evaluate,
  installMocks,
  readStackFile,
  SecretValue,
  settle,
  type StackFileConfig,
} from "../scripts/offline";
import { renderFiles } from "../scripts/render-files";

/** Evaluates index.ts afresh for a config. */
function evaluateConfig(config: StackFileConfig, stack = "test") {
  vi.resetModules();
  return evaluate(config, stack, { realKeys: false, load: () => import("../index.js") });
}

/**
 * Evaluates index.ts afresh for a config it must refuse, recording what it registers: the error
 * it failed with (undefined if it did not) and the registrations.
 */
async function refusal(config: StackFileConfig, project: string, stack: string) {
  const recorded = installMocks({ realKeys: false, project, stack });
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  vi.resetModules();
  const error = await import("../index.js").then(
    () => undefined,
    (e: unknown) => e,
  );
  await settle();
  return { error, recorded };
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
    const { error, recorded } = await refusal(config, "openmetadata-sso", "test");
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(
      [
        "Invalid stack config (3 problems):",
        '  - openmetadata-sso:target: must be one of docker, kubernetes; got "dokcer". Did you mean "docker"? (the checks that depend on it were skipped; they run once it is fixed)',
        '  - openmetadata-sso:publicUrl: must not end with a slash; got "http://localhost:8585/". Use "http://localhost:8585" (the checks that depend on it were skipped; they run once it is fixed)',
        '  - openmetadata-sso:admins[0]: must be an email address; got "x@y", which has "y" after "@", not a domain name such as "example.com". Use an address like "x@example.com"',
      ].join("\n"),
    );
    expect(recorded).toEqual([]);
    // Control: the same recorder sees a good config's registrations.
    const { resources } = await evaluateConfig(withConfig({}));
    expect(resources.length).toBeGreaterThan(20);
  });

  describe("on Kubernetes, a stack whose name cannot name the Kubernetes objects", () => {
    // Offline, as the render runs: the stack's Okta credentials are not needed to show the problem.
    it.each([
      [
        "production-europe-west-primary",
        'stack "production-europe-west-primary": cannot be deployed to Kubernetes: the Kubernetes objects are named after "openmetadata-production-europe-west-primary-k8s", which must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), but it has 47 characters. Rename the stack to at most 24 lowercase letters, digits and "-": pulumi stack rename production-europe-west',
      ],
      [
        "Prod_EU",
        'stack "Prod_EU": cannot be deployed to Kubernetes: the Kubernetes objects are named after "openmetadata-Prod_EU-k8s", which must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), but it contains "P", "_", "E", "U". Rename the stack to at most 24 lowercase letters, digits and "-": pulumi stack rename prod-eu',
      ],
    ])("%s registers nothing and names the stack, the name and the limit", async (stack, line) => {
      const config = readStackFile("prod");
      process.env.OPENMETADATA_SSO_OFFLINE = "1";
      const { error, recorded } = await refusal(config, config.project, stack);
      expect(error).toBeInstanceOf(pulumi.RunError);
      expect((error as Error).message).toBe(`Invalid stack config (1 problem):\n  - ${line}`);
      expect(recorded).toEqual([]);
    });

    it("checks the same names the Kubernetes target refuses", () => {
      for (const name of ["a".repeat(41), "a".repeat(42), "om-Prod", "om_prod", "-om", "om-"]) {
        const refused = (() => {
          try {
            kubernetesNames(name);
            return false;
          } catch {
            return true;
          }
        })();
        expect(kubernetesNameProblem(name) !== undefined, name).toBe(refused);
      }
    });

    it("deploys a stack of 24 characters, the longest that fits", async () => {
      const stack = "production-europe-west-p";
      const { resources } = await evaluateConfig(readStackFile("prod"), stack);
      expect(resources.find((r) => r.name === `openmetadata-${stack}-k8s`)).toBeDefined();
    });

    it("refuses a stack of 25 characters, one more than fits, with the exact limit", async () => {
      const stack = "production-europe-west-pr";
      const config = readStackFile("prod");
      const { error, recorded } = await refusal(config, config.project, stack);
      expect((error as Error).message).toBe(
        'Invalid stack config (1 problem):\n  - stack "production-europe-west-pr": cannot be deployed to Kubernetes: the Kubernetes objects are named after "openmetadata-production-europe-west-pr-k8s", which must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), but it has 42 characters. Rename the stack to at most 24 lowercase letters, digits and "-": pulumi stack rename production-europe-west',
      );
      expect(recorded).toEqual([]);
    });

    /** Valid args of a component on Kubernetes with Okta: the name is all these tests change. */
    const K8S_OKTA = {
      publicUrl: "https://om.example.com",
      target: "kubernetes" as const,
      admins: ["alice@example.com"],
      identity: { provider: "okta" as const },
    };

    it("takes a component name of 37 characters and refuses one of 38", async () => {
      const recorded = installMocks({ realKeys: false, project: "openmetadata-sso", stack: "x" });
      const longest = "a".repeat(37);
      new OpenMetadataSso(longest, K8S_OKTA);
      await settle();
      expect(recorded.some((r) => r.name === `${longest}-k8s`)).toBe(true);
      expect(() => new OpenMetadataSso("a".repeat(38), K8S_OKTA)).toThrow(
        [
          "Invalid arguments (1 problem):",
          `  - name: cannot be deployed to Kubernetes: the Kubernetes objects are named after "${"a".repeat(38)}-k8s", which must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), but it has 42 characters. Give the OpenMetadataSso component a name of at most 37 lowercase letters, digits and "-", like "openmetadata-prod"`,
        ].join("\n"),
      );
    });

    it("reports a component name of its own choosing to a program that creates the component", async () => {
      const recorded = installMocks({ realKeys: false, project: "openmetadata-sso", stack: "x" });
      expect(() => new OpenMetadataSso("OpenMetadata", K8S_OKTA)).toThrow(
        [
          "Invalid arguments (1 problem):",
          '  - name: cannot be deployed to Kubernetes: the Kubernetes objects are named after "OpenMetadata-k8s", which must be a DNS label of at most 41 characters (lowercase letters, digits and "-"), but it contains "O", "M". Give the OpenMetadataSso component a name of at most 37 lowercase letters, digits and "-", like "openmetadata-prod"',
        ].join("\n"),
      );
      await settle();
      expect(recorded).toEqual([]);
    });
  });

  it("exports the outputs people need, secrets as secrets", async () => {
    const { outputs } = await evaluateConfig(withConfig({}));
    expect(Object.keys(outputs).sort()).toEqual([
      "clientId",
      "demoPassword",
      "demoPasswordCommand",
      "demoUser",
      "doctor",
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
    // What `npm run doctor` reads: plain JSON, the expectations of the checks through the public URL.
    expect(JSON.parse(outputs.doctor as string)).toEqual({
      publicUrl: "http://localhost:8585",
      auth: {
        provider: "custom-oidc",
        providerName: "Keycloak",
        clientId: "openmetadata",
        authority: "http://localhost:8081/realms/openmetadata",
        callbackUrl: "http://localhost:8585/callback",
        clientType: "confidential",
        enableSelfSignup: true,
        jwtPrincipalClaims: ["email", "preferred_username", "sub"],
        jwtPrincipalClaimsMapping: [],
        keyId: outputs.keyId,
        publicKeyUrls: [],
      },
      provider: "custom-oidc",
      discoveryUrl: "http://localhost:8081/realms/openmetadata/.well-known/openid-configuration",
      redirectUris: ["http://localhost:8585/callback", "http://localhost:8585/auth/callback"],
      pkce: true,
      nonce: true,
      replicas: 1,
      ca: [],
    });
  });
});

describe("publicUrl in upper case or with its default port", () => {
  /** The dev stack's render (offline, as `npm run render` evaluates it) for a publicUrl. */
  async function renderDev(publicUrl: string) {
    const dev = readStackFile("dev");
    const config = {
      ...dev,
      values: { ...dev.values, "openmetadata-sso:publicUrl": publicUrl },
    };
    process.env.OPENMETADATA_SSO_OFFLINE = "1";
    try {
      const { resources, outputs } = await evaluateConfig(config, "dev");
      return { files: renderFiles(resources, { showSecrets: false }), outputs };
    } finally {
      delete process.env.OPENMETADATA_SSO_OFFLINE;
    }
  }

  it("derives every value from the normal form: the render equals the lower-case one's", async () => {
    const mixed = await renderDev("HTTPS://OpenMetadata.Dev.Example.COM:443");
    const env = String(mixed.files["openmetadata.env"]);
    const line = (name: string) => env.split("\n").find((l) => l.startsWith(`${name}=`));
    expect(line("OIDC_CALLBACK")).toBe(
      "OIDC_CALLBACK=https://openmetadata.dev.example.com/callback",
    );
    expect(line("OIDC_SERVER_URL")).toBe("OIDC_SERVER_URL=https://openmetadata.dev.example.com");
    expect(line("JWT_ISSUER")).toBe("JWT_ISSUER=openmetadata.dev.example.com");
    expect(mixed.outputs.url).toBe("https://openmetadata.dev.example.com");
    expect(mixed.outputs.loginUrl).toBe("https://openmetadata.dev.example.com/signin");
    const lower = await renderDev("https://openmetadata.dev.example.com");
    expect(mixed.files).toEqual(lower.files);
  });
});

describe("the preflight's mark in the offline render", () => {
  /** A stack's resources as the render evaluates them, offline. */
  async function offline(stack: string) {
    process.env.OPENMETADATA_SSO_OFFLINE = "1";
    try {
      return (await evaluateConfig(readStackFile(stack), stack)).resources;
    } finally {
      delete process.env.OPENMETADATA_SSO_OFFLINE;
    }
  }

  it("says the check was skipped offline, in the pods' annotation and the containers' label", async () => {
    const prod = await offline("prod");
    const release = prod.find((r) => r.name === "openmetadata-prod-k8s-openmetadata")!;
    const values = release.inputs.values as { podAnnotations: Record<string, string> };
    expect(values.podAnnotations["openmetadata-sso/preflight"]).toBe("skipped-offline");
    const dev = await offline("dev");
    const labelled = dev
      .filter((r) => r.type === "docker:index/container:Container")
      .flatMap((r) => (r.inputs.labels as { label: string; value: string }[] | undefined) ?? [])
      .filter((l) => l.label === "openmetadata-sso.preflight");
    expect(labelled.length).toBeGreaterThan(0);
    expect(new Set(labelled.map((l) => l.value))).toEqual(new Set(["skipped-offline"]));
  });
});
