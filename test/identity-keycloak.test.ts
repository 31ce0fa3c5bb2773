import { beforeAll, describe, expect, it } from "vitest";
import { KeycloakClient, keycloakUrls } from "../components/identity/keycloak";
import { OpenMetadataSso, type OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import { CALLBACKS, plainFacts, PUBLIC_URL, tree } from "./support/identity";
import { isSecret, one, record, useMocks, valueOf } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

/** The client settings every OpenMetadata client gets, apart from its access type. */
const CLIENT_INPUTS = {
  clientId: "openmetadata",
  name: "OpenMetadata (prod)",
  enabled: true,
  standardFlowEnabled: true,
  implicitFlowEnabled: false,
  directAccessGrantsEnabled: false,
  serviceAccountsEnabled: false,
  consentRequired: false,
  validRedirectUris: CALLBACKS,
  validPostLogoutRedirectUris: [`${PUBLIC_URL}/signin`],
  webOrigins: [PUBLIC_URL],
  pkceCodeChallengeMethod: "S256",
};

describe("keycloakUrls", () => {
  it("derives the realm issuer, discovery document and certs endpoint, ignoring a trailing slash", () => {
    expect(keycloakUrls("https://sso.example.com/", "data")).toEqual({
      issuer: "https://sso.example.com/realms/data",
      discoveryUrl: "https://sso.example.com/realms/data/.well-known/openid-configuration",
      jwksUrl: "https://sso.example.com/realms/data/protocol/openid-connect/certs",
    });
  });

  it("keeps a context path such as the legacy /auth", () => {
    expect(keycloakUrls("https://sso.example.com/auth", "data").issuer).toBe(
      "https://sso.example.com/auth/realms/data",
    );
  });
});

describe("KeycloakClient", () => {
  it("registers a confidential standard-flow client with PKCE S256 in an existing realm", async () => {
    const { resources, result } = await record(
      () =>
        new KeycloakClient("om-keycloak", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          url: "https://sso.example.com",
          realm: "data",
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:KeycloakClient om-keycloak <- null",
        "keycloak:openid/client:Client om-keycloak-client <- om-keycloak",
      ].sort(),
    );
    const client = one(resources, "keycloak:openid/client:Client", "om-keycloak-client");
    expect(client.inputs).toEqual({
      ...CLIENT_INPUTS,
      realmId: "data",
      accessType: "CONFIDENTIAL",
    });
    expect(client.options.dependencies).toEqual([]);

    const app = result.app;
    expect(await valueOf(app.clientId)).toBe("openmetadata");
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toMatch(/^[0-9a-f]{32}$/);
    expect(await valueOf(app.issuer)).toBe("https://sso.example.com/realms/data");
    expect(await valueOf(app.discoveryUrl)).toBe(
      "https://sso.example.com/realms/data/.well-known/openid-configuration",
    );
    expect(await valueOf(app.jwksUrl)).toBe(
      "https://sso.example.com/realms/data/protocol/openid-connect/certs",
    );
    expect({
      ...plainFacts(app),
      tenant: app.tenant,
    }).toEqual({
      openMetadataProvider: "custom-oidc",
      providerName: "Keycloak",
      clientType: "confidential",
      tokenEndpointAuthMethod: "client_secret_post",
      pkce: true,
      redirectUris: CALLBACKS,
      tenant: undefined,
    });
  });

  it("creates the realm first when asked, and puts the client in it", async () => {
    const { resources } = await record(
      () =>
        new KeycloakClient("kc", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          url: "https://sso.example.com",
          realm: "openmetadata",
          createRealm: true,
          clientId: "openmetadata-prod",
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:KeycloakClient kc <- null",
        "keycloak:index/realm:Realm kc-realm <- kc",
        "keycloak:openid/client:Client kc-client <- kc",
      ].sort(),
    );
    const realm = one(resources, "keycloak:index/realm:Realm", "kc-realm");
    expect(realm.inputs).toEqual({
      realm: "openmetadata",
      enabled: true,
      loginWithEmailAllowed: true,
      duplicateEmailsAllowed: false,
    });
    const client = one(resources, "keycloak:openid/client:Client", "kc-client");
    expect(client.inputs).toEqual({
      ...CLIENT_INPUTS,
      clientId: "openmetadata-prod",
      realmId: "openmetadata",
      accessType: "CONFIDENTIAL",
    });
    // The client waits for the realm.
    expect(client.options.dependencies).toEqual([realm.urn]);
    // Left to itself the realm, and the users in it, outlive the stack; the client does not.
    expect([realm.options.protect, realm.options.retainOnDelete]).toEqual([false, true]);
    expect([client.options.protect, client.options.retainOnDelete]).toEqual([false, false]);
  });

  it.each([
    ["production", { protect: true, retainOnDelete: true }],
    ["a non-production stack with dataRetention delete", { protect: false, retainOnDelete: false }],
  ])("keeps the created realm as %s keeps its data", async (_, keep) => {
    const { resources } = await record(
      () =>
        new KeycloakClient("kept", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          url: "https://sso.example.com",
          realm: "openmetadata",
          createRealm: true,
          ...keep,
        }),
    );
    const realm = one(resources, "keycloak:index/realm:Realm", "kept-realm");
    expect({
      protect: realm.options.protect,
      retainOnDelete: realm.options.retainOnDelete,
    }).toEqual(keep);
    // Only the realm: a client is recreated with a new secret, and the stack deploys it again.
    const client = one(resources, "keycloak:openid/client:Client", "kept-client");
    expect([client.options.protect, client.options.retainOnDelete]).toEqual([false, false]);
  });

  it("maps a public client to accessType PUBLIC with auth method none, PKCE and no secret", async () => {
    const { resources, result } = await record(
      () =>
        new KeycloakClient("pub", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          clientType: "public",
          url: "https://sso.example.com",
          realm: "data",
        }),
    );
    expect(one(resources, "keycloak:openid/client:Client", "pub-client").inputs).toEqual({
      ...CLIENT_INPUTS,
      realmId: "data",
      accessType: "PUBLIC",
    });
    expect(result.app.clientSecret).toBeUndefined();
    expect(result.app.tokenEndpointAuthMethod).toBe("none");
    expect(result.app.pkce).toBe(true);
  });
});

describe("OpenMetadataSso with a realm the stack creates", () => {
  const args = (overrides: Partial<OpenMetadataSsoArgs>): OpenMetadataSsoArgs => ({
    environment: "production",
    publicUrl: PUBLIC_URL,
    target: "docker",
    admins: ["alice@example.com"],
    identity: {
      provider: "keycloak",
      keycloak: { url: "https://sso.example.com", realm: "om", createRealm: true },
    },
    ...overrides,
  });
  const realmOptions = async (overrides: Partial<OpenMetadataSsoArgs>) => {
    const { resources } = await record(() => new OpenMetadataSso("om", args(overrides)));
    const realm = one(resources, "keycloak:index/realm:Realm", "om-keycloak-realm");
    return { protect: realm.options.protect, retainOnDelete: realm.options.retainOnDelete };
  };

  it("keeps the realm like the data: protected in production and retained on delete", async () => {
    expect(await realmOptions({})).toEqual({ protect: true, retainOnDelete: true });
  });

  it("lets a non-production stack with dataRetention delete remove it", async () => {
    expect(
      await realmOptions({
        environment: "staging",
        dataRetention: "delete",
      }),
    ).toEqual({ protect: false, retainOnDelete: false });
  });
});
