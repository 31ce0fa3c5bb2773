/**
 * Real-protocol end-to-end test of the Okta client: an in-process OpenID provider shaped like an
 * Okta custom authorization server (`/oauth2/default`, `/v1/authorize`, `/v1/token`, `/v1/keys`)
 * holds the clients exactly as `OktaApp` registers them (redirect URIs, grant and response types,
 * auth method and PKCE requirement read from the recorded `okta.app.OAuth` inputs), and
 * openid-client logs in with exactly the settings `securityEnv()` hands to OpenMetadata.
 *
 * The settings name `https://example.okta.com`; the test rewrites only that origin to the local
 * server's (`idp.local`), keeping every path as the settings have it. OpenMetadata's own URLs
 * (the callback) are not rewritten: the browser stops at the redirect without requesting them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OktaApp } from "../../components/identity/okta";
import type { ClientType } from "../../components/types";
import {
  browserAppLogin,
  CLIENT_REFUSED,
  clientRefusal,
  credentialsOf,
  DEFAULT_CONTEXT,
  openMetadataEnv,
  ProviderErrorPage,
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
  sub: "00u1a2b3c4d5e6f7g8h9",
  email: "alice@example.com",
  email_verified: true,
  name: "Alice Liddell",
  preferred_username: "alice@example.com",
});
const CREDENTIALS = credentialsOf(ALICE);
/** The Okta org the settings name; the test provider stands in for it and nothing else. */
const OKTA = "https://example.okta.com";

/** A provider shaped like Okta holding only `client`, for one misconfiguration. */
function oktaWith(client: TestClient): Promise<TestProvider> {
  return startProvider({
    shape: SHAPES.okta("default"),
    clients: [client],
    users: [ALICE],
    serves: [OKTA],
  });
}

/** The Okta app of a client type: its recorded registration and OpenMetadata's settings. */
async function oktaApp(clientType: ClientType) {
  const name = `om-${clientType}`;
  const { resources, result } = await record(
    () =>
      new OktaApp(name, {
        publicUrl: DEFAULT_CONTEXT.publicUrl,
        appName: "OpenMetadata",
        clientType,
      }),
  );
  const inputs = plain(one(resources, "okta:app/oAuth:OAuth", `${name}-app`).inputs) as {
    redirectUris: string[];
    grantTypes: string[];
    responseTypes: string[];
    tokenEndpointAuthMethod: string;
    pkceRequired: boolean;
  };
  const secret = result.app.clientSecret ? await valueOf(result.app.clientSecret) : undefined;
  const client: TestClient = {
    metadata: {
      client_id: await valueOf(result.app.clientId),
      ...(secret === undefined ? {} : { client_secret: secret }),
      redirect_uris: inputs.redirectUris,
      grant_types: inputs.grantTypes,
      response_types: inputs.responseTypes,
      token_endpoint_auth_method: inputs.tokenEndpointAuthMethod,
    },
    pkceRequired: inputs.pkceRequired,
  };
  return { app: result.app, env: await openMetadataEnv(result.app), client };
}

let confidential: Awaited<ReturnType<typeof oktaApp>>;
let publicApp: Awaited<ReturnType<typeof oktaApp>>;
let idp: TestProvider;

beforeAll(async () => {
  useMocks();
  confidential = await oktaApp("confidential");
  publicApp = await oktaApp("public");
  idp = await startProvider({
    shape: SHAPES.okta("default"),
    clients: [confidential.client, publicApp.client],
    users: [ALICE],
    serves: [OKTA],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("Okta, confidential client (OpenMetadata's server)", () => {
  it("registers the client as the test provider holds it", () => {
    expect(confidential.client).toEqual({
      metadata: {
        client_id: confidential.env.OIDC_CLIENT_ID,
        client_secret: confidential.env.OIDC_CLIENT_SECRET,
        redirect_uris: [
          "https://openmetadata.example.com/callback",
          "https://openmetadata.example.com/auth/callback",
        ],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
      pkceRequired: true,
    });
    expect(confidential.env.OIDC_DISCOVERY_URI).toBe(
      "https://example.okta.com/oauth2/default/.well-known/openid-configuration",
    );
  });

  it("logs in through the authorization code flow and OpenMetadata accepts the ID token", async () => {
    const before = idp.clientAuthentications.length;
    const login = await serverLogin(confidential.env, idp, CREDENTIALS);
    // OpenMetadata's server posted its secret, as the Okta app requires.
    expect(confidential.env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: confidential.env.OIDC_CLIENT_ID, method: "client_secret_post" },
    ]);
    const params = Object.fromEntries(login.authorizationUrl.searchParams);
    expect(Object.keys(params).sort()).toEqual([
      "client_id",
      "code_challenge",
      "code_challenge_method",
      "nonce",
      "redirect_uri",
      "response_mode",
      "response_type",
      "scope",
      "state",
    ]);
    expect(params).toMatchObject({
      client_id: confidential.env.OIDC_CLIENT_ID,
      code_challenge_method: "S256",
      redirect_uri: "https://openmetadata.example.com/callback",
      response_mode: "query",
      response_type: "code",
      scope: "openid email profile",
    });
    expect(login.authorizationUrl.origin + login.authorizationUrl.pathname).toBe(
      `${idp.origin}/oauth2/default/v1/authorize`,
    );

    const accepted = await verifyAsOpenMetadata(login, confidential.env, idp);
    expect(accepted.principal).toBe("alice");
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/oauth2/default`,
      aud: confidential.env.OIDC_CLIENT_ID,
      email: "alice@example.com",
    });
  });

  it("fails at the provider when OpenMetadata's callback is not registered", async () => {
    const moved = await openMetadataEnv(confidential.app, {
      ...DEFAULT_CONTEXT,
      publicUrl: "https://catalog.example.com",
    });
    const failure = serverLogin(moved, idp, CREDENTIALS);
    await expect(failure).rejects.toThrow(ProviderErrorPage);
    await expect(failure).rejects.toThrow(
      "The provider showed an error page (HTTP 400): invalid_redirect_uri: redirect_uri did not match any of the client's registered redirect_uris",
    );
  });
});

describe("Okta, public client (OpenMetadata's UI)", () => {
  it("registers a browser client without a secret that must use PKCE", () => {
    expect(publicApp.client).toEqual({
      metadata: {
        client_id: publicApp.env.AUTHENTICATION_CLIENT_ID,
        redirect_uris: [
          "https://openmetadata.example.com/callback",
          "https://openmetadata.example.com/auth/callback",
        ],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      },
      pkceRequired: true,
    });
    expect(publicApp.env.OIDC_CLIENT_SECRET).toBeUndefined();
  });

  it("logs in with code and PKCE and OpenMetadata accepts the ID token", async () => {
    const before = idp.clientAuthentications.length;
    const login = await browserAppLogin(publicApp.env, idp, CREDENTIALS);
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: publicApp.env.AUTHENTICATION_CLIENT_ID, method: "none" },
    ]);
    expect(login.authorizationUrl.searchParams.get("scope")).toBe(
      "openid profile email offline_access",
    );
    const accepted = await verifyAsOpenMetadata(login, publicApp.env, idp);
    expect(accepted.principal).toBe("alice");
    expect(accepted.claims.aud).toBe(publicApp.env.AUTHENTICATION_CLIENT_ID);
  });
});

describe("the test provider", () => {
  it("stands in for the Okta org only, so a URL naming another host fails the test", () => {
    expect(idp.local(`${OKTA}/oauth2/default/v1/keys?x=1`)).toBe(
      `${idp.origin}/oauth2/default/v1/keys?x=1`,
    );
    expect(() => idp.local("https://example.oktapreview.com/oauth2/default")).toThrow(
      `https://example.oktapreview.com/oauth2/default is not on ${idp.origin} or https://example.okta.com, the origins this test provider stands in for.`,
    );
  });
});

describe("Okta, misconfigured", () => {
  it("fails at the token endpoint when the app is set to client_secret_basic but OpenMetadata posts its secret", async () => {
    const other = await oktaWith({
      ...confidential.client,
      metadata: {
        ...confidential.client.metadata,
        token_endpoint_auth_method: "client_secret_basic",
      },
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

  it("fails at the token endpoint when the app expects a signed assertion", async () => {
    const other = await oktaWith({
      ...confidential.client,
      metadata: {
        ...confidential.client.metadata,
        token_endpoint_auth_method: "client_secret_jwt",
      },
    });
    try {
      await expect(serverLogin(confidential.env, other, CREDENTIALS)).rejects.toMatchObject(
        CLIENT_REFUSED,
      );
      expect(other.tokenErrors).toEqual([clientRefusal(confidential.env.OIDC_CLIENT_ID)]);
    } finally {
      await other.close();
    }
  });

  it("tells a wrong secret apart from a wrong auth method: same answer, another reason", async () => {
    const other = await oktaWith({
      ...confidential.client,
      metadata: { ...confidential.client.metadata, client_secret: "not-the-secret-we-hand-om" },
    });
    try {
      await expect(serverLogin(confidential.env, other, CREDENTIALS)).rejects.toMatchObject(
        CLIENT_REFUSED,
      );
      expect(other.clientAuthentications).toEqual([
        { clientId: confidential.env.OIDC_CLIENT_ID, method: "client_secret_post" },
      ]);
      expect(other.tokenErrors).toEqual([
        clientRefusal(confidential.env.OIDC_CLIENT_ID, "invalid secret provided"),
      ]);
    } finally {
      await other.close();
    }
  });

  it("fails for the right reason when the provider's issuer differs from the authority", async () => {
    // The authorization server states its issuer with a trailing slash.
    const other = await startProvider({
      shape: { ...SHAPES.okta("default"), issuerPath: "/oauth2/default/" },
      clients: [confidential.client, publicApp.client],
      users: [ALICE],
      serves: [OKTA],
    });
    try {
      // The UI compares the issuer at discovery.
      await expect(browserAppLogin(publicApp.env, other, CREDENTIALS)).rejects.toMatchObject({
        code: "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED",
        message: "discovered metadata issuer does not match the expected issuer",
      });
      // The server does not, so the login completes; the token's issuer is not the authority.
      const login = await serverLogin(confidential.env, other, CREDENTIALS);
      await expect(verifyAsOpenMetadata(login, confidential.env, other)).rejects.toThrow(
        `The ID token's issuer "${other.origin}/oauth2/default/" is not OpenMetadata's authority "${other.origin}/oauth2/default".`,
      );
    } finally {
      await other.close();
    }
  });
});
