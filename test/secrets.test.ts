/**
 * No secret leaks. For every stack in stacks/:
 * - the offline render, rendered with --show-secrets to learn every secret value and without it,
 *   never shows a secret value of 8 or more characters anywhere in the second render;
 * - no recorded resource input carries a key, password, client secret or token unmarked.
 * Stacks are evaluated in-process with deterministic mock secrets, so both renders hold the same
 * values.
 */
import { describe, expect, it, vi } from "vitest";
import { REDACTED, renderFiles } from "../scripts/render-files";
import {
  evaluate,
  readStackFile,
  SecretValue,
  stackNames,
  type RecordedResource,
} from "../scripts/offline";

/**
 * Every secret value of a deployment: the outputs each provider declares secret
 * (`additionalSecretOutputs`, which the engine encrypts in state), the DER body of secret PEM keys
 * as they are uploaded, and the placeholders that stand in for config secrets offline.
 */
function secretValues(resources: RecordedResource[]): string[] {
  const found = new Set<string>();
  for (const resource of resources) {
    for (const name of resource.options.additionalSecretOutputs) {
      const value = resource.outputs?.[name];
      if (typeof value !== "string" || value.length < 8) continue;
      found.add(value);
      if (value.startsWith("-----BEGIN")) found.add(value.replace(/-----[^-]+-----|\s/g, ""));
    }
  }
  const placeholders = (value: unknown): void => {
    if (value instanceof SecretValue) placeholders(value.value);
    else if (typeof value === "string") {
      for (const match of value.matchAll(/offline-placeholder:[a-z0-9-]+:[A-Za-z0-9]+/g))
        found.add(match[0]);
    } else if (value && typeof value === "object") Object.values(value).forEach(placeholders);
  };
  resources.forEach((r) => placeholders(r.inputs));
  // The OneLogin subdomain is read as a secret, as the API credentials are, but it is no secret in
  // use: it names the issuer every browser is redirected to, which OpenMetadata also serves
  // without login. The OneLogin app publishes the issuer, so it may appear.
  found.delete("offline-placeholder:onelogin:subdomain");
  return [...found];
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
/** Names that match the pattern above but hold no secret value. */
const NOT_SECRET =
  /(secretRef|secretKey|secretName|SecretName|WoVersion|tokenEndpointAuthMethod|refreshTokenRotation|authenticationMethod|existingSecret|FilePath)$/;

async function evaluateStack(stack: string) {
  vi.resetModules();
  return evaluate(readStackFile(stack), stack, {
    realKeys: false,
    load: () => import("../index.js"),
  });
}

describe.each(stackNames())("stack %s", (stack) => {
  let resources: RecordedResource[];

  it("renders no secret value in plain text", async () => {
    ({ resources } = await evaluateStack(stack));
    const shown = renderFiles(resources, { showSecrets: true });
    const hidden = renderFiles(resources, { showSecrets: false });
    const secrets = secretValues(resources);
    expect(secrets.length).toBeGreaterThan(5);
    // The render with secrets shows them, so the scan below can find them if they leak.
    const shownText = Object.values(shown)
      .map((c) => c.toString())
      .join("\n");
    expect(secrets.filter((secret) => shownText.includes(secret)).length).toBeGreaterThan(3);
    for (const [file, content] of Object.entries(hidden)) {
      const text = Buffer.isBuffer(content)
        ? content.toString("base64") + content.toString("latin1")
        : content;
      for (const secret of secrets) {
        expect(text.includes(secret), `${file} shows the secret ${secret.slice(0, 4)}…`).toBe(
          false,
        );
      }
    }
    expect(hidden["resources.json"]).toContain(`"${REDACTED}"`);
  });

  it("carries every key, password, client secret and token as a secret input", async () => {
    resources ??= (await evaluateStack(stack)).resources;
    const secrets = secretValues(resources);
    const leaks: string[] = [];
    for (const resource of resources) {
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
});

describe("the scan itself", () => {
  it("learns declared secrets and finds one that leaked into a plain input", () => {
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
    const leaky = {
      ...key,
      type: "docker:index/container:Container",
      name: "c",
      inputs: { envs: ["DB_PASSWORD=correct-horse-battery"] },
      options: { additionalSecretOutputs: [] as string[] } as RecordedResource["options"],
    };
    expect(secretValues([key, leaky])).toEqual(["correct-horse-battery"]);
    expect(plainStrings(leaky.inputs, "c")).toEqual([
      ["c.envs[0]", "DB_PASSWORD=correct-horse-battery"],
    ]);
    expect(renderFiles([key, leaky], { showSecrets: false })["resources.json"]).toContain(
      "correct-horse-battery",
    );
  });
});
