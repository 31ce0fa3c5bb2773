import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { OneLoginApp } from "../components/identity/onelogin";
import {
  appRequestBody,
  oneLoginDiff,
  rateLimitDecision,
  splitUris,
  type OneLoginAppInputs,
} from "../components/identity/onelogin-api";
import { CALLBACKS, plainFacts, PUBLIC_URL, tree } from "./support/identity";
import { isSecret, one, plain, record, SecretValue, useMocks, valueOf } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/openmetadata-sso:OneLoginOidcApp";

const BASE: OneLoginAppInputs = {
  subdomain: "acme",
  apiClientId: "api-id",
  apiClientSecret: "api-secret",
  connectorId: 108419,
  name: "OpenMetadata (prod)",
  redirectUris: CALLBACKS,
  logoutRedirectUris: [`${PUBLIC_URL}/signin`],
  loginUrl: `${PUBLIC_URL}/signin`,
  tokenEndpointAuthMethod: "client_secret_post",
};

describe("oneLoginDiff", () => {
  it("reports no change for identical inputs", () => {
    expect(oneLoginDiff(BASE, { ...BASE })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each([
    ["name", { name: "OpenMetadata (renamed)" }],
    ["redirect URIs", { redirectUris: ["https://om2.example.com/callback"] }],
    ["logout URIs", { logoutRedirectUris: ["https://om2.example.com/signin"] }],
    ["login URL", { loginUrl: "https://om2.example.com/signin" }],
    ["roles", { roleIds: [7, 8] }],
    ["a rotated API credential", { apiClientId: "api-id-2", apiClientSecret: "api-secret-2" }],
    ["Basic instead of POST", { tokenEndpointAuthMethod: "client_secret_basic" as const }],
  ])("updates in place for %s", (_label, change) => {
    expect(oneLoginDiff(BASE, { ...BASE, ...change })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each([
    ["subdomain", { subdomain: "other" }],
    ["apiBaseUrl", { apiBaseUrl: "http://127.0.0.1:9" }],
    ["connectorId", { connectorId: 110003 }],
    ["tokenEndpointAuthMethod", { tokenEndpointAuthMethod: "none" as const }],
  ])("replaces the app when %s changes", (key, change) => {
    expect(oneLoginDiff(BASE, { ...BASE, ...change })).toEqual({
      changes: true,
      replaces: [key],
      deleteBeforeReplace: false,
    });
  });

  it("replaces a public client that becomes confidential, since its secret was never returned", () => {
    const publicApp = { ...BASE, tokenEndpointAuthMethod: "none" as const };
    expect(oneLoginDiff(publicApp, BASE).replaces).toEqual(["tokenEndpointAuthMethod"]);
  });

  it("names every replacing key at once", () => {
    expect(
      oneLoginDiff(BASE, { ...BASE, subdomain: "other", connectorId: 1, name: "x" }).replaces,
    ).toEqual(["subdomain", "connectorId"]);
  });

  it("leaves roles unmanaged when absent on both sides, and counts a dropped role list as a change", () => {
    expect(oneLoginDiff({ ...BASE, roleIds: undefined }, { ...BASE }).changes).toBe(false);
    expect(oneLoginDiff({ ...BASE, roleIds: [1] }, { ...BASE }).changes).toBe(true);
  });
});

describe("appRequestBody", () => {
  it("sends the connector only on create, URIs newline-separated, and POST as code 1", () => {
    expect(appRequestBody({ ...BASE, roleIds: [3] }, "create")).toEqual({
      connector_id: 108419,
      name: "OpenMetadata (prod)",
      role_ids: [3],
      configuration: {
        redirect_uri: `${PUBLIC_URL}/callback\n${PUBLIC_URL}/auth/callback`,
        post_logout_redirect_uri: `${PUBLIC_URL}/signin`,
        login_url: `${PUBLIC_URL}/signin`,
        token_endpoint_auth_method: 1,
        oidc_application_type: 0,
      },
    });
    expect(
      appRequestBody({ ...BASE, tokenEndpointAuthMethod: "client_secret_basic" }, "update"),
    ).toEqual({
      name: "OpenMetadata (prod)",
      configuration: {
        redirect_uri: `${PUBLIC_URL}/callback\n${PUBLIC_URL}/auth/callback`,
        post_logout_redirect_uri: `${PUBLIC_URL}/signin`,
        login_url: `${PUBLIC_URL}/signin`,
        token_endpoint_auth_method: 0,
        oidc_application_type: 0,
      },
    });
    expect(
      appRequestBody({ ...BASE, tokenEndpointAuthMethod: "none" }, "update").configuration,
    ).toMatchObject({ token_endpoint_auth_method: 2 });
  });

  it("reads OneLogin's comma- or newline-separated lists back", () => {
    expect(splitUris("https://a/cb, https://b/cb\nhttps://c/cb\n")).toEqual([
      "https://a/cb",
      "https://b/cb",
      "https://c/cb",
    ]);
    expect(splitUris(undefined)).toEqual([]);
  });
});

describe("rateLimitDecision", () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it("waits as long as OneLogin says its limit needs, up to 30 s", () => {
    expect(rateLimitDecision(1, headers({ "X-RateLimit-Reset": "2" }))).toEqual({ retryInS: 2 });
    expect(rateLimitDecision(2, headers({ "X-RateLimit-Reset": "30" }))).toEqual({ retryInS: 30 });
    expect(
      rateLimitDecision(1, headers({ "Retry-After": "0", "X-RateLimit-Reset": "832" })),
    ).toEqual({ retryInS: 0 });
  });

  it("backs off 1 s, then 2 s, when OneLogin names no time or one that is not a number", () => {
    expect(rateLimitDecision(1, headers({}))).toEqual({ retryInS: 1 });
    expect(rateLimitDecision(2, headers({ "X-RateLimit-Reset": "soon" }))).toEqual({ retryInS: 2 });
  });

  it("gives up when the limit resets later than 30 s, or after the third send", () => {
    expect(rateLimitDecision(1, headers({ "X-RateLimit-Reset": "31" }))).toEqual({ resetInS: 31 });
    expect(rateLimitDecision(3, headers({ "X-RateLimit-Reset": "0" }))).toEqual({ resetInS: 0 });
    expect(rateLimitDecision(3, headers({}))).toEqual({ resetInS: undefined });
  });
});

describe("OneLoginApp", () => {
  it("registers one OneLogin OIDC app through the dynamic provider, with secret credentials", async () => {
    const { resources, result } = await record(
      () =>
        new OneLoginApp("om-onelogin", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          subdomain: pulumi.secret("acme"),
          apiClientId: pulumi.secret("api-id"),
          apiClientSecret: pulumi.secret("api-secret-value"),
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:OneLoginApp om-onelogin <- null",
        `${DYNAMIC_TYPE} om-onelogin-app <- om-onelogin`,
      ].sort(),
    );
    const oidcApp = one(resources, DYNAMIC_TYPE, "om-onelogin-app");
    const { __provider: provider, ...inputs } = oidcApp.inputs;
    expect(inputs).toEqual({
      subdomain: new SecretValue("acme"),
      apiClientId: new SecretValue("api-id"),
      apiClientSecret: new SecretValue("api-secret-value"),
      connectorId: 108419,
      name: "OpenMetadata (prod)",
      redirectUris: CALLBACKS,
      logoutRedirectUris: [`${PUBLIC_URL}/signin`],
      loginUrl: `${PUBLIC_URL}/signin`,
      tokenEndpointAuthMethod: "client_secret_post",
    });
    // The serialized provider is code only: no credential is captured in it.
    expect(typeof provider).toBe("string");
    expect(provider).toContain("/api/2/apps");
    expect(provider).not.toContain("api-secret-value");

    const app = result.app;
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toMatch(/^[0-9a-f]{64}$/);
    expect(await valueOf(app.clientId)).toMatch(/^[0-9a-f]{36}$/);
    // The subdomain is a secret input, but the issuer is public: browsers are sent to it and
    // OpenMetadata publishes it at /api/v1/system/config/auth.
    expect(await isSecret(app.issuer)).toBe(false);
    expect(await valueOf(app.issuer)).toBe("https://acme.onelogin.com/oidc/2");
    expect(await valueOf(app.discoveryUrl)).toBe(
      "https://acme.onelogin.com/oidc/2/.well-known/openid-configuration",
    );
    expect(await valueOf(app.jwksUrl)).toBe("https://acme.onelogin.com/oidc/2/certs");
    expect({
      ...plainFacts(app),
      tenant: app.tenant,
    }).toEqual({
      openMetadataProvider: "custom-oidc",
      providerName: "OneLogin",
      clientType: "confidential",
      tokenEndpointAuthMethod: "client_secret_post",
      pkce: true,
      redirectUris: CALLBACKS,
      tenant: undefined,
    });
  });

  it("passes the API base URL, connector and roles through, and makes plain credentials secret", async () => {
    const { resources } = await record(
      () =>
        new OneLoginApp("ol", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (test)",
          subdomain: "acme",
          apiClientId: "api-id",
          apiClientSecret: "api-secret",
          apiBaseUrl: "http://127.0.0.1:8080",
          connectorId: 110003,
          roleIds: [11, 12],
        }),
    );
    const inputs = plain(one(resources, DYNAMIC_TYPE, "ol-app").inputs) as Record<string, unknown>;
    expect(inputs).toMatchObject({
      apiBaseUrl: "http://127.0.0.1:8080",
      connectorId: 110003,
      roleIds: [11, 12],
    });
    const raw = one(resources, DYNAMIC_TYPE, "ol-app").inputs;
    expect(raw.subdomain).toEqual(new SecretValue("acme"));
    expect(raw.apiClientId).toEqual(new SecretValue("api-id"));
    expect(raw.apiClientSecret).toEqual(new SecretValue("api-secret"));
  });

  it("registers a public client with auth method none and returns no secret", async () => {
    const { resources, result } = await record(
      () =>
        new OneLoginApp("pub", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (pub)",
          clientType: "public",
          subdomain: "acme",
          apiClientId: "api-id",
          apiClientSecret: "api-secret",
        }),
    );
    expect(plain(one(resources, DYNAMIC_TYPE, "pub-app").inputs)).toMatchObject({
      tokenEndpointAuthMethod: "none",
    });
    expect(result.app.clientSecret).toBeUndefined();
    expect(result.app.tokenEndpointAuthMethod).toBe("none");
    expect(result.app.pkce).toBe(true);
  });
});
