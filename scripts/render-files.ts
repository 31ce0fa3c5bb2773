/**
 * Turns recorded resources into the files of the offline render contract (see DESIGN.md):
 * `resources.json`, `openmetadata.env`, `openmetadata.yaml`, `values.yaml` (Kubernetes) and
 * `files/<absolute path>` for every file mounted into the OpenMetadata server.
 */
import { stringify } from "yaml";
import { formatEnvFile, securityYaml } from "../components/settings";
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
