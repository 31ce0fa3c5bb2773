import { once } from "node:events";
import * as http from "node:http";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_ENV } from "../components/config";
import {
  existingClientProblems,
  OidcClient,
  registrationMetadata,
} from "../components/identity/oidc";
import {
  registrationDiff,
  type RegistrationOutputs,
} from "../components/identity/registration-api";
import { CALLBACKS, plainFacts, PUBLIC_URL, tree } from "./support/identity";
import { isSecret, one, record, SecretValue, useMocks, valueOf } from "./support/pulumi";

const ISSUER = "https://idp.example.com/tenant";
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/openmetadata-sso:RegisteredClient";

// A discovery document served locally, for the one test that reads jwks_uri for real.
let server: http.Server;
let discoveryBase: string;

beforeAll(async () => {
  useMocks();
  server = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${discoveryBase}/keys/from-discovery` }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  discoveryBase = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, "close");
});

/** Runs `fn` with the offline switch set (`"1"`) or cleared (`undefined`), then restores it. */
async function withOffline<T>(value: "1" | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env[OFFLINE_ENV];
  if (value === undefined) delete process.env[OFFLINE_ENV];
  else process.env[OFFLINE_ENV] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[OFFLINE_ENV];
    else process.env[OFFLINE_ENV] = before;
  }
}
const offline = <T>(fn: () => Promise<T>) => withOffline("1", fn);
/** The test harness runs offline; these tests talk to a discovery server on 127.0.0.1. */
const online = <T>(fn: () => Promise<T>) => withOffline(undefined, fn);

describe("registrationMetadata", () => {
  it("registers both callbacks, the logout page, code flow with refresh tokens and the auth method", () => {
    expect(
      registrationMetadata({
        appName: "OpenMetadata (prod)",
        publicUrl: PUBLIC_URL,
        tokenEndpointAuthMethod: "client_secret_basic",
      }),
    ).toEqual({
      client_name: "OpenMetadata (prod)",
      application_type: "web",
      redirect_uris: CALLBACKS,
      post_logout_redirect_uris: [`${PUBLIC_URL}/signin`],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    });
  });
});

describe("registrationDiff", () => {
  const metadata = registrationMetadata({
    appName: "OpenMetadata",
    publicUrl: PUBLIC_URL,
    tokenEndpointAuthMethod: "client_secret_post",
  });
  const olds: RegistrationOutputs = {
    discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
    initialAccessToken: "iat",
    metadata,
    registrationEndpoint: `${ISSUER}/reg`,
    clientId: "c1",
    clientSecret: "s1",
    registrationClientUri: `${ISSUER}/reg/c1`,
    registrationAccessToken: "rat",
    clientSecretExpiresAt: 0,
  };

  it("reports no change for the same inputs, whatever the initial access token", () => {
    expect(registrationDiff(olds, { ...olds, initialAccessToken: "another" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("updates metadata in place through the configuration endpoint", () => {
    const news = { ...olds, metadata: { ...metadata, redirect_uris: ["https://x/callback"] } };
    expect(registrationDiff(olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const basic = {
      ...olds,
      metadata: { ...metadata, token_endpoint_auth_method: "client_secret_basic" as const },
    };
    expect(registrationDiff(olds, basic).replaces).toEqual([]);
  });

  it("registers a new client for another provider, a change to or from none, or without RFC 7592", () => {
    expect(
      registrationDiff(olds, {
        ...olds,
        discoveryUrl: "https://other/.well-known/openid-configuration",
      }).replaces,
    ).toEqual(["discoveryUrl"]);
    const none = {
      ...olds,
      metadata: { ...metadata, token_endpoint_auth_method: "none" as const },
    };
    expect(registrationDiff(olds, none)).toEqual({
      changes: true,
      replaces: ["metadata"],
      deleteBeforeReplace: false,
    });
    const unmanaged = { ...olds, registrationClientUri: "" };
    expect(
      registrationDiff(unmanaged, { ...olds, metadata: { ...metadata, client_name: "renamed" } })
        .replaces,
    ).toEqual(["metadata"]);
  });
});

describe("existingClientProblems", () => {
  it("names the missing client id and secret with the fix", () => {
    expect(existingClientProblems({ clientType: "confidential" })).toEqual([
      "args.clientId is required for an existing client; got undefined. Set it to the client id registered at the provider, or set args.registration to true",
      "args.clientSecret is required for an existing confidential client; got undefined. Pass the client's secret as a secret Input",
    ]);
    expect(existingClientProblems({ clientType: "public", clientId: "spa" })).toEqual([]);
  });
});

describe("OidcClient with an existing client", () => {
  it("registers nothing but the component and hands over the client as given, secret made secret", async () => {
    const { resources, result } = await offline(() =>
      record(
        () =>
          new OidcClient("om-oidc", {
            publicUrl: PUBLIC_URL,
            appName: "OpenMetadata (prod)",
            issuer: ISSUER,
            clientId: "openmetadata",
            clientSecret: "plain-secret",
            providerName: "Corporate SSO",
          }),
      ),
    );
    expect(tree(resources)).toEqual(["openmetadata-sso:index:OidcClient om-oidc <- null"]);
    const app = result.app;
    expect(await valueOf(app.clientId)).toBe("openmetadata");
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toBe("plain-secret");
    expect(await valueOf(app.issuer)).toBe(ISSUER);
    expect(await valueOf(app.discoveryUrl)).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(await offline(() => valueOf(app.jwksUrl))).toBe(
      `<jwks_uri from ${ISSUER}/.well-known/openid-configuration, resolved at deploy time>`,
    );
    expect({
      ...plainFacts(app),
      tenant: app.tenant,
    }).toEqual({
      openMetadataProvider: "custom-oidc",
      providerName: "Corporate SSO",
      clientType: "confidential",
      tokenEndpointAuthMethod: "client_secret_post",
      pkce: true,
      redirectUris: CALLBACKS,
      tenant: undefined,
    });
  });

  it("reads jwks_uri from the discovery document at the given discovery URL, never from input", async () => {
    // The whole test runs online: the discovery request happens when the output resolves.
    await online(async () => {
      const { result } = await record(
        () =>
          new OidcClient("net", {
            publicUrl: PUBLIC_URL,
            appName: "OpenMetadata",
            issuer: ISSUER,
            discoveryUrl: `${discoveryBase}/.well-known/openid-configuration`,
            clientId: "openmetadata",
            clientSecret: pulumi.secret("s"),
            tokenEndpointAuthMethod: "client_secret_basic",
          }),
      );
      expect(await valueOf(result.app.discoveryUrl)).toBe(
        `${discoveryBase}/.well-known/openid-configuration`,
      );
      expect(await valueOf(result.app.jwksUrl)).toBe(`${discoveryBase}/keys/from-discovery`);
      expect(result.app.tokenEndpointAuthMethod).toBe("client_secret_basic");
      expect(result.app.providerName).toBe("SSO");
    });
  });

  it("takes a public client without a secret", async () => {
    const { result } = await offline(() =>
      record(
        () =>
          new OidcClient("pub", {
            publicUrl: PUBLIC_URL,
            appName: "OpenMetadata",
            clientType: "public",
            issuer: ISSUER,
            clientId: "spa",
          }),
      ),
    );
    expect(result.app.clientSecret).toBeUndefined();
    expect(result.app.tokenEndpointAuthMethod).toBe("none");
    expect(result.app.pkce).toBe(true);
  });

  it("refuses an existing confidential client without id and secret before registering anything", async () => {
    const { resources } = await record(() =>
      expect(
        () =>
          new OidcClient("bad", { publicUrl: PUBLIC_URL, appName: "OpenMetadata", issuer: ISSUER }),
      ).toThrow(
        "args.clientId is required for an existing client; got undefined. Set it to the client id registered at the provider, or set args.registration to true\nargs.clientSecret is required for an existing confidential client; got undefined. Pass the client's secret as a secret Input",
      ),
    );
    expect(resources).toEqual([]);
  });
});

describe("OidcClient with registration", () => {
  it("registers the client through the RFC 7591 dynamic provider with OpenMetadata's metadata", async () => {
    const { resources, result } = await offline(() =>
      record(
        () =>
          new OidcClient("om-oidc", {
            publicUrl: PUBLIC_URL,
            appName: "OpenMetadata (prod)",
            issuer: ISSUER,
            registration: true,
            initialAccessToken: "iat-value",
          }),
      ),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:OidcClient om-oidc <- null",
        `${DYNAMIC_TYPE} om-oidc-registration <- om-oidc`,
      ].sort(),
    );
    const registration = one(resources, DYNAMIC_TYPE, "om-oidc-registration");
    const { __provider: provider, ...inputs } = registration.inputs;
    expect(inputs).toEqual({
      discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
      initialAccessToken: new SecretValue("iat-value"),
      metadata: {
        client_name: "OpenMetadata (prod)",
        application_type: "web",
        redirect_uris: CALLBACKS,
        post_logout_redirect_uris: [`${PUBLIC_URL}/signin`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    });
    expect(typeof provider).toBe("string");
    expect(provider).not.toContain("iat-value");

    const app = result.app;
    expect(await valueOf(app.clientId)).toMatch(/^[0-9a-f]{24}$/);
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toMatch(/^[0-9a-f]{40}$/);
    expect(await valueOf(app.issuer)).toBe(ISSUER);
    expect(app.openMetadataProvider).toBe("custom-oidc");
    expect(app.tokenEndpointAuthMethod).toBe("client_secret_post");
    expect(app.redirectUris).toEqual(CALLBACKS);
  });

  it("registers a public client with auth method none and exposes no secret", async () => {
    const { resources, result } = await offline(() =>
      record(
        () =>
          new OidcClient("pub", {
            publicUrl: PUBLIC_URL,
            appName: "OpenMetadata",
            clientType: "public",
            issuer: ISSUER,
            registration: true,
          }),
      ),
    );
    const inputs = one(resources, DYNAMIC_TYPE, "pub-registration").inputs;
    expect(
      (inputs.metadata as { token_endpoint_auth_method: string }).token_endpoint_auth_method,
    ).toBe("none");
    expect(inputs.initialAccessToken).toBeUndefined();
    expect(result.app.clientSecret).toBeUndefined();
  });
});
