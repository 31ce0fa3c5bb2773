/**
 * `npm run render:all [-- [<dir>] [--stacks <stacks dir>]]`: renders every stack file
 * `Pulumi.<stack>.yaml` of `<stacks dir>` (default `stacks/`) into `<dir>` (default `rendered`), in
 * one process: the program loads afresh for each stack, so the render of all stacks pays for
 * starting Node and loading Pulumi once.
 *
 * A stack that fails does not stop the others: every stack is rendered, every failure is printed
 * with its stack's name and messages, then the stacks that rendered are checked against each other
 * for collisions (scripts/collisions.ts). Exits 1 when any stack failed or any two would collide.
 */
import * as path from "node:path";
import { collisions, footprintOf, type Footprint } from "./collisions";
import { PROJECT_ROOT, stackNames } from "./offline";
import { renderStack, summary } from "./render";
import { RENDER_ONLY_NOTE } from "./render-values";

const USAGE = "usage: npm run render:all -- [<dir>] [--stacks <stacks dir>]";

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parseArgs(argv: string[]): { out: string; stacksDir: string } {
  let out: string | undefined;
  let stacksDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--stacks") {
      const value = argv[++i];
      if (!value) fail(`--stacks needs a directory\n${USAGE}`, 2);
      stacksDir = value;
    } else if (arg.startsWith("-")) fail(`unknown option ${arg}\n${USAGE}`, 2);
    else if (out === undefined) out = arg;
    else fail(`only one output directory; got ${out} and ${arg}\n${USAGE}`, 2);
  }
  return {
    out: out ?? "rendered",
    stacksDir: path.resolve(stacksDir ?? path.join(PROJECT_ROOT, "stacks")),
  };
}

/** A stack file as messages name it: relative to where the command runs, when it is below it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

async function main(): Promise<void> {
  const { out, stacksDir } = parseArgs(process.argv.slice(2));
  const stacks = stackNames(PROJECT_ROOT, stacksDir);
  const failed: string[] = [];
  const footprints: Footprint[] = [];
  for (const stack of stacks) {
    const file = path.join(stacksDir, `Pulumi.${stack}.yaml`);
    try {
      const rendered = await renderStack(stack, { out, showSecrets: false, stacksDir });
      process.stdout.write(summary(stack, rendered));
      footprints.push(footprintOf(stack, shown(file), rendered.recorded, rendered.values));
    } catch (error) {
      failed.push(stack);
      process.stderr.write(`render of stack "${stack}" failed:\n${(error as Error).message}\n`);
    }
  }
  const collided = collisions(footprints);
  if (collided.length > 0) {
    process.stderr.write(
      `stacks that would collide:\n${collided.map((message) => `  - ${message}\n`).join("")}`,
    );
  }
  if (footprints.length > 0) process.stdout.write(`${RENDER_ONLY_NOTE}\n`);
  if (failed.length > 0 || collided.length > 0) {
    const problems: string[] = [];
    if (failed.length > 0)
      problems.push(
        `${failed.length} of ${plural(stacks.length, "stack", "stacks")} failed (${failed.join(", ")}), which the collision check leaves out`,
      );
    if (collided.length > 0)
      problems.push(
        plural(collided.length, "pair of stacks would collide", "pairs of stacks would collide"),
      );
    process.stderr.write(`render:all failed: ${problems.join("; ")}.\n`);
    process.exit(1);
  }
  // The mock runtime keeps handles open; the renders are complete.
  process.exit(0);
}

void main();
