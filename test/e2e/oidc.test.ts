/**
 * Real-protocol end-to-end test of a generic OpenID provider (`identity.provider: oidc`), with an
 * existing client and with a client this package registers (RFC 7591), against one in-process
 * oidc-provider. Here no origin is rewritten: the component is given the local provider's real
 * issuer, reads its `jwks_uri` from the real discovery document at deploy time, and openid-client
 * logs in with exactly the settings `securityEnv()` hands to OpenMetadata.
 *
 * - Existing client: registered at the provider the way the component says it needs it (its
 *   `redirectUris`, auth method and PKCE), once with `client_secret_post` and once with
 *   `client_secret_basic`.
 * - Registration: the registration request is the recorded input of the component's
 *   `RegisteredClient`, sent by the dynamic provider's own create call (`registerClient`) to the
 *   provider's `registration_endpoint` with the initial access token. The provider assigns the
 *   client id and secret, so the settings are computed for the app with those values.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREFLIGHT_PASSED, preflightGate } from "../../components/checks/preflight";
import { OFFLINE_ENV } from "../../components/config";
import { OidcClient } from "../../components/identity/oidc";
import {
  deleteClient,
  registerClient,
  type RegistrationInputs,
  type RegistrationOutputs,
} from "../../components/identity/registration-api";
import type { IdentityApp } from "../../components/identity/types";
import type { TokenEndpointAuthMethod } from "../../components/types";
import { redirectUris } from "../../components/urls";
import {
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
  type TestProvider,
} from "../support/oidc";
import { one, plain, record, useMocks, valueOf } from "../support/pulumi";

const ALICE = testUser("alice", {
  sub: "alice-0001",
  email: "alice@example.com",
  email_verified: true,
  preferred_username: "alice",
});
const CREDENTIALS = credentialsOf(ALICE);
const INITIAL_ACCESS_TOKEN = "initial-access-token-for-openmetadata";

/**
 * Records a component as `pulumi up` would create it: outside the offline render the mock
 * harness sets up, so the component reads the real discovery document at deploy time.
 */
function online<T>(create: () => T): () => T {
  return () => {
    delete process.env[OFFLINE_ENV];
    return create();
  };
}

/** An existing confidential client, registered as the component says OpenMetadata needs it. */
function existing(method: TokenEndpointAuthMethod) {
  return {
    metadata: {
      client_id: `om-existing-${method}`,
      client_secret: `secret-of-${method}-0123456789`,
      redirect_uris: redirectUris(DEFAULT_CONTEXT.publicUrl),
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: method,
    },
    pkceRequired: true,
  };
}

let idp: TestProvider;

beforeAll(async () => {
  useMocks();
  idp = await startProvider({
    shape: SHAPES.generic("/oidc"),
    clients: [existing("client_secret_post"), existing("client_secret_basic")],
    users: [ALICE],
    initialAccessToken: INITIAL_ACCESS_TOKEN,
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("a generic provider, existing confidential client", () => {
  for (const method of ["client_secret_post", "client_secret_basic"] as const) {
    it(`logs in with ${method}, and OpenMetadata accepts the ID token`, async () => {
      const client = existing(method);
      const { result } = await record(
        online(
          () =>
            new OidcClient(`om-${method}`, {
              publicUrl: DEFAULT_CONTEXT.publicUrl,
              appName: "OpenMetadata",
              issuer: idp.issuer,
              clientId: client.metadata.client_id,
              clientSecret: client.metadata.client_secret,
              tokenEndpointAuthMethod: method,
            }),
        ),
      );
      expect(result.app.redirectUris).toEqual(client.metadata.redirect_uris);
      expect(result.app.tokenEndpointAuthMethod).toBe(method);
      expect(result.app.pkce).toBe(client.pkceRequired);
      const env = await openMetadataEnv(result.app);
      expect(env.OIDC_DISCOVERY_URI).toBe(`${idp.issuer}/.well-known/openid-configuration`);
      expect(env.AUTHENTICATION_PUBLIC_KEYS).toBe(
        `["${idp.issuer}/jwks","http://openmetadata-server:8585/api/v1/system/config/jwks"]`,
      );

      expect(env.OIDC_CLIENT_AUTH_METHOD).toBe(method);

      const before = idp.clientAuthentications.length;
      const login = await serverLogin(env, idp, CREDENTIALS);
      expect(idp.clientAuthentications.slice(before)).toEqual([
        { clientId: client.metadata.client_id, method },
      ]);
      const accepted = await verifyAsOpenMetadata(login, env, idp);
      expect(accepted.claims).toMatchObject({
        iss: idp.issuer,
        aud: client.metadata.client_id,
        email: "alice@example.com",
      });
      expect(accepted.principal).toBe("alice");
    });
  }
});

describe("a generic provider whose issuer ends in a slash (Authentik's /application/o/<app>/)", () => {
  it("keeps the slash in the authority, finds discovery under it, passes the preflight and logs in", async () => {
    const client = existing("client_secret_post");
    const slashed = await startProvider({
      shape: SHAPES.generic("/application/o/om/"),
      clients: [client],
      users: [ALICE],
    });
    try {
      expect(slashed.issuer).toBe(`${slashed.origin}/application/o/om/`);
      const { result } = await record(
        online(
          () =>
            new OidcClient("om-slashed", {
              publicUrl: DEFAULT_CONTEXT.publicUrl,
              appName: "OpenMetadata",
              issuer: slashed.issuer,
              clientId: client.metadata.client_id,
              clientSecret: client.metadata.client_secret,
            }),
        ),
      );
      const env = await openMetadataEnv(result.app);
      expect(env.AUTHENTICATION_AUTHORITY).toBe(slashed.issuer);
      expect(env.OIDC_DISCOVERY_URI).toBe(
        `${slashed.origin}/application/o/om/.well-known/openid-configuration`,
      );
      expect(env.AUTHENTICATION_PUBLIC_KEYS).toBe(
        `["${slashed.origin}/application/o/om/jwks","http://openmetadata-server:8585/api/v1/system/config/jwks"]`,
      );
      const gate = preflightGate(result.app, "oidc", { offline: false, dryRun: false });
      expect(await valueOf(gate)).toBe(PREFLIGHT_PASSED);

      const login = await serverLogin(env, slashed, CREDENTIALS);
      const accepted = await verifyAsOpenMetadata(login, env, slashed);
      expect(accepted.claims).toMatchObject({
        iss: slashed.issuer,
        aud: client.metadata.client_id,
        email: "alice@example.com",
      });
    } finally {
      await slashed.close();
    }
  });
});

describe("a generic provider, existing client set to another auth method", () => {
  it("fails at the token endpoint when the settings say client_secret_basic for a client_secret_post client", async () => {
    const client = existing("client_secret_post");
    const { result } = await record(
      online(
        () =>
          new OidcClient("om-mismatch", {
            publicUrl: DEFAULT_CONTEXT.publicUrl,
            appName: "OpenMetadata",
            issuer: idp.issuer,
            clientId: client.metadata.client_id,
            clientSecret: client.metadata.client_secret,
            tokenEndpointAuthMethod: "client_secret_basic",
          }),
      ),
    );
    const env = await openMetadataEnv(result.app);
    expect(env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_basic");
    const errors = idp.tokenErrors.length;
    // A refused Basic header comes back as a challenge, as oidc-provider answers it.
    await expect(serverLogin(env, idp, CREDENTIALS)).rejects.toMatchObject({
      code: "OAUTH_WWW_AUTHENTICATE_CHALLENGE",
      status: 401,
      cause: [
        {
          scheme: "basic",
          parameters: {
            realm: idp.issuer,
            error: "invalid_client",
            error_description: "client authentication failed",
          },
        },
      ],
    });
    expect(idp.tokenErrors.slice(errors)).toEqual([clientRefusal(client.metadata.client_id)]);
  });
});

describe("a generic provider, client registered through RFC 7591", () => {
  let inputs: RegistrationInputs;
  let registered: RegistrationOutputs;
  let app: IdentityApp;

  beforeAll(async () => {
    const { resources, result } = await record(
      online(
        () =>
          new OidcClient("om-oidc", {
            publicUrl: DEFAULT_CONTEXT.publicUrl,
            appName: "OpenMetadata",
            issuer: idp.issuer,
            registration: true,
            initialAccessToken: INITIAL_ACCESS_TOKEN,
          }),
      ),
    );
    const recorded = plain(
      one(
        resources,
        "pulumi-nodejs:dynamic/openmetadata-sso:RegisteredClient",
        "om-oidc-registration",
      ).inputs,
    ) as RegistrationInputs;
    inputs = {
      discoveryUrl: recorded.discoveryUrl,
      initialAccessToken: recorded.initialAccessToken,
      metadata: recorded.metadata,
    };
    registered = (await registerClient(inputs)).outs;
    // The provider assigned the client id and secret; the rest of the app is the component's.
    app = {
      ...result.app,
      clientId: pulumi.output(registered.clientId),
      clientSecret: pulumi.secret(registered.clientSecret),
    };
  });

  it("registers the client OpenMetadata needs", () => {
    expect(inputs).toEqual({
      discoveryUrl: `${idp.issuer}/.well-known/openid-configuration`,
      initialAccessToken: INITIAL_ACCESS_TOKEN,
      metadata: {
        client_name: "OpenMetadata",
        application_type: "web",
        redirect_uris: [
          "https://openmetadata.example.com/callback",
          "https://openmetadata.example.com/auth/callback",
        ],
        post_logout_redirect_uris: ["https://openmetadata.example.com/signin"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    });
    expect(registered.registrationEndpoint).toBe(`${idp.issuer}/reg`);
    expect(registered.clientSecret).not.toBe("");
  });

  it("logs in with the registered client, and OpenMetadata accepts the ID token", async () => {
    const env = await openMetadataEnv(app);
    const before = idp.clientAuthentications.length;
    const login = await serverLogin(env, idp, CREDENTIALS);
    // The provider holds the client to the method it registered with, and OpenMetadata used it.
    expect(idp.clientAuthentications.slice(before)).toEqual([
      { clientId: registered.clientId, method: "client_secret_post" },
    ]);
    const accepted = await verifyAsOpenMetadata(login, env, idp);
    expect(accepted.claims.aud).toBe(registered.clientId);
    expect(accepted.principal).toBe("alice");
  });

  it("cannot log in any more once the registration is deleted (RFC 7592)", async () => {
    const env = await openMetadataEnv(app);
    await deleteClient(registered);
    const failure = serverLogin(env, idp, CREDENTIALS);
    await expect(failure).rejects.toThrow(ProviderErrorPage);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      error: "invalid_client",
      description: "client is invalid",
    });
  });
});
