// Whole (non-streamed) Chat Completions answers, both ways, and the mappings
// the stream code shares: finish reasons, usage, ids. The client side renders
// a hub response for an OpenAI client; the upstream side parses an OpenAI
// upstream's answer into the hub.
import { lookupTable } from "../../../state/own-keys.ts";
import { chatCompletionId, nowSeconds, plainText } from "../shared.ts";
import type { HubPart, HubProblem, HubRequest, HubResponse, HubStopReason, HubUsage } from "../hub.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** An id already in Chat Completions form stays; another API's (msg_…) keeps its tail, so logs on both sides match. */
export function completionIdFor(id: string | undefined): string {
  return id?.startsWith("chatcmpl-") ? id : chatCompletionId(id);
}

// ------------------------------------------------------------ finish reasons

// Null-prototype tables: the keys are whatever the other side sent.
const FINISH_REASON = lookupTable<Record<HubStopReason, string>>({
  end: "stop",
  stop_sequence: "stop",
  pause: "stop",
  max_tokens: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  refusal: "content_filter",
});

export function finishReason(stop: HubStopReason | undefined): string {
  return (stop && FINISH_REASON[stop]) ?? "stop";
}

const STOP_REASON = lookupTable<Record<string, HubStopReason>>({
  stop: "end",
  length: "max_tokens",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
});

/**
 * How a choice finished. `sawToolCalls` fixes upstreams that end a tool-calling
 * turn with "stop"; `matched` is the client's stop sequence the upstream named.
 */
export function hubStop(finish: unknown, sawToolCalls: boolean, matched: string | undefined): { stopReason: HubStopReason; stopSequence?: string } {
  const mapped = (typeof finish === "string" && STOP_REASON[finish]) || "end";
  if (sawToolCalls && mapped === "end") return { stopReason: "tool_calls" };
  if (matched !== undefined && finish === "stop" && mapped === "end") return { stopReason: "stop_sequence", stopSequence: matched };
  return { stopReason: mapped };
}

/**
 * Which of the client's stop sequences ended the reply, when the upstream says:
 * vLLM puts the matched string in the choice's `stop_reason`, SGLang in
 * `matched_stop` (a number there is a token id; a string the client never asked
 * for is the server's own, e.g. "<|im_end|>"). OpenAI itself never says.
 */
export function matchedStop(choice: unknown, request: HubRequest | undefined): string | undefined {
  const requested = request?.stop;
  if (!isObject(choice) || !requested?.length) return undefined;
  for (const value of [choice.stop_reason, choice.matched_stop]) {
    if (typeof value === "string" && requested.includes(value)) return value;
  }
  return undefined;
}

// --------------------------------------------------------------------- usage

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** prompt_tokens already includes cached tokens, as the hub counts them. */
export function hubUsage(usage: unknown): HubUsage {
  const from = isObject(usage) ? usage : {};
  const prompt = isObject(from.prompt_tokens_details) ? from.prompt_tokens_details : {};
  const completion = isObject(from.completion_tokens_details) ? from.completion_tokens_details : {};
  const out: HubUsage = { inputTokens: count(from.prompt_tokens) ?? 0, outputTokens: count(from.completion_tokens) ?? 0 };
  const cacheRead = count(prompt.cached_tokens);
  const cacheWrite = count(prompt.cache_write_tokens);
  const reasoning = count(completion.reasoning_tokens);
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteTokens = cacheWrite;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}

export function openAIUsage(usage: Partial<HubUsage> | undefined): Json {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  const details = { cached_tokens: usage?.cacheReadTokens ?? 0, ...(cacheWrite > 0 ? { cache_write_tokens: cacheWrite } : {}) };
  const reasoning = usage?.reasoningTokens !== undefined ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {};
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: details, ...reasoning };
}

// ---------------------------------------------------------------- client side

/** Thinking has no place in a chat.completion and is left out, as before. */
export function renderResponse(response: HubResponse, model: string): Json {
  const text = response.parts.flatMap((part) => (part.kind === "text" ? [part.text] : [])).join("");
  const refusal = response.parts.flatMap((part) => (part.kind === "refusal" ? [part.text] : [])).join("");
  const toolCalls = response.parts.flatMap((part) =>
    part.kind === "tool_call" ? [{ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } }] : [],
  );
  const message = {
    role: "assistant",
    // OpenAI sends "" for an empty answer, null beside tool calls or a refusal.
    content: text.length > 0 || (toolCalls.length === 0 && !refusal) ? text : null,
    refusal: refusal || null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: completionIdFor(response.id),
    object: "chat.completion",
    created: response.created,
    model,
    choices: [{ index: 0, message, finish_reason: finishReason(response.stopReason), logprobs: null }],
    usage: openAIUsage(response.usage),
  };
}

// -------------------------------------------------------------- upstream side

/** Only the first choice is read (the gateway never asks for more). */
export function parseResponse(body: unknown, request?: HubRequest): HubResponse | HubProblem {
  if (!isObject(body)) return { problem: "the upstream's answer is not a JSON object" };
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isObject(choice) && isObject(choice.message) ? choice.message : {};
  const parts: HubPart[] = [];
  const text = plainText(message.content);
  if (text) parts.push({ kind: "text", text });
  if (typeof message.refusal === "string" && message.refusal) parts.push({ kind: "refusal", text: message.refusal });
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (!isObject(call)) continue;
    const fn = isObject(call.function) ? call.function : {};
    parts.push({ kind: "tool_call", id: String(call.id ?? ""), name: String(fn.name ?? ""), arguments: typeof fn.arguments === "string" ? fn.arguments : "" });
  }
  const sawToolCalls = parts.some((part) => part.kind === "tool_call");
  const finish = isObject(choice) ? choice.finish_reason : undefined;
  return {
    id: typeof body.id === "string" && body.id ? body.id : chatCompletionId(),
    model: typeof body.model === "string" ? body.model : "",
    created: count(body.created) ?? nowSeconds(),
    parts,
    ...hubStop(finish, sawToolCalls, matchedStop(choice, request)),
    usage: hubUsage(body.usage),
  };
}

/** `{error: {message}}` (OpenAI and most compatible servers), `{error: "…"}`, `{message}` or FastAPI's `{detail}`. */
export function errorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const { error } = body;
  if (typeof error === "string" && error) return error;
  if (isObject(error) && typeof error.message === "string" && error.message) return error.message;
  if (typeof body.message === "string" && body.message) return body.message;
  if (typeof body.detail === "string" && body.detail) return body.detail;
  return undefined;
}
