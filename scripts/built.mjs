// Runs an offline-render script from the build (dist/scripts/<name>.js) instead of compiling
// TypeScript at every call:
//
//   node scripts/built.mjs render <args>       (npm run render)
//   node scripts/built.mjs render-all <args>   (npm run render:all)
//   node scripts/built.mjs render-diff <args>  (npm run render:diff)
//   node scripts/built.mjs doctor <args>       (npm run doctor; the package's bin runs the same file)
//   node scripts/built.mjs --stamp             (the last step of npm run build)
//
// The build records a hash of the sources it was built from (every file tsconfig.build.json
// includes, and the build's own configuration) in dist/.sources. Before each run the hash is taken
// again, which reads a few hundred kilobytes: when the sources changed since the build, or there is
// no build, `npm run build` runs first and the run says so. Parallel runs wait for one rebuild.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const STAMP = path.join(ROOT, "dist", ".sources");
const LOCK = path.join(ROOT, "node_modules", ".cache", "openmetadata-sso", "build.lock");
/** Files that decide the build besides the sources tsconfig.build.json includes. */
const BUILD_FILES = ["tsconfig.json", "tsconfig.build.json", "scripts/serialize-providers.mjs"];

/** The files tsconfig.build.json includes: plain paths and `<dir>/**\/*.ts` patterns. */
function sources() {
  const text = fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8");
  const { include } = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith(".ts")) files.push(relative);
    }
  };
  for (const pattern of include) {
    if (pattern.endsWith("/**/*.ts")) walk(pattern.slice(0, -"/**/*.ts".length));
    else files.push(pattern);
  }
  return [...files.sort(), ...BUILD_FILES];
}

/** Hash of every source's path and content. */
function sourceHash() {
  const hash = createHash("sha256");
  for (const file of sources()) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(ROOT, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const fresh = (hash) => fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8").trim() === hash;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A lock without an owner's pid is left behind once it is this old (milliseconds). */
const STALE_MS = 120_000;

/** A file's text, or "" when it does not exist. */
function readIfThere(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return "";
    throw error;
  }
}

/** Milliseconds since a path last changed; 0 when it is gone. */
function ageOf(file) {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch (error) {
    if (error.code === "ENOENT") return 0;
    throw error;
  }
}

/** Rebuilds dist/ unless another run is already doing it; then waits for that one. */
function rebuild(hash) {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // Only the owner writes into the lock (a waiter that created the pid file could make the
      // owner's removal fail and leave the lock behind for good). The owner writes its pid right
      // after taking the lock: a lock with no pid for longer than a build takes was left by a run
      // that died in between.
      const owner = Number(readIfThere(path.join(LOCK, "pid")));
      const stale = owner ? !alive(owner) : ageOf(LOCK) > STALE_MS;
      if (stale) fs.rmSync(LOCK, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fs.writeFileSync(path.join(LOCK, "pid"), String(process.pid));
    if (fresh(hash)) return;
    const start = Date.now();
    try {
      execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "pipe" });
    } catch (error) {
      process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
      process.stderr.write("npm run build failed: the sources changed since the last build.\n");
      process.exit(1);
    }
    process.stdout.write(
      `dist/ was older than the sources: rebuilt it with npm run build (${((Date.now() - start) / 1000).toFixed(1)} s).\n`,
    );
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === "--stamp") {
  fs.writeFileSync(STAMP, `${sourceHash()}\n`);
} else if (["render", "render-all", "render-diff", "doctor"].includes(command)) {
  const hash = sourceHash();
  if (!fresh(hash)) rebuild(hash);
  // Run the built script as the main module, as `node dist/scripts/<name>.js <args>` would.
  const script =
    command === "doctor"
      ? path.join(ROOT, "dist", "components", "doctor-cli.js")
      : path.join(ROOT, "dist", "scripts", `${command}.js`);
  process.argv = [process.argv[0], script, ...rest];
  const require = createRequire(import.meta.url);
  // The offline scripts reuse what V8 compiled in their last run (scripts/compile-cache.cjs).
  if (command !== "doctor") {
    const cache = require("./compile-cache.cjs");
    cache.enable(cache.directory(ROOT), command);
  }
  require("node:module").runMain();
} else {
  process.stderr.write(
    "usage: node scripts/built.mjs render|render-all|render-diff|doctor <args> | --stamp\n",
  );
  process.exit(2);
}
