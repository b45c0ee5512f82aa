// Mappings both translation directions need: ids, stop reasons, usage, and the
// small parsing chores (data URLs, tool-call arguments) around them.
import { randomUUID } from "node:crypto";
import { lookupTable } from "../../state/own-keys.ts";
import type { AnthropicStopReason, AnthropicUsage, OpenAIFinishReason, OpenAIUsage } from "./types.ts";

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomSuffix(): string {
  return randomUUID().replaceAll("-", "").slice(0, 24);
}

/** Reuses the upstream id when there is one, so logs on both sides can be matched up. */
export function chatCompletionId(messageId?: string): string {
  const base = messageId?.replace(/^msg_/, "");
  return `chatcmpl-${base || randomSuffix()}`;
}

export function anthropicMessageId(completionId?: string): string {
  const base = completionId?.replace(/^chatcmpl-/, "").replace(/[^a-zA-Z0-9_-]/g, "_");
  return `msg_${base || randomSuffix()}`;
}

/**
 * Anthropic rejects tool_use ids outside [a-zA-Z0-9_-]; some OpenAI-compatible
 * upstreams use ids like "functions.get_weather:0". The same mapping is applied
 * to a tool call and to its result, so the pair still matches.
 */
export function anthropicToolUseId(id: string | undefined): string {
  const safe = id?.replace(/[^a-zA-Z0-9_-]/g, "_");
  return safe || `toolu_${randomSuffix()}`;
}

// Null-prototype tables: the keys are whatever the upstream sent ("constructor" maps to nothing).
const FINISH_REASON_FOR_STOP = lookupTable<Record<AnthropicStopReason, OpenAIFinishReason>>({
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
});

export function openAIFinishReason(stopReason: string | null | undefined): OpenAIFinishReason {
  return FINISH_REASON_FOR_STOP[stopReason as AnthropicStopReason] ?? "stop";
}

const STOP_REASON_FOR_FINISH = lookupTable<Record<OpenAIFinishReason, AnthropicStopReason>>({
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  // Anthropic's "refusal" promises a refusal-shaped message, which a filtered OpenAI reply is not.
  content_filter: "end_turn",
});

/** `sawToolCalls` fixes upstreams that end a tool-calling turn with "stop". */
export function anthropicStopReason(finishReason: string | null | undefined, sawToolCalls = false): AnthropicStopReason {
  const mapped = STOP_REASON_FOR_FINISH[finishReason as OpenAIFinishReason] ?? "end_turn";
  return sawToolCalls && mapped === "end_turn" ? "tool_use" : mapped;
}

/**
 * Which of the client's stop sequences ended an OpenAI-compatible reply, when
 * the upstream says: vLLM puts the matched string in the choice's
 * `stop_reason`, SGLang in `matched_stop` (a number there is a stop token id,
 * not a sequence). OpenAI itself says only finish_reason "stop", whether the
 * model ended its turn or hit a stop sequence, so then it stays unknown.
 */
export function matchedStopSequence(choice: object | null | undefined, requested: readonly string[] | undefined): string | undefined {
  if (!choice || !requested?.length) return undefined;
  const fields = choice as { stop_reason?: unknown; matched_stop?: unknown };
  for (const value of [fields.stop_reason, fields.matched_stop]) {
    if (typeof value === "string" && requested.includes(value)) return value;
  }
  return undefined;
}

/** The Anthropic stop_reason and stop_sequence for how an OpenAI choice finished. */
export function anthropicStop(
  finishReason: string | null | undefined,
  sawToolCalls: boolean,
  matched: string | undefined,
): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  const reason = anthropicStopReason(finishReason, sawToolCalls);
  if (matched !== undefined && finishReason === "stop" && reason === "end_turn") return { stop_reason: "stop_sequence", stop_sequence: matched };
  return { stop_reason: reason, stop_sequence: null };
}

/** Anthropic counts cached prompt tokens apart from input_tokens; OpenAI counts them inside prompt_tokens. */
export function openAIUsage(usage: Partial<AnthropicUsage> | undefined): OpenAIUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage?.output_tokens ?? 0;
  const details = { cached_tokens: cacheRead, ...(cacheWrite > 0 ? { cache_write_tokens: cacheWrite } : {}) };
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: details };
}

export function anthropicUsage(usage: OpenAIUsage | null | undefined): AnthropicUsage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/**
 * Anthropic needs tool input as an object. Arguments that are empty, not JSON
 * (a reply cut off by max_tokens) or not an object become {}.
 */
export function parseToolArguments(args: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args ?? "");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `data:<media type>[;base64],<data>` → base64 payload; percent-encoded payloads are re-encoded. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const mediaType = match[1] || "text/plain";
  const isBase64 = (match[2] ?? "").split(";").includes("base64");
  const payload = match[3] ?? "";
  try {
    const data = isBase64 ? payload : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64");
    return { mediaType, data };
  } catch {
    return undefined; // malformed percent-encoding
  }
}

export function dataUrl(mediaType: string, base64: string): string {
  return `data:${mediaType};base64,${base64}`;
}

/** The text of a string or of the text parts/blocks in an array; other parts are skipped. */
export function plainText(content: unknown, separator = ""): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part): part is { type: "text"; text: string } => part?.type === "text" && typeof part.text === "string")
    .map((part) => part.text)
    .join(separator);
}
