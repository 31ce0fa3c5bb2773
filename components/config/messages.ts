/**
 * How validation problems are named and worded: the full key of a setting (stack config or
 * component arguments), the fix to show, and the message for each kind of zod issue.
 */
import { type z } from "zod";
import { closest, show } from "../suggest";
import {
  type Constraint,
  NAMESPACE,
  PROVIDER_VALUES,
  type Path,
  SECRET_KEYS,
  type TopLevelKey,
  configSchemas,
} from "./schema";

/** One validation problem. */
export interface ConfigIssue {
  /** Full name of the setting, e.g. `openmetadata-sso:identity.oidc.issuer`. */
  key: string;
  /** The complete line shown to the user, starting with `key`. */
  message: string;
}

/** Every problem found in one pass; thrown before any resource is registered. */
export class ConfigValidationError extends Error {
  constructor(
    /** Every problem found, in the order they were found; each names its setting. */
    readonly issues: ConfigIssue[],
    /** What was validated: the stack config, or the arguments of the component. */
    readonly source: "stack config" | "arguments",
  ) {
    super(
      `Invalid ${source} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((issue) => `  - ${issue.message}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}

/** Names settings and tells how to change them, for stack config or for component arguments. */
export interface KeyNamer {
  readonly source: ConfigValidationError["source"];
  name(path: Path): string;
  set(path: Path, example: string): string;
  setSecret(path: Path): string;
  remove(path: Path): string;
}

export function dotted(path: Path): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

export function stripIndices(path: Path): string {
  return path.filter((part) => typeof part === "string").join(".");
}

export function mappedKey(path: Path): string | undefined {
  return [...SECRET_KEYS, ...PROVIDER_VALUES].find((entry) => entry.path === dotted(path))?.key;
}

export const configNamer: KeyNamer = {
  source: "stack config",
  name(path) {
    return mappedKey(path) ?? `${NAMESPACE}:${dotted(path)}`;
  },
  set(path, example) {
    const nested = path.length > 1 && mappedKey(path) === undefined;
    return `pulumi config set${nested ? " --path" : ""} ${quoteArg(this.name(path))} ${quoteArg(example)}`;
  },
  setSecret(path) {
    return `pulumi config set --secret ${this.name(path)} <value>`;
  },
  remove(path) {
    const nested = path.length > 1 && mappedKey(path) === undefined;
    return `pulumi config rm${nested ? " --path" : ""} ${quoteArg(this.name(path))}`;
  },
};

export const argsNamer: KeyNamer = {
  source: "arguments",
  name: (path) => `args.${dotted(path)}`,
  set: (path, example) => `set args.${dotted(path)} to ${example}`,
  setSecret: (path) => `pass args.${dotted(path)} as a secret Input`,
  remove: (path) => `remove args.${dotted(path)}`,
};

export function quoteArg(value: string): string {
  return /^[A-Za-z0-9_.:/@-]+$/.test(value) ? value : `'${value}'`;
}

/** Example values used in "is required" fixes. */
export const EXAMPLES: Record<string, string> = {
  publicUrl: "https://openmetadata.example.com",
  target: "docker",
  admins: '["alice@example.com"]',
  "identity.provider": "okta",
  "identity.oidc.issuer": "https://idp.example.com",
  "identity.oidc.clientId": "openmetadata",
  "identity.keycloak.realm": "openmetadata",
  "kubernetes.database.host": "mysql.example.internal",
  "kubernetes.search.host": "opensearch.example.internal",
  "openmetadata.egressProxy.url": "http://proxy.example.com:3128",
};

/** Required objects are set through their first required field. */
export const REQUIRED_FIXES: Record<string, { path: Path; example: string }> = {
  identity: { path: ["identity", "provider"], example: "okta" },
};

/**
 * What is appended, once, to the first problem of a setting that did not parse when a cross-field
 * rule needed it: the rule was skipped, and its problems appear only once the setting is fixed.
 */
export const SKIPPED_CHECKS =
  " (the checks that depend on it were skipped; they run once it is fixed)";

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/** Gathers every problem of one validation, each under the key name its source uses. */
export class IssueCollector {
  /** The problems found so far, in the order found. */
  readonly issues: ConfigIssue[] = [];
  /** The path of each problem in {@link issues}, where it has one in the schema. */
  private readonly paths: (Path | undefined)[] = [];
  /** Settings whose first problem already says that checks depending on them were skipped. */
  private readonly skipped = new Set<string>();
  /** @param namer How a path is named: a stack config key, or a component argument. */
  constructor(readonly namer: KeyNamer) {}

  /** Adds a problem of the setting at `path`. */
  add(path: Path, problem: string): void {
    this.push(this.namer.name(path), problem, path);
  }

  /**
   * Adds a problem under a key name of its own: a key that has no path in the schema (another
   * namespace's, say), or a setting at `path` that must be named otherwise.
   */
  addKey(key: string, problem: string, path?: Path): void {
    this.push(key, problem, path);
  }

  /** How many problems there are now; {@link rollback} returns to it. */
  mark(): number {
    return this.issues.length;
  }

  /** Drops the problems added since `mark`: those of a rule that could not finish. */
  rollback(mark: number): void {
    this.issues.splice(mark);
    this.paths.splice(mark);
  }

  /**
   * Notes that a rule was skipped because the setting at `path` did not parse: the first problem
   * of that setting says so, once.
   */
  skippedFor(path: Path): void {
    const name = dotted(path);
    if (this.skipped.has(name)) return;
    this.skipped.add(name);
    const i = this.paths.findIndex((at) => at !== undefined && isPrefix(path, at));
    if (i < 0) {
      // Every setting that did not parse has a problem of its own; this is a safety net.
      this.add(path, `did not parse${SKIPPED_CHECKS}`);
      return;
    }
    this.issues[i] = { ...this.issues[i], message: `${this.issues[i].message}${SKIPPED_CHECKS}` };
  }

  private push(key: string, problem: string, path: Path | undefined): void {
    const message = `${key}: ${problem}`;
    // Zod can report one value twice (a number both not an integer and too large); say it once.
    if (this.issues.some((issue) => issue.message === message)) return;
    this.issues.push({ key, message });
    this.paths.push(path);
  }
}

// ---------------------------------------------------------------------------------------------
// Turning zod issues into messages.
// ---------------------------------------------------------------------------------------------

export type AnySchema = z.ZodType;

export function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current.def as { type: string; innerType?: AnySchema };
    if (["optional", "default", "prefault", "nullable"].includes(def.type) && def.innerType) {
      current = def.innerType;
    } else {
      return current;
    }
  }
}

export function schemaAt(schema: AnySchema, path: Path): AnySchema | undefined {
  let current: AnySchema | undefined = unwrap(schema);
  for (const part of path) {
    if (!current) return undefined;
    const def = current.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (def.type === "object" && typeof part === "string") current = def.shape?.[part];
    else if (def.type === "array" && typeof part === "number") current = def.element;
    else return undefined;
    current = current ? unwrap(current) : undefined;
  }
  return current;
}

export function objectKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = schema.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** "must be ..." text for a schema. */
export function expected(schema: AnySchema | undefined): string {
  if (!schema) return "a valid value";
  const inner = unwrap(schema);
  const def = inner.def as { type: string; element?: AnySchema; checks?: unknown[] };
  switch (def.type) {
    case "string": {
      const pattern = (inner as z.ZodString).def.checks?.find(
        (check) => (check as { _zod: { def: { format?: string } } })._zod.def.format === "regex",
      ) as { _zod: { def: { pattern: RegExp } } } | undefined;
      if (pattern) return `a string matching ${pattern._zod.def.pattern}`;
      const max = (inner as z.ZodString).maxLength;
      return max === null
        ? "a non-empty string"
        : `a non-empty string of at most ${max} characters`;
    }
    case "boolean":
      return "true or false";
    case "number": {
      const number = inner as z.ZodNumber;
      return `an integer from ${number.minValue} to ${number.maxValue}`;
    }
    case "enum":
      return `one of ${(inner as z.ZodEnum).options.join(", ")}`;
    case "literal":
      return `one of ${[...(inner as z.ZodLiteral).values].join(", ")}`;
    case "array": {
      const nonEmpty = ((inner as z.ZodArray<AnySchema>).def.checks ?? []).length > 0;
      return `${nonEmpty ? "a non-empty list" : "a list"}, each item ${expected(def.element)}`;
    }
    case "object":
      return "an object";
    default:
      return "a value";
  }
}

export function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

export function zodIssues(
  top: TopLevelKey,
  schema: AnySchema,
  value: unknown,
  issues: z.core.$ZodIssue[],
  out: IssueCollector,
): void {
  for (const issue of issues) {
    const path: Path = [top, ...(issue.path as Path)];
    const at = schemaAt(schema, issue.path as Path);
    const got = valueAt(value, issue.path as Path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) unknownKey(out, path, key, objectKeys(at));
        break;
      case "invalid_type":
        if (got === undefined) {
          const fix = REQUIRED_FIXES[stripIndices(path)] ?? {
            path,
            example: EXAMPLES[stripIndices(path)] ?? "<value>",
          };
          out.add(path, `is required. Set it: ${out.namer.set(fix.path, fix.example)}`);
        } else if (issue.expected === "array" && typeof got === "string") {
          out.add(
            path,
            `must be ${expected(at)}; got ${show(got)}. Set it as a list: ${out.namer.set([...path, 0], got)}`,
          );
        } else {
          out.add(path, `must be ${expected(at)}; got ${show(got)}`);
        }
        break;
      case "invalid_value": {
        const options = issue.values.map(String);
        const constraint = at?.meta() as Constraint | undefined;
        if (options.length === 1) {
          // The only value allowed: say why, and how to go back to it.
          out.add(
            path,
            `must be ${JSON.stringify(issue.values[0])}; got ${show(got)}` +
              (constraint?.reason ? `. ${constraint.reason}` : "") +
              (constraint?.removable ? `. Remove it: ${out.namer.remove(path)}` : ""),
          );
          break;
        }
        const hint = typeof got === "string" ? closest(got, options) : undefined;
        out.add(
          path,
          `must be one of ${options.join(", ")}; got ${show(got)}` +
            (hint ? `. Did you mean "${hint}"?` : ""),
        );
        break;
      }
      case "custom": {
        const params = issue.params as { ownMessage?: boolean; secretInput?: boolean } | undefined;
        // A schema check that words its own message (see checkedText in schema.ts).
        if (params?.ownMessage) {
          out.add(path, issue.message);
          break;
        }
        // A secret of the wrong type: say what it is, never what it holds.
        if (params?.secretInput && got !== undefined && got !== null && got !== "") {
          const kind = Array.isArray(got)
            ? "a list"
            : typeof got === "object"
              ? "an object"
              : `a ${typeof got}`;
          out.add(
            path,
            `must be a non-empty string or a pulumi.Output of one; got ${kind} (value hidden)`,
          );
          break;
        }
        out.add(path, `must be ${expected(at)}; got ${show(got)}`);
        break;
      }
      default:
        out.add(path, `must be ${expected(at)}; got ${show(got)}`);
    }
  }
}

export function unknownKey(out: IssueCollector, parent: Path, key: string, known: string[]): void {
  const path = [...parent, key];
  const secret = SECRET_KEYS.find((entry) => entry.path === dotted(path));
  if (secret && out.namer === configNamer) {
    out.addKey(
      `${NAMESPACE}:${dotted(path)}`,
      `is a secret and has its own key; it must not sit in plain config. Remove it and run: pulumi config set --secret ${secret.key} <value>`,
      path,
    );
    return;
  }
  const fromProvider = PROVIDER_VALUES.find((entry) => entry.path === dotted(path));
  if (fromProvider && out.namer === configNamer) {
    out.addKey(
      `${NAMESPACE}:${dotted(path)}`,
      `comes from the provider's own config so it is typed once. Remove it and run: pulumi config set ${fromProvider.key} ${fromProvider.example}`,
      path,
    );
    return;
  }
  const sibling = closest(key, known);
  const nested = sibling ? undefined : known.find((block) => nestedKeyExists(parent, block, key));
  const hint = sibling
    ? ` Did you mean ${out.namer.name([...parent, sibling])}?`
    : nested
      ? ` Did you mean ${out.namer.name([...parent, nested, key])}?`
      : known.length
        ? ` Known keys here: ${known.join(", ")}.`
        : "";
  out.add(path, `is not a known setting, so it would be ignored.${hint}`);
}

export function nestedKeyExists(parent: Path, block: string, key: string): boolean {
  const top = parent[0] as TopLevelKey | undefined;
  const root = top ? configSchemas[top] : undefined;
  return root ? objectKeys(schemaAt(root, [...parent.slice(1), block])).includes(key) : false;
}
