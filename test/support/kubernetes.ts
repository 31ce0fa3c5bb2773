/**
 * Cases shared by the Helm values tests and the KubernetesDeployment mock tests: validated
 * settings, identity facts and the chart inputs the component derives from them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { validateArgs, type ResolvedSettings } from "../../components/config";
import type { IdentityFacts } from "../../components/identity/types";
import type { IdentityArgs } from "../../components/types";
import {
  chartSecretRefs,
  kubernetesNames,
  kubernetesTopology,
  OBJECT_KEYS,
  RELEASES,
} from "../../components/kubernetes";
import { KEY_PATHS, type ChartInput, type SecurityInput } from "../../components/settings";

/** The vendored chart files (see NOTICE there). */
export const CHART_DIR = path.join(__dirname, "..", "fixtures", "openmetadata-chart-1.13.1");

export function chartFile(name: string): string {
  return fs.readFileSync(path.join(CHART_DIR, name), "utf8");
}

/** The chart's own values.yaml, parsed. */
export function chartDefaults(): Record<string, unknown> {
  return parse(chartFile("values.yaml")) as Record<string, unknown>;
}

export const KEY_ID = "3f1c2b7a-0d4e-4c9a-9b1e-5a6f7c8d9e0f";
export const PUBLIC_URL = "https://om.example.com";

export interface Case {
  provider: "okta" | "auth0" | "keycloak";
  clientType: "confidential" | "public";
  dependencies: "chart" | "external";
  replicas: number;
  ingestion?: boolean;
  /** External search with basic authentication. */
  searchUser?: boolean;
  /** The server's egress proxy, {@link EGRESS_PROXY} (user pain P10). */
  egressProxy?: boolean;
}

/** The egress proxy of the cases that have one. */
export const EGRESS_PROXY = {
  url: "http://proxy.corp.example.com:3128",
  noProxy: ["*.corp.example.com"],
};

export function caseName(c: Case): string {
  return `${c.provider} ${c.clientType}, ${c.dependencies} dependencies, ${c.replicas} replica${c.replicas === 1 ? "" : "s"}${c.ingestion ? ", ingestion" : ""}${c.searchUser ? ", search user" : ""}${c.egressProxy ? ", egress proxy" : ""}`;
}

/** Settings as validateArgs resolves them for a case. */
export function caseSettings(c: Case): ResolvedSettings {
  return validateArgs({
    environment: "production",
    publicUrl: PUBLIC_URL,
    target: "kubernetes",
    admins: ["Alice@example.com", "bob@example.com"],
    identity: (
      {
        okta: { provider: "okta", clientType: c.clientType },
        auth0: { provider: "auth0", clientType: c.clientType, auth0: { domain: AUTH0_DOMAIN } },
        keycloak: {
          provider: "keycloak",
          clientType: c.clientType,
          keycloak: { url: "https://sso.example.com", realm: "openmetadata" },
        },
      } satisfies Record<Case["provider"], IdentityArgs>
    )[c.provider],
    keys: { bits: 2048 },
    openmetadata: {
      replicas: c.replicas,
      ingestion: c.ingestion ?? false,
      ...(c.egressProxy ? { egressProxy: EGRESS_PROXY } : {}),
    },
    kubernetes: {
      namespace: "om",
      dependencies: c.dependencies,
      ingress: { stickySessions: c.replicas > 1 },
      ...(c.dependencies === "external"
        ? {
            database: {
              engine: "postgresql",
              host: "pg.example.internal",
              password: "external-database-password-1",
            },
            search: {
              host: "search.example.internal",
              port: 9243,
              scheme: "https",
              ...(c.searchUser
                ? { user: "openmetadata", password: "external-search-password-1" }
                : {}),
            },
          }
        : {}),
    },
  });
}

/** The Auth0 tenant of the Auth0 cases. */
export const AUTH0_DOMAIN = "acme.eu.auth0.com";

/** What each provider's identity app reports, apart from the client type. */
const PROVIDER_FACTS = {
  okta: {
    clientId: "0oa1234567890abcdef",
    issuer: "https://example.okta.com/oauth2/default",
    discoveryUrl: "https://example.okta.com/oauth2/default/.well-known/openid-configuration",
    jwksUrl: "https://example.okta.com/oauth2/default/v1/keys",
    openMetadataProvider: "okta",
    providerName: "Okta",
  },
  auth0: {
    clientId: "Zq3kVb8nR2xT6yW0pL4sD7fH9jM1cA5e",
    // Auth0's issuer ends with a slash, and its URLs are built on it.
    issuer: `https://${AUTH0_DOMAIN}/`,
    discoveryUrl: `https://${AUTH0_DOMAIN}/.well-known/openid-configuration`,
    jwksUrl: `https://${AUTH0_DOMAIN}/.well-known/jwks.json`,
    openMetadataProvider: "auth0",
    providerName: "Auth0",
  },
  keycloak: {
    clientId: "openmetadata",
    issuer: "https://sso.example.com/realms/openmetadata",
    discoveryUrl: "https://sso.example.com/realms/openmetadata/.well-known/openid-configuration",
    jwksUrl: "https://sso.example.com/realms/openmetadata/protocol/openid-connect/certs",
    openMetadataProvider: "custom-oidc",
    providerName: "Keycloak",
  },
} as const satisfies Record<
  Case["provider"],
  Pick<
    IdentityFacts,
    "clientId" | "issuer" | "discoveryUrl" | "jwksUrl" | "openMetadataProvider" | "providerName"
  >
>;

/** What the identity app of a case reports. */
export function caseIdentity(c: Case): IdentityFacts {
  return {
    ...PROVIDER_FACTS[c.provider],
    clientType: c.clientType,
    tokenEndpointAuthMethod: c.clientType === "public" ? "none" : "client_secret_post",
    pkce: true,
    redirectUris: [`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/auth/callback`],
  };
}

/** The security input the component builds (deployment.ts securityInput) for a case. */
export function caseInput(c: Case, keyId = KEY_ID): SecurityInput {
  const settings = caseSettings(c);
  return {
    publicUrl: PUBLIC_URL,
    internalUrl: `http://${RELEASES.server}:8585`,
    identity: caseIdentity(c),
    admins: settings.admins,
    principalDomain: settings.principalDomain,
    enableSelfSignup: settings.openmetadata.enableSelfSignup,
    principalClaims: settings.openmetadata.principalClaims,
    jwt: {
      keyId,
      issuer: "om.example.com",
      privateKeyPath: KEY_PATHS.privateKey,
      publicKeyPath: KEY_PATHS.publicKey,
    },
    behindTlsProxy: true,
  };
}

/** The chart input the component builds for a case, named after component `name`. */
export function caseChart(
  c: Case,
  podAnnotations: Record<string, string> = {},
  name = "om",
): ChartInput {
  const settings = caseSettings(c);
  const names = kubernetesNames(name);
  const ingress = settings.kubernetes!.ingress;
  return {
    version: settings.openmetadata.version,
    replicas: settings.openmetadata.replicas,
    topology: kubernetesTopology(settings),
    serviceName: RELEASES.server,
    secrets: chartSecretRefs(names, settings, c.clientType === "confidential"),
    keyFiles: {
      secretName: names.privateKeySecret,
      secretKey: OBJECT_KEYS.privateKey,
      configMapName: names.publicKeyConfigMap,
      configMapKey: OBJECT_KEYS.publicKey,
    },
    ingress: {
      className: ingress.className,
      tls: ingress.tls,
      tlsSecretName: names.tlsSecret,
      clusterIssuer: ingress.clusterIssuer,
      stickySessions: ingress.stickySessions,
    },
    podAnnotations,
  };
}

/** Every case the schema must accept. */
export const SCHEMA_CASES: Case[] = (
  [
    { provider: "okta", clientType: "confidential" },
    { provider: "okta", clientType: "public" },
    { provider: "auth0", clientType: "confidential" },
    { provider: "auth0", clientType: "public" },
    { provider: "keycloak", clientType: "confidential" },
  ] as const
).flatMap((identity) =>
  (["chart", "external"] as const).flatMap((dependencies) =>
    [1, 3].map((replicas) => ({ ...identity, dependencies, replicas })),
  ),
);
