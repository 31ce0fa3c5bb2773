#!/usr/bin/env node
/**
 * The `openmetadata-sso-doctor` bin of the package, and what `npm run doctor` runs from the build:
 * the checks of a deployed stack from where the user stands (components/checks/doctor.ts).
 */
import { main } from "./checks/doctor";

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `openmetadata-sso doctor failed: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
