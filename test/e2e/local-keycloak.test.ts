/**
 * Real-protocol end-to-end test of the local Keycloak: an in-process OpenID provider shaped like
 * Keycloak 26 (`/realms/<realm>/protocol/openid-connect/...`) holds the realm exactly as
 * `LocalKeycloak` uploads it for import (the realm JSON `keycloakRealm()` generates), and
 * openid-client logs in as the demo user with exactly the settings `securityEnv()` hands to
 * OpenMetadata.
 *
 * The settings name two Keycloak origins: the browser's `http://localhost:8081` (authority) and
 * the server's `http://om-keycloak:8080` (discovery, JWKS). Keycloak serves both from one realm
 * (KC_HOSTNAME plus a dynamic backchannel); the test rewrites both origins to the local server's,
 * keeping every path. OpenMetadata's own URLs are not rewritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keycloakRealm, LocalKeycloak } from "../../components/identity/local-keycloak";
import { parseFlowList } from "../../components/settings";
import {
  fromKeycloakRealm,
  openMetadataEnv,
  serverLogin,
  SHAPES,
  startProvider,
  verifyAsOpenMetadata,
  type Credentials,
  type TestProvider,
} from "../support/oidc";
import { one, plain, record, SecretValue, useMocks, valueOf } from "../support/pulumi";

const CONTEXT = {
  publicUrl: "http://localhost:8585",
  admins: ["demo@example.com"],
  principalDomain: "example.com",
};

let realm: Record<string, unknown>;
let env: Record<string, string>;
let demo: Credentials;
let idp: TestProvider;
let rebuilt: Record<string, unknown>;

beforeAll(async () => {
  useMocks();
  const { resources, result } = await record(
    () =>
      new LocalKeycloak("om-keycloak", {
        publicUrl: CONTEXT.publicUrl,
        principalDomain: CONTEXT.principalDomain,
        networkName: "om-network",
        prefix: "om-keycloak",
      }),
  );
  const uploads = one(resources, "docker:index/container:Container", "om-keycloak-container").inputs
    .uploads as { file: string; content: unknown }[];
  const upload = uploads.find(
    (u) => u.file === "/opt/keycloak/data/import/openmetadata-realm.json",
  );
  expect(upload?.content).toBeInstanceOf(SecretValue);
  realm = JSON.parse(plain(upload!.content) as string) as Record<string, unknown>;
  demo = { username: "demo", password: await valueOf(result.demoPassword) };
  rebuilt = keycloakRealm({
    realm: "openmetadata",
    publicUrl: CONTEXT.publicUrl,
    clientType: "confidential",
    clientSecret: await valueOf(result.app.clientSecret!),
    demoUser: { username: "demo", email: "demo@example.com", password: demo.password },
  });
  env = await openMetadataEnv(result.app, CONTEXT);
  idp = await startProvider({
    shape: SHAPES.keycloak("openmetadata"),
    ...fromKeycloakRealm(realm),
    // The browser's Keycloak and the server's, as the settings name them.
    serves: ["http://localhost:8081", "http://om-keycloak:8080"],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("the local Keycloak, confidential client", () => {
  it("imports the realm keycloakRealm() generates, mapped to the test provider as Keycloak reads it", () => {
    expect(realm).toEqual(rebuilt);
    expect(fromKeycloakRealm(realm).clients).toEqual([
      {
        metadata: {
          client_id: "openmetadata",
          client_secret: env.OIDC_CLIENT_SECRET,
          redirect_uris: ["http://localhost:8585/callback", "http://localhost:8585/auth/callback"],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
        pkceRequired: true,
        // The realm's client uses Keycloak's default `client-secret` authenticator.
        authMethods: ["client_secret_basic", "client_secret_post"],
      },
    ]);
    expect(
      (realm.clients as { clientAuthenticatorType?: string }[])[0].clientAuthenticatorType,
    ).toBe("client-secret");
    expect(env.AUTHENTICATION_AUTHORITY).toBe("http://localhost:8081/realms/openmetadata");
    expect(env.OIDC_DISCOVERY_URI).toBe(
      "http://om-keycloak:8080/realms/openmetadata/.well-known/openid-configuration",
    );
  });

  it("logs the demo user in, and OpenMetadata accepts the ID token and makes them admin", async () => {
    const before = idp.clientAuthentications.length;
    const login = await serverLogin(env, idp, demo);
    expect(env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: "openmetadata", method: "client_secret_post" },
    ]);
    expect(login.authorizationUrl.origin + login.authorizationUrl.pathname).toBe(
      `${idp.origin}/realms/openmetadata/protocol/openid-connect/auth`,
    );
    expect(login.authorizationUrl.searchParams.get("redirect_uri")).toBe(
      "http://localhost:8585/callback",
    );
    const accepted = await verifyAsOpenMetadata(login, env, idp);
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/realms/openmetadata`,
      aud: "openmetadata",
      email: "demo@example.com",
      preferred_username: "demo",
      given_name: "Demo",
      family_name: "User",
    });
    expect(accepted.principal).toBe("demo");
    expect(parseFlowList(env.AUTHORIZER_ADMIN_PRINCIPALS)).toEqual(["demo"]);
  });

  it("refuses a wrong password at the login form", async () => {
    await expect(serverLogin(env, idp, { ...demo, password: "wrong" })).rejects.toThrow(
      'The login form rejected user "demo": Invalid username or password.',
    );
  });

  it("requires PKCE, so settings without it fail at the provider", async () => {
    await expect(
      serverLogin({ ...env, OIDC_DISABLE_PKCE: "true" }, idp, demo),
    ).rejects.toMatchObject({
      code: "OAUTH_AUTHORIZATION_RESPONSE_ERROR",
      error: "invalid_request",
      error_description: "Authorization Server policy requires PKCE to be used for this request",
    });
  });
});
