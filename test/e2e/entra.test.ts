/**
 * Real-protocol end-to-end test of the Microsoft Entra ID client: an in-process OpenID provider
 * shaped like an Entra tenant's v2.0 endpoints (issuer `/<tenant>/v2.0`, `/<tenant>/oauth2/v2.0/
 * authorize` and `/token`, keys at `/<tenant>/discovery/v2.0/keys`) holds the clients exactly as
 * `EntraApp` registers them (redirect URIs of the `web` or `spa` platform from the recorded
 * `azuread.Application`, implicit grant off, a password for the confidential client), and
 * openid-client logs in with exactly the settings `securityEnv()` hands to OpenMetadata.
 *
 * For `OIDC_TYPE=azure` OpenMetadata's server builds the discovery URL from `OIDC_TENANT` and
 * always sends PKCE (pac4j's Azure client); the server login does the same. Entra requires PKCE
 * from `spa` clients. The settings name `https://login.microsoftonline.com`; the test rewrites
 * only that origin to the local server's and keeps every path. OpenMetadata's own URLs are not
 * rewritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EntraApp } from "../../components/identity/entra";
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

const TENANT = "6f1c2e3d-0000-4a5b-9c8d-112233445566";
const ALICE = testUser("alice@example.com", {
  sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
  email: "alice@example.com",
  name: "Alice Liddell",
  preferred_username: "alice@example.com",
});
const CREDENTIALS = credentialsOf(ALICE);
/** The host the settings name; the test provider stands in for it and nothing else. */
const ENTRA = "https://login.microsoftonline.com";

async function entraApp(clientType: ClientType) {
  const name = `om-${clientType}`;
  const { resources, result } = await record(
    () =>
      new EntraApp(name, {
        publicUrl: DEFAULT_CONTEXT.publicUrl,
        appName: "OpenMetadata",
        clientType,
        tenantId: TENANT,
      }),
  );
  const application = plain(
    one(resources, "azuread:index/application:Application", `${name}-app`).inputs,
  ) as {
    web?: {
      redirectUris?: string[];
      implicitGrant: { accessTokenIssuanceEnabled: boolean; idTokenIssuanceEnabled: boolean };
    };
    singlePageApplication?: { redirectUris: string[] };
  };
  const spa = application.singlePageApplication !== undefined;
  const implicit =
    application.web?.implicitGrant.accessTokenIssuanceEnabled === true ||
    application.web?.implicitGrant.idTokenIssuanceEnabled === true;
  const secret = result.app.clientSecret ? await valueOf(result.app.clientSecret) : undefined;
  const registered: TestClient = {
    metadata: {
      client_id: await valueOf(result.app.clientId),
      ...(secret === undefined ? {} : { client_secret: secret }),
      redirect_uris: spa
        ? application.singlePageApplication!.redirectUris
        : application.web!.redirectUris!,
      grant_types: ["authorization_code", "refresh_token", ...(implicit ? ["implicit"] : [])],
      response_types: ["code", ...(implicit ? ["id_token"] : [])],
      // oidc-provider needs one registered method; the test provider enforces authMethods.
      token_endpoint_auth_method: spa ? "none" : "client_secret_post",
    },
    pkceRequired: spa,
    // Entra takes an application password in the body or in a Basic header, and no credential
    // at all from an spa client, which it holds to PKCE instead.
    authMethods: spa ? ["none"] : ["client_secret_basic", "client_secret_post"],
  };
  return { app: result.app, env: await openMetadataEnv(result.app), client: registered };
}

let confidential: Awaited<ReturnType<typeof entraApp>>;
let publicApp: Awaited<ReturnType<typeof entraApp>>;
let idp: TestProvider;

beforeAll(async () => {
  useMocks();
  confidential = await entraApp("confidential");
  publicApp = await entraApp("public");
  idp = await startProvider({
    shape: SHAPES.entra(TENANT),
    clients: [confidential.client, publicApp.client],
    users: [ALICE],
    serves: [ENTRA],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("Entra ID, confidential client (OpenMetadata's server)", () => {
  it("registers a web platform app without implicit grant, and hands OpenMetadata the tenant", () => {
    expect(confidential.client.metadata).toMatchObject({
      redirect_uris: [
        "https://openmetadata.example.com/callback",
        "https://openmetadata.example.com/auth/callback",
        "https://openmetadata.example.com/signin",
      ],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    });
    expect(confidential.env.OIDC_TYPE).toBe("azure");
    expect(confidential.env.OIDC_TENANT).toBe(TENANT);
  });

  it("logs in through the authorization code flow and OpenMetadata accepts the ID token", async () => {
    const before = idp.clientAuthentications.length;
    const login = await serverLogin(confidential.env, idp, CREDENTIALS);
    expect(confidential.env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: confidential.env.OIDC_CLIENT_ID, method: "client_secret_post" },
    ]);
    expect(login.authorizationUrl.origin + login.authorizationUrl.pathname).toBe(
      `${idp.origin}/${TENANT}/oauth2/v2.0/authorize`,
    );
    expect(login.authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    const accepted = await verifyAsOpenMetadata(login, confidential.env, idp);
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/${TENANT}/v2.0`,
      aud: confidential.env.OIDC_CLIENT_ID,
      email: "alice@example.com",
    });
    expect(accepted.principal).toBe("alice");
  });
});

describe("Entra ID, public client (OpenMetadata's UI)", () => {
  it("registers an spa platform app", () => {
    expect(publicApp.client.metadata).toMatchObject({
      redirect_uris: [
        "https://openmetadata.example.com/callback",
        "https://openmetadata.example.com/auth/callback",
        "https://openmetadata.example.com/signin",
      ],
      token_endpoint_auth_method: "none",
    });
    expect(publicApp.client.metadata.client_secret).toBeUndefined();
  });

  it("hands OpenMetadata's UI the tenant URL as authority, as OpenMetadata documents it for MSAL", () => {
    expect(publicApp.env.AUTHENTICATION_AUTHORITY).toBe(`${ENTRA}/${TENANT}`);
    expect(confidential.env.AUTHENTICATION_AUTHORITY).toBe(`${ENTRA}/${TENANT}`);
  });

  it("logs in with code and PKCE and OpenMetadata accepts the ID token", async () => {
    const before = idp.clientAuthentications.length;
    const requests = idp.requests.length;
    const login = await browserAppLogin(publicApp.env, idp, CREDENTIALS);
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: publicApp.env.AUTHENTICATION_CLIENT_ID, method: "none" },
    ]);
    // MSAL appends v2.0/.well-known/openid-configuration to the authority.
    expect(idp.requests[requests]).toBe(`GET /${TENANT}/v2.0/.well-known/openid-configuration`);
    const accepted = await verifyAsOpenMetadata(login, publicApp.env, idp);
    expect(accepted.claims.iss).toBe(`${idp.origin}/${TENANT}/v2.0`);
    expect(accepted.claims.aud).toBe(publicApp.env.AUTHENTICATION_CLIENT_ID);
    expect(accepted.principal).toBe("alice");
  });
});

describe("Entra ID, misconfigured", () => {
  it("fails at discovery when the authority is the v2.0 issuer: MSAL would append a second v2.0", async () => {
    const env = { ...publicApp.env, AUTHENTICATION_AUTHORITY: `${ENTRA}/${TENANT}/v2.0` };
    const requests = idp.requests.length;
    await expect(browserAppLogin(env, idp, CREDENTIALS)).rejects.toMatchObject({
      code: "OAUTH_RESPONSE_IS_NOT_CONFORM",
      cause: { status: 404 },
    });
    expect(idp.requests[requests]).toBe(
      `GET /${TENANT}/v2.0/v2.0/.well-known/openid-configuration`,
    );
  });

  it("fails at the token endpoint when OpenMetadata's server uses an spa application, which takes no secret", async () => {
    // The public app's registration, used with the confidential client's settings.
    const other = await startProvider({
      shape: SHAPES.entra(TENANT),
      clients: [
        {
          ...publicApp.client,
          metadata: {
            ...publicApp.client.metadata,
            client_id: confidential.env.OIDC_CLIENT_ID,
            client_secret: confidential.env.OIDC_CLIENT_SECRET,
          },
        },
      ],
      users: [ALICE],
      serves: [ENTRA],
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
});
