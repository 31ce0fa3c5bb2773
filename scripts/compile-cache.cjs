// A V8 code cache for the CommonJS modules the offline scripts load (scripts/built.mjs turns it on
// for render, render-all and render-diff).
//
// Why: a render compiles about 2 MB of JavaScript it ran a moment ago in the previous render
// (@pulumi/pulumi, the provider SDKs, zod, yaml and our build); compiling was about half of its
// time. V8 can hand back what it compiled as "cached data" and accept it again for the same source.
//
// How:
// - Node 22.8 and later have this built in: `module.enableCompileCache(dir)` (nodejs/node #54501,
//   commit 4baf463; its types arrive with @types/node 22.8.0), used as it is.
// - On older Node (20 is what this project supports and CI runs) each CommonJS module is compiled
//   as a `vm.Script` of Node's own module wrapper, given the cached data of its last compile when
//   the file's content is byte for byte the same (SHA-1 of the source, checked before use; V8 checks
//   its own version and flags again and rejects what does not fit). At exit, the modules compiled
//   without usable data are serialised after they ran, so the functions they called are in it too.
//   The module then runs exactly as Node runs it: the same five wrapper arguments and the same
//   `require` function (`require.resolve`, `.resolve.paths`, `.main`, `.cache`, `.extensions`).
// - Left to Node's own compile: a source that calls `import()` (a vm.Script would need a dynamic
//   import callback), and any process with source maps enabled (Node records them in its compile).
// - The cache is one file per name and Node build in `dir`, written whole to a temporary file and
//   renamed, so parallel runs never read a half-written one; a file that cannot be read is ignored
//   and replaced. A write drops the entries of files that no longer exist.
//   `OPENMETADATA_SSO_COMPILE_CACHE=0` turns the cache off.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/** The environment variable that turns the cache off with "0". */
const SWITCH = "OPENMETADATA_SSO_COMPILE_CACHE";
/** First bytes of a cache file: its format, so another format is never misread. */
const MAGIC = "omsso-compile-cache-1\n";

/** Where the offline scripts of the project at `root` keep their cache. */
function directory(root) {
  return path.join(root, "node_modules", ".cache", "openmetadata-sso", "compile-cache");
}

/** Reads a cache file into filename -> { hash, data }; empty when it is missing or unreadable. */
function readCache(file) {
  const entries = new Map();
  let buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch {
    return entries;
  }
  if (buffer.toString("latin1", 0, MAGIC.length) !== MAGIC) return entries;
  try {
    let at = MAGIC.length;
    const take = () => {
      const length = buffer.readUInt32LE(at);
      const part = buffer.subarray(at + 4, at + 4 + length);
      if (part.length !== length) throw new Error("truncated");
      at += 4 + length;
      return part;
    };
    while (at < buffer.length) {
      const filename = take().toString("utf8");
      const hash = take().toString("latin1");
      entries.set(filename, { hash, data: take() });
    }
  } catch {
    return new Map();
  }
  return entries;
}

/** Writes filename -> { hash, data } whole, through a temporary file and a rename. */
function writeCache(file, entries) {
  const parts = [Buffer.from(MAGIC, "latin1")];
  const add = (part) => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(part.length);
    parts.push(length, part);
  };
  for (const [filename, { hash, data }] of entries) {
    add(Buffer.from(filename, "utf8"));
    add(Buffer.from(hash, "latin1"));
    add(data);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, Buffer.concat(parts));
  fs.renameSync(temporary, file);
}

/** Node's `require` for a module, as its own module loader makes it. */
function requireFor(module) {
  const require = (id) => module.require(id);
  const resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Turns the cache on for this process, kept in `<dir>/<name>-<node version>-<arch>.bin` (Node 22.8
 * and later: in `dir`, as Node keeps it). Returns what it did, for tests: modules compiled with
 * cached data (`hits`), without it (`misses`), left to Node (`bypassed`), or `mode` "off" /
 * "native" when this module does not compile at all.
 */
function enable(dir, name) {
  const stats = { mode: "vm", file: undefined, hits: [], misses: [], bypassed: [] };
  if (process.env[SWITCH] === "0") return { ...stats, mode: "off" };
  if (typeof Module.enableCompileCache === "function") {
    Module.enableCompileCache(dir);
    return { ...stats, mode: "native" };
  }
  if (process.sourceMapsEnabled) return { ...stats, mode: "off" };

  const file = path.join(dir, `${name}-${process.version}-${process.arch}.bin`);
  stats.file = file;
  const entries = readCache(file);
  /** Scripts compiled without usable data this run, to serialise at exit. */
  const fresh = [];
  const compile = Module.prototype._compile;

  Module.prototype._compile = function (content, filename) {
    if (content.includes("import(")) {
      stats.bypassed.push(filename);
      return compile.call(this, content, filename);
    }
    const hash = crypto.createHash("sha1").update(content).digest("hex");
    const entry = entries.get(filename);
    const cachedData = entry !== undefined && entry.hash === hash ? entry.data : undefined;
    // A shebang is only valid on a file's first line, which the wrapper's opening takes.
    const source = content.startsWith("#!") ? `//${content}` : content;
    const script = new vm.Script(Module.wrap(source), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) {
      stats.misses.push(filename);
      fresh.push({ filename, hash, script });
    } else {
      stats.hits.push(filename);
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return Reflect.apply(wrapper, this.exports, [
      this.exports,
      requireFor(this),
      this,
      filename,
      path.dirname(filename),
    ]);
  };

  process.once("exit", () => {
    if (fresh.length === 0) return;
    try {
      for (const { filename, hash, script } of fresh) {
        entries.set(filename, { hash, data: script.createCachedData() });
      }
      // Modules of directories that are gone (render:diff renders the base in a temporary copy)
      // would otherwise pile up in the file that every run reads.
      for (const filename of entries.keys()) {
        if (!fs.existsSync(filename)) entries.delete(filename);
      }
      writeCache(file, entries);
    } catch {
      // A cache that cannot be written costs the next run its compile, nothing else.
    }
  });
  return stats;
}

module.exports = { directory, enable, readCache, SWITCH };
