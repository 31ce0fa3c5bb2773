/**
 * Renders every stack under stacks/ with `npm run render`, one fresh process each (the Pulumi
 * runtime holds one program per process). Fails on the first stack that does not render.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT, stackNames } from "./offline";

const out = process.argv[2] ?? "rendered";
for (const stack of stackNames()) {
  execFileSync(
    process.execPath,
    ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "render.ts"), stack, "--out", out],
    {
      stdio: "inherit",
      cwd: PROJECT_ROOT,
    },
  );
}
