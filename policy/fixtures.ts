/**
 * Inputs for the pack's tests: real programs evaluated under the mock runtime, ways to change one
 * input of one recorded resource, and hand-built resources for variants the program does not
 * register (Kubernetes objects and chart values it never produces).
 */
import * as pulumi from "@pulumi/pulumi";
import { OFFLINE_ENV } from "../components/config";
import { OpenMetadataSso, type OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import { SecretValue } from "../scripts/offline";
import { record } from "../test/support/pulumi";
import { urnOf, type PolicyInput } from "./harness";
import { COMPONENT_TYPE, typeChain } from "./ownership";
import { RULES } from "./rules";

/** The local stack: Docker, the local Keycloak, http on localhost. */
export const LOCAL_ARGS: OpenMetadataSsoArgs = {
  environment: "local",
  publicUrl: "http://localhost:8585",
  target: "docker",
  admins: ["demo@example.com"],
  identity: { provider: "local-keycloak", localKeycloak: { port: 8081, demoUser: "demo" } },
};

/** A production stack on Docker with Okta (`environment` left to its default). */
export const OKTA_PRODUCTION_ARGS: OpenMetadataSsoArgs = {
  publicUrl: "https://openmetadata.example.com",
  target: "docker",
  admins: ["alice@example.com"],
  identity: { provider: "okta" },
};

const PRODUCTION_BASE = {
  publicUrl: "https://openmetadata.example.com",
  admins: ["alice@example.com"],
};

/** Production stacks of the other identity providers, and of the Kubernetes target. */
export const PROVIDER_ARGS = {
  kubernetes: {
    ...PRODUCTION_BASE,
    target: "kubernetes",
    identity: { provider: "okta" },
    openmetadata: { replicas: 3 },
    kubernetes: { ingress: { stickySessions: true } },
  },
  auth0: {
    ...PRODUCTION_BASE,
    target: "docker",
    identity: { provider: "auth0", auth0: { domain: "acme.eu.auth0.com" } },
  },
  keycloak: {
    ...PRODUCTION_BASE,
    target: "kubernetes",
    identity: {
      provider: "keycloak",
      keycloak: { url: "https://keycloak.example.com", realm: "om" },
    },
  },
  entra: {
    ...PRODUCTION_BASE,
    target: "docker",
    identity: { provider: "entra", entra: { tenantId: "00000000-0000-0000-0000-000000000000" } },
  },
  onelogin: {
    ...PRODUCTION_BASE,
    target: "docker",
    identity: {
      provider: "onelogin",
      onelogin: {
        subdomain: pulumi.secret("acme"),
        apiClientId: pulumi.secret("api-client"),
        apiClientSecret: pulumi.secret("api-secret"),
      },
    },
  },
  registration: {
    ...PRODUCTION_BASE,
    target: "docker",
    identity: { provider: "oidc", oidc: { issuer: "https://idp.example.com", registration: true } },
  },
} satisfies Record<string, OpenMetadataSsoArgs>;

/**
 * Evaluates the component under the mock runtime, offline (no preflight call to the identity
 * provider); returns what it registered, in order.
 */
export async function evaluate(name: string, args: OpenMetadataSsoArgs) {
  process.env[OFFLINE_ENV] = "1";
  const { resources } = await record(() => new OpenMetadataSso(name, args));
  return resources;
}

/** A deep copy that keeps {@link SecretValue}s (structuredClone would make them plain). */
export function clone<T>(value: T): T {
  if (value instanceof SecretValue) return new SecretValue(clone(value.value)) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  }
  return value;
}

/** A copy of `inputs` with the resource `name` changed by `change`. */
export function changed(
  inputs: readonly PolicyInput[],
  name: string,
  change: (resource: PolicyInput) => Partial<PolicyInput>,
): PolicyInput[] {
  let found = 0;
  const result = inputs.map((resource) => {
    if (resource.name !== name) return resource;
    found++;
    return { ...resource, ...change(clone(resource)) };
  });
  if (found !== 1) throw new Error(`expected one resource named ${name}, found ${found}`);
  return result;
}

/** The entries of a container's `envs` with `NAME` set to `value`, or removed when undefined. */
export function withEnv(envs: unknown, name: string, value: string | undefined): unknown[] {
  const entries = (envs as unknown[]).filter((entry) => {
    const text = entry instanceof SecretValue ? entry.value : entry;
    return !(typeof text === "string" && text.startsWith(`${name}=`));
  });
  return value === undefined ? entries : [...entries, `${name}=${value}`];
}

/** Sets a value at a dotted path, creating records on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  if (value === undefined) delete node[parts[parts.length - 1]];
  else node[parts[parts.length - 1]] = value;
}

/** An `OpenMetadataSso` component as the pack sees it. */
export function componentInput(
  name: string,
  inputs: Record<string, unknown>,
  stack = "test",
): PolicyInput {
  return {
    type: COMPONENT_TYPE,
    name,
    urn: urnOf([COMPONENT_TYPE], name, stack),
    inputs,
    protect: false,
  };
}

/** A resource registered under `parent`. */
export function childInput(
  parent: PolicyInput,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  protect = false,
): PolicyInput {
  return {
    type,
    name,
    urn: urnOf([...typeChain(parent.urn), type], name),
    parent: parent.urn,
    inputs,
    protect,
  };
}

/** Inputs of an `OpenMetadataSso` component in production, as the component passes them. */
export const PRODUCTION_COMPONENT = {
  environment: "production",
  target: "kubernetes",
  publicUrl: "https://openmetadata.example.com",
  admins: ["alice@example.com"],
  principalDomain: "example.com",
  version: "1.13.1",
};

/**
 * Values of the OpenMetadata chart shaped like the Kubernetes target's: every secret behind a
 * `secretRef`, absolute key paths, a generated key id, the chart's ingress with nginx.
 */
export function releaseValues(): Record<string, unknown> {
  return {
    replicaCount: 1,
    openmetadata: {
      config: {
        authorizer: { initialAdmins: ["alice"], principalDomain: "example.com" },
        authentication: {
          provider: "okta",
          clientType: "confidential",
          authority: "https://example.okta.com/oauth2/default",
          callbackUrl: "https://openmetadata.example.com/callback",
          oidcConfiguration: {
            enabled: true,
            callbackUrl: "https://openmetadata.example.com/callback",
            serverUrl: "https://openmetadata.example.com",
            clientSecret: {
              secretRef: "openmetadata-oidc",
              secretKey: "openmetadata-oidc-client-secret",
            },
          },
        },
        jwtTokenConfiguration: {
          keyId: "5a0c9f52-3f7e-4d43-a5a8-1d2f3c4b5a69",
          rsapublicKeyFilePath: "/etc/openmetadata/jwtkeys/public_key.der",
          rsaprivateKeyFilePath: "/etc/openmetadata/jwtkeys/private_key.der",
          jwtissuer: "openmetadata.example.com",
        },
        fernetkey: {
          value: "",
          secretRef: "openmetadata-fernet",
          secretKey: "openmetadata-fernet-key",
        },
      },
    },
    extraEnvs: [{ name: "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME", value: "Okta" }],
    ingress: { enabled: true, className: "nginx", annotations: {} },
  };
}

/** A release of the OpenMetadata chart with these values. */
export function releaseInputs(values: Record<string, unknown>): Record<string, unknown> {
  return {
    name: "openmetadata",
    chart: "openmetadata",
    version: "1.13.1",
    repositoryOpts: { repo: "https://helm.open-metadata.org" },
    namespace: "openmetadata",
    values,
  };
}

/** The message of a violation: the rule's description, a newline, the detail. */
export function message(ruleId: string, detail: string): string {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return `${rule.description}\n${detail}`;
}
