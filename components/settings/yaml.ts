/**
 * The `openmetadata.yaml` security blocks, for people who run OpenMetadata on their own hosts, built
 * from the env so the two cannot disagree; and the ingestion `workflowConfig` snippet.
 */
import { stringify } from "yaml";

import { parseFlowList } from "./env";
// ---------------------------------------------------------------------------------------------
// openmetadata.yaml, for people who run OpenMetadata on their own hosts.
// ---------------------------------------------------------------------------------------------

type YamlKind = "string" | "boolean" | "integer" | "list" | "json";

/**
 * Where each security variable sits in `openmetadata.yaml`. The snippet is built from the env
 * through this table, so the two cannot disagree.
 */
export const SECURITY_YAML_KEYS: Record<string, { path: string[]; kind: YamlKind }> = {
  AUTHENTICATION_PROVIDER: { path: ["authenticationConfiguration", "provider"], kind: "string" },
  CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: {
    path: ["authenticationConfiguration", "providerName"],
    kind: "string",
  },
  AUTHENTICATION_PUBLIC_KEYS: {
    path: ["authenticationConfiguration", "publicKeyUrls"],
    kind: "list",
  },
  AUTHENTICATION_AUTHORITY: { path: ["authenticationConfiguration", "authority"], kind: "string" },
  AUTHENTICATION_CLIENT_ID: { path: ["authenticationConfiguration", "clientId"], kind: "string" },
  AUTHENTICATION_CALLBACK_URL: {
    path: ["authenticationConfiguration", "callbackUrl"],
    kind: "string",
  },
  AUTHENTICATION_CLIENT_TYPE: {
    path: ["authenticationConfiguration", "clientType"],
    kind: "string",
  },
  AUTHENTICATION_RESPONSE_TYPE: {
    path: ["authenticationConfiguration", "responseType"],
    kind: "string",
  },
  AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: {
    path: ["authenticationConfiguration", "jwtPrincipalClaims"],
    kind: "list",
  },
  AUTHENTICATION_ENABLE_SELF_SIGNUP: {
    path: ["authenticationConfiguration", "enableSelfSignup"],
    kind: "boolean",
  },
  AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM: {
    path: ["authenticationConfiguration", "tokenValidationAlgorithm"],
    kind: "string",
  },
  FORCE_SECURE_SESSION_COOKIE: {
    path: ["authenticationConfiguration", "forceSecureSessionCookie"],
    kind: "boolean",
  },
  OIDC_CLIENT_ID: {
    path: ["authenticationConfiguration", "oidcConfiguration", "id"],
    kind: "string",
  },
  OIDC_TYPE: { path: ["authenticationConfiguration", "oidcConfiguration", "type"], kind: "string" },
  OIDC_CLIENT_SECRET: {
    path: ["authenticationConfiguration", "oidcConfiguration", "secret"],
    kind: "string",
  },
  OIDC_SCOPE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "scope"],
    kind: "string",
  },
  OIDC_DISCOVERY_URI: {
    path: ["authenticationConfiguration", "oidcConfiguration", "discoveryUri"],
    kind: "string",
  },
  // A string in oidcClientConfig.json (OpenMetadata 1.13.1), though it holds "true" or "false".
  OIDC_USE_NONCE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "useNonce"],
    kind: "string",
  },
  OIDC_PREFERRED_JWS: {
    path: ["authenticationConfiguration", "oidcConfiguration", "preferredJwsAlgorithm"],
    kind: "string",
  },
  OIDC_RESPONSE_TYPE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "responseType"],
    kind: "string",
  },
  OIDC_DISABLE_PKCE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "disablePkce"],
    kind: "boolean",
  },
  OIDC_CALLBACK: {
    path: ["authenticationConfiguration", "oidcConfiguration", "callbackUrl"],
    kind: "string",
  },
  OIDC_SERVER_URL: {
    path: ["authenticationConfiguration", "oidcConfiguration", "serverUrl"],
    kind: "string",
  },
  OIDC_CLIENT_AUTH_METHOD: {
    path: ["authenticationConfiguration", "oidcConfiguration", "clientAuthenticationMethod"],
    kind: "string",
  },
  OIDC_TENANT: {
    path: ["authenticationConfiguration", "oidcConfiguration", "tenant"],
    kind: "string",
  },
  OIDC_CUSTOM_PARAMS: {
    path: ["authenticationConfiguration", "oidcConfiguration", "customParams"],
    kind: "json",
  },
  OIDC_PROMPT_TYPE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "prompt"],
    kind: "string",
  },
  OIDC_MAX_AGE: {
    path: ["authenticationConfiguration", "oidcConfiguration", "maxAge"],
    kind: "string",
  },
  // Seconds, an integer of at least 3600 in oidcClientConfig.json (OpenMetadata 1.13.1).
  OIDC_SESSION_EXPIRY: {
    path: ["authenticationConfiguration", "oidcConfiguration", "sessionExpiry"],
    kind: "integer",
  },
  AUTHORIZER_CLASS_NAME: { path: ["authorizerConfiguration", "className"], kind: "string" },
  AUTHORIZER_REQUEST_FILTER: {
    path: ["authorizerConfiguration", "containerRequestFilter"],
    kind: "string",
  },
  AUTHORIZER_ADMIN_PRINCIPALS: {
    path: ["authorizerConfiguration", "adminPrincipals"],
    kind: "list",
  },
  AUTHORIZER_PRINCIPAL_DOMAIN: {
    path: ["authorizerConfiguration", "principalDomain"],
    kind: "string",
  },
  AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN: {
    path: ["authorizerConfiguration", "enforcePrincipalDomain"],
    kind: "boolean",
  },
  AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN: {
    path: ["authorizerConfiguration", "allowedEmailRegistrationDomains"],
    kind: "list",
  },
  AUTHORIZER_ENABLE_SECURE_SOCKET: {
    path: ["authorizerConfiguration", "enableSecureSocketConnection"],
    kind: "boolean",
  },
  RSA_PUBLIC_KEY_FILE_PATH: {
    path: ["jwtTokenConfiguration", "rsapublicKeyFilePath"],
    kind: "string",
  },
  RSA_PRIVATE_KEY_FILE_PATH: {
    path: ["jwtTokenConfiguration", "rsaprivateKeyFilePath"],
    kind: "string",
  },
  JWT_ISSUER: { path: ["jwtTokenConfiguration", "jwtissuer"], kind: "string" },
  JWT_KEY_ID: { path: ["jwtTokenConfiguration", "keyId"], kind: "string" },
};

function yamlValue(value: string, kind: YamlKind): unknown {
  switch (kind) {
    case "boolean":
      return value === "true";
    case "integer":
      if (!/^\d+$/.test(value)) throw new Error(`Not an integer for openmetadata.yaml: "${value}"`);
      return Number(value);
    case "list":
      return parseFlowList(value);
    case "json":
      return JSON.parse(value) as unknown;
    default:
      return value;
  }
}

/**
 * The `oidcConfiguration` keys OpenMetadata requires, with the value its shipped
 * `conf/openmetadata.yaml` gives each when the variable is unset (`id: ${OIDC_CLIENT_ID:-""}` and
 * so on; OpenMetadata 1.13 docs, deployment/security/oidc). `oidcClientConfig.json`
 * (openmetadata-spec, OpenMetadata 1.13.1) requires `id`, `secret`, `discoveryUri` and `tenant` and
 * allows no other key than its own. The env sets `tenant` only for Entra ID, and no OIDC variable
 * at all for a public client, whose server has no OIDC client of its own; a server started from
 * the shipped file then sees these values, so the snippet carries them too and stays valid. A
 * public client has no secret: `secret` is the shipped empty default, never a reference to a
 * variable that does not exist.
 */
export const OIDC_REQUIRED_DEFAULTS: Readonly<Record<string, string>> = {
  OIDC_CLIENT_ID: "",
  OIDC_CLIENT_SECRET: "",
  OIDC_DISCOVERY_URI: "",
  OIDC_TENANT: "",
};

/**
 * The `authenticationConfiguration`, `authorizerConfiguration` and `jwtTokenConfiguration` blocks
 * as they sit in `openmetadata.yaml`, built from resolved env values. Where the env has an
 * authentication block, the required `oidcConfiguration` keys it leaves unset get
 * {@link OIDC_REQUIRED_DEFAULTS}.
 */
export function securityYamlObject(given: Record<string, string>): Record<string, unknown> {
  const env =
    given.AUTHENTICATION_PROVIDER === undefined ? given : { ...OIDC_REQUIRED_DEFAULTS, ...given };
  const root: Record<string, unknown> = {};
  for (const [name, { path, kind }] of Object.entries(SECURITY_YAML_KEYS)) {
    if (env[name] === undefined) continue;
    let node = root;
    for (const part of path.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = yamlValue(env[name], kind);
  }
  return root;
}

/** {@link securityYamlObject} as YAML text. */
export function securityYaml(env: Record<string, string>): string {
  return stringify(securityYamlObject(env), { lineWidth: 0 });
}

/** Dropwizard's env substitution: the bare-metal snippet names secrets instead of holding them. */
export function envReference(name: string): string {
  return `\${${name}}`;
}

/**
 * The ingestion `workflowConfig.openMetadataServerConfig` for CLI or external schedulers. With
 * SSO, ingestion authenticates with an OpenMetadata-signed bot token (`authProvider: openmetadata`).
 */
export function workflowConfig(hostPort: string, jwtToken: string): string {
  return stringify(
    {
      workflowConfig: {
        openMetadataServerConfig: {
          hostPort,
          authProvider: "openmetadata",
          securityConfig: { jwtToken },
        },
      },
    },
    { lineWidth: 0 },
  );
}
