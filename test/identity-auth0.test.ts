import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  Auth0App,
  auth0RefreshToken,
  auth0Urls,
  requireClientSecret,
} from "../components/identity/auth0";
import { CALLBACKS, plainFacts, PUBLIC_URL, tree } from "./support/identity";
import {
  isSecret,
  one,
  outcome,
  plain,
  record,
  recordWithOutputs,
  useMocks,
  valueOf,
} from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

describe("auth0Urls", () => {
  it("derives the issuer with Auth0's trailing slash, the discovery document and the JWKS", () => {
    expect(auth0Urls("acme.eu.auth0.com")).toEqual({
      issuer: "https://acme.eu.auth0.com/",
      discoveryUrl: "https://acme.eu.auth0.com/.well-known/openid-configuration",
      jwksUrl: "https://acme.eu.auth0.com/.well-known/jwks.json",
    });
  });
});

describe("Auth0App", () => {
  it("makes whatever uses the client id wait for its connections, through which users sign in", async () => {
    const { resources } = await record(() => {
      const auth0App = new Auth0App("om-auth0", {
        publicUrl: PUBLIC_URL,
        appName: "OpenMetadata",
        domain: "acme.eu.auth0.com",
        connections: ["Username-Password-Authentication"],
      });
      return new random.RandomId("consumer", {
        byteLength: 4,
        keepers: { clientId: auth0App.app.clientId },
      });
    });
    const urn = (type: string, name: string) => one(resources, type, name).urn;
    expect(
      [...one(resources, "random:index/randomId:RandomId", "consumer").options.dependencies].sort(),
    ).toEqual(
      [
        urn("auth0:index/client:Client", "om-auth0-client"),
        urn(
          "auth0:index/connectionClient:ConnectionClient",
          "om-auth0-connection-Username-Password-Authentication",
        ),
      ].sort(),
    );
  });

  it("registers a regular_web client, client_secret_post credentials and one enabled connection per name", async () => {
    const { resources, result } = await record(
      () =>
        new Auth0App("om-auth0", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          domain: "acme.eu.auth0.com",
          connections: ["Username-Password-Authentication", "google-oauth2"],
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:Auth0App om-auth0 <- null",
        "auth0:index/client:Client om-auth0-client <- om-auth0",
        "auth0:index/clientCredentials:ClientCredentials om-auth0-credentials <- om-auth0",
        "auth0:index/connectionClient:ConnectionClient om-auth0-connection-Username-Password-Authentication <- om-auth0",
        "auth0:index/connectionClient:ConnectionClient om-auth0-connection-google-oauth2 <- om-auth0",
      ].sort(),
    );
    const client = one(resources, "auth0:index/client:Client", "om-auth0-client");
    expect(client.inputs).toEqual({
      name: "OpenMetadata (prod)",
      // The SDK's own default.
      description: "Managed by Pulumi",
      appType: "regular_web",
      oidcConformant: true,
      grantTypes: ["authorization_code", "refresh_token"],
      callbacks: CALLBACKS,
      allowedLogoutUrls: [`${PUBLIC_URL}/signin`],
      webOrigins: [PUBLIC_URL],
      jwtConfiguration: { alg: "RS256" },
    });
    const clientId = await valueOf(result.app.clientId);
    const credentials = one(
      resources,
      "auth0:index/clientCredentials:ClientCredentials",
      "om-auth0-credentials",
    );
    expect(credentials.inputs).toEqual({ clientId, authenticationMethod: "client_secret_post" });
    expect(credentials.options.dependencies).toContain(client.urn);

    const enabled = resources
      .filter((r) => r.type === "auth0:index/connectionClient:ConnectionClient")
      .map((r) => r.inputs);
    // Connection ids come from the getConnection lookup by name (mocked).
    expect(enabled).toEqual([
      { connectionId: expect.stringMatching(/^con_[0-9a-f]{16}$/), clientId },
      { connectionId: expect.stringMatching(/^con_[0-9a-f]{16}$/), clientId },
    ]);
    expect(enabled[0].connectionId).not.toBe(enabled[1].connectionId);

    const secret = result.app.clientSecret!;
    expect(await isSecret(secret)).toBe(true);
    expect(await valueOf(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("hands OpenMetadata the auth0 provider, the tenant's issuer and client_secret_post with PKCE", async () => {
    const { result } = await record(
      () =>
        new Auth0App("facts", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata",
          domain: "acme.us.auth0.com",
        }),
    );
    const app = result.app;
    expect(await valueOf(app.issuer)).toBe("https://acme.us.auth0.com/");
    expect(await valueOf(app.discoveryUrl)).toBe(
      "https://acme.us.auth0.com/.well-known/openid-configuration",
    );
    expect(await valueOf(app.jwksUrl)).toBe("https://acme.us.auth0.com/.well-known/jwks.json");
    expect({
      ...plainFacts(app),
      tenant: app.tenant,
    }).toEqual({
      openMetadataProvider: "auth0",
      providerName: "Auth0",
      clientType: "confidential",
      tokenEndpointAuthMethod: "client_secret_post",
      pkce: true,
      redirectUris: CALLBACKS,
      tenant: undefined,
    });
  });

  it("registers a public client as an spa with rotating refresh tokens, auth method none and no secret", async () => {
    const { resources, result } = await record(
      () =>
        new Auth0App("spa", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (spa)",
          clientType: "public",
          domain: "acme.eu.auth0.com",
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:Auth0App spa <- null",
        "auth0:index/client:Client spa-client <- spa",
        "auth0:index/clientCredentials:ClientCredentials spa-credentials <- spa",
      ].sort(),
    );
    const client = one(resources, "auth0:index/client:Client", "spa-client");
    expect(client.inputs).toEqual({
      name: "OpenMetadata (spa)",
      description: "Managed by Pulumi",
      appType: "spa",
      oidcConformant: true,
      grantTypes: ["authorization_code", "refresh_token"],
      callbacks: CALLBACKS,
      allowedLogoutUrls: [`${PUBLIC_URL}/signin`],
      webOrigins: [PUBLIC_URL],
      jwtConfiguration: { alg: "RS256" },
      refreshToken: auth0RefreshToken("public"),
    });
    const clientId = await valueOf(result.app.clientId);
    expect(
      plain(
        one(resources, "auth0:index/clientCredentials:ClientCredentials", "spa-credentials").inputs,
      ),
    ).toEqual({ clientId, authenticationMethod: "none" });
    expect(result.app.clientSecret).toBeUndefined();
    expect(result.app.tokenEndpointAuthMethod).toBe("none");
    expect(result.app.pkce).toBe(true);
    expect(result.app.clientType).toBe("public");
  });

  it("gives a public client Auth0's default rotation lifetimes and a confidential one no policy", () => {
    expect(auth0RefreshToken("public")).toEqual({
      rotationType: "rotating",
      expirationType: "expiring",
      leeway: 0,
      tokenLifetime: 2_592_000,
      infiniteTokenLifetime: false,
      idleTokenLifetime: 1_296_000,
      infiniteIdleTokenLifetime: false,
    });
    expect(auth0RefreshToken("confidential")).toBeUndefined();
  });
});

describe("an empty client secret from Auth0", () => {
  const EMPTY_SECRET =
    'Auth0 returned an empty client secret for "OpenMetadata (staging)": the Auth0 Management API application that Pulumi signs in with (auth0:clientId) lacks the read:client_keys scope. Grant it in the Auth0 dashboard under Applications > APIs > Auth0 Management API > Machine To Machine Applications (or issue auth0:apiToken with that scope), then run pulumi up again.';

  it("is refused with the missing scope and where to grant it", async () => {
    const failure = outcome(requireClientSecret(pulumi.output(""), "OpenMetadata (staging)"));
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(EMPTY_SECRET);
  });

  it("passes a secret through as a Pulumi secret", async () => {
    const secret = requireClientSecret(pulumi.output("s3cret"), "OpenMetadata (staging)");
    expect(await isSecret(secret)).toBe(true);
    expect(await outcome(secret)).toBe("s3cret");
  });

  it("is not checked while the value is unknown, as in a preview", async () => {
    const secret = requireClientSecret(
      pulumi.output(pulumi.unknown) as pulumi.Output<string>,
      "OpenMetadata (staging)",
    );
    // Output.isKnown is internal to the SDK; it is what the engine receives.
    expect(await (secret as unknown as { isKnown: Promise<boolean> }).isKnown).toBe(false);
    expect(await outcome(secret)).toBeUndefined();
  });

  it("fails a confidential client's secret output when ClientCredentials returns an empty string", async () => {
    const { resources, result } = await recordWithOutputs(
      ({ type }) =>
        type === "auth0:index/clientCredentials:ClientCredentials"
          ? { clientSecret: "" }
          : undefined,
      () =>
        new Auth0App("empty", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (staging)",
          domain: "acme.eu.auth0.com",
        }),
    );
    const credentials = one(
      resources,
      "auth0:index/clientCredentials:ClientCredentials",
      "empty-credentials",
    );
    // The provider answered with an empty secret, as Auth0 does without read:client_keys.
    expect(credentials.outputs?.clientSecret).toBe("");
    const failure = outcome(result.app.clientSecret!);
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(EMPTY_SECRET);
  });

  it("leaves the other outputs and later registrations alone", async () => {
    const { resources, result } = await record(
      () =>
        new Auth0App("after", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (staging)",
          domain: "acme.eu.auth0.com",
        }),
    );
    expect(await isSecret(result.app.clientSecret!)).toBe(true);
    expect(await outcome(result.app.clientSecret!)).toMatch(/^[0-9a-f]{64}$/);
    expect(
      one(resources, "auth0:index/clientCredentials:ClientCredentials", "after-credentials").outputs
        ?.clientSecret,
    ).toMatch(/^[0-9a-f]{64}$/);
  });
});
