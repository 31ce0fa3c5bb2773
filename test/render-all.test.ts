/**
 * `npm run render:all -- [<dir>] [--stacks <stacks dir>]` through the command CI runs (the built
 * script, as a child process): over a stacks directory of its own with two bad stacks and two
 * that would collide, it renders every stack that can be rendered, reports every failure and the
 * collision, and exits 1.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RENDER_ONLY_NOTE } from "../scripts/render-values";

const ROOT = path.resolve(__dirname, "..");
const LAUNCHER = path.join(ROOT, "scripts", "built.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function renderAll(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [LAUNCHER, "render-all", ...args],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let work: string;
let stacks: string;
let run: Run;
let usage: Run;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "om-render-all-"));
  stacks = path.join(work, "stacks");
  fs.mkdirSync(stacks);
  const prod = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
  fs.writeFileSync(path.join(stacks, "Pulumi.prod.yaml"), prod);
  // A copy of prod: the same context and namespace.
  fs.writeFileSync(path.join(stacks, "Pulumi.prod-copy.yaml"), prod);
  fs.writeFileSync(
    path.join(stacks, "Pulumi.bad-target.yaml"),
    prod.replace("openmetadata-sso:target: kubernetes", "openmetadata-sso:target: kubernets"),
  );
  fs.writeFileSync(
    path.join(stacks, "Pulumi.bad-url.yaml"),
    prod.replace("https://openmetadata.example.com", "https://openmetadata.example.com/"),
  );
  [run, usage] = await Promise.all([
    renderAll(path.join(work, "rendered"), "--stacks", stacks),
    renderAll("--stacks"),
  ]);
}, 300_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("npm run render:all -- <dir> --stacks <dir>", () => {
  it("renders every stack it can, reports every failure and the collision, and exits 1", () => {
    const file = (stack: string) => path.join(stacks, `Pulumi.${stack}.yaml`);
    expect(run.stderr).toBe(
      [
        'render of stack "bad-target" failed:',
        "Invalid stack config (1 problem):",
        '  - openmetadata-sso:target: must be one of docker, kubernetes; got "kubernets". Did you mean "kubernetes"? (the checks that depend on it were skipped; they run once it is fixed)',
        'render of stack "bad-url" failed:',
        "Invalid stack config (1 problem):",
        '  - openmetadata-sso:publicUrl: must not end with a slash; got "https://openmetadata.example.com/". Use "https://openmetadata.example.com" (the checks that depend on it were skipped; they run once it is fixed)',
        "stacks that would collide:",
        `  - ${file("prod")} and ${file("prod-copy")} would collide on the Kubernetes context "prod" of the default kubeconfig (KUBECONFIG, or ~/.kube/config): in namespace "openmetadata" both install the Helm releases "openmetadata-dependencies" and "openmetadata", and both create the Namespace "openmetadata". The charts name their Services after fixed names, so one OpenMetadata runs per namespace. Give ${file("prod-copy")} a namespace of its own (openmetadata-sso:kubernetes.namespace, for example "openmetadata-prod-copy"), or the context of another cluster (openmetadata-sso:kubernetes.context).`,
        "render:all failed: 2 of 4 stacks failed (bad-target, bad-url), which the collision check leaves out; 1 pair of stacks would collide.",
        "",
      ].join("\n"),
    );
    expect(run.code).toBe(1);
    const out = path.relative(ROOT, path.join(work, "rendered"));
    // What prod holds is render.test.ts's and helm-values.test.ts's business: counts as N here.
    const lines = run.stdout
      .replace(/^dist\/ was older.*\n/, "")
      .replace(/: \d+ resources, \d+ files in /g, ": N resources, N files in ");
    expect(lines).toBe(
      [
        `rendered prod: N resources, N files in ${out}/prod`,
        `rendered prod-copy: N resources, N files in ${out}/prod-copy`,
        RENDER_ONLY_NOTE,
        "",
      ].join("\n"),
    );
    expect(fs.readdirSync(path.join(work, "rendered")).sort()).toEqual(["prod", "prod-copy"]);
  });

  it("says how to name the stacks directory", () => {
    expect(usage.stderr).toBe(
      "--stacks needs a directory\nusage: npm run render:all -- [<dir>] [--stacks <stacks dir>]\n",
    );
    expect(usage.code).toBe(2);
  });
});
