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
  DEFAULT_CONTEXT,
  openMetadataEnv,
  serverLogin,
  SHAPES,
  startProvider,
  verifyAsOpenMetadata,
  type TestClient,
  type TestProvider,
  type TestUser,
} from "../support/oidc";
import { one, plain, record, useMocks, valueOf } from "../support/pulumi";

const ALICE: TestUser = {
  username: "alice",
  password: "correct horse battery staple",
  claims: {
    sub: "5b6f0c1e-8f7a-4c2d-9e3b-7a1d2c3b4a5f",
    email: "alice@example.com",
    email_verified: true,
    preferred_username: "alice",
    given_name: "Alice",
    family_name: "Liddell",
  },
};

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
 * How Keycloak holds such a client: the standard flow is the code grant (with refresh tokens),
 * a confidential client with the default `client-secret` authenticator accepts its secret in a
 * Basic header or the body (so does the test provider for either registered value), and a PKCE
 * method makes PKCE required. Anything the test provider cannot model fails loudly.
 */
function asRegistered(inputs: KeycloakClientInputs, secret: string | undefined): TestClient {
  if (inputs.accessType === "BEARER-ONLY" || inputs.directAccessGrantsEnabled) {
    throw new Error(`Client ${inputs.clientId}: not modelled`);
  }
  if ((inputs.clientAuthenticatorType ?? "client-secret") !== "client-secret") {
    throw new Error(`Client ${inputs.clientId}: authenticator not modelled`);
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
      token_endpoint_auth_method: inputs.accessType === "PUBLIC" ? "none" : "client_secret_basic",
    },
    pkceRequired: inputs.pkceCodeChallengeMethod === "S256",
  };
}

let env: Record<string, string>;
let inputs: KeycloakClientInputs;
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
  idp = await startProvider({
    shape: SHAPES.keycloak("acme"),
    clients: [asRegistered(inputs, await valueOf(result.app.clientSecret!))],
    users: [ALICE],
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
    expect(env.AUTHENTICATION_AUTHORITY).toBe("https://sso.example.com/realms/acme");
  });

  it("logs in through the authorization code flow and OpenMetadata accepts the ID token", async () => {
    const login = await serverLogin(env, idp, { username: "alice", password: ALICE.password });
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
