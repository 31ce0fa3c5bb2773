/**
 * URL rules and derivations. Every URL the package hands out is derived here from one
 * `publicUrl`, so the IdP registration and OpenMetadata's settings cannot disagree.
 */

/** Rules a configured URL must follow. */
export interface UrlRules {
  /** Only `https:` is accepted. */
  requireHttps: boolean;
  /** A path is accepted (issuers have one); an origin-only URL rejects it. */
  allowPath: boolean;
  /**
   * One trailing slash is accepted, for an issuer that really ends in one (Auth0's
   * `https://acme.auth0.com/`, Authentik's `https://auth.example.com/application/o/<app>/`):
   * issuers are compared character by character, so the value must stay as the provider states it.
   * @default false
   */
  allowTrailingSlash?: boolean;
}

/**
 * Checks a configured URL. Returns `undefined` when it is acceptable, otherwise every problem and
 * one value that corrects them all, phrased to follow "must be ...; got ...".
 */
export function urlProblem(value: string, rules: UrlRules): string | undefined {
  const kind = rules.allowPath ? "an absolute http(s) URL" : "an absolute http(s) origin";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be ${kind}, e.g. "https://openmetadata.example.com"; got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `must be ${kind}; got ${JSON.stringify(value)}`;
  }
  // Each rule that fails adds its requirement and corrects `fixed`, so the suggested value
  // passes every rule at once.
  const problems: string[] = [];
  let fixed = value;
  let https = false;
  // `new URL` reads "https:host" and "https:/host" as "https://host", but the value itself is
  // used to build redirect URIs, so it must be written out correctly.
  const slashes = /^https?:([/\\]*)/i.exec(value)?.[1];
  // The parser also drops leading spaces and control characters, which the value would keep.
  if (slashes === undefined) return `must be ${kind}; got ${JSON.stringify(value)}`;
  if (slashes !== "//") {
    problems.push('must have exactly two slashes after the scheme, as in "https://"');
    fixed = fixed.replace(/^(https?):[/\\]*/i, "$1://");
  }
  if (rules.requireHttps && url.protocol !== "https:") {
    problems.push("must use https outside a local stack");
    fixed = fixed.replace(/^http:/, "https:");
    https = true;
  }
  if (url.username || url.password) {
    problems.push("must not contain credentials");
    fixed = fixed.replace(/^(https?:\/\/)[^@/]*@/, "$1");
  }
  if (url.port === "0") {
    problems.push("must not use port 0, on which nothing can be reached");
    fixed = fixed.replace(/^(https?:\/\/[^/?#]*?):0+(?=[/?#]|$)/i, "$1");
  }
  if (url.search || value.includes("?")) {
    problems.push("must not have a query string");
    fixed = fixed.split("?")[0];
  }
  if (url.hash || value.includes("#")) {
    problems.push("must not have a fragment");
    fixed = fixed.split("#")[0];
  }
  if (fixed.slice(fixed.indexOf("//") + 2).includes("//")) {
    problems.push("must not contain a double slash");
    fixed = collapseSlashes(fixed);
  }
  if (fixed.endsWith("/") && !rules.allowTrailingSlash) {
    problems.push("must not end with a slash");
    fixed = fixed.replace(/\/+$/, "");
  }
  if (!rules.allowPath && new URL(fixed).pathname !== "/") {
    problems.push("must be an origin without a path (OpenMetadata is served at the domain root)");
    fixed = new URL(fixed).origin;
  }
  if (problems.length === 0) return undefined;
  const local = https ? ', or set environment to "local"' : "";
  return `${problems.join(", and ")}; got ${JSON.stringify(masked(value))}. Use ${JSON.stringify(fixed)}${local}`;
}

/**
 * A URL as an error message may show it: credentials before the host become `***`, since the
 * message reaches terminals and CI logs (`http://user:pw@proxy:3128` → `http://***@proxy:3128`).
 */
export function masked(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:[/\\]*)[^@/?#]*@/i, "$1***@");
}

function collapseSlashes(value: string): string {
  const at = value.indexOf("//") + 2;
  return value.slice(0, at) + value.slice(at).replace(/\/{2,}/g, "/");
}

/**
 * The one form of an origin every derived URL is built from: scheme and host in lower case, the
 * scheme's default port dropped (WHATWG URL's serialisation, which `URL.origin` gives), so
 * `https://OM.Example.com:443` and `https://om.example.com` give the same callback, issuer and
 * host everywhere.
 */
export function normalOrigin(url: string): string {
  return new URL(url).origin;
}

/** Host name of a URL (no port). */
export function hostOf(url: string): string {
  return new URL(url).hostname;
}

/** Port of a URL, defaulting by scheme. */
export function portOf(url: string): number {
  const parsed = new URL(url);
  if (parsed.port) return Number(parsed.port);
  return parsed.protocol === "https:" ? 443 : 80;
}

/** True for an `https:` URL. */
export function isHttps(url: string): boolean {
  return new URL(url).protocol === "https:";
}

/**
 * The callback OpenMetadata is configured with. OpenMetadata versions differ in which path they
 * send, so {@link redirectUris} registers both.
 */
export function callbackUrl(publicUrl: string): string {
  return `${publicUrl}/callback`;
}

/** Every redirect URI registered at the identity provider, derived from `publicUrl`. */
export function redirectUris(publicUrl: string): string[] {
  return [`${publicUrl}/callback`, `${publicUrl}/auth/callback`];
}

/** Where the browser lands after logout. */
export function logoutRedirectUris(publicUrl: string): string[] {
  return [`${publicUrl}/signin`];
}

/** OpenMetadata's login page. */
export function loginUrl(publicUrl: string): string {
  return `${publicUrl}/signin`;
}

/** Path of OpenMetadata's own JWKS, relative to a server base URL. */
export const OPENMETADATA_JWKS_PATH = "/api/v1/system/config/jwks";

/** Path of the effective auth config a running server reports. */
export const OPENMETADATA_AUTH_CONFIG_PATH = "/api/v1/system/config/auth";

/** OpenMetadata's JWKS at a base URL (public or in-network). */
export function openMetadataJwksUrl(baseUrl: string): string {
  return `${baseUrl}${OPENMETADATA_JWKS_PATH}`;
}

/**
 * The OIDC discovery document of an issuer, at `/.well-known/openid-configuration` under its path
 * (OpenID Connect Discovery 1.0 §4), for an issuer with or without a trailing slash.
 */
export function discoveryUrlOf(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

/** The proxy shown when a configured one cannot be corrected. */
export const EXAMPLE_PROXY_URL = "http://proxy.example.com:3128";

/**
 * Checks the URL of an HTTP proxy for the JVM, in the manner of {@link urlProblem}: `undefined` when
 * it is acceptable, otherwise every problem and one value that corrects them all. Only its host and
 * port reach the JVM (`-Dhttps.proxyHost`, `-Dhttps.proxyPort`), so anything else it holds would be
 * silently dropped: a path, a query, credentials. And `https:` is refused: the JVM always speaks
 * plain HTTP to its proxy (a CONNECT request for an https site), so a proxy that expects TLS would
 * never answer it.
 */
export function proxyUrlProblem(value: string): string | undefined {
  const kind = `an absolute http URL of a proxy, like ${JSON.stringify(EXAMPLE_PROXY_URL)}`;
  // The usual mistake: HTTPS_PROXY-style "proxy.corp:3128" without a scheme, which `new URL`
  // would read as the scheme "proxy.corp:".
  if (/^[A-Za-z0-9_.-]+(:\d{1,5})?$/.test(value)) {
    return `must be ${kind}; got ${JSON.stringify(value)}. Use ${JSON.stringify(`http://${value}`)}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be ${kind}; got ${JSON.stringify(value)}`;
  }
  // Exactly two slashes and a host, written out: the parser forgives what the value would keep.
  if (!/^https?:\/\/[^/\\]/i.test(value) || url.hostname === "") {
    return `must be ${kind}; got ${JSON.stringify(value)}`;
  }
  const problems: string[] = [];
  const https = url.protocol === "https:";
  if (https) {
    problems.push(
      "must use http: the JVM speaks plain HTTP to its proxy, with a CONNECT request for https sites, and cannot open TLS to it",
    );
  }
  if (url.username || url.password) {
    problems.push(
      "must not contain credentials: the JVM's proxy settings carry none, so the proxy must admit the server without them",
    );
  }
  if (url.port === "0") problems.push("must not use port 0, on which nothing can be reached");
  if (url.pathname !== "/") problems.push("must not have a path");
  if (url.search || value.includes("?")) problems.push("must not have a query string");
  if (url.hash || value.includes("#")) problems.push("must not have a fragment");
  if (problems.length === 0) return undefined;
  // `url.port` is empty for the scheme's default port: https's 443 is kept as an explicit port.
  const port = url.port && url.port !== "0" ? `:${url.port}` : https && !url.port ? ":443" : "";
  return `${problems.join(", and ")}; got ${JSON.stringify(masked(value))}. Use ${JSON.stringify(`http://${url.hostname}${port}`)}`;
}
