/**
 * The package as other languages see it. The test starts the plugin exactly as the Pulumi CLI does
 * for `pulumi package add` (`node run-plugin <package dir>`, which requires package.json `main`,
 * the built dist/components/plugin.js) and asks it for its schema over gRPC: Pulumi's own schema
 * inference (`ComponentProvider` and its analyzer), offline. It proves the token, the enums, the
 * arguments and outputs with their TSDoc as descriptions, that only OpenMetadataSso is exposed,
 * and that the YAML example only uses what the schema offers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ts from "typescript";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const TOKEN = "openmetadata-sso:index:OpenMetadataSso";

interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  optional?: boolean;
  plain?: boolean;
  description?: string;
}
interface TypeSpec {
  type: string;
  enum?: { name: string; value: string; description?: string }[];
  properties?: Record<string, PropertySpec>;
  required?: string[];
}
interface Schema {
  name: string;
  version: string;
  resources: Record<
    string,
    {
      isComponent: boolean;
      description?: string;
      inputProperties: Record<string, PropertySpec>;
      requiredInputs: string[];
      properties: Record<string, PropertySpec>;
      required: string[];
    }
  >;
  types: Record<string, TypeSpec>;
}

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  main: string;
};

/** The provider name the nodejs plugin host derives from package.json (cmd/run-plugin). */
function providerName(name: string): string {
  return /(@.*?\/)?(.+)/.exec(name)![2].replace(/[^-a-zA-Z0-9_]/g, "-");
}

// The gRPC library and messages the SDK itself uses, resolved from @pulumi/pulumi.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { ResourceProviderClient } = sdkRequire("./proto/provider_grpc_pb") as {
  ResourceProviderClient: new (
    address: string,
    credentials: unknown,
  ) => {
    getSchema(
      request: unknown,
      callback: (error: Error | null, response: { getSchema(): string }) => void,
    ): void;
    close(): void;
  };
};
const { GetSchemaRequest } = sdkRequire("./proto/provider_pb") as {
  GetSchemaRequest: new () => unknown;
};

let plugin: ChildProcess | undefined;
let schema: Schema;

/** Starts the plugin host on this package and resolves with the port it prints. */
function startPlugin(): Promise<string> {
  const built = path.join(ROOT, packageJson.main);
  if (!fs.existsSync(built)) {
    throw new Error(
      `${packageJson.main} is missing: run \`npm run build\` (the plugin host runs the built package)`,
    );
  }
  plugin = spawn(process.execPath, [sdkRequire.resolve("./cmd/run-plugin"), ROOT], {
    // A consumer's directory, not this repository: nothing may depend on the working directory.
    cwd: os.tmpdir(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  plugin.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    plugin!.stdout!.once("data", (chunk) => resolve(String(chunk).trim()));
    plugin!.once("exit", (code) => reject(new Error(`the plugin exited with ${code}:\n${stderr}`)));
  });
}

beforeAll(async () => {
  const port = await startPlugin();
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const text = await new Promise<string>((resolve, reject) =>
    client.getSchema(new GetSchemaRequest(), (error, response) =>
      error ? reject(error) : resolve(response.getSchema()),
    ),
  );
  client.close();
  schema = JSON.parse(text) as Schema;
}, 120_000);

afterAll(() => {
  plugin?.kill();
});

const resource = () => schema.resources[TOKEN];
const typeOf = (name: string) => schema.types[`openmetadata-sso:index:${name}`];
const ref = (name: string) => `#/types/openmetadata-sso:index:${name}`;

describe("the plugin entry", () => {
  it("is package.json main, built from components/plugin.ts, and PulumiPlugin.yaml runs it with nodejs", () => {
    expect(packageJson.main).toBe("dist/components/plugin.js");
    expect(fs.existsSync(path.join(ROOT, "components/plugin.ts"))).toBe(true);
    // tsconfig files may carry comments, so TypeScript's own reader parses it.
    const build = ts.readConfigFile(path.join(ROOT, "tsconfig.build.json"), ts.sys.readFile)
      .config as { include: string[] };
    expect(build.include).toContain("components/**/*.ts");
    expect(parse(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8"))).toEqual({
      runtime: "nodejs",
    });
  });

  it("exposes OpenMetadataSso and nothing else, under the package name the host derives", () => {
    expect(providerName(packageJson.name)).toBe("openmetadata-sso");
    expect(() => ComponentProvider.validateResourceType("openmetadata-sso", TOKEN)).not.toThrow();
    expect(schema.name).toBe("openmetadata-sso");
    expect(schema.version).toBe(packageJson.version);
    expect(Object.keys(schema.resources)).toEqual([TOKEN]);
    expect(resource().isComponent).toBe(true);
    expect(resource().description).toBe(
      "OpenMetadata with single sign-on: the OIDC client at the identity provider, OpenMetadata's\nsigning keys and secrets, and the deployment to Docker or Kubernetes with matching settings.",
    );
  });
});

describe("the inferred arguments", () => {
  it("are every field of OpenMetadataSsoArgs, with the four required ones", () => {
    expect(Object.keys(resource().inputProperties)).toEqual([
      "environment",
      "publicUrl",
      "target",
      "admins",
      "principalDomain",
      "identity",
      "keys",
      "openmetadata",
      "docker",
      "kubernetes",
      "dataRetention",
      "protect",
      "trustedCaCertificates",
    ]);
    expect(resource().requiredInputs).toEqual(["admins", "identity", "publicUrl", "target"]);
  });

  it("carry types, enums and TSDoc descriptions", () => {
    const inputs = resource().inputProperties;
    expect(inputs.publicUrl).toEqual({
      type: "string",
      plain: true,
      description:
        "Origin users open in the browser, e.g. `https://openmetadata.example.com`. Every redirect URI,\ncallback and server URL derives from it, in its normal form: scheme and host in lower case,\nthe scheme's default port dropped. Must be https unless `environment` is `local`.",
    });
    expect(inputs.target).toEqual({
      $ref: ref("Target"),
      plain: true,
      description: "Where OpenMetadata runs.",
    });
    expect(inputs.admins).toEqual({
      type: "array",
      items: { type: "string", plain: true },
      plain: true,
      description: "Emails of OpenMetadata's first admins, all in the principal domain.",
    });
    expect(inputs.identity).toEqual({
      $ref: ref("IdentityArgs"),
      plain: true,
      description: "The OIDC client at the identity provider.",
    });
    expect(inputs.environment).toEqual({
      $ref: ref("Environment"),
      optional: true,
      plain: true,
      description: "What the stack is for; guardrails and data protection follow it.",
    });
  });

  it("keep the nested argument interfaces as object types, secrets as non-plain inputs", () => {
    const identity = typeOf("IdentityArgs");
    expect(identity.required).toEqual(["provider"]);
    expect(identity.properties!.provider).toEqual({
      $ref: ref("IdentityProviderKind"),
      plain: true,
      description: "Identity provider that holds the client.",
    });
    expect(identity.properties!.localKeycloak.$ref).toBe(ref("LocalKeycloakArgs"));
    expect(typeOf("LocalKeycloakArgs").properties!.port).toEqual({
      type: "number",
      optional: true,
      plain: true,
      description:
        "Host port Keycloak listens on; the browser reaches it at `http://localhost:<port>`.",
    });
    // Secrets are `pulumi.Input<string>`, so other languages can pass a secret Output.
    expect(typeOf("OidcArgs").properties!.clientSecret).toEqual({
      type: "string",
      optional: true,
      description:
        "Secret of an existing confidential client. The stack program fills it from the\n`clientSecret` secret.",
    });
  });

  it("give every property of every object type a description from its TSDoc", () => {
    const missing = Object.entries(schema.types)
      .filter(([, type]) => type.properties)
      .flatMap(([name, type]) =>
        Object.entries(type.properties!)
          .filter(([, property]) => !property.description)
          .map(([property]) => `${name}.${property}`),
      );
    expect(missing).toEqual([]);
  });
});

describe("the enums", () => {
  it("are string enums with every member, named after the constants in components/types.ts", () => {
    expect(typeOf("Target")).toEqual({
      type: "string",
      enum: [
        {
          name: "Docker",
          value: "docker",
          description: "A single Docker host, driven by `@pulumi/docker`.",
        },
        {
          name: "Kubernetes",
          value: "kubernetes",
          description: "A Kubernetes cluster, through the official OpenMetadata Helm chart.",
        },
      ],
    });
    // Member order follows TypeScript's union order, which is not the declaration order.
    const values = (name: string) =>
      typeOf(name)
        .enum!.map((member) => member.value)
        .sort();
    expect(values("Environment")).toEqual(["development", "local", "production", "staging"]);
    expect(values("IdentityProviderKind")).toEqual([
      "auth0",
      "entra",
      "keycloak",
      "local-keycloak",
      "oidc",
      "okta",
      "onelogin",
    ]);
    expect(values("ClientType")).toEqual(["confidential", "public"]);
    // A custom-oidc client is confidential: "none" is not offered.
    expect(values("ConfidentialTokenEndpointAuthMethod")).toEqual([
      "client_secret_basic",
      "client_secret_post",
    ]);
    expect(values("DataRetention")).toEqual(["delete", "retain"]);
    expect(values("DatabaseEngine")).toEqual(["mysql", "postgresql"]);
    expect(values("SearchEngine")).toEqual(["elasticsearch", "opensearch"]);
    expect(values("DockerTlsMode")).toEqual(["generated", "off", "provided"]);
    expect(values("HttpScheme")).toEqual(["http", "https"]);
    expect(values("KubernetesDependencies")).toEqual(["chart", "external"]);
    expect(values("IngressTlsSource")).toEqual(["cert-manager", "external", "secret"]);
    // Every enum type of the schema is one of the constants above.
    expect(
      Object.entries(schema.types)
        .filter(([, type]) => type.enum)
        .map(([token]) => token.replace("openmetadata-sso:index:", ""))
        .sort(),
    ).toEqual([
      "ClientType",
      "ConfidentialTokenEndpointAuthMethod",
      "DataRetention",
      "DatabaseEngine",
      "DockerTlsMode",
      "Environment",
      "HttpScheme",
      "IdentityProviderKind",
      "IngressTlsSource",
      "KubernetesDependencies",
      "SearchEngine",
      "Target",
    ]);
  });
});

describe("the inferred outputs", () => {
  it("are the component's public outputs with their TSDoc, optional where a target may not set them", () => {
    const outputs = resource().properties;
    expect(Object.keys(outputs)).toEqual([
      "url",
      "loginUrl",
      "clientId",
      "issuer",
      "clientSecretEndDate",
      "jwksUrl",
      "keyId",
      "openMetadataYaml",
      "workflowConfig",
      "keycloakUrl",
      "demoUser",
      "demoPassword",
      "caCertificate",
      "doctor",
    ]);
    expect(resource().required).toEqual([
      "clientId",
      "doctor",
      "issuer",
      "jwksUrl",
      "keyId",
      "loginUrl",
      "openMetadataYaml",
      "url",
      "workflowConfig",
    ]);
    expect(outputs.url).toEqual({ type: "string", description: "The URL users open." });
    expect(outputs.loginUrl).toEqual({ type: "string", description: "OpenMetadata's login page." });
    expect(outputs.clientId).toEqual({
      type: "string",
      description: "Client id of the OIDC client at the identity provider.",
    });
    expect(outputs.jwksUrl).toEqual({
      type: "string",
      description: "OpenMetadata's own JWKS, at the public URL.",
    });
    expect(outputs.workflowConfig).toEqual({
      type: "string",
      description: "Ingestion `workflowConfig` snippet for the `metadata` CLI (secret).",
    });
    expect(outputs.keycloakUrl).toEqual({
      type: "string",
      optional: true,
      description: "Keycloak of the local stack, when `identity.provider` is `local-keycloak`.",
    });
    expect(outputs.clientSecretEndDate).toEqual({
      type: "string",
      optional: true,
      description:
        "When the client secret expires (RFC 3339), for Microsoft Entra ID, whose application passwords\nexpire; set `identity.entra.secretRotation` to a new label to replace it before then.",
    });
    for (const [name, output] of Object.entries(outputs)) {
      expect(output.description, name).toMatch(/\S/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The YAML example against the schema: every property it sets exists with the right type, every
// required one is set, every enum value is a member, and every output it reads exists.
// ---------------------------------------------------------------------------------------------

function check(value: unknown, spec: PropertySpec, at: string, problems: string[]): void {
  if (spec.$ref) {
    const type = schema.types[spec.$ref.replace("#/types/", "")];
    if (!type) return void problems.push(`${at}: unknown type ${spec.$ref}`);
    if (type.enum) {
      if (!type.enum.some((member) => member.value === value))
        problems.push(
          `${at}: ${JSON.stringify(value)} is not one of ${type.enum.map((m) => m.value).join(", ")}`,
        );
      return;
    }
    checkObject(value, type.properties ?? {}, type.required ?? [], at, problems);
    return;
  }
  switch (spec.type) {
    case "array":
      if (!Array.isArray(value)) return void problems.push(`${at}: expected a list`);
      value.forEach((item, i) => check(item, spec.items!, `${at}[${i}]`, problems));
      return;
    case "string":
    case "number":
    case "boolean":
      if (typeof value !== spec.type)
        problems.push(`${at}: expected a ${spec.type}, got ${JSON.stringify(value)}`);
      return;
    default:
      problems.push(`${at}: unexpected schema type ${String(spec.type)}`);
  }
}

function checkObject(
  value: unknown,
  properties: Record<string, PropertySpec>,
  required: string[],
  at: string,
  problems: string[],
): void {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${at}: expected an object`);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of required) if (!(key in record)) problems.push(`${at}.${key}: required`);
  for (const [key, item] of Object.entries(record)) {
    if (!properties[key]) problems.push(`${at}.${key}: not in the schema`);
    else check(item, properties[key], `${at}.${key}`, problems);
  }
}

describe("examples/yaml", () => {
  const program = parse(fs.readFileSync(path.join(ROOT, "examples/yaml/Pulumi.yaml"), "utf8")) as {
    runtime: string;
    packages: Record<string, string>;
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    outputs: Record<string, string>;
  };

  it("adds this package by path and declares the component by its schema token", () => {
    expect(program.runtime).toBe("yaml");
    expect(program.packages).toEqual({ "openmetadata-sso": "../.." });
    expect(
      fs.existsSync(
        path.join(ROOT, "examples/yaml", program.packages["openmetadata-sso"], "PulumiPlugin.yaml"),
      ),
    ).toBe(true);
    expect(Object.values(program.resources).map((r) => r.type)).toEqual([TOKEN]);
  });

  it("sets only properties the schema defines, with valid types and enum values", () => {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(program.resources)) {
      checkObject(
        declared.properties,
        resource().inputProperties,
        resource().requiredInputs,
        name,
        problems,
      );
    }
    expect(problems).toEqual([]);
  });

  it("the validator catches what the engine would reject, so the check above can fail", () => {
    const problems: string[] = [];
    checkObject(
      {
        publicUrl: "http://localhost:8585",
        target: "dokcer",
        admins: "a@example.com",
        identity: { provder: "okta" },
      },
      resource().inputProperties,
      resource().requiredInputs,
      "om",
      problems,
    );
    expect(problems).toEqual([
      'om.target: "dokcer" is not one of docker, kubernetes',
      "om.admins: expected a list",
      "om.identity.provider: required",
      "om.identity.provder: not in the schema",
    ]);
  });

  it("reads only outputs the component has", () => {
    const read = Object.values(program.outputs).map((expression) => {
      const match = /^\$\{(\w+)\.(\w+)\}$/.exec(expression);
      return match && { resource: match[1], output: match[2] };
    });
    expect(read.every((r) => r !== null && r.resource in program.resources)).toBe(true);
    for (const r of read) expect(Object.keys(resource().properties)).toContain(r!.output);
  });
});
