// Chat Completions requests, both ways: a client's body parsed into the hub
// (client side), and the hub built into an upstream's body (upstream side).
//
// Fields the hub cannot carry, decided one by one (the hub's rule: refuse what
// would change the answer if dropped, never drop it silently):
//   refused (a HubProblem naming the param):
//     n > 1                       the hub holds one answer
//     logprobs: true, top_logprobs > 0   the answer would lack what was asked for
//     audio, modalities with "audio", input_audio parts, an assistant's `audio`
//     functions, function_call, role "function" (legacy function calling)
//     custom tools, tool_choice naming a custom tool, custom tool calls
//     logit_bias (non-empty)      may ban or force tokens
//     web_search_options          the hub cannot search
//     reasoning_effort other than none/minimal/low/medium/high
//     unknown content part types, malformed data URLs, a file part with no data or id
//   ignored (the answer stays what the client asked for):
//     store, metadata, service_tier, stream_options (the encoder reads include_usage
//       from the client's body itself), prompt_cache_key, prompt_cache_retention,
//       seed, frequency_penalty, presence_penalty (sampling nudges, no contract),
//       verbosity (a length preference), prediction (only speeds up the same answer),
//       a message's `name`, reasoning_effort "none" (no reasoning: the hub's default
//       when `reasoning` is absent), n: 1, logprobs: false, and vendor extensions
//       we do not know.
//   mapped beyond the obvious: top_k (vLLM and others) → topK; allowed_tools →
//     the tool list cut to the allowed ones, with its mode as the choice.
import { dataUrl, parseDataUrl, plainText } from "../shared.ts";
import type { HubMessage, HubPart, HubProblem, HubRequest, HubResponseFormat, HubTool, HubToolChoice } from "../hub.ts";

type Json = Record<string, unknown>;

const EFFORTS = new Set(["minimal", "low", "medium", "high"]);

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function problem(param: string, what: string): HubProblem {
  return { problem: what, param };
}

class Refusal extends Error {
  constructor(readonly result: HubProblem) {
    super(result.problem);
  }
}

function refuse(param: string, what: string): never {
  throw new Refusal(problem(param, what));
}

// ================================================================ client side

export function parseRequest(body: Json): HubRequest | HubProblem {
  try {
    return parse(body);
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    throw error;
  }
}

function parse(body: Json): HubRequest {
  refuseUnsupported(body);
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const request: HubRequest = {
    model: typeof body.model === "string" ? body.model : "",
    system: systemParts(messages),
    messages: hubMessages(messages),
    stream: body.stream === true,
  };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === "number") request.maxTokens = maxTokens;
  if (typeof body.temperature === "number") request.temperature = body.temperature;
  if (typeof body.top_p === "number") request.topP = body.top_p;
  if (typeof body.top_k === "number") request.topK = body.top_k;
  const stop = typeof body.stop === "string" ? [body.stop] : Array.isArray(body.stop) ? body.stop.filter((item): item is string => typeof item === "string") : [];
  if (stop.length > 0) request.stop = stop;
  const tools = hubTools(body.tools);
  if (tools.length > 0) request.tools = tools;
  const choice = hubToolChoice(body.tool_choice, request);
  if (choice) request.toolChoice = choice;
  if (typeof body.parallel_tool_calls === "boolean") request.parallelToolCalls = body.parallel_tool_calls;
  const format = responseFormat(body.response_format);
  if (format) request.responseFormat = format;
  const effort = body.reasoning_effort;
  if (typeof effort === "string" && EFFORTS.has(effort)) request.reasoning = { effort: effort as "minimal" | "low" | "medium" | "high" };
  const user = body.user ?? body.safety_identifier;
  if (typeof user === "string" && user) request.user = user;
  return request;
}

function refuseUnsupported(body: Json): void {
  if (typeof body.n === "number" && body.n > 1) refuse("n", "only one choice (n: 1) can be answered through this gateway");
  if (body.logprobs === true) refuse("logprobs", "log probabilities cannot be returned through this gateway");
  if (typeof body.top_logprobs === "number" && body.top_logprobs > 0) refuse("top_logprobs", "log probabilities cannot be returned through this gateway");
  if (body.audio != null) refuse("audio", "audio output is not supported through this gateway");
  if (Array.isArray(body.modalities) && body.modalities.includes("audio")) refuse("modalities", "audio output is not supported through this gateway");
  if (body.functions != null) refuse("functions", "legacy functions are not supported; use tools");
  if (body.function_call != null) refuse("function_call", "legacy function_call is not supported; use tool_choice");
  if (isObject(body.logit_bias) && Object.keys(body.logit_bias).length > 0) refuse("logit_bias", "logit_bias is not supported through this gateway");
  if (body.web_search_options != null) refuse("web_search_options", "web search is not supported through this gateway");
  const effort = body.reasoning_effort;
  if (effort != null && effort !== "none" && !(typeof effort === "string" && EFFORTS.has(effort))) {
    refuse("reasoning_effort", "reasoning_effort must be none, minimal, low, medium or high");
  }
}

function isSystemRole(message: unknown): boolean {
  return isObject(message) && (message.role === "system" || message.role === "developer");
}

/** One text part per system/developer message, its text parts joined by newlines (empty ones skipped). */
function systemParts(messages: unknown[]): HubPart[] {
  return messages
    .filter(isSystemRole)
    .map((message) => plainText((message as Json).content, "\n"))
    .filter((text) => text.length > 0)
    .map((text) => ({ kind: "text", text }));
}

/** Consecutive tool messages answer one assistant turn, so their results share one user message. */
function hubMessages(messages: unknown[]): HubMessage[] {
  const out: HubMessage[] = [];
  let resultsTurn: HubMessage | undefined;
  messages.forEach((message, i) => {
    if (!isObject(message) || isSystemRole(message)) return;
    const at = `messages[${i}]`;
    if (message.role === "tool") {
      const part = toolResult(message);
      if (resultsTurn) resultsTurn.parts.push(part);
      else out.push((resultsTurn = { role: "user", parts: [part] }));
      return;
    }
    resultsTurn = undefined;
    if (message.role === "user") pushTurn(out, { role: "user", parts: userParts(message.content, at) });
    else if (message.role === "assistant") pushTurn(out, { role: "assistant", parts: assistantParts(message, at) });
    else refuse(`${at}.role`, `messages with role ${JSON.stringify(message.role)} are not supported`);
  });
  return out;
}

function pushTurn(out: HubMessage[], turn: HubMessage): void {
  if (turn.parts.length > 0) out.push(turn);
}

function textParts(text: string): HubPart[] {
  return text.length > 0 ? [{ kind: "text", text }] : [];
}

function userParts(content: unknown, at: string): HubPart[] {
  if (typeof content === "string") return textParts(content);
  if (!Array.isArray(content)) return [];
  return content.flatMap((part, j) => contentPart(part, `${at}.content[${j}]`));
}

function contentPart(part: unknown, at: string): HubPart[] {
  if (!isObject(part)) return [];
  if (part.type === "text") return textParts(String(part.text ?? ""));
  if (part.type === "image_url") {
    const image = isObject(part.image_url) ? part.image_url : {};
    const url = typeof image.url === "string" ? image.url : "";
    if (!url) refuse(`${at}.image_url.url`, "an image_url part needs a url");
    const detail = typeof image.detail === "string" ? { detail: image.detail } : {};
    if (!url.startsWith("data:")) return [{ kind: "image", source: { type: "url", url }, ...detail }];
    const inline = parseDataUrl(url);
    if (!inline) refuse(`${at}.image_url.url`, "the image's data URL is malformed");
    return [{ kind: "image", source: { type: "base64", mediaType: inline.mediaType, data: inline.data }, ...detail }];
  }
  if (part.type === "file") {
    const file = isObject(part.file) ? part.file : {};
    const filename = typeof file.filename === "string" && file.filename ? { filename: file.filename } : {};
    if (typeof file.file_data === "string" && file.file_data) {
      const inline = parseDataUrl(file.file_data);
      if (!inline) refuse(`${at}.file.file_data`, "file_data must be a data URL (data:<media type>;base64,…)");
      return [{ kind: "file", source: { type: "base64", mediaType: inline.mediaType, data: inline.data }, ...filename }];
    }
    if (typeof file.file_id === "string" && file.file_id) return [{ kind: "file", source: { type: "file_id", id: file.file_id }, ...filename }];
    refuse(`${at}.file`, "a file part needs file_data or file_id");
  }
  return refuse(`${at}.type`, `content parts of type ${JSON.stringify(part.type)} are not supported through this gateway`);
}

function assistantParts(message: Json, at: string): HubPart[] {
  if (message.audio != null) refuse(`${at}.audio`, "an earlier audio answer cannot be sent through this gateway");
  if (message.function_call != null) refuse(`${at}.function_call`, "legacy function_call is not supported; use tool_calls");
  const parts: HubPart[] = [];
  const { content } = message;
  if (typeof content === "string") parts.push(...textParts(content));
  else if (Array.isArray(content)) {
    content.forEach((part, j) => {
      if (!isObject(part)) return;
      if (part.type === "text") parts.push(...textParts(String(part.text ?? "")));
      else if (part.type === "refusal") parts.push(...refusalParts(part.refusal));
      else refuse(`${at}.content[${j}].type`, `assistant content parts of type ${JSON.stringify(part.type)} are not supported`);
    });
  }
  if (!parts.some((part) => part.kind === "refusal")) parts.push(...refusalParts(message.refusal));
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((call, k) => {
    if (!isObject(call)) return;
    if (call.type !== undefined && call.type !== "function") refuse(`${at}.tool_calls[${k}].type`, "only function tool calls are supported");
    const fn = isObject(call.function) ? call.function : {};
    if (typeof fn.name !== "string" || !fn.name) return; // nothing to pair a result with (as the translators did)
    parts.push({ kind: "tool_call", id: String(call.id ?? ""), name: fn.name, arguments: typeof fn.arguments === "string" ? fn.arguments : "" });
  });
  return parts;
}

function refusalParts(refusal: unknown): HubPart[] {
  return typeof refusal === "string" && refusal ? [{ kind: "refusal", text: refusal }] : [];
}

function toolResult(message: Json): HubPart {
  const text = plainText(message.content, "\n");
  return { kind: "tool_result", toolCallId: String(message.tool_call_id ?? ""), content: textParts(text) };
}

function hubTools(tools: unknown): HubTool[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool, i): HubTool[] => {
    if (!isObject(tool)) return [];
    if (tool.type !== "function") refuse(`tools[${i}].type`, `tools of type ${JSON.stringify(tool.type)} are not supported; use function tools`);
    const fn = isObject(tool.function) ? tool.function : {};
    if (typeof fn.name !== "string" || !fn.name) refuse(`tools[${i}].function.name`, "a function tool needs a name");
    return [
      {
        name: fn.name,
        ...(typeof fn.description === "string" && fn.description ? { description: fn.description } : {}),
        ...(isObject(fn.parameters) ? { parameters: fn.parameters } : {}),
        ...(typeof fn.strict === "boolean" ? { strict: fn.strict } : {}),
      },
    ];
  });
}

/** allowed_tools narrows the tool list for this request; the hub says so by sending only those tools. */
function hubToolChoice(choice: unknown, request: HubRequest): HubToolChoice | undefined {
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  if (!isObject(choice)) return undefined;
  if (choice.type === "function") {
    const name = isObject(choice.function) ? choice.function.name : undefined;
    if (typeof name !== "string" || !name) refuse("tool_choice.function.name", "tool_choice names no function");
    return { type: "tool", name };
  }
  if (choice.type === "allowed_tools") {
    const allowed = isObject(choice.allowed_tools) ? choice.allowed_tools : {};
    const names = new Set<string>();
    for (const tool of Array.isArray(allowed.tools) ? allowed.tools : []) {
      const name = isObject(tool) && isObject(tool.function) ? tool.function.name : undefined;
      if (typeof name !== "string") refuse("tool_choice.allowed_tools.tools", "only function tools can be allowed");
      names.add(name);
    }
    const kept = (request.tools ?? []).filter((tool) => names.has(tool.name));
    if (kept.length > 0) request.tools = kept;
    else delete request.tools;
    return allowed.mode === "required" ? { type: "required" } : { type: "auto" };
  }
  return refuse("tool_choice", `tool_choice of type ${JSON.stringify(choice.type)} is not supported`);
}

function responseFormat(format: unknown): HubResponseFormat | undefined {
  if (!isObject(format)) return undefined;
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") {
    const spec = isObject(format.json_schema) ? format.json_schema : {};
    if (typeof spec.name !== "string" || !spec.name) refuse("response_format.json_schema.name", "a json_schema response format needs a name");
    return {
      type: "json_schema",
      name: spec.name,
      schema: isObject(spec.schema) ? spec.schema : {},
      ...(typeof spec.strict === "boolean" ? { strict: spec.strict } : {}),
      ...(typeof spec.description === "string" ? { description: spec.description } : {}),
    };
  }
  return refuse("response_format.type", `response_format ${JSON.stringify(format.type)} is not supported`);
}

// ============================================================== upstream side

/**
 * Field order as the gateway has always written it for OpenAI upstreams
 * (openai-completions.test.ts holds it as a golden); response_format and
 * reasoning_effort, which it came to write later, come last. topK and
 * reasoning.budgetTokens have no Chat Completions field and are not sent (OpenAI
 * refuses unknown fields), as before. `max_completion_tokens` is what OpenAI
 * wants; the gateway renames it for servers that only know max_tokens.
 */
export function buildRequest(request: HubRequest, model: string): Json {
  const body: Json = { model, messages: openAIMessages(request) };
  if (typeof request.maxTokens === "number") body.max_completion_tokens = request.maxTokens;
  if (typeof request.temperature === "number") body.temperature = request.temperature;
  if (typeof request.topP === "number") body.top_p = request.topP;
  if (request.stop?.length) body.stop = [...request.stop];
  if (request.stream) {
    body.stream = true;
    // The gateway needs token counts, and Anthropic clients expect them in the closing event.
    body.stream_options = { include_usage: true };
  }
  const tools = (request.tools ?? []).map((tool) => ({
    type: "function",
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: "object", properties: {} },
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    },
  }));
  // OpenAI refuses tool_choice and parallel_tool_calls in a request without tools.
  if (tools.length > 0) {
    body.tools = tools;
    const choice = request.toolChoice;
    if (choice) body.tool_choice = choice.type === "tool" ? { type: "function", function: { name: choice.name } } : choice.type;
    if (request.parallelToolCalls === false) body.parallel_tool_calls = false;
  }
  if (request.user) body.user = request.user;
  const format = request.responseFormat;
  if (format?.type === "json_object") body.response_format = { type: "json_object" };
  if (format?.type === "json_schema") {
    const { name, description, schema, strict } = format;
    body.response_format = { type: "json_schema", json_schema: { name, ...(description !== undefined ? { description } : {}), schema, ...(strict !== undefined ? { strict } : {}) } };
  }
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort;
  return body;
}

function openAIMessages(request: HubRequest): Json[] {
  // Several system texts are separate paragraphs, as Anthropic system blocks were joined.
  const system = request.system.flatMap((part) => (part.kind === "text" && part.text ? [part.text] : [])).join("\n\n");
  const messages: Json[] = system ? [{ role: "system", content: system }] : [];
  for (const message of request.messages) messages.push(...(message.role === "assistant" ? assistantMessages(message.parts) : userMessages(message.parts)));
  return messages;
}

/**
 * Each tool result is its own `tool` message, which must follow the assistant's
 * tool calls directly, so results come out before the user's other content.
 * Tool messages hold text only; images a tool returned ride along in the next user message.
 */
function userMessages(parts: HubPart[]): Json[] {
  const results = parts.filter((part) => part.kind === "tool_result");
  const toolMessages = results.map(toolMessage);
  const spilled = results.flatMap((part) => part.content.filter((inner) => inner.kind === "image"));
  const content = [...spilled, ...parts.filter((part) => part.kind !== "tool_result")].flatMap(userContent);
  if (content.length === 0) return toolMessages;
  const only = content.length === 1 ? content[0] : undefined;
  // A lone text part goes as a plain string, which every OpenAI-compatible server accepts.
  return [...toolMessages, { role: "user", content: only?.type === "text" ? only.text : content }];
}

function toolMessage(part: Extract<HubPart, { kind: "tool_result" }>): Json {
  const text = part.content.flatMap((inner) => (inner.kind === "text" ? [inner.text] : [])).join("\n");
  return { role: "tool", tool_call_id: part.toolCallId, content: part.isError === true ? markedAsError(text) : text };
}

/**
 * Tool messages have no error flag, so a failed tool's result says so in words,
 * as agent frameworks report tool errors to OpenAI models: "Error: …" (left
 * alone when the text already starts with "Error").
 */
export function markedAsError(text: string): string {
  if (!text.trim()) return "Error";
  return /^\s*error\b/i.test(text) ? text : `Error: ${text}`;
}

function userContent(part: HubPart): Json[] {
  if (part.kind === "text") return part.text ? [{ type: "text", text: part.text }] : [];
  if (part.kind === "image") {
    const detail = part.detail ? { detail: part.detail } : {};
    if (part.source.type === "base64") return [{ type: "image_url", image_url: { url: dataUrl(part.source.mediaType, part.source.data), ...detail } }];
    if (part.source.type === "url") return [{ type: "image_url", image_url: { url: part.source.url, ...detail } }];
    return []; // a file id of another API cannot be followed here
  }
  if (part.kind === "file") return fileContent(part);
  return []; // thinking and refusals have no place in a user message
}

/** Plain-text documents become text; other inline files go as file_data (OpenAI reads PDFs); URLs cannot be sent. */
function fileContent(part: Extract<HubPart, { kind: "file" }>): Json[] {
  const { source } = part;
  if (source.type === "file_id") return [{ type: "file", file: { file_id: source.id, ...(part.filename ? { filename: part.filename } : {}) } }];
  if (source.type !== "base64") return [];
  if (source.mediaType.startsWith("text/")) return [{ type: "text", text: Buffer.from(source.data, "base64").toString("utf8") }];
  const filename = part.filename ?? part.title ?? (source.mediaType === "application/pdf" ? "document.pdf" : "file");
  return [{ type: "file", file: { filename, file_data: dataUrl(source.mediaType, source.data) } }];
}

/** Thinking cannot be sent back through Chat Completions (it has no field for it in requests): dropped. */
function assistantMessages(parts: HubPart[]): Json[] {
  const text = parts.flatMap((part) => (part.kind === "text" ? [part.text] : [])).join("");
  const refusal = parts.flatMap((part) => (part.kind === "refusal" ? [part.text] : [])).join("");
  const toolCalls = parts.flatMap((part) =>
    part.kind === "tool_call" ? [{ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } }] : [],
  );
  if (!text && !refusal && toolCalls.length === 0) return [];
  return [{ role: "assistant", content: text || null, ...(refusal ? { refusal } : {}), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }];
}
