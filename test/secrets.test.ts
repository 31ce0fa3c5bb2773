/**
 * No secret leaks. For every stack in stacks/:
 * - the offline render is made twice, with and without --show-secrets. Every value the first
 *   shows where the second shows `[secret]` (or leaves a secret file out) is learned as a secret,
 *   along with every output a provider declares secret; no learned value of 8 or more characters
 *   may appear anywhere in the second render;
 * - no recorded resource input carries a key, password, client secret or token unmarked;
 * - no stack output shows a secret value unless the output is itself a secret.
 * Stacks are evaluated in-process with deterministic mock secrets, so both renders hold the same
 * values (two runs of `npm run render` would generate different keys and prove nothing).
 */
import { parse as parseYaml } from "yaml";
import { describe, expect, it, vi } from "vitest";
import { REDACTED, renderFiles, SERVER_ROLE_LABEL } from "../scripts/render-files";
import {
  evaluate,
  readStackFile,
  SecretValue,
  stackNames,
  type RecordedResource,
} from "../scripts/offline";

/** Shortest value the scan looks for: shorter ones match by chance. */
const MIN_LENGTH = 8;

/** The strings a secret value can appear as in a file: itself, and each part after `NAME=`. */
function forms(value: string): string[] {
  const out = [value];
  const at = value.indexOf("=");
  if (at > 0 && /^[A-Z0-9_]+$/.test(value.slice(0, at))) out.push(value.slice(at + 1));
  if (value.startsWith("-----BEGIN")) out.push(value.replace(/-----[^-]+-----|\s/g, ""));
  return out.filter((form) => form.length >= MIN_LENGTH);
}

/** Every string leaf of a parsed tree. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") Object.values(value).forEach((v) => leaves(v, out));
  return out;
}

/** Walks two parsed trees together; where the hidden one says `[secret]`, the shown leaves. */
function redactedInTree(shown: unknown, hidden: unknown, out: string[]): void {
  if (hidden === REDACTED && shown !== REDACTED) leaves(shown, out);
  else if (hidden && typeof hidden === "object" && shown && typeof shown === "object") {
    for (const key of Object.keys(hidden))
      redactedInTree((shown as Record<string, unknown>)[key], (hidden as never)[key], out);
  }
}

function envLines(text: string): Map<string, string> {
  return new Map(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** A file's content as the scan reads it: text, or a binary file's bytes as base64 and latin1. */
function scanText(content: string | Buffer): string {
  return Buffer.isBuffer(content)
    ? `${content.toString("base64")}\n${content.toString("latin1")}`
    : content;
}

/**
 * What the render with secrets shows that the render without hides: each value behind a
 * `[secret]` in resources.json, values.yaml, openmetadata.yaml and openmetadata.env, and each file
 * written only with secrets shown.
 */
export function learnFromRenders(
  shown: Record<string, string | Buffer>,
  hidden: Record<string, string | Buffer>,
): string[] {
  const found: string[] = [];
  for (const [file, content] of Object.entries(shown)) {
    const other = hidden[file];
    if (other === undefined) {
      // A secret file as a whole: a piece of one may be public (a private key holds its modulus).
      if (Buffer.isBuffer(content))
        found.push(content.toString("base64"), content.toString("latin1"));
      else found.push(content);
    } else if (file === "resources.json") {
      redactedInTree(JSON.parse(String(content)), JSON.parse(String(other)), found);
    } else if (file.endsWith(".yaml")) {
      redactedInTree(parseYaml(String(content)), parseYaml(String(other)), found);
    } else if (file.endsWith(".env")) {
      const hiddenEnv = envLines(String(other));
      for (const [name, value] of envLines(String(content)))
        if (hiddenEnv.get(name) === REDACTED && value !== REDACTED) found.push(value);
    }
  }
  return [...new Set(found.flatMap(forms))];
}

/**
 * Every output a provider declares secret (`additionalSecretOutputs`, which the engine encrypts
 * in state), with the DER body of secret PEM keys as they are uploaded.
 */
function declaredSecrets(resources: RecordedResource[]): string[] {
  const found = new Set<string>();
  for (const resource of resources) {
    for (const name of resource.options.additionalSecretOutputs) {
      const value = resource.outputs?.[name];
      if (typeof value === "string") forms(value).forEach((form) => found.add(form));
    }
  }
  return [...found];
}

/**
 * The placeholders that stand in for config secrets offline, wherever they sit in an input: one
 * that reaches the render at all, marked or not, is a config secret shown.
 */
function placeholders(resources: RecordedResource[]): string[] {
  const found = new Set<string>();
  for (const text of resources.flatMap((r) => leaves(unwrap(r.inputs))))
    for (const match of text.matchAll(/offline-placeholder:[a-z0-9-]+:[A-Za-z0-9]+/g))
      found.add(match[0]);
  return [...found];
}

/** A tree with every {@link SecretValue} replaced by what it holds. */
function unwrap(value: unknown): unknown {
  if (value instanceof SecretValue) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  return value;
}

/**
 * The values the scans look for. Two values sit in secret places but are public by the protocol,
 * and may appear:
 * - the OIDC client id: the chart reads it from the same Secret as the client secret, but every
 *   login redirect carries it and OpenMetadata serves it without login;
 * - the OneLogin subdomain: read as a secret, as the API credentials are, it names the issuer
 *   every browser is redirected to.
 */
function secretValues(
  learned: string[],
  resources: RecordedResource[],
  clientId?: unknown,
): string[] {
  const all = new Set([...learned, ...declaredSecrets(resources), ...placeholders(resources)]);
  for (const value of all) {
    if (value === clientId || value.startsWith("offline-placeholder:onelogin:subdomain"))
      all.delete(value);
  }
  return [...all];
}

/** Every file of a render that shows one of the secrets, with a hint of which. */
function leaksIn(files: Record<string, string | Buffer>, secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const text = scanText(content);
    for (const secret of secrets)
      if (text.includes(secret)) leaks.push(`${file} shows the secret ${secret.slice(0, 4)}…`);
  }
  return leaks;
}

/** Plain (unmarked) strings of an input tree, with their property paths. */
function plainStrings(
  value: unknown,
  at: string,
  out: [string, string][] = [],
): [string, string][] {
  if (value instanceof SecretValue) return out;
  if (typeof value === "string") out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => plainStrings(item, `${at}[${i}]`, out));
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) plainStrings(item, `${at}.${key}`, out);
  }
  return out;
}

/** Input properties that hold secrets by name, wherever they sit. */
const SECRET_NAMED = /(password|secret|token|privatekey|fernet|_pw$)/i;
/**
 * Names that match the pattern above but hold no secret value. The server env's names are keys of
 * the ConfigMap the one-shot Jobs read: the secrets manager's kind, prefix and tags, the token
 * signing algorithm and OpenMetadata's refresh token lifetime.
 */
const NOT_SECRET =
  /(secretRef|secretKey|secretName|SecretName|WoVersion|tokenEndpointAuthMethod|refreshTokenRotation|authenticationMethod|existingSecret|FilePath|^SECRET_MANAGER|^SECRET_MANAGER_PREFIX|^SECRET_MANAGER_TAGS|^AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM|^OIDC_OM_REFRESH_TOKEN_VALIDITY)$/;

/** Outputs that must be secrets in every stack that exports them. */
const SECRET_OUTPUTS = ["demoPassword", "workflowConfig"];

async function evaluateStack(stack: string) {
  vi.resetModules();
  return evaluate(readStackFile(stack), stack, {
    realKeys: false,
    load: () => import("../index.js"),
  });
}

describe.each(stackNames())("stack %s", (stack) => {
  let evaluation: Awaited<ReturnType<typeof evaluateStack>>;
  let secrets: string[];
  const load = async () => {
    if (evaluation) return;
    evaluation = await evaluateStack(stack);
    const shown = renderFiles(evaluation.resources, { showSecrets: true });
    const hidden = renderFiles(evaluation.resources, { showSecrets: false });
    secrets = secretValues(
      learnFromRenders(shown, hidden),
      evaluation.resources,
      evaluation.outputs.clientId,
    );
  };

  it("renders no secret value in plain text", async () => {
    await load();
    const shown = renderFiles(evaluation.resources, { showSecrets: true });
    const hidden = renderFiles(evaluation.resources, { showSecrets: false });
    const learned = learnFromRenders(shown, hidden);
    // The render with secrets shows the key, the passwords and the client credentials, so the
    // scan has something to find if they leak.
    expect(learned.length).toBeGreaterThan(5);
    // The signing key's DER, as the key resource returns it, is among what the render revealed.
    const signingKey = evaluation.resources.find(
      (r) => r.type === "tls:index/privateKey:PrivateKey",
    );
    const der = String(signingKey?.outputs?.privateKeyPemPkcs8).replace(/-----[^-]+-----|\s/g, "");
    expect(der.length).toBeGreaterThan(1000);
    expect(learned).toContain(der);
    const leaks = leaksIn(hidden, secrets);
    expect(leaks).toEqual([]);
    expect(hidden["resources.json"]).toContain(`"${REDACTED}"`);
  });

  it("carries every key, password, client secret and token as a secret input", async () => {
    await load();
    const leaks: string[] = [];
    for (const resource of evaluation.resources) {
      for (const [at, value] of plainStrings(resource.inputs, `${resource.name}`)) {
        if (at.endsWith(".__provider")) continue;
        const property = at.slice(at.lastIndexOf(".") + 1).replace(/\[\d+\]$/, "");
        if (SECRET_NAMED.test(property) && !NOT_SECRET.test(property) && value !== "") {
          leaks.push(`${at} is named like a secret but is plain`);
        }
        for (const secret of secrets)
          if (value.includes(secret)) leaks.push(`${at} holds a secret value in plain text`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("exports no secret value in a plain output", async () => {
    await load();
    const leaks: string[] = [];
    for (const [name, value] of Object.entries(evaluation.outputs)) {
      if (value instanceof SecretValue) continue;
      if (SECRET_OUTPUTS.includes(name)) leaks.push(`${name} is not a secret output`);
      for (const [at, text] of plainStrings(value, name))
        for (const secret of secrets)
          if (text.includes(secret)) leaks.push(`${at} shows the secret ${secret.slice(0, 4)}…`);
    }
    expect(leaks).toEqual([]);
    expect(evaluation.outputs.workflowConfig).toBeInstanceOf(SecretValue);
  });
});

describe("the scan itself", () => {
  const key = {
    type: "random:index/randomPassword:RandomPassword",
    name: "pw",
    parent: null,
    urn: "",
    custom: true,
    inputs: { length: 32 },
    outputs: { length: 32, result: "correct-horse-battery" },
    options: { additionalSecretOutputs: ["bcryptHash", "result"] } as RecordedResource["options"],
  } satisfies RecordedResource;

  it("learns what the render with secrets shows and the other hides", () => {
    const bytes = Buffer.from("signing-key-bytes");
    const server = {
      ...key,
      type: "docker:index/container:Container",
      name: "c",
      inputs: {
        labels: [{ label: SERVER_ROLE_LABEL, value: "server" }],
        envs: [new SecretValue("DB_PASSWORD=staple-battery-horse"), "PLAIN=visible-value"],
        uploads: [
          { file: "/opt/key.der", contentBase64: new SecretValue(bytes.toString("base64")) },
        ],
      },
      options: { additionalSecretOutputs: [] as string[] } as RecordedResource["options"],
    };
    const shown = renderFiles([server], { showSecrets: true });
    const hidden = renderFiles([server], { showSecrets: false });
    expect(Object.keys(shown).filter((file) => !(file in hidden))).toEqual(["files/opt/key.der"]);
    expect(learnFromRenders(shown, hidden).sort()).toEqual(
      [
        "DB_PASSWORD=staple-battery-horse",
        "staple-battery-horse",
        bytes.toString("base64"),
        "signing-key-bytes",
      ].sort(),
    );
  });

  it("finds a secret of a real stack once it is made plain", async () => {
    const { resources } = await evaluateStack("local");
    const server = resources.find((r) => r.name === "openmetadata-local-docker-server")!;
    const envs = server.inputs.envs as unknown[];
    const at = envs.findIndex(
      (e) => e instanceof SecretValue && String(e.value).startsWith("DB_USER_PASSWORD="),
    );
    expect(at).toBeGreaterThan(-1);
    const password = String((envs[at] as SecretValue).value).slice("DB_USER_PASSWORD=".length);
    const learned = learnFromRenders(
      renderFiles(resources, { showSecrets: true }),
      renderFiles(resources, { showSecrets: false }),
    );
    expect(learned).toContain(password);
    envs[at] = (envs[at] as SecretValue).value;
    const hidden = renderFiles(resources, { showSecrets: false });
    expect(leaksIn(hidden, [password])).toEqual([
      "resources.json shows the secret " + password.slice(0, 4) + "…",
      "openmetadata.env shows the secret " + password.slice(0, 4) + "…",
    ]);
  });

  it("finds a declared secret that leaked into a plain input", () => {
    const leaky = {
      ...key,
      type: "docker:index/container:Container",
      name: "c",
      inputs: { envs: ["DB_PASSWORD=correct-horse-battery"] },
      options: { additionalSecretOutputs: [] as string[] } as RecordedResource["options"],
    };
    expect(secretValues([], [key, leaky])).toEqual(["correct-horse-battery"]);
    expect(plainStrings(leaky.inputs, "c")).toEqual([
      ["c.envs[0]", "DB_PASSWORD=correct-horse-battery"],
    ]);
    expect(renderFiles([key, leaky], { showSecrets: false })["resources.json"]).toContain(
      "correct-horse-battery",
    );
  });
});
