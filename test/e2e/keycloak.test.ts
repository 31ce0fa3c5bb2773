/**
 * Real-protocol end-to-end test of the client in an existing Keycloak: an in-process OpenID
 * provider shaped like Keycloak 26 (`/realms/<realm>/protocol/openid-connect/...`) holds the
 * client exactly as `KeycloakClient` creates it (the recorded `keycloak.openid.Client` inputs:
 * access type, flows, redirect URIs, PKCE method), and openid-client logs in with exactly the
 * settings `securityEnv()` hands to OpenMetadata.
 *
 * The settings name `https://sso.example.com`; the test rewrites only that origin to the local
 * server's and keeps every path. OpenMetadata's own URLs are not rewritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeycloakClient } from "../../components/identity/keycloak";
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
  type TokenEndpointAuthMethodName,
} from "../support/oidc";
import { one, plain, record, useMocks, valueOf } from "../support/pulumi";

const ALICE = testUser("alice", {
  sub: "5b6f0c1e-8f7a-4c2d-9e3b-7a1d2c3b4a5f",
  email: "alice@example.com",
  email_verified: true,
  preferred_username: "alice",
  given_name: "Alice",
  family_name: "Liddell",
});

/** The client's recorded inputs, as the Keycloak provider sends them. */
interface KeycloakClientInputs {
  realmId: string;
  clientId: string;
  accessType: "CONFIDENTIAL" | "PUBLIC" | "BEARER-ONLY";
  clientAuthenticatorType?: string;
  standardFlowEnabled: boolean;
  implicitFlowEnabled: boolean;
  directAccessGrantsEnabled: boolean;
  serviceAccountsEnabled: boolean;
  validRedirectUris: string[];
  pkceCodeChallengeMethod?: string;
}

/**
 * How Keycloak authenticates a confidential client at the token endpoint, by its
 * `clientAuthenticatorType`: `client-secret` (the default) reads the secret from a Basic header or
 * the body, `client-secret-jwt` wants an assertion signed with the secret.
 */
const KEYCLOAK_AUTHENTICATORS: Record<string, TokenEndpointAuthMethodName[]> = {
  "client-secret": ["client_secret_basic", "client_secret_post"],
  "client-secret-jwt": ["client_secret_jwt"],
};

/**
 * How Keycloak holds such a client: the standard flow is the code grant (with refresh tokens),
 * a public client authenticates with `none` only, a confidential one as its authenticator says
 * (`authMethods`, which the test provider enforces), and a PKCE method makes PKCE required.
 * Anything the test provider cannot model fails loudly.
 */
function asRegistered(inputs: KeycloakClientInputs, secret: string | undefined): TestClient {
  if (inputs.accessType === "BEARER-ONLY" || inputs.directAccessGrantsEnabled) {
    throw new Error(`Client ${inputs.clientId}: not modelled`);
  }
  const authenticator = inputs.clientAuthenticatorType ?? "client-secret";
  const authMethods: TokenEndpointAuthMethodName[] | undefined =
    inputs.accessType === "PUBLIC" ? ["none"] : KEYCLOAK_AUTHENTICATORS[authenticator];
  if (!authMethods) {
    throw new Error(`Client ${inputs.clientId}: authenticator ${authenticator} not modelled`);
  }
  return {
    metadata: {
      client_id: inputs.clientId,
      ...(secret === undefined ? {} : { client_secret: secret }),
      redirect_uris: inputs.validRedirectUris,
      grant_types: [
        ...(inputs.standardFlowEnabled ? ["authorization_code", "refresh_token"] : []),
        ...(inputs.implicitFlowEnabled ? ["implicit"] : []),
      ],
      response_types: [
        ...(inputs.standardFlowEnabled ? ["code"] : []),
        ...(inputs.implicitFlowEnabled ? ["id_token"] : []),
      ],
      // oidc-provider needs one registered method; the test provider enforces authMethods.
      token_endpoint_auth_method: authMethods[0],
    },
    pkceRequired: inputs.pkceCodeChallengeMethod === "S256",
    authMethods,
  };
}

/** The Keycloak server the settings name; the test provider stands in for it and nothing else. */
const KEYCLOAK = "https://sso.example.com";

let env: Record<string, string>;
let inputs: KeycloakClientInputs;
let secret: string;
let idp: TestProvider;

beforeAll(async () => {
  useMocks();
  const { resources, result } = await record(
    () =>
      new KeycloakClient("om-keycloak", {
        publicUrl: DEFAULT_CONTEXT.publicUrl,
        appName: "OpenMetadata",
        url: "https://sso.example.com",
        realm: "acme",
      }),
  );
  inputs = plain(
    one(resources, "keycloak:openid/client:Client", "om-keycloak-client").inputs,
  ) as KeycloakClientInputs;
  env = await openMetadataEnv(result.app);
  secret = await valueOf(result.app.clientSecret!);
  idp = await startProvider({
    shape: SHAPES.keycloak("acme"),
    clients: [asRegistered(inputs, secret)],
    users: [ALICE],
    serves: [KEYCLOAK],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("Keycloak, confidential client (OpenMetadata's server)", () => {
  it("creates a confidential standard-flow client that requires PKCE S256", () => {
    expect(inputs).toMatchObject({
      realmId: "acme",
      clientId: "openmetadata",
      accessType: "CONFIDENTIAL",
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
      validRedirectUris: [
        "https://openmetadata.example.com/callback",
        "https://openmetadata.example.com/auth/callback",
      ],
      pkceCodeChallengeMethod: "S256",
    });
    // Keycloak's default authenticator, `client-secret`: the secret in a Basic header or the body.
    expect(inputs.clientAuthenticatorType).toBeUndefined();
    expect(asRegistered(inputs, secret).authMethods).toEqual([
      "client_secret_basic",
      "client_secret_post",
    ]);
    expect(env.AUTHENTICATION_AUTHORITY).toBe("https://sso.example.com/realms/acme");
    expect(env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
  });

  it("logs in through the authorization code flow and OpenMetadata accepts the ID token", async () => {
    const login = await serverLogin(env, idp, credentialsOf(ALICE));
    expect(idp.clientAuthentications).toEqual([
      { clientId: "openmetadata", method: "client_secret_post" },
    ]);
    expect(login.authorizationUrl.origin + login.authorizationUrl.pathname).toBe(
      `${idp.origin}/realms/acme/protocol/openid-connect/auth`,
    );
    const accepted = await verifyAsOpenMetadata(login, env, idp);
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/realms/acme`,
      aud: "openmetadata",
      email: "alice@example.com",
    });
    expect(accepted.principal).toBe("alice");
  });
});

describe("Keycloak, misconfigured", () => {
  it("fails at the token endpoint when the client's authenticator is not the plain client secret", async () => {
    const other = await startProvider({
      shape: SHAPES.keycloak("acme"),
      clients: [asRegistered({ ...inputs, clientAuthenticatorType: "client-secret-jwt" }, secret)],
      users: [ALICE],
      serves: [KEYCLOAK],
    });
    try {
      await expect(serverLogin(env, other, credentialsOf(ALICE))).rejects.toMatchObject(
        CLIENT_REFUSED,
      );
      expect(other.tokenErrors).toEqual([clientRefusal("openmetadata")]);
    } finally {
      await other.close();
    }
  });
});
