/**
 * scripts/compile-cache.cjs, which the offline scripts run under: modules behave exactly as under
 * Node's own compile, a second run takes V8's compiled code from the cache, and a changed, broken
 * or switched-off cache never changes what runs. Each case is a fresh Node process on a throw-away
 * set of modules; the process with the cache switched off is the reference.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

const CACHE_MODULE = path.resolve(__dirname, "..", "scripts", "compile-cache.cjs");
const MAGIC = "omsso-compile-cache-1\n";

const MODULES: Record<string, string> = {
  "a.js": [
    'const b = require("./b");',
    "const e = require('./e');",
    'const where = new Error("here").stack.split("\\n")[1].trim();',
    "module.exports = {",
    "  b,",
    "  e,",
    "  where,",
    "  file: __filename,",
    "  dir: __dirname,",
    '  resolved: require.resolve("./b"),',
    '  lookup: require.resolve.paths("some-package")[0],',
    "  main: require.main === module,",
    "  mainFile: require.main.filename,",
    '  cached: require.cache[require.resolve("./b")].exports === b,',
    '  extensions: Object.keys(require.extensions).includes(".js"),',
    "  thisIsExports: this === module.exports,",
    "  parent: module.parent.filename,",
    "};",
  ].join("\n"),
  "b.js": 'module.exports = "b-1";\n',
  "e.js": "#!/usr/bin/env node\nmodule.exports = 5;\n",
  "c.js": 'module.exports = () => import("./d.mjs");\n',
  "d.mjs": "export default 42;\n",
  "broken.js": "module.exports = ;\n",
  // The entry: turns the cache on, loads the modules, prints what they gave and what the cache did.
  "run.js": [
    `const stats = require(${JSON.stringify(CACHE_MODULE)}).enable(path(), "test");`,
    "function path() { return require('path').join(__dirname, 'cache'); }",
    "const name = (f) => require('path').basename(f);",
    "const a = require('./a');",
    "let broken;",
    "try { require('./broken'); } catch (error) {",
    "  broken = { name: error.name, message: error.message, at: error.stack.includes('broken.js:1') };",
    "}",
    "require('./c')().then((d) => {",
    "  const used = { mode: stats.mode, hits: stats.hits.map(name), misses: stats.misses.map(name), bypassed: stats.bypassed.map(name) };",
    "  console.log(JSON.stringify({ a, d: d.default, broken, stats: used }));",
    "});",
  ].join("\n"),
};

let dir: string;
const cacheFile = () => path.join(dir, "cache", `test-${process.version}-${process.arch}.bin`);

interface Run {
  a: Record<string, unknown>;
  d: number;
  broken: { name: string; message: string; at: boolean };
  stats: { mode: string; hits: string[]; misses: string[]; bypassed: string[] };
}

async function run(env: Record<string, string> = {}): Promise<Run> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, "run.js")], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "", ...env },
  });
  return JSON.parse(stdout) as Run;
}

/** What the modules give under Node's own compile (the cache switched off). */
async function reference(): Promise<Run> {
  return run({ OPENMETADATA_SSO_COMPILE_CACHE: "0" });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "om-compile-cache-"));
  for (const [file, content] of Object.entries(MODULES)) {
    fs.writeFileSync(path.join(dir, file), content);
  }
});

afterAll(() => {
  for (const entry of fs.readdirSync(os.tmpdir())) {
    if (entry.startsWith("om-compile-cache-"))
      fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
  }
});

// broken.js never compiles, so it is neither taken from the cache nor put in it.
const ALL = ["a.js", "b.js", "e.js"];

describe("scripts/compile-cache.cjs", () => {
  it("switched off, compiles nothing itself and writes no cache", async () => {
    const off = await reference();
    expect(off.stats).toEqual({ mode: "off", hits: [], misses: [], bypassed: [] });
    expect(fs.existsSync(path.join(dir, "cache"))).toBe(false);
  });

  it("gives modules exactly what Node's own compile gives them, on the first run and from the cache", async () => {
    const expected = await reference();
    expect(expected.a).toEqual({
      b: "b-1",
      e: 5,
      where: `at Object.<anonymous> (${path.join(dir, "a.js")}:3:15)`,
      file: path.join(dir, "a.js"),
      dir,
      resolved: path.join(dir, "b.js"),
      lookup: path.join(dir, "node_modules"),
      main: false,
      mainFile: path.join(dir, "run.js"),
      cached: true,
      extensions: true,
      thisIsExports: true,
      parent: path.join(dir, "run.js"),
    });
    expect(expected.d).toBe(42);
    expect(expected.broken).toEqual({
      name: "SyntaxError",
      message: "Unexpected token ';'",
      at: true,
    });

    const first = await run();
    expect(first.stats).toEqual({ mode: "vm", hits: [], misses: ALL, bypassed: ["c.js"] });
    expect(fs.readFileSync(cacheFile()).subarray(0, MAGIC.length).toString("latin1")).toBe(MAGIC);
    const second = await run();
    expect(second.stats).toEqual({ mode: "vm", hits: ALL, misses: [], bypassed: ["c.js"] });
    for (const result of [first, second]) {
      expect({ a: result.a, d: result.d, broken: result.broken }).toEqual({
        a: expected.a,
        d: expected.d,
        broken: expected.broken,
      });
    }
  });

  it("compiles a module again when its content changed, even at the same length", async () => {
    await run();
    fs.writeFileSync(path.join(dir, "b.js"), 'module.exports = "b-2";\n');
    const changed = await run();
    expect(changed.a.b).toBe("b-2");
    expect(changed.stats).toEqual({
      mode: "vm",
      hits: ["a.js", "e.js"],
      misses: ["b.js"],
      bypassed: ["c.js"],
    });
    expect((await run()).stats.hits).toEqual(ALL);
  });

  it("drops the entries of files that are gone the next time it writes", async () => {
    const { readCache } = require(CACHE_MODULE) as {
      readCache(file: string): Map<string, { hash: string; data: Buffer }>;
    };
    await run();
    const cached = () => [...readCache(cacheFile()).keys()].map((file) => path.basename(file));
    expect(cached()).toEqual(ALL);
    // e.js goes; a.js changes, so the run compiles something and writes the cache.
    fs.rmSync(path.join(dir, "e.js"));
    const a = path.join(dir, "a.js");
    fs.writeFileSync(a, fs.readFileSync(a, "utf8").replace("require('./e')", "5"));
    const after = await run();
    expect([after.a.e, after.stats.misses]).toEqual([5, ["a.js"]]);
    expect(cached()).toEqual(["a.js", "b.js"]);
  });

  it.each([
    ["another file", Buffer.from("not a cache at all")],
    ["a truncated cache", Buffer.concat([Buffer.from(MAGIC, "latin1"), Buffer.from([200, 0])])],
  ])("ignores %s in its place and writes a good one", async (_what, content) => {
    fs.mkdirSync(path.join(dir, "cache"));
    fs.writeFileSync(cacheFile(), content);
    const expected = await reference();
    const ignored = await run();
    expect(ignored.stats.misses).toEqual(ALL);
    expect(ignored.a).toEqual(expected.a);
    expect((await run()).stats.hits).toEqual(ALL);
  });
});

describe("the offline render under the compile cache", () => {
  it("writes byte for byte what it writes with the cache switched off", async () => {
    const root = path.resolve(__dirname, "..");
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "om-compile-cache-render-"));
    const render = async (name: string, env: Record<string, string> = {}) => {
      await promisify(execFile)(
        process.execPath,
        [path.join(root, "scripts", "built.mjs"), "render", "local", "--out", path.join(out, name)],
        { cwd: root, encoding: "utf8", env: { ...process.env, ...env } },
      );
      const files: Record<string, string> = {};
      const walk = (at: string) => {
        for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
          const file = path.join(at, entry.name);
          if (entry.isDirectory()) walk(file);
          else
            files[path.relative(path.join(out, name), file)] = fs
              .readFileSync(file)
              .toString("base64");
        }
      };
      walk(path.join(out, name));
      return files;
    };
    try {
      const off = await render("off", { OPENMETADATA_SSO_COMPILE_CACHE: "0" });
      expect(Object.keys(off).sort()).toEqual([
        "local/files/etc/openmetadata/jwtkeys/public_key.der",
        "local/openmetadata.env",
        "local/openmetadata.yaml",
        "local/resources.json",
      ]);
      // The first of these fills the cache if nothing did before; the second reads it.
      expect(await render("filled")).toEqual(off);
      expect(await render("read")).toEqual(off);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
