// Turns zod issues into "key path: expected X, got Y" lines that name what the
// user wrote by its type only (never its value: it might be a secret).
import type * as z from "zod/mini";

type Issue = z.core.$ZodIssue;

export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(top level)";
}

/** The value at `path`, following own keys only (undefined where the path leads nowhere). */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function describeType(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value.trim() === "" ? "an empty string" : "a string";
  // `1e999` parses as Infinity: say so, rather than "expected a number, got a number".
  if (typeof value === "number" && Number.isNaN(value)) return "NaN (not a number)";
  if (typeof value === "number" && !Number.isFinite(value)) {
    return `a number too large to represent (it reads as ${value > 0 ? "infinity" : "minus infinity"})`;
  }
  return `a ${typeof value}`;
}

// Fields of OpenClaw's files that hold a moment as milliseconds since 1970 (spec §1.3, §6.3).
const TIME_FIELDS: ReadonlySet<string> = new Set(["expires", "lastUsed", "cooldownUntil", "disabledUntil", "lastFailureAt", "until"]);

/** What a numeric field at `path` should hold, in words. */
export function expectedNumber(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  return typeof last === "string" && TIME_FIELDS.has(last) ? "a time in milliseconds since 1970" : "a number";
}

function expectation(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "number") return expectedNumber(issue.path);
      return issue.expected === "object" ? "an object" : issue.expected === "array" ? "an array" : `a ${issue.expected}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "string") return "a non-empty string";
      return `a value ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      return `a value ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}`;
    case "invalid_union": {
      // A discriminated union names its options ("type": api_key | token | oauth).
      const options = (issue as { options?: unknown[] }).options;
      return Array.isArray(options) ? `one of ${options.map((v) => JSON.stringify(v)).join(", ")}` : "a string or an object";
    }
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "a valid value";
  }
}

/** One line per problem, at most `limit`, the deepest (most specific) first. */
export function formatIssues(issues: readonly Issue[], data: unknown, limit = 5): string[] {
  const lines = issues.slice(0, limit).map((issue) => {
    const got = valueAt(data, issue.path);
    const received = issue.code === "invalid_type" || issue.code === "invalid_union" || issue.code === "invalid_value" ? `, got ${describeType(got)}` : "";
    return `${formatKeyPath(issue.path)}: expected ${expectation(issue)}${received}`;
  });
  if (issues.length > limit) lines.push(`… and ${issues.length - limit} more`);
  return lines;
}
