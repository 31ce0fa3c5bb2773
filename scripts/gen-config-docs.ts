/**
 * Generates docs/config.md, the stack configuration reference, from the validation itself.
 *
 * Keys, types, bounds, allowed values and defaults come from the zod schema in
 * components/config/schema.ts (`configSchemas`, `SECRET_KEYS`, `PROVIDER_VALUES`); descriptions come from
 * the TSDoc of the argument interfaces in components/openmetadata-sso.ts and components/types.ts,
 * read with the TypeScript compiler API (the same comments Pulumi's schema inference turns into
 * the SDK docs of other languages). So the reference, the validation and the SDKs cannot disagree.
 *
 *   npm run docs:config        writes docs/config.md (left untouched when it is up to date)
 *
 * test/config-docs.test.ts regenerates it in memory and fails when the file is stale, when a key
 * has no description, or when a TSDoc `@default` contradicts the schema's default.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import type { z } from "zod";
import {
  configSchemas,
  NAMESPACE,
  PROVIDER_SECRET_KEYS,
  PROVIDER_VALUES,
  SECRET_KEYS,
} from "../components/config";

const ROOT = path.resolve(__dirname, "..");

/** Where the reference is written. */
export const OUTPUT = path.join(ROOT, "docs", "config.md");

/** Files whose TSDoc describes the settings; the top-level settings are `OpenMetadataSsoArgs`. */
export const SOURCES = ["components/openmetadata-sso.ts", "components/types.ts"];
const ROOT_INTERFACE = "OpenMetadataSsoArgs";

// ---------------------------------------------------------------------------------------------
// TSDoc, read with the TypeScript compiler API.
// ---------------------------------------------------------------------------------------------

/** The TSDoc of one interface property. */
export interface PropertyDoc {
  /** The comment text, on one line. */
  description: string;
  /** The `@default` tag's text, if any. */
  default?: string;
  /** Name of the property's interface or enum type (through `pulumi.Input<T>` and arrays). */
  typeName?: string;
  /** Where it is declared, for messages: `Interface.property`. */
  declaredAt: string;
}

/** TSDoc of the argument interfaces and of the `as const` enums. */
export interface TsDoc {
  interfaces: Map<string, Map<string, PropertyDoc>>;
  /** Enum name -> member value -> member description. */
  enums: Map<string, Map<string, string>>;
}

function oneLine(text: string | undefined): string {
  return (text ?? "").replace(/\s*\n\s*/g, " ").trim();
}

function jsDocOf(node: ts.Node): { description: string; default?: string } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const description = oneLine(
    docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join(" "),
  );
  const tag = docs.flatMap((doc) => doc.tags ?? []).find((t) => t.tagName.text === "default");
  const value = tag ? oneLine(ts.getTextOfJSDocComment(tag.comment)) : undefined;
  return value === undefined ? { description } : { description, default: value };
}

/** The named type behind a property type: `IdentityArgs`, `pulumi.Input<X>` -> X, `X[]` -> X. */
function typeNameOf(node: ts.TypeNode | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isArrayTypeNode(node)) return typeNameOf(node.elementType);
  if (ts.isUnionTypeNode(node)) {
    return node.types.map(typeNameOf).find((name) => name !== undefined);
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
    if (name === "Input" && node.typeArguments?.length === 1)
      return typeNameOf(node.typeArguments[0]);
    return name;
  }
  return undefined;
}

/** Reads the TSDoc of every interface and `as const` enum in the source files. */
export function readTsDoc(root = ROOT, sources = SOURCES): TsDoc {
  const interfaces = new Map<string, Map<string, PropertyDoc>>();
  const enums = new Map<string, Map<string, string>>();
  for (const file of sources) {
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(path.join(root, file), "utf8"),
      ts.ScriptTarget.Latest,
      true,
    );
    for (const statement of source.statements) {
      if (ts.isInterfaceDeclaration(statement)) {
        const properties = new Map<string, PropertyDoc>();
        for (const member of statement.members) {
          if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
          properties.set(member.name.text, {
            ...jsDocOf(member),
            typeName: typeNameOf(member.type),
            declaredAt: `${statement.name.text}.${member.name.text} (${file})`,
          });
        }
        interfaces.set(statement.name.text, properties);
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          let init = declaration.initializer;
          if (init && ts.isAsExpression(init)) init = init.expression;
          if (!ts.isIdentifier(declaration.name) || !init || !ts.isObjectLiteralExpression(init)) {
            continue;
          }
          const members = new Map<string, string>();
          for (const property of init.properties) {
            if (ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer)) {
              members.set(property.initializer.text, jsDocOf(property).description);
            }
          }
          enums.set(declaration.name.text, members);
        }
      }
    }
  }
  return { interfaces, enums };
}

// ---------------------------------------------------------------------------------------------
// The zod schema.
// ---------------------------------------------------------------------------------------------

type AnySchema = z.ZodType;

interface ZodDef {
  type: string;
  innerType?: AnySchema;
  defaultValue?: unknown;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  entries?: Record<string, string>;
  checks?: { _zod: { def: Record<string, unknown> } }[];
}

const defOf = (schema: AnySchema) => schema.def as unknown as ZodDef;

/** The schema under its optional/default/prefault wrappers, and what those wrappers say. */
function unwrap(schema: AnySchema): {
  inner: AnySchema;
  optional: boolean;
  defaultValue?: unknown;
  prefault: boolean;
} {
  let inner = schema;
  let optional = false;
  let prefault = false;
  let defaultValue: unknown;
  let hasDefault = false;
  for (;;) {
    const def = defOf(inner);
    if (def.type === "optional" || def.type === "nullable") optional = true;
    else if (def.type === "prefault") prefault = true;
    else if (def.type === "default") {
      // The outermost default is the one that applies.
      if (!hasDefault) defaultValue = def.defaultValue;
      hasDefault = true;
    } else break;
    inner = def.innerType!;
  }
  return hasDefault ? { inner, optional, prefault, defaultValue } : { inner, optional, prefault };
}

function checks(schema: AnySchema): Record<string, unknown>[] {
  return (defOf(schema).checks ?? []).map((check) => check._zod.def);
}

/** Type, allowed values and bounds, from the schema. */
function describeType(schema: AnySchema): string {
  const def = defOf(schema);
  // A constraint the schema checks in code states itself (`Constraint.doc` in schema.ts).
  const doc = (schema.meta() as { doc?: string } | undefined)?.doc;
  if (doc !== undefined) return doc;
  switch (def.type) {
    case "literal": {
      const values = [...(schema as unknown as { values: Set<unknown> }).values];
      const shown = values.map((value) => `\`${String(value)}\``);
      return values.length === 1 ? `only ${shown[0]}` : `one of ${shown.join(", ")}`;
    }
    case "string": {
      const all = checks(schema);
      const pattern = all.find((c) => c.format === "regex")?.pattern;
      const min = all.find((c) => c.check === "min_length")?.minimum as number | undefined;
      const max = all.find((c) => c.check === "max_length")?.maximum as number | undefined;
      if (pattern) return `string matching \`${String(pattern)}\``;
      const base = min !== undefined && min > 0 ? "non-empty string" : "string";
      return max !== undefined ? `${base}, at most ${max} characters` : base;
    }
    case "number": {
      const number = schema as unknown as {
        isInt: boolean;
        minValue: number | null;
        maxValue: number | null;
      };
      const base = number.isInt ? "integer" : "number";
      if (number.minValue !== null && number.maxValue !== null)
        return `${base} from ${number.minValue} to ${number.maxValue}`;
      return base;
    }
    case "boolean":
      return "boolean";
    case "enum":
      return `one of ${Object.values(def.entries!)
        .map((value) => `\`${value}\``)
        .join(", ")}`;
    case "array": {
      const min = checks(schema).find((c) => c.check === "min_length")?.minimum as
        number | undefined;
      const element = describeType(unwrap(def.element!).inner);
      return `list of ${element}${min ? `, at least ${min}` : ""}`;
    }
    case "object":
      return "object";
    default:
      return def.type;
  }
}

function formatValue(value: unknown): string {
  const text = Array.isArray(value)
    ? `[${value.map((item) => JSON.stringify(item)).join(", ")}]`
    : JSON.stringify(value);
  return `\`${text}\``;
}

// ---------------------------------------------------------------------------------------------
// Rows.
// ---------------------------------------------------------------------------------------------

/** One documented key. */
export interface ConfigKeyDoc {
  /** Full config key: `openmetadata-sso:identity.oidc.issuer`, `onelogin:clientId`. */
  key: string;
  type: string;
  default: string;
  secret: boolean;
  description: string;
}

/** The generated reference, and what keeps it from being complete and consistent. */
export interface ConfigDocs {
  settings: ConfigKeyDoc[];
  secrets: (ConfigKeyDoc & { path: string })[];
  providerValues: (ConfigKeyDoc & { path: string; env: string })[];
  /** Keys without a description, and TSDoc defaults that contradict the schema. */
  problems: string[];
  markdown: string;
}

/** Follows a dotted argument path through the interfaces to its property's TSDoc. */
function docAt(doc: TsDoc, argPath: string): PropertyDoc | undefined {
  let iface: string | undefined = ROOT_INTERFACE;
  let found: PropertyDoc | undefined;
  for (const part of argPath.split(".")) {
    found = iface === undefined ? undefined : doc.interfaces.get(iface)?.get(part);
    if (!found) return undefined;
    iface = found.typeName;
  }
  return found;
}

/** TSDoc `@default` text as shown: literal values as code, `- prose` as prose. */
function tsDocDefault(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.startsWith("-") ? value.replace(/^-\s*/, "") : `\`${value}\``;
}

function describeSetting(docs: TsDoc, property: PropertyDoc, inner: AnySchema): string {
  const values =
    defOf(inner).type === "enum" && property.typeName
      ? docs.enums.get(property.typeName)
      : undefined;
  // Only the members this key's schema accepts: a key may narrow a shared enum type.
  const accepted = new Set<unknown>(values ? Object.values(defOf(inner).entries ?? {}) : []);
  const documented = [...(values ?? [])].filter(([value, text]) => text && accepted.has(value));
  if (documented.length === 0) return property.description;
  return `${property.description}<br>${documented.map(([value, text]) => `\`${value}\`: ${text}`).join("<br>")}`;
}

function walk(
  docs: TsDoc,
  schema: AnySchema,
  argPath: string[],
  iface: string,
  rows: ConfigKeyDoc[],
  problems: string[],
): void {
  const key = `${NAMESPACE}:${argPath.join(".")}`;
  const name = argPath[argPath.length - 1];
  const property = docs.interfaces.get(iface)?.get(name);
  const { inner, optional, defaultValue, prefault } = unwrap(schema);
  if (!property) {
    problems.push(`${key}: no property ${name} in ${iface}, so it has no description`);
    return;
  }
  if (!property.description) {
    problems.push(`${key}: no description; add TSDoc to ${property.declaredAt}`);
  }
  let shownDefault: string;
  if (defaultValue !== undefined) {
    shownDefault = formatValue(defaultValue);
    const literal = property.default;
    if (literal !== undefined && !literal.startsWith("-")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(literal);
      } catch {
        parsed = Symbol("not JSON");
      }
      if (JSON.stringify(parsed) !== JSON.stringify(defaultValue)) {
        problems.push(
          `${key}: TSDoc @default ${literal} (${property.declaredAt}) contradicts the schema default ${JSON.stringify(defaultValue)}`,
        );
      }
    } else if (literal !== undefined) {
      problems.push(
        `${key}: TSDoc @default "${literal}" (${property.declaredAt}) contradicts the schema default ${JSON.stringify(defaultValue)}`,
      );
    }
  } else if (!optional && !prefault) {
    shownDefault = "required";
  } else {
    shownDefault = tsDocDefault(property.default) ?? "not set";
  }
  rows.push({
    key,
    type: describeType(inner),
    default: shownDefault,
    secret: false,
    description: describeSetting(docs, property, inner),
  });
  const shape = defOf(inner).type === "object" ? defOf(inner).shape! : {};
  for (const [child, childSchema] of Object.entries(shape)) {
    walk(docs, childSchema, [...argPath, child], property.typeName ?? "", rows, problems);
  }
}

/** Builds the reference in memory. */
export function generateConfigDocs(docs: TsDoc = readTsDoc()): ConfigDocs {
  const problems: string[] = [];
  const settings: ConfigKeyDoc[] = [];
  for (const [key, schema] of Object.entries(configSchemas)) {
    walk(docs, schema as AnySchema, [key], ROOT_INTERFACE, settings, problems);
  }
  const fromPath = (key: string, argPath: string) => {
    const property = docAt(docs, argPath);
    if (!property?.description) {
      problems.push(
        `${key}: no description; add TSDoc to ${property?.declaredAt ?? `the argument ${argPath}`}`,
      );
    }
    return property;
  };
  const secrets = SECRET_KEYS.map(({ key, path: argPath }) => {
    const property = fromPath(key, argPath);
    return {
      key,
      path: argPath,
      type: "string",
      default: tsDocDefault(property?.default) ?? "not set",
      secret: true,
      description: property?.description ?? "",
    };
  });
  const providerValues = PROVIDER_VALUES.map(({ key, env, path: argPath }) => {
    const property = fromPath(key, argPath);
    return {
      key,
      env,
      path: argPath,
      type: "string",
      default: `required with \`identity.provider: ${argPath.split(".")[1]}\`, or the environment variable \`${env}\``,
      secret: false,
      description: property?.description ?? "",
    };
  });
  const result = { settings, secrets, providerValues, problems };
  return { ...result, markdown: render(result) };
}

// ---------------------------------------------------------------------------------------------
// Markdown.
// ---------------------------------------------------------------------------------------------

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function table(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

function render(docs: Omit<ConfigDocs, "markdown">): string {
  const yesNo = (secret: boolean) => (secret ? "yes" : "no");
  return [
    "# Stack configuration reference",
    "",
    "<!-- Generated by `npm run docs:config` (scripts/gen-config-docs.ts) from the zod schema in",
    "components/config/schema.ts and the TSDoc in components/openmetadata-sso.ts and components/types.ts.",
    "Do not edit: test/config-docs.test.ts fails when this file is stale. -->",
    "",
    "Every setting of a stack lives in its stack file, `stacks/Pulumi.<stack>.yaml`. Nested settings",
    "are set with `--path`, secrets with `--secret`:",
    "",
    "```sh",
    "pulumi config set openmetadata-sso:publicUrl https://openmetadata.example.com",
    "pulumi config set --path 'openmetadata-sso:identity.oidc.issuer' https://idp.example.com",
    "pulumi config set --secret openmetadata-sso:clientSecret",
    "```",
    "",
    "The program validates the whole configuration before it creates anything and reports every",
    "problem at once, each naming the key, the value and the fix. The `OpenMetadataSso` component",
    "takes the same settings as arguments (`identity.oidc.issuer` is `args.identity.oidc.issuer`).",
    "",
    "## Settings",
    "",
    table(
      ["Key", "Type", "Default", "Secret", "Description"],
      docs.settings.map((row) => [
        `\`${row.key}\``,
        row.type,
        row.default,
        yesNo(row.secret),
        row.description,
      ]),
    ),
    "",
    "## Secrets",
    "",
    "Each secret is a key of its own, so it never sits in plain text inside a structured value. Set it",
    "with `pulumi config set --secret <key>`; a plain-text value is refused. The offline render",
    "(`npm run render`) puts a marked placeholder where a secret is missing.",
    "",
    table(
      ["Key", "Type", "Default", "Secret", "Used as", "Description"],
      docs.secrets.map((row) => [
        `\`${row.key}\``,
        row.type,
        row.default,
        yesNo(row.secret),
        `\`${row.path}\``,
        row.description,
      ]),
    ),
    "",
    "The identity and Docker providers' own credentials are refused in plain text too; set each with",
    "`pulumi config set --secret <key>`:",
    PROVIDER_SECRET_KEYS.map((key) => `\`${key}\``).join(", ") + ".",
    "",
    "## Values taken from the provider's own configuration",
    "",
    "These are set once, as the identity provider's Pulumi provider reads them, and never repeated",
    "under `openmetadata-sso:`.",
    "",
    table(
      ["Key", "Type", "Default", "Secret", "Used as", "Description"],
      docs.providerValues.map((row) => [
        `\`${row.key}\``,
        row.type,
        row.default,
        yesNo(row.secret),
        `\`${row.path}\``,
        row.description,
      ]),
    ),
    "",
  ].join("\n");
}

if (require.main === module) {
  const docs = generateConfigDocs();
  if (docs.problems.length > 0) {
    process.stderr.write(
      `docs/config.md not written:\n${docs.problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  const count = docs.settings.length + docs.secrets.length + docs.providerValues.length;
  const shown = path.relative(process.cwd(), OUTPUT);
  // An up-to-date file is left untouched, so test/docs.test.ts can run this command while other
  // test files read docs/config.md.
  if (fs.existsSync(OUTPUT) && fs.readFileSync(OUTPUT, "utf8") === docs.markdown) {
    process.stdout.write(`${shown} is up to date: ${count} keys\n`);
  } else {
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, docs.markdown);
    process.stdout.write(`wrote ${shown}: ${count} keys\n`);
  }
}
