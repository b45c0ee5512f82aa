// The parts of the OpenAI chat-completions and Anthropic messages wire formats
// that translation reads or writes. Deliberately loose: bodies come from
// clients and upstreams we do not control, so every object tolerates extra
// fields and most fields are optional. Field names follow the official SDKs
// (`openai` v6 resources/chat/completions, `@anthropic-ai/sdk` v1 resources/messages).

type Extra = { [key: string]: unknown };

// ---------------------------------------------------------------- OpenAI

export type OpenAITextPart = { type: "text"; text: string } & Extra;
export type OpenAIImagePart = { type: "image_url"; image_url: { url: string; detail?: string } } & Extra;
export type OpenAIFilePart = { type: "file"; file: { file_data?: string; file_id?: string; filename?: string } } & Extra;
/** Parts we cannot translate (input_audio, refusal, …) still parse as this. */
export type OpenAIOtherPart = { type: string } & Extra;
export type OpenAIContentPart = OpenAITextPart | OpenAIImagePart | OpenAIFilePart | OpenAIOtherPart;
export type OpenAIContent = string | OpenAIContentPart[] | null;

export interface OpenAIToolCall extends Extra {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface OpenAIMessage extends Extra {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content?: OpenAIContent;
  name?: string;
  tool_calls?: OpenAIToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
}

export interface OpenAITool extends Extra {
  type: "function" | (string & {});
  function?: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type OpenAIToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } }
  | { type: "allowed_tools"; allowed_tools: { mode: "auto" | "required"; tools: unknown[] } }
  | ({ type: string } & Extra);

export interface OpenAIChatRequest extends Extra {
  model?: string;
  messages: OpenAIMessage[];
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  user?: string;
  safety_identifier?: string | null;
}

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface OpenAIUsage extends Extra {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; audio_tokens?: number } | null;
}

export interface OpenAIChatCompletion extends Extra {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: "assistant"; content: string | null; refusal?: string | null; tool_calls?: OpenAIToolCall[] } & Extra;
    finish_reason: OpenAIFinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: OpenAIUsage;
}

export interface OpenAIToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface OpenAIChunkDelta extends Extra {
  role?: "assistant";
  content?: string | null;
  refusal?: string | null;
  tool_calls?: OpenAIToolCallDelta[];
}

export interface OpenAIChatCompletionChunk extends Extra {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: OpenAIChunkDelta; finish_reason: OpenAIFinishReason | null; logprobs?: unknown }>;
  usage?: OpenAIUsage | null;
  /** Some upstreams report a failure mid-stream as a chunk carrying only this. */
  error?: { message?: string; type?: string; code?: unknown } & Extra;
}

// ------------------------------------------------------------- Anthropic

export type AnthropicImageSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string }
  | ({ type: string } & Extra);

export type AnthropicTextBlock = { type: "text"; text: string } & Extra;
export type AnthropicImageBlock = { type: "image"; source: AnthropicImageSource } & Extra;
export type AnthropicDocumentBlock = { type: "document"; source: { type: string; media_type?: string; data?: unknown; url?: string } & Extra; title?: string | null } & Extra;
export type AnthropicToolUseBlock = { type: "tool_use"; id: string; name: string; input: unknown } & Extra;
export type AnthropicToolResultBlock = {
  type: "tool_result";
  tool_use_id: string;
  content?: string | AnthropicContentBlock[];
  is_error?: boolean;
} & Extra;
/** thinking, redacted_thinking, server tools, … */
export type AnthropicOtherBlock = { type: string } & Extra;
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicOtherBlock;

export interface AnthropicMessage extends Extra {
  role: "user" | "assistant" | "system" | (string & {});
  content: string | AnthropicContentBlock[];
}

export interface AnthropicTool extends Extra {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  /** Absent or "custom" for client tools; server tools (web_search_…, bash_…) name a version. */
  type?: string;
}

export type AnthropicToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "none" }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };

export interface AnthropicRequest extends Extra {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string | AnthropicTextBlock[];
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  stream?: boolean;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id?: string | null };
}

export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

export interface AnthropicUsage extends Extra {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export interface AnthropicResponse extends Extra {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export type AnthropicStreamEvent =
  | { type: "message_start"; message: AnthropicResponse }
  | { type: "content_block_start"; index: number; content_block: AnthropicContentBlock }
  | {
      type: "content_block_delta";
      index: number;
      delta:
        | { type: "text_delta"; text: string }
        | { type: "input_json_delta"; partial_json: string }
        | ({ type: string } & Extra);
    }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: AnthropicStopReason | null; stop_sequence: string | null };
      usage: Partial<{ [K in keyof AnthropicUsage]: AnthropicUsage[K] | null }>;
    }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error: { type: string; message: string } };
