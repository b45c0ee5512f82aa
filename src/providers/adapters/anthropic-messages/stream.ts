// Anthropic Messages streams, both ways: hub events encoded as the event stream
// an Anthropic client reads, and an Anthropic upstream's events decoded into
// hub events.
import { formatSse } from "../../sse.ts";
import { anthropicMessageId, anthropicToolUseId, nowSeconds } from "../shared.ts";
import type { SseEvent, StreamDecoder, StreamEncoder } from "../adapter.ts";
import type { HubStopReason, HubStreamEvent, HubUsage } from "../hub.ts";
import { anthropicStop, anthropicUsage, hubStopReason, hubUsage, messageId } from "./response.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "overloaded_error",
]);

function sse(type: string, payload: Json): string {
  return formatSse({ event: type, data: JSON.stringify({ type, ...payload }) });
}

// ======================================================== hub → client

/** Anthropic content blocks are strictly sequential: at most one is open at a time. */
interface OpenBlock {
  /** The hub part's index, and the block's (Anthropic numbers only what it was sent). */
  part: number;
  index: number;
  kind: "text" | "tool" | "thinking";
}

/** Thinking held back until its signature shows it is Anthropic's own (unsigned thinking is not sent, as today). */
interface HeldThinking {
  part: number;
  text: string[];
}

export function createStreamEncoder(model: string): StreamEncoder {
  let started = false;
  let done = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  let held: HeldThinking | undefined;
  let sawToolCalls = false;
  let usage: Partial<HubUsage> = {};

  const start = (id?: string, known?: Partial<HubUsage>): string => {
    if (started) return "";
    started = true;
    if (known) usage = { ...known };
    const message = { id: messageId(id), type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(known) };
    return sse("message_start", { message });
  };
  const close = (): string => {
    held = undefined;
    if (!open) return "";
    const { index } = open;
    open = undefined;
    return sse("content_block_stop", { index });
  };
  const openBlock = (part: number, kind: OpenBlock["kind"], block: Json): string => {
    const out = close();
    open = { part, index: nextIndex++, kind };
    return out + sse("content_block_start", { index: open.index, content_block: block });
  };
  const delta = (part: number, kind: OpenBlock["kind"], change: Json): string => {
    // A delta for a part whose block already closed (interleaved parts) cannot be placed.
    if (open?.part !== part || open.kind !== kind) return "";
    return sse("content_block_delta", { index: open.index, delta: change });
  };
  const finish = (reason: HubStopReason, sequence: string | undefined, final: Partial<HubUsage> | undefined): string => {
    if (final) usage = { ...usage, ...final };
    // Input tokens known only at the end (OpenAI) go in message_delta's usage, which Anthropic allows.
    const closing = { delta: anthropicStop(reason, sequence, sawToolCalls), usage: anthropicUsage(usage) };
    const out = start() + close() + sse("message_delta", closing) + sse("message_stop", {});
    done = true;
    return out;
  };

  const encode = (event: HubStreamEvent): string => {
    if (done) return "";
    switch (event.type) {
      case "start":
        return start(event.id, event.usage);
      case "part_start": {
        const out = start();
        const { part } = event;
        if (part.kind === "tool_call") {
          sawToolCalls = true;
          return out + openBlock(event.index, "tool", { type: "tool_use", id: anthropicToolUseId(part.id), name: part.name, input: {} });
        }
        if (part.kind === "thinking") {
          const closed = close();
          held = { part: event.index, text: [] };
          return out + closed;
        }
        return out + openBlock(event.index, "text", { type: "text", text: "" });
      }
      case "text_delta":
        return event.text ? delta(event.index, "text", { type: "text_delta", text: event.text }) : "";
      case "tool_arguments_delta":
        return event.json ? delta(event.index, "tool", { type: "input_json_delta", partial_json: event.json }) : "";
      case "thinking_delta":
        if (held?.part === event.index) {
          held.text.push(event.text);
          return "";
        }
        return event.text ? delta(event.index, "thinking", { type: "thinking_delta", thinking: event.text }) : "";
      case "thinking_encrypted":
        return ""; // OpenAI's encrypted reasoning means nothing to an Anthropic client
      case "thinking_signature": {
        let out = "";
        if (held?.part === event.index) {
          const text = held.text.join("");
          out += openBlock(event.index, "thinking", { type: "thinking", thinking: "", signature: "" });
          if (text) out += delta(event.index, "thinking", { type: "thinking_delta", thinking: text });
        }
        return out + delta(event.index, "thinking", { type: "signature_delta", signature: event.signature });
      }
      case "part_stop":
        if (held?.part === event.index) held = undefined;
        return open?.part === event.index ? close() : "";
      case "finish":
        return finish(event.stopReason, event.stopSequence, event.usage);
      case "error": {
        done = true;
        const type = ERROR_TYPES.has(event.errorType ?? "") ? event.errorType : /rate_limit/.test(event.errorType ?? "") ? "rate_limit_error" : "api_error";
        return sse("error", { error: { type, message: event.message || "upstream stream failed" } });
      }
    }
  };

  return {
    encode,
    // A stream that never finished still ends as a whole message, as today.
    end: () => (done ? "" : finish("end", undefined, undefined)),
  };
}

// ======================================================== upstream → hub

function parseEvent(event: SseEvent): Json | undefined {
  try {
    const data: unknown = JSON.parse(event.data);
    if (!isObject(data)) return undefined;
    // The `event:` line and the payload's type agree on Anthropic; trust either.
    if (typeof data.type !== "string" && event.event) return { ...data, type: event.event };
    return data;
  } catch {
    return undefined;
  }
}

export function createStreamDecoder(): StreamDecoder {
  let started = false;
  let done = false;
  let nextPart = 0;
  /** Anthropic block index → hub part index, for the blocks the hub carries (not redacted thinking or server tools). */
  const parts = new Map<number, number>();
  const openParts = new Set<number>();
  let stopReason: HubStopReason | undefined;
  let stopSequence: string | undefined;
  let usage: Partial<HubUsage> = {};

  const startEvent = (message: Json | undefined): HubStreamEvent[] => {
    if (started) return [];
    started = true;
    const known = hubUsage(message?.usage);
    usage = { ...known };
    const id = typeof message?.id === "string" && message.id ? message.id : anthropicMessageId();
    const start: HubStreamEvent = { type: "start", id, model: typeof message?.model === "string" ? message.model : "", created: nowSeconds() };
    return [Object.keys(known).length > 0 ? { ...start, usage: known } : start];
  };

  const blockStart = (index: number, block: Json): HubStreamEvent[] => {
    const part = nextPart;
    const claim = () => {
      nextPart++;
      parts.set(index, part);
      openParts.add(part);
    };
    switch (block.type) {
      case "text": {
        claim();
        const text = typeof block.text === "string" ? block.text : "";
        return [{ type: "part_start", index: part, part: { kind: "text" } }, ...(text ? [{ type: "text_delta" as const, index: part, text }] : [])];
      }
      case "tool_use": {
        claim();
        const id = anthropicToolUseId(typeof block.id === "string" ? block.id : undefined);
        const input = isObject(block.input) && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : "";
        return [{ type: "part_start", index: part, part: { kind: "tool_call", id, name: String(block.name ?? "") } }, ...(input ? [{ type: "tool_arguments_delta" as const, index: part, json: input }] : [])];
      }
      case "thinking": {
        claim();
        const text = typeof block.thinking === "string" ? block.thinking : "";
        const signature = typeof block.signature === "string" ? block.signature : "";
        return [
          { type: "part_start", index: part, part: { kind: "thinking" } },
          ...(text ? [{ type: "thinking_delta" as const, index: part, text }] : []),
          ...(signature ? [{ type: "thinking_signature" as const, index: part, signature }] : []),
        ];
      }
      default:
        // redacted_thinking has no stream form in the hub; server-tool blocks never answer a hub-built request.
        return [];
    }
  };

  const blockDelta = (index: number, change: Json): HubStreamEvent[] => {
    const part = parts.get(index);
    if (part === undefined) return [];
    if (change.type === "text_delta" && typeof change.text === "string" && change.text) return [{ type: "text_delta", index: part, text: change.text }];
    if (change.type === "input_json_delta" && typeof change.partial_json === "string" && change.partial_json) return [{ type: "tool_arguments_delta", index: part, json: change.partial_json }];
    if (change.type === "thinking_delta" && typeof change.thinking === "string" && change.thinking) return [{ type: "thinking_delta", index: part, text: change.thinking }];
    if (change.type === "signature_delta" && typeof change.signature === "string" && change.signature) return [{ type: "thinking_signature", index: part, signature: change.signature }];
    return []; // citations
  };

  const stopAll = (): HubStreamEvent[] => {
    const out: HubStreamEvent[] = [...openParts].map((index) => ({ type: "part_stop", index }));
    openParts.clear();
    return out;
  };

  const finish = (): HubStreamEvent[] => {
    done = true;
    return [
      ...startEvent(undefined),
      ...stopAll(),
      { type: "finish", stopReason: stopReason ?? "end", ...(stopSequence !== undefined ? { stopSequence } : {}), usage: { ...usage } },
    ];
  };

  return {
    decode(sseEvent) {
      if (done) return [];
      const event = parseEvent(sseEvent);
      if (!event) return [];
      switch (event.type) {
        case "message_start":
          return startEvent(isObject(event.message) ? event.message : undefined);
        case "content_block_start":
          return [...startEvent(undefined), ...(typeof event.index === "number" && isObject(event.content_block) ? blockStart(event.index, event.content_block) : [])];
        case "content_block_delta":
          return typeof event.index === "number" && isObject(event.delta) ? blockDelta(event.index, event.delta) : [];
        case "content_block_stop": {
          const part = typeof event.index === "number" ? parts.get(event.index) : undefined;
          if (part === undefined || !openParts.delete(part)) return [];
          return [{ type: "part_stop", index: part }];
        }
        case "message_delta": {
          const delta = isObject(event.delta) ? event.delta : {};
          if (typeof delta.stop_reason === "string") stopReason = hubStopReason(delta.stop_reason);
          if (typeof delta.stop_sequence === "string") stopSequence = delta.stop_sequence;
          // Running totals; a missing or null counter keeps its last value (input tokens include the cache's).
          const update = hubUsage({ ...usageCounters(usage), ...definedCounters(event.usage) });
          usage = { ...usage, ...update };
          return [];
        }
        case "message_stop":
          return finish();
        case "error": {
          done = true;
          const error = isObject(event.error) ? event.error : {};
          const message = typeof error.message === "string" && error.message ? error.message : "upstream stream failed";
          return [{ type: "error", message, ...(typeof error.type === "string" ? { errorType: error.type } : {}) }];
        }
        default:
          return []; // ping, and kinds yet to come
      }
    },
    end() {
      return done ? [] : finish();
    },
  };
}

/** The Anthropic counters behind hub usage so far (input back apart from the cache's), for merging a message_delta into. */
function usageCounters(usage: Partial<HubUsage>): Json {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    ...(usage.inputTokens !== undefined ? { input_tokens: usage.inputTokens - cacheRead - cacheWrite } : {}),
    ...(usage.outputTokens !== undefined ? { output_tokens: usage.outputTokens } : {}),
    ...(usage.cacheReadTokens !== undefined ? { cache_read_input_tokens: usage.cacheReadTokens } : {}),
    ...(usage.cacheWriteTokens !== undefined ? { cache_creation_input_tokens: usage.cacheWriteTokens } : {}),
  };
}

function definedCounters(usage: unknown): Json {
  if (!isObject(usage)) return {};
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => typeof value === "number"));
}
