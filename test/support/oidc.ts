/**
 * Real-protocol test harness: an in-process OpenID provider shaped like a real one, a headless
 * "browser", and the two relying parties OpenMetadata runs, driven with OpenMetadata's settings.
 *
 * - The provider is oidc-provider (a certified OpenID Provider) on 127.0.0.1 with a random port.
 *   Its issuer path and endpoint paths copy the provider being modelled (`/oauth2/default/v1/keys`
 *   for Okta, `/realms/<realm>/protocol/openid-connect/certs` for Keycloak, ...), so a URL this
 *   package derives wrongly fails the test. Its login form checks passwords; consent is given
 *   automatically, as first-party apps get it at Okta, Keycloak and Auth0.
 * - The browser is `fetch` with a cookie jar: it follows redirects, fills in the login form and
 *   stops at OpenMetadata's callback without requesting it.
 * - {@link serverLogin} does what OpenMetadata's server does for a confidential client
 *   (`AuthenticationCodeFlowHandler` on pac4j 5, research/openmetadata-auth.md §2), and
 *   {@link browserAppLogin} what OpenMetadata's UI does for a public one (§3), both through
 *   openid-client. {@link verifyAsOpenMetadata} then checks the ID token the way OpenMetadata's
 *   `JwtFilter` does, plus `iss`, `aud` and `nonce`.
 *
 * The settings name the provider's real host (`https://example.okta.com/...`). The tests rewrite
 * only the origin of those URLs to the local server's ({@link TestProvider.local}); paths and
 * queries stay exactly as the settings have them.
 */
import * as crypto from "node:crypto";
import { once } from "node:events";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata, type Configuration } from "oidc-provider";
import * as client from "openid-client";
import { identityFacts } from "../../components/deployment";
import type { IdentityApp } from "../../components/identity/types";
import { parseFlowList, resolveEnv, securityEnv } from "../../components/settings";
import { valueOf } from "./pulumi";

// ---------------------------------------------------------------------------------------------
// Provider shapes: issuer path and endpoint paths of the real providers.
// ---------------------------------------------------------------------------------------------

/** Endpoint paths, relative to the issuer path. */
export interface Routes {
  authorization: string;
  token: string;
  jwks: string;
  userinfo: string;
  registration?: string;
  end_session?: string;
}

/** Where a provider serves what. */
export interface ProviderShape {
  /** Path of the issuer, e.g. `/oauth2/default`; `/` for an issuer that ends with a slash. */
  issuerPath: string;
  routes: Routes;
  /**
   * Endpoints outside the issuer path: public path → path under the issuer path that serves it.
   * The discovery document names the public path.
   */
  aliases?: Record<string, string>;
}

/** The shapes of the providers this package supports. */
export const SHAPES = {
  /** Okta, custom authorization server. */
  okta: (server = "default"): ProviderShape => ({
    issuerPath: `/oauth2/${server}`,
    routes: {
      authorization: "/v1/authorize",
      token: "/v1/token",
      jwks: "/v1/keys",
      userinfo: "/v1/userinfo",
      end_session: "/v1/logout",
    },
  }),
  /** Auth0: the issuer is the tenant origin with a trailing slash. */
  auth0: (): ProviderShape => ({
    issuerPath: "/",
    routes: {
      authorization: "/authorize",
      token: "/oauth/token",
      jwks: "/.well-known/jwks.json",
      userinfo: "/userinfo",
      end_session: "/oidc/logout",
    },
  }),
  /** Keycloak 26. */
  keycloak: (realm: string): ProviderShape => ({
    issuerPath: `/realms/${realm}`,
    routes: {
      authorization: "/protocol/openid-connect/auth",
      token: "/protocol/openid-connect/token",
      jwks: "/protocol/openid-connect/certs",
      userinfo: "/protocol/openid-connect/userinfo",
      registration: "/clients-registrations/openid-connect",
      end_session: "/protocol/openid-connect/logout",
    },
  }),
  /** OneLogin, API v2 OIDC endpoints. */
  onelogin: (): ProviderShape => ({
    issuerPath: "/oidc/2",
    routes: {
      authorization: "/auth",
      token: "/token",
      jwks: "/certs",
      userinfo: "/me",
      registration: "/register",
      end_session: "/logout",
    },
  }),
  /** Microsoft Entra ID v2.0: the keys and the OAuth endpoints sit beside the issuer path. */
  entra: (tenant: string): ProviderShape => ({
    issuerPath: `/${tenant}/v2.0`,
    routes: {
      authorization: "/authorize",
      token: "/token",
      jwks: "/keys",
      userinfo: "/userinfo",
      end_session: "/logout",
    },
    aliases: {
      [`/${tenant}/oauth2/v2.0/authorize`]: `/${tenant}/v2.0/authorize`,
      [`/${tenant}/oauth2/v2.0/token`]: `/${tenant}/v2.0/token`,
      [`/${tenant}/discovery/v2.0/keys`]: `/${tenant}/v2.0/keys`,
    },
  }),
  /** A generic provider: oidc-provider's own endpoint names under an issuer path. */
  generic: (issuerPath = "/oidc"): ProviderShape => ({
    issuerPath,
    routes: { authorization: "/auth", token: "/token", jwks: "/jwks", userinfo: "/me" },
  }),
} as const;

// ---------------------------------------------------------------------------------------------
// The provider.
// ---------------------------------------------------------------------------------------------

/** A user who can log in. */
export interface TestUser {
  username: string;
  password: string;
  /** Claims about the user; `sub` is the subject. */
  claims: { sub: string } & Record<string, unknown>;
}

/** The password every test user logs in with. */
export const TEST_PASSWORD = "correct horse battery staple";

/** A user who logs in as `username` with {@link TEST_PASSWORD} and whose tokens carry `claims`. */
export function testUser(username: string, claims: TestUser["claims"]): TestUser {
  return { username, password: TEST_PASSWORD, claims };
}

/** What a user types into the provider's login form. */
export function credentialsOf(user: TestUser): Credentials {
  return { username: user.username, password: user.password };
}

/** A client registered at the provider. */
export interface TestClient {
  metadata: ClientMetadata;
  /** The provider refuses authorization requests of this client without PKCE (S256). */
  pkceRequired: boolean;
  /**
   * The ways the IdP accepts this client's credentials at the token endpoint. Without it, exactly
   * `metadata.token_endpoint_auth_method`, as Okta, Auth0 and OneLogin enforce the method an app
   * is set to. Keycloak's `client-secret` authenticator and Entra ID take the secret in a Basic
   * header or in the body: `["client_secret_basic", "client_secret_post"]`.
   */
  authMethods?: TokenEndpointAuthMethodName[];
}

/** A token endpoint auth method, by its RFC 7591 name. */
export type TokenEndpointAuthMethodName =
  "client_secret_basic" | "client_secret_post" | "client_secret_jwt" | "private_key_jwt" | "none";

/** How a client authenticated at the token endpoint, as the provider saw the request. */
export interface ClientAuthentication {
  clientId: string;
  method: TokenEndpointAuthMethodName;
}

/** An error the token endpoint answered, with oidc-provider's reason (never sent to the client). */
export interface TokenEndpointError {
  clientId?: string;
  error: string;
  error_description: string;
  /** Why, e.g. "invalid secret provided". */
  detail?: string;
}

/**
 * oidc-provider's reason when a client authenticates otherwise than its registration says; the
 * harness gives the same reason when it refuses a secret sent in the body to a Basic-only client
 * or the other way round (oidc-provider itself accepts either for both).
 */
export const AUTH_METHOD_MISMATCH =
  "the provided authentication mechanism does not match the registered client authentication method";

/**
 * What openid-client throws when the token endpoint answers `invalid_client` in its body: the
 * refusal of the client's credentials.
 */
export const CLIENT_REFUSED = {
  code: "OAUTH_RESPONSE_BODY_ERROR",
  status: 401,
  error: "invalid_client",
  error_description: "client authentication failed",
};

/** The token endpoint's record of refusing `clientId`'s credentials, for `detail`. */
export function clientRefusal(
  clientId: string,
  detail: string = AUTH_METHOD_MISMATCH,
): TokenEndpointError {
  return {
    clientId,
    error: "invalid_client",
    error_description: "client authentication failed",
    detail,
  };
}

/** How to start a {@link TestProvider}. */
export interface TestProviderOptions {
  shape: ProviderShape;
  clients?: TestClient[];
  users?: TestUser[];
  /** oidc-provider configuration laid over the harness's (response types, auth methods, keys...). */
  configuration?: Configuration;
  /** Changes the discovery document as it is served. */
  rewriteDiscovery?: (document: Record<string, unknown>) => Record<string, unknown>;
  /** The time every response's `Date` header states, instead of the real time. */
  date?: () => Date;
  /** Enables RFC 7591 registration (and RFC 7592 management) with this initial access token. */
  initialAccessToken?: string;
  /**
   * The origins this server stands in for (`https://example.okta.com`): {@link TestProvider.local}
   * rewrites only these, and throws for any other, so a URL naming the wrong host fails the test.
   * Without it only the server's own origin is accepted.
   */
  serves?: string[];
  /**
   * Serve HTTPS with this certificate (PEM, chain first to last) and private key (PEM), instead
   * of plain HTTP.
   */
  tls?: { cert: string; key: string };
}

/** A running provider. */
export interface TestProvider {
  /** `http://127.0.0.1:<port>`, or `https:` with {@link TestProviderOptions.tls}. */
  origin: string;
  /** The issuer, exactly as discovery and tokens state it. */
  issuer: string;
  /** Where the discovery document is: `<issuer without trailing slash>/.well-known/openid-configuration`. */
  discoveryUrl: string;
  provider: Provider;
  /** Every request served, as `METHOD /path`, in order. */
  requests: string[];
  /** Every client authentication at the token endpoint, in order: who, and how they sent it. */
  clientAuthentications: ClientAuthentication[];
  /** Every error the token endpoint answered, in order, with oidc-provider's reason. */
  tokenErrors: TokenEndpointError[];
  /**
   * Rewrites a URL's origin to this server's, keeping its path and query. Throws for a URL whose
   * origin is neither this server's nor one of {@link TestProviderOptions.serves}.
   */
  local(url: string): string;
  close(): Promise<void>;
}

let signingKey: crypto.JsonWebKey | undefined;

/** An RSA signing key for RS256, generated once per test process. */
export function rsaSigningJwk(): crypto.JsonWebKey {
  signingKey ??= {
    ...crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      format: "jwk",
    }),
    kid: "test-rs256",
    alg: "RS256",
    use: "sig",
  };
  return signingKey;
}

/** Rewrites the origin of `url` to `origin`, keeping path and query. */
export function withOrigin(url: string, origin: string): string {
  return origin + url.slice(new URL(url).origin.length);
}

const CLAIMS = {
  openid: ["sub"],
  email: ["email", "email_verified"],
  profile: ["name", "given_name", "family_name", "preferred_username"],
};

/** Starts an OpenID provider on 127.0.0.1 with a random port. */
export async function startProvider(options: TestProviderOptions): Promise<TestProvider> {
  const server = options.tls ? https.createServer(options.tls) : http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const scheme = options.tls ? "https" : "http";
  const origin = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { shape } = options;
  const mount = shape.issuerPath.replace(/\/$/, "");
  const issuer = origin + shape.issuerPath;
  const users = new Map((options.users ?? []).map((user) => [user.username, user]));
  const accounts = new Map((options.users ?? []).map((user) => [user.claims.sub, user]));
  const clients = options.clients ?? [];
  const pkceRequired = new Set(
    clients.filter((c) => c.pkceRequired).map((c) => c.metadata.client_id),
  );
  const accepted = new Map(
    clients.filter((c) => c.authMethods).map((c) => [c.metadata.client_id, c.authMethods!]),
  );
  const clientAuthentications: ClientAuthentication[] = [];
  const tokenErrors: TokenEndpointError[] = [];
  const errorOf = new WeakMap<object, TokenEndpointError>();
  const serves = new Set([origin, ...(options.serves ?? []).map((url) => new URL(url).origin)]);
  const registration = options.initialAccessToken
    ? {
        registration: { enabled: true, initialAccessToken: options.initialAccessToken },
        registrationManagement: { enabled: true, rotateRegistrationAccessToken: false },
      }
    : {};

  const provider = new Provider(issuer, {
    clients: clients.map((c) => c.metadata),
    jwks: { keys: [rsaSigningJwk()] },
    cookies: { keys: ["test-cookie-key"] },
    claims: CLAIMS,
    // Like Keycloak, Okta and Auth0: the requested profile and email claims are in the ID token.
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, sub: string) => {
      const user = accounts.get(sub);
      return user && { accountId: sub, claims: () => user.claims };
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${mount}/interaction/${interaction.uid}`,
    },
    routes: shape.routes,
    pkce: {
      required: (_ctx: unknown, c: { clientId: string; clientAuthMethod: string }) =>
        pkceRequired.has(c.clientId) || c.clientAuthMethod === "none",
    },
    // Errors shown to the browser as JSON, so tests can assert the exact error.
    renderError: (ctx: { type: string; body: unknown }, out: Record<string, string>) => {
      ctx.type = "json";
      ctx.body = out;
    },
    features: { devInteractions: { enabled: false }, ...registration },
    // Explicit lifetimes (seconds), which also keeps oidc-provider from printing a notice for each.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86400,
      Session: 3600,
    },
    ...options.configuration,
  });

  provider.on("grant.error", (ctx, error) => {
    const recorded: TokenEndpointError = {
      ...(ctx.oidc?.client ? { clientId: ctx.oidc.client.clientId } : {}),
      error: error.error,
      error_description: error.error_description,
      ...(error.error_detail === undefined ? {} : { detail: error.error_detail }),
    };
    errorOf.set(ctx, recorded);
    tokenErrors.push(recorded);
  });

  const aliases = shape.aliases ?? {};
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === "token" && ctx.oidc.client) {
      // oidc-provider takes a secret in a Basic header or in the body whichever of the two the
      // client is registered with; the IdPs it stands in for hold each client to its own method.
      const { clientId, clientAuthMethod } = ctx.oidc.client;
      const method = usedAuthMethod(ctx.headers.authorization, ctx.oidc.params ?? {});
      clientAuthentications.push({ clientId, method });
      const allowed = accepted.get(clientId) ?? [clientAuthMethod];
      const earlier = errorOf.get(ctx);
      if (!allowed.includes(method) && earlier?.detail !== AUTH_METHOD_MISMATCH) {
        const refusal = {
          error: "invalid_client",
          error_description: "client authentication failed",
        };
        ctx.status = 401;
        ctx.body = refusal;
        if (ctx.headers.authorization !== undefined) {
          ctx.set(
            "WWW-Authenticate",
            `Basic realm="${provider.issuer}", error="${refusal.error}", error_description="${refusal.error_description}"`,
          );
        }
        // The method is checked before the secret, as oidc-provider does: one error, this one.
        const recorded = { clientId, ...refusal, detail: AUTH_METHOD_MISMATCH };
        if (earlier) Object.assign(earlier, recorded);
        else tokenErrors.push(recorded);
      }
    }
    if (options.date) ctx.set("Date", options.date().toUTCString());
    if (ctx.path === "/.well-known/openid-configuration" && ctx.status === 200) {
      let document = ctx.body as Record<string, unknown>;
      for (const [publicPath, servedAt] of Object.entries(aliases)) {
        document = Object.fromEntries(
          Object.entries(document).map(([key, value]) => [
            key,
            value === origin + servedAt ? origin + publicPath : value,
          ]),
        );
      }
      ctx.body = options.rewriteDiscovery ? options.rewriteDiscovery(document) : document;
    }
  });

  const handle = provider.callback();
  const requests: string[] = [];
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const [path, query] = splitQuery(req.url ?? "/");
    requests.push(`${req.method} ${path}`);
    const url = (aliases[path] ?? path) + query;
    if (!(url === mount || url.startsWith(`${mount}/`))) {
      res.statusCode = 404;
      res.end();
      return;
    }
    // oidc-provider derives its mount path from originalUrl minus url.
    (req as http.IncomingMessage & { originalUrl: string }).originalUrl = url;
    req.url = url.slice(mount.length) || "/";
    if (req.url.startsWith("/interaction/")) {
      interaction(provider, users, req, res).catch((error: Error) => {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ error: "server_error", error_description: error.message }));
      });
      return;
    }
    handle(req, res);
  });

  return {
    origin,
    issuer,
    discoveryUrl: `${origin}${mount}/.well-known/openid-configuration`,
    provider,
    requests,
    clientAuthentications,
    tokenErrors,
    local: (url) => {
      if (!serves.has(new URL(url).origin)) {
        throw new Error(
          `${url} is not on ${[...serves].join(" or ")}, the origins this test provider stands in for.`,
        );
      }
      return withOrigin(url, origin);
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** How a token request authenticated the client, from its Authorization header and parameters. */
function usedAuthMethod(
  authorization: string | undefined,
  params: Record<string, unknown>,
): TokenEndpointAuthMethodName {
  if (authorization !== undefined) return "client_secret_basic";
  if (params.client_secret !== undefined) return "client_secret_post";
  if (typeof params.client_assertion === "string") {
    const header = decodePart(params.client_assertion.split(".")[0]);
    return String(header.alg).startsWith("HS") ? "client_secret_jwt" : "private_key_jwt";
  }
  return "none";
}

function splitQuery(url: string): [string, string] {
  const at = url.indexOf("?");
  return at < 0 ? [url, ""] : [url.slice(0, at), url.slice(at)];
}

/** The login page: a form that posts the user name and password back to itself. */
function loginPage(uid: string, mountedAt: string, error?: string): string {
  return [
    "<!DOCTYPE html><html><head><title>Sign in</title></head><body>",
    error ? `<p class="error">${error}</p>` : "",
    `<form method="post" action="${mountedAt}/interaction/${uid}">`,
    '<input name="username"><input name="password" type="password"><button>Sign in</button>',
    "</form></body></html>",
  ].join("");
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Login (with a password check) and automatic consent. */
async function interaction(
  provider: Provider,
  users: Map<string, TestUser>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const mountedAt = (req as http.IncomingMessage & { originalUrl: string }).originalUrl.slice(
    0,
    -(req.url ?? "").length,
  );
  if (details.prompt.name === "login") {
    if (req.method !== "POST") {
      res.setHeader("content-type", "text/html");
      res.end(loginPage(details.uid, mountedAt));
      return;
    }
    const form = await readForm(req);
    const user = users.get(form.get("username") ?? "");
    if (!user || user.password !== form.get("password")) {
      res.setHeader("content-type", "text/html");
      res.end(loginPage(details.uid, mountedAt, "Invalid username or password."));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.claims.sub } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  // Consent: granted as asked.
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({
      accountId: details.session!.accountId,
      clientId: String(details.params.client_id),
    });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(" "));
  }
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true },
  );
}

// ---------------------------------------------------------------------------------------------
// Keycloak realms.
// ---------------------------------------------------------------------------------------------

/** The parts of a Keycloak realm representation the mapping reads. */
interface RealmRepresentation {
  realm: string;
  clients: {
    clientId: string;
    publicClient: boolean;
    clientAuthenticatorType?: string;
    secret?: string;
    standardFlowEnabled: boolean;
    implicitFlowEnabled: boolean;
    directAccessGrantsEnabled: boolean;
    serviceAccountsEnabled?: boolean;
    redirectUris: string[];
    attributes?: Record<string, string>;
  }[];
  users: {
    username: string;
    email?: string;
    emailVerified?: boolean;
    firstName?: string;
    lastName?: string;
    enabled: boolean;
    credentials?: { type: string; value: string }[];
  }[];
}

/** A stable UUID for a user name, as Keycloak gives every user an id. */
function userId(username: string): string {
  const h = crypto.createHash("sha256").update(username).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The clients and users of a Keycloak realm representation, as the test provider holds them:
 * the standard flow is the authorization code grant (with refresh tokens, Keycloak's default),
 * the implicit flow adds `id_token`, a public client authenticates with `none` only, a
 * confidential `client-secret` client with its secret in a Basic header or in the body (Keycloak's
 * `ClientIdAndSecretAuthenticator` reads both, so `authMethods` lists both), and
 * `pkce.code.challenge.method: S256` makes PKCE required. Flows the test provider cannot model
 * fail loudly.
 */
export function fromKeycloakRealm(realmJson: Record<string, unknown>): {
  clients: TestClient[];
  users: TestUser[];
} {
  const realm = realmJson as unknown as RealmRepresentation;
  const clients = realm.clients.map((c): TestClient => {
    if (c.directAccessGrantsEnabled || c.serviceAccountsEnabled) {
      throw new Error(
        `Client ${c.clientId}: the password and client credentials grants are not modelled.`,
      );
    }
    if (!c.publicClient && c.clientAuthenticatorType !== "client-secret") {
      throw new Error(
        `Client ${c.clientId}: authenticator ${c.clientAuthenticatorType} is not modelled.`,
      );
    }
    return {
      metadata: {
        client_id: c.clientId,
        ...(c.publicClient ? {} : { client_secret: c.secret }),
        redirect_uris: c.redirectUris,
        grant_types: [
          ...(c.standardFlowEnabled ? ["authorization_code", "refresh_token"] : []),
          ...(c.implicitFlowEnabled ? ["implicit"] : []),
        ],
        response_types: [
          ...(c.standardFlowEnabled ? ["code"] : []),
          ...(c.implicitFlowEnabled ? ["id_token"] : []),
        ],
        token_endpoint_auth_method: c.publicClient ? "none" : "client_secret_basic",
      },
      pkceRequired: c.attributes?.["pkce.code.challenge.method"] === "S256",
      authMethods: c.publicClient ? ["none"] : ["client_secret_basic", "client_secret_post"],
    };
  });
  const users = realm.users
    .filter((u) => u.enabled)
    .map((u): TestUser => {
      const password = u.credentials?.find((c) => c.type === "password")?.value;
      if (password === undefined) throw new Error(`User ${u.username} has no password.`);
      return {
        username: u.username,
        password,
        claims: {
          sub: userId(u.username),
          preferred_username: u.username,
          ...(u.email === undefined
            ? {}
            : { email: u.email, email_verified: u.emailVerified ?? false }),
          name: [u.firstName, u.lastName].filter(Boolean).join(" "),
          given_name: u.firstName,
          family_name: u.lastName,
        },
      };
    });
  return { clients, users };
}

// ---------------------------------------------------------------------------------------------
// The browser.
// ---------------------------------------------------------------------------------------------

/** An error page of the provider, shown to the browser instead of a redirect. */
export class ProviderErrorPage extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`The provider showed an error page (HTTP ${status}): ${error}: ${description}`);
  }
}

/** User name and password. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Opens `start` like a browser, logs in with `user` and returns the URL the provider redirected
 * to at `callbackUrl` (which is never requested).
 */
export async function browserLogin(
  start: URL | string,
  user: Credentials,
  callbackUrl: string,
  /** How the browser connects, e.g. trusting a private CA. @default fetch */
  send_: typeof fetch = fetch,
): Promise<URL> {
  const cookies = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await send_(url, {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  let url = String(start);
  let submitted = false;
  for (let hop = 0; hop < 20; hop++) {
    const current = new URL(url);
    if (current.origin + current.pathname === callbackUrl) return current;
    let response = await send(url);
    if (response.status === 200 && !submitted) {
      const page = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
      if (!action || !page.includes('name="password"')) {
        throw new Error(`Expected the login form at ${url}; got: ${page.slice(0, 300)}`);
      }
      url = new URL(action, url).href;
      response = await send(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...user }).toString(),
      });
      submitted = true;
    }
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get("location")!, url).href;
      continue;
    }
    const body = await response.text();
    if (response.status === 200) {
      const error = /<p class="error">([^<]*)<\/p>/.exec(body)?.[1];
      throw new Error(`The login form rejected user "${user.username}": ${error ?? body}`);
    }
    let parsed: { error?: string; error_description?: string } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // not JSON: reported as the body below
    }
    throw new ProviderErrorPage(
      response.status,
      parsed.error ?? "unknown",
      parsed.error_description ?? body,
    );
  }
  throw new Error(`Too many redirects from ${String(start)}`);
}

// ---------------------------------------------------------------------------------------------
// OpenMetadata's settings.
// ---------------------------------------------------------------------------------------------

/** Where the settings of an e2e test come from, apart from the identity app. */
export interface SettingsContext {
  publicUrl: string;
  admins: string[];
  principalDomain: string;
}

/** The defaults of {@link SettingsContext}. */
export const DEFAULT_CONTEXT: SettingsContext = {
  publicUrl: "https://openmetadata.example.com",
  admins: ["admin@example.com"],
  principalDomain: "example.com",
};

/**
 * OpenMetadata's security environment for an identity app, exactly as `securityEnv()` produces
 * it, with the client secret filled in where OpenMetadata receives it (`OIDC_CLIENT_SECRET`).
 */
export async function openMetadataEnv(
  app: IdentityApp,
  context: SettingsContext = DEFAULT_CONTEXT,
): Promise<Record<string, string>> {
  const identity = await valueOf(identityFacts(app));
  const secret = app.clientSecret ? await valueOf(app.clientSecret) : undefined;
  const env = securityEnv({
    publicUrl: context.publicUrl,
    internalUrl: "http://openmetadata-server:8585",
    identity,
    admins: context.admins,
    principalDomain: context.principalDomain,
    enableSelfSignup: true,
    principalClaims: ["email", "preferred_username", "sub"],
    jwt: {
      keyId: "e2e-key-id",
      issuer: "openmetadata.example.com",
      privateKeyPath: "/etc/openmetadata/jwtkeys/private_key.der",
      publicKeyPath: "/etc/openmetadata/jwtkeys/public_key.der",
    },
    behindTlsProxy: false,
  });
  return resolveEnv(env, (name) => {
    if (name !== "oidcClientSecret") return `<${name}>`;
    if (secret === undefined)
      throw new Error("The settings reference a client secret the app lacks.");
    return secret;
  });
}

// ---------------------------------------------------------------------------------------------
// OpenMetadata's relying parties.
// ---------------------------------------------------------------------------------------------

const insecure = { execute: [client.allowInsecureRequests] };

/** What a login produced. */
export interface Login {
  idToken: string;
  /** The nonce sent, when one was. */
  nonce?: string;
  /** The authorization request, as the browser opened it. */
  authorizationUrl: URL;
}

/** The discovery URL pac4j uses for `OIDC_TYPE=azure`: built from the tenant, `discoveryUri` ignored. */
export function azureDiscoveryUrl(tenant: string): string {
  return `https://login.microsoftonline.com/${tenant || "common"}/v2.0/.well-known/openid-configuration`;
}

/**
 * Logs in as OpenMetadata's server does for a confidential client, from its `OIDC_*` settings:
 * discovery from `OIDC_DISCOVERY_URI` (from `OIDC_TENANT` for Azure), the configured token
 * endpoint auth method (refused when the provider lists others, as OpenMetadata's handler does),
 * `response_mode=query`, `state`, `nonce` per `OIDC_USE_NONCE`, PKCE S256 unless
 * `OIDC_DISABLE_PKCE` (always for Azure), `prompt` and `max_age` only when set, and the custom
 * parameters `customParamKey1..5` of `OIDC_CUSTOM_PARAMS`.
 */
export async function serverLogin(
  env: Record<string, string>,
  idp: TestProvider,
  user: Credentials,
  /** How the server and the browser connect, e.g. trusting a private CA. @default fetch */
  connect: typeof fetch = fetch,
): Promise<Login> {
  const azure = env.OIDC_TYPE.toLowerCase() === "azure";
  const discoveryUri = azure ? azureDiscoveryUrl(env.OIDC_TENANT ?? "") : env.OIDC_DISCOVERY_URI;
  const method = env.OIDC_CLIENT_AUTH_METHOD;
  const secret = env.OIDC_CLIENT_SECRET;
  if (!env.OIDC_CLIENT_ID || !secret) {
    throw new Error("Client ID and Client Secret is required to create OidcClient");
  }
  const authentication =
    method === "client_secret_post"
      ? client.ClientSecretPost(secret)
      : method === "client_secret_basic"
        ? client.ClientSecretBasic(secret)
        : undefined;
  if (!authentication) throw new Error(`OpenMetadata does not support ${method}`);
  const config = await client.discovery(
    new URL(idp.local(discoveryUri)),
    env.OIDC_CLIENT_ID,
    secret,
    authentication,
    connect === fetch ? insecure : { ...insecure, [client.customFetch]: connect },
  );
  const metadata = config.serverMetadata();
  const listed = metadata.token_endpoint_auth_methods_supported;
  if (listed && !listed.includes(method)) {
    throw new Error(
      `Preferred authentication method (${method}) not supported by provider according to provider metadata ([${listed.join(", ")}]).`,
    );
  }

  const state = client.randomState();
  const params: Record<string, string> = {
    scope: env.OIDC_SCOPE,
    response_type: env.OIDC_RESPONSE_TYPE,
    response_mode: "query",
    redirect_uri: env.OIDC_CALLBACK,
    state,
  };
  const custom = JSON.parse(env.OIDC_CUSTOM_PARAMS || "{}") as Record<string, string>;
  for (let j = 1; j <= 5; j++) {
    const key = custom[`customParamKey${j}`];
    if (key) params[key] = custom[`customParamValue${j}`];
  }
  let nonce: string | undefined;
  if (env.OIDC_USE_NONCE === "true") {
    nonce = client.randomNonce();
    params.nonce = nonce;
  }
  let pkceCodeVerifier: string | undefined;
  if (env.OIDC_DISABLE_PKCE === "false" || azure) {
    const methods = metadata.code_challenge_methods_supported;
    const challengeMethod = methods?.includes("S256") ? "S256" : (methods?.[0] ?? "S256");
    if (challengeMethod !== "S256") {
      throw new Error(`The provider lists only ${challengeMethod} for PKCE`);
    }
    pkceCodeVerifier = client.randomPKCECodeVerifier();
    params.code_challenge = await client.calculatePKCECodeChallenge(pkceCodeVerifier);
    params.code_challenge_method = "S256";
  }
  if (env.OIDC_PROMPT_TYPE) params.prompt = env.OIDC_PROMPT_TYPE;
  if (env.OIDC_MAX_AGE) params.max_age = env.OIDC_MAX_AGE;

  const authorizationUrl = client.buildAuthorizationUrl(config, params);
  const callback = await browserLogin(authorizationUrl, user, env.OIDC_CALLBACK, connect);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { idToken: tokens.id_token!, nonce, authorizationUrl };
}

/** Scopes OpenMetadata's UI asks for, by `AUTHENTICATION_PROVIDER` (research §3). */
export const UI_SCOPES: Record<string, string> = {
  okta: "openid profile email offline_access",
  auth0: "openid profile email",
  azure: "openid profile email offline_access",
};

/**
 * Where OpenMetadata's UI discovers the provider, by `AUTHENTICATION_PROVIDER`: the Okta and Auth0
 * libraries append `/.well-known/openid-configuration` to `AUTHENTICATION_AUTHORITY`, the issuer;
 * MSAL (`azure`) takes the tenant URL as authority and appends `v2.0/.well-known/...` itself, so
 * it discovers from `<authority>/v2.0`, whose issuer the discovery document states.
 */
export function uiDiscoveryBase(env: Record<string, string>): string {
  const authority = env.AUTHENTICATION_AUTHORITY;
  return env.AUTHENTICATION_PROVIDER === "azure"
    ? `${authority.replace(/\/+$/, "")}/v2.0`
    : authority;
}

/**
 * Logs in as OpenMetadata's UI does for a public client (Okta, Auth0 and Azure libraries):
 * discovery from {@link uiDiscoveryBase} (`AUTHENTICATION_AUTHORITY`, or `<authority>/v2.0` for
 * MSAL) with the issuer compared, authorization code with PKCE S256, `state` and `nonce`, redirect
 * to `AUTHENTICATION_CALLBACK_URL`, no client secret.
 */
export async function browserAppLogin(
  env: Record<string, string>,
  idp: TestProvider,
  user: Credentials,
): Promise<Login> {
  const scope = UI_SCOPES[env.AUTHENTICATION_PROVIDER];
  if (!scope)
    throw new Error(`OpenMetadata's UI has no public client for ${env.AUTHENTICATION_PROVIDER}`);
  const config = await client.discovery(
    new URL(idp.local(uiDiscoveryBase(env))),
    env.AUTHENTICATION_CLIENT_ID,
    undefined,
    client.None(),
    insecure,
  );
  const state = client.randomState();
  const nonce = client.randomNonce();
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: env.AUTHENTICATION_CALLBACK_URL,
    scope,
    response_type: "code",
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: "S256",
  });
  const callback = await browserLogin(authorizationUrl, user, env.AUTHENTICATION_CALLBACK_URL);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { idToken: tokens.id_token!, nonce, authorizationUrl };
}

/** An ID token OpenMetadata accepted, and the user it names. */
export interface AcceptedToken {
  claims: Record<string, unknown>;
  /** OpenMetadata's user name: the first principal claim present, before any `@`, lowercased. */
  principal: string;
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

/**
 * Checks an ID token as OpenMetadata's `JwtFilter` does (signature with the key of its `kid` from
 * the first `AUTHENTICATION_PUBLIC_KEYS` URL, algorithm `AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM`,
 * expiry, principal claims and the enforced principal domain), and checks what the filter does
 * not: `iss` equals `AUTHENTICATION_AUTHORITY` (for `azure`, whose authority is the tenant URL,
 * the issuer of the discovery document at `<authority>/v2.0`, as MSAL reads it), `aud` holds the
 * client id, `nonce` is the one sent.
 */
export async function verifyAsOpenMetadata(
  login: Login,
  env: Record<string, string>,
  idp: TestProvider,
  /** How OpenMetadata's server connects, e.g. trusting a private CA. @default fetch */
  connect: typeof fetch = fetch,
): Promise<AcceptedToken> {
  const [headerPart, payloadPart, signaturePart] = login.idToken.split(".");
  const header = decodePart(headerPart);
  const claims = decodePart(payloadPart);
  const algorithm = env.AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM;
  if (header.alg !== algorithm) {
    throw new Error(`The ID token is signed with ${String(header.alg)}, not ${algorithm}.`);
  }
  const jwksUrl = idp.local(parseFlowList(env.AUTHENTICATION_PUBLIC_KEYS)[0]);
  const response = await connect(jwksUrl);
  if (!response.ok) throw new Error(`The JWKS at ${jwksUrl} answered HTTP ${response.status}.`);
  const { keys } = (await response.json()) as { keys: (crypto.JsonWebKey & { kid?: string })[] };
  const jwk = keys.find((key) => key.kid === header.kid);
  if (!jwk) throw new Error(`No key found in ${jwksUrl} with kid ${String(header.kid)}`);
  const valid = crypto.verify(
    "RSA-SHA256",
    Buffer.from(`${headerPart}.${payloadPart}`),
    crypto.createPublicKey({ key: jwk, format: "jwk" }),
    Buffer.from(signaturePart, "base64url"),
  );
  if (!valid) throw new Error(`The ID token's signature does not verify with ${jwksUrl}.`);
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) {
    throw new Error("The ID token has expired.");
  }

  const authority = idp.local(env.AUTHENTICATION_AUTHORITY);
  if (env.AUTHENTICATION_PROVIDER === "azure") {
    const discoveryUrl = `${idp.local(uiDiscoveryBase(env))}/.well-known/openid-configuration`;
    const discovery = await connect(discoveryUrl);
    if (!discovery.ok) {
      throw new Error(
        `The discovery document at ${discoveryUrl} answered HTTP ${discovery.status}.`,
      );
    }
    const { issuer } = (await discovery.json()) as { issuer?: unknown };
    if (claims.iss !== issuer) {
      throw new Error(
        `The ID token's issuer "${String(claims.iss)}" is not the issuer "${String(issuer)}" of ${discoveryUrl}, where MSAL discovers OpenMetadata's authority "${authority}".`,
      );
    }
  } else if (claims.iss !== authority) {
    throw new Error(
      `The ID token's issuer "${String(claims.iss)}" is not OpenMetadata's authority "${authority}".`,
    );
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(env.AUTHENTICATION_CLIENT_ID)) {
    throw new Error(`The ID token's audience ${JSON.stringify(claims.aud)} lacks the client id.`);
  }
  if (claims.nonce !== login.nonce) {
    throw new Error(`The ID token's nonce ${String(claims.nonce)} is not the one sent.`);
  }

  const principalClaim = parseFlowList(env.AUTHENTICATION_JWT_PRINCIPAL_CLAIMS)
    .map((name) => claims[name])
    .find((value): value is string => typeof value === "string" && value !== "");
  if (!principalClaim)
    throw new Error("Invalid JWT token, none of the principal claims are present");
  const [name, domain = ""] = principalClaim.split("@");
  if (
    env.AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN === "true" &&
    domain !== env.AUTHORIZER_PRINCIPAL_DOMAIN
  ) {
    throw new Error(
      `OpenMetadata rejects "${principalClaim}": its domain is not ${env.AUTHORIZER_PRINCIPAL_DOMAIN}.`,
    );
  }
  return { claims, principal: name.toLowerCase() };
}
