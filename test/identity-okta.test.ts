/**
 * The Okta app under the mock runtime: the exact `okta.app.OAuth` and group assignments it
 * registers for each client type, how it looks up the authorization server, and the client it hands
 * OpenMetadata. Not verified here: what Okta's API accepts (see test/e2e/okta.test.ts).
 */
import * as random from "@pulumi/random";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OktaApp, unassignedWarning } from "../components/identity/okta";
import { CALLBACKS, plainFacts, PUBLIC_URL, tree } from "./support/identity";
import {
  isSecret,
  one,
  overlayConfig,
  record,
  recordWithInvokes,
  useMocks,
  valueOf,
  type RecordedResource,
} from "./support/pulumi";

let restoreConfig: () => void;

beforeAll(() => {
  useMocks();
  // The mocked getServer builds the issuer from the Okta provider's org, as Okta does.
  restoreConfig = overlayConfig({ "okta:orgName": "acme", "okta:baseUrl": "okta.com" });
});

afterAll(() => {
  restoreConfig();
});

const OAUTH = "okta:app/oAuth:OAuth";
const GROUP_ASSIGNMENT = "okta:app/groupAssignment:GroupAssignment";

/** The OAuth settings every OpenMetadata app gets, apart from what its client type decides. */
const APP_INPUTS = {
  grantTypes: ["authorization_code", "refresh_token"],
  responseTypes: ["code"],
  redirectUris: CALLBACKS,
  postLogoutRedirectUris: [`${PUBLIC_URL}/signin`],
  pkceRequired: true,
};

describe("OktaApp, confidential", () => {
  let resources: RecordedResource[];
  let app: OktaApp["app"];
  let invokes: { token: string; inputs: Record<string, unknown> }[];

  beforeAll(async () => {
    let result: OktaApp;
    ({ resources, result, invokes } = await recordWithInvokes(
      () =>
        new OktaApp("om-okta", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (prod)",
          authorizationServer: "aus1openmetadata",
          groupIds: ["00g1admins", "00g2analysts"],
        }),
    ));
    app = result.app;
  });

  it("registers a web app and one assignment per group, under the component", () => {
    expect(tree(resources)).toEqual(
      [
        "openmetadata-sso:index:OktaApp om-okta <- null",
        `${OAUTH} om-okta-app <- om-okta`,
        `${GROUP_ASSIGNMENT} om-okta-group-00g1admins <- om-okta`,
        `${GROUP_ASSIGNMENT} om-okta-group-00g2analysts <- om-okta`,
      ].sort(),
    );
  });

  it("gives the web app the code flow with client_secret_post and PKCE, nothing else", () => {
    const oauth = one(resources, OAUTH, "om-okta-app");
    expect(oauth.inputs).toEqual({
      ...APP_INPUTS,
      label: "OpenMetadata (prod)",
      type: "web",
      tokenEndpointAuthMethod: "client_secret_post",
      refreshTokenRotation: "STATIC",
    });
    expect(oauth.options.dependencies).toEqual([]);
  });

  it("assigns each group to the app by the app's id", () => {
    const oauth = one(resources, OAUTH, "om-okta-app");
    const assignments = resources.filter((r) => r.type === GROUP_ASSIGNMENT);
    expect(
      assignments.map((r) => ({
        name: r.name,
        inputs: r.inputs,
        dependencies: r.options.dependencies,
      })),
    ).toEqual([
      {
        name: "om-okta-group-00g1admins",
        // The mock provider's id of the OAuth app.
        inputs: { appId: "om-okta-app-id", groupId: "00g1admins" },
        dependencies: [oauth.urn],
      },
      {
        name: "om-okta-group-00g2analysts",
        inputs: { appId: "om-okta-app-id", groupId: "00g2analysts" },
        dependencies: [oauth.urn],
      },
    ]);
  });

  it("looks up the named authorization server once", () => {
    expect(invokes).toEqual([
      { token: "okta:auth/getServer:getServer", inputs: { name: "aus1openmetadata" } },
    ]);
  });

  it("returns the app's client id and its secret, as a Pulumi secret", async () => {
    const outputs = one(resources, OAUTH, "om-okta-app").outputs!;
    expect(await valueOf(app.clientId)).toBe(outputs.clientId);
    expect(outputs.clientId).toMatch(/^0oa[0-9a-f]{17}$/);
    // The mock provider does not mark clientSecret secret (the engine would): the app does.
    expect(await isSecret(app.clientSecret!)).toBe(true);
    expect(await valueOf(app.clientSecret!)).toBe(outputs.clientSecret);
    expect(outputs.clientSecret).toMatch(/^[0-9a-f]{40}$/);
  });

  it("hands OpenMetadata the okta provider and the authorization server's issuer, discovery and keys", async () => {
    expect({
      issuer: await valueOf(app.issuer),
      discoveryUrl: await valueOf(app.discoveryUrl),
      jwksUrl: await valueOf(app.jwksUrl),
      ...plainFacts(app),
      tenant: app.tenant,
    }).toEqual({
      issuer: "https://acme.okta.com/oauth2/aus1openmetadata",
      discoveryUrl:
        "https://acme.okta.com/oauth2/aus1openmetadata/.well-known/openid-configuration",
      jwksUrl: "https://acme.okta.com/oauth2/aus1openmetadata/v1/keys",
      openMetadataProvider: "okta",
      providerName: "Okta",
      clientType: "confidential",
      tokenEndpointAuthMethod: "client_secret_post",
      pkce: true,
      redirectUris: CALLBACKS,
      tenant: undefined,
    });
  });
});

describe("OktaApp, public", () => {
  let resources: RecordedResource[];
  let app: OktaApp["app"];
  let invokes: { token: string; inputs: Record<string, unknown> }[];

  beforeAll(async () => {
    let result: OktaApp;
    ({ resources, result, invokes } = await recordWithInvokes(
      () =>
        new OktaApp("spa", {
          publicUrl: PUBLIC_URL,
          appName: "OpenMetadata (spa)",
          clientType: "public",
        }),
    ));
    app = result.app;
  });

  it("registers a browser app with auth method none and PKCE, and no group assignment without groupIds", () => {
    expect(tree(resources)).toEqual(
      ["openmetadata-sso:index:OktaApp spa <- null", `${OAUTH} spa-app <- spa`].sort(),
    );
    expect(one(resources, OAUTH, "spa-app").inputs).toEqual({
      ...APP_INPUTS,
      label: "OpenMetadata (spa)",
      type: "browser",
      tokenEndpointAuthMethod: "none",
      refreshTokenRotation: "ROTATE",
      refreshTokenLeeway: 30,
    });
  });

  it("looks up the default authorization server", () => {
    expect(invokes).toEqual([
      { token: "okta:auth/getServer:getServer", inputs: { name: "default" } },
    ]);
  });

  it("hands OpenMetadata a public client without a secret, on the default server's issuer", async () => {
    expect(app.clientSecret).toBeUndefined();
    expect(await valueOf(app.clientId)).toBe(one(resources, OAUTH, "spa-app").outputs!.clientId);
    expect({
      issuer: await valueOf(app.issuer),
      discoveryUrl: await valueOf(app.discoveryUrl),
      jwksUrl: await valueOf(app.jwksUrl),
      ...plainFacts(app),
      tenant: app.tenant,
    }).toEqual({
      issuer: "https://acme.okta.com/oauth2/default",
      discoveryUrl: "https://acme.okta.com/oauth2/default/.well-known/openid-configuration",
      jwksUrl: "https://acme.okta.com/oauth2/default/v1/keys",
      openMetadataProvider: "okta",
      providerName: "Okta",
      clientType: "public",
      tokenEndpointAuthMethod: "none",
      pkce: true,
      redirectUris: CALLBACKS,
      tenant: undefined,
    });
  });
});

describe("OktaApp's client id", () => {
  it("makes whatever uses it wait for the group assignments, since only assigned users sign in", async () => {
    const { resources } = await record(() => {
      const okta = new OktaApp("om-okta", {
        publicUrl: PUBLIC_URL,
        appName: "OpenMetadata",
        groupIds: ["00g1admins"],
      });
      return new random.RandomId("consumer", {
        byteLength: 4,
        keepers: { clientId: okta.app.clientId },
      });
    });
    const urn = (type: string, name: string) => one(resources, type, name).urn;
    expect(
      [...one(resources, "random:index/randomId:RandomId", "consumer").options.dependencies].sort(),
    ).toEqual(
      [urn(OAUTH, "om-okta-app"), urn(GROUP_ASSIGNMENT, "om-okta-group-00g1admins")].sort(),
    );
  });
});

describe("unassignedWarning", () => {
  it("warns that nobody can sign in without groups, and only then", () => {
    const warning =
      'identity.okta.groupIds is empty, so nobody is assigned to the OpenMetadata app and Okta refuses every sign-in ("User is not assigned to the client application") until users or groups are assigned to it in Okta. List the groups that may sign in in identity.okta.groupIds.';
    expect(unassignedWarning(undefined)).toBe(warning);
    expect(unassignedWarning([])).toBe(warning);
    expect(unassignedWarning(["00g1"])).toBeUndefined();
  });
});
