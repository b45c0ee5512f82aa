// Anthropic message stream → OpenAI chat.completion.chunk stream, for an
// OpenAI client served by an Anthropic upstream.
import { formatSse, type SseEvent, type SseTransformer } from "../sse.ts";
import { chatCompletionId, nowSeconds, openAIFinishReason, openAIUsage } from "./shared.ts";
import type { AnthropicContentBlock, AnthropicStreamEvent, AnthropicUsage, OpenAIChatCompletionChunk, OpenAIChunkDelta, OpenAIFinishReason } from "./types.ts";

const DONE = formatSse({ data: "[DONE]" });

interface StreamState {
  model: string;
  includeUsage: boolean;
  id: string;
  created: number;
  roleSent: boolean;
  finishReason: OpenAIFinishReason | undefined;
  usage: Partial<AnthropicUsage>;
  /** Anthropic numbers every content block; OpenAI numbers only tool calls. */
  toolIndexByBlock: Map<number, number>;
  done: boolean;
}

function parseEvent(event: SseEvent): AnthropicStreamEvent | undefined {
  try {
    const data: unknown = JSON.parse(event.data);
    if (!data || typeof data !== "object") return undefined;
    const typed = data as { type?: unknown };
    // The `event:` line and the payload's type agree on Anthropic; trust either.
    if (typeof typed.type !== "string" && event.event) return { ...typed, type: event.event } as AnthropicStreamEvent;
    return typed as AnthropicStreamEvent;
  } catch {
    return undefined;
  }
}

/** message_delta repeats usage as running totals; a missing or null counter keeps its last value. */
function mergeUsage(into: Partial<AnthropicUsage>, from: Partial<Record<keyof AnthropicUsage, unknown>> | undefined): void {
  for (const key of ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] as const) {
    const value = from?.[key];
    if (typeof value === "number") into[key] = value;
  }
}

function write(state: StreamState, chunk: Omit<OpenAIChatCompletionChunk, "id" | "object" | "created" | "model">): string {
  // With include_usage, OpenAI sends `usage: null` on every chunk but the last.
  const usage = state.includeUsage ? { usage: null } : {};
  const body = { id: state.id, object: "chat.completion.chunk", created: state.created, model: state.model, ...usage, ...chunk };
  return formatSse({ data: JSON.stringify(body) });
}

function delta(state: StreamState, change: OpenAIChunkDelta, finishReason: OpenAIFinishReason | null = null): string {
  return write(state, { choices: [{ index: 0, delta: change, logprobs: null, finish_reason: finishReason }] });
}

/** OpenAI's first chunk names the role; a client that never saw it has no message to add to. */
function opening(state: StreamState): string {
  if (state.roleSent) return "";
  state.roleSent = true;
  return delta(state, { role: "assistant", content: "" });
}

function finish(state: StreamState): string {
  let out = opening(state) + delta(state, {}, state.finishReason ?? "stop");
  if (state.includeUsage) out += write(state, { choices: [], usage: openAIUsage(state.usage) });
  state.done = true;
  return out + DONE;
}

function blockStart(state: StreamState, index: number, block: AnthropicContentBlock): string {
  if (block.type === "text" && typeof block.text === "string" && block.text) return delta(state, { content: block.text });
  if (block.type !== "tool_use") return ""; // thinking and server-side tool blocks stay upstream
  const toolIndex = state.toolIndexByBlock.size;
  state.toolIndexByBlock.set(index, toolIndex);
  const input = block.input && typeof block.input === "object" && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : "";
  const call = { index: toolIndex, id: String(block.id), type: "function" as const, function: { name: String(block.name), arguments: input } };
  return delta(state, { tool_calls: [call] });
}

function blockDelta(state: StreamState, index: number, change: { type: string; [key: string]: unknown }): string {
  if (change.type === "text_delta" && typeof change.text === "string" && change.text) return delta(state, { content: change.text });
  const toolIndex = state.toolIndexByBlock.get(index);
  if (change.type !== "input_json_delta" || toolIndex === undefined) return ""; // thinking, signatures, citations
  const fragment = typeof change.partial_json === "string" ? change.partial_json : "";
  return fragment ? delta(state, { tool_calls: [{ index: toolIndex, function: { arguments: fragment } }] }) : "";
}

function failure(state: StreamState, error: { type?: string; message?: string } | undefined): string {
  state.done = true;
  const body = { error: { message: error?.message ?? "upstream stream failed", type: error?.type ?? "api_error", param: null, code: null } };
  return formatSse({ data: JSON.stringify(body) }) + DONE;
}

function onEvent(state: StreamState, event: AnthropicStreamEvent): string {
  switch (event.type) {
    case "message_start":
      if (!state.roleSent) state.id = chatCompletionId(event.message?.id);
      mergeUsage(state.usage, event.message?.usage);
      return opening(state);
    case "content_block_start":
      return opening(state) + blockStart(state, event.index, event.content_block ?? { type: "unknown" });
    case "content_block_delta":
      return opening(state) + blockDelta(state, event.index, event.delta ?? { type: "unknown" });
    case "message_delta":
      if (event.delta?.stop_reason) state.finishReason = openAIFinishReason(event.delta.stop_reason);
      mergeUsage(state.usage, event.usage);
      return "";
    case "message_stop":
      return finish(state);
    case "error":
      return failure(state, event.error);
    default:
      return ""; // ping, content_block_stop
  }
}

export function createAnthropicToOpenAIStream(model: string, options: { includeUsage: boolean }): SseTransformer {
  const state: StreamState = {
    model,
    includeUsage: options.includeUsage,
    id: chatCompletionId(),
    created: nowSeconds(),
    roleSent: false,
    finishReason: undefined,
    usage: {},
    toolIndexByBlock: new Map(),
    done: false,
  };
  return {
    push(event) {
      if (state.done) return "";
      const parsed = parseEvent(event);
      return parsed ? onEvent(state, parsed) : "";
    },
    end() {
      return state.done ? "" : finish(state);
    },
  };
}
