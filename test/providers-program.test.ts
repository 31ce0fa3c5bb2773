/**
 * The whole `OpenMetadataSso` component on Docker, in production, with the hosted providers the
 * stack files do not cover: Microsoft Entra ID and a remote Keycloak. For each, under the mock
 * runtime (offline, so no preflight request): the exact identity resources it registers, and the
 * exact security settings the OpenMetadata server container gets, tied to those resources'
 * outputs. Not verified here: what Entra's or Keycloak's API accepts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { OpenMetadataSso, type OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import {
  one,
  record,
  SecretValue,
  useMocks,
  valueOf,
  type RecordedResource,
} from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const PRODUCTION = {
  environment: "production",
  publicUrl: "https://openmetadata.example.com",
  target: "docker",
  admins: ["alice@example.com"],
} satisfies Omit<OpenMetadataSsoArgs, "identity">;

const ENTRA_GROUP = "0a1b2c3d-1111-4222-8333-444455556666";
const ENTRA_ARGS: OpenMetadataSsoArgs = {
  ...PRODUCTION,
  identity: {
    provider: "entra",
    entra: {
      tenantId: "00000000-0000-0000-0000-000000000000",
      groupIds: [ENTRA_GROUP],
      secretEndDate: "2027-06-30T00:00:00Z",
    },
  },
};

const KEYCLOAK_ARGS: OpenMetadataSsoArgs = {
  ...PRODUCTION,
  identity: {
    provider: "keycloak",
    keycloak: { url: "https://keycloak.example.com", realm: "om" },
  },
};

/** Registrations directly under a parent, as "type name", sorted. */
function children(resources: RecordedResource[], parent: string): string[] {
  return resources
    .filter((r) => r.parent === parent)
    .map((r) => `${r.type} ${r.name}`)
    .sort();
}

/** Names of the server env that carry security settings (settings/env.ts securityEnv). */
const SECURITY_NAME =
  /^(AUTHENTICATION_|AUTHORIZER_|OIDC_|JWT_|RSA_|CUSTOM_OIDC_)|^(FERNET_KEY|FORCE_SECURE_SESSION_COOKIE|SERVER_USE_FORWARDED_HEADERS)$/;

/** The security part of the server container's env: each value, and whether it is a secret. */
function serverSecurityEnv(
  resources: RecordedResource[],
): Record<string, { value: string; secret: boolean }> {
  const server = one(resources, "docker:index/container:Container", "om-docker-server");
  const entries = (server.inputs.envs as unknown[]).map((entry) => {
    const secret = entry instanceof SecretValue;
    const text = String(secret ? entry.value : entry);
    const at = text.indexOf("=");
    return [text.slice(0, at), { value: text.slice(at + 1), secret }] as const;
  });
  return Object.fromEntries(entries.filter(([name]) => SECURITY_NAME.test(name)));
}

/** A plain env value. */
const plain = (value: string) => ({ value, secret: false });

/** The output of a registration, as the mock provider returned it. */
function output(resources: RecordedResource[], type: string, name: string, key: string): string {
  return one(resources, type, name).outputs![key] as string;
}

/** The security settings every production stack of these tests shares, apart from the IdP's. */
function commonSecurityEnv(resources: RecordedResource[]) {
  return {
    AUTHENTICATION_CALLBACK_URL: plain("https://openmetadata.example.com/callback"),
    AUTHENTICATION_CLIENT_TYPE: plain("confidential"),
    AUTHENTICATION_ENABLE_SELF_SIGNUP: plain("true"),
    AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: plain('["email","preferred_username","sub"]'),
    AUTHENTICATION_RESPONSE_TYPE: plain("code"),
    AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM: plain("RS256"),
    AUTHORIZER_ADMIN_PRINCIPALS: plain('["alice"]'),
    AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN: plain('["example.com"]'),
    AUTHORIZER_CLASS_NAME: plain("org.openmetadata.service.security.DefaultAuthorizer"),
    AUTHORIZER_ENABLE_SECURE_SOCKET: plain("false"),
    AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN: plain("true"),
    AUTHORIZER_PRINCIPAL_DOMAIN: plain("example.com"),
    AUTHORIZER_REQUEST_FILTER: plain("org.openmetadata.service.security.JwtFilter"),
    FERNET_KEY: {
      value: output(
        resources,
        "random:index/randomBytes:RandomBytes",
        "om-keys-fernet-key",
        "base64",
      ),
      secret: true,
    },
    FORCE_SECURE_SESSION_COOKIE: plain("true"),
    JWT_ISSUER: plain("openmetadata.example.com"),
    JWT_KEY_ID: plain(
      output(resources, "random:index/randomUuid:RandomUuid", "om-keys-key-id", "result"),
    ),
    OIDC_CALLBACK: plain("https://openmetadata.example.com/callback"),
    OIDC_CLIENT_AUTH_METHOD: plain("client_secret_post"),
    OIDC_CUSTOM_PARAMS: plain("{}"),
    OIDC_DISABLE_PKCE: plain("false"),
    OIDC_MAX_AGE: plain(""),
    OIDC_PREFERRED_JWS: plain("RS256"),
    OIDC_PROMPT_TYPE: plain(""),
    OIDC_RESPONSE_TYPE: plain("code"),
    OIDC_SCOPE: plain("openid email profile"),
    OIDC_SERVER_URL: plain("https://openmetadata.example.com"),
    OIDC_SESSION_EXPIRY: plain("604800"),
    OIDC_USE_NONCE: plain("true"),
    RSA_PRIVATE_KEY_FILE_PATH: plain("/etc/openmetadata/jwtkeys/private_key.der"),
    RSA_PUBLIC_KEY_FILE_PATH: plain("/etc/openmetadata/jwtkeys/public_key.der"),
    // TLS ends at the stack's proxy in front of the server.
    SERVER_USE_FORWARDED_HEADERS: plain("true"),
  };
}

describe("a production Docker stack with Microsoft Entra ID", () => {
  let resources: RecordedResource[];
  let component: OpenMetadataSso;

  beforeAll(async () => {
    ({ resources, result: component } = await record(() => new OpenMetadataSso("om", ENTRA_ARGS)));
  });

  it("creates the Entra app, its service principal, the group's assignment and its password, and no other identity resource", () => {
    expect(children(resources, "om")).toEqual(
      [
        "openmetadata-sso:index:SigningKeys om-keys",
        "docker:index/network:Network om-network",
        "openmetadata-sso:index:EntraApp om-entra",
        "openmetadata-sso:index:DockerDeployment om-docker",
      ].sort(),
    );
    expect(children(resources, "om-entra")).toEqual(
      [
        "azuread:index/application:Application om-entra-app",
        "azuread:index/servicePrincipal:ServicePrincipal om-entra-sp",
        `azuread:index/appRoleAssignment:AppRoleAssignment om-entra-group-${ENTRA_GROUP}`,
        "azuread:index/applicationPassword:ApplicationPassword om-entra-secret",
      ].sort(),
    );
    expect(resources.filter((r) => r.type.startsWith("azuread:")).length).toBe(4);
  });

  it("starts the server once the group is assigned, and shows when the secret expires", async () => {
    const assignment = one(
      resources,
      "azuread:index/appRoleAssignment:AppRoleAssignment",
      `om-entra-group-${ENTRA_GROUP}`,
    );
    const server = one(resources, "docker:index/container:Container", "om-docker-server");
    expect(server.options.dependencies).toContain(assignment.urn);
    expect(
      one(resources, "azuread:index/applicationPassword:ApplicationPassword", "om-entra-secret")
        .inputs.endDate,
    ).toBe("2027-06-30T00:00:00Z");
    expect(await valueOf(component.clientSecretEndDate!)).toBe("2027-06-30T00:00:00Z");
  });

  it("configures the server for the azure provider of the tenant, with the app's id and password", () => {
    const clientId = output(
      resources,
      "azuread:index/application:Application",
      "om-entra-app",
      "clientId",
    );
    const tenant = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000";
    expect(serverSecurityEnv(resources)).toEqual({
      ...commonSecurityEnv(resources),
      AUTHENTICATION_PROVIDER: plain("azure"),
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: plain("Azure"),
      // The tenant URL, not the issuer: MSAL appends v2.0/.well-known/openid-configuration.
      AUTHENTICATION_AUTHORITY: plain(tenant),
      AUTHENTICATION_CLIENT_ID: plain(clientId),
      AUTHENTICATION_PUBLIC_KEYS: plain(
        `["${tenant}/discovery/v2.0/keys","http://om-server:8585/api/v1/system/config/jwks"]`,
      ),
      OIDC_CLIENT_ID: plain(clientId),
      OIDC_CLIENT_SECRET: {
        value: output(
          resources,
          "azuread:index/applicationPassword:ApplicationPassword",
          "om-entra-secret",
          "value",
        ),
        secret: true,
      },
      OIDC_DISCOVERY_URI: plain(`${tenant}/v2.0/.well-known/openid-configuration`),
      OIDC_TENANT: plain("00000000-0000-0000-0000-000000000000"),
      OIDC_TYPE: plain("azure"),
    });
  });
});

describe("a production Docker stack with a remote Keycloak", () => {
  let resources: RecordedResource[];

  beforeAll(async () => {
    ({ resources } = await record(() => new OpenMetadataSso("om", KEYCLOAK_ARGS)));
  });

  it("creates one client in the existing realm, and no realm or other identity resource", () => {
    expect(children(resources, "om")).toEqual(
      [
        "openmetadata-sso:index:SigningKeys om-keys",
        "docker:index/network:Network om-network",
        "openmetadata-sso:index:KeycloakClient om-keycloak",
        "openmetadata-sso:index:DockerDeployment om-docker",
      ].sort(),
    );
    expect(children(resources, "om-keycloak")).toEqual([
      "keycloak:openid/client:Client om-keycloak-client",
    ]);
    expect(resources.filter((r) => r.type.startsWith("keycloak:")).length).toBe(1);
    // No Keycloak container: the provider is remote.
    expect(
      resources
        .filter((r) => r.type === "docker:index/container:Container")
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "om-docker-database",
      "om-docker-migrate",
      "om-docker-proxy",
      "om-docker-search",
      "om-docker-server",
      "om-docker-verify",
    ]);
  });

  it("configures the server as custom-oidc against the realm, with the client's secret", () => {
    const realm = "https://keycloak.example.com/realms/om";
    expect(serverSecurityEnv(resources)).toEqual({
      ...commonSecurityEnv(resources),
      AUTHENTICATION_PROVIDER: plain("custom-oidc"),
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: plain("Keycloak"),
      AUTHENTICATION_AUTHORITY: plain(realm),
      // The client id defaults to the component's name.
      AUTHENTICATION_CLIENT_ID: plain("om"),
      AUTHENTICATION_PUBLIC_KEYS: plain(
        `["${realm}/protocol/openid-connect/certs","http://om-server:8585/api/v1/system/config/jwks"]`,
      ),
      OIDC_CLIENT_ID: plain("om"),
      OIDC_CLIENT_SECRET: {
        value: output(
          resources,
          "keycloak:openid/client:Client",
          "om-keycloak-client",
          "clientSecret",
        ),
        secret: true,
      },
      OIDC_DISCOVERY_URI: plain(`${realm}/.well-known/openid-configuration`),
      OIDC_TYPE: plain("custom-oidc"),
    });
  });
});
