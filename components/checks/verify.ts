/**
 * Post-deploy verification: does the running server serve the auth settings that were deployed?
 *
 * OpenMetadata can keep serving an older auth config from its database after first boot. After every create or update of the server, the target runs
 * {@link verifyOpenMetadata} from inside the server's own network: a one-shot container on Docker,
 * a Job on Kubernetes. Both run the very same function, shipped as {@link verifierScript}, so there
 * is one implementation to test.
 */
import { isSecretRef, parseFlowList, type ServerEnv } from "../settings/env";
import { bypassesProxy, JAVA_TOOL_OPTIONS, javaProxyOf } from "../settings/proxy";

/**
 * What the running server must report. `/api/v1/system/config/auth` copies these fields from its
 * effective config, which may be the one stored in its database:
 * `provider`, `providerName`, `clientType`, `enableSelfSignup`, `jwtPrincipalClaims`,
 * `jwtPrincipalClaimsMapping`, `clientId`, `authority` and `callbackUrl` (newer releases add
 * `enableAutoRedirect`, which is not deployed). The rest (`publicKeyUrls`, `responseType`) come
 * back as schema defaults whatever was deployed, so they cannot be compared. The public key URLs
 * are checked the way the server uses them instead: each must serve keys from inside its network.
 */
export interface ExpectedAuth {
  provider: string;
  providerName: string;
  clientId: string;
  authority: string;
  callbackUrl: string;
  clientType: string;
  /** `AUTHENTICATION_ENABLE_SELF_SIGNUP`: may an unknown user who signs in get an account. */
  enableSelfSignup: boolean;
  /**
   * `AUTHENTICATION_JWT_PRINCIPAL_CLAIMS`: the claims that name a user. Ordered:
   * the server takes the first one a token carries, so a reordered list names users differently.
   */
  jwtPrincipalClaims: string[];
  /**
   * `AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING` (`username:<claim>`, `email:<claim>`), empty when
   * unset. A set: the server turns it into a map keyed by the part before the colon.
   */
  jwtPrincipalClaimsMapping: string[];
  /** Key id OpenMetadata's own JWKS must serve. */
  keyId: string;
  /**
   * `AUTHENTICATION_PUBLIC_KEYS`: JWKS URLs the server fetches to validate tokens, those it
   * reaches directly. The verifier reads each the same way.
   */
  publicKeyUrls: string[];
  /**
   * With an egress proxy, the proxy's `host:port`. Only then is the field set.
   * @default - none
   */
  egressProxy?: string;
  /**
   * With an egress proxy, the JWKS URLs the server reaches through it. The verifier cannot check
   * them: Node's `fetch` ignores proxies, and the network may let only the proxy out. It says so
   * instead of failing. @default - none
   */
  proxiedKeyUrls?: string[];
}

/** Result of one verification. */
export interface VerificationResult {
  ok: boolean;
  /** One line per field that differs, or per request that failed. */
  problems: string[];
}

/** The expected auth settings, read from the env that was deployed. */
export function expectedAuth(env: ServerEnv): ExpectedAuth {
  const plain = (name: string): string => {
    const value = env[name];
    if (value === undefined || isSecretRef(value))
      throw new Error(`The deployed env has no plain ${name}.`);
    return value;
  };
  return {
    provider: plain("AUTHENTICATION_PROVIDER"),
    providerName: plain("CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME"),
    clientId: plain("AUTHENTICATION_CLIENT_ID"),
    authority: plain("AUTHENTICATION_AUTHORITY"),
    callbackUrl: plain("AUTHENTICATION_CALLBACK_URL"),
    clientType: plain("AUTHENTICATION_CLIENT_TYPE"),
    // Read as the settings read env values into openmetadata.yaml (`kind: "boolean"`, `"list"`).
    enableSelfSignup: plain("AUTHENTICATION_ENABLE_SELF_SIGNUP") === "true",
    jwtPrincipalClaims: parseFlowList(plain("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS")),
    jwtPrincipalClaimsMapping:
      env.AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING === undefined
        ? []
        : parseFlowList(plain("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING")),
    keyId: plain("JWT_KEY_ID"),
    ...keyUrls(
      parseFlowList(plain("AUTHENTICATION_PUBLIC_KEYS")),
      env[JAVA_TOOL_OPTIONS] === undefined ? undefined : plain(JAVA_TOOL_OPTIONS),
    ),
  };
}

/**
 * The public key URLs the verifier reads, and with a JVM proxy in `javaToolOptions`, the proxy and
 * the URLs the server reaches through it, as the JVM decides (`http.nonProxyHosts`).
 */
export function keyUrls(
  urls: string[],
  javaToolOptions: string | undefined,
): Pick<ExpectedAuth, "publicKeyUrls" | "egressProxy" | "proxiedKeyUrls"> {
  const proxy = javaProxyOf(javaToolOptions);
  if (proxy === undefined) return { publicKeyUrls: urls };
  return {
    publicKeyUrls: urls.filter((url) => bypassesProxy(url, proxy.nonProxyHosts)),
    egressProxy: proxy.proxy,
    proxiedKeyUrls: urls.filter((url) => !bypassesProxy(url, proxy.nonProxyHosts)),
  };
}

/** What to do when the server disagrees with what was deployed. */
export const DRIFT_REMEDY =
  "OpenMetadata is serving auth settings stored in its database, not the ones deployed. " +
  "Remedy: inspect them with `./bootstrap/openmetadata-ops.sh get-security-config` in the server container, " +
  "then replace them with the deployed ones (`./bootstrap/openmetadata-ops.sh update-security-config`), " +
  "or remove the stored settings so the server reads its environment again, and re-run `pulumi up`.";

/** A field the server reports otherwise than it was deployed. */
export interface AuthDrift {
  field: keyof ExpectedAuth;
  deployed: unknown;
  served: unknown;
}

/**
 * Compares what `/api/v1/system/config/auth` answered with what was deployed, field by field. The
 * in-network verification and the check through the public URL both use it. Self-contained: the
 * verifier script ships its source.
 */
export function authDrift(expected: ExpectedAuth, auth: Record<string, unknown>): AuthDrift[] {
  const drift: AuthDrift[] = [];
  const report = (field: keyof ExpectedAuth): void => {
    drift.push({ field, deployed: expected[field], served: auth[field] });
  };
  const fields = [
    "provider",
    "providerName",
    "clientId",
    "authority",
    "callbackUrl",
    "clientType",
  ] as const;
  for (const field of fields) {
    if (auth[field] !== expected[field]) report(field);
  }
  // Older releases do not return these three: a field the answer lacks is not compared.
  if (auth.enableSelfSignup !== undefined && auth.enableSelfSignup !== expected.enableSelfSignup)
    report("enableSelfSignup");
  const lists = [
    ["jwtPrincipalClaims", false],
    ["jwtPrincipalClaimsMapping", true],
  ] as const;
  for (const [field, unordered] of lists) {
    const served = auth[field];
    if (served === undefined) continue;
    const want = unordered ? [...expected[field]].sort() : expected[field];
    const got = Array.isArray(served) ? (unordered ? [...served].sort() : served) : undefined;
    if (!got || got.length !== want.length || want.some((item, i) => got[i] !== item)) {
      report(field);
    }
  }
  return drift;
}

/** The key ids a JWKS answer lists. Self-contained, like {@link authDrift}. */
export function servedKeyIds(jwks: unknown): unknown[] {
  const keys = (jwks as { keys?: { kid?: unknown }[] } | null)?.keys;
  return Array.isArray(keys) ? keys.map((key) => key?.kid) : [];
}

/**
 * Reads `/api/v1/system/config/auth` and `/api/v1/system/config/jwks` from `baseUrl` and compares
 * them with `expected`, then checks that every public key URL serves keys, as the server fetches
 * them. `remedy` follows only a disagreement of the server with what was
 * deployed. Self-contained on purpose: its source is shipped into the verifier container, so it
 * may use only globals (`fetch`, `JSON`).
 */
export async function verifyOpenMetadata(
  baseUrl: string,
  expected: ExpectedAuth,
  remedy: string,
): Promise<VerificationResult> {
  const problems: string[] = [];
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`GET ${path} answered HTTP ${response.status}`);
    return response.json();
  };
  try {
    const auth = (await get("/api/v1/system/config/auth")) as Record<string, unknown>;
    for (const { field, deployed, served } of authDrift(expected, auth)) {
      problems.push(
        `${field}: deployed ${JSON.stringify(deployed)}, server reports ${JSON.stringify(served)}`,
      );
    }
  } catch (error) {
    problems.push(`auth config: ${(error as Error).message}`);
  }
  try {
    const kids = servedKeyIds(await get("/api/v1/system/config/jwks"));
    if (!kids.includes(expected.keyId)) {
      problems.push(
        `jwks: the server does not serve key id ${JSON.stringify(expected.keyId)} (serves ${JSON.stringify(kids)}); its signing keys did not load`,
      );
    }
  } catch (error) {
    problems.push(`jwks: ${(error as Error).message}`);
  }
  if (problems.length > 0) problems.push(remedy);
  for (const url of expected.publicKeyUrls) {
    let reason: string | undefined;
    try {
      const response = await fetch(url, { headers: { accept: "application/json" } });
      if (!response.ok) reason = `answered HTTP ${response.status}`;
      else {
        const body = (await response.json()) as { keys?: unknown };
        if (!Array.isArray(body.keys) || body.keys.length === 0) reason = "serves no keys";
      }
    } catch (error) {
      reason = `cannot be read: ${(error as Error).message}`;
    }
    if (reason) {
      problems.push(
        `publicKeyUrls: ${url} ${reason}. The server reads it to validate sign-in and bot tokens, so they would fail with "No key found"`,
      );
    }
  }
  return { ok: problems.length === 0, problems };
}

/**
 * Environment variables the verifier script reads. `failure`, optional, is a line the script
 * prints last when it fails: where a target reports only the end of the log (a Kubernetes Job's
 * termination message), it tells the user how to read the whole of it.
 */
export const VERIFIER_ENV = {
  url: "OPENMETADATA_URL",
  expected: "EXPECTED_AUTH",
  failure: "VERIFY_FAILURE",
} as const;

/**
 * What a failed verification tells the user first, on both targets: the command that prints the
 * verifier's whole log (`docker logs <container>`, `kubectl logs -n <namespace> job/<name>`).
 */
export function verificationFailure(logsCommand: string): string {
  return `OpenMetadata does not serve the auth settings that were deployed. Read: ${logsCommand}`;
}

/**
 * A standalone Node script that runs {@link verifyOpenMetadata} with `OPENMETADATA_URL` and
 * `EXPECTED_AUTH` from its environment, retrying while the server starts, and exits 1 with every
 * problem printed when it disagrees, then `VERIFY_FAILURE` when set. With `egressProxy`, it first
 * prints one line for each public key URL the server reaches through the proxy, which it does not
 * check. Those lines are added only with a proxy, so a stack without one does not get a new
 * verifier (and a replaced verifier container) when a proxy is added elsewhere.
 */
export function verifierScript(
  options: {
    /** @default 30 */
    attempts?: number;
    /** @default 5000 */
    delayMs?: number;
    /** The deployment has an egress proxy. @default false */
    egressProxy?: boolean;
  } = {},
): string {
  const { attempts = 30, delayMs = 5000, egressProxy = false } = options;
  const proxied = egressProxy
    ? [
        `for (const key of expected.proxiedKeyUrls ?? []) console.log("openmetadata-sso: not checked from here: " + key + ", which the server reaches through the egress proxy " + expected.egressProxy + " (this check connects directly)");`,
      ]
    : [];
  return [
    // Transpilers that keep function names (esbuild, as tsx and vitest run it) emit __name calls.
    `const __name = (fn) => fn;`,
    `const authDrift = ${authDrift.toString()};`,
    `const servedKeyIds = ${servedKeyIds.toString()};`,
    `const verifyOpenMetadata = ${verifyOpenMetadata.toString()};`,
    `const remedy = ${JSON.stringify(DRIFT_REMEDY)};`,
    `const url = process.env.${VERIFIER_ENV.url};`,
    `const expected = JSON.parse(process.env.${VERIFIER_ENV.expected});`,
    ...proxied,
    `(async () => {`,
    `  let result;`,
    `  for (let attempt = 1; attempt <= ${attempts}; attempt++) {`,
    `    result = await verifyOpenMetadata(url, expected, remedy);`,
    `    if (result.ok) { console.log("openmetadata-sso: the server serves the deployed auth settings and key id " + expected.keyId); return; }`,
    `    if (attempt < ${attempts}) await new Promise((r) => setTimeout(r, ${delayMs}));`,
    `  }`,
    `  console.error("openmetadata-sso: verification failed");`,
    `  for (const problem of result.problems) console.error("  - " + problem);`,
    `  if (process.env.${VERIFIER_ENV.failure}) console.error(process.env.${VERIFIER_ENV.failure});`,
    `  process.exit(1);`,
    `})();`,
    ``,
  ].join("\n");
}
