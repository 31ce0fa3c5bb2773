/**
 * Rules about whether a config, valid in itself, can be deployed where it points: the local
 * Keycloak's reach and the certificates the config carries. Each runs in the offline render as in
 * `pulumi up`, since none needs a credential, so a green render means the deployment's own checks
 * would pass.
 */
import { show } from "../suggest";
import { hostOf } from "../urls";
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { type z } from "zod";
import { NAMESPACE, OFFLINE_PLACEHOLDER_PREFIX, type argSchemas } from "./schema";
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
  tlsCertificateRule(v, publicUrl, out);
}

// ---------------------------------------------------------------------------------------------
// The TLS certificate the Docker target's proxy serves (docker.tls.mode "provided").
// ---------------------------------------------------------------------------------------------

/** The PEM blocks of a text, in order; text outside them is ignored, as PEM readers do. */
function pemBlocks(text: string): { label: string; body: string }[] {
  const blocks: { label: string; body: string }[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    blocks.push({ label: match[1], body: match[2].replace(/\s+/g, "") });
  }
  return blocks;
}

function subjectOf(certificate: X509Certificate): string {
  return show(certificate.subject.replace(/\n/g, ", "));
}

/**
 * What is wrong with a server certificate chain for `host` at `now`, one line per problem, each
 * phrased to follow the setting's name; the parsed certificates when nothing is. The first
 * certificate is the server's, each later one the issuer of the one before, as a TLS server sends
 * them (RFC 8446 §4.4.2).
 */
export function serverCertificateProblems(
  text: string,
  host: string,
  now: Date,
): { problems: string[]; certificates: X509Certificate[] } {
  const problems: string[] = [];
  const certificates: X509Certificate[] = [];
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    return {
      problems: [
        'must be a PEM certificate chain, each certificate from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----"; got no complete PEM block. Give the whole text of the PEM file',
      ],
      certificates,
    };
  }
  blocks.forEach((block, i) => {
    const n = i + 1;
    if (block.label !== "CERTIFICATE") {
      problems.push(
        `block ${n} is a ${block.label}, not a CERTIFICATE. Keep only the certificates`,
      );
      return;
    }
    try {
      certificates.push(new X509Certificate(Buffer.from(block.body, "base64")));
    } catch {
      // OpenSSL's reason ("no start line", "wrong tag") names no part of the certificate.
      problems.push(
        `certificate ${n} is not a valid X.509 certificate: its body does not decode to one, as when a copy damaged or cut it. Copy the whole block again from the certificate's PEM file`,
      );
    }
  });
  if (problems.length > 0) return { problems, certificates: [] };

  const [leaf] = certificates;
  const bare = host.replace(/^\[|\]$/g, "");
  const ip = isIP(bare) !== 0;
  const matches = ip ? leaf.checkIP(bare) : leaf.checkHost(bare);
  if (matches === undefined) {
    const names = leaf.subjectAltName ? `, names ${show(leaf.subjectAltName)}` : "";
    problems.push(
      `certificate 1 (subject ${subjectOf(leaf)}${names}) is not valid for ${show(host)}, the host of publicUrl, so browsers would refuse it. Use a certificate issued for ${host}${ip ? "" : " (or a wildcard for its parent domain)"}, first in the chain`,
    );
  }
  certificates.forEach((certificate, i) => {
    const n = i + 1;
    const notAfter = new Date(certificate.validTo);
    const notBefore = new Date(certificate.validFrom);
    if (notAfter.getTime() < now.getTime()) {
      problems.push(
        `certificate ${n} (subject ${subjectOf(certificate)}) expired on ${notAfter.toISOString()}, so browsers would refuse it. Renew it and give the new chain`,
      );
    } else if (notBefore.getTime() > now.getTime()) {
      problems.push(
        `certificate ${n} (subject ${subjectOf(certificate)}) is not valid before ${notBefore.toISOString()}. Check this machine's clock, or use a certificate valid now`,
      );
    }
    const issuer = certificates[i + 1];
    if (issuer && !(certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey))) {
      problems.push(
        `certificate ${n} (subject ${subjectOf(certificate)}) was not issued by certificate ${n + 1} (subject ${subjectOf(issuer)}), which follows it. Give the chain in order: the server's certificate first, each followed by its issuer`,
      );
    }
  });
  return { problems, certificates };
}

/**
 * Checks the provided TLS certificate against publicUrl's host, the time and its own chain.
 * Missing or mistyped values (no certificate, a private key in its place) are dockerRules'.
 */
export function tlsCertificateRule(
  v: Parsed,
  publicUrl: string | undefined,
  out: IssueCollector,
  now = new Date(),
): void {
  const tls = v.target === "docker" ? v.docker?.tls : undefined;
  const text = tls?.certificate;
  if (tls?.mode !== "provided" || text === undefined || publicUrl === undefined) return;
  if (!text.includes("-----BEGIN CERTIFICATE-----") || /PRIVATE KEY-----/.test(text)) return;
  const { problems, certificates } = serverCertificateProblems(text, hostOf(publicUrl), now);
  for (const problem of problems) out.add(["docker", "tls", "certificate"], problem);
  if (typeof tls.privateKey === "string") {
    tlsKeyRule(certificates[0], tls.privateKey, out);
  }
}

/**
 * The private key must be the server certificate's: the proxy cannot serve TLS otherwise. The
 * key's text is never shown. A placeholder of the offline render is not checked.
 */
export function tlsKeyRule(
  certificate: X509Certificate | undefined,
  keyText: string | undefined,
  out: IssueCollector,
): void {
  if (certificate === undefined || keyText === undefined) return;
  if (keyText.startsWith(OFFLINE_PLACEHOLDER_PREFIX)) return;
  let key: KeyObject;
  try {
    key = createPrivateKey(keyText);
  } catch {
    out.add(
      ["docker", "tls", "privateKey"],
      `must be the PEM private key of ${out.namer.name(["docker", "tls", "certificate"])}; got text that is not a private key (value hidden). Set it to the whole PEM file of the key: ${out.namer.setSecret(["docker", "tls", "privateKey"])}`,
    );
    return;
  }
  if (!certificate.checkPrivateKey(key)) {
    out.add(
      ["docker", "tls", "privateKey"],
      `is not the key of ${out.namer.name(["docker", "tls", "certificate"])} (subject ${subjectOf(certificate)}): the certificate's public key belongs to another key (value hidden), so the proxy could not serve TLS. Give the key the certificate was issued for`,
    );
  }
}

/** The server certificate of a provided TLS chain, when it parses; for checking the key. */
export function providedServerCertificate(v: Parsed): X509Certificate | undefined {
  const tls = v.target === "docker" ? v.docker?.tls : undefined;
  if (tls?.mode !== "provided" || tls.certificate === undefined) return undefined;
  if (/PRIVATE KEY-----/.test(tls.certificate)) return undefined;
  const [first] = pemBlocks(tls.certificate);
  if (first?.label !== "CERTIFICATE") return undefined;
  try {
    return new X509Certificate(Buffer.from(first.body, "base64"));
  } catch {
    return undefined;
  }
}

/** How long before a provided certificate expires the config warns: two weeks. */
export const EXPIRY_WARNING_DAYS = 14;

/**
 * Warnings for a provided TLS chain whose certificates expire within {@link EXPIRY_WARNING_DAYS}
 * days of `now`: still deployable, so not a problem, but browsers refuse it soon after. An expired
 * or unreadable chain is a problem instead, reported by {@link tlsCertificateRule}.
 */
export function tlsExpiryWarnings(v: Parsed, now = new Date()): string[] {
  const tls = v.target === "docker" ? v.docker?.tls : undefined;
  if (tls?.mode !== "provided" || tls.certificate === undefined) return [];
  const warnings: string[] = [];
  pemBlocks(tls.certificate).forEach((block, i) => {
    if (block.label !== "CERTIFICATE") return;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(block.body, "base64"));
    } catch {
      return;
    }
    const notAfter = new Date(certificate.validTo);
    const left = notAfter.getTime() - now.getTime();
    if (left >= 0 && left < EXPIRY_WARNING_DAYS * 86_400_000) {
      const days = Math.floor(left / 86_400_000);
      warnings.push(
        `${NAMESPACE}:docker.tls.certificate: certificate ${i + 1} (subject ${subjectOf(certificate)}) expires on ${notAfter.toISOString()}, in ${days} day${days === 1 ? "" : "s"}; browsers refuse it from then on. Renew it and give the new chain`,
      );
    }
  });
  return warnings;
}
