import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyFailure, isClaudeCodeOnlyError, isFailoverWorthy, parseRetryAfterMs, retryAfterMsFromHeaders } from "./classify-failure.ts";

const CLAUDE_CODE_ONLY = "This credential is only authorized for use with Claude Code and cannot be used for other API requests.";

test("the status decides first", () => {
  assert.equal(classifyFailure({ status: 402 }), "billing");
  assert.equal(classifyFailure({ status: 429, message: "anything" }), "rate_limit");
  assert.equal(classifyFailure({ status: 401, message: "invalid x-api-key" }), "auth");
  assert.equal(classifyFailure({ status: 403, message: "Forbidden" }), "auth");
  assert.equal(classifyFailure({ status: 408 }), "timeout");
  for (const status of [500, 502, 503, 504, 529]) assert.equal(classifyFailure({ status }), "timeout", `status ${status}`);
  assert.equal(classifyFailure({ status: 400, message: "messages.0.content: Field required" }), "format");
  // The status outranks words that would mean something else on their own.
  assert.equal(classifyFailure({ status: 429, message: "timed out" }), "rate_limit");
  assert.equal(classifyFailure({ status: 503, message: "overloaded" }), "timeout");
});

test("401 and 403 are permanent when the message says the key is gone", () => {
  assert.equal(classifyFailure({ status: 401, message: "API key revoked" }), "auth_permanent");
  assert.equal(classifyFailure({ status: 403, message: "Your account has been deactivated" }), "auth_permanent");
  assert.equal(classifyFailure({ status: 401, message: "Incorrect API key provided", code: "invalid_api_key" }), "auth_permanent");
  assert.equal(classifyFailure({ status: 401, message: "Token has expired" }), "auth");
});

test("404 is model_not_found only when the message is about the model", () => {
  assert.equal(classifyFailure({ status: 404, message: "The model `gpt-9` does not exist or you do not have access to it." }), "model_not_found");
  assert.equal(classifyFailure({ status: 404, message: "model: claude-nope" }), "model_not_found");
  assert.equal(classifyFailure({ status: 404, message: "Not Found" }), "unknown");
  assert.equal(classifyFailure({ status: 404 }), "unknown");
});

test("a 400 that names billing, a rate limit or a dead credential is not a format error", () => {
  const credit = "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.";
  assert.equal(classifyFailure({ status: 400, message: credit }), "billing");
  assert.equal(classifyFailure({ status: 400, message: "model_not_found" }), "model_not_found");
  assert.equal(classifyFailure({ status: 400, message: "tool_use.id: String should match pattern" }), "format");
  // Broad auth words do not turn a bad request into an auth failure.
  assert.equal(classifyFailure({ status: 400, message: "image url expired" }), "format");
});

test("the Claude-Code-only answer is permanent whatever the status", () => {
  assert.equal(isClaudeCodeOnlyError(CLAUDE_CODE_ONLY), true);
  assert.equal(isClaudeCodeOnlyError(CLAUDE_CODE_ONLY.toUpperCase()), true);
  assert.equal(isClaudeCodeOnlyError("invalid x-api-key"), false);
  assert.equal(classifyFailure({ status: 400, message: CLAUDE_CODE_ONLY }), "auth_permanent");
  assert.equal(classifyFailure({ status: 401, message: CLAUDE_CODE_ONLY }), "auth_permanent");
  assert.equal(classifyFailure({ message: CLAUDE_CODE_ONLY }), "auth_permanent");
});

test("without a status, message groups are tried in OpenClaw's order", () => {
  const cases: Array<[string, string]> = [
    ["image dimensions exceed max allowed size", "format"],
    ["model not found: claude-x", "model_not_found"],
    ["503 Service Unavailable", "timeout"],
    ["Internal server error", "timeout"],
    ["Rate limit reached for requests", "rate_limit"],
    ["429 Too Many Requests", "rate_limit"],
    ["You exceeded your current quota, please check your plan and billing details", "rate_limit"],
    ["RESOURCE_EXHAUSTED", "rate_limit"],
    ["Request too large for tpm limit", "rate_limit"],
    ["overloaded_error: Overloaded", "rate_limit"],
    ["messages.1.content.0.tool_use.id: String should match pattern", "format"],
    ["payment required", "billing"],
    ["insufficient credits", "billing"],
    ["Billing hard limit reached; upgrade your plan", "billing"],
    ["Request timed out.", "timeout"],
    ["deadline exceeded", "timeout"],
    ["API key deactivated", "auth_permanent"],
    ["could not authenticate with the provided api key", "auth_permanent"],
    ["invalid api key", "auth"],
    ["OAuth token refresh failed for anthropic", "auth"],
    ["No credentials found for profile \"anthropic:x\".", "auth"],
    ["something odd happened", "unknown"],
  ];
  for (const [message, reason] of cases) assert.equal(classifyFailure({ message }), reason, message);
});

test("numbers inside a sentence are not statuses", () => {
  assert.equal(classifyFailure({ message: "max_tokens: 500 is too many for this model" }), "unknown");
});

test("network error codes are timeouts; other codes are read as text", () => {
  for (const code of ["ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNRESET", "ECONNABORTED", "UND_ERR_HEADERS_TIMEOUT"]) {
    assert.equal(classifyFailure({ message: "fetch failed", code }), "timeout", code);
  }
  assert.equal(classifyFailure({ code: "insufficient_quota" }), "unknown");
  assert.equal(classifyFailure({ code: "rate_limit_exceeded" }), "rate_limit");
  assert.equal(classifyFailure({}), "unknown");
});

test("failover is for what another credential or model can fix", () => {
  for (const reason of ["rate_limit", "billing", "auth", "auth_permanent", "timeout", "model_not_found"] as const) {
    assert.equal(isFailoverWorthy(reason), true, reason);
  }
  assert.equal(isFailoverWorthy("format"), false);
  assert.equal(isFailoverWorthy("unknown"), false);
});

test("Retry-After is read as seconds or as an HTTP date", () => {
  const now = Date.parse("2026-02-26T12:00:00Z");
  assert.equal(parseRetryAfterMs("120", now), 120_000);
  assert.equal(parseRetryAfterMs(" 1.5 ", now), 1_500);
  assert.equal(parseRetryAfterMs("0", now), 0);
  assert.equal(parseRetryAfterMs("Thu, 26 Feb 2026 12:05:00 GMT", now), 300_000);
  assert.equal(parseRetryAfterMs("Thu, 26 Feb 2026 11:00:00 GMT", now), 0);
  assert.equal(parseRetryAfterMs(undefined, now), undefined);
  assert.equal(parseRetryAfterMs("", now), undefined);
  assert.equal(parseRetryAfterMs("-5", now), undefined);
  assert.equal(parseRetryAfterMs("soon", now), undefined);
});

test("retry-after-ms wins over retry-after", () => {
  const now = 1_000;
  const headers = (values: Record<string, string>) => (name: string) => values[name];
  assert.equal(retryAfterMsFromHeaders(headers({ "retry-after-ms": "1500", "retry-after": "60" }), now), 1_500);
  assert.equal(retryAfterMsFromHeaders(headers({ "retry-after": "60" }), now), 60_000);
  assert.equal(retryAfterMsFromHeaders(headers({ "retry-after-ms": "junk", "retry-after": "2" }), now), 2_000);
  assert.equal(retryAfterMsFromHeaders(headers({}), now), undefined);
  assert.equal(retryAfterMsFromHeaders((name) => new Headers({ "Retry-After": "7" }).get(name), now), 7_000);
});
