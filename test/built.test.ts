/**
 * scripts/built.mjs, which `npm run render` and `npm run render:all` run: it runs the built script
 * when dist/ was built from the sources as they are, and rebuilds first (saying so) when not. Run
 * here in a throw-away project whose "build" writes a small script and counts its runs.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
let dir: string;

/** The build: counts itself, writes dist/scripts/render.js, or fails when the file FAIL exists. */
const BUILD = `const fs = require("fs");
if (fs.existsSync("FAIL")) {
  console.log("error TS2322: broken");
  process.exit(2);
}
fs.appendFileSync("builds", "x");
fs.mkdirSync("dist/scripts", { recursive: true });
fs.writeFileSync(
  "dist/scripts/render.js",
  "console.log('render ' + process.argv.slice(2).join(' ') + ' main=' + (require.main === module));",
);
fs.writeFileSync("dist/scripts/render-all.js", "console.log('render-all');");
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "om-built-"));
  fs.mkdirSync(path.join(dir, "scripts"));
  fs.mkdirSync(path.join(dir, "components", "sub"), { recursive: true });
  for (const script of ["built.mjs", "compile-cache.cjs"])
    fs.copyFileSync(path.join(ROOT, "scripts", script), path.join(dir, "scripts", script));
  const files: Record<string, string> = {
    "package.json": JSON.stringify({
      scripts: {
        build: `node -e "${BUILD.replace(/"/g, '\\"')}" && node scripts/built.mjs --stamp`,
      },
    }),
    "tsconfig.json": "{}",
    "tsconfig.build.json": '{\n  // comment\n  "include": ["index.ts", "components/**/*.ts"]\n}',
    "scripts/serialize-providers.mjs": "",
    "build.js": BUILD,
    "index.ts": "export {};",
    "components/sub/a.ts": "export const a = 1;",
    "notes.md": "not a source",
  };
  for (const [file, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, file), content);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(dir, "scripts", "built.mjs"), ...args],
      { cwd: dir, encoding: "utf8" },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const builds = () => fs.readFileSync(path.join(dir, "builds"), "utf8").length;
const REBUILT =
  /^dist\/ was older than the sources: rebuilt it with npm run build \(\d+\.\d s\)\.$/;

describe("scripts/built.mjs", () => {
  it("builds when there is no build, says so, and runs the built script as the main module", async () => {
    const result = await run("render", "local", "--out", "x");
    expect(result.code).toBe(0);
    const [rebuilt, output, end] = result.stdout.split("\n");
    expect(rebuilt).toMatch(REBUILT);
    expect([output, end]).toEqual(["render local --out x main=true", ""]);
    expect(builds()).toBe(1);
  });

  it("runs without building when the sources are what the build was made from", async () => {
    expect(await run("render", "dev")).toEqual({
      code: 0,
      stdout: "render dev main=true\n",
      stderr: "",
    });
    expect(builds()).toBe(1);
  });

  it("runs the built scripts under the compile cache, kept per command in node_modules/.cache", async () => {
    const cache = path.join(dir, "node_modules", ".cache", "openmetadata-sso", "compile-cache");
    const file = (command: string) => `${command}-${process.version}-${process.arch}.bin`;
    expect(fs.readdirSync(cache)).toEqual([file("render")]);
    await run("render-all");
    expect(fs.readdirSync(cache).sort()).toEqual([file("render-all"), file("render")]);
  });

  it("rebuilds after a source changes, once for parallel runs", async () => {
    fs.writeFileSync(path.join(dir, "components", "sub", "a.ts"), "export const a = 2;");
    const results = await Promise.all([run("render", "a"), run("render", "b"), run("render", "c")]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results.filter((r) => REBUILT.test(r.stdout.split("\n")[0]))).toHaveLength(1);
    expect(builds()).toBe(2);
  });

  it("rebuilds after the build's configuration changes, not after another file does", async () => {
    fs.writeFileSync(path.join(dir, "notes.md"), "changed");
    expect((await run("render", "x")).stdout).toBe("render x main=true\n");
    fs.writeFileSync(path.join(dir, "tsconfig.json"), '{ "compilerOptions": {} }');
    expect((await run("render", "x")).stdout.split("\n")[0]).toMatch(REBUILT);
    expect(builds()).toBe(3);
  });

  it("takes over a lock left by a run that died, with or without its pid written", async () => {
    const lock = path.join(dir, "node_modules", ".cache", "openmetadata-sso", "build.lock");
    // Without a pid: left by a run that died between taking the lock and writing it.
    fs.mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(lock, old, old);
    fs.writeFileSync(path.join(dir, "components", "sub", "a.ts"), "export const a = 3;");
    const orphaned = await run("render", "x");
    expect(orphaned.code).toBe(0);
    expect(orphaned.stdout.split("\n")[0]).toMatch(REBUILT);
    expect(fs.existsSync(lock)).toBe(false);
    // With the pid of a process that has ended.
    const ended = await promisify(execFile)(process.execPath, ["-p", "process.pid"]);
    fs.mkdirSync(lock, { recursive: true });
    fs.writeFileSync(path.join(lock, "pid"), ended.stdout.trim());
    fs.writeFileSync(path.join(dir, "components", "sub", "a.ts"), "export const a = 4;");
    expect((await run("render", "x")).stdout.split("\n")[0]).toMatch(REBUILT);
    expect(builds()).toBe(5);
  });

  it("stops with the build's output when the rebuild fails", async () => {
    fs.writeFileSync(path.join(dir, "index.ts"), "export const broken: number = '';");
    fs.writeFileSync(path.join(dir, "FAIL"), "");
    const result = await run("render", "x");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("error TS2322: broken\n");
    expect(result.stderr).toContain(
      "npm run build failed: the sources changed since the last build.\n",
    );
  });

  it("names its commands when given another", async () => {
    expect(await run("deploy")).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "usage: node scripts/built.mjs render|render-all|render-diff|doctor <args> | --stamp\n",
    });
  });
});
