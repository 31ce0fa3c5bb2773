/**
 * The identity provider's discovery document, fetched by the program (the Pulumi CLI's machine).
 *
 * A generic OIDC provider's JWKS URL comes from its discovery document, never from user input
 *. The offline render has no network, so there it returns a marked placeholder.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as tls from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import { isOffline } from "../offline";
import { TRUSTED_CA_SETTING } from "../settings/truststore";

export { isOffline };

/** The fields of a discovery document this package reads. */
export interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri: string;
  registration_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
}

/** What the offline render shows where a value needs the provider's discovery document. */
export function offlineDiscoveryPlaceholder(field: string, discoveryUrl: string): string {
  return `<${field} from ${discoveryUrl}, resolved at deploy time>`;
}

/** How long a request to the identity provider may take, in milliseconds. */
export const FETCH_TIMEOUT_MS = 10_000;

/** A JSON Web Key as a JWKS publishes it (public members only). */
export interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  [member: string]: unknown;
}

/** How requests to the identity provider are made. */
export interface RequestOptions {
  /**
   * CA certificates (PEM) trusted besides Node's own roots: `trustedCaCertificates`.
   * @default - Node's roots only
   */
  ca?: readonly string[];
}

/**
 * OpenSSL's verdicts for a certificate chain that does not lead to a trusted CA (as opposed to an
 * expired certificate or a wrong host): what a private CA causes.
 */
export const UNTRUSTED_CHAIN = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_UNTRUSTED",
]);

/** A request failed because the server's certificate chains to no trusted CA. */
export class UntrustedCertificateError extends Error {
  constructor(
    message: string,
    /** How to make it trusted, naming the setting. */
    readonly fix: string,
  ) {
    super(message);
    this.name = "UntrustedCertificateError";
  }
}

/** How to trust the CA of `url`, given the CA certificates already trusted. */
export function untrustedFix(url: string, ca: readonly string[] | undefined): string {
  const host = new URL(url).host;
  return ca !== undefined && ca.length > 0
    ? `${host}'s certificate chains to none of Node's CAs nor to the ${ca.length} certificate${ca.length === 1 ? "" : "s"} of ${TRUSTED_CA_SETTING}: add the CA that issued it (its root, or the intermediate that signed it) to ${TRUSTED_CA_SETTING}.`
    : `${host}'s certificate chains to none of Node's CAs. If your organisation's own CA issued it, set ${TRUSTED_CA_SETTING} to that CA's PEM certificate (stack config: pulumi config set openmetadata-sso:${TRUSTED_CA_SETTING} -- "$(cat ca.pem)").`;
}

/** The OpenSSL verdict of a failed request, if it carries one. */
function tlsCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** A GET's answer, from `fetch` or from `https`. */
interface Answer {
  status: number;
  date?: string;
  text: string;
}

/**
 * The CAs a request with `ca` trusts: Node's bundled roots, the certificates of the file named by
 * `NODE_EXTRA_CA_CERTS` (which Node adds to its roots only where no `ca` is given), then `ca`.
 * Passing `ca` alone would replace Node's roots, and public providers would stop verifying.
 */
export function trustedRoots(
  ca: readonly string[],
  env: Record<string, string | undefined> = process.env,
): string[] {
  let extra: string[] = [];
  const file = env.NODE_EXTRA_CA_CERTS;
  if (file !== undefined && file !== "") {
    try {
      extra = [fs.readFileSync(file, "utf8")];
    } catch {
      // Node itself only warns about an unreadable file; so does nothing here.
    }
  }
  return [...tls.rootCertificates, ...extra, ...ca];
}

/** GETs `url` over https with `ca` added to Node's roots (`fetch` takes no CA). */
function getWithCa(url: string, ca: readonly string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      {
        headers: { accept: "application/json" },
        ca: trustedRoots(ca),
        timeout: FETCH_TIMEOUT_MS,
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, date: response.headers.date, text }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`no answer within ${FETCH_TIMEOUT_MS / 1000} s`)),
    );
    request.on("error", reject);
  });
}

/** GETs JSON; every error names the URL and what went wrong. */
async function getJson(
  url: string,
  what: string,
  options: RequestOptions = {},
): Promise<{ body: unknown; date?: string }> {
  const { ca } = options;
  let answer: Answer;
  try {
    if (ca !== undefined && ca.length > 0 && url.startsWith("https:")) {
      answer = await getWithCa(url, ca);
    } else {
      const response = await fetch(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      answer = {
        status: response.status,
        date: response.headers.get("date") ?? undefined,
        text: await response.text(),
      };
    }
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    const message = `Cannot reach the ${what} at ${url}: ${(error as Error).message}${cause ? ` (${cause.message})` : ""}.`;
    const code = tlsCode(error);
    if (code !== undefined && UNTRUSTED_CHAIN.has(code)) {
      throw new UntrustedCertificateError(message, untrustedFix(url, ca));
    }
    throw new Error(message);
  }
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`The ${what} at ${url} answered HTTP ${answer.status}.`);
  }
  try {
    return { body: JSON.parse(answer.text) as unknown, date: answer.date };
  } catch {
    throw new Error(`The ${what} at ${url} is not JSON.`);
  }
}

/** Fetches and parses a discovery document; the error names the URL and the HTTP status. */
export async function fetchDiscovery(
  discoveryUrl: string,
  options: RequestOptions = {},
): Promise<{ document: DiscoveryDocument; date?: string }> {
  const { body, date } = await getJson(discoveryUrl, "discovery document", options);
  const document = body as DiscoveryDocument;
  if (typeof document?.jwks_uri !== "string" || typeof document.issuer !== "string") {
    throw new Error(`The discovery document at ${discoveryUrl} has no issuer or jwks_uri.`);
  }
  return { document, date };
}

/** Fetches a JWKS and returns its keys; the error names the URL and the problem. */
export async function fetchJwks(jwksUrl: string, options: RequestOptions = {}): Promise<Jwk[]> {
  const { body } = await getJson(jwksUrl, "JWKS", options);
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error(`The JWKS at ${jwksUrl} has no "keys" array.`);
  return keys as Jwk[];
}

/** How {@link jwksUriOf} runs; the defaults come from the Pulumi runtime. */
export interface JwksLookupOptions extends RequestOptions {
  /** @default pulumi.runtime.isDryRun() */
  dryRun?: boolean;
  /** Resource a warning belongs to. */
  parent?: pulumi.Resource;
}

/**
 * The provider's `jwks_uri`. Offline it is a marked placeholder. When the provider cannot be read,
 * a preview warns and goes on with an unknown value; an update fails with the reason and the fix.
 */
export async function jwksUriOf(
  discoveryUrl: string,
  options: JwksLookupOptions = {},
): Promise<string | typeof pulumi.unknown> {
  if (isOffline()) return offlineDiscoveryPlaceholder("jwks_uri", discoveryUrl);
  try {
    return (await fetchDiscovery(discoveryUrl, options)).document.jwks_uri;
  } catch (error) {
    const reason = (error as Error).message;
    const untrusted = error instanceof UntrustedCertificateError ? error.fix : undefined;
    if (options.dryRun ?? pulumi.runtime.isDryRun()) {
      pulumi.log.warn(
        `${reason}${untrusted === undefined ? "" : ` Fix: ${untrusted}`} OpenMetadata's JWKS URL comes from that document, so this preview shows it as unknown; \`pulumi up\` stops if the provider is still unreachable.`,
        options.parent,
      );
      return pulumi.unknown;
    }
    const fix =
      untrusted ??
      "check the discovery URL, and that the machine running Pulumi can reach the identity provider.";
    throw new pulumi.RunError(
      `${reason} OpenMetadata's JWKS URL comes from that document. Fix: ${fix}`,
    );
  }
}

/** The provider's `jwks_uri`, read from its discovery document at deploy time. */
export function discoveredJwksUri(
  discoveryUrl: pulumi.Input<string>,
  options: JwksLookupOptions = {},
): pulumi.Output<string> {
  // An unknown value makes the output unknown, as the engine's own unknowns do in a preview.
  return pulumi.output(discoveryUrl).apply((url) => jwksUriOf(url, options) as Promise<string>);
}
