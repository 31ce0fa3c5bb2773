/**
 * `npm run render:diff -- <base-ref> [--markdown <file>] [--patch <file>] [--link <url>]`
 *
 * Renders every stack twice, offline and without credentials: at `<base-ref>` and in the working
 * tree, and prints how the renders differ, per stack, as the Markdown of the pull-request comment
 * (or writes it to `--markdown <file>`; `--patch <file>` gets the whole diff, never cut).
 *
 * The base is taken out of git with `git archive` into a temporary directory, which is removed at
 * the end; the checkout and its git state are left as they were. The base reuses this checkout's
 * node_modules through a symbolic link when its package-lock.json is the same, and gets its own
 * `npm ci` when not; it reuses this checkout's build when its sources are the same. Each side renders with its own code (its own `npm run render:all`), so a
 * change to the render itself shows too. Renders are deterministic, so equal inputs give equal
 * files and every line of the diff comes from the change. Only files the render writes are
 * compared, and the render writes no secret (see scripts/render-diff-format.ts).
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import {
  compareRenders,
  formatFailure,
  formatMarkdown,
  formatPatch,
  type RenderTree,
  type StackDiff,
} from "./render-diff-format";

/** The project root: the sources' parent, or the build's (dist/scripts/render-diff.js). */
const PROJECT_ROOT = path.resolve(
  __dirname,
  path.basename(path.dirname(__dirname)) === "dist" ? "../.." : "..",
);

/** Renders every stack of the project at `root` into `<out>/<stack>/`. */
export type Render = (root: string, out: string) => Promise<void>;

/** The render each side has: its own `npm run render:all -- <out>`, its output kept for errors. */
export const renderAll: Render = async (root, out) => {
  try {
    await promisify(execFile)("npm", ["run", "--silent", "render:all", "--", out], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${failed.stdout ?? ""}${failed.stderr ?? ""}`.trim() || failed.message);
  }
};

export interface DiffOptions {
  /** The checkout: its working tree is the head. */
  root: string;
  /** The base: any name git resolves to a commit (a branch, tag, `HEAD^1`, a commit). */
  base: string;
  /** Renders one side; {@link renderAll} unless a test says otherwise. */
  render?: Render;
  /** Where the whole diff is, for the line a cut comment ends with. */
  link?: string;
}

export interface DiffResult {
  diffs: StackDiff[];
  markdown: string;
  patch: string;
}

function git(root: string, args: string[]): string {
  return execFileSync("git", ["-C", root, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Every file under each stack directory of a render, by stack, then path (with `/`). */
export function readTree(out: string): RenderTree {
  const tree: RenderTree = {};
  if (!fs.existsSync(out)) return tree;
  for (const stack of fs.readdirSync(out, { withFileTypes: true })) {
    if (!stack.isDirectory()) continue;
    const files: Record<string, Buffer> = {};
    const dir = path.join(out, stack.name);
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, file).split(path.sep).join("/")] = fs.readFileSync(file);
    }
    tree[stack.name] = files;
  }
  return tree;
}

/** The commit `ref` names, or an error that says how to get it. */
function resolveCommit(root: string, ref: string): string {
  try {
    return git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
  } catch {
    throw new Error(
      `render:diff: "${ref}" names no commit in this repository. Name a branch, tag or commit that exists here (fetch it first, e.g. git fetch origin main).`,
    );
  }
}

/** The base's files, out of git, in `dir`, with node_modules to run them. */
function checkOutBase(root: string, commit: string, dir: string): void {
  const archive = `${dir}.tar`;
  fs.mkdirSync(dir, { recursive: true });
  git(root, ["archive", "--format=tar", "-o", archive, commit]);
  execFileSync("tar", ["-xf", archive, "-C", dir], { stdio: ["ignore", "pipe", "pipe"] });
  fs.rmSync(archive);
  // This checkout's build: the base's render uses it when the base's sources hash the same (a
  // change to stacks or docs only), and rebuilds over it when not (scripts/built.mjs).
  const built = path.join(root, "dist");
  if (fs.existsSync(path.join(built, ".sources"))) {
    fs.cpSync(built, path.join(dir, "dist"), { recursive: true });
  }
  const modules = path.join(root, "node_modules");
  if (!fs.existsSync(modules) || fs.existsSync(path.join(dir, "node_modules"))) return;
  const lock = (where: string) => {
    const file = path.join(where, "package-lock.json");
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  };
  const [ours, theirs] = [lock(root), lock(dir)];
  if ((ours === undefined && theirs === undefined) || (ours && theirs && ours.equals(theirs))) {
    fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
  } else {
    process.stderr.write(
      `render:diff: the base's package-lock.json differs from this checkout's: npm ci for the base.\n`,
    );
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "ignore" });
  }
}

/**
 * Renders the base and the working tree into a temporary directory, both at once, and compares
 * them. The temporary directory is removed whatever happens.
 */
export async function renderDiff(options: DiffOptions): Promise<DiffResult> {
  const { root } = options;
  const render = options.render ?? renderAll;
  const commit = resolveCommit(root, options.base);
  const head = git(root, ["rev-parse", "HEAD"]).trim();
  const dirty = git(root, ["status", "--porcelain"]).trim() !== "";
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "om-render-diff-"));
  try {
    const baseDir = path.join(tmp, "base");
    checkOutBase(root, commit, baseDir);
    const side = (name: string, dir: string, out: string) =>
      render(dir, out).catch((error: Error) => {
        throw new Error(`render:diff: the render of the ${name} failed:\n${error.message}`);
      });
    await Promise.all([
      side(`base ${options.base} (${commit.slice(0, 12)})`, baseDir, path.join(tmp, "out-base")),
      side("working tree", root, path.join(tmp, "out-head")),
    ]);
    const diffs = compareRenders(
      readTree(path.join(tmp, "out-base")),
      readTree(path.join(tmp, "out-head")),
    );
    const markdown = formatMarkdown(diffs, {
      base: { ref: options.base, commit },
      head: { commit: head, dirty },
      link: options.link,
    });
    return { diffs, markdown, patch: formatPatch(diffs) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const USAGE =
  "usage: npm run render:diff -- <base-ref> [--markdown <file>] [--patch <file>] [--link <url>]";

interface Options {
  base: string;
  markdown?: string;
  patch?: string;
  link?: string;
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parseArgs(argv: string[]): Options {
  const options: Partial<Options> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--markdown" || arg === "--patch" || arg === "--link") {
      const value = argv[++i];
      if (!value) fail(`${arg} needs a value\n${USAGE}`, 2);
      options[arg.slice(2) as "markdown" | "patch" | "link"] = value;
    } else if (arg.startsWith("-")) fail(`unknown option ${arg}\n${USAGE}`, 2);
    else if (options.base === undefined) options.base = arg;
    else fail(`one base at a time; got ${options.base} and ${arg}\n${USAGE}`, 2);
  }
  if (!options.base) fail(USAGE, 2);
  return options as Options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let result: DiffResult;
  try {
    result = await renderDiff({ root: PROJECT_ROOT, base: options.base, link: options.link });
  } catch (error) {
    // The comment still replaces an older diff, which no longer holds.
    if (options.markdown) fs.writeFileSync(options.markdown, formatFailure(options.link));
    fail((error as Error).message, 1);
  }
  if (options.markdown) fs.writeFileSync(options.markdown, result.markdown);
  else process.stdout.write(result.markdown);
  if (options.patch) fs.writeFileSync(options.patch, result.patch);
}

if (require.main === module) void main();
