// An OpenAI chat-completions client talking to an Anthropic messages upstream:
// the request goes OpenAI → Anthropic, the reply comes back Anthropic → OpenAI.
import {
  anthropicToolUseId,
  chatCompletionId,
  nowSeconds,
  openAIFinishReason,
  openAIUsage,
  parseDataUrl,
  parseToolArguments,
  plainText,
} from "./shared.ts";
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicRequest,
  AnthropicResponse,
  AnthropicTool,
  AnthropicToolChoice,
  OpenAIChatCompletion,
  OpenAIChatRequest,
  OpenAIContent,
  OpenAIContentPart,
  OpenAIMessage,
  OpenAITool,
  OpenAIToolCall,
  OpenAIToolChoice,
} from "./types.ts";

export { createAnthropicToOpenAIStream } from "./anthropic-stream-to-openai.ts";

/** Anthropic requires max_tokens; OpenAI lets it default to "as much as fits". */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * Anthropic needs a user turn first and at least one message; this stands in
 * when the conversation starts with the assistant or has only a system prompt.
 */
export const PLACEHOLDER_USER_TEXT = "(continue)";

export function toAnthropicRequest(req: OpenAIChatRequest, model: string): AnthropicRequest {
  const body: AnthropicRequest = {
    model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: anthropicMessages(req.messages ?? []),
  };
  const system = systemPrompt(req.messages ?? []);
  if (system) body.system = system;
  // OpenAI's range is 0–2, Anthropic's 0–1 (it rejects anything above).
  if (typeof req.temperature === "number") body.temperature = Math.min(Math.max(req.temperature, 0), 1);
  // Current Claude models refuse temperature and top_p together; temperature is the one clients mean.
  if (typeof req.top_p === "number" && body.temperature === undefined) body.top_p = req.top_p;
  const stops = stopSequences(req.stop);
  if (stops.length > 0) body.stop_sequences = stops;
  if (req.stream) body.stream = true;
  const tools = anthropicTools(req.tools);
  if (tools.length > 0) {
    body.tools = tools;
    const choice = anthropicToolChoice(req.tool_choice, req.parallel_tool_calls);
    if (choice) body.tool_choice = choice;
  }
  const user = req.user ?? req.safety_identifier;
  if (user) body.metadata = { user_id: user };
  return body;
}

function isSystemRole(message: OpenAIMessage): boolean {
  return message.role === "system" || message.role === "developer";
}

/** Anthropic has one system prompt, so every system/developer message joins it, in order. */
function systemPrompt(messages: OpenAIMessage[]): string {
  return messages
    .filter(isSystemRole)
    .map((message) => plainText(message.content, "\n"))
    .filter((text) => text.length > 0)
    .join("\n\n");
}

function stopSequences(stop: string | string[] | null | undefined): string[] {
  const list = typeof stop === "string" ? [stop] : (stop ?? []);
  // Anthropic rejects empty or whitespace-only stop sequences.
  return list.filter((sequence) => typeof sequence === "string" && sequence.trim().length > 0);
}

function anthropicTools(tools: OpenAITool[] | undefined): AnthropicTool[] {
  return (tools ?? []).flatMap((tool) => {
    // Custom (free-form grammar) tools have no Anthropic equivalent.
    if (tool.type !== "function" || !tool.function?.name) return [];
    const { name, description, parameters } = tool.function;
    return [{ name, ...(description ? { description } : {}), input_schema: parameters ?? { type: "object", properties: {} } }];
  });
}

function anthropicToolChoice(choice: OpenAIToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  const mapped = mapToolChoice(choice);
  if (parallel !== false) return mapped;
  const withDefault = mapped ?? { type: "auto" };
  return withDefault.type === "none" ? withDefault : { ...withDefault, disable_parallel_tool_use: true };
}

function mapToolChoice(choice: OpenAIToolChoice | undefined): AnthropicToolChoice | undefined {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  if (typeof choice !== "object" || choice === null) return undefined;
  if (choice.type === "function") {
    const name = (choice as { function?: { name?: string } }).function?.name;
    return name ? { type: "tool", name } : undefined;
  }
  // allowed_tools cannot restrict Anthropic to a subset; keep only its mode.
  if (choice.type === "allowed_tools") {
    const mode = (choice as { allowed_tools?: { mode?: string } }).allowed_tools?.mode;
    return mode === "required" ? { type: "any" } : { type: "auto" };
  }
  return undefined;
}

// ------------------------------------------------------------- messages

/** Anthropic wants user/assistant alternation, starting with user; same-role neighbours merge. */
function anthropicMessages(messages: OpenAIMessage[]): AnthropicMessage[] {
  const turns: Array<{ role: "user" | "assistant"; content: AnthropicContentBlock[] }> = [];
  for (const message of messages) {
    const turn = anthropicTurn(message);
    if (!turn || turn.content.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === turn.role) last.content = toolResultsFirst([...last.content, ...turn.content]);
    else turns.push(turn);
  }
  if (turns[0]?.role !== "user") turns.unshift({ role: "user", content: [{ type: "text", text: PLACEHOLDER_USER_TEXT }] });
  return turns.map(({ role, content }) => ({ role, content: simplified(content) }));
}

/** A lone text block reads better, and is sent more often by clients, as a plain string. */
function simplified(content: AnthropicContentBlock[]): string | AnthropicContentBlock[] {
  const only = content.length === 1 ? content[0] : undefined;
  return only?.type === "text" ? String(only.text) : content;
}

/** Anthropic requires tool results to open the user turn that answers a tool call. */
function toolResultsFirst(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const results = blocks.filter((block) => block.type === "tool_result");
  return results.length === 0 ? blocks : [...results, ...blocks.filter((block) => block.type !== "tool_result")];
}

function anthropicTurn(message: OpenAIMessage): { role: "user" | "assistant"; content: AnthropicContentBlock[] } | undefined {
  switch (message.role) {
    case "user":
      return { role: "user", content: userBlocks(message.content) };
    case "assistant":
      return { role: "assistant", content: [...assistantTextBlocks(message), ...toolUseBlocks(message.tool_calls)] };
    case "tool":
      return { role: "user", content: [toolResultBlock(message)] };
    default:
      // system/developer went to the system prompt; legacy "function" messages carry no call id to pair with.
      return undefined;
  }
}

function textBlock(text: string): AnthropicContentBlock[] {
  // Anthropic rejects empty text blocks.
  return text.length > 0 ? [{ type: "text", text }] : [];
}

function userBlocks(content: OpenAIContent | undefined): AnthropicContentBlock[] {
  if (typeof content === "string") return textBlock(content);
  return (content ?? []).flatMap(userPartBlocks);
}

function userPartBlocks(part: OpenAIContentPart): AnthropicContentBlock[] {
  if (part.type === "text") return textBlock(String(part.text ?? ""));
  if (part.type === "image_url") {
    const url = (part.image_url as { url?: string } | undefined)?.url;
    return url ? imageBlocks(url) : [];
  }
  if (part.type === "file") return documentBlocks(part.file as { file_data?: string; filename?: string } | undefined);
  return []; // input_audio and file ids have no Anthropic equivalent
}

function imageBlocks(url: string): AnthropicContentBlock[] {
  const inline = url.startsWith("data:") ? parseDataUrl(url) : undefined;
  if (inline) return [{ type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } }];
  if (/^https?:\/\//i.test(url)) return [{ type: "image", source: { type: "url", url } }];
  return [];
}

/** Inline PDFs (and plain text) become documents; uploaded file ids cannot be followed. */
function documentBlocks(file: { file_data?: string; filename?: string } | undefined): AnthropicContentBlock[] {
  const inline = file?.file_data ? parseDataUrl(file.file_data) : undefined;
  if (!inline) return [];
  const title = file?.filename ? { title: file.filename } : {};
  if (inline.mediaType === "application/pdf") {
    return [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: inline.data }, ...title }];
  }
  if (inline.mediaType.startsWith("text/")) {
    const text = Buffer.from(inline.data, "base64").toString("utf8");
    return [{ type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title }];
  }
  return [];
}

function assistantTextBlocks(message: OpenAIMessage): AnthropicContentBlock[] {
  const { content } = message;
  if (typeof content === "string") return textBlock(content);
  const fromParts = (content ?? []).flatMap((part) => {
    if (part.type === "text") return textBlock(String(part.text ?? ""));
    if (part.type === "refusal") return textBlock(String(part.refusal ?? ""));
    return [];
  });
  return fromParts.length > 0 || !message.refusal ? fromParts : textBlock(message.refusal);
}

function toolUseBlocks(toolCalls: OpenAIToolCall[] | undefined): AnthropicContentBlock[] {
  return (toolCalls ?? [])
    .filter((call) => call.function?.name)
    .map((call) => ({
      type: "tool_use",
      id: anthropicToolUseId(call.id),
      name: call.function.name,
      input: parseToolArguments(call.function.arguments),
    }));
}

function toolResultBlock(message: OpenAIMessage): AnthropicContentBlock {
  const text = plainText(message.content, "\n");
  return { type: "tool_result", tool_use_id: anthropicToolUseId(message.tool_call_id), ...(text ? { content: text } : {}) };
}

// ------------------------------------------------------------- response

export function toOpenAIResponse(resp: AnthropicResponse, model: string): OpenAIChatCompletion {
  const blocks = resp.content ?? [];
  const text = blocks.map((block) => (block.type === "text" ? String(block.text ?? "") : "")).join("");
  const toolCalls = blocks.filter((block) => block.type === "tool_use").map(openAIToolCall);
  const message: OpenAIChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: chatCompletionId(resp.id),
    object: "chat.completion",
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message, finish_reason: openAIFinishReason(resp.stop_reason), logprobs: null }],
    usage: openAIUsage(resp.usage),
  };
}

function openAIToolCall(block: AnthropicContentBlock): OpenAIToolCall {
  const { id, name, input } = block as { id?: string; name?: string; input?: unknown };
  return { id: anthropicToolUseId(id), type: "function", function: { name: String(name ?? ""), arguments: JSON.stringify(input ?? {}) } };
}
