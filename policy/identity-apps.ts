/**
 * OpenMetadata's client at the identity provider, as each provider's resource describes it: the
 * grants and response types it allows, and the URLs it sends browsers to.
 */
import { at, formatPath, ifKnown, list, record, strings } from "./props";

/** One finding inside an identity app. */
export interface AppFinding {
  /** Where it is set, as a message names it. */
  label: string;
  /** The value found there. */
  value: string;
}

/** The facts of an identity app the rules judge. */
export interface IdentityAppFacts {
  /**
   * Settings that allow a grant OpenMetadata must never use (implicit, password), each as a
   * phrase: `grantTypes includes "implicit"`, `implicitFlowEnabled is true`.
   */
  forbiddenGrants: string[];
  /** Browser-facing URLs registered at the provider (redirects, logout, login pages). */
  urls: AppFinding[];
}

/** Grant type names of the implicit and resource owner password flows. */
function isForbiddenGrant(grant: string): boolean {
  return grant === "implicit" || grant === "password" || grant.endsWith("/password-realm");
}

/** A response type that returns tokens from the authorization endpoint (implicit or hybrid). */
function isTokenResponse(type: string): boolean {
  return type.split(/\s+/).some((part) => part === "token" || part === "id_token");
}

/** Forbidden grant and response types in lists, as phrases. */
function grantFindings(
  node: Record<string, unknown>,
  prefix: string[],
  grantKeys: string[],
  responseKeys: string[],
): string[] {
  const found: string[] = [];
  for (const key of grantKeys) {
    for (const grant of strings(node[key])) {
      if (isForbiddenGrant(grant)) {
        found.push(`${formatPath([...prefix, key])} includes ${JSON.stringify(grant)}`);
      }
    }
  }
  for (const key of responseKeys) {
    for (const type of strings(node[key])) {
      if (isTokenResponse(type)) {
        found.push(`${formatPath([...prefix, key])} includes ${JSON.stringify(type)}`);
      }
    }
  }
  return found;
}

function urlFindings(props: Record<string, unknown>, paths: string[][]): AppFinding[] {
  const found: AppFinding[] = [];
  for (const path of paths) {
    const value = at(props, path);
    const label = formatPath(path);
    if (typeof value === "string" && value !== "") found.push({ label, value });
    for (const item of strings(value)) found.push({ label, value: item });
  }
  return found;
}

/** Flags that allow a forbidden flow, as phrases. */
function flagFindings(props: Record<string, unknown>, paths: string[][]): string[] {
  return paths
    .filter((path) => at(props, path) === true)
    .map((path) => `${formatPath(path)} is true`);
}

/** The realm files a Keycloak container imports at start. */
const KEYCLOAK_IMPORT_DIRECTORY = "/opt/keycloak/data/import/";

/** An upload's text: its `content`, or its `contentBase64` decoded; `undefined` if neither. */
function realmText(upload: Record<string, unknown>): string | undefined {
  const content = ifKnown(() => upload.content);
  if (typeof content === "string") return content;
  const encoded = ifKnown(() => upload.contentBase64);
  if (typeof encoded !== "string") return undefined;
  return Buffer.from(encoded.replace(/\s+/g, ""), "base64").toString("utf8");
}

/**
 * The OpenMetadata clients in realm files uploaded to a Keycloak container (the local stack's
 * identity provider), given as `content` or `contentBase64`. The realm file is a secret input; a
 * policy still reads it in clear. Parts not known yet (preview) are skipped.
 */
function keycloakImports(props: Record<string, unknown>): IdentityAppFacts | undefined {
  const uploads = ifKnown(() => list(props.uploads)) ?? [];
  const facts: IdentityAppFacts = { forbiddenGrants: [], urls: [] };
  let found = false;
  for (let i = 0; i < uploads.length; i++) {
    const upload = ifKnown(() => record(uploads[i]));
    const file = upload && ifKnown(() => upload.file);
    if (typeof file !== "string" || !file.startsWith(KEYCLOAK_IMPORT_DIRECTORY)) continue;
    const content = realmText(upload!);
    if (content === undefined) continue;
    let realm: unknown;
    try {
      realm = JSON.parse(content);
    } catch {
      continue;
    }
    found = true;
    for (const client of list(record(realm)?.clients) ?? []) {
      const fields = record(client);
      if (fields === undefined) continue;
      const where = `upload ${file}, client ${JSON.stringify(fields.clientId)}:`;
      for (const flag of flagFindings(fields, [
        ["implicitFlowEnabled"],
        ["directAccessGrantsEnabled"],
      ])) {
        facts.forbiddenGrants.push(`${where} ${flag}`);
      }
      for (const url of urlFindings(fields, [["redirectUris"], ["rootUrl"], ["baseUrl"]])) {
        facts.urls.push({ label: `${where} ${url.label}`, value: url.value });
      }
    }
  }
  return found ? facts : undefined;
}

/**
 * RFC 7591 metadata and this package's dynamic providers (OneLogin, registration): grant and
 * response types and redirect URIs under their snake_case or camelCase names, at the top level or
 * under `metadata`.
 */
function dynamicApp(props: Record<string, unknown>): IdentityAppFacts {
  const facts: IdentityAppFacts = { forbiddenGrants: [], urls: [] };
  const grantKeys = ["grant_types", "grantTypes"];
  const responseKeys = ["response_types", "responseTypes"];
  const urlKeys = [
    "redirect_uris",
    "redirectUris",
    "post_logout_redirect_uris",
    "logoutRedirectUris",
    "postLogoutRedirectUris",
    "loginUrl",
    "initiate_login_uri",
  ];
  for (const [prefix, node] of [
    [[], props],
    [["metadata"], record(props.metadata)],
  ] as const) {
    if (node === undefined) continue;
    facts.forbiddenGrants.push(...grantFindings(node, [...prefix], grantKeys, responseKeys));
    for (const url of urlFindings(
      node,
      urlKeys.map((key) => [key]),
    )) {
      facts.urls.push({ label: formatPath([...prefix, url.label]), value: url.value });
    }
  }
  return facts;
}

/**
 * The identity app a resource registers, or `undefined` when the resource is not one. Knows
 * Okta, Auth0, Keycloak, Entra ID (azuread), this package's dynamic providers, and the realm a
 * local Keycloak container imports.
 */
export function identityApp(
  type: string,
  props: Record<string, unknown>,
): IdentityAppFacts | undefined {
  switch (type) {
    case "okta:app/oAuth:OAuth":
      return {
        forbiddenGrants: grantFindings(props, [], ["grantTypes"], ["responseTypes"]),
        urls: urlFindings(props, [["redirectUris"], ["postLogoutRedirectUris"], ["loginUri"]]),
      };
    case "auth0:index/client:Client":
      return {
        forbiddenGrants: grantFindings(props, [], ["grantTypes"], []),
        urls: urlFindings(props, [
          ["callbacks"],
          ["allowedLogoutUrls"],
          ["initiateLoginUri"],
          ["webOrigins"],
        ]),
      };
    case "keycloak:openid/client:Client":
      return {
        forbiddenGrants: flagFindings(props, [
          ["implicitFlowEnabled"],
          ["directAccessGrantsEnabled"],
        ]),
        urls: urlFindings(props, [
          ["validRedirectUris"],
          ["validPostLogoutRedirectUris"],
          ["rootUrl"],
          ["baseUrl"],
          ["webOrigins"],
        ]),
      };
    case "azuread:index/application:Application":
      return {
        forbiddenGrants: flagFindings(props, [
          ["web", "implicitGrant", "accessTokenIssuanceEnabled"],
          ["web", "implicitGrant", "idTokenIssuanceEnabled"],
        ]),
        urls: urlFindings(props, [
          ["web", "redirectUris"],
          ["web", "logoutUrl"],
          ["web", "homepageUrl"],
          ["singlePageApplication", "redirectUris"],
        ]),
      };
    case "docker:index/container:Container":
      return keycloakImports(props);
    default:
      return type.startsWith("pulumi-nodejs:dynamic") ? dynamicApp(props) : undefined;
  }
}
