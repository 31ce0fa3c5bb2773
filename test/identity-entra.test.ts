import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EntraApp,
  entraPlatforms,
  entraUrls,
  GRAPH_OPENID_SCOPES,
  unassignedWarning,
} from "../components/identity/entra";
import { CALLBACKS, plainFacts, PUBLIC_URL, tree } from "./support/identity";
import { isSecret, one, record, useMocks, valueOf } from "./support/pulumi";
import type { RecordedResource } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const REGISTERED = [...CALLBACKS, `${PUBLIC_URL}/signin`];
const TENANT = "11111111-2222-3333-4444-555555555555";
const NO_IMPLICIT = { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false };
const APPLICATION = "azuread:index/application:Application";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment";
const ADMINS = "0a1b2c3d-1111-4222-8333-444455556666";
const ANALYSTS = "9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff";

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
    // Only users and groups assigned to the enterprise application get a token.
    expect(
      one(resources, "azuread:index/servicePrincipal:ServicePrincipal", "om-entra-sp").inputs,
    ).toEqual({ clientId, appRoleAssignmentRequired: true });
    // applicationId is the application's resource id (mocked as "<name>-id").
    expect(
      one(resources, "azuread:index/applicationPassword:ApplicationPassword", "om-entra-secret")
        .inputs,
    ).toEqual({
      // No rotateWhenChanged for the first label: adding it would replace an existing password.
      applicationId: "om-entra-app-id",
      displayName: "OpenMetadata",
    });

    const app = result.app;
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toMatch(/^[0-9a-f]{40}$/);
    // The mock provider's stand-in for Microsoft Graph's default, two years after creation.
    expect(await valueOf(result.secretEndDate!)).toBe("2028-01-01T00:00:00Z");
    expect(await valueOf(app.clientSecretEndDate!)).toBe("2028-01-01T00:00:00Z");
    expect(await isSecret(result.secretEndDate!)).toBe(false);
    expect(await valueOf(app.issuer)).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    expect(await valueOf(app.discoveryUrl)).toBe(
      `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(await valueOf(app.jwksUrl)).toBe(
      `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    );
    expect(await valueOf(app.tenant!)).toBe(TENANT);
    expect(plainFacts(app)).toEqual({
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
      web: { implicitGrant: NO_IMPLICIT },
      singlePageApplication: { redirectUris: REGISTERED },
    });
    expect(result.app.clientSecret).toBeUndefined();
    expect(result.app.clientSecretEndDate).toBeUndefined();
    expect(result.secretEndDate).toBeUndefined();
    expect(result.app.tokenEndpointAuthMethod).toBe("none");
    expect(result.app.pkce).toBe(true);
    expect(result.app.clientType).toBe("public");
  });
});

describe("EntraApp with groups and a rotated secret", () => {
  let resources: RecordedResource[];
  let result: EntraApp;

  beforeAll(async () => {
    ({ resources, result } = await record(
      () =>
        new EntraApp("om-entra", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          tenantId: TENANT,
          groupIds: [ADMINS, ANALYSTS],
          secretRotation: "2026-06",
          secretEndDate: "2027-06-30T00:00:00Z",
        }),
    ));
  });

  it("assigns each group to the service principal under the component, named by its id", () => {
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:EntraApp om-entra <- null",
        `${APPLICATION} om-entra-app <- om-entra`,
        `${SERVICE_PRINCIPAL} om-entra-sp <- om-entra`,
        `${ASSIGNMENT} om-entra-group-${ADMINS} <- om-entra`,
        `${ASSIGNMENT} om-entra-group-${ANALYSTS} <- om-entra`,
        `${PASSWORD} om-entra-secret <- om-entra`,
      ].sort(),
    );
  });

  it("grants each group the default access role on the service principal, by its object id", () => {
    const servicePrincipal = one(resources, SERVICE_PRINCIPAL, "om-entra-sp");
    const objectId = servicePrincipal.outputs!.objectId;
    expect(objectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      resources
        .filter((r) => r.type === ASSIGNMENT)
        .map((r) => ({ name: r.name, inputs: r.inputs, dependencies: r.options.dependencies })),
    ).toEqual([
      {
        name: `om-entra-group-${ADMINS}`,
        inputs: {
          appRoleId: "00000000-0000-0000-0000-000000000000",
          principalObjectId: ADMINS,
          resourceObjectId: objectId,
        },
        dependencies: [servicePrincipal.urn],
      },
      {
        name: `om-entra-group-${ANALYSTS}`,
        inputs: {
          appRoleId: "00000000-0000-0000-0000-000000000000",
          principalObjectId: ANALYSTS,
          resourceObjectId: objectId,
        },
        dependencies: [servicePrincipal.urn],
      },
    ]);
  });

  it("labels the secret with the rotation, gives it the end date and shows that date", async () => {
    expect(one(resources, PASSWORD, "om-entra-secret").inputs).toEqual({
      applicationId: "om-entra-app-id",
      displayName: "OpenMetadata",
      rotateWhenChanged: { rotation: "2026-06" },
      endDate: "2027-06-30T00:00:00Z",
    });
    expect(await valueOf(result.secretEndDate!)).toBe("2027-06-30T00:00:00Z");
    expect(await valueOf(result.app.clientSecretEndDate!)).toBe("2027-06-30T00:00:00Z");
    expect(await isSecret(result.app.clientSecret!)).toBe(true);
  });
});

describe("EntraApp's client id", () => {
  it("makes whatever uses it wait for the group assignments, since only assigned users sign in", async () => {
    const { resources } = await record(() => {
      const entra = new EntraApp("om-entra", {
        publicUrl: PUBLIC_URL,
        appName: "OpenMetadata",
        tenantId: TENANT,
        groupIds: [ADMINS],
      });
      return new random.RandomId("consumer", {
        byteLength: 4,
        keepers: { clientId: entra.app.clientId },
      });
    });
    const urn = (type: string, name: string) => one(resources, type, name).urn;
    expect(
      [...one(resources, "random:index/randomId:RandomId", "consumer").options.dependencies].sort(),
    ).toEqual(
      [urn(APPLICATION, "om-entra-app"), urn(ASSIGNMENT, `om-entra-group-${ADMINS}`)].sort(),
    );
  });
});

describe("unassignedWarning", () => {
  it("warns that nobody can sign in without groups, and only then", () => {
    const warning =
      "identity.entra.groupIds is empty, so nobody is assigned to the OpenMetadata application and Entra ID refuses every sign-in (AADSTS50105) until users or groups are assigned to it under Enterprise applications in the Microsoft Entra admin center. List the object ids of the groups that may sign in in identity.entra.groupIds.";
    expect(unassignedWarning(undefined)).toBe(warning);
    expect(unassignedWarning([])).toBe(warning);
    expect(unassignedWarning([ADMINS])).toBeUndefined();
  });
});
