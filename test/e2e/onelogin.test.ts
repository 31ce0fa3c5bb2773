/**
 * Real-protocol end-to-end test of the OneLogin client: an in-process OpenID provider shaped like
 * OneLogin's OIDC endpoints (issuer `https://<subdomain>.onelogin.com/oidc/2`, `/auth`, `/token`,
 * `/certs`) holds the client exactly as `OneLoginApp` creates it: the body of its
 * `POST /api/2/apps` call (built from the recorded dynamic resource inputs), read back the way
 * OneLogin reads it (newline-separated redirect URIs; auth method code 0 Basic, 1 POST, 2 None,
 * with None requiring PKCE). openid-client then logs in with exactly the settings `securityEnv()`
 * hands to OpenMetadata.
 *
 * The settings name `https://acme.onelogin.com`; the test rewrites only that origin to the local
 * server's and keeps every path. OpenMetadata's own URLs are not rewritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OneLoginApp } from "../../components/identity/onelogin";
import {
  appRequestBody,
  splitUris,
  type OneLoginAppInputs,
} from "../../components/identity/onelogin-api";
import {
  CLIENT_REFUSED,
  clientRefusal,
  credentialsOf,
  DEFAULT_CONTEXT,
  openMetadataEnv,
  serverLogin,
  SHAPES,
  startProvider,
  testUser,
  verifyAsOpenMetadata,
  type TestClient,
  type TestProvider,
} from "../support/oidc";
import { one, plain, record, useMocks, valueOf } from "../support/pulumi";

const ALICE = testUser("alice@example.com", {
  sub: "81234567",
  email: "alice@example.com",
  preferred_username: "alice@example.com",
  name: "Alice Liddell",
});

/** OneLogin's `configuration.token_endpoint_auth_method` codes. */
const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"];
/** The OneLogin subdomain the settings name; the test provider stands in for it and nothing else. */
const ONELOGIN = "https://acme.onelogin.com";

let body: { configuration: Record<string, unknown> };
let env: Record<string, string>;
let registered: TestClient;
let idp: TestProvider;

/**
 * The client as OneLogin holds the app the request body creates: its redirect URIs and the one
 * auth method its code names, which OneLogin enforces.
 */
function asRegistered(
  configuration: Record<string, unknown>,
  clientId: string,
  secret: string,
): TestClient {
  const method = AUTH_METHODS[Number(configuration.token_endpoint_auth_method)];
  return {
    metadata: {
      client_id: clientId,
      client_secret: secret,
      redirect_uris: splitUris(configuration.redirect_uri),
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: method,
    },
    pkceRequired: method === "none",
  };
}

beforeAll(async () => {
  useMocks();
  const { resources, result } = await record(
    () =>
      new OneLoginApp("om-onelogin", {
        publicUrl: DEFAULT_CONTEXT.publicUrl,
        appName: "OpenMetadata",
        subdomain: "acme",
        apiClientId: "api-id",
        apiClientSecret: "api-secret",
      }),
  );
  const inputs = plain(
    one(resources, "pulumi-nodejs:dynamic/openmetadata-sso:OneLoginOidcApp", "om-onelogin-app")
      .inputs,
  ) as OneLoginAppInputs;
  body = appRequestBody(inputs, "create") as typeof body;
  env = await openMetadataEnv(result.app);
  registered = asRegistered(
    body.configuration,
    await valueOf(result.app.clientId),
    await valueOf(result.app.clientSecret!),
  );
  idp = await startProvider({
    shape: SHAPES.onelogin(),
    clients: [registered],
    users: [ALICE],
    serves: [ONELOGIN],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("OneLogin, confidential client (OpenMetadata's server)", () => {
  it("creates a web OIDC app that posts its secret, with both callbacks", () => {
    expect(body.configuration).toMatchObject({
      redirect_uri:
        "https://openmetadata.example.com/callback\nhttps://openmetadata.example.com/auth/callback",
      token_endpoint_auth_method: 1,
      oidc_application_type: 0,
    });
    expect(env.AUTHENTICATION_AUTHORITY).toBe("https://acme.onelogin.com/oidc/2");
    expect(env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
  });

  it("logs in through the authorization code flow and OpenMetadata accepts the ID token", async () => {
    const login = await serverLogin(env, idp, credentialsOf(ALICE));
    expect(login.authorizationUrl.origin + login.authorizationUrl.pathname).toBe(
      `${idp.origin}/oidc/2/auth`,
    );
    expect(idp.clientAuthentications).toEqual([
      { clientId: env.OIDC_CLIENT_ID, method: "client_secret_post" },
    ]);
    const accepted = await verifyAsOpenMetadata(login, env, idp);
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/oidc/2`,
      aud: env.OIDC_CLIENT_ID,
      email: "alice@example.com",
    });
    expect(accepted.principal).toBe("alice");
  });
});

describe("OneLogin, misconfigured", () => {
  it("fails at the token endpoint when the app is set to Basic (code 0) but OpenMetadata posts its secret", async () => {
    const basic = asRegistered(
      { ...body.configuration, token_endpoint_auth_method: 0 },
      registered.metadata.client_id,
      registered.metadata.client_secret!,
    );
    expect(basic.metadata.token_endpoint_auth_method).toBe("client_secret_basic");
    const other = await startProvider({
      shape: SHAPES.onelogin(),
      clients: [basic],
      users: [ALICE],
      serves: [ONELOGIN],
    });
    try {
      await expect(serverLogin(env, other, credentialsOf(ALICE))).rejects.toMatchObject(
        CLIENT_REFUSED,
      );
      expect(other.tokenErrors).toEqual([clientRefusal(env.OIDC_CLIENT_ID)]);
    } finally {
      await other.close();
    }
  });
});
