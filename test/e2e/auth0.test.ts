/**
 * Real-protocol end-to-end test of the Auth0 client: an in-process OpenID provider shaped like an
 * Auth0 tenant (issuer `https://<domain>/` with its trailing slash, `/authorize`, `/oauth/token`,
 * `/.well-known/jwks.json`) holds the clients exactly as `Auth0App` registers them (callbacks and
 * grant types from the recorded `auth0.Client`, the auth method from `auth0.ClientCredentials`),
 * and openid-client logs in with exactly the settings `securityEnv()` hands to OpenMetadata.
 *
 * Auth0 answers the authorization code grant with `code` and requires PKCE from clients without a
 * secret; the test provider does the same. The settings name `https://acme.eu.auth0.com`; the test
 * rewrites only that origin to the local server's and keeps every path. OpenMetadata's own URLs
 * are not rewritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Auth0App } from "../../components/identity/auth0";
import type { ClientType } from "../../components/types";
import {
  browserAppLogin,
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
  sub: "auth0|64f1c0ffee",
  email: "alice@example.com",
  email_verified: true,
  name: "alice@example.com",
});
const CREDENTIALS = credentialsOf(ALICE);
/** The tenant the settings name; the test provider stands in for it and nothing else. */
const TENANT = "https://acme.eu.auth0.com";

async function auth0App(clientType: ClientType) {
  const name = `om-${clientType}`;
  const { resources, result } = await record(
    () =>
      new Auth0App(name, {
        publicUrl: DEFAULT_CONTEXT.publicUrl,
        appName: "OpenMetadata",
        clientType,
        domain: "acme.eu.auth0.com",
      }),
  );
  const client = plain(one(resources, "auth0:index/client:Client", `${name}-client`).inputs) as {
    appType: string;
    callbacks: string[];
    grantTypes: string[];
    jwtConfiguration: { alg: string };
  };
  const credentials = plain(
    one(resources, "auth0:index/clientCredentials:ClientCredentials", `${name}-credentials`).inputs,
  ) as { authenticationMethod: string };
  const secret = result.app.clientSecret ? await valueOf(result.app.clientSecret) : undefined;
  const registered: TestClient = {
    metadata: {
      client_id: await valueOf(result.app.clientId),
      ...(secret === undefined ? {} : { client_secret: secret }),
      redirect_uris: client.callbacks,
      grant_types: client.grantTypes,
      response_types: ["code"],
      token_endpoint_auth_method: credentials.authenticationMethod,
      id_token_signed_response_alg: client.jwtConfiguration.alg,
    },
    pkceRequired: credentials.authenticationMethod === "none",
  };
  return {
    app: result.app,
    env: await openMetadataEnv(result.app),
    client: registered,
    appType: client.appType,
  };
}

let confidential: Awaited<ReturnType<typeof auth0App>>;
let publicApp: Awaited<ReturnType<typeof auth0App>>;
let idp: TestProvider;

beforeAll(async () => {
  useMocks();
  confidential = await auth0App("confidential");
  publicApp = await auth0App("public");
  idp = await startProvider({
    shape: SHAPES.auth0(),
    clients: [confidential.client, publicApp.client],
    users: [ALICE],
    serves: [TENANT],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("Auth0, confidential client (OpenMetadata's server)", () => {
  it("registers a regular web application with the tenant's issuer, slash included", () => {
    expect(confidential.appType).toBe("regular_web");
    expect(confidential.client.metadata).toMatchObject({
      redirect_uris: [
        "https://openmetadata.example.com/callback",
        "https://openmetadata.example.com/auth/callback",
      ],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
    });
    expect(confidential.env.AUTHENTICATION_AUTHORITY).toBe("https://acme.eu.auth0.com/");
    expect(confidential.env.OIDC_DISCOVERY_URI).toBe(
      "https://acme.eu.auth0.com/.well-known/openid-configuration",
    );
  });

  it("logs in through the authorization code flow and OpenMetadata accepts the ID token", async () => {
    const before = idp.clientAuthentications.length;
    const login = await serverLogin(confidential.env, idp, CREDENTIALS);
    // Auth0 holds the app to its authentication method; OpenMetadata's server used that one.
    expect(confidential.env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: confidential.env.OIDC_CLIENT_ID, method: "client_secret_post" },
    ]);
    expect(login.authorizationUrl.origin + login.authorizationUrl.pathname).toBe(
      `${idp.origin}/authorize`,
    );
    const accepted = await verifyAsOpenMetadata(login, confidential.env, idp);
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/`,
      aud: confidential.env.OIDC_CLIENT_ID,
      email: "alice@example.com",
    });
    expect(accepted.principal).toBe("alice");
  });
});

describe("Auth0, public client (OpenMetadata's UI)", () => {
  it("registers a single-page application without a secret", () => {
    expect(publicApp.appType).toBe("spa");
    expect(publicApp.client.metadata.token_endpoint_auth_method).toBe("none");
    expect(publicApp.client.metadata.client_secret).toBeUndefined();
    expect(publicApp.client.pkceRequired).toBe(true);
  });

  it("logs in with code and PKCE and OpenMetadata accepts the ID token", async () => {
    const before = idp.clientAuthentications.length;
    const login = await browserAppLogin(publicApp.env, idp, CREDENTIALS);
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: publicApp.env.AUTHENTICATION_CLIENT_ID, method: "none" },
    ]);
    expect(login.authorizationUrl.searchParams.get("scope")).toBe("openid profile email");
    const accepted = await verifyAsOpenMetadata(login, publicApp.env, idp);
    expect(accepted.claims.aud).toBe(publicApp.env.AUTHENTICATION_CLIENT_ID);
    expect(accepted.principal).toBe("alice");
  });
});

describe("Auth0, misconfigured", () => {
  it("fails at the token endpoint when the application's authentication method is client_secret_basic", async () => {
    const other = await startProvider({
      shape: SHAPES.auth0(),
      clients: [
        {
          ...confidential.client,
          metadata: {
            ...confidential.client.metadata,
            token_endpoint_auth_method: "client_secret_basic",
          },
        },
      ],
      users: [ALICE],
      serves: [TENANT],
    });
    try {
      await expect(serverLogin(confidential.env, other, CREDENTIALS)).rejects.toMatchObject(
        CLIENT_REFUSED,
      );
      expect(other.clientAuthentications).toEqual([
        { clientId: confidential.env.OIDC_CLIENT_ID, method: "client_secret_post" },
      ]);
      expect(other.tokenErrors).toEqual([clientRefusal(confidential.env.OIDC_CLIENT_ID)]);
    } finally {
      await other.close();
    }
  });
});
