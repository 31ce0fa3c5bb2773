/**
 * Each stack loads only the modules it uses (issue 9): a Docker stack never loads the Kubernetes
 * target, a Kubernetes stack never loads the Docker target, and no stack loads an identity provider
 * it does not use, neither our module nor its Pulumi SDK. Asserted on the module cache of a fresh
 * process per stack, the same child the benchmark runs; no timings here.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedModules } from "../scripts/bench-child";
import { PROJECT_ROOT, readStackFile, stackNames } from "../scripts/offline";

const run = promisify(execFile);

/** Our modules and the SDK each identity provider brings. */
const PROVIDERS: Record<string, { modules: RegExp; sdk?: string }> = {
  "local-keycloak": { modules: /^components\/identity\/local-keycloak\.ts$/ },
  keycloak: { modules: /^components\/identity\/keycloak\.ts$/, sdk: "@pulumi/keycloak" },
  okta: { modules: /^components\/identity\/okta\.ts$/, sdk: "@pulumi/okta" },
  auth0: { modules: /^components\/identity\/auth0\.ts$/, sdk: "@pulumi/auth0" },
  onelogin: { modules: /^components\/identity\/onelogin(-api)?\.ts$/ },
  entra: { modules: /^components\/identity\/entra\.ts$/, sdk: "@pulumi/azuread" },
  oidc: { modules: /^components\/identity\/(oidc|registration(-api)?)\.ts$/ },
};
const TARGETS: Record<string, { modules: RegExp; sdk: string }> = {
  docker: { modules: /^components\/docker\.ts$/, sdk: "@pulumi/docker" },
  kubernetes: { modules: /^components\/kubernetes\.ts$/, sdk: "@pulumi/kubernetes" },
};

const stacks = stackNames().map((stack) => {
  const values = readStackFile(stack).values;
  return {
    stack,
    target: values["openmetadata-sso:target"],
    provider: (JSON.parse(values["openmetadata-sso:identity"]) as { provider: string }).provider,
  };
});

const loaded = new Map<string, LoadedModules>();

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modules-"));
  await Promise.all(
    stacks.map(async ({ stack }) => {
      const out = path.join(dir, `${stack}.json`);
      await run(
        process.execPath,
        [
          "--import",
          "tsx",
          "scripts/bench-child.ts",
          "--root",
          PROJECT_ROOT,
          "--program",
          "index.ts",
          "--stack",
          stack,
          "--modules",
          out,
        ],
        { cwd: PROJECT_ROOT },
      );
      loaded.set(stack, JSON.parse(fs.readFileSync(out, "utf8")) as LoadedModules);
    }),
  );
}, 120_000);

describe.each(stacks)("stack $stack ($target, $provider)", ({ stack, target, provider }) => {
  const packages = () =>
    new Set(loaded.get(stack)!.sdk.map((m) => m.split("/").slice(0, 2).join("/")));
  const project = () => loaded.get(stack)!.project;

  it("loads its own target and identity provider", () => {
    expect(project().some((m) => TARGETS[target].modules.test(m))).toBe(true);
    expect(project().some((m) => PROVIDERS[provider].modules.test(m))).toBe(true);
    expect(packages().has(TARGETS[target].sdk)).toBe(true);
    const sdk = PROVIDERS[provider].sdk;
    if (sdk) expect(packages().has(sdk)).toBe(true);
  });

  it("loads no other target and no other identity provider", () => {
    for (const [name, other] of Object.entries(TARGETS)) {
      if (name === target) continue;
      expect(project().filter((m) => other.modules.test(m))).toEqual([]);
      expect(packages().has(other.sdk)).toBe(false);
    }
    for (const [name, other] of Object.entries(PROVIDERS)) {
      if (name === provider) continue;
      expect(
        project().filter((m) => other.modules.test(m)),
        `${name} modules`,
      ).toEqual([]);
      if (other.sdk) expect(packages().has(other.sdk), `${other.sdk}`).toBe(false);
    }
  });

  it("loads no test, policy or script code of ours besides the harness", () => {
    expect(project().filter((m) => !/^(components\/|index\.ts$)/.test(m))).toEqual([
      "scripts/bench-child.ts",
      "scripts/offline.ts",
    ]);
  });
});
