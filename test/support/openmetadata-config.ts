/**
 * Facts about OpenMetadata's own configuration schemas for the three `openmetadata.yaml` blocks the
 * bare-metal snippet holds, written down in this project's format (no schema file of OpenMetadata
 * is kept in this repository).
 *
 * Read from open-metadata/OpenMetadata, `openmetadata-spec/src/main/resources/json/schema/`:
 * - `security/client/oidcClientConfig.json` at commit 27d3684768301d4de3b3fed7301323923788284b
 *   (the ≈1.13 copy, draft 2020-12: `required` id, secret, discoveryUri, tenant; `minimum` on
 *   tokenValidity and sessionExpiry). An older copy (94f166fe87883d51dda38b9df84f80357b66f952) has
 *   the same keys and types with no `required` and no `minimum`; the facts take the stricter one.
 * - `configuration/authenticationConfiguration.json`, `configuration/authorizerConfiguration.json`
 *   (the ≈1.13 copies in the Jason-Clark-FG/OpenMetadata-Mirror @1aa230f) and
 *   `configuration/jwtTokenConfiguration.json` (@098541a), as recorded in this project's research
 *   notes. The exact 1.13.1 tag could not be checked out here (the repository exceeds the fetch
 *   limit), so keys that differ between copies are noted where they matter.
 *
 * Each block is an object; `closed` means `additionalProperties: false`.
 */

/** A constraint on one key. */
export interface ConfigRule {
  type: "string" | "boolean" | "integer" | "object" | "array";
  enum?: string[];
  minimum?: number;
  /** For arrays: the type of every item. */
  items?: "string";
  uniqueItems?: true;
}

/** One block of `openmetadata.yaml` and the schema it is read with. */
export interface ConfigBlock {
  schema: string;
  required: string[];
  closed: true;
  keys: Record<string, ConfigRule>;
  /** Further keys a condition requires: all of `when` (key equals one of the values) holds. */
  requiredWhen?: { when: Record<string, string[]>; required: string[] }[];
}

/** OpenMetadata's `authProvider` values (`openMetadataConnection.json#/definitions/authProvider`). */
const AUTH_PROVIDERS = [
  "basic",
  "azure",
  "google",
  "okta",
  "auth0",
  "aws-cognito",
  "custom-oidc",
  "ldap",
  "saml",
  "openmetadata",
];

/** The OIDC providers whose clients the authentication schema's conditions cover. */
const OIDC_PROVIDERS = ["google", "azure", "okta", "auth0", "aws-cognito", "custom-oidc"];

export const OIDC_CLIENT_CONFIG: ConfigBlock = {
  schema: "security/client/oidcClientConfig.json",
  required: ["id", "secret", "discoveryUri", "tenant"],
  closed: true,
  keys: {
    type: { type: "string" },
    id: { type: "string" },
    secret: { type: "string" },
    scope: { type: "string" },
    discoveryUri: { type: "string" },
    useNonce: { type: "string" },
    preferredJwsAlgorithm: { type: "string" },
    responseType: { type: "string" },
    disablePkce: { type: "boolean" },
    maxClockSkew: { type: "string" },
    clientAuthenticationMethod: {
      type: "string",
      enum: ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"],
    },
    tokenValidity: { type: "integer", minimum: 1 },
    customParams: { type: "object" },
    tenant: { type: "string" },
    serverUrl: { type: "string" },
    callbackUrl: { type: "string" },
    maxAge: { type: "string" },
    prompt: { type: "string" },
    sessionExpiry: { type: "integer", minimum: 3600 },
  },
};

export const AUTHENTICATION_CONFIGURATION: ConfigBlock = {
  schema: "configuration/authenticationConfiguration.json",
  required: ["provider", "providerName"],
  closed: true,
  keys: {
    clientType: { type: "string", enum: ["public", "confidential"] },
    provider: { type: "string", enum: AUTH_PROVIDERS },
    responseType: { type: "string", enum: ["id_token", "code"] },
    providerName: { type: "string" },
    publicKeyUrls: { type: "array", items: "string" },
    tokenValidationAlgorithm: {
      type: "string",
      enum: ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"],
    },
    authority: { type: "string" },
    clientId: { type: "string" },
    callbackUrl: { type: "string" },
    jwtPrincipalClaims: { type: "array", items: "string" },
    jwtPrincipalClaimsMapping: { type: "array", items: "string" },
    emailClaim: { type: "string" },
    displayNameClaim: { type: "string" },
    jwtTeamClaimMapping: { type: "string" },
    enableSelfSignup: { type: "boolean" },
    ldapConfiguration: { type: "object" },
    samlConfiguration: { type: "object" },
    // Its own constraints are OIDC_CLIENT_CONFIG.
    oidcConfiguration: { type: "object" },
    forceSecureSessionCookie: { type: "boolean" },
    enableAutoRedirect: { type: "boolean" },
  },
  requiredWhen: [
    {
      when: { provider: OIDC_PROVIDERS, clientType: ["public"] },
      required: ["publicKeyUrls", "authority", "callbackUrl", "clientId"],
    },
    {
      when: { provider: OIDC_PROVIDERS, clientType: ["confidential"] },
      required: ["authority", "callbackUrl", "clientId", "oidcConfiguration"],
    },
  ],
};

export const AUTHORIZER_CONFIGURATION: ConfigBlock = {
  schema: "configuration/authorizerConfiguration.json",
  required: ["className", "containerRequestFilter", "enableSecureSocketConnection"],
  closed: true,
  keys: {
    className: { type: "string" },
    containerRequestFilter: { type: "string" },
    adminPrincipals: { type: "array", items: "string", uniqueItems: true },
    adminEmails: { type: "array", items: "string", uniqueItems: true },
    allowedEmailDomains: { type: "array", uniqueItems: true },
    botDomain: { type: "string" },
    botPrincipals: { type: "array" },
    testPrincipals: { type: "array" },
    allowedEmailRegistrationDomains: { type: "array" },
    principalDomain: { type: "string" },
    allowedDomains: { type: "array" },
    enforcePrincipalDomain: { type: "boolean" },
    enableSecureSocketConnection: { type: "boolean" },
    useRolesFromProvider: { type: "boolean" },
  },
};

export const JWT_TOKEN_CONFIGURATION: ConfigBlock = {
  schema: "configuration/jwtTokenConfiguration.json",
  required: ["jwtissuer", "keyId"],
  closed: true,
  keys: {
    rsapublicKeyFilePath: { type: "string" },
    rsaprivateKeyFilePath: { type: "string" },
    jwtissuer: { type: "string" },
    keyId: { type: "string" },
  },
};
