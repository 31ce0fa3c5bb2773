import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Programs in examples/ import the package by name, as consumers do; here the name resolves
    // to the sources, as in tsconfig.json `paths` (a consumer gets dist/ through node_modules).
    alias: {
      "openmetadata-sso": fileURLToPath(new URL("./components/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "policy/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    // Test files share their worker processes: loading @pulumi/pulumi once per worker instead of
    // once per file halves the suite's time. Files that evaluate the program reset modules first,
    // and the harness reinstalls its mock runtime when another file replaced it.
    isolate: false,
    // The top-level component `require`s identity providers and targets lazily (issue 9). Vite
    // transforms imports only, so Node's own require needs tsx's hook to load those .ts modules.
    execArgv: ["--require", "tsx/cjs"],
    // Every file starts offline, whatever the file before it in the same worker did.
    setupFiles: ["test/support/offline.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
