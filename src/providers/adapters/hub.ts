// The one internal form every wire API converts to and from (issue 8): a
// request, a response and a stream of events, each holding only what the four
// APIs we speak can say. A client's request is parsed by its API's adapter into
// a HubRequest, built by the upstream API's adapter into that API's body; the
// answer travels back the same way. A new wire API is one adapter, not a
// translator per pair and direction. Same-format requests do not pass through
// here at all: their bytes are forwarded (gateway/model-splice.ts).
//
// Conventions: every field a client asked for either has a place here or makes
// the client-side adapter refuse the request (a Problem naming the field);
// nothing is dropped silently. Times are seconds since the epoch (as the APIs
// report them); tool-call arguments stay JSON text, as every API but Anthropic
// and Gemini sends them (those adapters parse and serialise).

export type HubRole = "user" | "assistant";

export type HubMediaSource = { type: "base64"; mediaType: string; data: string } | { type: "url"; url: string } | { type: "file_id"; id: string };

export type HubPart =
  /** `cache`: the client marked a prompt-cache breakpoint here (Anthropic cache_control). */
  | { kind: "text"; text: string; cache?: boolean }
  | { kind: "image"; source: HubMediaSource; detail?: string }
  | { kind: "file"; source: HubMediaSource; filename?: string; title?: string }
  | { kind: "tool_call"; id: string; name: string; arguments: string }
  | { kind: "tool_result"; toolCallId: string; content: HubPart[]; isError?: boolean }
  /** Model reasoning; `signature` (Anthropic) and `encrypted` (OpenAI, redacted thinking) round-trip only to the API that made them. */
  | { kind: "thinking"; text: string; signature?: string; encrypted?: string }
  | { kind: "refusal"; text: string };

export interface HubMessage {
  role: HubRole;
  parts: HubPart[];
}

export interface HubTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export type HubToolChoice = { type: "auto" } | { type: "none" } | { type: "required" } | { type: "tool"; name: string };

/** Structured output: what the answer must be (OpenAI response_format, Anthropic output_config.format, Gemini responseSchema). */
export type HubResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface HubRequest {
  /** The model as the client named it (the gateway resolves it; adapters write the upstream's id they are given). */
  model: string;
  /** System and developer instructions, in order. */
  system: HubPart[];
  messages: HubMessage[];
  stream: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  tools?: HubTool[];
  toolChoice?: HubToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: HubResponseFormat;
  reasoning?: { effort?: "minimal" | "low" | "medium" | "high"; budgetTokens?: number };
  /** An end-user id for the provider's abuse monitoring (OpenAI user/safety_identifier, Anthropic metadata.user_id). */
  user?: string;
}

export type HubStopReason = "end" | "max_tokens" | "stop_sequence" | "tool_calls" | "content_filter" | "refusal" | "pause";

/**
 * Token counts, the way OpenAI and Gemini count them: `inputTokens` is every
 * prompt token, the cached ones read (`cacheReadTokens`) and written
 * (`cacheWriteTokens`) included (Anthropic reports those apart: its adapter adds
 * and subtracts them); `outputTokens` includes reasoning, which
 * `reasoningTokens` breaks out.
 */
export interface HubUsage {
  /** Every prompt token, cached ones included (as OpenAI and Gemini count; Anthropic's adapter adds its cache counters in); the cache counts are parts of it. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface HubResponse {
  id: string;
  model: string;
  created: number;
  /** The assistant's answer: text, thinking, tool calls, refusal. */
  parts: HubPart[];
  stopReason: HubStopReason;
  /** The client's stop sequence that ended the answer, when the upstream says which. */
  stopSequence?: string;
  usage: HubUsage;
}

/**
 * A streamed answer, in order: one `start`; for each part `part_start`, its
 * deltas, `part_stop` (indexes count parts from 0 in order of appearance and
 * never repeat); one `finish`; or an `error` at any point, after which nothing follows.
 */
export type HubStreamEvent =
  | { type: "start"; id: string; model: string; created: number; usage?: Partial<HubUsage> }
  | { type: "part_start"; index: number; part: { kind: "text" } | { kind: "thinking" } | { kind: "refusal" } | { kind: "tool_call"; id: string; name: string } }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; text: string }
  | { type: "thinking_signature"; index: number; signature: string }
  /** A thinking part's opaque `encrypted` form (OpenAI reasoning encrypted_content), as HubPart thinking holds it. */
  | { type: "thinking_encrypted"; index: number; encrypted: string }
  | { type: "tool_arguments_delta"; index: number; json: string }
  | { type: "part_stop"; index: number }
  | { type: "finish"; stopReason: HubStopReason; stopSequence?: string; usage?: Partial<HubUsage> }
  | { type: "error"; message: string; errorType?: string };

/** A request a client sent that cannot be honoured as asked: answered with a 400 naming `param`. */
export interface HubProblem {
  problem: string;
  param?: string;
}

export function isProblem(value: unknown): value is HubProblem {
  return value !== null && typeof value === "object" && typeof (value as HubProblem).problem === "string";
}
