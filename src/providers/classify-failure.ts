// Turns an upstream failure (HTTP status, error message, error code) into a
// FailureReason (spec §6.5), and reads how long the upstream asked us to wait.
// The status is the strongest signal; message patterns cover errors that
// arrive without one (stream errors, SDK messages); network codes come last.
import type { FailureReason } from "../auth/failure-reason.ts";

export interface FailureInput {
  status?: number;
  message?: string;
  code?: string;
}

const CLAUDE_CODE_ONLY = /only authorized for use with claude code/i;

/** Anthropic's answer to a subscription token used outside Claude Code; no retry or refresh will fix it. */
export function isClaudeCodeOnlyError(message: string): boolean {
  return CLAUDE_CODE_ONLY.test(message);
}

type PatternGroup = readonly [FailureReason, readonly RegExp[]];

// Image size errors are the request's fault; OpenClaw does not fail over on them.
const IMAGE_PATTERNS = [/image (?:dimensions?|size)|image\b.*\b(?:too large|exceeds)/i];

const MODEL_NOT_FOUND_PATTERNS = [
  /model[_ ]not[_ ]found/i,
  /unknown model/i,
  /no such model/i,
  /model\b.*\b(?:does not exist|not found|is not supported)/i,
];

const PERMANENT_AUTH_PATTERNS = [
  /api[ _-]?key (?:(?:has been|was|is) )?(?:revoked|invalid|deactivated|deleted)/i,
  /invalid_api_key/i,
  /key has been (?:disabled|revoked)/i,
  /account has been (?:deactivated|disabled)/i,
  /could not authenticate.*api[ _-]?key/i,
];

// In the order OpenClaw tests them: the first group that matches wins.
const MESSAGE_GROUPS: readonly PatternGroup[] = [
  ["format", IMAGE_PATTERNS],
  ["model_not_found", MODEL_NOT_FOUND_PATTERNS],
  // A status at the start ("503 Service Unavailable", "HTTP 502") rather than any number: "500 tokens" is not a 5xx.
  ["timeout", [/^\s*(?:http\s*)?5\d\d\b|\bstatus(?: code)?:?\s*5\d\d\b/i, /internal (?:server )?error|\bapi_error\b|bad gateway|gateway timeout/i]],
  [
    "rate_limit",
    [
      /rate[_ ]limit|too many requests|\b429\b/i,
      /model_cooldown|cooling down/i,
      /exceeded your current quota|resource has been exhausted|quota exceeded|resource_exhausted|usage limit/i,
      /\btpm\b|tokens per minute/i,
      /overloaded|service unavailable|high demand/i,
    ],
  ],
  ["format", [/string should match pattern/i, /tool_use\.id|tool_use_id|tool_call_id/i, /invalid request format/i, /roles must alternate/i]],
  [
    "billing",
    [
      /\b402\b|payment required/i,
      /insufficient (?:credits|balance)|credit balance|plans (?:&|and) billing/i,
      /billing.*\b(?:upgrade|credits?|payment|plan)\b|\b(?:upgrade|credits?|payment|plan)\b.*billing/i,
    ],
  ],
  ["timeout", [/timeout|timed out|deadline exceeded|stop reason: abort/i]],
  ["auth_permanent", PERMANENT_AUTH_PATTERNS],
  [
    "auth",
    [
      /invalid (?:x-)?api[ _-]?key|incorrect api[ _-]?key|invalid token/i,
      /authenticat|re-authenticate|oauth token refresh failed/i,
      /unauthori[sz]ed|forbidden|access denied|insufficient permissions?|missing scope/i,
      /expired|\b401\b|\b403\b/i,
      /no credentials found|no api key found/i,
    ],
  ],
];

// Socket-level failures (Node and undici codes): the network, not the credential.
const NETWORK_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNRESET",
  "ECONNABORTED",
  "ECONNREFUSED",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
]);

function matchesAny(text: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((pattern) => pattern.test(text));
}

/** The reason the message patterns alone give, or undefined when none matches. */
export function classifyMessage(text: string): FailureReason | undefined {
  if (!text) return undefined;
  if (isClaudeCodeOnlyError(text)) return "auth_permanent";
  return MESSAGE_GROUPS.find(([, patterns]) => matchesAny(text, patterns))?.[0];
}

// A 400 is usually the request's fault, but Anthropic also answers 400 for an
// empty credit balance and for the Claude-Code-only token: those say so in words.
const REASONS_THAT_OUTRANK_400 = new Set<FailureReason>(["billing", "auth_permanent", "rate_limit", "model_not_found"]);

function classifyStatus(status: number, text: string): FailureReason | undefined {
  if (status === 402) return "billing";
  if (status === 429) return "rate_limit";
  if (status === 401 || status === 403) return matchesAny(text, PERMANENT_AUTH_PATTERNS) ? "auth_permanent" : "auth";
  if (status === 408) return "timeout";
  // 529 (Anthropic "overloaded") lands here too: the provider's load, not this credential's fault.
  if (status >= 500 && status <= 599) return "timeout";
  // Anthropic's 404 body is just `model: <id>`, so any mention of a model is enough here.
  if (status === 404) return matchesAny(text, MODEL_NOT_FOUND_PATTERNS) || /\bmodel\b/i.test(text) ? "model_not_found" : undefined;
  if (status === 400) {
    const fromMessage = classifyMessage(text);
    return fromMessage !== undefined && REASONS_THAT_OUTRANK_400.has(fromMessage) ? fromMessage : "format";
  }
  return undefined;
}

export function classifyFailure(input: FailureInput): FailureReason {
  // The code may be an API error code (`invalid_api_key`, `insufficient_quota`), so it is read as text too.
  const text = [input.message, input.code].filter((part): part is string => Boolean(part)).join(" ");
  if (isClaudeCodeOnlyError(text)) return "auth_permanent";
  const fromStatus = input.status !== undefined ? classifyStatus(input.status, text) : undefined;
  if (fromStatus) return fromStatus;
  const fromMessage = classifyMessage(text);
  if (fromMessage) return fromMessage;
  if (input.code && NETWORK_CODES.has(input.code.toUpperCase())) return "timeout";
  return "unknown";
}

/**
 * Whether trying another credential or model can help. A `format` error is the
 * request's own fault: it goes back to the client instead of burning every other
 * credential on the same bad body. `unknown` is not retried either (OpenClaw
 * fails over only on errors it recognises), so surprises surface instead of looping.
 */
export function isFailoverWorthy(reason: FailureReason): boolean {
  return reason !== "format" && reason !== "unknown";
}

/**
 * Milliseconds to wait from `now`, from a Retry-After value: delta-seconds
 * (fractions allowed) or an HTTP-date. A date in the past gives 0; anything
 * unreadable gives undefined.
 */
export function parseRetryAfterMs(header: string | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only a date with letters in it: Date.parse also reads bare numbers like "-5" or "1e3".
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** OpenAI's `retry-after-ms` (milliseconds) wins over the standard `retry-after`. */
export function retryAfterMsFromHeaders(header: (name: string) => string | null | undefined, now: number): number | undefined {
  const ms = header("retry-after-ms")?.trim();
  if (ms && /^\d+(?:\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  return parseRetryAfterMs(header("retry-after") ?? undefined, now);
}
