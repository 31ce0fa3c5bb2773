/**
 * Reading resource properties the way `@pulumi/policy` hands them to a policy.
 *
 * During `pulumi preview`, a value that depends on a resource not created yet is unknown, and
 * `@pulumi/policy` throws its `UnknownValueError` the moment a policy reads it. Letting that error
 * escape is the honest answer when a conclusion needs the value: the engine then reports "can't run
 * policy ... during preview" and the policy runs again, with every value known, during
 * `pulumi up`, before the resource is created. Where a policy only looks for something that must
 * not be there, the unknown parts are skipped instead.
 */

/** The proxy `@pulumi/policy` 1.21.0 wraps properties in answers to these two keys. */
const IS_PROXY = "__isSpecialProxy";
const PROXY_TARGET = "__getSpecialProxyTarget";

/** True for the error `@pulumi/policy` throws when a policy reads an unknown value. */
export function isUnknownValueError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.constructor.name === "UnknownValueError" &&
    "unknownTypeSentinel" in error
  );
}

/** Reads a value; `undefined` when it is unknown during preview. */
export function ifKnown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return undefined;
    throw error;
  }
}

/** A plain record, or `undefined`. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A list, or `undefined`. */
export function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

/**
 * Strings of a list, as a plain array; other items are left out. Indexes one by one: array
 * methods that build a new array trip over the proxy `@pulumi/policy` gives remediations.
 */
export function strings(value: unknown): string[] {
  const items = list(value) ?? [];
  const found: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === "string") found.push(item);
  }
  return found;
}

/** The value at a dotted path of plain records. */
export function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    const parent = record(node);
    if (parent === undefined) return undefined;
    node = parent[key];
  }
  return node;
}

/**
 * Whether a value is true in a Helm template's `if`: anything but false, 0, null, an empty string,
 * list or map. So the string "false" is true.
 */
export function helmTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") {
    return false;
  }
  if (Array.isArray(value)) return value.length > 0;
  const fields = record(value);
  return fields === undefined || Object.keys(fields).length > 0;
}

/**
 * How a property is named in a message: `values.openmetadata.config.fernetkey.value`,
 * `data["private_key.der"]`, `envs[3]`.
 */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(part)) return i === 0 ? part : `.${part}`;
      return `[${JSON.stringify(part)}]`;
    })
    .join("");
}

/**
 * Calls `visit` for every string inside `value`, with its path. Unknown parts are skipped: a value
 * that is not known yet cannot be checked now and is checked during the update.
 */
export function eachString(
  value: unknown,
  visit: (text: string, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  if (typeof value === "string") {
    visit(value, path);
    return;
  }
  if (Array.isArray(value)) {
    const length = value.length;
    for (let i = 0; i < length; i++) {
      const item = ifKnown(() => value[i] as unknown);
      if (item !== undefined) eachString(item, visit, [...path, i]);
    }
    return;
  }
  const parent = record(value);
  if (parent === undefined) return;
  for (const key of Object.keys(parent)) {
    const item = ifKnown(() => parent[key]);
    if (item !== undefined) eachString(item, visit, [...path, key]);
  }
}

/**
 * The value under `@pulumi/policy`'s proxies. A remediation receives its properties through a
 * proxy that hides which values are secrets; the object behind it still holds them as
 * `policy.Secret` instances. (Validations receive secrets as plain values, with no trace of their
 * secretness: pulumi/pulumi-policy#241.)
 */
export function unproxied(value: unknown): unknown {
  let current = value;
  while (
    current !== null &&
    typeof current === "object" &&
    (current as Record<string, unknown>)[IS_PROXY] === true
  ) {
    current = (current as Record<string, unknown>)[PROXY_TARGET];
  }
  return current;
}
