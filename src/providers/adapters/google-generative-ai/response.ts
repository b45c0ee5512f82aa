// Gemini GenerateContentResponse → hub response, and the pieces the stream
// decoder shares with it: finish reasons, usage, tool-call ids, refusals.
import { randomUUID } from "node:crypto";
import { lookupTable } from "../../../state/own-keys.ts";
import { nowSeconds } from "../shared.ts";
import type { HubPart, HubProblem, HubResponse, HubStopReason, HubUsage } from "../hub.ts";

export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: unknown;
}

export interface GeminiResponsePart {
  text?: string;
  /** A thought summary (only with thinkingConfig.includeThoughts). */
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: GeminiFunctionCall;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiResponsePart[] };
  finishReason?: string;
  finishMessage?: string;
}

export interface GeminiUsageMetadata {
  /** Includes cachedContentTokenCount. */
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  /** The answer, without the thoughts. */
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  /** Prompt tokens of built-in tools' results (code execution, search); not part of promptTokenCount. */
  toolUsePromptTokenCount?: number;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function randomSuffix(length: number): string {
  return randomUUID().replaceAll("-", "").slice(0, length);
}

/** Gemini's responseId, or a made-up one when it sent none. */
export function responseId(response: GeminiResponse): string {
  return response.responseId || `gemini-${randomSuffix(24)}`;
}

/** Gemini's own call id when it sends one (newer models do), else `call_<n>_<random>`: clients need an id to answer. */
export function toolCallId(call: GeminiFunctionCall, ordinal: number): string {
  return typeof call.id === "string" && call.id.length > 0 ? call.id : `call_${ordinal}_${randomSuffix(16)}`;
}

/** The call's arguments as JSON text (Gemini sends an object). */
export function toolCallArguments(call: GeminiFunctionCall): string {
  return JSON.stringify(isObject(call.args) ? call.args : {});
}

/** The message of an error body, `{error: {code, message, status}}` (streamed JSON arrays wrap it in a list). */
export function errorMessage(body: unknown): string | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (!isObject(first) || !isObject(first.error)) return undefined;
  const { message, status } = first.error;
  if (typeof message === "string" && message.length > 0) return message;
  return typeof status === "string" ? status : undefined;
}

/**
 * The wait a 429 names in its body: Gemini sends no Retry-After header but a
 * `google.rpc.RetryInfo` detail, `{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}`
 * (a protobuf Duration: seconds, possibly fractional, then "s").
 */
export function retryAfterMs(body: unknown): number | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  const details = isObject(first) && isObject(first.error) && Array.isArray(first.error.details) ? first.error.details : [];
  for (const detail of details) {
    if (!isObject(detail) || typeof detail["@type"] !== "string" || !detail["@type"].endsWith("google.rpc.RetryInfo")) continue;
    const delay = typeof detail.retryDelay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim()) : null;
    if (delay) return Math.round(Number(delay[1]) * 1000);
  }
  return undefined;
}

export function errorStatus(body: unknown): string | undefined {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  return typeof error?.status === "string" ? error.status : undefined;
}

/** A prompt Gemini refused to answer at all: no candidates, only promptFeedback.blockReason. The issue calls that an error, not an empty answer. */
export function blockedPrompt(response: GeminiResponse): string | undefined {
  if ((response.candidates?.length ?? 0) > 0) return undefined;
  const feedback = response.promptFeedback;
  if (!feedback?.blockReason) return undefined;
  const detail = feedback.blockReasonMessage ? ` (${feedback.blockReasonMessage})` : "";
  return `blocked by Gemini's safety filters: ${feedback.blockReason}${detail}`;
}

// Null-prototype table: the keys are whatever the upstream sent.
const STOP_REASON = lookupTable<Record<string, HubStopReason>>({
  STOP: "end",
  MAX_TOKENS: "max_tokens",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
  IMAGE_RECITATION: "content_filter",
  // LANGUAGE, OTHER, NO_IMAGE, IMAGE_OTHER, FINISH_REASON_UNSPECIFIED and anything new: the answer simply ended.
});

/**
 * Endings where the model tried to call a function and failed: the answer
 * is empty or cut off, and calling it a normal end would let an agent stop
 * silently, so they are errors (a retry usually succeeds).
 */
const FAILED_CALL = lookupTable<Record<string, string>>({
  MALFORMED_FUNCTION_CALL: "Gemini produced a malformed function call",
  UNEXPECTED_TOOL_CALL: "Gemini called a tool that was not offered",
  TOO_MANY_TOOL_CALLS: "Gemini made too many consecutive tool calls",
});

export type Finish = { stopReason: HubStopReason } | { failure: string };

/** `sawToolCalls`: Gemini ends a turn that calls functions with STOP, as any other. */
export function finishOf(candidate: GeminiCandidate, sawToolCalls: boolean): Finish {
  const reason = candidate.finishReason ?? "STOP";
  const failure = FAILED_CALL[reason];
  if (failure !== undefined) return { failure: candidate.finishMessage ? `${failure}: ${candidate.finishMessage}` : failure };
  const mapped = STOP_REASON[reason] ?? "end";
  return { stopReason: sawToolCalls && mapped === "end" ? "tool_calls" : mapped };
}

/**
 * Gemini counts cached tokens inside promptTokenCount, as the hub does
 * (hub.ts HubUsage), and thoughts apart from candidatesTokenCount; the hub
 * counts thoughts as output (they are billed as such), with reasoningTokens
 * saying how many of them.
 */
export function hubUsage(meta: GeminiUsageMetadata | undefined): HubUsage {
  const cached = meta?.cachedContentTokenCount ?? 0;
  const thoughts = meta?.thoughtsTokenCount ?? 0;
  const usage: HubUsage = {
    inputTokens: (meta?.promptTokenCount ?? 0) + (meta?.toolUsePromptTokenCount ?? 0),
    outputTokens: (meta?.candidatesTokenCount ?? 0) + thoughts,
  };
  if (cached > 0) usage.cacheReadTokens = cached;
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  return usage;
}

/**
 * The candidate's parts as hub parts: text, thought summaries as thinking,
 * function calls as tool calls. Neighbouring texts (or thoughts) join.
 * Thought signatures are not kept: no client API can carry them back to us
 * (see SKIP_THOUGHT_SIGNATURE), and in a thinking part they would reach
 * Anthropic as a signature it cannot verify.
 */
function hubParts(parts: GeminiResponsePart[]): HubPart[] {
  const out: HubPart[] = [];
  let calls = 0;
  for (const part of parts) {
    if (isObject(part.functionCall)) {
      const call = part.functionCall;
      out.push({ kind: "tool_call", id: toolCallId(call, calls++), name: String(call.name ?? ""), arguments: toolCallArguments(call) });
      continue;
    }
    if (typeof part.text !== "string" || part.text.length === 0) continue; // inline images, executable code: no hub counterpart
    const next: HubPart = part.thought === true ? { kind: "thinking", text: part.text } : { kind: "text", text: part.text };
    const last = out.at(-1);
    if ((last?.kind === "text" || last?.kind === "thinking") && last.kind === next.kind) last.text += next.text;
    else out.push(next);
  }
  return out;
}

export function parseResponse(body: unknown): HubResponse | HubProblem {
  if (!isObject(body)) return { problem: "Gemini's answer is not a JSON object" };
  const failed = errorMessage(body);
  if (failed !== undefined) return { problem: failed };
  const response = body as GeminiResponse;
  const blocked = blockedPrompt(response);
  if (blocked !== undefined) return { problem: blocked };
  const candidate = response.candidates?.[0];
  if (!candidate) return { problem: "Gemini answered without a candidate" };
  const parts = hubParts(candidate.content?.parts ?? []);
  const finish = finishOf(candidate, parts.some((part) => part.kind === "tool_call"));
  if ("failure" in finish) return { problem: finish.failure };
  return {
    id: responseId(response),
    model: response.modelVersion ?? "",
    created: nowSeconds(),
    parts,
    stopReason: finish.stopReason,
    usage: hubUsage(response.usageMetadata),
  };
}
