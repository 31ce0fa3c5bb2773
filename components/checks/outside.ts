/**
 * The checks from where users stand: through `publicUrl`, from the machine that runs `pulumi up`,
 * the way a browser reaches OpenMetadata.
 *
 * The in-network verification ({@link verifyOpenMetadata}) proves the server serves the deployed
 * settings. It never touches the public URL, its certificate, the ingress and its cookie affinity,
 * or the redirect to the identity provider, so a wrong ingress, an expired or wrong-host
 * certificate, or a provider whose issuer differs from OpenMetadata's authority all passed it.
 *
 * Three layers, as in the preflight: pure checks over what was observed (`*Check`), the fetching
 * layer ({@link observe}) and the runner ({@link runOutsideChecks}). The Pulumi wiring is in
 * `outside-gate.ts`.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import { authorityOf } from "../settings/env";
import type { OpenMetadataProvider } from "../types";
import { DRIFT_REMEDY, authDrift, servedKeyIds, type ExpectedAuth } from "./verify";

/** Days before a certificate's expiry from which the TLS check warns. */
export const CERT_WARN_DAYS = 14;

/** Follow-up requests of the affinity check; each must reach the pod of the first. */
export const AFFINITY_PROBES = 4;

/**
 * The session cookie of OpenMetadata's 1.x server. OpenMetadataApplication.registerAuthServlets
 * installs a plain Jetty 12 (ee10) SessionHandler and sets HttpOnly, Secure, Max-Age (from
 * `oidcConfiguration.sessionExpiry`) and Path on its cookie, but never its name (stored copy with
 * Jetty 12, RDF and the MCP server, commit not known; the 1.13.1 tag could not be read), so the
 * name is Jetty's default, `SessionConfig.__DefaultSessionCookie = "JSESSIONID"`. The chart
 * 1.13.1 passes that same `OIDC_SESSION_EXPIRY` (templates/secrets.yaml @039a208). The 2.0 line
 * replaces it with DB-backed sessions under `OM_SESSION` (SessionCookieUtil, main branch; PR
 * #26314 for issue #21971), whose settings chart 1.13.1 does not have, and neither the 1.13.0 nor
 * the 1.13.1 release notes announce a change of session handling (openmetadata-site
 * content/product-updates/v1.13.{0,1}.md @0639c61).
 */
export const SESSION_COOKIE = "JSESSIONID";

/** How long one request may take, in milliseconds. */
export const OUTSIDE_TIMEOUT_MS = 10_000;

/** Outcome of one check. `skip`: not applicable here, and the line says why. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** The checks, in the order they run and print. */
export const CHECKS = ["tls", "settings", "jwks", "issuer", "login", "affinity"] as const;
export type CheckName = (typeof CHECKS)[number] | "in-network";

/** One line of the report: what was checked, and for a problem what was expected, seen, and the fix. */
export interface CheckResult {
  check: CheckName;
  status: CheckStatus;
  /** What was checked, or what failed. */
  summary: string;
  expected?: string;
  seen?: string;
  fix?: string;
}

/** What the deployment promised, as seen from outside. */
export interface OutsideExpectations {
  /** The URL users open. */
  publicUrl: string;
  /** The deployed auth settings and key id (the in-network verification's expectations). */
  auth: ExpectedAuth;
  /** `openMetadataProvider`: for `azure` the authority is the issuer without `/v2.0`. */
  provider: OpenMetadataProvider;
  /** The identity provider's discovery document, as OpenMetadata reads it. */
  discoveryUrl: string;
  /** The redirect URIs registered at the identity provider. */
  redirectUris: string[];
  /** The server sends PKCE (S256): `OIDC_DISABLE_PKCE` is `false`. Confidential clients only. */
  pkce: boolean;
  /** The server sends a nonce: `OIDC_USE_NONCE`. Confidential clients only. */
  nonce: boolean;
  /** Server replicas. */
  replicas: number;
  /** The ingress's affinity cookie, when it has sticky sessions. @default - none */
  affinityCookie?: string;
  /**
   * The auth settings known, when not all are: `doctor` given the values as flags knows only
   * those. The settings check compares these alone. @default - every field of `auth`
   */
  authFields?: readonly (keyof ExpectedAuth)[];
}

/** How the checks run. */
export interface OutsideOptions {
  /**
   * Extra CA certificates (PEM) to trust besides the system's roots, for a public URL or an
   * identity provider behind a private CA. @default - the system's roots only
   */
  ca?: string[];
  /** @default new Date() */
  now?: Date;
  /** @default OUTSIDE_TIMEOUT_MS */
  timeoutMs?: number;
}

const show = (value: unknown) => JSON.stringify(value);
const pass = (check: CheckName, summary: string): CheckResult => ({
  check,
  status: "pass",
  summary,
});
const fail = (
  check: CheckName,
  summary: string,
  detail: { expected: string; seen: string; fix: string },
): CheckResult => ({ check, status: "fail", summary, ...detail });

// ---------------------------------------------------------------------------------------------
// Pure checks.
// ---------------------------------------------------------------------------------------------

/** What the TLS handshake with the public URL showed. */
export interface TlsObservation {
  /** The chain verified against the trusted roots and the host matched. */
  authorized: boolean;
  /** Node's reason when not (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...). */
  error?: string;
  /** The leaf's subject CN, its subjectAltName, issuer CN and validity, as Node reports them. */
  subject?: string;
  subjectAltName?: string;
  issuer?: string;
  validTo: string;
}

/** The likely fix for each verification error a browser would also show. */
const TLS_CAUSES: Record<string, { summary: string; fix: string }> = {
  CERT_HAS_EXPIRED: {
    summary: "the certificate has expired",
    fix: "renew the certificate: with cert-manager, check the Certificate and its issuer (kubectl describe certificate -n <namespace>); with a provided certificate, replace it in the stack config",
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    summary: "the certificate is not valid for the host",
    fix: "issue the certificate for the public URL's host: check the TLS Secret the ingress uses (kubernetes.ingress.tlsSecretName) or the provided certificate, and that DNS sends the host to this ingress",
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    summary: "the server does not send the intermediate certificate",
    fix: "serve the full chain: put the leaf certificate followed by its intermediates in the TLS Secret's tls.crt (or the provided certificate)",
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    summary: "the certificate chains to a CA that is not trusted here",
    fix: "use a certificate from a publicly trusted CA, or, for a private CA, add its certificate (PEM) to the trusted CAs of this stack and to your users' browsers",
  },
  SELF_SIGNED_CERT_IN_CHAIN: {
    summary: "the certificate chains to a root that is not trusted here",
    fix: "use a certificate from a publicly trusted CA, or, for a private CA, add its certificate (PEM) to the trusted CAs of this stack and to your users' browsers",
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    summary: "the certificate is self-signed",
    fix: "use a certificate signed by a CA (cert-manager with a ClusterIssuer, or a provided certificate); a self-signed one is refused by browsers",
  },
  CERT_NOT_YET_VALID: {
    summary: "the certificate is not valid yet",
    fix: "check the clocks of the CA and of this machine, or wait until the certificate's start date",
  },
};

/** Whole days from `now` until `date`, rounded down. */
function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / 86_400_000);
}

/**
 * The certificate is valid for the host, chains to a trusted root (or a configured CA), and has
 * more than {@link CERT_WARN_DAYS} days left: fewer is a warning, expired an error.
 */
export function tlsCheck(host: string, observed: TlsObservation, now: Date): CheckResult {
  const until = new Date(observed.validTo);
  const seen = [
    observed.subject === undefined ? undefined : `subject ${show(observed.subject)}`,
    observed.subjectAltName === undefined ? undefined : `names ${observed.subjectAltName}`,
    observed.issuer === undefined ? undefined : `issuer ${show(observed.issuer)}`,
    `valid until ${until.toISOString()}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  if (!observed.authorized) {
    const code = observed.error ?? "unknown";
    const cause = TLS_CAUSES[code] ?? {
      summary: "the certificate is refused",
      fix: "serve a certificate for the host from a trusted CA, with its full chain",
    };
    return fail("tls", `${cause.summary} (${code})`, {
      expected:
        code === "ERR_TLS_CERT_ALTNAME_INVALID"
          ? `a certificate for ${show(host)}`
          : code === "CERT_HAS_EXPIRED"
            ? `a certificate valid on ${now.toISOString()}`
            : "a chain from the certificate to a trusted root",
      seen,
      fix: cause.fix,
    });
  }
  const days = daysUntil(until, now);
  if (days < CERT_WARN_DAYS) {
    return {
      check: "tls",
      status: "warn",
      summary: `the certificate expires in ${days} day${days === 1 ? "" : "s"}`,
      expected: `at least ${CERT_WARN_DAYS} days left`,
      seen,
      fix: "renew the certificate now: with cert-manager, check why it has not renewed (kubectl describe certificate -n <namespace>); with a provided certificate, replace it in the stack config",
    };
  }
  return pass("tls", `valid for ${host}, trusted, ${days} days left`);
}

/** What a GET of JSON returned, or why not. */
export type JsonObservation = { body: unknown } | { error: string };

/** `/api/v1/system/config/auth` through the public URL equals what was deployed. */
export function settingsCheck(
  publicUrl: string,
  expected: ExpectedAuth,
  observed: JsonObservation,
  fields?: readonly (keyof ExpectedAuth)[],
): CheckResult[] {
  const url = `${publicUrl}/api/v1/system/config/auth`;
  if ("error" in observed) {
    return [
      fail("settings", `${url} cannot be read`, {
        expected: "the auth settings as JSON",
        seen: observed.error,
        fix: "check that DNS sends the public URL's host to the ingress (or the Docker host), and that its rules route / to the OpenMetadata service",
      }),
    ];
  }
  const drift = authDrift(expected, (observed.body ?? {}) as Record<string, unknown>).filter(
    ({ field }) => fields === undefined || fields.includes(field),
  );
  if (drift.length === 0) {
    return [
      pass(
        "settings",
        fields === undefined
          ? `${url} serves the deployed auth settings`
          : `${url} serves the given ${fields.join(", ")}`,
      ),
    ];
  }
  return drift.map(({ field, deployed, served }) =>
    fail("settings", `${field} through the public URL differs from the deployed one`, {
      expected: show(deployed),
      seen: show(served),
      fix: `if the in-network verification passed, the public URL reaches another OpenMetadata (check DNS for the host, the ingress host and its backend); otherwise: ${DRIFT_REMEDY}`,
    }),
  );
}

/** OpenMetadata's JWKS through the public URL serves the deployed key id. */
export function jwksCheck(
  publicUrl: string,
  keyId: string,
  observed: JsonObservation,
): CheckResult {
  const url = `${publicUrl}/api/v1/system/config/jwks`;
  if ("error" in observed) {
    return fail("jwks", `${url} cannot be read`, {
      expected: `a JWKS with key id ${show(keyId)}`,
      seen: observed.error,
      fix: "check that the ingress routes /api to the OpenMetadata service",
    });
  }
  const kids = servedKeyIds(observed.body);
  if (kids.includes(keyId)) return pass("jwks", `${url} serves key id ${keyId}`);
  return fail("jwks", `${url} does not serve the deployed key id`, {
    expected: `key id ${show(keyId)}`,
    seen: `key ids ${show(kids)}`,
    fix: "the public URL reaches a server without this deployment's signing keys: check the ingress backend, or, if the in-network verification failed too, the mounted key files (RSA_PUBLIC_KEY_FILE_PATH)",
  });
}

/** The discovery document as fetched from here, or why not. */
export type DiscoveryObservation =
  { document: { issuer?: unknown; authorization_endpoint?: unknown } } | { error: string };

/** The discovery document's `issuer` names the `authority` OpenMetadata uses. */
export function issuerCheck(
  expected: Pick<OutsideExpectations, "discoveryUrl" | "provider"> & { authority: string },
  observed: DiscoveryObservation,
): CheckResult {
  if ("error" in observed) {
    return fail("issuer", `the discovery document cannot be read from here`, {
      expected: `the discovery document at ${expected.discoveryUrl}`,
      seen: observed.error,
      fix: "check that this machine reaches the identity provider as users' browsers do; for a provider behind a private CA, add that CA's certificate (PEM) to the trusted CAs",
    });
  }
  const issuer = observed.document.issuer;
  if (typeof issuer === "string" && authorityOf(expected.provider, issuer) === expected.authority) {
    return pass("issuer", `the provider's issuer ${issuer} matches OpenMetadata's authority`);
  }
  return fail("issuer", "the provider's discovery issuer differs from OpenMetadata's authority", {
    expected:
      expected.provider === "azure"
        ? `an issuer of ${show(expected.authority)} + "/v2.0"`
        : show(expected.authority),
    seen: show(issuer),
    fix: "browsers and OpenMetadata compare issuers character by character: set the identity provider's URL in the stack config to the one it states as issuer (a frontend or custom domain changes it), then run pulumi up",
  });
}

/** What the login start answered, and what the identity provider said to the redirect. */
export interface LoginObservation {
  status: number;
  /** The `Location` header. */
  location?: string;
  /** The provider's answer to that location, when it pointed there. */
  provider?: { status: number; body: string } | { error: string };
}

/**
 * Starting a login as the browser does (`GET /api/v1/auth/login?redirectUri=...`) redirects to the
 * provider's authorization endpoint with our client id, our registered callback, PKCE and nonce
 * as configured, and the provider accepts that request.
 */
export function loginCheck(
  expected: Pick<OutsideExpectations, "redirectUris" | "pkce" | "nonce"> & {
    clientId: string;
    callbackUrl: string;
  },
  authorizationEndpoint: string | undefined,
  observed: LoginObservation,
): CheckResult[] {
  if (observed.status < 300 || observed.status > 399 || observed.location === undefined) {
    return [
      fail("login", "the login start does not redirect to the identity provider", {
        expected: "HTTP 302 with a Location",
        seen: `HTTP ${observed.status}`,
        fix: "check that the ingress routes /api/v1/auth/login to OpenMetadata and that the server runs with clientType confidential (see the settings check)",
      }),
    ];
  }
  let target: URL;
  try {
    target = new URL(observed.location);
  } catch {
    return [
      fail("login", "the login start redirects to something that is not a URL", {
        expected: "the provider's authorization endpoint",
        seen: show(observed.location),
        fix: "check oidcConfiguration.discoveryUri (OIDC_DISCOVERY_URI) in the settings check",
      }),
    ];
  }
  const problems: CheckResult[] = [];
  const endpoint = `${target.origin}${target.pathname}`;
  if (authorizationEndpoint !== undefined && endpoint !== authorizationEndpoint) {
    problems.push(
      fail("login", "the login redirects elsewhere than the provider's authorization endpoint", {
        expected: authorizationEndpoint,
        seen: endpoint,
        fix: "OpenMetadata reads the endpoint from OIDC_DISCOVERY_URI at startup: if it serves an older discovery URI, restart the server; check the settings check for stored settings",
      }),
    );
  }
  const query = target.searchParams;
  const param = (name: string) => query.get(name) ?? undefined;
  if (param("client_id") !== expected.clientId) {
    problems.push(
      fail("login", "the login sends another client id", {
        expected: show(expected.clientId),
        seen: show(param("client_id") ?? null),
        fix: "OpenMetadata serves an older oidcConfiguration.id (OIDC_CLIENT_ID): see the settings check and restart the server",
      }),
    );
  }
  const redirect = param("redirect_uri");
  if (redirect !== expected.callbackUrl || !expected.redirectUris.includes(redirect)) {
    problems.push(
      fail("login", "the login sends a callback that is not the registered one", {
        expected: `${show(expected.callbackUrl)}, registered at the provider as one of ${show(expected.redirectUris)}`,
        seen: show(redirect ?? null),
        fix: "OpenMetadata serves an older oidcConfiguration.callbackUrl (OIDC_CALLBACK): see the settings check and restart the server",
      }),
    );
  }
  const challenge = param("code_challenge");
  const method = param("code_challenge_method");
  if (expected.pkce && (challenge === undefined || method !== "S256")) {
    problems.push(
      fail("login", "the login sends no PKCE S256 challenge", {
        expected: "code_challenge with code_challenge_method S256",
        seen:
          challenge === undefined ? "no code_challenge" : `code_challenge_method ${show(method)}`,
        fix: "OpenMetadata serves oidcConfiguration.disablePkce true (OIDC_DISABLE_PKCE): see the settings check and restart the server",
      }),
    );
  }
  if (!expected.pkce && challenge !== undefined) {
    problems.push(
      fail("login", "the login sends PKCE, which this client does not use", {
        expected: "no code_challenge",
        seen: `code_challenge_method ${show(method)}`,
        fix: "OpenMetadata serves oidcConfiguration.disablePkce false (OIDC_DISABLE_PKCE): see the settings check and restart the server",
      }),
    );
  }
  if (expected.nonce !== (param("nonce") !== undefined)) {
    problems.push(
      fail("login", expected.nonce ? "the login sends no nonce" : "the login sends a nonce", {
        expected: expected.nonce ? "a nonce" : "no nonce",
        seen: expected.nonce ? "none" : "a nonce",
        fix: "OpenMetadata serves another oidcConfiguration.useNonce (OIDC_USE_NONCE): see the settings check and restart the server",
      }),
    );
  }
  const answer = observed.provider;
  if (answer !== undefined && "error" in answer) {
    problems.push(
      fail("login", "the identity provider cannot be reached at the authorization endpoint", {
        expected: "an answer from the identity provider",
        seen: answer.error,
        fix: "users' browsers must reach the identity provider; check its URL and DNS, and for a private CA add its certificate to the trusted CAs",
      }),
    );
  } else if (answer !== undefined && answer.status >= 400) {
    const callback = /redirect_uri|redirect uri/i.test(answer.body);
    problems.push(
      callback
        ? fail("login", "the identity provider refuses the callback", {
            expected: `${show(redirect ?? null)} registered as a redirect URI of client ${show(expected.clientId)}`,
            seen: `HTTP ${answer.status}: ${excerpt(answer.body)}`,
            fix: `register ${redirect ?? "the callback"} as a redirect URI of the client at the identity provider (pulumi up registers ${show(expected.redirectUris)} for clients it creates; an existing client needs it added by hand)`,
          })
        : fail("login", "the identity provider refuses the authorization request", {
            expected: "the provider's login page",
            seen: `HTTP ${answer.status}: ${excerpt(answer.body)}`,
            fix: `check that client ${show(expected.clientId)} exists and is enabled at the identity provider, and allows the authorization code flow`,
          }),
    );
  }
  if (problems.length > 0) return problems;
  return [
    pass(
      "login",
      `redirects to ${endpoint} with client ${expected.clientId}, callback ${redirect}, ${expected.pkce ? "PKCE S256" : "no PKCE"}, ${expected.nonce ? "a nonce" : "no nonce"}; the provider accepts it`,
    ),
  ];
}

/** The first 200 characters of a body, on one line. */
function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}

/**
 * A public client's login starts in the browser, which builds the authorization request from the
 * settings the server serves: what can be checked from here is the callback among the registered
 * ones and the provider's authorization endpoint in its discovery document.
 */
export function publicLoginCheck(
  expected: Pick<OutsideExpectations, "redirectUris"> & { callbackUrl: string },
  authorizationEndpoint: string | undefined,
): CheckResult {
  if (!expected.redirectUris.includes(expected.callbackUrl)) {
    return fail("login", "the callback is not registered at the identity provider", {
      expected: `one of ${show(expected.redirectUris)}`,
      seen: show(expected.callbackUrl),
      fix: "register the callback as a redirect URI of the client at the identity provider",
    });
  }
  if (authorizationEndpoint === undefined) {
    return fail("login", "the provider's discovery document names no authorization endpoint", {
      expected: "authorization_endpoint",
      seen: "none",
      fix: "check the identity provider's discovery URL",
    });
  }
  return pass(
    "login",
    `a public client: the browser builds the login at ${authorizationEndpoint} with the callback ${expected.callbackUrl}; the server takes no part, so no server redirect is checked`,
  );
}

/** What the affinity probes saw. */
export interface AffinityObservation {
  /** Cookie names the first answer set. */
  cookies: string[];
  /** The affinity cookie's value, when set. */
  affinity?: string;
  /**
   * For each follow-up request carrying the affinity and session cookies: the session id the pod
   * answered with, `undefined` when it set none (it knew the session).
   */
  sessions?: { sent: string; answered: (string | undefined)[] };
}

/**
 * With more than one replica, the ingress sets the affinity cookie, and requests carrying it reach
 * the same pod. A pod is told by the login session it holds: OpenMetadata keeps sessions in each
 * pod's memory (before 2.0), so a request carrying the first answer's `JSESSIONID` to another pod
 * gets a new session id, while the pod that holds it sets none or the same.
 */
export function affinityCheck(
  expected: Pick<OutsideExpectations, "replicas" | "affinityCookie">,
  observed: AffinityObservation | undefined,
): CheckResult {
  if (expected.replicas <= 1) {
    return { check: "affinity", status: "skip", summary: "one replica: no affinity needed" };
  }
  const cookie = expected.affinityCookie ?? "(none configured)";
  if (observed === undefined || observed.affinity === undefined) {
    return fail(
      "affinity",
      `the ingress sets no affinity cookie, with ${expected.replicas} replicas`,
      {
        expected: `a ${cookie} cookie on the first answer`,
        seen: observed ? `cookies ${show(observed.cookies)}` : "no answer",
        fix: 'logins fail with "Missing state parameter" when the callback reaches another pod: use an ingress-nginx class (kubernetes.ingress.className) with kubernetes.ingress.stickySessions true, and check that the controller reads the affinity annotations',
      },
    );
  }
  if (observed.sessions === undefined) {
    return pass(
      "affinity",
      `the ingress sets ${cookie}; a public client keeps no server session, so which pod answers is not checked`,
    );
  }
  const moved = observed.sessions.answered.filter(
    (answered) => answered !== undefined && answered !== observed.sessions!.sent,
  );
  if (moved.length > 0) {
    return fail("affinity", `requests carrying ${cookie} reach another pod`, {
      expected: `every request with ${cookie} and ${SESSION_COOKIE} reaches the pod that holds the session`,
      seen: `${moved.length} of ${observed.sessions.answered.length} follow-up requests got a new session`,
      fix: "the ingress does not route by the affinity cookie: check its affinity annotations (affinity cookie, affinity-mode persistent) and that every replica sits behind the same ingress",
    });
  }
  return pass(
    "affinity",
    `the ingress sets ${cookie}; ${observed.sessions.answered.length} requests carrying it reached the pod that holds the login session`,
  );
}

// ---------------------------------------------------------------------------------------------
// Fetching.
// ---------------------------------------------------------------------------------------------

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The trust of a request: the system's roots plus the extra CAs, or (after a TLS failure) none. */
export interface Trust {
  ca?: string[];
  /** Read the answer even when the certificate is refused: the TLS check has reported it. */
  insecure?: boolean;
  timeoutMs: number;
}

function tlsOptions(trust: Trust): tls.ConnectionOptions {
  return {
    ...(trust.ca && trust.ca.length > 0 ? { ca: [...tls.rootCertificates, ...trust.ca] } : {}),
    ...(trust.insecure ? { rejectUnauthorized: false } : {}),
  };
}

/** One GET, without following redirects; the error names the URL. */
export function httpGet(
  url: string,
  trust: Trust,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      target,
      {
        headers: { accept: "application/json, text/html;q=0.9", ...headers },
        timeout: trust.timeoutMs,
        ...(target.protocol === "https:" ? tlsOptions(trust) : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer in ${trust.timeoutMs} ms`)));
    request.on("error", (error) => reject(new Error(`GET ${url}: ${error.message}`)));
  });
}

export async function getJson(url: string, trust: Trust): Promise<JsonObservation> {
  try {
    const answer = await httpGet(url, trust);
    if (answer.status !== 200) return { error: `GET ${url} answered HTTP ${answer.status}` };
    try {
      return { body: JSON.parse(answer.body) };
    } catch {
      return { error: `GET ${url} answered something that is not JSON` };
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The TLS handshake with the public URL's host, checked against the trusted roots and the host. */
export function observeTls(url: string, trust: Trust): Promise<TlsObservation> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        host,
        port: Number(target.port || 443),
        ...(net.isIP(host) ? {} : { servername: host }),
        ...tlsOptions({ ...trust, insecure: true }),
        timeout: trust.timeoutMs,
      },
      () => {
        const cert = socket.getPeerCertificate();
        const observed: TlsObservation = {
          authorized: socket.authorized,
          ...(socket.authorizationError
            ? {
                error: String(
                  (socket.authorizationError as Error).message ?? socket.authorizationError,
                ),
              }
            : {}),
          ...(cert.subject?.CN === undefined ? {} : { subject: String(cert.subject.CN) }),
          ...(cert.subjectaltname === undefined ? {} : { subjectAltName: cert.subjectaltname }),
          ...(cert.issuer?.CN === undefined ? {} : { issuer: String(cert.issuer.CN) }),
          validTo: cert.valid_to,
        };
        socket.end();
        resolve(observed);
      },
    );
    socket.on("timeout", () => socket.destroy(new Error(`no answer in ${trust.timeoutMs} ms`)));
    socket.on("error", (error) => reject(new Error(`TLS to ${target.host}: ${error.message}`)));
  });
}

/** The values of the cookies an answer sets, by name. */
export function setCookies(headers: http.IncomingHttpHeaders): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const line of headers["set-cookie"] ?? []) {
    const pair = line.split(";")[0];
    const at = pair.indexOf("=");
    if (at > 0) cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return cookies;
}

/** The browser's login start URL (OpenMetadata's UI, `GenericAuthenticator`). */
export function loginStartUrl(publicUrl: string): string {
  return `${publicUrl}/api/v1/auth/login?redirectUri=${publicUrl}/auth/callback`;
}

/** Runs every check through the public URL, in {@link CHECKS} order. Never throws. */
export async function runOutsideChecks(
  expected: OutsideExpectations,
  options: OutsideOptions = {},
): Promise<CheckResult[]> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? OUTSIDE_TIMEOUT_MS;
  const trusted: Trust = { ca: options.ca, timeoutMs };
  const results: CheckResult[] = [];
  const url = new URL(expected.publicUrl);
  let insecure = false;
  if (url.protocol === "https:") {
    try {
      const tlsResult = tlsCheck(url.hostname, await observeTls(expected.publicUrl, trusted), now);
      results.push(tlsResult);
      // The other checks still run, reading past the refused certificate: one cause, one line.
      insecure = tlsResult.status === "fail";
    } catch (error) {
      results.push(
        fail("tls", `no TLS connection to ${url.host}`, {
          expected: "a TLS handshake",
          seen: (error as Error).message,
          fix: "check that DNS sends the host to the ingress or proxy, and that it listens on the port with TLS",
        }),
      );
      insecure = true;
    }
  } else {
    results.push({
      check: "tls",
      status: "skip",
      summary: `${expected.publicUrl} is plain http, as only a local stack may be`,
    });
  }
  const front: Trust = { ...trusted, insecure };
  results.push(
    ...settingsCheck(
      expected.publicUrl,
      expected.auth,
      await getJson(`${expected.publicUrl}/api/v1/system/config/auth`, front),
      expected.authFields,
    ),
  );
  results.push(
    jwksCheck(
      expected.publicUrl,
      expected.auth.keyId,
      await getJson(`${expected.publicUrl}/api/v1/system/config/jwks`, front),
    ),
  );
  const discovery = await getJson(expected.discoveryUrl, trusted);
  const document =
    "body" in discovery
      ? {
          document: (discovery.body ?? {}) as {
            issuer?: unknown;
            authorization_endpoint?: unknown;
          },
        }
      : discovery;
  results.push(issuerCheck({ ...expected, authority: expected.auth.authority }, document));
  const endpoint =
    "document" in document && typeof document.document.authorization_endpoint === "string"
      ? document.document.authorization_endpoint
      : undefined;
  const login = {
    ...expected,
    clientId: expected.auth.clientId,
    callbackUrl: expected.auth.callbackUrl,
  };
  if (expected.auth.clientType !== "confidential") {
    results.push(publicLoginCheck(login, endpoint));
    results.push(affinityCheck(expected, await observeAffinity(expected, front, false)));
    return results;
  }
  let first: HttpAnswer | undefined;
  try {
    first = await httpGet(loginStartUrl(expected.publicUrl), front);
    const location = first.headers.location;
    let provider: LoginObservation["provider"];
    if (location !== undefined && endpoint !== undefined && location.startsWith(endpoint)) {
      try {
        const answer = await httpGet(location, trusted, { accept: "text/html" });
        provider = { status: answer.status, body: answer.body };
      } catch (error) {
        provider = { error: (error as Error).message };
      }
    }
    results.push(
      ...loginCheck(login, endpoint, {
        status: first.status,
        ...(location === undefined ? {} : { location }),
        ...(provider === undefined ? {} : { provider }),
      }),
    );
  } catch (error) {
    results.push(
      fail("login", "the login start cannot be reached", {
        expected: `an answer from ${loginStartUrl(expected.publicUrl)}`,
        seen: (error as Error).message,
        fix: "check that the ingress routes /api/v1/auth/login to OpenMetadata",
      }),
    );
  }
  results.push(affinityCheck(expected, await observeAffinity(expected, front, true, first)));
  return results;
}

/**
 * Probes the affinity: the first answer's cookies, then {@link AFFINITY_PROBES} login starts
 * carrying the affinity and session cookies. Only with more than one replica.
 */
async function observeAffinity(
  expected: OutsideExpectations,
  trust: Trust,
  sessions: boolean,
  first?: HttpAnswer,
): Promise<AffinityObservation | undefined> {
  if (expected.replicas <= 1) return undefined;
  const start = loginStartUrl(expected.publicUrl);
  try {
    const answer =
      first ??
      (await httpGet(sessions ? start : `${expected.publicUrl}/api/v1/system/config/auth`, trust));
    const cookies = setCookies(answer.headers);
    const name = expected.affinityCookie;
    const affinity = name === undefined ? undefined : cookies[name];
    const observed: AffinityObservation = {
      cookies: Object.keys(cookies),
      ...(affinity === undefined ? {} : { affinity }),
    };
    const session = cookies[SESSION_COOKIE];
    if (!sessions || affinity === undefined || session === undefined) return observed;
    const answered: (string | undefined)[] = [];
    for (let probe = 0; probe < AFFINITY_PROBES; probe++) {
      const next = await httpGet(start, trust, {
        cookie: `${name}=${affinity}; ${SESSION_COOKIE}=${session}`,
      });
      answered.push(setCookies(next.headers)[SESSION_COOKIE]);
    }
    return { ...observed, sessions: { sent: session, answered } };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------

/** One line: `FAIL tls: summary. Expected: ... Seen: ... Fix: ...`. */
export function formatResult(result: CheckResult): string {
  const label = result.status.toUpperCase().padEnd(4);
  const parts = [`${label} ${result.check}: ${result.summary}`];
  if (result.expected !== undefined) parts.push(`expected ${result.expected}`);
  if (result.seen !== undefined) parts.push(`seen ${result.seen}`);
  if (result.fix !== undefined) parts.push(`fix: ${result.fix}`);
  return parts.join(" | ");
}

/** True when any check failed. */
export function failed(results: readonly CheckResult[]): boolean {
  return results.some((result) => result.status === "fail");
}
