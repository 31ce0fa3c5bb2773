/**
 * `npm run render:diff -- <base-ref>`: the diff's shape (scripts/render-diff-format.ts) on renders
 * written here, the command (scripts/render-diff.ts) on two commits of a throw-away git repository
 * with a stand-in render, and once end to end: the real render of this project's stacks, at a
 * commit and in a working tree that changes one value.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareRenders,
  COMMENT_LIMIT,
  editScript,
  formatFailure,
  formatMarkdown,
  formatPatch,
  MARKER,
  unifiedDiff,
  type RenderTree,
} from "../scripts/render-diff-format";
import { renderDiff, type Render } from "../scripts/render-diff";
import { stackNames } from "../scripts/offline";
import { RENDER_ONLY_NOTE } from "../scripts/render-values";

const ROOT = path.resolve(__dirname, "..");
const FOOTER = `Rendered offline with \`npm run render:all\`, no credentials; secrets show as \`[secret]\`. ${RENDER_ONLY_NOTE}`;
const BASE = "1111111111111111111111111111111111111111";
const HEAD = "2222222222222222222222222222222222222222";
const sides = { base: { ref: "main", commit: BASE }, head: { commit: HEAD, dirty: false } };

const numbered = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => `line ${i + from}`).join("\n") + "\n";

describe("unifiedDiff", () => {
  it("writes one hunk with three lines of context around a changed line", () => {
    const before = numbered(10);
    const after = before.replace("line 5\n", "line five\n");
    expect(unifiedDiff(before, after, "a/x", "b/x")).toEqual([
      "--- a/x",
      "+++ b/x",
      "@@ -2,7 +2,7 @@",
      " line 2",
      " line 3",
      " line 4",
      "-line 5",
      "+line five",
      " line 6",
      " line 7",
      " line 8",
    ]);
  });

  it("joins changes at most six unchanged lines apart into one hunk, and splits the rest", () => {
    const before = numbered(30);
    const after = before
      .replace("line 2\n", "")
      .replace("line 8\n", "line 8\nnew\n")
      .replace("line 25\n", "line 25!\n");
    expect(unifiedDiff(before, after, "a/x", "b/x")).toEqual([
      "--- a/x",
      "+++ b/x",
      "@@ -1,11 +1,11 @@",
      " line 1",
      "-line 2",
      " line 3",
      " line 4",
      " line 5",
      " line 6",
      " line 7",
      " line 8",
      "+new",
      " line 9",
      " line 10",
      " line 11",
      "@@ -22,7 +22,7 @@",
      " line 22",
      " line 23",
      " line 24",
      "-line 25",
      "+line 25!",
      " line 26",
      " line 27",
      " line 28",
    ]);
  });

  it("numbers a file that is new or gone from line 0, and marks a missing last newline", () => {
    expect(unifiedDiff("", "a\nb", "/dev/null", "b/x")).toEqual([
      "--- /dev/null",
      "+++ b/x",
      "@@ -0,0 +1,2 @@",
      "+a",
      "+b",
      "\\ No newline at end of file",
    ]);
    expect(unifiedDiff("a\n", "", "a/x", "/dev/null")).toEqual([
      "--- a/x",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-a",
    ]);
    expect(unifiedDiff("a\nb\n", "a\nb", "a/x", "b/x")).toEqual([
      "--- a/x",
      "+++ b/x",
      "@@ -1,2 +1,2 @@",
      " a",
      "-b",
      "+b",
      "\\ No newline at end of file",
    ]);
  });

  it("gives nothing for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "a/x", "b/x")).toEqual([]);
  });

  it("shows a file rewritten beyond 3,000 differences as all removed, then all added", () => {
    const a = Array.from({ length: 2000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 2000 }, (_, i) => `b${i}`);
    const ops = editScript(["same", ...a], ["same", ...b]);
    expect(ops.map((op) => op.kind).join("")).toBe(` ${"-".repeat(2000)}${"+".repeat(2000)}`);
    expect(ops.filter((op) => op.kind === "-").map((op) => op.a)).toEqual(a.map((_, i) => i + 1));
    expect(ops.filter((op) => op.kind === "+").map((op) => op.b)).toEqual(b.map((_, i) => i + 1));
  });

  it("finds an edit script that turns one text into the other, and a shortest one", () => {
    // A fixed pseudo-random sequence of small edits over lines drawn from a small alphabet.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: next(30) }, () => "abcde"[next(5)]);
      const b = a.filter(() => next(5) !== 0);
      for (let i = next(4); i > 0; i--) b.splice(next(b.length + 1), 0, "xyz"[next(3)]);
      const ops = editScript(a, b);
      expect(ops.filter((op) => op.kind !== "+").map((op) => a[op.a])).toEqual(a);
      expect(ops.filter((op) => op.kind !== "-").map((op) => b[op.b])).toEqual(b);
      for (const op of ops.filter((op) => op.kind === " ")) expect(a[op.a]).toBe(b[op.b]);
      // Shortest: kept lines are a longest common subsequence.
      const lcs = Array.from({ length: a.length + 1 }, () =>
        new Array<number>(b.length + 1).fill(0),
      );
      for (let i = a.length - 1; i >= 0; i--)
        for (let j = b.length - 1; j >= 0; j--)
          lcs[i][j] =
            a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      expect(ops.filter((op) => op.kind === " ").length).toBe(lcs[0][0]);
    }
  });
});

/** Two renders: `dev` changes, `qa` is new, `old` is gone, `prod` stays. */
const base: RenderTree = {
  dev: {
    "resources.json": '[\n  {\n    "replicas": 1\n  }\n]\n',
    "openmetadata.env": "A=1\nPASSWORD=[secret]\n",
    "openmetadata.yaml": "x: 1\n",
    "files/etc/openmetadata/jwtkeys/public_key.der": Buffer.from([1, 2, 3]),
  },
  old: { "resources.json": "[]\n" },
  prod: { "resources.json": "[]\n", "values.yaml": "a: 1\n" },
};
const head: RenderTree = {
  dev: {
    "resources.json": '[\n  {\n    "replicas": 2\n  }\n]\n',
    "openmetadata.env": "A=1\nPASSWORD=[secret]\n",
    "openmetadata.yaml": "x: 1\n",
    "files/etc/openmetadata/jwtkeys/public_key.der": Buffer.from([1, 2, 4]),
  },
  prod: { "resources.json": "[]\n", "values.yaml": "a: 1\n" },
  qa: { "resources.json": "[]\n", "values.yaml": "a: 2\n" },
};

describe("compareRenders and formatMarkdown", () => {
  // The unified diff of each stack from `base` to `head`, as the comment and the patch both show it.
  const DEV_DIFF = [
    "--- a/dev/resources.json",
    "+++ b/dev/resources.json",
    "@@ -1,5 +1,5 @@",
    " [",
    "   {",
    '-    "replicas": 1',
    '+    "replicas": 2',
    "   }",
    " ]",
  ];
  const QA_DIFF = [
    "--- /dev/null",
    "+++ b/qa/resources.json",
    "@@ -0,0 +1 @@",
    "+[]",
    "--- /dev/null",
    "+++ b/qa/values.yaml",
    "@@ -0,0 +1 @@",
    "+a: 2",
  ];
  const OLD_DIFF = ["--- a/old/resources.json", "+++ /dev/null", "@@ -1 +0,0 @@", "-[]"];

  it("tells added, removed, changed and unchanged stacks apart, and names files it does not show", () => {
    const diffs = compareRenders(base, head);
    expect(diffs.map((diff) => [diff.stack, diff.status])).toEqual([
      ["dev", "changed"],
      ["old", "removed"],
      ["prod", "unchanged"],
      ["qa", "added"],
    ]);
    expect(diffs[0].others).toEqual([
      {
        file: "files/etc/openmetadata/jwtkeys/public_key.der",
        status: "changed",
        lines: [],
        added: 0,
        removed: 0,
      },
    ]);
  });

  it("writes the comment: marker, heading, a line per stack, one collapsed diff per stack that differs", () => {
    expect(formatMarkdown(compareRenders(base, head), sides).split("\n")).toEqual([
      MARKER,
      "### Offline render diff",
      "",
      "Base `111111111111` (`main`), head `222222222222`: 3 of 4 stacks render differently.",
      "",
      "- `dev`: changed, +1 −1 (`resources.json`, `files/etc/openmetadata/jwtkeys/public_key.der`)",
      "- `qa`: added, +2 −0 (`resources.json`, `values.yaml`)",
      "- `old`: removed, +0 −1 (`resources.json`)",
      "- unchanged: `prod`",
      "",
      "<details><summary><code>dev</code>: changed, +1 −1</summary>",
      "",
      "- `files/etc/openmetadata/jwtkeys/public_key.der` changed (not shown: a mounted file, in the render artifact)",
      "",
      "```diff",
      ...DEV_DIFF,
      "```",
      "",
      "</details>",
      "",
      "<details><summary><code>qa</code>: added, +2 −0</summary>",
      "",
      "```diff",
      ...QA_DIFF,
      "```",
      "",
      "</details>",
      "",
      "<details><summary><code>old</code>: removed, +0 −1</summary>",
      "",
      "```diff",
      ...OLD_DIFF,
      "```",
      "",
      "</details>",
      "",
      FOOTER,
      "",
    ]);
  });

  it("says explicitly that nothing changed, naming the stacks, when the renders are equal", () => {
    const markdown = formatMarkdown(compareRenders(head, head), {
      ...sides,
      head: { commit: HEAD, dirty: true },
    });
    expect(markdown).toBe(
      [
        MARKER,
        "### Offline render diff",
        "",
        "No change: every stack renders the same at base `111111111111` (`main`) and head `222222222222` with uncommitted changes (`dev`, `prod`, `qa`).",
        "",
      ].join("\n"),
    );
  });

  it("writes the whole diff, uncut, as a plain patch", () => {
    expect(formatPatch(compareRenders(base, head))).toBe(
      [
        ...DEV_DIFF,
        "File dev/files/etc/openmetadata/jwtkeys/public_key.der changed (not shown)",
        ...QA_DIFF,
        ...OLD_DIFF,
        "",
      ].join("\n"),
    );
    expect(formatPatch(compareRenders(head, head))).toBe("");
  });

  it("cuts a comment longer than the cap at a line, closes the block and says where the whole diff is", () => {
    const big = (n: number) => ({ "resources.json": numbered(n) });
    const diffs = compareRenders({}, { a: big(8000), b: big(10) });
    const link = "https://github.com/acme/infra/actions/runs/42";
    const full = formatMarkdown(diffs, { ...sides, link });
    expect(Buffer.byteLength(full)).toBeLessThanOrEqual(COMMENT_LIMIT);
    const lines = full.split("\n");
    const cut =
      "**Cut here: the diff is longer than the 65,536 characters a comment holds.** Not shown: `b`. The whole diff: `render.diff` in the artifact `render-diff` of [this run](https://github.com/acme/infra/actions/runs/42).";
    expect(lines.slice(-8)).toEqual(["```", "", "</details>", "", cut, "", FOOTER, ""]);
    // Whole lines only, in order, from the first.
    const shown = lines.filter((line) => /^\+line \d+$/.test(line));
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => `+line ${i + 1}`));
    expect(shown.length).toBeGreaterThan(1000);
    // Just under the cap: adding the next line would not have fitted.
    expect(COMMENT_LIMIT - Buffer.byteLength(full)).toBeLessThan(
      2 * `+line ${shown.length + 1}\n`.length + cut.length,
    );

    const small = formatMarkdown(diffs, { ...sides, limit: 900 });
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(900);
    expect(small).toContain(
      "**Cut here: the diff is longer than the 65,536 characters a comment holds.** Not shown: `b`. The whole diff: `npm run render:diff -- main`.",
    );
  });

  it("fences a diff with more backticks than any line in it holds", () => {
    const diffs = compareRenders(
      { s: { "values.yaml": "a: 1\n" } },
      { s: { "values.yaml": "a: ````\n" } },
    );
    const lines = formatMarkdown(diffs, sides).split("\n");
    expect(lines.filter((line) => line.startsWith("`````"))).toEqual(["`````diff", "`````"]);
  });

  it("refuses a render that holds a private key instead of showing it", () => {
    const leaked = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
    expect(() =>
      compareRenders({ s: { "openmetadata.env": "A=1\n" } }, { s: { "openmetadata.env": leaked } }),
    ).toThrow(
      "s/openmetadata.env holds a PEM private key: the render diff never shows one. It compares renders made without --show-secrets only; render into a fresh directory and try again.",
    );
  });

  it("writes a comment without a diff when a render fails, pointing at the log", () => {
    expect(formatFailure("https://github.com/acme/infra/actions/runs/42")).toBe(
      [
        MARKER,
        "### Offline render diff",
        "",
        "**The render failed**, so there is no diff: the log of [this run](https://github.com/acme/infra/actions/runs/42) says which stack and why.",
        "",
      ].join("\n"),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The command, on a throw-away git repository.
// ---------------------------------------------------------------------------------------------

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, env: gitEnv, encoding: "utf8" }).trim();

/**
 * A stand-in for `npm run render:all`: renders each stacks/Pulumi.<stack>.yaml into
 * `<out>/<stack>/values.yaml` (the stack file's config lines) and records where it ran.
 */
function standIn(calls: { root: string; modules: string | undefined; git: boolean }[]): Render {
  return async (root, out) => {
    const modules = path.join(root, "node_modules");
    calls.push({
      root,
      modules:
        fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink()
          ? fs.readlinkSync(modules)
          : undefined,
      git: fs.existsSync(path.join(root, ".git")),
    });
    for (const file of fs.readdirSync(path.join(root, "stacks"))) {
      const stack = /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1];
      if (!stack) continue;
      if (stack === "broken") throw new Error('render of stack "broken" failed:\nbad config');
      fs.mkdirSync(path.join(out, stack), { recursive: true });
      const text = fs.readFileSync(path.join(root, "stacks", file), "utf8");
      fs.writeFileSync(path.join(out, stack, "values.yaml"), text);
    }
  };
}

describe("npm run render:diff, on a throw-away repository", () => {
  let repo: string;
  let first: string;
  const stackFile = (replicas: number) =>
    [
      "config:",
      "  openmetadata-sso:target: kubernetes",
      `  replicas: ${replicas}`,
      "  heap: 1G",
      "",
    ].join("\n");

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "om-render-diff-repo-"));
    git(repo, "init", "--quiet", "--initial-branch=main");
    fs.mkdirSync(path.join(repo, "stacks"));
    fs.mkdirSync(path.join(repo, "node_modules"));
    fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules/\n");
    fs.writeFileSync(path.join(repo, "stacks", "Pulumi.dev.yaml"), stackFile(1));
    fs.writeFileSync(path.join(repo, "stacks", "Pulumi.old.yaml"), stackFile(1));
    fs.writeFileSync(path.join(repo, "stacks", "Pulumi.prod.yaml"), stackFile(3));
    git(repo, "add", ".");
    git(repo, "commit", "--quiet", "-m", "first");
    first = git(repo, "rev-parse", "HEAD");
    fs.writeFileSync(path.join(repo, "stacks", "Pulumi.dev.yaml"), stackFile(2));
    fs.rmSync(path.join(repo, "stacks", "Pulumi.old.yaml"));
    fs.writeFileSync(path.join(repo, "stacks", "Pulumi.qa.yaml"), stackFile(1));
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "second");
  });

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("shows the added stack, the removed stack and the changed value, line by line", async () => {
    const calls: Parameters<typeof standIn>[0] = [];
    const second = git(repo, "rev-parse", "HEAD");
    const result = await renderDiff({ root: repo, base: "HEAD~1", render: standIn(calls) });
    expect(result.diffs.map((diff) => [diff.stack, diff.status])).toEqual([
      ["dev", "changed"],
      ["old", "removed"],
      ["prod", "unchanged"],
      ["qa", "added"],
    ]);
    expect(result.patch.split("\n")).toEqual([
      "--- a/dev/values.yaml",
      "+++ b/dev/values.yaml",
      "@@ -1,4 +1,4 @@",
      " config:",
      "   openmetadata-sso:target: kubernetes",
      "-  replicas: 1",
      "+  replicas: 2",
      "   heap: 1G",
      "--- /dev/null",
      "+++ b/qa/values.yaml",
      "@@ -0,0 +1,4 @@",
      "+config:",
      "+  openmetadata-sso:target: kubernetes",
      "+  replicas: 1",
      "+  heap: 1G",
      "--- a/old/values.yaml",
      "+++ /dev/null",
      "@@ -1,4 +0,0 @@",
      "-config:",
      "-  openmetadata-sso:target: kubernetes",
      "-  replicas: 1",
      "-  heap: 1G",
      "",
    ]);
    expect(result.markdown.split("\n").slice(0, 9)).toEqual([
      MARKER,
      "### Offline render diff",
      "",
      `Base \`${first.slice(0, 12)}\` (\`HEAD~1\`), head \`${second.slice(0, 12)}\`: 3 of 4 stacks render differently.`,
      "",
      "- `dev`: changed, +1 −1 (`values.yaml`)",
      "- `qa`: added, +4 −0 (`values.yaml`)",
      "- `old`: removed, +0 −4 (`values.yaml`)",
      "- unchanged: `prod`",
    ]);
    // The base ran from a copy out of git (no .git) on this checkout's node_modules; the head in
    // the checkout itself. The copy is gone afterwards.
    expect(calls.map((call) => [path.basename(call.root), call.modules, call.git])).toEqual([
      ["base", path.join(repo, "node_modules"), false],
      [path.basename(repo), undefined, true],
    ]);
    expect(fs.existsSync(calls[0].root)).toBe(false);
  });

  it("says no change when the working tree renders as the base does", async () => {
    const head = git(repo, "rev-parse", "HEAD");
    const { markdown, patch } = await renderDiff({ root: repo, base: "main", render: standIn([]) });
    expect(markdown).toBe(
      [
        MARKER,
        "### Offline render diff",
        "",
        `No change: every stack renders the same at base \`${head.slice(0, 12)}\` (\`main\`) and head \`${head.slice(0, 12)}\` (\`dev\`, \`prod\`, \`qa\`).`,
        "",
      ].join("\n"),
    );
    expect(patch).toBe("");
  });

  it("renders the working tree, uncommitted changes included, and says so", async () => {
    const file = path.join(repo, "stacks", "Pulumi.prod.yaml");
    fs.writeFileSync(file, stackFile(5));
    try {
      const { markdown, patch } = await renderDiff({
        root: repo,
        base: "HEAD",
        render: standIn([]),
      });
      expect(markdown).toContain("with uncommitted changes: 1 of 3 stacks render differently.");
      expect(patch.split("\n").filter((line) => /^[-+] /.test(line))).toEqual([
        "-  replicas: 3",
        "+  replicas: 5",
      ]);
    } finally {
      git(repo, "checkout", "--quiet", "--", "stacks/Pulumi.prod.yaml");
    }
  });

  it("names the side whose render failed", async () => {
    fs.writeFileSync(path.join(repo, "stacks", "Pulumi.broken.yaml"), stackFile(1));
    try {
      await expect(renderDiff({ root: repo, base: "HEAD", render: standIn([]) })).rejects.toThrow(
        'render:diff: the render of the working tree failed:\nrender of stack "broken" failed:\nbad config',
      );
    } finally {
      fs.rmSync(path.join(repo, "stacks", "Pulumi.broken.yaml"));
    }
  });

  it("refuses a base that names no commit, saying how to get one", async () => {
    await expect(
      renderDiff({ root: repo, base: "origin/main", render: standIn([]) }),
    ).rejects.toThrow(
      'render:diff: "origin/main" names no commit in this repository. Name a branch, tag or commit that exists here (fetch it first, e.g. git fetch origin main).',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: the real render of this project's stacks.
// ---------------------------------------------------------------------------------------------

describe("npm run render:diff, with the real render", () => {
  let repo: string;
  let run: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    // This checkout's files (tracked and new, not ignored) in a repository of one commit, on this
    // checkout's node_modules. The copy builds once (scripts/built.mjs); the base reuses that build,
    // its sources being the same.
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "om-render-diff-real-"));
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\0")
      .filter((file) => file && fs.existsSync(path.join(ROOT, file)));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(repo, file));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    git(repo, "init", "--quiet", "--initial-branch=main");
    // .gitignore's `node_modules/` matches a directory, not this link.
    fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
    git(repo, "add", ".");
    git(repo, "commit", "--quiet", "-m", "base");
    // One value changes in the working tree: prod's server heap.
    const stack = path.join(repo, "stacks", "Pulumi.prod.yaml");
    const text = fs.readFileSync(stack, "utf8");
    expect(text).toContain("    heapSize: 2G\n");
    fs.writeFileSync(stack, text.replace("    heapSize: 2G\n", "    heapSize: 3G\n"));
    run = await promisify(execFile)(
      process.execPath,
      [
        path.join(repo, "scripts", "built.mjs"),
        "render-diff",
        "main",
        "--markdown",
        "comment.md",
        "--patch",
        "render.diff",
      ],
      { cwd: repo, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );
  }, 600_000);

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("shows exactly the lines the changed value renders into, in prod only", () => {
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const patch = fs.readFileSync(path.join(repo, "render.diff"), "utf8");
    // The config checksum covers the whole config: its two values stand in as <base> and <head>.
    const checksums = [...patch.matchAll(/config-checksum\W+([0-9a-f]{64})/g)].map((m) => m[1]);
    const [before, after] = [checksums[0], checksums[1]];
    expect(before).not.toBe(after);
    const changed = patch
      .split("\n")
      .filter((line) => /^[-+]/.test(line))
      .map((line) =>
        line
          .replaceAll(before, "<base>")
          .replaceAll(after, "<head>")
          .replaceAll(before.slice(0, 12), "<base12>")
          .replaceAll(after.slice(0, 12), "<head12>"),
      );
    expect(changed).toEqual([
      "--- a/prod/resources.json",
      "+++ b/prod/resources.json",
      // The server env's ConfigMap, which the one-shot Jobs read.
      '-        "OPENMETADATA_HEAP_OPTS": "-Xmx2G -Xms2G",',
      '+        "OPENMETADATA_HEAP_OPTS": "-Xmx3G -Xms3G",',
      '-            "value": "-Xmx2G -Xms2G"',
      '+            "value": "-Xmx3G -Xms3G"',
      '-          "openmetadata-sso/config-checksum": "<base>",',
      '+          "openmetadata-sso/config-checksum": "<head>",',
      '-          "openmetadata-sso/config-checksum": "<base>",',
      '+          "openmetadata-sso/config-checksum": "<head>",',
      '-        "name": "openmetadata-prod-k8s-verify-<base12>",',
      '+        "name": "openmetadata-prod-k8s-verify-<head12>",',
      '-                    "value": "OpenMetadata does not serve the auth settings that were deployed. Read: kubectl logs -n openmetadata job/openmetadata-prod-k8s-verify-<base12>"',
      '+                    "value": "OpenMetadata does not serve the auth settings that were deployed. Read: kubectl logs -n openmetadata job/openmetadata-prod-k8s-verify-<head12>"',
      "--- a/prod/openmetadata.env",
      "+++ b/prod/openmetadata.env",
      "-OPENMETADATA_HEAP_OPTS=-Xmx2G -Xms2G",
      "+OPENMETADATA_HEAP_OPTS=-Xmx3G -Xms3G",
      "--- a/prod/values.yaml",
      "+++ b/prod/values.yaml",
      "-    value: -Xmx2G -Xms2G",
      "+    value: -Xmx3G -Xms3G",
      "-  openmetadata-sso/config-checksum: <base>",
      "+  openmetadata-sso/config-checksum: <head>",
    ]);
    const commit = git(repo, "rev-parse", "HEAD").slice(0, 12);
    const others = stackNames(repo).filter((stack) => stack !== "prod");
    const comment = fs.readFileSync(path.join(repo, "comment.md"), "utf8");
    expect(comment.split("\n").slice(0, 7)).toEqual([
      MARKER,
      "### Offline render diff",
      "",
      `Base \`${commit}\` (\`main\`), head \`${commit}\` with uncommitted changes: 1 of ${others.length + 1} stacks render differently.`,
      "",
      "- `prod`: changed, +9 −9 (`resources.json`, `openmetadata.env`, `values.yaml`)",
      `- unchanged: ${others.map((stack) => `\`${stack}\``).join(", ")}`,
    ]);
  });
});
