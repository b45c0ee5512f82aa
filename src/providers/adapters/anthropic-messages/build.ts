// The hub built into an Anthropic Messages body (the upstream side), with the
// field order, ids and defaults the gateway has always sent Anthropic
// (anthropic-messages.test.ts holds them as goldens).
import { anthropicToolUseId, parseDataUrl, parseToolArguments } from "../shared.ts";
import type { HubMediaSource, HubMessage, HubPart, HubProblem, HubRequest, HubTool, HubToolChoice } from "../hub.ts";
import { problem, type Json } from "./common.ts";

/** Anthropic requires max_tokens; the other APIs let it default to "as much as fits". */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic needs a user turn first and at least one message; this stands in when the conversation starts with the assistant or has none. */
export const PLACEHOLDER_USER_TEXT = "(continue)";

/** Anthropic's smallest thinking budget. */
const MIN_THINKING_BUDGET = 1024;

/**
 * Thinking budgets for an effort, when the client spoke an API that names an
 * effort (OpenAI reasoning_effort): small fixed budgets, as other gateways use,
 * so an effort never eats an answer's max_tokens.
 */
const BUDGET_FOR_EFFORT = { minimal: 1024, low: 1024, medium: 2048, high: 4096 } as const;

type Block = Json & { type: string };

const JSON_MODE_PROBLEM = problem(
  "response_format",
  "JSON mode (json_object; text.format in the Responses API) cannot be honoured through the Anthropic Messages API, whose structured outputs need a JSON schema with closed objects. Send a json_schema format with your schema instead.",
);

export function buildUpstreamRequest(hub: HubRequest, model: string): Json | HubProblem {
  const messages = upstreamMessages(hub.messages);
  if (!Array.isArray(messages)) return messages;
  const thinking = thinkingConfig(hub);
  const body: Json = { model, max_tokens: thinking?.maxTokens ?? hub.maxTokens ?? DEFAULT_MAX_TOKENS, messages };
  const system = upstreamSystem(hub.system);
  if (system) body.system = system;
  if (!thinking) {
    // The hub carries what the client asked; OpenAI and Gemini go to 2, Anthropic rejects anything above 1.
    if (typeof hub.temperature === "number") body.temperature = Math.min(Math.max(hub.temperature, 0), 1);
    // Current Claude models refuse temperature and top_p together; temperature is the one clients mean.
    if (typeof hub.topP === "number" && body.temperature === undefined) body.top_p = hub.topP;
    if (typeof hub.topK === "number") body.top_k = hub.topK;
  } else if (typeof hub.topP === "number" && hub.topP >= 0.95) {
    // With thinking, Anthropic takes no temperature or top_k and top_p only from 0.95: reasoning models sample their own way.
    body.top_p = hub.topP;
  }
  // Anthropic rejects empty or whitespace-only stop sequences.
  const stops = (hub.stop ?? []).filter((sequence) => typeof sequence === "string" && sequence.trim().length > 0);
  if (stops.length > 0) body.stop_sequences = stops;
  if (hub.stream) body.stream = true;
  const tools = (hub.tools ?? []).filter((tool) => tool.name).map(upstreamTool);
  if (tools.length > 0) {
    body.tools = tools;
    const choice = upstreamToolChoice(hub.toolChoice, hub.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }
  if (hub.user) body.metadata = { user_id: hub.user };
  if (thinking) body.thinking = { type: "enabled", budget_tokens: thinking.budget };
  if (hub.responseFormat?.type === "json_schema") body.output_config = { format: { type: "json_schema", schema: hub.responseFormat.schema } };
  // JSON mode (any JSON object) has no Anthropic form: its structured outputs take only closed schemas (every
  // object additionalProperties: false), so "an object" cannot be said, and leaving the format out would let
  // the model answer in prose. Refused, naming the field (docs/gateway.md, structured output).
  if (hub.responseFormat?.type === "json_object") return JSON_MODE_PROBLEM;
  return body;
}

/**
 * The thinking budget for the hub's reasoning, and the max_tokens it needs
 * (Anthropic counts thinking inside max_tokens and wants the budget below it).
 * No thinking when the client forces a tool (Anthropic refuses both together)
 * or when an effort does not fit under the client's own max_tokens. A budget
 * the client set itself (Anthropic, Gemini) goes as it is.
 */
function thinkingConfig(hub: HubRequest): { budget: number; maxTokens?: number } | undefined {
  const reasoning = hub.reasoning;
  if (!reasoning) return undefined;
  if (hub.toolChoice?.type === "required" || hub.toolChoice?.type === "tool") return undefined;
  if (typeof reasoning.budgetTokens === "number") {
    if (reasoning.budgetTokens <= 0) return undefined;
    return { budget: reasoning.budgetTokens, ...(hub.maxTokens === undefined ? { maxTokens: reasoning.budgetTokens + DEFAULT_MAX_TOKENS } : {}) };
  }
  const wanted = BUDGET_FOR_EFFORT[reasoning.effort ?? "medium"] ?? BUDGET_FOR_EFFORT.medium;
  if (hub.maxTokens === undefined) return { budget: wanted, maxTokens: wanted + DEFAULT_MAX_TOKENS };
  const budget = Math.min(wanted, hub.maxTokens - 1);
  return budget >= MIN_THINKING_BUDGET ? { budget } : undefined;
}

/** One system string as today when no part marks a cache breakpoint; text blocks with cache_control when one does. */
function upstreamSystem(parts: HubPart[]): string | Block[] | undefined {
  const texts = parts.filter((part): part is Extract<HubPart, { kind: "text" }> => part.kind === "text" && part.text.length > 0);
  if (texts.length === 0) return undefined;
  if (!texts.some((part) => part.cache)) return texts.map((part) => part.text).join("\n\n");
  return texts.map((part) => textBlock(part.text, part.cache));
}

function textBlock(text: string, cache?: boolean): Block {
  return { type: "text", text, ...(cache ? { cache_control: { type: "ephemeral" } } : {}) };
}

function upstreamTool(tool: HubTool): Block {
  // `strict` is not sent, as today: Anthropic's strict tools need a model with structured outputs and refuse some schemas.
  return { name: tool.name, ...(tool.description ? { description: tool.description } : {}), input_schema: tool.parameters ?? { type: "object", properties: {} } } as unknown as Block;
}

function upstreamToolChoice(choice: HubToolChoice | undefined, parallel: boolean | undefined): Json | undefined {
  const mapped = mapToolChoice(choice);
  if (parallel !== false) return mapped;
  const withDefault = mapped ?? { type: "auto" };
  return withDefault.type === "none" ? withDefault : { ...withDefault, disable_parallel_tool_use: true };
}

function mapToolChoice(choice: HubToolChoice | undefined): Json | undefined {
  switch (choice?.type) {
    case "auto":
      return { type: "auto" };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "any" };
    case "tool":
      return choice.name ? { type: "tool", name: choice.name } : undefined;
    default:
      return undefined;
  }
}

/** Anthropic wants user/assistant alternation, starting with user; same-role neighbours merge. */
function upstreamMessages(messages: HubMessage[]): Json[] | HubProblem {
  const turns: Array<{ role: "user" | "assistant"; content: Block[] }> = [];
  for (const [at, message] of messages.entries()) {
    const content: Block[] = [];
    for (const part of message.parts) {
      const blocks = upstreamBlocks(part, message.role, `messages[${at}]`);
      if (!Array.isArray(blocks)) return blocks;
      content.push(...blocks);
    }
    if (content.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === message.role) last.content.push(...content);
    else turns.push({ role: message.role, content });
  }
  if (turns[0]?.role !== "user") turns.unshift({ role: "user", content: [textBlock(PLACEHOLDER_USER_TEXT)] });
  return turns.map(({ role, content }) => ({ role, content: simplified(toolResultsFirst(content)) }));
}

/** A lone plain text block reads better, and is sent more often by clients, as a plain string. */
function simplified(content: Block[]): string | Block[] {
  const only = content.length === 1 ? content[0] : undefined;
  return only?.type === "text" && !only.cache_control ? String(only.text) : content;
}

/** Anthropic requires tool results to open the user turn that answers a tool call. */
function toolResultsFirst(blocks: Block[]): Block[] {
  const results = blocks.filter((block) => block.type === "tool_result");
  return results.length === 0 ? blocks : [...results, ...blocks.filter((block) => block.type !== "tool_result")];
}

function upstreamBlocks(part: HubPart, role: HubMessage["role"], where: string): Block[] | HubProblem {
  switch (part.kind) {
    case "text":
    case "refusal":
      // Anthropic rejects empty text blocks.
      return part.text.length > 0 ? [textBlock(part.text, part.kind === "text" ? part.cache : undefined)] : [];
    case "image":
      return imageBlocks(part.source, where);
    case "file":
      return documentBlocks(part, where);
    case "tool_call":
      if (!part.name) return [];
      return [{ type: "tool_use", id: anthropicToolUseId(part.id), name: part.name, input: parseToolArguments(part.arguments) }];
    case "tool_result":
      return toolResultBlock(part, where);
    case "thinking":
      // Only Anthropic's own, signed thinking can go back to it. `encrypted` alone may be OpenAI's
      // reasoning as well as Anthropic's redacted thinking (the hub does not say whose): left out.
      return role === "assistant" && part.signature ? [{ type: "thinking", thinking: part.text, signature: part.signature }] : [];
  }
}

function imageBlocks(source: HubMediaSource, where: string): Block[] | HubProblem {
  if (source.type === "base64") return [{ type: "image", source: { type: "base64", media_type: source.mediaType, data: source.data } }];
  if (source.type === "url") {
    const inline = source.url.startsWith("data:") ? parseDataUrl(source.url) : undefined;
    if (inline) return [{ type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } }];
    if (/^https?:\/\//i.test(source.url)) return [{ type: "image", source: { type: "url", url: source.url } }];
    return problem("messages", `${where}: an image URL that is neither http(s) nor a data URL cannot be sent to Anthropic.`);
  }
  return problem("messages", `${where}: an uploaded file id belongs to the API it was uploaded to; Anthropic cannot read it. Send the image inline.`);
}

/** Inline PDFs (and plain text) become documents, images images; uploaded file ids cannot be followed. */
function documentBlocks(part: Extract<HubPart, { kind: "file" }>, where: string): Block[] | HubProblem {
  const name = part.title ?? part.filename;
  const title = name ? { title: name } : {};
  const source = part.source;
  if (source.type === "file_id") return problem("messages", `${where}: an uploaded file id belongs to the API it was uploaded to; Anthropic cannot read it. Send the file inline.`);
  if (source.type === "url" && !source.url.startsWith("data:")) {
    return /^https?:\/\//i.test(source.url) ? [{ type: "document", source: { type: "url", url: source.url }, ...title }] : problem("messages", `${where}: a file URL that is neither http(s) nor a data URL cannot be sent to Anthropic.`);
  }
  const inline = source.type === "base64" ? { mediaType: source.mediaType, data: source.data } : parseDataUrl(source.url);
  if (!inline) return problem("messages", `${where}: a malformed data URL.`);
  if (inline.mediaType === "application/pdf") return [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: inline.data }, ...title }];
  if (inline.mediaType.startsWith("text/")) {
    const text = Buffer.from(inline.data, "base64").toString("utf8");
    return [{ type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title }];
  }
  if (inline.mediaType.startsWith("image/")) return [{ type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } }];
  return problem("messages", `${where}: Anthropic reads PDF, text and image files, not ${inline.mediaType || "this file type"}.`);
}

function toolResultBlock(part: Extract<HubPart, { kind: "tool_result" }>, where: string): Block[] | HubProblem {
  const blocks: Block[] = [];
  for (const inner of part.content) {
    if (inner.kind === "tool_result" || inner.kind === "tool_call" || inner.kind === "thinking") continue;
    const converted = upstreamBlocks(inner, "user", where);
    if (!Array.isArray(converted)) return converted;
    blocks.push(...converted);
  }
  // Text only (the usual case) goes as one string, as today: text parts joined by newlines.
  const textOnly = blocks.every((block) => block.type === "text" && !block.cache_control);
  const content = textOnly ? blocks.map((block) => String(block.text)).join("\n") : blocks;
  const hasContent = typeof content === "string" ? content.length > 0 : content.length > 0;
  return [{ type: "tool_result", tool_use_id: anthropicToolUseId(part.toolCallId), ...(hasContent ? { content } : {}), ...(part.isError ? { is_error: true } : {}) }];
}
