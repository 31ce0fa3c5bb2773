/**
 * The documentation stays honest: README.md and docs/*.md are read as GitHub shows them.
 *
 * - Every relative link resolves to a file in the repository, and every `#anchor` to a heading of
 *   its page, by GitHub's anchor rules (github-slugger: lowercase, punctuation dropped, each space a
 *   hyphen, `-1`, `-2` for repeated headings).
 * - Every command in a code block marked `sh offline` needs nothing but the checkout: each distinct
 *   one is run here once, as written, from the repository root, and must exit 0. Commands that need
 *   a Pulumi CLI, Docker, a cluster or credentials sit in unmarked blocks; a command this file knows
 *   to be offline (render, render:all, docs:config, lint:workflows) may not hide in one. `npm test`,
 *   `tsc`, `eslint` and `prettier` are CI's own steps (.ci/run) and are not repeated here.
 * - The README is the front door: at most 1,500 words (counted as `wc -w` counts them) and 100
 *   columns, it opens with the two commands, and its contents list every section.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const DOCS = path.join(ROOT, "docs");
/** The pages, relative to the root: the README and every page in docs/. */
const PAGES = [
  "README.md",
  ...fs
    .readdirSync(DOCS)
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`),
];
const read = (page: string) => fs.readFileSync(path.join(ROOT, page), "utf8");

const README_WORDS = 1500;
const README_COLUMNS = 100;
/** Commands that run offline; outside a block marked `sh offline` they would escape the test. */
const OFFLINE_SCRIPTS = /^npm run (render|render:all|docs:config|lint:workflows)(\s|$)/;

/** A fenced code block: its info string (`sh offline`) and its lines. */
interface Block {
  info: string;
  lines: string[];
}

/** Splits markdown into prose lines (with their 1-based numbers) and fenced code blocks. */
function parseMarkdown(text: string): {
  prose: { line: number; text: string }[];
  blocks: Block[];
} {
  const prose: { line: number; text: string }[] = [];
  const blocks: Block[] = [];
  let open: { fence: string; block: Block } | undefined;
  text.split("\n").forEach((line, i) => {
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (fence && fence[2].startsWith(open.fence) && fence[3].trim() === "") open = undefined;
      else open.block.lines.push(line);
    } else if (fence) {
      open = { fence: fence[2], block: { info: fence[3].trim(), lines: [] } };
      blocks.push(open.block);
    } else prose.push({ line: i + 1, text: line });
  });
  return { prose, blocks };
}

/** The anchor GitHub gives a heading's text, before repeats are numbered. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link shows its text
    .replace(/`([^`]*)`/g, "$1") // code shows its content
    .replace(/\*+/g, "") // emphasis markers
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor of a page: its headings' slugs, repeats numbered as GitHub numbers them. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: line } of parseMarkdown(text).prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The inline links of a page's prose (code spans and code blocks left out), with their lines. */
function linksOf(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text: prose } of parseMarkdown(text).prose) {
    const outsideCode = prose.replace(/`[^`]*`/g, "");
    for (const match of outsideCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ line, target: match[1] });
    }
  }
  return links;
}

/**
 * Every broken relative link of `page`: a missing file, a link out of the repository, or an
 * anchor no heading of the target page has. `readPage` returns a page's text, or undefined.
 */
function linkProblems(
  page: string,
  text: string,
  readPage: (page: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  for (const { line, target } of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
    const [file, anchor] = target.split("#", 2) as [string, string | undefined];
    const resolved =
      file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
    const where = `${page}:${line}: ${target}`;
    if (resolved.startsWith("../")) {
      problems.push(`${where} leaves the repository`);
      continue;
    }
    const targetText = readPage(resolved.replace(/\/$/, ""));
    if (targetText === undefined) {
      problems.push(`${where}: no file ${resolved}`);
      continue;
    }
    if (anchor !== undefined && !anchorsOf(targetText).has(anchor)) {
      problems.push(`${where}: ${resolved} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}

/** Reads a repository path: a file's text, "" for a directory, undefined when it is absent. */
function readRepoPath(relative: string): string | undefined {
  const full = path.join(ROOT, relative);
  if (!fs.existsSync(full)) return undefined;
  return fs.statSync(full).isDirectory() ? "" : fs.readFileSync(full, "utf8");
}

/** The commands of a block: one a line, without a trailing `# comment`. */
function commandsOf(block: Block): string[] {
  return block.lines
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function isOffline(block: Block): boolean {
  return /^(sh|bash|shell)\s+offline$/.test(block.info);
}

describe("GitHub's anchors", () => {
  it("are the slugs GitHub gives these headings", () => {
    expect(slug("Five minutes to a login on `local`")).toBe("five-minutes-to-a-login-on-local");
    expect(slug("What this package guarantees, and how it is tested")).toBe(
      "what-this-package-guarantees-and-how-it-is-tested",
    );
    expect(slug("`redirect_uri mismatch`")).toBe("redirect_uri-mismatch");
    expect(slug("`JWT Token keyID doesn't match the configured keyID`")).toBe(
      "jwt-token-keyid-doesnt-match-the-configured-keyid",
    );
    expect(slug("`okta`: Okta")).toBe("okta-okta");
    expect(slug("Symptom → cause → fix")).toBe("symptom--cause--fix");
    expect(slug("See [the page](docs/x.md) **now**")).toBe("see-the-page-now");
  });

  it("number repeated headings, outside code blocks only", () => {
    const page = "# A\n\n## Step\n\n```sh\n# Step\n```\n\n## Step\n\n### Step\n";
    expect([...anchorsOf(page)]).toEqual(["a", "step", "step-1", "step-2"]);
  });
});

describe("links in README.md and docs/", () => {
  it("finds each broken link, and only those", () => {
    const pages: Record<string, string> = {
      "README.md": [
        "# Title",
        "## Good part",
        "[ok](#good-part) [ok](docs/a.md#deep) [ok](https://example.com/x) [ok](docs/a.md)",
        "[bad](#missing) [bad](docs/b.md) [bad](docs/a.md#nope) `[skip](#in-code)`",
        "```sh",
        "[skip](#in-a-block)",
        "```",
      ].join("\n"),
      "docs/a.md": "# A\n\n## Deep\n\n[ok](../README.md#title) [bad](../../outside.md)\n",
    };
    const lookup = (page: string) => pages[page];
    expect(linkProblems("README.md", pages["README.md"], lookup)).toEqual([
      "README.md:4: #missing: README.md has no heading with the anchor #missing",
      "README.md:4: docs/b.md: no file docs/b.md",
      "README.md:4: docs/a.md#nope: docs/a.md has no heading with the anchor #nope",
    ]);
    expect(linkProblems("docs/a.md", pages["docs/a.md"], lookup)).toEqual([
      "docs/a.md:5: ../../outside.md leaves the repository",
    ]);
  });

  it("all resolve, anchors included", () => {
    expect(PAGES).toEqual(
      expect.arrayContaining(["README.md", "docs/config.md", "docs/providers.md"]),
    );
    const links = PAGES.flatMap((page) => linksOf(read(page)));
    expect(links.length).toBeGreaterThan(50);
    expect(PAGES.flatMap((page) => linkProblems(page, read(page), readRepoPath))).toEqual([]);
  });

  it("every page with contents lists each of its sections, in order", () => {
    const withContents = PAGES.filter((page) => /^## Contents$/m.test(read(page)));
    expect(withContents).toEqual(expect.arrayContaining(["README.md", "docs/providers.md"]));
    for (const page of withContents) {
      const { prose } = parseMarkdown(read(page));
      const sections = prose
        .map(({ text }) => /^## (.*)$/.exec(text)?.[1])
        .filter((heading): heading is string => heading !== undefined && heading !== "Contents");
      const start = prose.findIndex(({ text }) => text === "## Contents");
      const listed: string[] = [];
      for (const { text } of prose.slice(start + 1)) {
        if (text.startsWith("#")) break;
        for (const match of text.matchAll(/\]\(#([^)]+)\)/g)) listed.push(match[1]);
      }
      expect(listed, page).toEqual(sections.map(slug));
    }
  });
});

describe("README.md", () => {
  const readme = read("README.md");

  it(`stays within ${README_WORDS} words`, () => {
    const words = readme.split(/\s+/).filter(Boolean).length;
    expect(words).toBeLessThanOrEqual(README_WORDS);
    expect(words).toBeGreaterThan(500);
  });

  it(`reads in a ${README_COLUMNS}-column terminal`, () => {
    const long = readme
      .split("\n")
      .map((line, i) => ({ line: i + 1, length: line.length }))
      .filter(({ length }) => length > README_COLUMNS);
    expect(long).toEqual([]);
  });

  it("opens with the two commands: the local stack, then the tests", () => {
    const lines = readme.split("\n");
    const firstCode = lines.findIndex((line) => line.startsWith("```"));
    expect(lines.slice(0, firstCode).filter((line) => line.trim() !== "")).toEqual([
      "# openmetadata-sso",
    ]);
    const { blocks } = parseMarkdown(readme);
    expect(commandsOf(blocks[0])).toEqual(["npm ci && npm run up:local", "npm test"]);
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts["up:local"]).toBe("tsx scripts/local.ts up");
    expect(scripts.test).toBe("vitest run");
  });

  it("says that the benchmark runs the suite five times and rewrites BENCHMARKS.md", () => {
    expect(readme).toMatch(/`npm run bench`:\*\* .*at least five\s+times/);
    expect(readme).toMatch(/rewrites the tracked `BENCHMARKS.md`/);
  });
});

describe("the pages cite nothing outside the repository", () => {
  it("no user-pain numbers (Entra ID's P1 and P2 licences are no such thing)", () => {
    // docs/config.md included: it is generated from the TSDoc in components/.
    for (const page of PAGES) {
      const text = read(page).replace(/Microsoft Entra ID P1 or P2/g, "");
      expect(text, page).not.toMatch(/user pains?/i);
      expect(text.match(/\bP\d{1,2}\b/g) ?? [], page).toEqual([]);
    }
  });
});

describe("offline commands in the docs", () => {
  const blocks = PAGES.flatMap((page) =>
    parseMarkdown(read(page)).blocks.map((block) => ({ page, block })),
  );
  const offline = [
    ...new Set(
      blocks.filter(({ block }) => isOffline(block)).flatMap(({ block }) => commandsOf(block)),
    ),
  ];

  it("are all marked: none of the known offline commands sits in an unmarked block", () => {
    const unmarked = blocks
      .filter(({ block }) => !isOffline(block) && /^(sh|bash|shell)?$/.test(block.info))
      .flatMap(({ page, block }) => commandsOf(block).map((command) => `${page}: ${command}`))
      .filter((entry) => OFFLINE_SCRIPTS.test(entry.split(": ").slice(1).join(": ")));
    expect(unmarked).toEqual([]);
    expect(offline).toEqual(
      expect.arrayContaining([
        "npm run render -- prod",
        "npm run render:all",
        "npm run docs:config",
        "npm run lint:workflows",
      ]),
    );
  });

  it.each(offline)(
    "`%s` runs from the repository root and exits 0",
    async (command) => {
      const result = await promisify(execFile)("bash", ["-c", command], {
        cwd: ROOT,
        env: { ...process.env, CI: "true" },
        maxBuffer: 64 * 1024 * 1024,
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      expect(result).toEqual({ code: 0, stderr: "" });
    },
    300_000,
  );
});
