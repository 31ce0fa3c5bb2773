/**
 * The guardrails, each as a check over one resource. `policies.ts` registers every rule twice:
 * mandatory for production resources and advisory for the others.
 *
 * Messages name where the problem is (`env JWT_KEY_ID`, `values openmetadata.config...`,
 * `grantTypes`), what is wrong, and what to do. They never print a value that could be a secret:
 * the only values they quote are OpenMetadata's public defaults, URLs, grant names and emails.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { identityApp } from "./identity-apps";
import {
  containerConfig,
  envEntries,
  isDependenciesChart,
  isOpenMetadataChart,
  parseList,
  releaseConfig,
  SHIPPED_VALUES,
  shippedIn,
  type ServerConfig,
  type ShippedKey,
  type Setting,
  type SettingKey,
} from "./openmetadata";
import { COMPONENT_TYPE, typeChain, type ComponentFacts } from "./ownership";
import { eachString, formatPath, helmTruthy, ifKnown, list, record } from "./props";

/** What a rule is given for one resource. */
export interface RuleContext {
  args: ResourceValidationArgs;
  /** The `OpenMetadataSso` component the resource belongs to, when the pack knows it. */
  component: ComponentFacts | undefined;
  /**
   * The secret-bearing env entries (`OIDC_CLIENT_SECRET`, ...) of a Docker container that arrived
   * in plain text, as the remediation `secret-env-encrypted` saw them before this validation; or
   * `undefined` when that remediation did not see the resource.
   */
  plainSecretEnvs: readonly string[] | undefined;
  report(message: string): void;
}

/** One guardrail. */
export interface Rule {
  /** Policy name of the production variant; the other variant adds `-non-production`. */
  id: string;
  /** One sentence; the engine prints it above each violation message. */
  description: string;
  check(context: RuleContext): void;
}

export const CONTAINER = "docker:index/container:Container";
const RELEASE_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** The values of a release of OpenMetadata's chart, or `undefined` for any other resource. */
function openMetadataValues(args: ResourceValidationArgs): Record<string, unknown> | undefined {
  if (!RELEASE_TYPES.includes(args.type)) return undefined;
  if (!isOpenMetadataChart(args.props.chart)) return undefined;
  return record(args.props.values) ?? {};
}

/** The deployed OpenMetadata server settings a resource carries, if it carries any. */
function serverConfig(args: ResourceValidationArgs): ServerConfig | undefined {
  if (args.type === CONTAINER) return containerConfig(args.props);
  const values = openMetadataValues(args);
  return values === undefined ? undefined : releaseConfig(values);
}

/** `label is "value"`, with `(the default)` when the deployment leaves it unset. */
function describe(setting: Setting): string {
  return `${setting.label} is ${JSON.stringify(setting.value)}${setting.defaulted ? " (the default: it is not set)" : ""}`;
}

/** Base64 text decoded (line breaks allowed), or `undefined` when it is not base64. */
function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("latin1");
}

// ---------------------------------------------------------------------------------------------
// Shipped secrets.
// ---------------------------------------------------------------------------------------------

const SHIPPED_FIX: Record<ShippedKey, string> = {
  keyId: "Use a key id unique to this stack.",
  fernetKey: "Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
  privateKeyPath: "Mount generated keys and point to them with absolute paths.",
  publicKeyPath: "Mount generated keys and point to them with absolute paths.",
};

const DOCKER_SECRET = "docker:index/secret:Secret";
const DOCKER_CONFIG = "docker:index/config:Config";

/** Whether the string at `path` of a resource of `type` is stored base64-encoded. */
function isBase64Field(type: string, path: (string | number)[]): boolean {
  return (
    ((type === SECRET || type === DOCKER_SECRET || type === DOCKER_CONFIG) && path[0] === "data") ||
    (type === CONFIG_MAP && path[0] === "binaryData") ||
    (type === CONTAINER && path[0] === "uploads" && path[2] === "contentBase64")
  );
}

/** Where a string of a deployed resource sits, as a message names it. */
function placeOf(args: ResourceValidationArgs, path: (string | number)[]): string {
  if (args.type === CONTAINER && path[0] === "envs") {
    const entry = ifKnown(() => list(args.props.envs)?.[path[1] as number]);
    if (typeof entry === "string" && entry.includes("="))
      return `env ${entry.slice(0, entry.indexOf("="))}`;
  }
  if (args.type === CONTAINER && path[0] === "uploads") {
    const file = ifKnown(() => record(list(args.props.uploads)?.[path[1] as number])?.file);
    if (typeof file === "string") return `upload ${file}`;
  }
  return formatPath(path);
}

export const noShippedKeys: Rule = {
  id: "no-shipped-keys",
  description:
    "OpenMetadata's shipped key id, fernet key and conf/*.der key files reach no deployed resource.",
  check({ args, report }) {
    const { type } = args;
    if (!type.startsWith("docker:") && !type.startsWith("kubernetes:")) return;
    // Anywhere in the resource: env entries, uploaded files, Helm values, Secret and ConfigMap
    // data. Base64 fields are read both decoded and as they are.
    const reported = new Set<string>();
    eachString(args.props, (text, path) => {
      const decoded = isBase64Field(type, path) ? decodeBase64(text) : undefined;
      const findings = [...shippedIn(text), ...(decoded === undefined ? [] : shippedIn(decoded))];
      for (const { key, what } of findings) {
        const message = `${placeOf(args, path)} holds OpenMetadata's ${what}. ${SHIPPED_FIX[key]}`;
        if (!reported.has(message)) report(message);
        reported.add(message);
      }
    });
    // Settings an OpenMetadata server falls back to when the deployment leaves them unset.
    const config = serverConfig(args);
    if (config === undefined) return;
    for (const { key, what } of SHIPPED_VALUES) {
      const setting = config.get(key);
      if (setting?.defaulted) {
        report(
          `${setting.label} is not set, so OpenMetadata's ${what} applies. ${SHIPPED_FIX[key]}`,
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Basic auth.
// ---------------------------------------------------------------------------------------------

export const noBasicAuth: Rule = {
  id: "no-basic-auth",
  description: "OpenMetadata signs users in through the identity provider, never with basic auth.",
  check({ args, report }) {
    const provider = serverConfig(args)?.get("provider");
    if (provider?.value === "basic") {
      report(
        `${describe(provider)}. Set it to the identity provider's type (okta, auth0, azure, google, aws-cognito or custom-oidc).`,
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// https.
// ---------------------------------------------------------------------------------------------

function isPlainHttp(url: string | undefined): boolean {
  return url !== undefined && /^http:\/\//i.test(url.trim());
}

const BROWSER_URL_SETTINGS: SettingKey[] = [
  "authority",
  "callbackUrl",
  "oidcCallbackUrl",
  "oidcServerUrl",
];

export const httpsOnly: Rule = {
  id: "https-only",
  description:
    "Browsers reach OpenMetadata and the identity provider over https: no plain-http public URL, callback or authority.",
  check({ args, report }) {
    if (args.type === COMPONENT_TYPE) {
      const publicUrl = ifKnown(() => args.props.publicUrl);
      if (typeof publicUrl === "string" && isPlainHttp(publicUrl)) {
        report(`publicUrl is ${JSON.stringify(publicUrl)}. Serve OpenMetadata at an https URL.`);
      }
      return;
    }
    const found: string[] = [];
    const registered = new Map<string, string[]>();
    for (const url of identityApp(args.type, args.props)?.urls ?? []) {
      if (isPlainHttp(url.value)) {
        registered.set(url.label, [
          ...(registered.get(url.label) ?? []),
          JSON.stringify(url.value),
        ]);
      }
    }
    for (const [label, urls] of registered) found.push(`${label} has ${urls.join(", ")}`);
    const config = serverConfig(args);
    for (const key of config ? BROWSER_URL_SETTINGS : []) {
      const setting = config!.get(key);
      if (isPlainHttp(setting?.value)) found.push(describe(setting!));
    }
    if (found.length > 0) {
      report(`${found.join("; ")}. Use https: browsers send sign-ins and tokens to these URLs.`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// The client secret.
// ---------------------------------------------------------------------------------------------

const CLIENT_SECRET_ENV = "OIDC_CLIENT_SECRET";

/**
 * A Docker container's `OIDC_CLIENT_SECRET` entry must arrive as a Pulumi secret. Whether it did,
 * only the remediation pass can tell (see `plaintext.ts`); when that pass did not see the
 * container, the pack cannot tell, and says so.
 */
function checkContainerClientSecret({ plainSecretEnvs, report }: RuleContext, label: string): void {
  if (plainSecretEnvs === undefined) {
    report(
      `${label} may be plain text: only the remediation secret-env-encrypted can tell a Pulumi secret from a plain value, and it did not run for this container. Leave secret-env-encrypted at its enforcement level remediate.`,
    );
  } else if (plainSecretEnvs.includes(CLIENT_SECRET_ENV)) {
    report(
      `${label} arrives in plain text, not as a Pulumi secret. Pass the client secret as a secret: pulumi config set --secret, or pulumi.secret() in a program.`,
    );
  }
}

export const clientSecretFromSecret: Rule = {
  id: "client-secret-from-secret",
  description:
    "The OIDC client secret reaches OpenMetadata only as a secret: a Pulumi secret in a Docker container's env, a Secret (secretRef) on Kubernetes.",
  check(context) {
    const { args, report } = context;
    if (args.type === CONTAINER) {
      // Reading envs throws while it is unknown (preview): the check then waits for the update.
      if (envEntries(args.props.envs).has(CLIENT_SECRET_ENV)) {
        checkContainerClientSecret(context, `env ${CLIENT_SECRET_ENV}`);
      }
      return;
    }
    if (args.type === CONFIG_MAP) {
      for (const block of ["data", "binaryData"]) {
        if (record(args.props[block])?.OIDC_CLIENT_SECRET !== undefined) {
          report(
            `${block}.OIDC_CLIENT_SECRET puts the client secret in a ConfigMap. Keep it in a Secret.`,
          );
        }
      }
      return;
    }
    const values = openMetadataValues(args);
    if (values === undefined) return;
    // Every extraEnvs entry for the client secret must read it from a Secret: a value is plain
    // text in the release, and a ConfigMap or field reference is no secret either.
    (list(values.extraEnvs) ?? []).forEach((item, i) => {
      const env = record(item);
      if (env?.name !== CLIENT_SECRET_ENV) return;
      if (env.value !== undefined) {
        report(
          `values extraEnvs[${i}] sets OIDC_CLIENT_SECRET as a value. Remove it: the chart reads the secret from openmetadata.config.authentication.oidcConfiguration.clientSecret (secretRef, secretKey).`,
        );
        return;
      }
      const valueFrom = record(env.valueFrom);
      if (record(valueFrom?.secretKeyRef) !== undefined) return;
      const sources = Object.keys(valueFrom ?? {}).map((key) => `valueFrom.${key}`);
      report(
        `values extraEnvs[${i}] takes OIDC_CLIENT_SECRET from ${sources.length > 0 ? sources.join(", ") : "no Secret"}, not from valueFrom.secretKeyRef. Take it from a Secret with valueFrom.secretKeyRef, or remove it: the chart reads the secret from openmetadata.config.authentication.oidcConfiguration.clientSecret (secretRef, secretKey).`,
      );
    });
    const clientSecret = ifKnown(
      () =>
        record(
          record(record(record(values.openmetadata)?.config)?.authentication)?.oidcConfiguration,
        )?.clientSecret,
    );
    const reference = record(clientSecret);
    // A plain value is refused even while the chart leaves the server-side flow off: the client
    // secret is then written in the release's values all the same.
    if (reference === undefined && clientSecret !== undefined && clientSecret !== null) {
      report(
        "values openmetadata.config.authentication.oidcConfiguration.clientSecret is a plain value, not a reference to a Secret. Put the client secret in a Secret and name it with secretRef and secretKey.",
      );
      return;
    }
    if (!releaseConfig(values).confidential) return;
    if (reference !== undefined && (!reference.secretRef || !reference.secretKey)) {
      report(
        "values openmetadata.config.authentication.oidcConfiguration.clientSecret lacks secretRef or secretKey. Name the Secret and the key that hold the client secret.",
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Grants.
// ---------------------------------------------------------------------------------------------

export const noImplicitOrPasswordGrant: Rule = {
  id: "no-implicit-or-password-grant",
  description:
    "OpenMetadata's app at the identity provider allows the authorization code flow only: no implicit or password grant.",
  check({ args, report }) {
    const phrases = identityApp(args.type, args.props)?.forbiddenGrants ?? [];
    if (phrases.length > 0) {
      report(`${phrases.join("; ")}. Allow authorization_code (and refresh_token) only.`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Sticky sessions.
// ---------------------------------------------------------------------------------------------

/** The ingress-nginx annotation that turns on cookie affinity. */
export const AFFINITY_ANNOTATION = "nginx.ingress.kubernetes.io/affinity";

function majorVersion(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^v?(\d+)\./.exec(version);
  return match ? Number(match[1]) : undefined;
}

/**
 * Ingress classes of well-known controllers other than ingress-nginx, which ignore its affinity
 * annotations: the list the component refuses `stickySessions` with (components/config/rules.ts).
 * Any other class may be an ingress-nginx one under another name, so its annotations count.
 */
export const OTHER_INGRESS_CONTROLLERS: ReadonlyMap<string, string> = new Map([
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

/** The legacy annotation that names an ingress class, which the chart also passes through. */
const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/**
 * The most server replicas the release can run: `replicaCount` (chart default 1), or with the
 * chart's autoscaler on, as Helm reads `hpa.enabled`, `hpa.maxReplicas` (`undefined` when unset:
 * the chart's default).
 */
function maxReplicas(values: Record<string, unknown>): {
  label: string;
  count: number | undefined;
} {
  const hpa = record(values.hpa);
  if (helmTruthy(hpa?.enabled)) {
    const max = hpa!.maxReplicas === undefined ? undefined : Number(hpa!.maxReplicas);
    const enabled =
      hpa!.enabled === true ? "true" : `${JSON.stringify(hpa!.enabled)}, which Helm reads as true`;
    return {
      label: `values hpa.enabled is ${enabled} (up to ${max === undefined ? "the chart's default hpa.maxReplicas" : `${max} replicas`})`,
      count: max,
    };
  }
  const count = Number(values.replicaCount ?? 1);
  return { label: `values replicaCount is ${count}`, count };
}

export const stickySessions: Rule = {
  id: "sticky-sessions",
  description:
    "Before OpenMetadata 2.0 login sessions live in one server: more than one replica needs cookie affinity at the ingress.",
  check({ args, component, report }) {
    const values = openMetadataValues(args);
    if (values === undefined) return;
    const replicas = maxReplicas(values);
    if (replicas.count !== undefined && !(replicas.count > 1)) return;
    const chartVersion = ifKnown(() => args.props.version);
    const version =
      typeof chartVersion === "string" && chartVersion !== "" ? chartVersion : component?.version;
    const major = majorVersion(version);
    if (major !== undefined && major >= 2) return;
    const where = `${replicas.label} with OpenMetadata ${version ?? "below 2.0"}`;
    const ingress = record(values.ingress);
    const annotations = record(ingress?.annotations);
    const affinity = annotations?.[AFFINITY_ANNOTATION];
    if (ingress?.enabled === true && affinity === "cookie") {
      // The annotations count only if an ingress-nginx controller reads them.
      for (const [label, className] of [
        ["values ingress.className", ingress.className],
        [
          `values ingress.annotations["${LEGACY_CLASS_ANNOTATION}"]`,
          annotations?.[LEGACY_CLASS_ANNOTATION],
        ],
      ] as const) {
        const controller =
          typeof className === "string" ? OTHER_INGRESS_CONTROLLERS.get(className) : undefined;
        if (controller !== undefined) {
          report(
            `${where}, but ${label} is ${JSON.stringify(className)}, which is ${controller} and ignores the ingress-nginx annotation ${AFFINITY_ANNOTATION}, so logins fail with "Missing state parameter". Use an ingress-nginx class, or run one replica.`,
          );
          return;
        }
      }
      return;
    }
    report(
      `${where}, but the chart's ingress has no cookie affinity, so logins fail with "Missing state parameter". Enable values ingress with the annotation ${AFFINITY_ANNOTATION}: cookie, or run one replica.`,
    );
  },
};

// ---------------------------------------------------------------------------------------------
// Admins.
// ---------------------------------------------------------------------------------------------

function domainOf(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  return at > 0 ? email.slice(at + 1).toLowerCase() : undefined;
}

export const adminsInPrincipalDomain: Rule = {
  id: "admins-in-principal-domain",
  description:
    "OpenMetadata's admins are in its principal domain, the one domain it lets users sign in from.",
  check({ args, component, report }) {
    if (args.type === COMPONENT_TYPE) {
      const domain = component?.principalDomain?.toLowerCase();
      if (domain === undefined) return;
      (component?.admins ?? []).forEach((email, i) => {
        if (domainOf(email) !== domain) {
          report(
            `admins[${i}] ${JSON.stringify(email)} is not in the principal domain ${JSON.stringify(domain)}, so this admin could never sign in.`,
          );
        }
      });
      return;
    }
    const config = serverConfig(args);
    if (config === undefined) return;
    const domainSetting = config.get("principalDomain")!;
    const deployedDomain = domainSetting.value?.toLowerCase();
    const expectedDomain = component?.principalDomain?.toLowerCase();
    if (
      expectedDomain !== undefined &&
      deployedDomain !== undefined &&
      deployedDomain !== expectedDomain
    ) {
      report(
        `${describe(domainSetting)}, but the admins are in ${JSON.stringify(expectedDomain)}.`,
      );
    }
    const principals = config.get("adminPrincipals")!;
    if (principals.value === undefined || deployedDomain === undefined) return;
    const admins = component?.admins?.map((email) => email.toLowerCase());
    for (const principal of parseList(principals.value)) {
      const email = (
        principal.includes("@") ? principal : `${principal}@${deployedDomain}`
      ).toLowerCase();
      if (domainOf(email) !== deployedDomain) {
        report(
          `${principals.label} names ${JSON.stringify(principal)}, outside the principal domain ${JSON.stringify(deployedDomain)}.`,
        );
      } else if (admins !== undefined && !admins.includes(email)) {
        report(
          `${principals.label} names ${JSON.stringify(principal)}${principals.defaulted ? " (the default: it is not set)" : ""}, that is ${email}, who is not one of the admins (${admins.join(", ")}).`,
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Protection.
// ---------------------------------------------------------------------------------------------

/** Components whose every resource holds OpenMetadata's keys or passwords. */
const KEY_COMPONENT = "openmetadata-sso:index:SigningKeys";

/** The resources a key rotation replaces: the key pair and the key id. */
const KEY_PAIR_TYPES = ["tls:index/privateKey:PrivateKey", "random:index/randomUuid:RandomUuid"];

/** What a resource holds that must survive `pulumi destroy`, or `undefined`. */
function protectedKind(
  args: ResourceValidationArgs,
  component: ComponentFacts | undefined,
): string | undefined {
  switch (args.type) {
    case "docker:index/volume:Volume":
      return "Docker volume and the data on it";
    case "kubernetes:helm.sh/v3:Release":
    case "kubernetes:helm.sh/v4:Chart":
      return isDependenciesChart(ifKnown(() => args.props.chart))
        ? "release of the database and search engine, whose volume claims hold the data"
        : undefined;
    case "kubernetes:core/v1:PersistentVolumeClaim":
      return "persistent volume claim and the data on it";
    case SECRET: {
      const keys = [
        ...Object.keys(record(ifKnown(() => args.props.data)) ?? {}),
        ...Object.keys(record(ifKnown(() => args.props.stringData)) ?? {}),
      ];
      return keys.includes("private_key.der")
        ? "Secret with OpenMetadata's signing key"
        : undefined;
    }
    case "kubernetes:core/v1:Namespace":
      return component ? "namespace and every volume claim and Secret in it" : undefined;
    default:
      if (args.type.startsWith("openmetadata-sso:index:")) return undefined;
      if (!typeChain(args.urn).includes(KEY_COMPONENT)) return undefined;
      // A rotation replaces the key pair and key id, which Pulumi refuses while they are
      // protected; `keys.protect: false` is the stack's explicit opt-out for that update.
      if (KEY_PAIR_TYPES.includes(args.type) && component?.keyPairProtected === false) {
        return undefined;
      }
      return "part of OpenMetadata's signing keys, fernet key and passwords";
  }
}

export const dataProtected: Rule = {
  id: "data-protected",
  description:
    "Volumes, volume claims, OpenMetadata's signing keys and passwords are protected from deletion.",
  check({ args, component, report }) {
    const kind = protectedKind(args, component);
    if (kind !== undefined && !args.opts.protect) {
      report(
        `protect is off, so pulumi destroy or a replacement would delete this ${kind}. Set the resource option protect: true (the OpenMetadataSso component does in production).`,
      );
    }
  },
};

/** Every rule, in the order the pack registers them. */
export const RULES: readonly Rule[] = [
  noShippedKeys,
  noBasicAuth,
  httpsOnly,
  clientSecretFromSecret,
  noImplicitOrPasswordGrant,
  stickySessions,
  adminsInPrincipalDomain,
  dataProtected,
];
