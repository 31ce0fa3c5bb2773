/**
 * Cross-field rules. They run on every top-level setting that parsed, so one bad key never hides
 * another problem, and each names the key, the value and the fix.
 */
import { type z } from "zod";
import { belowMinimum } from "../settings/compatibility";
import { show } from "../suggest";
import { type IdentityProviderKind } from "../types";
import { isHttps, portOf, urlProblem } from "../urls";
import { DEFAULT_OPENMETADATA_VERSION, type Path, type argSchemas, dockerSchema } from "./schema";
import { deployableRules } from "./deployable";
import { type IssueCollector, dotted } from "./messages";

export type Parsed = Partial<z.output<z.ZodObject<typeof argSchemas>>>;

/** A directory object id, as Entra ID writes it. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An RFC 3339 timestamp with a time zone, as Microsoft Graph takes a password's end date. */
export const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export const EMAIL = /^[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/;
export const DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
/** The part of an email address before its "@", as {@link EMAIL} accepts it. */
const EMAIL_NAME = /^[A-Za-z0-9._%+-]+$/;

/** Providers OpenMetadata runs as `custom-oidc`; its UI sends them through the implicit flow when public. */
export const CUSTOM_OIDC_PROVIDERS: IdentityProviderKind[] = [
  "local-keycloak",
  "keycloak",
  "onelogin",
  "oidc",
];

export const IDENTITY_BLOCKS: Record<string, IdentityProviderKind> = {
  okta: "okta",
  auth0: "auth0",
  keycloak: "keycloak",
  localKeycloak: "local-keycloak",
  onelogin: "onelogin",
  entra: "entra",
  oidc: "oidc",
};

// ---------------------------------------------------------------------------------------------
// Running the rules over what parsed.
// ---------------------------------------------------------------------------------------------

/** Thrown when a rule reads a setting that did not parse; {@link check} then skips the rule. */
class UnparsedRead {
  constructor(readonly path: Path) {}
}

function isPlain(value: unknown): value is object {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/**
 * A read-only view of the parsed settings in which reading a setting that did not parse (one of
 * `unparsed`, dotted paths) throws an {@link UnparsedRead}. A rule need not say what it reads: the
 * view notices, so no rule can run on a value that is not there while its setting was given.
 */
export function guarded<T>(value: T, unparsed: ReadonlySet<string>, path: Path = []): T {
  if (!isPlain(value)) return value;
  return new Proxy(value, {
    get(target, property, receiver) {
      const field: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== "string") return field;
      const index = Array.isArray(target) ? Number(property) : NaN;
      // An array's methods and length are no settings.
      if (Array.isArray(target) && !Number.isInteger(index)) return field;
      const at: Path = [...path, Array.isArray(target) ? index : property];
      if (unparsed.has(dotted(at))) throw new UnparsedRead(at);
      return guarded(field, unparsed, at);
    },
    set() {
      throw new TypeError("the parsed settings are read-only to the rules");
    },
  }) as T;
}

/**
 * Runs one rule. When it reads a setting that did not parse, its problems so far are dropped, and
 * the first problem of that setting says that the checks that depend on it were skipped; every
 * other rule still runs.
 */
export function check(out: IssueCollector, rule: () => void): void {
  const mark = out.mark();
  try {
    rule();
  } catch (error) {
    if (!(error instanceof UnparsedRead)) throw error;
    out.rollback(mark);
    out.skippedFor(error.path);
  }
}

/**
 * Every rule across settings. `unparsed` names the settings given but not parsed (dotted paths),
 * whose problems are reported already: each rule runs unless it reads one of them.
 */
export function crossFieldRules(
  parsed: Parsed,
  unparsed: ReadonlySet<string>,
  out: IssueCollector,
): void {
  // A publicUrl that parsed but has a problem joins the unusable settings once its rule ran: every
  // value derived from it would be wrong, so the rules that read it are skipped, and say so.
  const unusable = new Set(unparsed);
  const v = guarded(parsed, unusable);
  const run = (rule: () => void) => check(out, rule);
  const urlRules = (allowPath: boolean) => ({ requireHttps: requireHttps(v), allowPath });

  run(() => {
    if (v.publicUrl === undefined) return;
    const problem = urlProblem(v.publicUrl, urlRules(false));
    if (problem) {
      out.add(["publicUrl"], problem);
      unusable.add("publicUrl");
    }
  });

  // Admins and the principal domain.
  run(() => {
    if (v.principalDomain !== undefined && !DOMAIN.test(v.principalDomain)) {
      out.add(
        ["principalDomain"],
        `must be a domain like "example.com"; got ${show(v.principalDomain)}`,
      );
    }
  });
  run(() => adminRules(v, out));

  // Exactly the target's block.
  for (const block of ["docker", "kubernetes"] as const) {
    run(() => {
      if (v.target && v[block] !== undefined && block !== v.target) {
        out.add(
          [block],
          `is only allowed with target ${block}; got target ${v.target}. Remove it: ${out.namer.remove([block])}`,
        );
      }
    });
  }

  run(() => {
    if (v.identity) identityRules(v, () => urlRules(true), out);
  });

  run(() => {
    // The context first: a rule reads the value it judges last, so a value that did not parse
    // skips it only where it could have a problem to report.
    if (
      v.openmetadata &&
      /^1\.12\./.test(v.openmetadata.version) &&
      v.keys &&
      v.keys.rotation !== "initial"
    ) {
      out.add(
        ["keys", "rotation"],
        `needs OpenMetadata 1.13 or later, whose openmetadata-ops regenerates the bot tokens a rotation invalidates; got version ${show(v.openmetadata.version)}. Upgrade openmetadata.version before rotating`,
      );
    }
  });
  run(() => {
    if (v.keys?.issuer !== undefined && /\s/.test(v.keys.issuer)) {
      out.add(["keys", "issuer"], `must not contain spaces; got ${show(v.keys.issuer)}`);
    }
  });

  run(() => {
    if (v.openmetadata) openMetadataRules(v, out);
  });

  // Without a docker block its defaults apply, and they publish ports too (adminPort 8586). A block
  // that did not parse has its problems reported already, and its rules are skipped: checking
  // defaults in its place would only add lines about values the user never chose.
  run(() => {
    if (v.target === "docker") dockerRules(v, out);
  });
  run(() => {
    if (v.kubernetes && v.target === "kubernetes") kubernetesRules(v, out);
  });
  run(() => {
    if (v.kubernetes && v.target === "kubernetes") existingTlsSecretRules(v, out);
  });

  run(() => {
    if (v.dataRetention === "delete" && v.environment === "production") {
      out.add(
        ["dataRetention"],
        `must be "retain" in a production stack; got "delete". Production data and signing keys are never deleted with the stack`,
      );
    }
  });
  run(() => deployableRules(v, goodPublicUrl(v), out));
}

/** The publicUrl the other rules derive from: `undefined` when it is missing or has a problem. */
function goodPublicUrl(v: Parsed): string | undefined {
  const rules = { requireHttps: requireHttps(v), allowPath: false };
  return v.publicUrl !== undefined && !urlProblem(v.publicUrl, rules) ? v.publicUrl : undefined;
}

/** How a URL setting is checked: https required, a path allowed. */
type UrlRules = { requireHttps: boolean; allowPath: boolean };

/** URLs must be https, except in a local stack (and before the environment is known). */
function requireHttps(v: Parsed): boolean {
  return v.environment !== undefined && v.environment !== "local";
}

/** The principal domain the other rules compare with: `undefined` when it is not a domain. */
function goodPrincipalDomain(v: Parsed): string | undefined {
  return v.principalDomain !== undefined && DOMAIN.test(v.principalDomain)
    ? v.principalDomain
    : undefined;
}

function adminRules(v: Parsed, out: IssueCollector): void {
  if (!v.admins) return;
  const principalDomain = goodPrincipalDomain(v);
  const admins = v.admins;
  const seen = new Set<string>();
  const knownDomain = principalDomain ?? admins.map((e) => EMAIL.exec(e)?.[1]).find(Boolean);
  admins.forEach((email, i) => {
    const match = EMAIL.exec(email);
    // A malformed address gets this one line; the domain rules below would only add noise.
    if (!match) {
      out.add(
        ["admins", i],
        `must be an email address; got ${show(email)}${emailFix(email, knownDomain)}`,
      );
      return;
    }
    if (seen.has(email.toLowerCase())) out.add(["admins", i], `lists ${show(email)} twice`);
    seen.add(email.toLowerCase());
    const domain = match[1].toLowerCase();
    const expectedDomain = (principalDomain ?? EMAIL.exec(admins[0])?.[1])?.toLowerCase();
    if (expectedDomain && domain !== expectedDomain) {
      const origin = principalDomain ? "principalDomain" : "the first admin";
      out.add(
        ["admins", i],
        `must be in the principal domain "${expectedDomain}" (from ${origin}); got ${show(email)}. OpenMetadata admits one principal domain, so this admin could never log in`,
      );
    }
  });
}

function openMetadataRules(v: Parsed, out: IssueCollector): void {
  const run = (rule: () => void) => check(out, rule);
  const om = v.openmetadata!;
  run(() => {
    if (!["email", "upn"].includes(om.principalClaims[0])) {
      out.add(
        ["openmetadata", "principalClaims", 0],
        `must be "email" or "upn": OpenMetadata takes the user's domain from the first claim present, and a claim without "@" fails the principal-domain check; got ${show(om.principalClaims[0])}`,
      );
    }
  });
  run(() => {
    if (v.target === "docker" && om.replicas > 1) {
      out.add(
        ["openmetadata", "replicas"],
        `must be 1 on a single Docker host; got ${om.replicas}. Use target kubernetes for more replicas`,
      );
    }
  });
  run(() => {
    // Without a kubernetes block its defaults apply: no sticky sessions.
    if (v.target === "kubernetes" && om.replicas > 1 && !v.kubernetes?.ingress.stickySessions) {
      out.add(
        ["openmetadata", "replicas"],
        `must be 1 unless the ingress has sticky sessions; got ${om.replicas}. Before OpenMetadata 2.0 each replica keeps its own login sessions, so logins fail with "Missing state parameter". Run: ${out.namer.set(["kubernetes", "ingress", "stickySessions"], "true")}`,
      );
    }
  });
}

/**
 * For an address without its name, its "@" or its domain: what is missing, and an address that has
 * all three, keeping what the user typed. Empty for other malformed addresses.
 */
function emailFix(email: string, domain: string | undefined): string {
  const at = email.lastIndexOf("@");
  const name = at < 0 ? email : email.slice(0, at);
  const host = at < 0 ? "" : email.slice(at + 1);
  const missing =
    at < 0
      ? 'has no "@"'
      : name === ""
        ? 'has no name before "@"'
        : host === ""
          ? 'has no domain after "@"'
          : !DOMAIN.test(host)
            ? `has ${show(host)} after "@", not a domain name such as "example.com"`
            : !EMAIL_NAME.test(name)
              ? 'has a character before "@" that an address cannot hold'
              : undefined;
  if (missing === undefined) return "";
  const fixedName = EMAIL_NAME.test(name) ? name : "admin";
  const fixedHost = DOMAIN.test(host) ? host : (domain ?? "example.com");
  return `, which ${missing}. Use an address like ${show(`${fixedName}@${fixedHost}`)}`;
}

/**
 * The local Keycloak's only user must be an admin: without one, nobody could administer the
 * OpenMetadata it signs in to.
 */
function demoUserIsAdmin(v: Parsed, out: IssueCollector): void {
  const admins = v.admins?.map((email) => email.toLowerCase());
  const domain = (v.principalDomain ?? EMAIL.exec(v.admins?.[0] ?? "")?.[1])?.toLowerCase();
  // Malformed admins and admins outside the domain are reported on their own; this would only
  // repeat it.
  if (
    !admins ||
    !domain ||
    admins.some((admin) => !EMAIL.test(admin) || !admin.endsWith(`@${domain}`))
  ) {
    return;
  }
  const user = v.identity!.localKeycloak?.demoUser ?? "demo";
  const email = `${user}@${domain}`;
  if (admins.includes(email)) return;
  const first = admins[0].slice(0, admins[0].indexOf("@"));
  const fix = `Set it to ${show(first)}, or add ${email} to admins`;
  out.add(
    ["identity", "localKeycloak", "demoUser"],
    `must sign in as one of the admins (${admins.join(", ")}), or the local Keycloak's only user could not administer OpenMetadata; got ${show(user)}, who signs in as ${email}. ${fix}`,
  );
}

export function identityRules(v: Parsed, rules: () => UrlRules, out: IssueCollector): void {
  const run = (rule: () => void) => check(out, rule);
  const identity = v.identity!;
  for (const [block, provider] of Object.entries(IDENTITY_BLOCKS)) {
    run(() => {
      if (
        (identity as Record<string, unknown>)[block] !== undefined &&
        identity.provider !== provider
      ) {
        out.add(
          ["identity", block],
          `is only allowed with identity.provider ${provider}; got provider ${identity.provider}. Remove it: ${out.namer.remove(["identity", block])}`,
        );
      }
    });
  }
  const isPublic = () => identity.clientType === "public";
  run(() => {
    if (isPublic() && CUSTOM_OIDC_PROVIDERS.includes(identity.provider)) {
      out.add(
        ["identity", "clientType"],
        `must be "confidential" with identity.provider ${identity.provider}; got "public". OpenMetadata 1.12 and 1.13 run public custom-oidc clients through the implicit flow (response_type=id_token), which this package never enables. Public clients work with okta, auth0 and entra`,
      );
    }
  });

  run(() => {
    switch (identity.provider) {
      case "local-keycloak":
        run(() => {
          if (v.target !== undefined && v.target !== "docker") {
            out.add(
              ["identity", "provider"],
              `"local-keycloak" runs a Keycloak container on the Docker host, so it needs target docker; got target ${v.target}`,
            );
          } else demoUserIsAdmin(v, out);
        });
        break;
      case "auth0":
        run(() => {
          if (identity.auth0?.domain !== undefined && !DOMAIN.test(identity.auth0.domain)) {
            out.add(
              ["identity", "auth0", "domain"],
              `must be a host name like "acme.eu.auth0.com"; got ${show(identity.auth0.domain)}`,
            );
          }
        });
        break;
      case "keycloak":
        run(() => {
          if (identity.keycloak?.realm === undefined) {
            out.add(
              ["identity", "keycloak", "realm"],
              `is required. Set it: ${out.namer.set(["identity", "keycloak", "realm"], "openmetadata")}`,
            );
          }
        });
        run(() => {
          if (identity.keycloak?.url !== undefined) {
            const problem = urlProblem(identity.keycloak.url, rules());
            if (problem) out.add(["identity", "keycloak", "url"], problem);
          }
        });
        break;
      case "entra":
        entraRules(identity, isPublic, out);
        run(() => {
          if (
            identity.entra &&
            !/^[0-9a-f-]{36}$/i.test(identity.entra.tenantId) &&
            !DOMAIN.test(identity.entra.tenantId)
          ) {
            out.add(
              ["identity", "entra", "tenantId"],
              `must be a directory id (a GUID) or a verified domain; got ${show(identity.entra.tenantId)}`,
            );
          }
        });
        break;
      case "oidc":
        oidcRules(identity, isPublic, rules, out);
        break;
      default:
        break;
    }
  });

  run(() => {
    if (isPublic() && identity.oidc?.clientSecret !== undefined) {
      out.add(
        ["identity", "oidc", "clientSecret"],
        `must not be set for a public client: a public client has no secret, and OpenMetadata would be configured inconsistently. Remove it: ${out.namer.remove(["identity", "oidc", "clientSecret"])}, or set identity.clientType to "confidential"`,
      );
    }
  });
}

export function oidcRules(
  identity: NonNullable<Parsed["identity"]>,
  isPublic: () => boolean,
  rules: () => UrlRules,
  out: IssueCollector,
): void {
  const run = (rule: () => void) => check(out, rule);
  const at = (...path: Path) => ["identity", "oidc", ...path];
  run(() => {
    if (!identity.oidc) {
      out.add(
        at("issuer"),
        `is required with identity.provider oidc. Set it: ${out.namer.set(at("issuer"), "https://idp.example.com")}`,
      );
    }
  });
  run(() => {
    const oidc = identity.oidc;
    if (!oidc) return;
    // Only the issuer may end in a slash: some providers state it so (Auth0, Authentik), and the
    // preflight demands the exact value. Its discovery URL is derived without the slash.
    const issuerProblem = urlProblem(oidc.issuer, { ...rules(), allowTrailingSlash: true });
    if (issuerProblem) out.add(at("issuer"), issuerProblem);
  });
  run(() => {
    const oidc = identity.oidc;
    if (oidc?.discoveryUrl === undefined) return;
    const problem = urlProblem(oidc.discoveryUrl, rules());
    if (problem) out.add(at("discoveryUrl"), problem);
    else if (!oidc.discoveryUrl.endsWith("/.well-known/openid-configuration")) {
      out.add(
        at("discoveryUrl"),
        `must end with "/.well-known/openid-configuration"; got ${show(oidc.discoveryUrl)}`,
      );
    }
  });
  const registration = () => identity.oidc!.registration;
  run(() => {
    const oidc = identity.oidc;
    if (!oidc) return;
    if (registration() && oidc.clientId !== undefined) {
      out.add(
        at("clientId"),
        `must not be set with registration: true, because the provider assigns the id; got ${show(oidc.clientId)}. Remove it: ${out.namer.remove(at("clientId"))}`,
      );
    }
    if (!registration() && oidc.clientId === undefined) {
      out.add(
        at("clientId"),
        `is required for an existing client (or set registration: true). Set it: ${out.namer.set(at("clientId"), "openmetadata")}`,
      );
    }
  });
  run(() => {
    const oidc = identity.oidc;
    if (!oidc) return;
    if (registration() && !isPublic() && oidc.clientSecret !== undefined) {
      out.add(
        at("clientSecret"),
        `must not be set with registration: true, because the provider issues the secret. Remove it: ${out.namer.remove(at("clientSecret"))}`,
      );
    }
    if (!registration() && !isPublic() && oidc.clientSecret === undefined) {
      out.add(
        at("clientSecret"),
        `is required for an existing confidential client. Set it: ${out.namer.setSecret(at("clientSecret"))}`,
      );
    }
  });
  run(() => {
    const oidc = identity.oidc;
    if (oidc && !registration() && oidc.initialAccessToken !== undefined) {
      out.add(
        at("initialAccessToken"),
        `is only used with registration: true. Remove it: ${out.namer.remove(at("initialAccessToken"))}`,
      );
    }
  });
}

/** The host ports a Docker stack publishes, defaults included, each with the key that sets it. */
function publishedPorts(v: Parsed, publicUrl: string | undefined): [Path, number][] {
  const docker = v.docker ?? dockerSchema.parse({});
  const https = publicUrl !== undefined && isHttps(publicUrl);
  const ports: [Path, number][] = [
    [["docker", "httpPort"], docker.httpPort ?? (publicUrl && !https ? portOf(publicUrl) : 8585)],
    [["docker", "adminPort"], docker.adminPort],
  ];
  if (https)
    ports.push([
      ["docker", "tls", "httpsPort"],
      docker.tls.httpsPort ?? (publicUrl ? portOf(publicUrl) : 443),
    ]);
  if (v.identity?.provider === "local-keycloak") {
    ports.push([["identity", "localKeycloak", "port"], v.identity.localKeycloak?.port ?? 8081]);
  }
  return ports;
}

export function dockerRules(v: Parsed, out: IssueCollector): void {
  const run = (rule: () => void) => check(out, rule);
  // Without a docker block its defaults apply.
  const docker = () => v.docker ?? dockerSchema.parse({});
  run(() => {
    const publicUrl = goodPublicUrl(v);
    const https = publicUrl !== undefined && isHttps(publicUrl);
    const mode = docker().tls.mode;
    if (publicUrl !== undefined && mode === "off" && https) {
      out.add(
        ["docker", "tls", "mode"],
        `must be "generated" or "provided" for an https publicUrl; got "off". Nothing would serve ${publicUrl}`,
      );
    }
    if (publicUrl !== undefined && mode !== undefined && mode !== "off" && !https) {
      out.add(
        ["docker", "tls", "mode"],
        `must be "off" for an http publicUrl; got ${show(mode)}. Use an https publicUrl to serve TLS`,
      );
    }
  });
  run(() => {
    const tls = docker().tls;
    if (tls.mode !== "provided") return;
    if (tls.certificate === undefined) {
      out.add(
        ["docker", "tls", "certificate"],
        `is required with tls.mode "provided". Set it to the PEM certificate chain`,
      );
    } else if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(tls.certificate)) {
      // Never echo key material: the value is plain config, but its text must not reach a log.
      out.add(
        ["docker", "tls", "certificate"],
        `must be a PEM certificate chain; got a private key (value hidden). Store the key as a secret instead (${out.namer.setSecret(["docker", "tls", "privateKey"])}) and set this to the certificate chain`,
      );
    } else if (!tls.certificate.includes("-----BEGIN CERTIFICATE-----")) {
      out.add(
        ["docker", "tls", "certificate"],
        `must be a PEM certificate chain; got ${show(tls.certificate)}`,
      );
    }
  });
  run(() => {
    const tls = docker().tls;
    if (tls.mode === "provided" && tls.privateKey === undefined) {
      out.add(
        ["docker", "tls", "privateKey"],
        `is required with tls.mode "provided". Set it: ${out.namer.setSecret(["docker", "tls", "privateKey"])}`,
      );
    }
  });
  run(() => {
    const tls = docker().tls;
    if (tls.mode !== "provided" && tls.certificate !== undefined) {
      out.add(["docker", "tls", "certificate"], `is only used with tls.mode "provided". Remove it`);
    }
  });
  run(() => {
    const tls = docker().tls;
    if (tls.mode !== "provided" && tls.privateKey !== undefined) {
      out.add(
        ["docker", "tls", "privateKey"],
        `is only used with tls.mode "provided". Remove it: ${out.namer.remove(["docker", "tls", "privateKey"])}`,
      );
    }
  });
  // An override older than the OpenMetadata release supports: its migration or search client fails.
  for (const role of ["database", "search"] as const) {
    run(() => {
      const version = v.openmetadata?.version ?? DEFAULT_OPENMETADATA_VERSION;
      const image = docker().images[role];
      const problem =
        image === undefined ? undefined : belowMinimum(image, docker()[role], version);
      if (problem) {
        out.add(
          ["docker", "images", role],
          `${problem}. Pin a later tag, or remove the override to use the pinned default`,
        );
      }
    });
  }
  // Every published host port must be distinct, defaults included.
  run(() => {
    const taken = new Map<number, Path>();
    for (const [path, value] of publishedPorts(v, goodPublicUrl(v))) {
      const other = taken.get(value);
      if (other) out.add(path, `must differ from ${out.namer.name(other)}; both are ${value}`);
      else taken.set(value, path);
    }
  });
}

/**
 * Ingress classes of well-known controllers other than ingress-nginx, which ignore its affinity
 * annotations. Any other class may be an ingress-nginx one under another name, so it passes.
 */
const OTHER_INGRESS_CONTROLLERS = new Map([
  ["traefik", "Traefik"],
  ["haproxy", "HAProxy"],
  ["alb", "the AWS Load Balancer Controller"],
  ["gce", "GKE's load balancer"],
  ["gce-internal", "GKE's internal load balancer"],
  ["kong", "Kong"],
  ["istio", "Istio"],
  ["contour", "Contour"],
  ["cilium", "Cilium"],
  ["azure-application-gateway", "Azure Application Gateway"],
]);

export function kubernetesRules(v: Parsed, out: IssueCollector): void {
  const run = (rule: () => void) => check(out, rule);
  const k8s = v.kubernetes!;
  const external = () => k8s.dependencies === "external";
  run(() => {
    if (!external()) return;
    if (!k8s.database) {
      out.add(
        ["kubernetes", "database", "host"],
        `is required with dependencies "external". Set it: ${out.namer.set(["kubernetes", "database", "host"], "mysql.example.internal")}`,
      );
    } else if (k8s.database.password === undefined) {
      out.add(
        ["kubernetes", "database", "password"],
        `is required with dependencies "external". Set it: ${out.namer.setSecret(["kubernetes", "database", "password"])}`,
      );
    }
  });
  run(() => {
    if (!external()) return;
    if (!k8s.search) {
      out.add(
        ["kubernetes", "search", "host"],
        `is required with dependencies "external". Set it: ${out.namer.set(["kubernetes", "search", "host"], "opensearch.example.internal")}`,
      );
    } else if ((k8s.search.user === undefined) !== (k8s.search.password === undefined)) {
      const missing: Path =
        k8s.search.user === undefined
          ? ["kubernetes", "search", "user"]
          : ["kubernetes", "search", "password"];
      out.add(
        missing,
        `is required together with ${out.namer.name(k8s.search.user === undefined ? ["kubernetes", "search", "password"] : ["kubernetes", "search", "user"])}`,
      );
    }
  });
  for (const block of ["database", "search"] as const) {
    run(() => {
      if (!external() && k8s[block] !== undefined) {
        out.add(
          ["kubernetes", block],
          `is only used with dependencies "external"; got dependencies "chart". Remove it: ${out.namer.remove(["kubernetes", block])}`,
        );
      }
    });
  }
  run(() => {
    if (external() && v.openmetadata?.ingestion) {
      out.add(
        ["openmetadata", "ingestion"],
        `must be false with kubernetes.dependencies "external"; got true. Ingestion runs in the Airflow of the dependencies chart: set kubernetes.dependencies to "chart", or openmetadata.ingestion to false`,
      );
    }
  });
  run(() => {
    if (k8s.sharedStorageClass !== undefined && !v.openmetadata?.ingestion) {
      out.add(
        ["kubernetes", "sharedStorageClass"],
        `is only used with openmetadata.ingestion true, for Airflow's DAGs and logs volumes; got openmetadata.ingestion false. Remove it: ${out.namer.remove(["kubernetes", "sharedStorageClass"])}`,
      );
    }
  });
  run(() => {
    if (k8s.ingress.issuer !== undefined && k8s.ingress.tls !== "cert-manager") {
      out.add(
        ["kubernetes", "ingress", "issuer"],
        `is only used with ingress.tls "cert-manager"; got ingress.tls ${show(k8s.ingress.tls)}. Remove it: ${out.namer.remove(["kubernetes", "ingress", "issuer"])}`,
      );
    }
  });
  run(() => {
    const controller = OTHER_INGRESS_CONTROLLERS.get(k8s.ingress.className);
    if (k8s.ingress.stickySessions && controller !== undefined) {
      out.add(
        ["kubernetes", "ingress", "stickySessions"],
        `needs the ingress-nginx controller, whose annotations set the cookie affinity; got ingress.className ${show(k8s.ingress.className)}, which is ${controller} and ignores them, so logins on several replicas would still fail with "Missing state parameter". Use an ingress-nginx class, or run one replica`,
      );
    }
  });
  run(() => {
    if (k8s.ingress.tls === "secret" && k8s.ingress.tlsSecretName === undefined) {
      out.add(
        ["kubernetes", "ingress", "tlsSecretName"],
        `is required with ingress.tls "secret". Set it: ${out.namer.set(["kubernetes", "ingress", "tlsSecretName"], "openmetadata-tls")}`,
      );
    }
  });
}

/**
 * `ingress.tls: secret` names a TLS Secret that already exists in the namespace, so the namespace
 * exists too, and creating it would fail with AlreadyExists: since @pulumi/kubernetes 4.29 a
 * create is a client-side create, which the API server refuses for an existing object unless the
 * provider sets `upsertExistingObjects` (pulumi-kubernetes CHANGELOG 4.29.0, #2926; holds for the
 * 4.34.2 we pin, whose provider.d.ts documents the option). `createNamespace` then defaults to
 * false, and an explicit true is refused.
 */
export function existingTlsSecretRules(v: Parsed, out: IssueCollector): void {
  const k8s = v.kubernetes!;
  if (k8s.ingress.tls !== "secret" || k8s.createNamespace !== true) return;
  const secret = k8s.ingress.tlsSecretName ?? "<tlsSecretName>";
  out.add(
    ["kubernetes", "createNamespace"],
    `must be false with ingress.tls "secret"; got true. The TLS Secret ${show(secret)} already exists in namespace ${show(k8s.namespace)}, so the namespace does too, and creating it would fail with AlreadyExists. It defaults to false with ingress.tls "secret"; remove it: ${out.namer.remove(["kubernetes", "createNamespace"])}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Names of the Kubernetes objects, derived from the component's name.
// ---------------------------------------------------------------------------------------------

/**
 * The longest suffix the Kubernetes target appends to a `KubernetesDeployment`'s name: the bot
 * token regeneration Job's `-bot-tokens-` and 10 hex digits of its rotation label's hash
 * (components/kubernetes.ts `kubernetesNames`; test/kubernetes.test.ts checks that no other name
 * it derives is longer).
 */
export const KUBERNETES_LONGEST_SUFFIX = "-bot-tokens-".length + 10;

/**
 * Longest name a `KubernetesDeployment` takes. A Job's name must fit in 63 characters, because
 * the Job controller copies it into its pods' `job-name` label, whose values Kubernetes limits to
 * 63 (Kubernetes docs, "Jobs", Writing a Job spec; "Labels and Selectors", syntax; both hold for
 * 1.30-1.35). components/kubernetes.ts enforces it too, but only once resources are registered;
 * checked here so that validation reports it first.
 */
export const KUBERNETES_NAME_LIMIT = 63 - KUBERNETES_LONGEST_SUFFIX;

/** What the component appends to its own name to name its `KubernetesDeployment`. */
export const KUBERNETES_SUFFIX = "-k8s";

/** The program's component name for a stack (index.ts): `openmetadata-<stack>`. */
export function stackComponentName(stack: string): string {
  return `openmetadata-${stack}`;
}

/**
 * Why the Kubernetes objects cannot be named after `name` (a `KubernetesDeployment`'s name), phrased
 * to follow "cannot be deployed to Kubernetes: "; `undefined` when they can.
 */
export function kubernetesNameProblem(name: string): string | undefined {
  const reasons: string[] = [];
  if (name.length > KUBERNETES_NAME_LIMIT) reasons.push(`it has ${name.length} characters`);
  const others = [...new Set(name.replace(/[a-z0-9-]/g, ""))];
  if (others.length > 0) reasons.push(`it contains ${others.map((c) => show(c)).join(", ")}`);
  else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
    reasons.push('it starts or ends with "-"');
  if (reasons.length === 0) return undefined;
  return `the Kubernetes objects are named after ${show(name)}, which must be a DNS label of at most ${KUBERNETES_NAME_LIMIT} characters (lowercase letters, digits and "-"), but ${reasons.join(", and ")}`;
}

/** A stack name the program can deploy to Kubernetes, as close to `stack` as possible. */
function validStackName(stack: string, limit: number): string {
  let name = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (name.length > limit) {
    // Whole words where they fit: "production-europe-west-primary" becomes "production-europe-west".
    const cut = name.slice(0, limit + 1).lastIndexOf("-");
    name = (cut > 0 ? name.slice(0, cut) : name.slice(0, limit)).replace(/-+$/, "");
  }
  return name || "openmetadata";
}

/**
 * With target kubernetes, the program's stack must give valid Kubernetes object names. Reported
 * with the config's other problems, before the identity provider's app is created.
 */
export function stackNameRules(
  stack: string,
  parsed: Parsed,
  unparsed: ReadonlySet<string>,
  out: IssueCollector,
): void {
  check(out, () => stackName(stack, guarded(parsed, unparsed), out));
}

function stackName(stack: string, v: Parsed, out: IssueCollector): void {
  if (v.target !== "kubernetes") return;
  const component = stackComponentName(stack);
  const problem = kubernetesNameProblem(`${component}${KUBERNETES_SUFFIX}`);
  if (problem === undefined) return;
  const limit = KUBERNETES_NAME_LIMIT - component.length + stack.length - KUBERNETES_SUFFIX.length;
  out.addKey(
    `stack ${show(stack)}`,
    `cannot be deployed to Kubernetes: ${problem}. Rename the stack to at most ${limit} lowercase letters, digits and "-": pulumi stack rename ${validStackName(stack, limit)}`,
  );
}

/** The same for a program that creates the component itself, under a name of its choosing. */
export function componentNameRules(
  name: string,
  parsed: Parsed,
  unparsed: ReadonlySet<string>,
  out: IssueCollector,
): void {
  check(out, () => componentName(name, guarded(parsed, unparsed), out));
}

function componentName(name: string, v: Parsed, out: IssueCollector): void {
  if (v.target !== "kubernetes") return;
  const problem = kubernetesNameProblem(`${name}${KUBERNETES_SUFFIX}`);
  if (problem === undefined) return;
  const limit = KUBERNETES_NAME_LIMIT - KUBERNETES_SUFFIX.length;
  out.addKey(
    "name",
    `cannot be deployed to Kubernetes: ${problem}. Give the OpenMetadataSso component a name of at most ${limit} lowercase letters, digits and "-", like "openmetadata-prod"`,
  );
}

/** Rules of the `identity.entra` block that need no other setting but the client type. */
function entraRules(
  identity: NonNullable<Parsed["identity"]>,
  isPublic: () => boolean,
  out: IssueCollector,
): void {
  const run = (rule: () => void) => check(out, rule);
  const entra = () => identity.entra;
  const at = (...path: Path) => ["identity", "entra", ...path];
  run(() => {
    const seen = new Map<string, number>();
    entra()?.groupIds.forEach((groupId, i) => {
      if (!GUID.test(groupId)) {
        out.add(
          at("groupIds", i),
          `must be a group's object id, a GUID like "00000000-0000-0000-0000-000000000000"; got ${show(groupId)}. Find it under Groups in the Microsoft Entra admin center, or with: az ad group show --group <name> --query id --output tsv`,
        );
        return;
      }
      const first = seen.get(groupId.toLowerCase());
      if (first !== undefined) {
        out.add(
          at("groupIds", i),
          `repeats identity.entra.groupIds[${first}] (${show(groupId)}); list each group once`,
        );
        return;
      }
      seen.set(groupId.toLowerCase(), i);
    });
  });
  run(() => {
    const end = entra()?.secretEndDate;
    if (end !== undefined && !isTimestamp(end)) {
      out.add(
        at("secretEndDate"),
        `must be an RFC 3339 timestamp with a time zone, like "2027-06-30T00:00:00Z"; got ${show(end)}`,
      );
    }
  });
  const fix = (key: string) =>
    `Remove it: ${out.namer.remove(at(key))}, or set identity.clientType to "confidential"`;
  run(() => {
    if (!isPublic()) return;
    const rotation = entra()?.secretRotation;
    if (rotation !== undefined && rotation !== "initial") {
      out.add(
        at("secretRotation"),
        `must not be set for a public client, which has no client secret to rotate; got ${show(rotation)}. ${fix("secretRotation")}`,
      );
    }
  });
  run(() => {
    if (!isPublic()) return;
    const end = entra()?.secretEndDate;
    if (end !== undefined) {
      out.add(
        at("secretEndDate"),
        `must not be set for a public client, which has no client secret to expire; got ${show(end)}. ${fix("secretEndDate")}`,
      );
    }
  });
}

/** Whether `value` is an RFC 3339 timestamp of a real date and time (no February 30). */
function isTimestamp(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days && hour < 24 && minute < 60 && second < 60;
}
