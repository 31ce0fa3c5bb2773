/**
 * The shape of `npm run render:diff`: compares two offline renders of every stack (the base's and
 * the head's, as `npm run render:all` writes them) and turns the differences into a unified diff
 * and into the Markdown of the pull-request comment. Pure: no git, no files, no processes; the
 * command (scripts/render-diff.ts) reads the two renders and hands them over.
 *
 * Only what the render writes is compared, and the render writes no secret: every secret is
 * `[secret]`, and the private key file is left out unless `--show-secrets`, which the diff never
 * passes. As a second line of defence a rendered text that holds a PEM private key stops the
 * diff with an error instead of being shown.
 */
import { RENDER_ONLY_NOTE } from "./render-values";

/** One render of every stack: stack -> path under `<out>/<stack>/` -> content. */
export type RenderTree = Record<string, Record<string, string | Buffer>>;

/** The files shown line by line, in this order; every other file is named, never shown. */
export const DIFFED_FILES = [
  "resources.json",
  "openmetadata.env",
  "values.yaml",
  "openmetadata.yaml",
] as const;

/** The first line of every comment, so the commenter finds and updates its own comment. */
export const MARKER = "<!-- openmetadata-sso:render-diff -->";

/**
 * The most a GitHub comment body may hold: the REST API refuses a longer one with 422 "Body is too
 * long (maximum is 65536 characters)" (quoted for issue comments in telia-oss/github-pr-resource
 * issue 259, 2021). The cap is taken in UTF-8 bytes, which never undercounts characters.
 */
export const COMMENT_LIMIT = 65_536;

/** The most differences the diff searches for a shortest edit (memory grows with its square). */
const SEARCH_LIMIT = 3000;

/** Lines of unchanged context around each change, as `diff -u` and `git diff` show by default. */
const CONTEXT = 3;

export type Status = "added" | "removed" | "changed" | "unchanged";

/** How one file differs. `lines` is its unified diff, headers included; empty for other files. */
export interface FileDiff {
  file: string;
  status: Exclude<Status, "unchanged">;
  lines: string[];
  added: number;
  removed: number;
}

/** How one stack's render differs. */
export interface StackDiff {
  stack: string;
  status: Status;
  /** The four text files, in {@link DIFFED_FILES} order, that differ. */
  files: FileDiff[];
  /** Other files (`files/...`, mounted into the server) that differ: named, not shown. */
  others: FileDiff[];
}

// ---------------------------------------------------------------------------------------------
// Unified diff.
// ---------------------------------------------------------------------------------------------

/** A text's lines; the last one remembers when the text does not end with a newline. */
function linesOf(text: string): { lines: string[]; newlineAtEnd: boolean } {
  if (text === "") return { lines: [], newlineAtEnd: true };
  const lines = text.split("\n");
  const newlineAtEnd = lines.at(-1) === "";
  if (newlineAtEnd) lines.pop();
  return { lines, newlineAtEnd };
}

type Op = { kind: " " | "-" | "+"; a: number; b: number };

/**
 * The shortest edit script from `a` to `b` (Myers' O(ND) algorithm), as one operation per line:
 * kept (" "), removed ("-") or added ("+"), with the line's index in `a` and in `b`.
 */
export function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: " ", a: i, b: i });
  const tail = () => {
    for (let i = 0; i < a.length - endA; i++) ops.push({ kind: " ", a: endA + i, b: endB + i });
    return ops;
  };
  // Only removed or only added lines (a file new or gone): nothing to search. More than
  // SEARCH_LIMIT differences (a file rewritten): shown as all removed, then all added.
  const replaceAll = () => {
    for (let i = 0; i < n; i++) ops.push({ kind: "-", a: start + i, b: start });
    for (let i = 0; i < m; i++) ops.push({ kind: "+", a: start, b: start + i });
    return tail();
  };
  if (n === 0 || m === 0) return replaceAll();
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // The frontier before each round d, diagonals -d-1 to d+1 only: memory grows with the square of
  // the number of differences, not with the files' length.
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= Math.min(max, SEARCH_LIMIT) && !found; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return replaceAll();
  // Walk back from (n, m) through the saved frontiers.
  const middle: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const at = (diagonal: number) => trace[d][diagonal + d + 1];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      middle.push({ kind: " ", a: start + x, b: start + y });
    }
    if (d === 0) break;
    if (down) {
      y--;
      middle.push({ kind: "+", a: start + x, b: start + y });
    } else {
      x--;
      middle.push({ kind: "-", a: start + x, b: start + y });
    }
  }
  ops.push(...middle.reverse());
  return tail();
}

/** `start,count` of a hunk header: `,1` left out, an empty side numbered by the line before. */
function range(first: number, count: number): string {
  if (count === 0) return `${first},0`;
  return count === 1 ? `${first + 1}` : `${first + 1},${count}`;
}

/**
 * The unified diff of two texts, as `diff -u` writes it (3 lines of context, `\ No newline at end
 * of file` where a text lacks one), under the given `---`/`+++` names. Empty when they are equal.
 */
export function unifiedDiff(before: string, after: string, from: string, to: string): string[] {
  if (before === after) return [];
  const a = linesOf(before);
  const b = linesOf(after);
  // A last line without its newline differs from the same line with one.
  const key = (side: typeof a) =>
    side.lines.map((line, i) =>
      !side.newlineAtEnd && i === side.lines.length - 1 ? `${line}\0` : line,
    );
  const ops = editScript(key(a), key(b));
  const out = [`--- ${from}`, `+++ ${to}`];
  const changed = ops.map((op, i) => (op.kind === " " ? -1 : i)).filter((i) => i >= 0);
  let i = 0;
  while (i < changed.length) {
    // A hunk: changes whose unchanged gap is at most twice the context, with context around.
    let last = i;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * CONTEXT + 1) {
      last++;
    }
    const from_ = Math.max(0, changed[i] - CONTEXT);
    const to_ = Math.min(ops.length - 1, changed[last] + CONTEXT);
    const hunk = ops.slice(from_, to_ + 1);
    const oldLines = hunk.filter((op) => op.kind !== "+");
    const newLines = hunk.filter((op) => op.kind !== "-");
    const oldStart = oldLines.length > 0 ? oldLines[0].a : hunk[0].a;
    const newStart = newLines.length > 0 ? newLines[0].b : hunk[0].b;
    out.push(`@@ -${range(oldStart, oldLines.length)} +${range(newStart, newLines.length)} @@`);
    for (const op of hunk) {
      const side = op.kind === "+" ? b : a;
      const index = op.kind === "+" ? op.b : op.a;
      out.push(`${op.kind}${side.lines[index]}`);
      if (!side.newlineAtEnd && index === side.lines.length - 1) {
        out.push("\\ No newline at end of file");
      }
    }
    i = last + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparing two renders.
// ---------------------------------------------------------------------------------------------

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

const textOf = (content: string | Buffer) =>
  typeof content === "string" ? content : content.toString("utf8");

const same = (a: string | Buffer, b: string | Buffer) =>
  Buffer.from(a as string).equals(Buffer.from(b as string));

/** Refuses a rendered text that holds a private key: the diff is posted where anyone reads it. */
function assertNoPrivateKey(stack: string, file: string, content: string | Buffer | undefined) {
  if (content !== undefined && PRIVATE_KEY.test(textOf(content))) {
    throw new Error(
      `${stack}/${file} holds a PEM private key: the render diff never shows one. It compares renders made without --show-secrets only; render into a fresh directory and try again.`,
    );
  }
}

function fileDiff(
  stack: string,
  file: string,
  before: string | Buffer | undefined,
  after: string | Buffer | undefined,
  shown: boolean,
): FileDiff | undefined {
  if (before === undefined && after === undefined) return undefined;
  if (before !== undefined && after !== undefined && same(before, after)) return undefined;
  const status = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  if (!shown) return { file, status, lines: [], added: 0, removed: 0 };
  assertNoPrivateKey(stack, file, before);
  assertNoPrivateKey(stack, file, after);
  const lines = unifiedDiff(
    before === undefined ? "" : textOf(before),
    after === undefined ? "" : textOf(after),
    before === undefined ? "/dev/null" : `a/${stack}/${file}`,
    after === undefined ? "/dev/null" : `b/${stack}/${file}`,
  );
  const body = lines.slice(2).filter((line) => !line.startsWith("@@"));
  return {
    file,
    status,
    lines,
    added: body.filter((line) => line.startsWith("+")).length,
    removed: body.filter((line) => line.startsWith("-")).length,
  };
}

/** Every stack of either render, sorted by name, with how its render differs. */
export function compareRenders(base: RenderTree, head: RenderTree): StackDiff[] {
  const stacks = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  return stacks.map((stack) => {
    const before = base[stack];
    const after = head[stack];
    const status: Status = !before ? "added" : !after ? "removed" : "changed";
    const files: FileDiff[] = [];
    for (const file of DIFFED_FILES) {
      const diff = fileDiff(stack, file, before?.[file], after?.[file], true);
      if (diff) files.push(diff);
    }
    const shown = new Set<string>(DIFFED_FILES);
    const otherNames = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
      .filter((file) => !shown.has(file))
      .sort();
    const others: FileDiff[] = [];
    for (const file of otherNames) {
      const diff = fileDiff(stack, file, before?.[file], after?.[file], false);
      if (diff) others.push(diff);
    }
    const unchanged = status === "changed" && files.length === 0 && others.length === 0;
    return { stack, status: unchanged ? "unchanged" : status, files, others };
  });
}

// ---------------------------------------------------------------------------------------------
// Output: the plain patch, and the Markdown comment.
// ---------------------------------------------------------------------------------------------

/** Stacks in the order the comment shows them: changed, then added, then removed. */
function ordered(diffs: StackDiff[]): StackDiff[] {
  const rank: Record<Status, number> = { changed: 0, added: 1, removed: 2, unchanged: 3 };
  return diffs
    .filter((diff) => diff.status !== "unchanged")
    .sort((x, y) => rank[x.status] - rank[y.status] || (x.stack < y.stack ? -1 : 1));
}

/** The whole diff as one plain patch (every line, no cap): the artifact next to the comment. */
export function formatPatch(diffs: StackDiff[]): string {
  const lines: string[] = [];
  for (const diff of ordered(diffs)) {
    for (const file of diff.files) lines.push(...file.lines);
    for (const other of diff.others) {
      lines.push(`File ${diff.stack}/${other.file} ${other.status} (not shown)`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** What the comment says about the two sides. */
export interface Sides {
  /** The base, as named on the command line, and its commit. */
  base: { ref: string; commit: string };
  /** The head's commit, and whether the working tree had changes on top of it. */
  head: { commit: string; dirty: boolean };
  /** Where the full diff is when the comment is cut (the workflow run), if anywhere. */
  link?: string;
  /** The cap on the comment, in UTF-8 bytes; {@link COMMENT_LIMIT} unless a test says otherwise. */
  limit?: number;
}

const short = (commit: string) => commit.slice(0, 12);
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const html = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const bytes = (text: string) => Buffer.byteLength(text, "utf8");

function counts(files: FileDiff[]): string {
  const added = files.reduce((sum, file) => sum + file.added, 0);
  const removed = files.reduce((sum, file) => sum + file.removed, 0);
  return `+${added} −${removed}`;
}

/** One summary line per stack that differs. */
function summaryLine(diff: StackDiff): string {
  const names = [...diff.files, ...diff.others].map((file) => code(file.file)).join(", ");
  return `- ${code(diff.stack)}: ${diff.status}, ${counts(diff.files)} (${names})`;
}

/** A code fence longer than any run of backticks in the text it encloses. */
function fenceFor(lines: string[]): string {
  const longest = Math.max(
    0,
    ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))),
  );
  return "`".repeat(Math.max(3, longest + 1));
}

/** The `<details>` section of a stack; `room` bytes at most, cutting the diff lines if needed. */
function section(diff: StackDiff, room: number): { text: string; cut: boolean } | undefined {
  const lines = diff.files.flatMap((file) => file.lines);
  const fence = fenceFor(lines);
  const others = diff.others.map(
    (other) =>
      `${code(other.file)} ${other.status} (not shown: a mounted file, in the render artifact)`,
  );
  const open = [
    `<details><summary><code>${html(diff.stack)}</code>: ${diff.status}, ${counts(diff.files)}</summary>`,
    "",
    ...(others.length > 0 ? [...others.map((line) => `- ${line}`), ""] : []),
  ];
  const body = lines.length > 0 ? [`${fence}diff`, ...lines, fence] : [];
  const close = ["", "</details>", ""];
  const whole = [...open, ...body, ...close].join("\n") + "\n";
  if (bytes(whole) <= room) return { text: whole, cut: false };
  // Cut: as many diff lines as fit, then the fence and the section closed.
  const fixed = bytes([...open, `${fence}diff`, fence, ...close].join("\n") + "\n") + 1;
  if (fixed > room || lines.length === 0) return undefined;
  let used = fixed;
  const kept: string[] = [];
  for (const line of lines) {
    const cost = bytes(line) + 1;
    if (used + cost > room) break;
    kept.push(line);
    used += cost;
  }
  if (kept.length === 0) return undefined;
  return { text: [...open, `${fence}diff`, ...kept, fence, ...close].join("\n") + "\n", cut: true };
}

/**
 * The pull-request comment: the marker, a heading, what changed per stack, one collapsed section
 * per stack that differs holding its unified diff, and the note on render-only values. It never
 * exceeds the cap: a diff too long is cut at a line, and a line says where the whole diff is.
 * Nothing differing gives an explicit "no change" comment.
 */
export function formatMarkdown(diffs: StackDiff[], sides: Sides): string {
  const limit = sides.limit ?? COMMENT_LIMIT;
  const head = `${code(short(sides.head.commit))}${sides.head.dirty ? " with uncommitted changes" : ""}`;
  const base = `${code(short(sides.base.commit))}${sides.base.ref !== sides.base.commit ? ` (${code(sides.base.ref)})` : ""}`;
  const changed = ordered(diffs);
  const unchanged = diffs.filter((diff) => diff.status === "unchanged").map((d) => code(d.stack));
  const top = [MARKER, "### Offline render diff", ""];
  if (changed.length === 0) {
    return [
      ...top,
      `No change: every stack renders the same at base ${base} and head ${head}${unchanged.length > 0 ? ` (${unchanged.join(", ")})` : ""}.`,
      "",
    ].join("\n");
  }
  const intro =
    [
      ...top,
      `Base ${base}, head ${head}: ${changed.length} of ${diffs.length} stacks render differently.`,
      "",
      ...changed.map(summaryLine),
      ...(unchanged.length > 0 ? [`- unchanged: ${unchanged.join(", ")}`] : []),
      "",
    ].join("\n") + "\n";
  const footer = [
    `Rendered offline with \`npm run render:all\`, no credentials; secrets show as \`[secret]\`. ${RENDER_ONLY_NOTE}`,
    "",
  ].join("\n");
  const where = sides.link
    ? `\`render.diff\` in the artifact \`render-diff\` of [this run](${sides.link})`
    : `\`npm run render:diff -- ${sides.base.ref}\``;
  const cutLine = (left: string[]) =>
    `**Cut here: the diff is longer than the ${COMMENT_LIMIT.toLocaleString("en-US")} characters a comment holds.** ${left.length > 0 ? `Not shown: ${left.join(", ")}. ` : ""}The whole diff: ${where}.\n\n`;
  // Room for the cut line, naming every stack, is kept whether or not it is needed.
  const reserve = bytes(cutLine(changed.map((diff) => code(diff.stack))));
  let room = limit - bytes(intro) - bytes(footer) - reserve;
  const parts: string[] = [];
  let cutAt = -1;
  for (let i = 0; i < changed.length; i++) {
    const part = section(changed[i], room);
    if (!part) {
      cutAt = i;
      break;
    }
    parts.push(part.text);
    room -= bytes(part.text);
    if (part.cut) {
      cutAt = i + 1;
      break;
    }
  }
  if (cutAt >= 0) {
    parts.push(cutLine(changed.slice(cutAt).map((diff) => code(diff.stack))));
  }
  return intro + parts.join("") + footer;
}

/**
 * The comment when either render fails (bad config, a broken build): no diff, and where to read
 * why. The error itself stays in the log; the comment replaces a diff that no longer holds.
 */
export function formatFailure(link?: string): string {
  const where = link ? `the log of [this run](${link})` : "the output of `npm run render:diff`";
  return [
    MARKER,
    "### Offline render diff",
    "",
    `**The render failed**, so there is no diff: ${where} says which stack and why.`,
    "",
  ].join("\n");
}
