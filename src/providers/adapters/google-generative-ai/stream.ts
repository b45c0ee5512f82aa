// Gemini streamGenerateContent?alt=sse → hub stream events.
//
// Every `data:` is a partial GenerateContentResponse: new text (or thought
// summary) to append, whole function calls (Gemini does not stream their
// arguments), and on the last chunk a finishReason, with usageMetadata as
// running totals. There is no event naming a part's start or end, so a text
// or thinking part stays open until something else arrives.
import { nowSeconds } from "../shared.ts";
import type { StreamDecoder, SseEvent } from "../adapter.ts";
import type { HubStreamEvent, HubUsage } from "../hub.ts";
import {
  blockedPrompt,
  errorMessage,
  errorStatus,
  finishOf,
  hubUsage,
  responseId,
  toolCallArguments,
  toolCallId,
  type GeminiResponse,
  type GeminiResponsePart,
} from "./response.ts";

interface StreamState {
  started: boolean;
  done: boolean;
  nextIndex: number;
  /** The text or thinking part being appended to. */
  open: { index: number; kind: "text" | "thinking" } | undefined;
  calls: number;
  usage: HubUsage | undefined;
}

/** The prompt's counts, which are final from the first chunk (the output's are running totals). */
function promptUsage(usage: HubUsage): Partial<HubUsage> {
  return { inputTokens: usage.inputTokens, ...(usage.cacheReadTokens !== undefined ? { cacheReadTokens: usage.cacheReadTokens } : {}) };
}

function parseChunk(data: string): GeminiResponse | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === "object" ? (parsed as GeminiResponse) : undefined;
  } catch {
    return undefined; // not JSON (a keep-alive, a stray line): nothing to say
  }
}

function close(state: StreamState, out: HubStreamEvent[]): void {
  if (!state.open) return;
  out.push({ type: "part_stop", index: state.open.index });
  state.open = undefined;
}

function fail(state: StreamState, message: string, errorType?: string): HubStreamEvent[] {
  state.done = true;
  return [{ type: "error", message, ...(errorType ? { errorType } : {}) }];
}

function onPart(state: StreamState, part: GeminiResponsePart, out: HubStreamEvent[]): void {
  const call = part.functionCall;
  if (call !== null && typeof call === "object") {
    close(state, out);
    const index = state.nextIndex++;
    out.push({ type: "part_start", index, part: { kind: "tool_call", id: toolCallId(call, state.calls++), name: String(call.name ?? "") } });
    out.push({ type: "tool_arguments_delta", index, json: toolCallArguments(call) });
    out.push({ type: "part_stop", index });
    return;
  }
  // Empty texts come with a lone thoughtSignature; inline images and code have no hub counterpart.
  if (typeof part.text !== "string" || part.text.length === 0) return;
  const kind = part.thought === true ? "thinking" : "text";
  if (state.open?.kind !== kind) {
    close(state, out);
    state.open = { index: state.nextIndex++, kind };
    out.push({ type: "part_start", index: state.open.index, part: { kind } });
  }
  const index = state.open.index;
  out.push(kind === "text" ? { type: "text_delta", index, text: part.text } : { type: "thinking_delta", index, text: part.text });
}

function onChunk(state: StreamState, chunk: GeminiResponse): HubStreamEvent[] {
  const failed = errorMessage(chunk);
  if (failed !== undefined) return fail(state, failed, errorStatus(chunk));
  const blocked = blockedPrompt(chunk);
  if (blocked !== undefined) return fail(state, blocked, "content_filter");
  const out: HubStreamEvent[] = [];
  if (chunk.usageMetadata) state.usage = hubUsage(chunk.usageMetadata);
  if (!state.started) {
    state.started = true;
    const start: HubStreamEvent = { type: "start", id: responseId(chunk), model: chunk.modelVersion ?? "", created: nowSeconds() };
    // Gemini counts the prompt from the first chunk on: said at the start, as Anthropic's message_start does
    // (clients that read input tokens only there, like LangChain's ChatAnthropic, would see 0 otherwise).
    out.push(state.usage && chunk.usageMetadata?.promptTokenCount !== undefined ? { ...start, usage: promptUsage(state.usage) } : start);
  }
  const candidate = chunk.candidates?.[0];
  for (const part of candidate?.content?.parts ?? []) onPart(state, part, out);
  if (candidate?.finishReason) {
    close(state, out);
    const finish = finishOf(candidate, state.calls > 0);
    if ("failure" in finish) return [...out, ...fail(state, finish.failure)];
    out.push({ type: "finish", stopReason: finish.stopReason, ...(state.usage ? { usage: state.usage } : {}) });
    state.done = true;
  }
  return out;
}

export function createStreamDecoder(): StreamDecoder {
  const state: StreamState = { started: false, done: false, nextIndex: 0, open: undefined, calls: 0, usage: undefined };
  return {
    decode(event: SseEvent): HubStreamEvent[] {
      if (state.done) return [];
      const chunk = parseChunk(event.data);
      return chunk ? onChunk(state, chunk) : [];
    },
    end(): HubStreamEvent[] {
      if (state.done) return [];
      if (!state.started) return fail(state, "Gemini's stream ended before it answered");
      // The stream broke off before a finishReason: end what was said, as the other APIs' decoders do.
      const out: HubStreamEvent[] = [];
      close(state, out);
      state.done = true;
      out.push({ type: "finish", stopReason: state.calls > 0 ? "tool_calls" : "end", ...(state.usage ? { usage: state.usage } : {}) });
      return out;
    },
  };
}
