// An Anthropic messages client talking to an OpenAI chat-completions upstream:
// the request goes Anthropic → OpenAI, the reply comes back OpenAI → Anthropic.
import { anthropicMessageId, anthropicStop, anthropicToolUseId, anthropicUsage, dataUrl, matchedStopSequence, parseToolArguments, plainText } from "./shared.ts";
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicRequest,
  AnthropicResponse,
  AnthropicTool,
  AnthropicToolChoice,
  OpenAIChatCompletion,
  OpenAIChatRequest,
  OpenAIContentPart,
  OpenAIMessage,
  OpenAITool,
  OpenAIToolCall,
  OpenAIToolChoice,
} from "./types.ts";

export { createOpenAIToAnthropicStream } from "./openai-stream-to-anthropic.ts";

export function toOpenAIRequest(req: AnthropicRequest, model: string): OpenAIChatRequest {
  const body: OpenAIChatRequest = { model, messages: openAIMessages(req) };
  // max_tokens is deprecated upstream and refused by OpenAI's reasoning models.
  if (typeof req.max_tokens === "number") body.max_completion_tokens = req.max_tokens;
  if (typeof req.temperature === "number") body.temperature = req.temperature;
  if (typeof req.top_p === "number") body.top_p = req.top_p;
  if (req.stop_sequences?.length) body.stop = [...req.stop_sequences];
  if (req.stream) {
    body.stream = true;
    // Anthropic clients expect token counts in the closing message_delta.
    body.stream_options = { include_usage: true };
  }
  const tools = openAITools(req.tools);
  if (tools.length > 0) {
    body.tools = tools;
    const choice = openAIToolChoice(req.tool_choice);
    if (choice) body.tool_choice = choice;
    // OpenAI refuses parallel_tool_calls in a request without tools.
    if (req.tool_choice && "disable_parallel_tool_use" in req.tool_choice && req.tool_choice.disable_parallel_tool_use) {
      body.parallel_tool_calls = false;
    }
  }
  if (req.metadata?.user_id) body.user = req.metadata.user_id;
  return body;
}

function openAITools(tools: AnthropicTool[] | undefined): OpenAITool[] {
  return (tools ?? []).flatMap((tool) => {
    // Server tools (web_search_…, bash_…, …) run at Anthropic; an OpenAI upstream cannot run them.
    if ((tool.type && tool.type !== "custom") || !tool.name) return [];
    const parameters = tool.input_schema ?? { type: "object", properties: {} };
    return [{ type: "function", function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters } }];
  });
}

function openAIToolChoice(choice: AnthropicToolChoice | undefined): OpenAIToolChoice | undefined {
  switch (choice?.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: choice.name } };
    default:
      return undefined;
  }
}

// ------------------------------------------------------------- messages

function openAIMessages(req: AnthropicRequest): OpenAIMessage[] {
  const system = systemText(req.system);
  const messages: OpenAIMessage[] = system ? [{ role: "system", content: system }] : [];
  for (const message of req.messages ?? []) messages.push(...openAITurn(message));
  return messages;
}

/** System text blocks are separate paragraphs (Claude Code sends several), so keep them apart. */
function systemText(system: AnthropicRequest["system"]): string {
  return plainText(system, "\n\n");
}

function openAITurn(message: AnthropicMessage): OpenAIMessage[] {
  if (message.role === "system") {
    const text = systemText(message.content as AnthropicRequest["system"]);
    return text ? [{ role: "system", content: text }] : [];
  }
  if (message.role === "assistant") return assistantMessages(message.content);
  return userMessages(message.content);
}

/**
 * OpenAI puts each tool result in its own `tool` message, which must follow the
 * assistant's tool calls directly, so results come out before the user's other content.
 */
function userMessages(content: AnthropicMessage["content"]): OpenAIMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const results = content.filter((block) => block.type === "tool_result");
  const toolMessages = results.map(toolMessage);
  // Tool messages hold text only; images a tool returned ride along in the next user message.
  const spilled = results.flatMap((block) => (Array.isArray(block.content) ? block.content.filter((part) => part.type === "image") : []));
  const parts = [...spilled, ...content.filter((block) => block.type !== "tool_result")].flatMap(userParts);
  if (parts.length === 0) return toolMessages;
  const only = parts.length === 1 ? parts[0] : undefined;
  // A lone text part goes as a plain string, which every OpenAI-compatible server accepts.
  const userContent = only?.type === "text" ? String(only.text) : parts;
  return [...toolMessages, { role: "user", content: userContent }];
}

function toolMessage(block: AnthropicContentBlock): OpenAIMessage {
  const { tool_use_id, content, is_error } = block as { tool_use_id?: string; content?: unknown; is_error?: boolean | null };
  const text = plainText(content, "\n");
  return { role: "tool", tool_call_id: anthropicToolUseId(tool_use_id), content: is_error === true ? markedAsError(text) : text };
}

/**
 * OpenAI tool messages have no error flag, so a failed tool's result says so
 * in words, as agent frameworks report tool errors to OpenAI models: "Error: …"
 * (left alone when the tool's own text already starts with "Error").
 */
export function markedAsError(text: string): string {
  if (!text.trim()) return "Error";
  return /^\s*error\b/i.test(text) ? text : `Error: ${text}`;
}

function userParts(block: AnthropicContentBlock): OpenAIContentPart[] {
  if (block.type === "text") return typeof block.text === "string" && block.text ? [{ type: "text", text: block.text }] : [];
  if (block.type === "image") return imageParts(block.source as { type?: string; media_type?: string; data?: string; url?: string });
  if (block.type === "document") return documentParts(block);
  return []; // thinking and anything else has no OpenAI user-content equivalent
}

function imageParts(source: { type?: string; media_type?: string; data?: string; url?: string } | undefined): OpenAIContentPart[] {
  if (source?.type === "base64" && source.data) return [{ type: "image_url", image_url: { url: dataUrl(source.media_type ?? "image/png", source.data) } }];
  if (source?.type === "url" && source.url) return [{ type: "image_url", image_url: { url: source.url } }];
  return []; // uploaded file ids live at Anthropic
}

function documentParts(block: AnthropicContentBlock): OpenAIContentPart[] {
  const source = block.source as { type?: string; media_type?: string; data?: unknown } | undefined;
  const title = typeof block.title === "string" ? block.title : undefined;
  if (source?.type === "text" && typeof source.data === "string") return [{ type: "text", text: source.data }];
  if (source?.type === "base64" && source.media_type === "application/pdf" && typeof source.data === "string") {
    return [{ type: "file", file: { filename: title ?? "document.pdf", file_data: dataUrl("application/pdf", source.data) } }];
  }
  return [];
}

function assistantMessages(content: AnthropicMessage["content"]): OpenAIMessage[] {
  if (typeof content === "string") return content ? [{ role: "assistant", content }] : [];
  const text = plainText(content);
  const toolCalls: OpenAIToolCall[] = content.filter((block) => block.type === "tool_use").map(openAIToolCall);
  if (!text && toolCalls.length === 0) return []; // e.g. only thinking blocks
  return [{ role: "assistant", content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }];
}

function openAIToolCall(block: AnthropicContentBlock): OpenAIToolCall {
  const { id, name, input } = block as { id?: string; name?: string; input?: unknown };
  return { id: anthropicToolUseId(id), type: "function", function: { name: String(name ?? ""), arguments: JSON.stringify(input ?? {}) } };
}

// ------------------------------------------------------------- response

/** `stopSequences`: the client's, so a stop sequence the upstream names can be reported as one. */
export function toAnthropicResponse(resp: OpenAIChatCompletion, model: string, stopSequences?: readonly string[]): AnthropicResponse {
  const choice = resp.choices?.[0];
  const message = choice?.message;
  const text = plainText(message?.content) || (message?.refusal ?? "");
  const toolUses = (message?.tool_calls ?? []).map(
    (call): AnthropicContentBlock => ({
      type: "tool_use",
      id: anthropicToolUseId(call.id),
      name: call.function?.name ?? "",
      input: parseToolArguments(call.function?.arguments),
    }),
  );
  return {
    id: anthropicMessageId(resp.id),
    type: "message",
    role: "assistant",
    model,
    content: [...(text ? [{ type: "text", text }] : []), ...toolUses],
    ...anthropicStop(choice?.finish_reason, toolUses.length > 0, matchedStopSequence(choice, stopSequences)),
    usage: anthropicUsage(resp.usage),
  };
}
