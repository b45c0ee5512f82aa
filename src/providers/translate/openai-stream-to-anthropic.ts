// OpenAI chat.completion.chunk stream → Anthropic message stream, for an
// Anthropic client served by an OpenAI-compatible upstream.
import { formatSse, type SseEvent, type SseTransformer } from "../sse.ts";
import { anthropicMessageId, anthropicStop, anthropicToolUseId, anthropicUsage, matchedStopSequence } from "./shared.ts";
import type { OpenAIChatCompletionChunk, OpenAIChunkDelta, OpenAIToolCallDelta, OpenAIUsage } from "./types.ts";

const ANTHROPIC_ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "rate_limit_error",
  "api_error",
  "overloaded_error",
]);

/** Anthropic content blocks are strictly sequential: at most one is open at a time. */
interface OpenBlock {
  index: number;
  kind: "text" | "tool";
  toolKey?: string;
}

interface StreamState {
  model: string;
  started: boolean;
  nextIndex: number;
  open: OpenBlock | undefined;
  toolKeys: Set<string>;
  finishReason: string | undefined;
  /** The client's stop sequences, and the one the upstream said it stopped at (vLLM, SGLang). */
  stopSequences: readonly string[];
  matchedStop: string | undefined;
  usage: OpenAIUsage | undefined;
  done: boolean;
}

function anthropicEvent(type: string, payload: Record<string, unknown>): string {
  return formatSse({ event: type, data: JSON.stringify({ type, ...payload }) });
}

function parseChunk(event: SseEvent): OpenAIChatCompletionChunk | undefined {
  try {
    const data: unknown = JSON.parse(event.data);
    return data && typeof data === "object" ? (data as OpenAIChatCompletionChunk) : undefined;
  } catch {
    return undefined;
  }
}

/** Tool calls are keyed by index; a few upstreams omit it and only send an id with each new call. */
function toolKey(call: OpenAIToolCallDelta, open: OpenBlock | undefined): string {
  if (typeof call.index === "number") return `index:${call.index}`;
  if (call.id) return `id:${call.id}`;
  return open?.toolKey ?? "index:0";
}

function errorEvent(error: { message?: string; type?: string; code?: unknown }): string {
  const code = String(error.code ?? "");
  const type = ANTHROPIC_ERROR_TYPES.has(error.type ?? "") ? error.type : code.includes("rate_limit") ? "rate_limit_error" : "api_error";
  return anthropicEvent("error", { error: { type, message: error.message ?? "upstream stream failed" } });
}

function start(state: StreamState, completionId?: string): string {
  if (state.started) return "";
  state.started = true;
  const message = {
    id: anthropicMessageId(completionId),
    type: "message",
    role: "assistant",
    model: state.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    // OpenAI reports usage only at the end; the closing message_delta carries it.
    usage: anthropicUsage(undefined),
  };
  return anthropicEvent("message_start", { message });
}

function closeBlock(state: StreamState): string {
  if (!state.open) return "";
  const { index } = state.open;
  state.open = undefined;
  return anthropicEvent("content_block_stop", { index });
}

function openBlock(state: StreamState, kind: OpenBlock["kind"], contentBlock: Record<string, unknown>, key?: string): string {
  const out = closeBlock(state);
  const index = state.nextIndex++;
  state.open = { index, kind, ...(key ? { toolKey: key } : {}) };
  return out + anthropicEvent("content_block_start", { index, content_block: contentBlock });
}

function text(state: StreamState, fragment: string): string {
  const out = state.open?.kind === "text" ? "" : openBlock(state, "text", { type: "text", text: "" });
  return out + anthropicEvent("content_block_delta", { index: state.open?.index, delta: { type: "text_delta", text: fragment } });
}

function toolCall(state: StreamState, call: OpenAIToolCallDelta): string {
  const key = toolKey(call, state.open);
  let out = "";
  if (!state.toolKeys.has(key)) {
    state.toolKeys.add(key);
    const block = { type: "tool_use", id: anthropicToolUseId(call.id), name: call.function?.name ?? "", input: {} };
    out += openBlock(state, "tool", block, key);
  }
  const fragment = call.function?.arguments;
  // A fragment for a call whose block already closed (interleaved calls) cannot be placed.
  if (!fragment || state.open?.toolKey !== key) return out;
  const change = { type: "input_json_delta", partial_json: fragment };
  return out + anthropicEvent("content_block_delta", { index: state.open.index, delta: change });
}

function onDelta(state: StreamState, delta: OpenAIChunkDelta): string {
  let out = "";
  if (typeof delta.content === "string" && delta.content) out += text(state, delta.content);
  else if (typeof delta.refusal === "string" && delta.refusal) out += text(state, delta.refusal);
  for (const call of delta.tool_calls ?? []) out += toolCall(state, call);
  return out; // reasoning fields are dropped: Anthropic thinking blocks need a signature we cannot make
}

function onChunk(state: StreamState, chunk: OpenAIChatCompletionChunk): string {
  if (chunk.error) {
    state.done = true;
    return errorEvent(chunk.error);
  }
  let out = start(state, chunk.id);
  if (chunk.usage) state.usage = chunk.usage;
  for (const choice of chunk.choices ?? []) {
    if (choice.index !== undefined && choice.index !== 0) continue; // n > 1 has no Anthropic form
    out += onDelta(state, choice.delta ?? {});
    if (choice.finish_reason) {
      state.finishReason = choice.finish_reason;
      state.matchedStop = matchedStopSequence(choice, state.stopSequences);
      out += closeBlock(state);
    }
  }
  return out;
}

function finish(state: StreamState): string {
  const stop = anthropicStop(state.finishReason, state.toolKeys.size > 0, state.matchedStop);
  // OpenAI reports input tokens only here, at the end; Anthropic allows them in message_delta's usage too.
  const closing = { delta: stop, usage: anthropicUsage(state.usage) };
  const out = start(state) + closeBlock(state) + anthropicEvent("message_delta", closing);
  state.done = true;
  return out + anthropicEvent("message_stop", {});
}

export function createOpenAIToAnthropicStream(model: string, options: { stopSequences?: readonly string[] } = {}): SseTransformer {
  const state: StreamState = {
    model,
    stopSequences: options.stopSequences ?? [],
    matchedStop: undefined,
    started: false,
    nextIndex: 0,
    open: undefined,
    toolKeys: new Set(),
    finishReason: undefined,
    usage: undefined,
    done: false,
  };
  return {
    push(event) {
      if (state.done) return "";
      if (event.data.trim() === "[DONE]") return finish(state);
      const chunk = parseChunk(event);
      return chunk ? onChunk(state, chunk) : "";
    },
    end() {
      return state.done ? "" : finish(state);
    },
  };
}
