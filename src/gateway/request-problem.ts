// Says what is wrong with a chat request the quick check refused, as
// `messages[2].tool_call_id: expected a string, got a number`: the field and
// the types, never the value (a body may hold secrets). zod and the request
// schemas are loaded here, on the error path only.
import type * as z from "zod/mini";
import { describeType, formatKeyPath, valueAt } from "../state/schema-errors.ts";
import type { ApiFormat } from "./api-errors.ts";
import { MAX_NESTING, tooDeepAt } from "./request-nesting.ts";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export interface RequestProblem {
  message: string;
  /** The first offending field (`messages[2].tool_call_id`); OpenAI errors carry it as `param`. */
  param: string | null;
}

interface Finding {
  path: Path;
  expected: string;
}

const MAX_FINDINGS = 3;

async function requestSchema(format: ApiFormat): Promise<z.ZodMiniType> {
  if (format === "openai") return (await import("./openai-request-schema.ts")).OpenAIChatRequestSchema;
  return (await import("./anthropic-request-schema.ts")).AnthropicMessagesRequestSchema;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function expectation(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return article(issue.expected);
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "a valid value";
  }
}

/** A union member whose `type` did not match: it says nothing about what the caller meant. */
function missedDiscriminator(issue: Issue): boolean {
  return issue.path.length === 1 && issue.path[0] === "type" && (issue.code === "invalid_value" || issue.code === "invalid_format");
}

function depth(issues: readonly Issue[]): number {
  return Math.max(
    ...issues.map((issue) => issue.path.length + (issue.code === "invalid_union" ? 1 + Math.max(...issue.errors.map(depth)) : 0)),
  );
}

/**
 * zod reports a failed union with every member's issues. Keep the members
 * whose `type` matched (a text part with a bad `text`); if they all failed
 * on the value's own type, say which types would do; else follow the member
 * that got furthest into the value.
 */
function unionFindings(issue: Extract<Issue, { code: "invalid_union" }>, prefix: Path): Finding[] {
  const members = issue.errors.filter((member) => !member.some(missedDiscriminator));
  const candidates = members.length > 0 ? members : issue.errors;
  const path = [...prefix, ...issue.path];
  if (candidates.every((member) => member.length === 1 && member[0]!.code === "invalid_type" && member[0]!.path.length === 0)) {
    const types = [...new Set(candidates.map((member) => expectation(member[0]!)))];
    return [{ path, expected: types.join(" or ") }];
  }
  const best = candidates.reduce((a, b) => (depth(b) > depth(a) ? b : a));
  return best.flatMap((inner) => findings(inner, path));
}

function findings(issue: Issue, prefix: Path = []): Finding[] {
  if (issue.code === "invalid_union" && issue.errors.length > 0) return unionFindings(issue, prefix);
  return [{ path: [...prefix, ...issue.path], expected: expectation(issue) }];
}

function got(value: unknown): string {
  // 1e999 parses as Infinity, which JSON cannot carry onward.
  if (typeof value === "number" && !Number.isFinite(value)) return "a number out of range";
  return describeType(value);
}

export async function explainMalformedRequest(format: ApiFormat, body: Record<string, unknown>): Promise<RequestProblem> {
  const result = (await requestSchema(format)).safeParse(body);
  if (!result.success) {
    const found = result.error.issues.flatMap((issue) => findings(issue));
    const lines = found.slice(0, MAX_FINDINGS).map((f) => `${formatKeyPath(f.path)}: expected ${f.expected}, got ${got(valueAt(body, f.path))}`);
    if (found.length > MAX_FINDINGS) lines.push(`and ${found.length - MAX_FINDINGS} more`);
    return { message: `${lines.join("; ")}.`, param: found[0] ? formatKeyPath(found[0].path) : null };
  }
  const deep = tooDeepAt(body, MAX_NESTING);
  if (deep) {
    const where = formatKeyPath(deep);
    return { message: `${where}: arrays and objects nest more than ${MAX_NESTING} levels deep.`, param: where };
  }
  return { message: "The request body is malformed.", param: null };
}
