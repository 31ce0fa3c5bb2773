/**
 * The embedded default on this machine: `npm run up:local`, `npm run down:local`,
 * `npm run destroy:local`, `npm run password:local`.
 *
 * It needs the Pulumi CLI and a running Docker engine, and no Pulumi account: state lives in
 * `.pulumi-state/` inside this checkout and secrets are encrypted with a local passphrase
 * (`PULUMI_CONFIG_PASSPHRASE`, default below). Your global `pulumi login` is left alone.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import {
  downArgs,
  retainedVolumes,
  retainedVolumesNotice,
  type ExportedState,
} from "./local-state";
import { LOCAL_PASSPHRASE, LOCAL_STACK, LOCAL_STATE_DIR } from "../components/local-stack";
import { PROJECT_ROOT } from "./offline";

const STACK = LOCAL_STACK;
const DEFAULT_PASSPHRASE = LOCAL_PASSPHRASE;

const env = {
  ...process.env,
  PULUMI_BACKEND_URL:
    process.env.PULUMI_BACKEND_URL ?? `file://${path.join(PROJECT_ROOT, LOCAL_STATE_DIR)}`,
  PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? DEFAULT_PASSPHRASE,
  PULUMI_SKIP_UPDATE_CHECK: "true",
};

function requireTool(command: string, args: string[], missing: string): void {
  const probe = spawnSync(command, args, { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    process.stderr.write(`${missing}\n`);
    process.exit(1);
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: PROJECT_ROOT, env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pulumi(args: string[]): void {
  run("pulumi", [...args, "--stack", STACK, "--non-interactive"]);
}

const action = process.argv[2];
requireTool(
  "pulumi",
  ["version"],
  "The Pulumi CLI is not on PATH. Install it: https://www.pulumi.com/docs/install/",
);
if (action === "up" || action === "down" || action === "destroy") {
  requireTool(
    "docker",
    ["info"],
    "Docker is not running (docker info failed). Start Docker Desktop or the Docker daemon, then retry.",
  );
}
if (env.PULUMI_CONFIG_PASSPHRASE === DEFAULT_PASSPHRASE) {
  process.stderr.write(
    `Using the local demo passphrase "${DEFAULT_PASSPHRASE}"; set PULUMI_CONFIG_PASSPHRASE to choose your own.\n`,
  );
}

switch (action) {
  case "up":
    run("npm", ["run", "build"]);
    run("pulumi", [
      "stack",
      "select",
      STACK,
      "--create",
      "--secrets-provider",
      "passphrase",
      "--non-interactive",
    ]);
    pulumi(["up", "--yes"]);
    process.stdout.write(
      [
        "",
        "OpenMetadata is up. Log in through Keycloak:",
        `  URL:      ${output("loginUrl")}`,
        `  user:     ${output("demoUser")}`,
        "  password: npm run password:local",
        "",
      ].join("\n"),
    );
    break;
  case "down": {
    // Only the containers: the secrets that opened the volumes stay in the state with them.
    const args = downArgs(exportState());
    if (args === undefined) process.stdout.write("Nothing of the local stack is running.\n");
    else pulumi(args);
    break;
  }
  case "destroy": {
    const volumes = retainedVolumes(exportState());
    pulumi(["destroy", "--yes"]);
    process.stdout.write(retainedVolumesNotice(volumes));
    break;
  }
  case "password":
    process.stdout.write(`${output("demoPassword", true)}\n`);
    break;
  default:
    process.stderr.write("usage: tsx scripts/local.ts up|down|destroy|password\n");
    process.exit(2);
}

/** The local stack's state; empty before the first `up:local`. */
function exportState(): ExportedState {
  const result = spawnSync("pulumi", ["stack", "export", "--stack", STACK], {
    cwd: PROJECT_ROOT,
    env,
    encoding: "utf8",
  });
  if (result.status !== 0) return {};
  return JSON.parse(result.stdout) as ExportedState;
}

function output(name: string, showSecrets = false): string {
  return execFileSync(
    "pulumi",
    ["stack", "output", name, "--stack", STACK, ...(showSecrets ? ["--show-secrets"] : [])],
    { cwd: PROJECT_ROOT, env, encoding: "utf8" },
  ).trim();
}
