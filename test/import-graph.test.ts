/**
 * The project's own import graph has no circle. Config is read and validated before any resource
 * exists, so it must depend on nothing above it; a circle through config, the top component and
 * the targets once made that untrue without any test noticing. Every import counts here: `import
 * type`, `export … from`, and the lazy `require(...)` the top component uses to load a target or
 * an identity provider only when a stack needs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", "dist", ".git", "rendered", ".bench", ".pulumi-state"]);

/** Every TypeScript and ECMAScript module of ours, relative to the root. */
function sources(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|mts|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")
      ? [path.relative(ROOT, full)]
      : [];
  });
}

/** The file a relative specifier names, as Node and tsx resolve it; undefined for packages. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.join(path.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.mts`, `${base}.mjs`, path.join(base, "index.ts")].find(
    (candidate) =>
      fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile(),
  );
}

/** File -> the project files it imports, in any of the forms above. */
export function importGraph(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      // readImportFiles and detectJavaScriptImports: static imports, re-exports and require().
      const { importedFiles } = ts.preProcessFile(text, true, true);
      const targets = importedFiles
        .map((imported) => resolveSpecifier(file, imported.fileName))
        .filter((target): target is string => target !== undefined);
      return [file, [...new Set(targets)].sort()];
    }),
  );
}

/** The circles of a graph: its strongly connected components of more than one file, or self-loops. */
export function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
        found.push(component.sort());
      }
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

describe("the import graph", () => {
  const files = sources();
  const graph = importGraph(files);

  it("sees every module of ours, the lazily required ones included", () => {
    expect(files).toContain("components/openmetadata-sso.ts");
    expect(files).toContain("scripts/serialize-providers.mjs");
    // The top component reaches each target and identity provider only through require().
    expect(graph.get("components/openmetadata-sso.ts")).toEqual([
      "components/checks/outside-gate.ts",
      "components/checks/preflight.ts",
      "components/config/index.ts",
      "components/config/rules.ts",
      "components/deployment.ts",
      "components/docker.ts",
      "components/identity/auth0.ts",
      "components/identity/entra.ts",
      "components/identity/keycloak.ts",
      "components/identity/local-keycloak.ts",
      "components/identity/oidc.ts",
      "components/identity/okta.ts",
      "components/identity/onelogin.ts",
      "components/identity/types.ts",
      "components/keys.ts",
      "components/kubernetes.ts",
      "components/settings/env.ts",
      "components/settings/truststore.ts",
      "components/settings/yaml.ts",
      "components/types.ts",
      "components/urls.ts",
    ]);
  });

  it("has no circle", () => {
    expect(circles(graph)).toEqual([]);
  });

  it("keeps config below the component it validates for", () => {
    const reachable = new Set<string>();
    const walk = (file: string) => {
      for (const next of graph.get(file) ?? []) {
        if (!reachable.has(next)) {
          reachable.add(next);
          walk(next);
        }
      }
    };
    walk("components/config/index.ts");
    expect(
      [...reachable].filter((file) =>
        /^components\/(openmetadata-sso|docker|kubernetes|deployment|keys|checks\/|identity\/)/.test(
          file,
        ),
      ),
    ).toEqual([]);
  });

  it("finds a circle when one exists", () => {
    const looped = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["d.ts"]],
      ["e.ts", ["a.ts"]],
    ]);
    expect(circles(looped)).toEqual([["a.ts", "b.ts", "c.ts"], ["d.ts"]]);
  });
});
