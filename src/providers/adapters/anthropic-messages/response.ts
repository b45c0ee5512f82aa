// Anthropic Messages answers, both ways: a hub response rendered for an
// Anthropic client and an upstream's message parsed into the hub, plus the
// mappings the stream code shares (stop reasons, usage, ids).
import { lookupTable } from "../../../state/own-keys.ts";
import { anthropicMessageId, anthropicToolUseId, nowSeconds, parseToolArguments } from "../shared.ts";
import type { HubPart, HubProblem, HubResponse, HubStopReason, HubUsage } from "../hub.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** An Anthropic message id: an upstream's own msg_ id stays; another API's id becomes one (chatcmpl-X → msg_X), as today. */
export function messageId(id: string | undefined): string {
  return id && /^msg_[a-zA-Z0-9_-]+$/.test(id) ? id : anthropicMessageId(id);
}

// Null-prototype tables: the keys are whatever the upstream sent.
const HUB_STOP_FOR = lookupTable<Record<string, HubStopReason>>({
  end_turn: "end",
  stop_sequence: "stop_sequence",
  pause_turn: "pause",
  max_tokens: "max_tokens",
  model_context_window_exceeded: "max_tokens",
  tool_use: "tool_calls",
  refusal: "refusal",
});

export function hubStopReason(stopReason: unknown): HubStopReason {
  return (typeof stopReason === "string" ? HUB_STOP_FOR[stopReason] : undefined) ?? "end";
}

const ANTHROPIC_STOP_FOR = lookupTable<Record<HubStopReason, string>>({
  end: "end_turn",
  stop_sequence: "stop_sequence",
  pause: "pause_turn",
  max_tokens: "max_tokens",
  tool_calls: "tool_use",
  refusal: "refusal",
  // Anthropic's "refusal" promises a refusal-shaped message, which a filtered reply from elsewhere is not.
  content_filter: "end_turn",
});

/**
 * The Anthropic stop_reason and stop_sequence. `sawToolCalls` fixes upstreams
 * that end a tool-calling turn with a plain stop (tool calls win over a stop
 * sequence too, as today); stop_sequence without the sequence is end_turn.
 */
export function anthropicStop(reason: HubStopReason, sequence: string | undefined, sawToolCalls: boolean): { stop_reason: string; stop_sequence: string | null } {
  if (sawToolCalls && (reason === "end" || reason === "stop_sequence")) return { stop_reason: "tool_use", stop_sequence: null };
  if (reason === "stop_sequence") return sequence !== undefined ? { stop_reason: "stop_sequence", stop_sequence: sequence } : { stop_reason: "end_turn", stop_sequence: null };
  return { stop_reason: ANTHROPIC_STOP_FOR[reason] ?? "end_turn", stop_sequence: null };
}

/** Anthropic counts cached prompt tokens apart from input_tokens; the hub (as OpenAI and Gemini) counts them inside. */
export function anthropicUsage(usage: Partial<HubUsage> | undefined): Json {
  const cacheRead = usage?.cacheReadTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.outputTokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** The hub's usage from Anthropic counters (null or absent ones are left out; input only when input_tokens is there). */
export function hubUsage(usage: unknown): Partial<HubUsage> {
  if (!isObject(usage)) return {};
  const num = (key: string) => (typeof usage[key] === "number" ? (usage[key] as number) : undefined);
  const input = num("input_tokens");
  const output = num("output_tokens");
  const cacheRead = num("cache_read_input_tokens");
  const cacheWrite = num("cache_creation_input_tokens");
  return {
    ...(input !== undefined ? { inputTokens: input + (cacheRead ?? 0) + (cacheWrite ?? 0) } : {}),
    ...(output !== undefined ? { outputTokens: output } : {}),
    ...(cacheRead !== undefined ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWriteTokens: cacheWrite } : {}),
  };
}

// ======================================================== hub → client

export function renderResponse(response: HubResponse, model: string): Json {
  const content = response.parts.flatMap(responseBlock);
  const sawToolCalls = response.parts.some((part) => part.kind === "tool_call");
  return {
    id: messageId(response.id),
    type: "message",
    role: "assistant",
    model,
    content,
    ...anthropicStop(response.stopReason, response.stopSequence, sawToolCalls),
    usage: anthropicUsage(response.usage),
  };
}

/**
 * Text and refusals are text blocks, tool calls tool_use blocks. Thinking goes
 * out only signed (Anthropic's own): a client sends its blocks back, and an
 * unsigned one (another model's reasoning) would be refused by Anthropic.
 */
function responseBlock(part: HubPart): Json[] {
  switch (part.kind) {
    case "text":
    case "refusal":
      return part.text ? [{ type: "text", text: part.text }] : [];
    case "tool_call":
      return [{ type: "tool_use", id: anthropicToolUseId(part.id), name: part.name, input: parseToolArguments(part.arguments) }];
    case "thinking":
      return part.signature ? [{ type: "thinking", thinking: part.text, signature: part.signature }] : [];
    default:
      return [];
  }
}

// ======================================================== upstream → hub

export function parseResponse(body: unknown): HubResponse | HubProblem {
  if (!isObject(body) || !Array.isArray(body.content)) return { problem: "the upstream's answer is not an Anthropic message (no content list)" };
  const parts = body.content.flatMap(upstreamPart);
  const usage = hubUsage(body.usage);
  return {
    id: typeof body.id === "string" && body.id ? body.id : anthropicMessageId(),
    model: typeof body.model === "string" ? body.model : "",
    created: nowSeconds(),
    parts,
    stopReason: hubStopReason(body.stop_reason),
    ...(typeof body.stop_sequence === "string" ? { stopSequence: body.stop_sequence } : {}),
    usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0, ...usage },
  };
}

/** Server-tool blocks never come back to a request built from the hub (it names no server tools); citations are dropped. */
function upstreamPart(block: unknown): HubPart[] {
  if (!isObject(block)) return [];
  switch (block.type) {
    case "text":
      return typeof block.text === "string" ? [{ kind: "text", text: block.text }] : [];
    case "tool_use":
      return [{ kind: "tool_call", id: anthropicToolUseId(typeof block.id === "string" ? block.id : undefined), name: String(block.name ?? ""), arguments: JSON.stringify(block.input ?? {}) }];
    case "thinking":
      return [{ kind: "thinking", text: String(block.thinking ?? ""), ...(typeof block.signature === "string" && block.signature ? { signature: block.signature } : {}) }];
    case "redacted_thinking":
      return [{ kind: "thinking", text: "", encrypted: String(block.data ?? "") }];
    default:
      return [];
  }
}

/** `{type: "error", error: {type, message}}`, Anthropic's error body (also read from text). */
export function errorMessage(body: unknown): string | undefined {
  let doc = body;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (!isObject(doc)) return undefined;
  if (isObject(doc.error) && typeof doc.error.message === "string") return doc.error.message;
  if (typeof doc.error === "string") return doc.error;
  return typeof doc.message === "string" ? doc.message : undefined;
}
