/**
 * The bare-metal `openmetadata.yaml` snippet (`openMetadataYaml` output, rendered openmetadata.yaml)
 * against the constraints of OpenMetadata's own configuration schemas, for every OpenMetadata
 * provider this package configures and both client types. The constraints are facts in
 * test/support/openmetadata-config.ts; a JSON Schema is written from them here.
 */
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bareMetalSnippet } from "../components/openmetadata-sso";
import { resolveEnv, securityEnv, securityYaml, type SecurityInput } from "../components/settings";
import { caseInput } from "./support/kubernetes";
import {
  AUTHENTICATION_CONFIGURATION,
  AUTHORIZER_CONFIGURATION,
  JWT_TOKEN_CONFIGURATION,
  OIDC_CLIENT_CONFIG,
  type ConfigBlock,
} from "./support/openmetadata-config";

/** A JSON Schema (draft-07) for one block, from its facts. */
function blockSchema(block: ConfigBlock, nested: Record<string, unknown> = {}) {
  return {
    type: "object",
    required: block.required,
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(block.keys).map(([key, rule]) => {
        const { items, ...rest } = rule;
        return [
          key,
          { ...rest, ...(items ? { items: { type: items } } : {}), ...(nested[key] ?? {}) },
        ];
      }),
    ),
    ...(block.requiredWhen
      ? {
          allOf: block.requiredWhen.map(({ when, required }) => ({
            if: {
              required: Object.keys(when),
              properties: Object.fromEntries(
                Object.entries(when).map(([key, values]) => [key, { enum: values }]),
              ),
            },
            then: { required },
          })),
        }
      : {}),
  };
}

const validate = new Ajv({ allErrors: true }).compile({
  type: "object",
  additionalProperties: false,
  required: ["authenticationConfiguration", "authorizerConfiguration", "jwtTokenConfiguration"],
  properties: {
    authenticationConfiguration: blockSchema(AUTHENTICATION_CONFIGURATION, {
      oidcConfiguration: blockSchema(OIDC_CLIENT_CONFIG),
    }),
    authorizerConfiguration: blockSchema(AUTHORIZER_CONFIGURATION),
    jwtTokenConfiguration: blockSchema(JWT_TOKEN_CONFIGURATION),
  },
});

function schemaErrors(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const TENANT = "6f1c2e3d-0000-4a5b-9c8d-112233445566";

/** Each OpenMetadata provider this package configures, as the identity modules report it. */
const PROVIDERS: Record<string, (clientType: "confidential" | "public") => SecurityInput> = {
  okta: (clientType) =>
    caseInput({ provider: "okta", clientType, dependencies: "chart", replicas: 1 }),
  auth0: (clientType) =>
    caseInput({ provider: "auth0", clientType, dependencies: "chart", replicas: 1 }),
  "custom-oidc (Keycloak)": (clientType) =>
    caseInput({ provider: "keycloak", clientType, dependencies: "chart", replicas: 1 }),
  "azure (Entra ID)": (clientType) => {
    const base = caseInput({ provider: "okta", clientType, dependencies: "chart", replicas: 1 });
    const authority = `https://login.microsoftonline.com/${TENANT}`;
    return {
      ...base,
      identity: {
        ...base.identity,
        issuer: `${authority}/v2.0`,
        discoveryUrl: `${authority}/v2.0/.well-known/openid-configuration`,
        jwksUrl: `${authority}/discovery/v2.0/keys`,
        openMetadataProvider: "azure",
        providerName: "Azure",
        tenant: TENANT,
      },
    };
  },
};

/** Public custom-oidc clients are refused by the config (OpenMetadata runs them implicitly). */
const CLIENT_TYPES: Record<string, ("confidential" | "public")[]> = {
  okta: ["confidential", "public"],
  auth0: ["confidential", "public"],
  "custom-oidc (Keycloak)": ["confidential"],
  "azure (Entra ID)": ["confidential", "public"],
};

const cases = Object.entries(PROVIDERS).flatMap(([provider, make]) =>
  CLIENT_TYPES[provider].map((clientType) => ({ provider, clientType, input: make(clientType) })),
);

it("covers every provider and client type", () => {
  expect(cases.map((c) => `${c.provider} ${c.clientType}`)).toEqual([
    "okta confidential",
    "okta public",
    "auth0 confidential",
    "auth0 public",
    "custom-oidc (Keycloak) confidential",
    "azure (Entra ID) confidential",
    "azure (Entra ID) public",
  ]);
});

type Doc = { authenticationConfiguration: { oidcConfiguration: Record<string, unknown> } };

describe.each(cases)("$provider, $clientType client", ({ provider, clientType, input }) => {
  const rendered = parse(securityYaml(resolveEnv(securityEnv(input), () => "[secret]"))) as Doc;
  const output = parse(bareMetalSnippet(securityEnv(input))) as Doc;

  it("meets OpenMetadata's configuration schemas, rendered and as the output", () => {
    expect(schemaErrors(rendered)).toEqual([]);
    expect(schemaErrors(output)).toEqual([]);
  });

  it("carries every key oidcClientConfig.json requires, the tenant only for Entra ID", () => {
    const oidc = output.authenticationConfiguration.oidcConfiguration;
    const tenant = provider === "azure (Entra ID)" ? TENANT : "";
    if (clientType === "public") {
      // No server-side OIDC client: the values the shipped openmetadata.yaml gives, no secret.
      expect(oidc).toEqual({ id: "", secret: "", discoveryUri: "", tenant: "" });
    } else {
      expect({
        id: oidc.id,
        secret: oidc.secret,
        discoveryUri: oidc.discoveryUri,
        tenant: oidc.tenant,
        useNonce: oidc.useNonce,
        sessionExpiry: oidc.sessionExpiry,
      }).toEqual({
        id: input.identity.clientId,
        secret: "${OIDC_CLIENT_SECRET}",
        discoveryUri: input.identity.discoveryUrl,
        tenant,
        useNonce: "true",
        sessionExpiry: 604800,
      });
    }
  });
});

describe("the constraints from OpenMetadata's schemas", () => {
  const doc = () =>
    parse(
      bareMetalSnippet(
        securityEnv(
          caseInput({
            provider: "okta",
            clientType: "confidential",
            dependencies: "chart",
            replicas: 1,
          }),
        ),
      ),
    ) as Doc & Record<string, Record<string, unknown>>;

  it("refuse a snippet without the tenant, as the old snippet was", () => {
    const d = doc();
    delete d.authenticationConfiguration.oidcConfiguration.tenant;
    expect(schemaErrors(d)).toEqual([
      "/authenticationConfiguration/oidcConfiguration must have required property 'tenant'",
    ]);
  });

  it("refuse wrong types, unknown keys and a short session", () => {
    const d = doc();
    Object.assign(d.authenticationConfiguration.oidcConfiguration, {
      useNonce: true,
      sessionExpiry: 60,
      callbackUrls: ["https://om.example.com/callback"],
    });
    d.jwtTokenConfiguration.keyId = undefined as unknown as string;
    delete d.jwtTokenConfiguration.keyId;
    expect(schemaErrors(d)).toEqual([
      "/authenticationConfiguration/oidcConfiguration must NOT have additional properties",
      "/authenticationConfiguration/oidcConfiguration/useNonce must be string",
      "/authenticationConfiguration/oidcConfiguration/sessionExpiry must be >= 3600",
      "/jwtTokenConfiguration must have required property 'keyId'",
    ]);
  });

  it("refuse a confidential client without oidcConfiguration", () => {
    const d = doc();
    delete (d.authenticationConfiguration as Record<string, unknown>).oidcConfiguration;
    expect(schemaErrors(d)).toEqual([
      "/authenticationConfiguration must have required property 'oidcConfiguration'",
      '/authenticationConfiguration must match "then" schema',
    ]);
  });
});
