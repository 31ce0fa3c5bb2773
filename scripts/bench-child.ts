/**
 * One evaluation in a fresh process, for the benchmark and the module-loading test:
 *
 *   bench-child --root <dir> --program <file> --stack <name> [--key <file>] [--modules <file>]
 *   bench-child --root <dir> --floor [--key <file>] [--modules <file>]
 *
 * With --stack it evaluates the program for that stack file under the mock runtime. With --floor it
 * evaluates the floor: `@pulumi/pulumi` and one empty component under the same mocks. Both load the
 * same harness, so the difference between them is the program's own cost. --key supplies the mock
 * RSA key pair, so no key generation (a provider's work) is counted. --modules writes the project
 * modules, the `@pulumi/*` SDK files and the other packages the evaluation loaded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, readStackFile, settle, type MockOptions } from "./offline";

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** What an evaluation loaded, each list sorted. */
export interface LoadedModules {
  /** Project modules (outside node_modules), relative to the root, with forward slashes. */
  project: string[];
  /**
   * Every `@pulumi/*` SDK file, as the package and its path inside it:
   * `@pulumi/docker/container.js`, `@pulumi/kubernetes/helm/v3/release.js`.
   */
  sdk: string[];
  /** Every other package a module was loaded from, by name: `yaml`, `zod`, `@grpc/grpc-js`. */
  packages: string[];
}

/** Splits the module cache into project modules, `@pulumi/*` SDK files and other packages. */
export function loadedModules(root: string, cache: string[]): LoadedModules {
  const project: string[] = [];
  const sdk: string[] = [];
  const packages = new Set<string>();
  for (const file of cache) {
    // The innermost package a file belongs to: the last node_modules segment of its path.
    const inPackage = /.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](.*)$/.exec(file);
    if (inPackage) {
      const name = inPackage[1].replace(/\\/g, "/");
      if (name.startsWith("@pulumi/")) sdk.push(`${name}/${inPackage[2].replace(/\\/g, "/")}`);
      else packages.add(name);
    } else if (file.startsWith(root + path.sep)) {
      project.push(path.relative(root, file).replace(/\\/g, "/"));
    }
  }
  return { project: project.sort(), sdk: sdk.sort(), packages: [...packages].sort() };
}

async function main(): Promise<void> {
  const root = path.resolve(arg("root") ?? process.cwd());
  const keyFile = arg("key");
  const options: MockOptions = {
    realKeys: false,
    ...(keyFile ? { keyPair: JSON.parse(fs.readFileSync(keyFile, "utf8")) } : {}),
  };
  process.env.OPENMETADATA_SSO_OFFLINE = "1";
  if (process.argv.includes("--floor")) {
    installMocks({ ...options, project: "floor", stack: "floor" });
    class Floor extends pulumi.ComponentResource {
      constructor(name: string) {
        super("floor:index:Floor", name, {}, {});
        this.registerOutputs({});
      }
    }
    new Floor("floor");
  } else {
    const stack = arg("stack");
    const program = arg("program");
    if (!stack || !program)
      throw new Error("usage: bench-child --root <dir> --program <file> --stack <name>");
    const config = readStackFile(stack, root);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    installMocks({ ...options, project: config.project, stack });
    require(path.resolve(root, program));
  }
  await settle();
  const out = arg("modules");
  if (out)
    fs.writeFileSync(out, JSON.stringify(loadedModules(root, Object.keys(require.cache)), null, 2));
  process.exit(0);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
