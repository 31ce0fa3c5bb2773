/**
 * Offline render: `npm run render -- <stack> [--out <dir>] [--show-secrets]`.
 *
 * Evaluates the real program for a stack file under Pulumi's mock runtime, with real key
 * material, and writes what would be deployed to `<dir>/<stack>/` (default `rendered/<stack>/`).
 * No Pulumi CLI, no credentials, no network. Bad config prints every problem, exits 1 and writes
 * nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderFiles } from "./render-files";
import { evaluateStack, PROJECT_ROOT, stackNames, type RecordedResource } from "./offline";
import { RENDER_ONLY_NOTE } from "./render-values";

/** Where derived key pairs are kept between renders: a cache, never part of the output. */
export const KEY_CACHE = path.join(PROJECT_ROOT, "node_modules", ".cache", "openmetadata-sso");

interface Options {
  stack: string;
  out: string;
  showSecrets: boolean;
}

const USAGE = "usage: npm run render -- <stack> [--out <dir>] [--show-secrets]";

function parseArgs(argv: string[]): Options {
  let stack: string | undefined;
  let out = "rendered";
  let showSecrets = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") {
      const value = argv[++i];
      if (!value) fail(`--out needs a directory\n${USAGE}`, 2);
      out = value;
    } else if (arg === "--show-secrets") showSecrets = true;
    else if (arg.startsWith("-")) fail(`unknown option ${arg}\n${USAGE}`, 2);
    else if (stack === undefined) stack = arg;
    else fail(`only one stack at a time; got ${stack} and ${arg}\n${USAGE}`, 2);
  }
  if (!stack) fail(`${USAGE}\nstacks: ${stackNames().join(", ")}`, 2);
  return { stack, out, showSecrets };
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** What one render wrote. */
export interface Rendered {
  resources: number;
  files: number;
  dir: string;
  /** The resources as the program registered them. */
  recorded: RecordedResource[];
  /** The stack file's config values the program ran with. */
  values: Record<string, string>;
}

/**
 * Renders one stack into `<out>/<stack>/`, replacing what was there. Throws, writing nothing, when
 * the program fails (bad config). The stack file is `<stacksDir>/Pulumi.<stack>.yaml` (default
 * `stacks/`).
 */
export async function renderStack(
  stack: string,
  options: { out: string; showSecrets: boolean; stacksDir?: string },
): Promise<Rendered> {
  const evaluation = await evaluateStack(stack, {
    realKeys: true,
    keyCache: KEY_CACHE,
    ...(options.stacksDir === undefined ? {} : { stacksDir: options.stacksDir }),
  });
  const files = renderFiles(evaluation.resources, { showSecrets: options.showSecrets });
  const dir = path.resolve(options.out, stack);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return {
    resources: evaluation.resources.length,
    files: Object.keys(files).length,
    dir,
    recorded: evaluation.resources,
    values: evaluation.config.values,
  };
}

/** The line each render prints. */
export function summary(stack: string, rendered: Rendered): string {
  return `rendered ${stack}: ${rendered.resources} resources, ${rendered.files} files in ${path.relative(process.cwd(), rendered.dir) || "."}\n`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  try {
    process.stdout.write(summary(options.stack, await renderStack(options.stack, options)));
    process.stdout.write(`${RENDER_ONLY_NOTE}\n`);
  } catch (error) {
    fail(`render of stack "${options.stack}" failed:\n${(error as Error).message}`, 1);
  }
  // The mock runtime keeps handles open; the render is complete.
  process.exit(0);
}

if (require.main === module) void main();
