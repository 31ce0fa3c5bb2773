import { beforeAll, describe, expect, it } from "vitest";
import {
  EntraApp,
  entraPlatforms,
  entraUrls,
  GRAPH_OPENID_SCOPES,
} from "../components/identity/entra";
import { isSecret, one, record, useMocks, valueOf } from "./support/pulumi";
import type { RecordedResource } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

/** Each registration as "type name <- parent", sorted: registration order is not deterministic. */
function tree(resources: RecordedResource[]): string[] {
  return resources.map((r) => `${r.type} ${r.name} <- ${r.parent}`).sort();
}

const PUBLIC_URL = "https://openmetadata.example.com";
const CALLBACKS = [`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/auth/callback`];
const REGISTERED = [...CALLBACKS, `${PUBLIC_URL}/signin`];
const TENANT = "11111111-2222-3333-4444-555555555555";
const NO_IMPLICIT = { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false };

/** Application inputs both client types share. */
const COMMON_INPUTS = {
  displayName: "OpenMetadata (prod)",
  signInAudience: "AzureADMyOrg",
  api: { requestedAccessTokenVersion: 2 },
  optionalClaims: { idTokens: [{ name: "email" }] },
  requiredResourceAccesses: [
    {
      resourceAppId: "00000003-0000-0000-c000-000000000000",
      resourceAccesses: [
        { id: "37f7f235-527c-4136-accd-4a02d197296e", type: "Scope" },
        { id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", type: "Scope" },
        { id: "14dad69e-099b-42c9-810b-d002981feec1", type: "Scope" },
        { id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", type: "Scope" },
      ],
    },
  ],
};

describe("entraUrls", () => {
  it("derives the v2.0 issuer, discovery document and keys of a tenant", () => {
    expect(entraUrls(TENANT)).toEqual({
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      discoveryUrl: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
      jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    });
  });
});

describe("entraPlatforms", () => {
  it("puts a confidential client's URIs on the web platform and a public client's on the spa platform", () => {
    expect(entraPlatforms("confidential", PUBLIC_URL)).toEqual({
      web: { redirectUris: REGISTERED, implicitGrant: NO_IMPLICIT },
    });
    expect(entraPlatforms("public", PUBLIC_URL)).toEqual({
      web: { implicitGrant: NO_IMPLICIT },
      singlePageApplication: { redirectUris: REGISTERED },
    });
  });

  it("declares Graph's openid, email, profile and offline_access permissions", () => {
    expect(Object.keys(GRAPH_OPENID_SCOPES)).toEqual([
      "openid",
      "email",
      "profile",
      "offline_access",
    ]);
  });
});

describe("EntraApp", () => {
  it("registers the application, its service principal and a client secret for a confidential client", async () => {
    const { resources, result } = await record(
      () =>
        new EntraApp("om-entra", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          tenantId: TENANT,
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:EntraApp om-entra <- null",
        "azuread:index/application:Application om-entra-app <- om-entra",
        "azuread:index/servicePrincipal:ServicePrincipal om-entra-sp <- om-entra",
        "azuread:index/applicationPassword:ApplicationPassword om-entra-secret <- om-entra",
      ].sort(),
    );
    const application = one(resources, "azuread:index/application:Application", "om-entra-app");
    expect(application.inputs).toEqual({
      ...COMMON_INPUTS,
      web: { redirectUris: REGISTERED, implicitGrant: NO_IMPLICIT },
    });
    const clientId = await valueOf(result.app.clientId);
    expect(clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(
      one(resources, "azuread:index/servicePrincipal:ServicePrincipal", "om-entra-sp").inputs,
    ).toEqual({ clientId });
    // applicationId is the application's resource id (mocked as "<name>-id").
    expect(
      one(resources, "azuread:index/applicationPassword:ApplicationPassword", "om-entra-secret")
        .inputs,
    ).toEqual({ applicationId: "om-entra-app-id", displayName: "OpenMetadata" });

    const app = result.app;
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toMatch(/^[0-9a-f]{40}$/);
    expect(await valueOf(app.issuer)).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    expect(await valueOf(app.discoveryUrl)).toBe(
      `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(await valueOf(app.jwksUrl)).toBe(
      `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    );
    expect(await valueOf(app.tenant!)).toBe(TENANT);
    expect({
      openMetadataProvider: app.openMetadataProvider,
      providerName: app.providerName,
      clientType: app.clientType,
      tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
      pkce: app.pkce,
      redirectUris: app.redirectUris,
    }).toEqual({
      openMetadataProvider: "azure",
      providerName: "Azure",
      clientType: "confidential",
      tokenEndpointAuthMethod: "client_secret_post",
      pkce: true,
      redirectUris: CALLBACKS,
    });
  });

  it("registers a public client as a single-page application without a secret", async () => {
    const { resources, result } = await record(
      () =>
        new EntraApp("spa", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          clientType: "public",
          tenantId: TENANT,
          signInAudience: "AzureADMultipleOrgs",
        }),
    );
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:EntraApp spa <- null",
        "azuread:index/application:Application spa-app <- spa",
        "azuread:index/servicePrincipal:ServicePrincipal spa-sp <- spa",
      ].sort(),
    );
    expect(one(resources, "azuread:index/application:Application", "spa-app").inputs).toEqual({
      ...COMMON_INPUTS,
      signInAudience: "AzureADMultipleOrgs",
      web: { implicitGrant: NO_IMPLICIT },
      singlePageApplication: { redirectUris: REGISTERED },
    });
    expect(result.app.clientSecret).toBeUndefined();
    expect(result.app.tokenEndpointAuthMethod).toBe("none");
    expect(result.app.pkce).toBe(true);
    expect(result.app.clientType).toBe("public");
  });
});
