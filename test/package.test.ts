/**
 * The package as another program gets it from npm: the name resolves through package.json
 * `exports` to the built JavaScript in dist/, its types come with it, the TypeScript example
 * type-checks against those types (not the sources the other tests alias), and the tarball holds
 * the build and no sources, tests or stacks. dist/ is built by `npm ci` (the `prepare` script) and
 * by CI before the tests.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/** A consumer project whose node_modules holds this package and its dependencies, as links. */
let consumer: string;

beforeAll(() => {
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), "om-consumer-"));
  const modules = path.join(consumer, "node_modules");
  fs.mkdirSync(modules);
  fs.symlinkSync(ROOT, path.join(modules, "openmetadata-sso"), "dir");
  for (const scope of ["@pulumi", "@types"])
    fs.symlinkSync(path.join(ROOT, "node_modules", scope), path.join(modules, scope), "dir");
  fs.copyFileSync(
    path.join(ROOT, "examples", "typescript", "index.ts"),
    path.join(consumer, "index.ts"),
  );
});

afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

describe("the npm package", () => {
  it("resolves its name through exports to the built JavaScript, with its API", () => {
    // A plain Node process in the consumer, without the TypeScript loader (and its tsconfig
    // `paths`) that this test runner uses.
    const script = `const r = require.resolve("openmetadata-sso");
      console.log(JSON.stringify({ file: require("fs").realpathSync(r),
        api: Object.keys(require("openmetadata-sso")).sort(),
        component: typeof require("openmetadata-sso").OpenMetadataSso }));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["-e", script], {
        cwd: consumer,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "" },
      }),
    ) as { file: string; api: string[]; component: string };
    expect(loaded.file).toBe(path.join(ROOT, "dist", "components", "index.js"));
    expect(loaded.component).toBe("function");
    expect(loaded.api).toEqual([
      "ClientType",
      "ConfidentialTokenEndpointAuthMethod",
      "ConfigValidationError",
      "DataRetention",
      "DatabaseEngine",
      "DockerTlsMode",
      "Environment",
      "HttpScheme",
      "IdentityProviderKind",
      "IngressTlsSource",
      "KubernetesDependencies",
      "OpenMetadataProvider",
      "OpenMetadataSso",
      "SearchEngine",
      "SigningKeys",
      "Target",
      "TokenEndpointAuthMethod",
      "pemToDerBase64",
      "readStackConfig",
      "validateArgs",
    ]);
  });

  it("type-checks the TypeScript example against the published types", () => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
    };
    const check = (source: string) => {
      fs.writeFileSync(path.join(consumer, "index.ts"), source);
      const program = ts.createProgram([path.join(consumer, "index.ts")], options);
      const resolved = program
        .getSourceFiles()
        .map((file) => fs.realpathSync(file.fileName))
        .filter((file) => file.startsWith(ROOT) && !file.includes("node_modules"));
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      return { resolved, errors };
    };
    const example = fs.readFileSync(path.join(ROOT, "examples", "typescript", "index.ts"), "utf8");
    const good = check(example);
    expect(good.errors).toEqual([]);
    // The types come from dist/, never from the sources.
    expect(good.resolved).toContain(path.join(ROOT, "dist", "components", "index.d.ts"));
    expect(good.resolved.filter((file) => !file.startsWith(path.join(ROOT, "dist")))).toEqual([]);
    // And they are real types: a wrong argument is caught.
    const bad = check(example.replace(`target: "docker",`, `target: "dockr",`));
    expect(bad.errors).toEqual([
      `Type '"dockr"' is not assignable to type 'Target'. Did you mean '"docker"'?`,
    ]);
  });

  it("packs the build, the README and the licence, and nothing else", () => {
    const [pack] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }),
    ) as { files: { path: string }[] }[];
    const files = pack.files.map((file) => file.path);
    expect(files.filter((file) => !file.startsWith("dist/components/")).sort()).toEqual([
      "LICENSE",
      "README.md",
      "dist/index.d.ts",
      "dist/index.js",
      "package.json",
    ]);
    for (const file of ["index.js", "index.d.ts", "plugin.js", "openmetadata-sso.d.ts"])
      expect(files).toContain(`dist/components/${file}`);
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("ships doctor as a bin that runs from the build", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    expect(manifest.bin).toEqual({
      "openmetadata-sso-doctor": "dist/components/doctor-cli.js",
    });
    const bin = path.join(ROOT, manifest.bin["openmetadata-sso-doctor"]);
    expect(fs.readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    // From a consumer's directory, with a plain Node and no TypeScript loader.
    const usage = execFileSync(process.execPath, [bin, "--help"], {
      cwd: consumer,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(usage.split("\n")[0]).toBe("Usage: npm run doctor -- <stack> [flags]");
  });
});
