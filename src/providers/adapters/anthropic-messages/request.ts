// Anthropic Messages requests from a client, parsed into the hub (the client
// side). The upstream side, the hub built into an Anthropic body, is build.ts.
import { hasOwnKey } from "../../../state/own-keys.ts";
import type { HubMediaSource, HubMessage, HubPart, HubProblem, HubRequest, HubTool, HubToolChoice } from "../hub.ts";
import { problem, type Json } from "./common.ts";

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Top-level fields the hub has no place for, and what happens to them.
 * Refused (dropping them changes the answer): mcp_servers (tools that run at
 * Anthropic). Ignored (the answer is the same without them): service_tier,
 * container (a code-execution container, used only by server tools, which are
 * refused), context_management (Anthropic trimming old tool results: another
 * model just sees the whole context), inference_geo, cache_control (automatic
 * prompt caching) and any field Anthropic adds later: a client sending one
 * today works, and keeps working.
 */
const REFUSED_FIELDS: Readonly<Record<string, string>> = {
  mcp_servers: "MCP servers are connected by Anthropic's API, which this model is not served through; list the tools as client tools instead.",
};

export function parseClientRequest(body: Json): HubRequest | HubProblem {
  for (const field of Object.keys(REFUSED_FIELDS)) {
    if (hasOwnKey(body, field) && body[field] !== null && body[field] !== undefined) return problem(field, REFUSED_FIELDS[field]!);
  }
  const system: HubPart[] = [];
  const systemProblem = systemParts(body.system, system);
  if (systemProblem) return systemProblem;
  const messages: HubMessage[] = [];
  const list = Array.isArray(body.messages) ? body.messages : [];
  for (const [at, message] of list.entries()) {
    if (!isObject(message)) continue;
    const parts = contentParts(message.content, `messages[${at}]`);
    if (!Array.isArray(parts)) return parts;
    // Not an Anthropic role, but some clients send it: it joins the system prompt (the hub has one).
    if (message.role === "system") system.push(...parts);
    else messages.push({ role: message.role === "assistant" ? "assistant" : "user", parts });
  }
  const request: HubRequest = { model: typeof body.model === "string" ? body.model : "", system, messages, stream: body.stream === true };
  if (typeof body.max_tokens === "number") request.maxTokens = body.max_tokens;
  if (typeof body.temperature === "number") request.temperature = body.temperature;
  if (typeof body.top_p === "number") request.topP = body.top_p;
  if (typeof body.top_k === "number") request.topK = body.top_k;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) request.stop = body.stop_sequences.filter((s): s is string => typeof s === "string");
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    const tools = clientTools(body.tools);
    if (!Array.isArray(tools)) return tools;
    request.tools = tools;
  }
  if (isObject(body.tool_choice)) {
    const choice = toolChoice(body.tool_choice);
    if (choice) request.toolChoice = choice;
    if (body.tool_choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
  }
  const format = responseFormat(body);
  if (format && "problem" in format) return format;
  if (format) request.responseFormat = format;
  const reasoning = reasoningOf(body);
  if (reasoning) request.reasoning = reasoning;
  const metadata = isObject(body.metadata) ? body.metadata : undefined;
  if (typeof metadata?.user_id === "string" && metadata.user_id) request.user = metadata.user_id;
  return request;
}

function systemParts(system: unknown, into: HubPart[]): HubProblem | undefined {
  if (typeof system === "string") {
    if (system) into.push({ kind: "text", text: system });
    return undefined;
  }
  if (!Array.isArray(system)) return undefined;
  for (const block of system) {
    if (!isObject(block)) continue;
    if (block.type !== "text") return problem("system", `a ${String(block.type)} block cannot be a system prompt; use text blocks.`);
    into.push(textPart(block));
  }
  return undefined;
}

function textPart(block: Json): HubPart {
  return { kind: "text", text: typeof block.text === "string" ? block.text : "", ...(isObject(block.cache_control) ? { cache: true } : {}) };
}

/** Ids from whatever the client sent; anything but a string becomes "" (never a key lookup, so "__proto__" is just a name). */
function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function contentParts(content: unknown, where: string): HubPart[] | HubProblem {
  if (typeof content === "string") return [{ kind: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const parts: HubPart[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    const part = contentPart(block, where);
    if (part && "problem" in part) return part;
    if (part) parts.push(part);
  }
  return parts;
}

/**
 * One content block. cache_control on anything but text is a cost hint the hub
 * does not keep; citations settings and text citations are metadata around the
 * same answer. Server-tool blocks (server_tool_use, web_search_tool_result, …),
 * container uploads and anything unknown are refused: the conversation would
 * reach another model with part of it missing.
 */
function contentPart(block: Json, where: string): HubPart | HubProblem | undefined {
  switch (block.type) {
    case "text":
      return textPart(block);
    case "image": {
      const source = mediaSource(block.source);
      return source ? { kind: "image", source } : problem("messages", `${where}: an image source of type ${describeType(block.source)} cannot be sent to this model.`);
    }
    case "document":
      return documentPart(block, where);
    case "tool_use":
      return { kind: "tool_call", id: str(block.id), name: str(block.name), arguments: JSON.stringify(block.input ?? {}) };
    case "tool_result": {
      const content = contentParts(block.content, where);
      if (!Array.isArray(content)) return content;
      return { kind: "tool_result", toolCallId: str(block.tool_use_id), content, ...(block.is_error === true ? { isError: true } : {}) };
    }
    case "thinking":
      return { kind: "thinking", text: str(block.thinking), ...(typeof block.signature === "string" && block.signature ? { signature: block.signature } : {}) };
    case "redacted_thinking":
      return { kind: "thinking", text: "", encrypted: str(block.data) };
    default:
      return problem("messages", `${where}: a ${String(block.type)} block (a server tool's call or result, or a kind this gateway does not know) can only be read by Anthropic's API, which this model is not served through.`);
  }
}

function describeType(source: unknown): string {
  return isObject(source) ? String(source.type) : "(none)";
}

function mediaSource(source: unknown): HubMediaSource | undefined {
  if (!isObject(source)) return undefined;
  if (source.type === "base64" && typeof source.data === "string") return { type: "base64", mediaType: str(source.media_type), data: source.data };
  if (source.type === "url" && typeof source.url === "string") return { type: "url", url: source.url };
  if (source.type === "file" && typeof source.file_id === "string") return { type: "file_id", id: source.file_id };
  return undefined;
}

/** PDFs (base64, url, file) and plain-text documents (kept as base64 text/plain, as a file part says it) become file parts. */
function documentPart(block: Json, where: string): HubPart | HubProblem {
  const title = typeof block.title === "string" && block.title ? { title: block.title } : {};
  const source = block.source;
  if (isObject(source) && source.type === "text" && typeof source.data === "string") {
    const data = Buffer.from(source.data, "utf8").toString("base64");
    return { kind: "file", source: { type: "base64", mediaType: str(source.media_type) || "text/plain", data }, ...title };
  }
  // A document given as content blocks (custom content, e.g. search results): its text is the document.
  if (isObject(source) && source.type === "content" && (typeof source.content === "string" || Array.isArray(source.content))) {
    const blocks = typeof source.content === "string" ? [{ type: "text", text: source.content }] : source.content;
    if (blocks.every((item) => isObject(item) && item.type === "text" && typeof item.text === "string")) {
      const text = blocks.map((item) => String((item as Json).text)).join("\n");
      return { kind: "text", text: typeof block.title === "string" && block.title ? `${block.title}\n\n${text}` : text };
    }
  }
  const media = mediaSource(source);
  if (!media) return problem("messages", `${where}: a document source of type ${describeType(source)} cannot be sent to this model.`);
  return { kind: "file", source: media.type === "url" || media.type === "file_id" || media.mediaType ? media : { ...media, mediaType: "application/pdf" }, ...title };
}

/** Client tools (no type, or "custom"); a server tool (web_search_…, bash_…, text_editor_…, computer_…, an MCP toolset) runs at Anthropic only. */
function clientTools(tools: unknown[]): HubTool[] | HubProblem {
  const out: HubTool[] = [];
  for (const [at, tool] of tools.entries()) {
    if (!isObject(tool)) continue;
    if ((tool.type !== undefined && tool.type !== null && tool.type !== "custom") || typeof tool.name !== "string") {
      const what = typeof tool.type === "string" ? tool.type : "a tool without a name";
      return problem("tools", `tools[${at}] (${what}) is a server tool that runs at Anthropic; this model is served through another API, which cannot run it. Remove it or define it as a client tool.`);
    }
    out.push({
      name: tool.name,
      ...(typeof tool.description === "string" && tool.description ? { description: tool.description } : {}),
      ...(isObject(tool.input_schema) ? { parameters: tool.input_schema } : {}),
      ...(typeof tool.strict === "boolean" ? { strict: tool.strict } : {}),
    });
  }
  return out;
}

function toolChoice(choice: Json): HubToolChoice | undefined {
  switch (choice.type) {
    case "auto":
      return { type: "auto" };
    case "any":
      return { type: "required" };
    case "none":
      return { type: "none" };
    case "tool":
      return typeof choice.name === "string" ? { type: "tool", name: choice.name } : undefined;
    default:
      return undefined;
  }
}

/** output_config.format (structured outputs), or the beta's top-level output_format. Anthropic's structured output is always enforced, so strict. */
function responseFormat(body: Json): HubRequest["responseFormat"] | HubProblem | undefined {
  const config = isObject(body.output_config) ? body.output_config : undefined;
  const param = isObject(config?.format) ? "output_config.format" : "output_format";
  const format = isObject(config?.format) ? config.format : isObject(body.output_format) ? body.output_format : undefined;
  if (!format) return undefined;
  if (format.type !== "json_schema" || !isObject(format.schema)) return problem(param, `a format of type ${String(format.type)} is not one this gateway can carry to another API; use json_schema with a schema.`);
  return { type: "json_schema", name: "response", schema: format.schema, strict: true };
}

/**
 * thinking {type: "enabled", budget_tokens} → a budget; adaptive thinking → reasoning
 * on, at output_config.effort's level when given ("max" is the hub's "high").
 * Disabled, or absent, is no reasoning.
 */
function reasoningOf(body: Json): HubRequest["reasoning"] | undefined {
  const thinking = isObject(body.thinking) ? body.thinking : undefined;
  const config = isObject(body.output_config) ? body.output_config : undefined;
  const effort = config?.effort === "max" ? "high" : config?.effort;
  const named: NonNullable<HubRequest["reasoning"]> = effort === "low" || effort === "medium" || effort === "high" ? { effort } : {};
  if (thinking?.type === "enabled") return { ...named, ...(typeof thinking.budget_tokens === "number" ? { budgetTokens: thinking.budget_tokens } : {}) };
  if (thinking?.type === "adaptive") return named;
  return thinking?.type === "disabled" || !effort ? undefined : named;
}

