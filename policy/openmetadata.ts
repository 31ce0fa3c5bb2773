/**
 * What the pack knows about OpenMetadata itself: its shipped defaults, and how to read a deployed
 * server's settings from the two places they are deployed from, a Docker container's `envs` and
 * the values of a release of the official Helm chart.
 *
 * The pack is self-contained (it imports nothing from `components/`), so it runs, and can be
 * published, on its own. `policy/openmetadata.test.ts` proves these constants equal the package's.
 */
import { posix } from "node:path";
import { at, helmTruthy, ifKnown, list, record, strings } from "./props";

/** OpenMetadata's shipped key id, fernet key and key paths (`components/settings/env.ts`). */
export const SHIPPED = {
  keyId: "Gb389a-9f76-gdjs-a92j-0242bk94356",
  fernetKey: "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=",
  privateKeyPath: "./conf/private_key.der",
  publicKeyPath: "./conf/public_key.der",
} as const;

/** Which shipped value: the setting it is the default of. */
export type ShippedKey = keyof typeof SHIPPED;

/** The shipped values a deployment must not carry: the setting, the words for its default. */
export const SHIPPED_VALUES: readonly { key: ShippedKey; what: string }[] = [
  { key: "keyId", what: `shipped key id ${SHIPPED.keyId}` },
  { key: "fernetKey", what: "shipped fernet key" },
  { key: "privateKeyPath", what: `shipped key path ${SHIPPED.privateKeyPath}` },
  { key: "publicKeyPath", what: `shipped key path ${SHIPPED.publicKeyPath}` },
];

/**
 * The shipped fernet key without its padding, in the standard and the URL-safe base64 alphabet:
 * either spelling, padded or not, is the same key.
 */
const SHIPPED_FERNET_FORMS = [
  SHIPPED.fernetKey.replace(/=+$/, ""),
  SHIPPED.fernetKey.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"),
];

/** The key files OpenMetadata ships in its `conf/` directory. */
const SHIPPED_KEY_FILES: readonly [ShippedKey, string][] = [
  ["privateKeyPath", "private_key.der"],
  ["publicKeyPath", "public_key.der"],
];

/**
 * What ends a path inside a longer text: whitespace, quotes, brackets, list and assignment
 * separators, backslashes (JSON escapes). A colon does not, so a URL stays one path.
 */
const PATH_DELIMITERS = /[\s"'`,;=()[\]{}<>\\]+/;

/** One shipped value found in a text. */
export interface ShippedFinding {
  key: ShippedKey;
  /** The words for it, as messages quote them: `shipped key path /opt/openmetadata/conf/...`. */
  what: string;
}

/**
 * The shipped values a text holds: the key id and the fernet key (in either base64 alphabet)
 * anywhere in it, and every path whose last two segments are `conf/private_key.der` or
 * `conf/public_key.der` once normalised (`./conf//private_key.der`, `conf/./public_key.der`), however
 * it starts (`./conf/...`, `conf/...`, `/opt/openmetadata/conf/...`, an item of a list of key URLs),
 * quoted as written. Each finding once, in this order: key id, fernet key, paths.
 */
export function shippedIn(text: string): ShippedFinding[] {
  const found: ShippedFinding[] = [];
  if (text.includes(SHIPPED.keyId)) found.push({ key: "keyId", what: SHIPPED_VALUES[0].what });
  if (SHIPPED_FERNET_FORMS.some((form) => text.includes(form))) {
    found.push({ key: "fernetKey", what: SHIPPED_VALUES[1].what });
  }
  const paths = new Set<string>();
  for (const token of text.split(PATH_DELIMITERS)) {
    // Normalised first: `./conf//private_key.der`, `conf/./private_key.der` and
    // `conf/x/../private_key.der` open the same file as `conf/private_key.der`.
    const segments = posix.normalize(token).split("/");
    if (segments.length < 2 || segments[segments.length - 2] !== "conf") continue;
    for (const [key, file] of SHIPPED_KEY_FILES) {
      if (segments[segments.length - 1] !== file || paths.has(token)) continue;
      paths.add(token);
      found.push({ key, what: `shipped key path ${token}` });
    }
  }
  return found;
}

/** Environment entries holding secrets, which must reach a container as Pulumi secrets. */
export const SECRET_ENV_NAMES = [
  "OIDC_CLIENT_SECRET",
  "FERNET_KEY",
  "DB_USER_PASSWORD",
  "ELASTICSEARCH_PASSWORD",
  "AIRFLOW_PASSWORD",
] as const;

/** The settings the rules read, whichever way the server is deployed. */
export type SettingKey =
  | "provider"
  | "clientType"
  | "authority"
  | "callbackUrl"
  | "oidcCallbackUrl"
  | "oidcServerUrl"
  | "keyId"
  | "fernetKey"
  | "publicKeyPath"
  | "privateKeyPath"
  | "principalDomain"
  | "adminPrincipals";

interface SettingSpec {
  /** Environment variable OpenMetadata reads. */
  env: string;
  /** Key under `openmetadata.config` in the chart's values. */
  values: string[];
  /**
   * What OpenMetadata (its image's `openmetadata.yaml`) and chart 1.13.1 use when nothing sets
   * it; `undefined` where the rules only judge values that are set.
   */
  fallback?: string;
}

/** Where each setting lives. Defaults from OpenMetadata 1.13 and chart 1.13.1 `values.yaml`. */
export const SETTINGS: Record<SettingKey, SettingSpec> = {
  provider: {
    env: "AUTHENTICATION_PROVIDER",
    values: ["authentication", "provider"],
    fallback: "basic",
  },
  clientType: {
    env: "AUTHENTICATION_CLIENT_TYPE",
    values: ["authentication", "clientType"],
    fallback: "public",
  },
  authority: { env: "AUTHENTICATION_AUTHORITY", values: ["authentication", "authority"] },
  callbackUrl: { env: "AUTHENTICATION_CALLBACK_URL", values: ["authentication", "callbackUrl"] },
  oidcCallbackUrl: {
    env: "OIDC_CALLBACK",
    values: ["authentication", "oidcConfiguration", "callbackUrl"],
  },
  oidcServerUrl: {
    env: "OIDC_SERVER_URL",
    values: ["authentication", "oidcConfiguration", "serverUrl"],
  },
  keyId: { env: "JWT_KEY_ID", values: ["jwtTokenConfiguration", "keyId"], fallback: SHIPPED.keyId },
  fernetKey: { env: "FERNET_KEY", values: ["fernetkey", "value"], fallback: SHIPPED.fernetKey },
  publicKeyPath: {
    env: "RSA_PUBLIC_KEY_FILE_PATH",
    values: ["jwtTokenConfiguration", "rsapublicKeyFilePath"],
    fallback: SHIPPED.publicKeyPath,
  },
  privateKeyPath: {
    env: "RSA_PRIVATE_KEY_FILE_PATH",
    values: ["jwtTokenConfiguration", "rsaprivateKeyFilePath"],
    fallback: SHIPPED.privateKeyPath,
  },
  principalDomain: {
    env: "AUTHORIZER_PRINCIPAL_DOMAIN",
    values: ["authorizer", "principalDomain"],
    fallback: "open-metadata.org",
  },
  adminPrincipals: {
    env: "AUTHORIZER_ADMIN_PRINCIPALS",
    values: ["authorizer", "initialAdmins"],
    fallback: "[admin]",
  },
};

/** The chart's defaults for the OIDC URLs, rendered only for a confidential client. */
const CHART_OIDC_DEFAULTS: Partial<Record<SettingKey, string>> = {
  oidcCallbackUrl: "http://openmetadata:8585/callback",
  oidcServerUrl: "http://openmetadata:8585",
};

/** One setting as deployed. */
export interface Setting {
  /** Where it is set, as a message names it: `env JWT_KEY_ID`, `values openmetadata.config...`. */
  label: string;
  /** Its value; `undefined` when it comes from a Kubernetes Secret the pack cannot read. */
  value: string | undefined;
  /** Whether the deployment leaves it to OpenMetadata's or the chart's default. */
  defaulted: boolean;
}

/** A deployed OpenMetadata server's settings. */
export interface ServerConfig {
  /** How the server is deployed, for messages. */
  kind: "container" | "release";
  /** A setting, or `undefined` when it is not set and has no default the rules judge. */
  get(key: SettingKey): Setting | undefined;
  /** Whether the server runs a confidential client (the server-side OIDC flow). */
  confidential: boolean;
}

/** OpenMetadata's list syntax in env values (`[a,b]` or `["a","b"]`), as items. */
export function parseList(value: string): string[] {
  const inner = value.trim().replace(/^\[/, "").replace(/\]$/, "").trim();
  if (!inner) return [];
  return inner.split(",").map((item) => item.trim().replace(/^"(.*)"$/, "$1"));
}

/** `NAME=value` entries as a map; a later entry wins, as in Docker. */
export function envEntries(envs: unknown): Map<string, string> {
  const entries = new Map<string, string>();
  for (const entry of strings(envs)) {
    const at = entry.indexOf("=");
    if (at > 0) entries.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return entries;
}

/** Variables only an OpenMetadata server (or its migration) is given. */
const SERVER_MARKERS = [
  "AUTHENTICATION_PROVIDER",
  "JWT_KEY_ID",
  "FERNET_KEY",
  "OPENMETADATA_CLUSTER_NAME",
  "SERVER_HOST_API_URL",
];

/** The label the component puts on its OpenMetadata server container. */
export const SERVER_LABEL = { label: "openmetadata-sso.role", value: "server" } as const;

/**
 * Whether an image reference names OpenMetadata's server image, from any registry, at any tag or
 * digest: `openmetadata/server:1.13.1`, `docker.getcollate.io/openmetadata/server:1.13.1`.
 */
export function isServerImage(image: unknown): boolean {
  if (typeof image !== "string") return false;
  const repository = image
    .trim()
    .replace(/@.*$/, "")
    .replace(/:[^/]*$/, "")
    .toLowerCase();
  return repository === "openmetadata/server" || repository.endsWith("/openmetadata/server");
}

/**
 * Whether a container runs OpenMetadata's server although its env may say nothing about it: its
 * image is the server image (a reference; the component passes a pulled image's id, which names
 * nothing), or it carries the component's server label. Parts unknown during preview are skipped.
 */
function isServerContainer(props: Record<string, unknown>): boolean {
  if (isServerImage(ifKnown(() => props.image))) return true;
  return labelValue(props, SERVER_LABEL.label) === SERVER_LABEL.value;
}

/**
 * The label the component puts on its bot token regeneration one-shot. It runs OpenMetadata's
 * image with the server's keys and database settings only (no sign-in settings), so it is not
 * judged as a server: the server it regenerates tokens for is.
 */
export const ROTATION_LABEL = "openmetadata-sso.rotation";

/** The value of a container label, or `undefined` when absent or unknown. */
function labelValue(props: Record<string, unknown>, name: string): unknown {
  const labels = ifKnown(() => list(props.labels)) ?? [];
  for (let i = 0; i < labels.length; i++) {
    const item = ifKnown(() => record(labels[i]));
    if (item !== undefined && ifKnown(() => item.label) === name) {
      return ifKnown(() => item.value);
    }
  }
  return undefined;
}

/**
 * The settings of a Docker container that runs OpenMetadata's server or migration, or `undefined`
 * for any other container. A server is known by its image or label even with none of its settings
 * in `envs`: OpenMetadata's defaults (basic auth, the shipped keys) then apply, and are judged.
 * Reading `envs` throws while it is unknown (preview).
 */
export function containerConfig(props: Record<string, unknown>): ServerConfig | undefined {
  const server = isServerContainer(props);
  if (!server && labelValue(props, ROTATION_LABEL) !== undefined) return undefined;
  const env = envEntries(props.envs);
  if (!server && !SERVER_MARKERS.some((name) => env.has(name))) return undefined;
  const get = (key: SettingKey): Setting | undefined => {
    const spec = SETTINGS[key];
    const label = `env ${spec.env}`;
    if (env.has(spec.env)) return { label, value: env.get(spec.env), defaulted: false };
    return spec.fallback === undefined
      ? undefined
      : { label, value: spec.fallback, defaulted: true };
  };
  return {
    kind: "container",
    get,
    confidential: get("clientType")?.value === "confidential",
  };
}

/** Whether a Helm chart reference names OpenMetadata's own chart (not its dependencies chart). */
export function isOpenMetadataChart(chart: unknown): boolean {
  return chartName(chart) === "openmetadata";
}

/** Whether a Helm chart reference names OpenMetadata's dependencies chart (database, search). */
export function isDependenciesChart(chart: unknown): boolean {
  return chartName(chart) === "openmetadata-dependencies";
}

/** The bare name of a chart reference: no repository prefix, version or `.tgz`. */
function chartName(chart: unknown): string | undefined {
  if (typeof chart !== "string") return undefined;
  const base = chart.replace(/\.tgz$/, "").replace(/-\d+\.\d+\.\d+.*$/, "");
  return base.slice(base.lastIndexOf("/") + 1);
}

/** An `extraEnvs` item: `{ name, value }` or `{ name, valueFrom }`. */
function extraEnv(values: Record<string, unknown>, name: string) {
  const items = list(values.extraEnvs) ?? [];
  let found: Record<string, unknown> | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = record(items[i]);
    if (item?.name === name) found = item;
  }
  return found;
}

/**
 * The settings a release of the OpenMetadata chart gives its server: `extraEnvs` first (they are
 * the container's `env`, which wins over the chart's `envFrom` secrets), then the values, then
 * the chart's defaults.
 */
export function releaseConfig(values: Record<string, unknown>): ServerConfig {
  const config = record(at(values, ["openmetadata", "config"])) ?? {};
  const text = (value: unknown): string | undefined =>
    typeof value === "string"
      ? value
      : Array.isArray(value)
        ? `[${strings(value).join(",")}]`
        : value === undefined || value === null
          ? undefined
          : String(value);
  const confidential =
    (text(at(config, SETTINGS.clientType.values)) ?? SETTINGS.clientType.fallback) ===
      "confidential" && helmTruthy(at(config, ["authentication", "oidcConfiguration", "enabled"]));

  const get = (key: SettingKey): Setting | undefined => {
    const spec = SETTINGS[key];
    const override = extraEnv(values, spec.env);
    if (override !== undefined) {
      const fromSecret = override.valueFrom !== undefined;
      return {
        label: `values extraEnvs ${spec.env}`,
        value: fromSecret ? undefined : text(override.value),
        defaulted: false,
      };
    }
    const label = `values openmetadata.config.${spec.values.join(".")}`;
    if (key === "fernetKey") {
      const fernet = record(config.fernetkey) ?? {};
      if (typeof fernet.secretRef === "string" && fernet.secretRef !== "") {
        return {
          label: "values openmetadata.config.fernetkey.secretRef",
          value: undefined,
          defaulted: false,
        };
      }
    }
    const value = text(at(config, spec.values));
    if (value !== undefined) return { label, value, defaulted: false };
    const chartDefault =
      confidential && CHART_OIDC_DEFAULTS[key] !== undefined
        ? CHART_OIDC_DEFAULTS[key]
        : spec.fallback;
    return chartDefault === undefined ? undefined : { label, value: chartDefault, defaulted: true };
  };
  return { kind: "release", get, confidential };
}
