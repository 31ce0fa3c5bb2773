/**
 * Turns recorded resources into the files of the offline render contract (see DESIGN.md):
 * `resources.json`, `openmetadata.env`, `openmetadata.yaml`, `values.yaml` (Kubernetes) and
 * `files/<absolute path>` for every file mounted into the OpenMetadata server.
 */
import { stringify } from "yaml";
import {
  chartEnv,
  effectiveEnv,
  formatEnvFile,
  OPENMETADATA_CHART,
  securityYaml,
  type ChartSecretContents,
  type HelmValues,
} from "../components/settings";
import { SecretValue, type RecordedResource } from "./offline";

/** The placeholder every secret becomes unless `--show-secrets`. */
export const REDACTED = "[secret]";

/** Label that marks the OpenMetadata server container on Docker. */
export const SERVER_ROLE_LABEL = "openmetadata-sso.role";

export interface RenderOptions {
  showSecrets: boolean;
}

/** Replaces every {@link SecretValue}: with its value, or with {@link REDACTED}. */
export function reveal(value: unknown, showSecrets: boolean): unknown {
  if (value instanceof SecretValue) return showSecrets ? reveal(value.value, true) : REDACTED;
  if (Array.isArray(value)) return value.map((item) => reveal(item, showSecrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v, showSecrets)]));
  }
  return value;
}

/** True when a value is, or contains, a secret. */
export function holdsSecret(value: unknown): boolean {
  if (value instanceof SecretValue) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

/** Every file of a render, by path relative to `<out>/<stack>/`. */
export function renderFiles(
  resources: RecordedResource[],
  options: RenderOptions,
): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {
    "resources.json":
      JSON.stringify(
        resources.map((resource) => ({
          type: resource.type,
          name: resource.name,
          parent: resource.parent,
          inputs: reveal(withoutSerializedProvider(resource.inputs), options.showSecrets),
        })),
        null,
        2,
      ) + "\n",
  };
  const server = dockerServer(resources);
  if (server) Object.assign(files, dockerServerFiles(server, options));
  const release = openMetadataRelease(resources);
  if (release) Object.assign(files, kubernetesServerFiles(release, resources, options));
  return files;
}

function withoutSerializedProvider(inputs: Record<string, unknown>): Record<string, unknown> {
  if (!("__provider" in inputs)) return inputs;
  return { ...inputs, __provider: "<serialized dynamic provider>" };
}

function dockerServer(resources: RecordedResource[]): RecordedResource | undefined {
  return resources.find(
    (resource) =>
      resource.type === "docker:index/container:Container" &&
      ((resource.inputs.labels as { label: string; value: string }[] | undefined) ?? []).some(
        (label) => label.label === SERVER_ROLE_LABEL && label.value === "server",
      ),
  );
}

/** The server container's env and uploads. */
function dockerServerFiles(
  server: RecordedResource,
  options: RenderOptions,
): Record<string, string | Buffer> {
  const env: Record<string, string> = {};
  for (const entry of (server.inputs.envs as unknown[] | undefined) ?? []) {
    const secret = entry instanceof SecretValue;
    const text = String(secret ? entry.value : entry);
    const at = text.indexOf("=");
    env[text.slice(0, at)] = secret && !options.showSecrets ? REDACTED : text.slice(at + 1);
  }
  const files: Record<string, string | Buffer> = {
    "openmetadata.env": formatEnvFile(env),
    "openmetadata.yaml": securityYaml(env),
  };
  for (const upload of (server.inputs.uploads as Record<string, unknown>[] | undefined) ?? []) {
    if (holdsSecret(upload) && !options.showSecrets) continue;
    const plain = reveal(upload, true) as {
      file: string;
      content?: string;
      contentBase64?: string;
    };
    files[`files${plain.file}`] =
      plain.contentBase64 !== undefined
        ? Buffer.from(plain.contentBase64, "base64")
        : (plain.content ?? "");
  }
  return files;
}

/** YAML text of a values object, for `values.yaml`. */
export function valuesYaml(values: unknown, showSecrets: boolean): string {
  return stringify(reveal(values, showSecrets), { lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Kubernetes stacks: the `openmetadata` Helm release, the Secrets and ConfigMaps it reads.
// ---------------------------------------------------------------------------------------------

/** The release of the `openmetadata` chart, if the stack deploys to Kubernetes. */
export function openMetadataRelease(resources: RecordedResource[]): RecordedResource | undefined {
  return resources.find(
    (resource) =>
      resource.type === "kubernetes:helm.sh/v3:Release" &&
      resource.inputs.chart === OPENMETADATA_CHART.chart,
  );
}

/** One entry of a Secret or ConfigMap: its bytes, and whether Pulumi holds it as a secret. */
interface ObjectEntry {
  bytes: Buffer;
  secret: boolean;
}

/** Entries of every Secret and ConfigMap in a namespace, by kind, then name, then key. */
export function namespaceObjects(
  resources: RecordedResource[],
  namespace: string,
): Record<"Secret" | "ConfigMap", Record<string, Record<string, ObjectEntry>>> {
  const objects: Record<"Secret" | "ConfigMap", Record<string, Record<string, ObjectEntry>>> = {
    Secret: {},
    ConfigMap: {},
  };
  // Text and base64 fields of each kind.
  const fields = {
    Secret: { text: "stringData", base64: "data" },
    ConfigMap: { text: "data", base64: "binaryData" },
  } as const;
  for (const resource of resources) {
    const kind =
      resource.type === "kubernetes:core/v1:Secret"
        ? "Secret"
        : resource.type === "kubernetes:core/v1:ConfigMap"
          ? "ConfigMap"
          : undefined;
    if (!kind) continue;
    const metadata = resource.inputs.metadata as { name?: string; namespace?: string } | undefined;
    if (!metadata?.name || (metadata.namespace ?? "default") !== namespace) continue;
    const entries: Record<string, ObjectEntry> = {};
    for (const [field, encoding] of [
      [fields[kind].text, "utf8"],
      [fields[kind].base64, "base64"],
    ] as const) {
      const value = resource.inputs[field];
      const secret = holdsSecret(value);
      for (const [key, text] of Object.entries(
        (reveal(value, true) ?? {}) as Record<string, string>,
      )) {
        entries[key] = { bytes: Buffer.from(text, encoding), secret };
      }
    }
    objects[kind][metadata.name] = entries;
  }
  return objects;
}

/**
 * A Kubernetes stack's files: the release values, the env the chart gives the server (values,
 * chart defaults and the Secrets it reads, modelled by `chartEnv`), the security blocks as
 * OpenMetadata reads them, and every file mounted through `extraVolumes`/`extraVolumeMounts`.
 */
function kubernetesServerFiles(
  release: RecordedResource,
  resources: RecordedResource[],
  options: RenderOptions,
): Record<string, string | Buffer> {
  const values = reveal(release.inputs.values, options.showSecrets) as HelmValues;
  const objects = namespaceObjects(resources, String(release.inputs.namespace ?? "default"));
  const secretText: ChartSecretContents<string> = {};
  for (const [name, entries] of Object.entries(objects.Secret)) {
    secretText[name] = Object.fromEntries(
      Object.entries(entries).map(([key, entry]) => [
        key,
        entry.secret && !options.showSecrets ? REDACTED : entry.bytes.toString("utf8"),
      ]),
    );
  }
  const env = chartEnv(values, secretText);
  // One line per variable: a newline inside a value (the chart's AI_CHAT_PREVIEW is "true\n") is
  // written as the two characters \n.
  const lines = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value.replace(/\n/g, "\\n")]),
  );
  const files: Record<string, string | Buffer> = {
    "values.yaml": valuesYaml(values, options.showSecrets),
    "openmetadata.env": formatEnvFile(lines),
    "openmetadata.yaml": securityYaml(effectiveEnv(env)),
  };
  Object.assign(files, mountedFiles(values, objects, options));
  return files;
}

interface ProjectionSource {
  name: string;
  items?: { key: string; path: string }[];
}

/** Files under each `extraVolumeMounts` entry, from the Secret or ConfigMap behind its volume. */
function mountedFiles(
  values: HelmValues,
  objects: ReturnType<typeof namespaceObjects>,
  options: RenderOptions,
): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const volumes = (values.extraVolumes ?? []) as {
    name: string;
    secret?: { secretName: string; items?: { key: string; path: string }[] };
    configMap?: ProjectionSource;
    projected?: { sources: { secret?: ProjectionSource; configMap?: ProjectionSource }[] };
  }[];
  const mounts = (values.extraVolumeMounts ?? []) as { name: string; mountPath: string }[];
  for (const mount of mounts) {
    const volume = volumes.find((candidate) => candidate.name === mount.name);
    if (!volume) continue;
    const sources: { kind: "Secret" | "ConfigMap"; source: ProjectionSource }[] = [];
    if (volume.secret)
      sources.push({
        kind: "Secret",
        source: { name: volume.secret.secretName, items: volume.secret.items },
      });
    if (volume.configMap) sources.push({ kind: "ConfigMap", source: volume.configMap });
    for (const projected of volume.projected?.sources ?? []) {
      if (projected.secret) sources.push({ kind: "Secret", source: projected.secret });
      if (projected.configMap) sources.push({ kind: "ConfigMap", source: projected.configMap });
    }
    for (const { kind, source } of sources) {
      const entries = objects[kind][source.name];
      if (!entries) continue;
      const items = source.items ?? Object.keys(entries).map((key) => ({ key, path: key }));
      for (const item of items) {
        const entry = entries[item.key];
        if (!entry || (entry.secret && !options.showSecrets)) continue;
        files[`files${mount.mountPath.replace(/\/$/, "")}/${item.path}`] = entry.bytes;
      }
    }
  }
  return files;
}
