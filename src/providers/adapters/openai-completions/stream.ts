// chat.completion.chunk streams, both ways: the encoder writes what an OpenAI
// client is sent, the decoder reads what an OpenAI upstream sends, with the
// hub's events in between.
import { formatSse } from "../../sse.ts";
import { anthropicToolUseId, chatCompletionId, nowSeconds } from "../shared.ts";
import type { SseEvent, StreamDecoder, StreamEncoder } from "../adapter.ts";
import type { HubRequest, HubStopReason, HubStreamEvent, HubUsage } from "../hub.ts";
import { completionIdFor, finishReason, hubStop, hubUsage, matchedStop, openAIUsage } from "./response.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const DONE = formatSse({ data: "[DONE]" });

const USAGE_KEYS = ["inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens"] as const;

/** Usage arrives in pieces (start, finish); a missing counter keeps its last value. */
function mergeUsage(into: Partial<HubUsage>, from: Partial<HubUsage> | undefined): void {
  for (const key of USAGE_KEYS) {
    const value = from?.[key];
    if (typeof value === "number") into[key] = value;
  }
}

// ================================================================== encoder

/**
 * `includeUsage`: the client asked for stream_options.include_usage; then every
 * chunk carries `usage: null` and a last chunk (no choices) the counts, as OpenAI does.
 */
export function createEncoder(model: string, body?: Record<string, unknown>): StreamEncoder {
  const options = isObject(body?.stream_options) ? body.stream_options : {};
  const includeUsage = options.include_usage === true;
  let id = chatCompletionId();
  let created = nowSeconds();
  let roleSent = false;
  let finished = false;
  let failed = false;
  let ended = false;
  let stopReason: HubStopReason | undefined;
  const usage: Partial<HubUsage> = {};
  /** The hub numbers every part; OpenAI numbers only tool calls. */
  const kinds = new Map<number, string>();
  const toolIndex = new Map<number, number>();

  function write(chunk: Json): string {
    const body = { id, object: "chat.completion.chunk", created, model, ...(includeUsage ? { usage: null } : {}), ...chunk };
    return formatSse({ data: JSON.stringify(body) });
  }
  function delta(change: Json, finish: string | null = null): string {
    return write({ choices: [{ index: 0, delta: change, logprobs: null, finish_reason: finish }] });
  }
  /** OpenAI's first chunk names the role; a client that never saw it has no message to add to. */
  function opening(): string {
    if (roleSent) return "";
    roleSent = true;
    return delta({ role: "assistant", content: "" });
  }
  function finish(): string {
    finished = true;
    let out = opening() + delta({}, finishReason(stopReason));
    if (includeUsage) out += write({ choices: [], usage: openAIUsage(usage) });
    return out;
  }

  function encode(event: HubStreamEvent): string {
    if (finished || failed || ended) return "";
    switch (event.type) {
      case "start":
        if (!roleSent) {
          id = completionIdFor(event.id);
          if (typeof event.created === "number") created = event.created;
        }
        mergeUsage(usage, event.usage);
        return opening();
      case "part_start": {
        kinds.set(event.index, event.part.kind);
        if (event.part.kind !== "tool_call") return opening();
        const index = toolIndex.size;
        toolIndex.set(event.index, index);
        const call = { index, id: event.part.id, type: "function", function: { name: event.part.name, arguments: "" } };
        return opening() + delta({ tool_calls: [call] });
      }
      case "text_delta": {
        if (!event.text) return opening();
        const kind = kinds.get(event.index);
        if (kind === "thinking") return opening();
        return opening() + delta(kind === "refusal" ? { refusal: event.text } : { content: event.text });
      }
      case "tool_arguments_delta": {
        const index = toolIndex.get(event.index);
        if (index === undefined || !event.json) return opening();
        return opening() + delta({ tool_calls: [{ index, function: { arguments: event.json } }] });
      }
      case "finish":
        stopReason = event.stopReason;
        mergeUsage(usage, event.usage);
        return finish();
      case "error": {
        failed = true;
        const error = { message: event.message || "upstream stream failed", type: event.errorType ?? "api_error", param: null, code: null };
        return formatSse({ data: JSON.stringify({ error }) });
      }
      default:
        return ""; // thinking deltas and signatures (no Chat Completions field), part_stop
    }
  }

  return {
    encode,
    end() {
      if (ended) return "";
      ended = true;
      // A stream without its finish still closes well-formed: role, finish_reason, usage, [DONE].
      return (finished || failed ? "" : finish()) + DONE;
    },
  };
}

// ================================================================== decoder

/** Tool calls are keyed by index; a few upstreams omit it and only send an id with each new call. */
function toolKey(call: Json, open: string | undefined): string {
  if (typeof call.index === "number") return `index:${call.index}`;
  if (typeof call.id === "string" && call.id) return `id:${call.id}`;
  return open ?? "index:0";
}

/** Anthropic-style names when the upstream's error says which (a rate limit); its own type otherwise. */
function errorType(error: Json): string | undefined {
  const type = typeof error.type === "string" ? error.type : undefined;
  if (type?.endsWith("_error")) return type;
  if (String(error.code ?? "").includes("rate_limit")) return "rate_limit_error";
  return type;
}

/**
 * Parts are sequential, at most one open at a time (the Anthropic stream needs
 * that): a fragment for a tool call whose part already closed (calls
 * interleaved by an upstream) cannot be placed, and is dropped as before.
 */
export function createDecoder(request?: HubRequest): StreamDecoder {
  let started = false;
  let done = false;
  let nextIndex = 0;
  let open: { index: number; kind: "text" | "refusal" | "tool_call"; key?: string } | undefined;
  const toolKeys = new Set<string>();
  let finish: unknown;
  let matched: string | undefined;
  let usage: HubUsage | undefined;

  function start(out: HubStreamEvent[], chunk?: Json): void {
    if (started) return;
    started = true;
    const id = typeof chunk?.id === "string" && chunk.id ? chunk.id : chatCompletionId();
    const created = typeof chunk?.created === "number" ? chunk.created : nowSeconds();
    out.push({ type: "start", id, model: typeof chunk?.model === "string" ? chunk.model : "", created });
  }
  function close(out: HubStreamEvent[]): void {
    if (!open) return;
    out.push({ type: "part_stop", index: open.index });
    open = undefined;
  }
  function text(out: HubStreamEvent[], kind: "text" | "refusal", fragment: string): void {
    if (open?.kind !== kind) {
      close(out);
      open = { index: nextIndex++, kind };
      out.push({ type: "part_start", index: open.index, part: { kind } });
    }
    out.push({ type: "text_delta", index: open.index, text: fragment });
  }
  function toolCall(out: HubStreamEvent[], call: Json): void {
    const key = toolKey(call, open?.key);
    const fn = isObject(call.function) ? call.function : {};
    if (!toolKeys.has(key)) {
      toolKeys.add(key);
      close(out);
      open = { index: nextIndex++, kind: "tool_call", key };
      // An id is needed to pair the result with the call; ids are kept as the upstream wrote them.
      const id = typeof call.id === "string" && call.id ? call.id : anthropicToolUseId(undefined);
      out.push({ type: "part_start", index: open.index, part: { kind: "tool_call", id, name: typeof fn.name === "string" ? fn.name : "" } });
    }
    const fragment = fn.arguments;
    if (typeof fragment !== "string" || !fragment || open?.key !== key) return;
    out.push({ type: "tool_arguments_delta", index: open.index, json: fragment });
  }
  function ending(out: HubStreamEvent[]): HubStreamEvent[] {
    start(out);
    close(out);
    done = true;
    out.push({ type: "finish", ...hubStop(finish, toolKeys.size > 0, matched), usage: usage ?? hubUsage(undefined) });
    return out;
  }

  function onChunk(chunk: Json): HubStreamEvent[] {
    const out: HubStreamEvent[] = [];
    if (isObject(chunk.error)) {
      done = true;
      const type = errorType(chunk.error);
      const message = typeof chunk.error.message === "string" ? chunk.error.message : "upstream stream failed";
      return [{ type: "error", message, ...(type ? { errorType: type } : {}) }];
    }
    start(out, chunk);
    if (isObject(chunk.usage)) usage = hubUsage(chunk.usage);
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (!isObject(choice)) continue;
      if (choice.index !== undefined && choice.index !== 0) continue; // one answer only
      const change = isObject(choice.delta) ? choice.delta : {};
      // Reasoning fields (reasoning_content, reasoning) are not read, as before.
      if (typeof change.content === "string" && change.content) text(out, "text", change.content);
      else if (typeof change.refusal === "string" && change.refusal) text(out, "refusal", change.refusal);
      for (const call of Array.isArray(change.tool_calls) ? change.tool_calls : []) if (isObject(call)) toolCall(out, call);
      if (choice.finish_reason) {
        finish = choice.finish_reason;
        matched = matchedStop(choice, request);
        close(out);
      }
    }
    return out;
  }

  return {
    decode(event: SseEvent): HubStreamEvent[] {
      if (done) return [];
      if (event.data.trim() === "[DONE]") return ending([]);
      let chunk: unknown;
      try {
        chunk = JSON.parse(event.data);
      } catch {
        return []; // keep-alive comments and the like
      }
      return isObject(chunk) ? onChunk(chunk) : [];
    },
    end(): HubStreamEvent[] {
      return done ? [] : ending([]);
    },
  };
}
