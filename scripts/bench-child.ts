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
 * modules and `@pulumi/*` SDK modules the evaluation loaded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, readStackFile, settle, type MockOptions } from "./offline";

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** What an evaluation loaded: project modules relative to the root, and SDK modules. */
export interface LoadedModules {
  project: string[];
  sdk: string[];
}

/** Splits the module cache into project modules and `@pulumi/*` SDK modules. */
export function loadedModules(root: string, cache: string[]): LoadedModules {
  const project: string[] = [];
  const sdk = new Set<string>();
  for (const file of cache) {
    const sdkMatch = /node_modules[\\/](@pulumi[\\/][^\\/]+)[\\/](.*)$/.exec(file);
    if (sdkMatch) {
      const pkg = sdkMatch[1].replace(/\\/g, "/");
      // Name the package and its first directory: @pulumi/kubernetes/helm, @pulumi/docker/container.
      const first = sdkMatch[2].split(/[\\/]/)[0].replace(/\.js$/, "");
      sdk.add(`${pkg}/${first}`);
    } else if (!file.includes("node_modules") && file.startsWith(root)) {
      project.push(path.relative(root, file).replace(/\\/g, "/"));
    }
  }
  return { project: project.sort(), sdk: [...sdk].sort() };
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
