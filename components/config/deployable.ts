/**
 * Rules about whether a config, valid in itself, can be deployed where it points: the local
 * Keycloak's reach and the certificates the config carries. Each runs in the offline render as in
 * `pulumi up`, since none needs a credential, so a green render means the deployment's own checks
 * would pass.
 */
import { show } from "../suggest";
import { hostOf } from "../urls";
import { type z } from "zod";
import { type argSchemas } from "./schema";
import { type IssueCollector } from "./messages";

/** The settings that parsed (the same shape as rules.ts's `Parsed`, which imports this file). */
type Parsed = Partial<z.output<z.ZodObject<typeof argSchemas>>>;

/** The local Keycloak's published port when none is set (schema.ts `localKeycloakSchema`). */
const LOCAL_KEYCLOAK_PORT = 8081;

/**
 * Whether a URL host always names this machine: `localhost` and names under `.localhost` (RFC 6761
 * §6.3: resolved to loopback, never sent to DNS), the IPv4 loopback block 127.0.0.0/8 (RFC 1122
 * §3.2.1.3) and IPv6's ::1 (RFC 4291 §2.5.3). `host` is as `URL.hostname` gives it: lower case,
 * IPv4 in dotted decimal, IPv6 in brackets.
 */
export function isLoopbackHost(host: string): boolean {
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === "[::1]"
  );
}

/**
 * The local Keycloak's frontend URL is fixed to `http://localhost:<port>`
 * (components/identity/local-keycloak.ts), so every browser is sent to Keycloak on its own
 * machine. That is the Docker host only when OpenMetadata itself is opened there, which a
 * loopback publicUrl says; any other host means browsers elsewhere, whose localhost has no
 * Keycloak.
 */
export function localKeycloakReachRule(
  v: Parsed,
  publicUrl: string | undefined,
  out: IssueCollector,
): void {
  if (v.identity?.provider !== "local-keycloak" || publicUrl === undefined) return;
  if (v.target !== undefined && v.target !== "docker") return; // Reported by identityRules.
  const host = hostOf(publicUrl);
  if (isLoopbackHost(host)) return;
  const port = v.identity.localKeycloak?.port ?? LOCAL_KEYCLOAK_PORT;
  out.add(
    ["identity", "provider"],
    `"local-keycloak" sends every browser to http://localhost:${port}, the Keycloak container on the Docker host, so it works only when OpenMetadata is opened on that host; got publicUrl ${show(publicUrl)}, whose host ${show(host)} is not a loopback name (localhost, *.localhost, 127.0.0.0/8 or [::1]), so every other browser would look for Keycloak on its own machine. Use an identity provider reachable from the browsers (okta, auth0, keycloak, onelogin, entra or oidc), or set publicUrl to "http://localhost:8585" for a stack used on the Docker host only`,
  );
}

/** Every rule of this file, in the order their lines are reported. */
export function deployableRules(
  v: Parsed,
  publicUrl: string | undefined,
  out: IssueCollector,
): void {
  localKeycloakReachRule(v, publicUrl, out);
}
