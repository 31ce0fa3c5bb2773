/**
 * Each stack loads only the modules it uses (issue 9): a Docker stack never loads the Kubernetes
 * target nor its Helm settings, a Kubernetes stack never loads the Docker target, and no stack loads
 * an identity provider it does not use, neither our module nor its Pulumi SDK. The exact project
 * modules and SDK packages of every stack are the lists BENCHMARKS.md prints. The floor of the
 * benchmark loads nothing of the program: no project module, no SDK but `@pulumi/pulumi`, and not
 * the program's own dependencies. Asserted on the module cache of a fresh process per stack, the
 * same child the benchmark runs; no timings here. The sources are transpiled once with esbuild
 * (type-stripping only, module for module), so each child runs plain JavaScript instead of paying
 * for a TypeScript loader; module names are reported with their `.ts` source names.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildSync } from "esbuild";
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
  kubernetes: {
    modules: /^components\/(kubernetes(-sdk)?|settings\/(helm|chart-env))\.ts$/,
    sdk: "@pulumi/kubernetes",
  },
};

/** Modules every stack loads, whatever its target and identity provider. */
const COMMON = [
  "components/checks/discovery.ts",
  "components/checks/outside-gate.ts",
  "components/checks/outside.ts",
  "components/checks/preflight.ts",
  "components/checks/verify.ts",
  "components/config/deployable.ts",
  "components/config/index.ts",
  "components/config/messages.ts",
  "components/config/rules.ts",
  "components/config/schema.ts",
  "components/deployment.ts",
  "components/identity/types.ts",
  "components/keys.ts",
  "components/offline.ts",
  "components/openmetadata-sso.ts",
  "components/settings/compatibility.ts",
  "components/settings/env.ts",
  "components/settings/proxy.ts",
  "components/settings/truststore.ts",
  "components/settings/yaml.ts",
  "components/suggest.ts",
  "components/types.ts",
  "components/urls.ts",
  "index.ts",
];
const DOCKER = ["components/docker.ts"];
const KUBERNETES = [
  "components/kubernetes-sdk.ts",
  "components/kubernetes.ts",
  "components/retained.ts",
  "components/settings/chart-env.ts",
  "components/settings/helm.ts",
];

/** Exactly the program's modules and `@pulumi/*` packages each stack in stacks/ loads. */
const EXPECTED: Record<string, { project: string[]; sdk: string[] }> = {
  dev: {
    project: [...COMMON, ...DOCKER, "components/identity/oidc.ts"],
    sdk: ["@pulumi/docker", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"],
  },
  local: {
    project: [
      ...COMMON,
      ...DOCKER,
      "components/identity/common.ts",
      "components/identity/local-keycloak.ts",
    ],
    sdk: ["@pulumi/docker", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"],
  },
  onelogin: {
    project: [
      ...COMMON,
      ...DOCKER,
      "components/identity/dynamic.ts",
      "components/identity/onelogin-api.ts",
      "components/identity/onelogin.ts",
    ],
    sdk: ["@pulumi/docker", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"],
  },
  prod: {
    project: [
      ...COMMON,
      ...KUBERNETES,
      "components/identity/common.ts",
      "components/identity/okta.ts",
    ],
    sdk: ["@pulumi/kubernetes", "@pulumi/okta", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"],
  },
  staging: {
    project: [
      ...COMMON,
      ...KUBERNETES,
      "components/identity/auth0.ts",
      "components/identity/common.ts",
    ],
    sdk: ["@pulumi/auth0", "@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"],
  },
};

/** Every stack's {@link Requesters}: the harness and the settings module ask for `yaml`. */
const REQUESTERS: Requesters = {
  yaml: ["components/settings/yaml.ts", "scripts/offline.ts"],
};

/** The harness both the floor and every stack run under. */
const HARNESS = ["scripts/bench-child.ts", "scripts/offline.ts", "scripts/render-values.ts"];

/** `@pulumi/*` package names among the SDK files an evaluation loaded, sorted. */
const sdkPackages = (modules: LoadedModules) =>
  [...new Set(modules.sdk.map((m) => m.split("/").slice(0, 2).join("/")))].sort();

const stacks = stackNames().map((stack) => {
  const values = readStackFile(stack).values;
  return {
    stack,
    target: values["openmetadata-sso:target"],
    provider: (JSON.parse(values["openmetadata-sso:identity"]) as { provider: string }).provider,
  };
});

const loaded = new Map<string, LoadedModules & { requesters: Requesters }>();
let floor: LoadedModules & { requesters: Requesters };
let hook: string;

/** TypeScript sources of the program and the child, relative to the project root. */
function sources(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const file = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return walk(file);
      return file.endsWith(".ts") && !file.endsWith(".d.ts") ? [file] : [];
    });
  return [...walk("components"), "index.ts", ...HARNESS];
}

/**
 * A copy of the project in `dir`: every source transpiled to `.js` in place, and links to what the
 * program reads at run time (dependencies, stack files, project file).
 */
function transpiledProject(dir: string): void {
  buildSync({
    entryPoints: sources().map((file) => path.join(PROJECT_ROOT, file)),
    outdir: dir,
    outbase: PROJECT_ROOT,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "error",
  });
  for (const link of ["node_modules", "stacks", "Pulumi.yaml"]) {
    fs.symlinkSync(path.join(PROJECT_ROOT, link), path.join(dir, link));
  }
}

/** The program's own dependencies: the packages besides the Pulumi SDKs it imports. */
const OWN_DEPENDENCIES = ["yaml", "zod"];

/**
 * Which files ask for `yaml`: package name to the files that require it, relative to the project
 * root with their `.ts` source names, sorted. The module cache cannot tell: the harness loads
 * `yaml` itself to read the stack file, so `yaml` is in the cache whether or not the program uses
 * it. (`zod` the harness never loads, so the cache alone shows the program's use.) Preloaded into
 * the child, before anything else runs.
 */
type Requesters = Record<string, string[]>;

/** Source of the preload that records {@link Requesters} into the file `$REQUESTERS_OUT`. */
function requestersHook(root: string): string {
  return [
    `const Module = require("node:module");`,
    `const fs = require("node:fs");`,
    `const path = require("node:path");`,
    `const packages = ["yaml"];`,
    `const root = ${JSON.stringify(root)};`,
    `const found = {};`,
    `const load = Module._load;`,
    `Module._load = function (request, parent, isMain) {`,
    `  const name = request.split("/")[0];`,
    `  if (packages.includes(name) && parent && parent.filename) {`,
    `    const file = parent.filename.startsWith(root + path.sep)`,
    `      ? path.relative(root, parent.filename).split(path.sep).join("/").replace(/\\.js$/, ".ts")`,
    `      : parent.filename;`,
    `    (found[name] ??= new Set()).add(file);`,
    `  }`,
    `  return load.apply(this, arguments);`,
    `};`,
    `process.on("exit", () => {`,
    `  const out = {};`,
    `  for (const name of Object.keys(found).sort()) out[name] = [...found[name]].sort();`,
    `  fs.writeFileSync(process.env.REQUESTERS_OUT, JSON.stringify(out));`,
    `});`,
    ``,
  ].join("\n");
}

/** Runs the benchmark's child on the transpiled project and returns what it loaded. */
async function loadedBy(
  dir: string,
  name: string,
  args: string[],
): Promise<LoadedModules & { requesters: Requesters }> {
  const out = path.join(dir, `${name}.json`);
  const requestersOut = path.join(dir, `${name}.requesters.json`);
  await run(
    process.execPath,
    [
      "--require",
      hook,
      path.join(dir, "scripts/bench-child.js"),
      "--root",
      dir,
      ...args,
      "--modules",
      out,
    ],
    { cwd: dir, env: { ...process.env, REQUESTERS_OUT: requestersOut } },
  );
  const modules = JSON.parse(fs.readFileSync(out, "utf8")) as LoadedModules;
  return {
    ...modules,
    project: modules.project.map((m) => m.replace(/\.js$/, ".ts")),
    requesters: JSON.parse(fs.readFileSync(requestersOut, "utf8")) as Requesters,
  };
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modules-"));
  transpiledProject(dir);
  // Outside the project, so that it is no project module of the child.
  hook = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "modules-hook-")), "requesters.js");
  fs.writeFileSync(hook, requestersHook(fs.realpathSync(dir)));
  await Promise.all([
    ...stacks.map(async ({ stack }) => {
      loaded.set(stack, await loadedBy(dir, stack, ["--program", "index.js", "--stack", stack]));
    }),
    loadedBy(dir, "floor", ["--floor"]).then((modules) => {
      floor = modules;
    }),
  ]);
}, 120_000);

it("has an expected module list for every stack in stacks/, and only for those", () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(stackNames());
});

/**
 * The module lists BENCHMARKS.md shows, by section: `npm run bench` writes them, and they must be
 * the lists this test holds the program to. A change in what a stack loads fails here until the
 * file is regenerated, so it never shows another program than the one in the repository.
 */
function benchmarkLists(): Record<string, { project: string[]; sdk: string[] }> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "BENCHMARKS.md"), "utf8");
  const modules = text.slice(text.indexOf("## Modules each stack loads"));
  const lists: Record<string, { project: string[]; sdk: string[] }> = {};
  for (const section of modules.split(/^### /m).slice(1)) {
    const stack = section.slice(0, section.indexOf("\n")).trim();
    const project = /^- project: (.*)$/m.exec(section)?.[1] ?? "";
    lists[stack] = {
      project: project === "none" ? [] : [...project.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
      sdk: [...section.matchAll(/^ {2}- `(@pulumi\/[^`]+)`/gm)].map((m) => m[1]),
    };
  }
  return lists;
}

it("matches the module lists BENCHMARKS.md shows, so the file is not stale", () => {
  const expected = Object.fromEntries(
    Object.entries(EXPECTED).map(([stack, { project, sdk }]) => [
      stack,
      { project: [...project].sort(), sdk },
    ]),
  );
  expect(benchmarkLists()).toEqual({
    floor: { project: [], sdk: ["@pulumi/pulumi"] },
    ...expected,
  });
});

describe("the benchmark's floor", () => {
  it("loads the harness and no module of the program", () => {
    expect(floor.project).toEqual(HARNESS);
  });

  it("loads no @pulumi/* package but @pulumi/pulumi", () => {
    expect(sdkPackages(floor)).toEqual(["@pulumi/pulumi"]);
  });

  it("loads none of the program's own dependencies, which the harness loads only for a stack", () => {
    expect(floor.packages.filter((p) => OWN_DEPENDENCIES.includes(p))).toEqual([]);
    expect(floor.requesters).toEqual({});
  });
});

describe.each(stacks)("stack $stack ($target, $provider)", ({ stack, target, provider }) => {
  const packages = () => new Set(sdkPackages(loaded.get(stack)!));
  const project = () => loaded.get(stack)!.project;

  it("loads exactly its expected project modules and SDK packages", () => {
    expect(project().filter((m) => !HARNESS.includes(m))).toEqual(
      [...EXPECTED[stack].project].sort(),
    );
    expect(sdkPackages(loaded.get(stack)!)).toEqual(EXPECTED[stack].sdk);
  });

  it("loads the program's own dependencies, unlike the floor, from exactly these modules", () => {
    expect(loaded.get(stack)!.packages.filter((p) => OWN_DEPENDENCIES.includes(p))).toEqual([
      "yaml",
      "zod",
    ]);
    // The harness reads the stack file with `yaml`; the program's own use is the settings module.
    expect(loaded.get(stack)!.requesters).toEqual(REQUESTERS);
  });

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

  it("loads @pulumi/kubernetes class by class, never the package's index of 118 modules", () => {
    const files = loaded.get(stack)!.sdk.filter((m) => m.startsWith("@pulumi/kubernetes/"));
    expect(files.sort()).toEqual(
      target === "kubernetes"
        ? [
            "@pulumi/kubernetes/apps/v1/statefulSetPatch.js",
            "@pulumi/kubernetes/batch/v1/job.js",
            "@pulumi/kubernetes/core/v1/configMap.js",
            "@pulumi/kubernetes/core/v1/namespace.js",
            "@pulumi/kubernetes/core/v1/secret.js",
            "@pulumi/kubernetes/helm/v3/release.js",
            "@pulumi/kubernetes/package.json",
            "@pulumi/kubernetes/provider.js",
            "@pulumi/kubernetes/types/input.js",
            "@pulumi/kubernetes/utilities.js",
          ]
        : [],
    );
  });

  it("loads no test, policy or script code of ours besides the harness", () => {
    expect(project().filter((m) => !/^(components\/|index\.ts$)/.test(m))).toEqual(HARNESS);
  });
});
