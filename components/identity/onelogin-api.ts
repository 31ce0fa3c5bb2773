/**
 * OneLogin API v2 for the OneLogin dynamic provider: the app's wire format, the diff, and the
 * create/read/update/delete calls.
 *
 * The dynamic provider serializes what it references from here into the Pulumi state, so this
 * module imports nothing at run time and relies on Node's global `fetch` only.
 *
 * Endpoints used (OneLogin API v2, bearer token from client credentials):
 * - `POST /auth/oauth2/v2/token` (HTTP Basic with the API credential, `grant_type=client_credentials`)
 * - `POST /api/2/apps`, `GET|PUT|DELETE /api/2/apps/:id`
 *
 * A call that OneLogin's rate limit refuses (HTTP 429) is sent again once the limit resets, when
 * that is soon; see {@link rateLimitDecision}.
 */
import type { TokenEndpointAuthMethod } from "../types";

/** OneLogin's generic "OpenId Connect (OIDC)" connector. */
export const OIDC_CONNECTOR_ID = 108419;

/** `configuration.token_endpoint_auth_method` codes: 0 Basic, 1 POST, 2 None (PKCE). */
export const TOKEN_AUTH_METHOD_CODES: Record<TokenEndpointAuthMethod, number> = {
  client_secret_basic: 0,
  client_secret_post: 1,
  none: 2,
};

/** `configuration.oidc_application_type`: 0 is Web (1 would be Native/Mobile). */
export const OIDC_APPLICATION_TYPE_WEB = 0;

/** Inputs of the OneLogin OIDC app resource. */
export interface OneLoginAppInputs {
  /** Account subdomain (`<subdomain>.onelogin.com`); secret. */
  subdomain: string;
  /** API credential with "Manage All"; secret. */
  apiClientId: string;
  /** Secret of the API credential. */
  apiClientSecret: string;
  /** Base URL of the API; `https://<subdomain>.onelogin.com` when absent. */
  apiBaseUrl?: string;
  /** Connector the app is made from. */
  connectorId: number;
  /** Display name of the app. */
  name: string;
  /** Where OneLogin may send the authorization code. */
  redirectUris: string[];
  /** Where OneLogin may send the browser after logout. */
  logoutRedirectUris: string[];
  /** Page the OneLogin portal opens for the app. */
  loginUrl: string;
  /** How the client authenticates at the token endpoint. */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Roles whose users may use the app; absent = roles are managed in OneLogin. */
  roleIds?: number[];
}

/** State of the OneLogin OIDC app resource. */
export interface OneLoginAppOutputs extends OneLoginAppInputs {
  /** OneLogin's app id. */
  appId: number;
  /** OAuth client id. */
  clientId: string;
  /** OAuth client secret; OneLogin returns it only when the app is created. Empty for `none`. */
  clientSecret: string;
}

/**
 * An API call that did not succeed: the HTTP status and OneLogin's message. A plain `Error` with
 * fields, not a subclass: the dynamic provider's serialized closure does not keep subclasses of
 * built-ins intact.
 */
export interface OneLoginApiError extends Error {
  name: "OneLoginApiError";
  method: string;
  path: string;
  status: number;
  detail: string;
}

/** Makes a {@link OneLoginApiError}. */
export function oneLoginApiError(
  method: string,
  path: string,
  status: number,
  detail: string,
): OneLoginApiError {
  const error = new Error(
    `OneLogin API ${method} ${path} answered HTTP ${status}: ${detail}`,
  ) as OneLoginApiError;
  return Object.assign(error, { name: "OneLoginApiError" as const, method, path, status, detail });
}

/** Whether an error is a {@link OneLoginApiError} with the given status. */
export function isApiStatus(error: unknown, status: number): error is OneLoginApiError {
  return (
    error instanceof Error &&
    error.name === "OneLoginApiError" &&
    (error as OneLoginApiError).status === status
  );
}

/** Base URL of the account's API. */
export function apiBaseUrl(inputs: Pick<OneLoginAppInputs, "subdomain" | "apiBaseUrl">): string {
  return (inputs.apiBaseUrl ?? `https://${inputs.subdomain}.onelogin.com`).replace(/\/+$/, "");
}

/** The app's OIDC issuer. */
export function oneLoginIssuer(subdomain: string): string {
  return `https://${subdomain}.onelogin.com/oidc/2`;
}

/**
 * The body of `POST /api/2/apps` (with the connector) or `PUT /api/2/apps/:id` (without: the
 * connector cannot change). Redirect URIs travel as one newline-separated string.
 */
export function appRequestBody(
  inputs: OneLoginAppInputs,
  kind: "create" | "update",
): Record<string, unknown> {
  return {
    ...(kind === "create" ? { connector_id: inputs.connectorId } : {}),
    name: inputs.name,
    ...(inputs.roleIds !== undefined ? { role_ids: inputs.roleIds } : {}),
    configuration: {
      redirect_uri: inputs.redirectUris.join("\n"),
      post_logout_redirect_uri: inputs.logoutRedirectUris.join("\n"),
      login_url: inputs.loginUrl,
      token_endpoint_auth_method: TOKEN_AUTH_METHOD_CODES[inputs.tokenEndpointAuthMethod],
      oidc_application_type: OIDC_APPLICATION_TYPE_WEB,
    },
  };
}

/** Splits a OneLogin URI list (comma or newline separated). */
export function splitUris(value: unknown): string[] {
  return typeof value === "string"
    ? value
        .split(/[\n,]/)
        .map((uri) => uri.trim())
        .filter((uri) => uri !== "")
    : [];
}

/** What a Pulumi diff reports. */
export interface OneLoginDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

const REPLACE_KEYS = ["subdomain", "apiBaseUrl", "connectorId"] as const;
const UPDATE_KEYS = [
  "name",
  "redirectUris",
  "logoutRedirectUris",
  "loginUrl",
  "roleIds",
  "apiClientId",
  "apiClientSecret",
] as const;

/**
 * Update or replacement. The app lives in one account and is made from one connector, so a new
 * subdomain, API base URL or connector means a new app. The token endpoint method can be switched
 * in place between Basic and POST, but not to or from `none`: the secret is only returned when an
 * app is created, so a client that gains or loses its secret is a new app. Everything else,
 * including a rotated API credential, is updated in place.
 */
export function oneLoginDiff(olds: OneLoginAppInputs, news: OneLoginAppInputs): OneLoginDiff {
  const differs = (key: keyof OneLoginAppInputs) =>
    JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null);
  const replaces: string[] = REPLACE_KEYS.filter(differs);
  const method = differs("tokenEndpointAuthMethod");
  if (
    method &&
    (olds.tokenEndpointAuthMethod === "none" || news.tokenEndpointAuthMethod === "none")
  ) {
    replaces.push("tokenEndpointAuthMethod");
  }
  const changes = replaces.length > 0 || method || UPDATE_KEYS.some(differs);
  return { changes, replaces, deleteBeforeReplace: false };
}

// ---------------------------------------------------------------------------------------------
// HTTP.
// ---------------------------------------------------------------------------------------------

/** How many times one API call is sent at most while OneLogin answers HTTP 429. */
export const RATE_LIMIT_ATTEMPTS = 3;

/** The longest wait, in seconds, for OneLogin's rate limit to reset before a call is sent again. */
export const RATE_LIMIT_MAX_WAIT_S = 30;

/**
 * What to do after OneLogin answered HTTP 429 (too many requests) to the `attempt`th send of a
 * call (1-based). OneLogin names the seconds until its rate limit resets in `X-RateLimit-Reset`;
 * `Retry-After` (seconds) is read as well. A 429 means the request was not carried out, so sending
 * it again is safe for every method, including the create.
 *
 * - `{ retryInS }`: wait that long and send again (without a header: 1 s, then 2 s);
 * - `{ resetInS }`: give up; the limit resets later than {@link RATE_LIMIT_MAX_WAIT_S} or the
 *   attempts are used up (`resetInS` is undefined when OneLogin did not say).
 */
export function rateLimitDecision(
  attempt: number,
  headers: { get(name: string): string | null },
): { retryInS: number } | { resetInS: number | undefined } {
  const seconds = (name: string): number | undefined => {
    const value = headers.get(name);
    if (value === null || !/^\d+$/.test(value.trim())) return undefined;
    return Number(value.trim());
  };
  const resetInS = seconds("retry-after") ?? seconds("x-ratelimit-reset");
  if (attempt >= RATE_LIMIT_ATTEMPTS) return { resetInS };
  if (resetInS === undefined) return { retryInS: attempt };
  if (resetInS > RATE_LIMIT_MAX_WAIT_S) return { resetInS };
  return { retryInS: resetInS };
}

/** The error after OneLogin's rate limit refused a call for good. */
function rateLimitError(
  method: string,
  path: string,
  detail: string,
  attempts: number,
  resetInS: number | undefined,
): OneLoginApiError {
  const when =
    resetInS === undefined
      ? "OneLogin did not say when its rate limit resets"
      : `OneLogin's rate limit resets in ${resetInS} s`;
  return oneLoginApiError(
    method,
    path,
    429,
    `${detail} (sent ${attempts} time${attempts === 1 ? "" : "s"}; ${when}). Run the update again after that; nothing was changed by this call.`,
  );
}

async function call(
  base: string,
  method: string,
  path: string,
  init: { token?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (error) {
      throw new Error(
        `OneLogin API ${method} ${path} at ${base} is unreachable: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    if (response.status === 429) {
      const decision = rateLimitDecision(attempt, response.headers);
      if ("retryInS" in decision) {
        await new Promise((resolve) => setTimeout(resolve, decision.retryInS * 1000));
        continue;
      }
      throw rateLimitError(method, path, errorMessage(body, response), attempt, decision.resetInS);
    }
    if (!response.ok) {
      throw oneLoginApiError(method, path, response.status, errorMessage(body, response));
    }
    return { status: response.status, body };
  }
}

/** OneLogin's message from any of its error shapes (v2, legacy `status`, OAuth). */
export function errorMessage(body: unknown, response: { statusText: string }): string {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const status = record.status as Record<string, unknown> | undefined;
    const message =
      record.message ?? status?.message ?? record.error_description ?? record.error ?? record.name;
    if (typeof message === "string" && message !== "") return message;
  }
  if (typeof body === "string" && body.trim() !== "") return body.trim().slice(0, 300);
  return response.statusText || "no message";
}

/** An API access token from the API credential (client credentials grant). */
export async function accessToken(
  inputs: Pick<OneLoginAppInputs, "subdomain" | "apiBaseUrl" | "apiClientId" | "apiClientSecret">,
): Promise<string> {
  const basic = Buffer.from(`${inputs.apiClientId}:${inputs.apiClientSecret}`).toString("base64");
  const { body } = await call(apiBaseUrl(inputs), "POST", "/auth/oauth2/v2/token", {
    headers: { authorization: `Basic ${basic}` },
    body: { grant_type: "client_credentials" },
  });
  const record = (body ?? {}) as { access_token?: unknown; data?: { access_token?: unknown }[] };
  const token = record.access_token ?? record.data?.[0]?.access_token;
  if (typeof token !== "string" || token === "") {
    throw new Error("OneLogin API POST /auth/oauth2/v2/token answered without an access_token.");
  }
  return token;
}

interface AppBody {
  id?: unknown;
  name?: unknown;
  connector_id?: unknown;
  role_ids?: unknown;
  configuration?: Record<string, unknown>;
  sso?: { client_id?: unknown; client_secret?: unknown };
}

/** Creates the app and returns its state; removes it again if the answer is unusable. */
export async function createApp(inputs: OneLoginAppInputs): Promise<{
  id: string;
  outs: OneLoginAppOutputs;
}> {
  const base = apiBaseUrl(inputs);
  const token = await accessToken(inputs);
  const { body } = await call(base, "POST", "/api/2/apps", {
    token,
    body: appRequestBody(inputs, "create"),
  });
  const app = (body ?? {}) as AppBody;
  if (typeof app.id !== "number" && typeof app.id !== "string") {
    throw new Error("OneLogin API POST /api/2/apps answered without an app id.");
  }
  const appId = Number(app.id);
  const clientId = app.sso?.client_id;
  const clientSecret = app.sso?.client_secret;
  const needsSecret = inputs.tokenEndpointAuthMethod !== "none";
  if (typeof clientId !== "string" || (needsSecret && typeof clientSecret !== "string")) {
    // A create either succeeds completely or leaves nothing behind.
    await call(base, "DELETE", `/api/2/apps/${appId}`, { token }).catch(() => undefined);
    throw new Error(
      `OneLogin API POST /api/2/apps created app ${appId} without sso.client_id${needsSecret ? " and sso.client_secret" : ""}; the app was deleted again. Check that connector ${inputs.connectorId} is an OpenId Connect connector.`,
    );
  }
  return {
    id: String(appId),
    outs: {
      ...inputs,
      appId,
      clientId,
      clientSecret: needsSecret ? (clientSecret as string) : "",
    },
  };
}

/**
 * Reads the app back for `pulumi refresh`. The secret is never returned after creation, so the
 * stored one is kept. A deleted app reads as gone.
 */
export async function readApp(
  id: string,
  props: OneLoginAppOutputs,
): Promise<{ id?: string; props?: OneLoginAppOutputs }> {
  const token = await accessToken(props);
  let body: unknown;
  try {
    ({ body } = await call(apiBaseUrl(props), "GET", `/api/2/apps/${id}`, { token }));
  } catch (error) {
    if (isApiStatus(error, 404)) return {};
    throw error;
  }
  const app = (body ?? {}) as AppBody;
  const configuration = app.configuration ?? {};
  const code = Number(configuration.token_endpoint_auth_method);
  const method = (Object.keys(TOKEN_AUTH_METHOD_CODES) as TokenEndpointAuthMethod[]).find(
    (key) => TOKEN_AUTH_METHOD_CODES[key] === code,
  );
  return {
    id,
    props: {
      ...props,
      name: typeof app.name === "string" ? app.name : props.name,
      connectorId: typeof app.connector_id === "number" ? app.connector_id : props.connectorId,
      redirectUris: splitUris(configuration.redirect_uri),
      logoutRedirectUris: splitUris(configuration.post_logout_redirect_uri),
      loginUrl: typeof configuration.login_url === "string" ? configuration.login_url : "",
      tokenEndpointAuthMethod: method ?? props.tokenEndpointAuthMethod,
      ...(props.roleIds !== undefined && Array.isArray(app.role_ids)
        ? { roleIds: app.role_ids as number[] }
        : {}),
      clientId: typeof app.sso?.client_id === "string" ? app.sso.client_id : props.clientId,
    },
  };
}

/** Updates the app in place (partial update of everything this resource manages). */
export async function updateApp(
  id: string,
  olds: OneLoginAppOutputs,
  news: OneLoginAppInputs,
): Promise<{ outs: OneLoginAppOutputs }> {
  const token = await accessToken(news);
  await call(apiBaseUrl(news), "PUT", `/api/2/apps/${id}`, {
    token,
    body: appRequestBody(news, "update"),
  });
  return {
    outs: { ...news, appId: olds.appId, clientId: olds.clientId, clientSecret: olds.clientSecret },
  };
}

/** Deletes the app; one that is already gone counts as deleted. */
export async function deleteApp(id: string, props: OneLoginAppOutputs): Promise<void> {
  const token = await accessToken(props);
  try {
    await call(apiBaseUrl(props), "DELETE", `/api/2/apps/${id}`, { token });
  } catch (error) {
    if (isApiStatus(error, 404)) return;
    throw error;
  }
}
