/**
 * `npm run render:all [-- <dir>]`: renders every stack under stacks/ into `<dir>` (default
 * `rendered`), in one process: the program loads afresh for each stack, so the render of all
 * stacks pays for starting Node and loading Pulumi once. Stops at the first stack that fails.
 */
import { renderStack, summary } from "./render";
import { stackNames } from "./offline";
import { RENDER_ONLY_NOTE } from "./render-values";

async function main(): Promise<void> {
  const out = process.argv[2] ?? "rendered";
  for (const stack of stackNames()) {
    try {
      process.stdout.write(summary(stack, await renderStack(stack, { out, showSecrets: false })));
    } catch (error) {
      process.stderr.write(`render of stack "${stack}" failed:\n${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(`${RENDER_ONLY_NOTE}\n`);
  process.exit(0);
}

void main();
