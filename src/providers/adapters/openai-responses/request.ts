// Client side: a Responses API request (POST /v1/responses) into the hub form.
//
// We keep no conversations, so whatever needs them is refused (previous_response_id,
// conversation, background, stored prompts). Item references to the gateway's own recent
// answers were replaced by the items before this (gateway/response-items.ts); any other
// reference is refused here. So are OpenAI's hosted
// tools, except the ones that only offer the model something (web search, tool
// search: dropped, see tools.ts). Custom (freeform) and namespace tools become
// function tools (tools.ts). Ignored because they change nothing about the answer
// we can give: store, metadata, client_metadata, include, truncation, service_tier,
// prompt_cache_key, prompt_cache_retention/options, stream_options,
// context_management, moderation, max_tool_calls (only hosted tools count),
// text.verbosity and reasoning.summary (hints), and the item ids and statuses
// inside `input`.
import { isProblem, type HubMessage, type HubPart, type HubProblem, type HubRequest, type HubResponseFormat, type HubToolChoice } from "../hub.ts";
import { fromEncryptedContent, inputPart, isObject, type Json } from "./common.ts";
import { FREEFORM_ARGUMENT, flatToolName, parseClientTools } from "./tools.ts";

const STATEFUL = [
  ["previous_response_id", "we keep no server-side conversation state: send the full conversation in input instead"],
  ["conversation", "we keep no server-side conversation state: send the full conversation in input instead"],
  ["background", "background responses are not supported: send the request without background"],
  ["prompt", "stored prompt templates are not supported: send instructions and input instead"],
] as const;

type Effort = NonNullable<NonNullable<HubRequest["reasoning"]>["effort"]>;

/** The hub knows minimal…high; newer efforts map to their nearest neighbour. */
const EFFORTS: Record<string, Effort> = { none: "minimal", minimal: "minimal", low: "low", medium: "medium", high: "high", xhigh: "high", max: "high" };

export function parseResponsesRequest(body: Json): HubRequest | HubProblem {
  for (const [param, problem] of STATEFUL) {
    const value = body[param];
    if (value !== undefined && value !== null && value !== false) return { problem, param };
  }
  if (typeof body.top_logprobs === "number" && body.top_logprobs > 0) return { problem: "top_logprobs is not supported", param: "top_logprobs" };

  const system: HubPart[] = [];
  if (typeof body.instructions === "string" && body.instructions) system.push({ kind: "text", text: body.instructions });
  const messages = parseInput(body.input, system);
  if (isProblem(messages)) return messages;

  const request: HubRequest = { model: String(body.model ?? ""), system, messages, stream: body.stream === true };
  if (typeof body.max_output_tokens === "number") request.maxTokens = body.max_output_tokens;
  if (typeof body.temperature === "number") request.temperature = body.temperature;
  if (typeof body.top_p === "number") request.topP = body.top_p;
  if (typeof body.parallel_tool_calls === "boolean") request.parallelToolCalls = body.parallel_tool_calls;
  const user = typeof body.safety_identifier === "string" ? body.safety_identifier : body.user;
  if (typeof user === "string" && user) request.user = user;

  const tools = parseClientTools(body.tools);
  if (isProblem(tools)) return tools;
  if (tools.tools.length > 0) request.tools = tools.tools;
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const choice = parseToolChoice(body.tool_choice);
    if (isProblem(choice)) return choice;
    request.toolChoice = choice;
  }
  const format = isObject(body.text) ? body.text.format : undefined;
  if (format !== undefined && format !== null) {
    const parsed = parseFormat(format);
    if (isProblem(parsed)) return parsed;
    request.responseFormat = parsed;
  }
  if (isObject(body.reasoning) && typeof body.reasoning.effort === "string") {
    const effort = EFFORTS[body.reasoning.effort];
    if (!effort) return { problem: `unknown reasoning effort ${JSON.stringify(body.reasoning.effort)}`, param: "reasoning.effort" };
    request.reasoning = { effort };
  }
  return request;
}

// ------------------------------------------------------------- input

function parseInput(input: unknown, system: HubPart[]): HubMessage[] | HubProblem {
  if (typeof input === "string") return [{ role: "user", parts: [{ kind: "text", text: input }] }];
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) return { problem: "input must be a string or a list of items", param: "input" };
  const messages: HubMessage[] = [];
  for (const [index, item] of input.entries()) {
    const param = `input[${index}]`;
    const problem = addItem(messages, system, item, param);
    if (problem) return problem;
  }
  return messages;
}

/** Assistant items (messages, function calls, reasoning) that follow each other form one assistant turn. */
function assistantTurn(messages: HubMessage[]): HubMessage {
  const last = messages.at(-1);
  if (last?.role === "assistant") return last;
  const turn: HubMessage = { role: "assistant", parts: [] };
  messages.push(turn);
  return turn;
}

/** Function call outputs that follow each other form one user turn of tool results. */
function toolResultTurn(messages: HubMessage[]): HubMessage {
  const last = messages.at(-1);
  if (last?.role === "user" && last.parts.length > 0 && last.parts.every((part) => part.kind === "tool_result")) return last;
  const turn: HubMessage = { role: "user", parts: [] };
  messages.push(turn);
  return turn;
}

function addItem(messages: HubMessage[], system: HubPart[], item: unknown, param: string): HubProblem | undefined {
  if (!isObject(item)) return { problem: "an input item must be an object", param };
  const type = item.type ?? (typeof item.role === "string" ? "message" : undefined);
  switch (type) {
    case "message":
      return addMessage(messages, system, item, param);
    case "function_call":
    case "custom_tool_call": {
      if (typeof item.call_id !== "string" || typeof item.name !== "string") return { problem: `a ${type} needs call_id and name`, param };
      const namespace = typeof item.namespace === "string" && item.namespace ? item.namespace : undefined;
      // A freeform call's text travels as the one argument of a function (tools.ts).
      const args = type === "custom_tool_call" ? JSON.stringify({ [FREEFORM_ARGUMENT]: typeof item.input === "string" ? item.input : "" }) : typeof item.arguments === "string" ? item.arguments : "";
      assistantTurn(messages).parts.push({ kind: "tool_call", id: item.call_id, name: flatToolName(item.name, namespace), arguments: args });
      return undefined;
    }
    case "function_call_output":
    case "custom_tool_call_output": {
      if (typeof item.call_id !== "string") return { problem: `a ${type} needs call_id`, param };
      const content = toolOutput(item.output, `${param}.output`);
      if (isProblem(content)) return content;
      toolResultTurn(messages).parts.push({ kind: "tool_result", toolCallId: item.call_id, content });
      return undefined;
    }
    case "reasoning": {
      const summary = Array.isArray(item.summary) ? item.summary : [];
      const text = summary
        .map((part) => (isObject(part) && typeof part.text === "string" ? part.text : ""))
        .filter(Boolean)
        .join("\n\n");
      assistantTurn(messages).parts.push({ kind: "thinking", text, ...fromEncryptedContent(item.encrypted_content) });
      return undefined;
    }
    case "item_reference":
      return { problem: "this item reference is not one of the gateway's own recent answers, and this provider cannot look it up: send the item itself (or send store: false, so that clients send items instead of references)", param };
    default:
      return { problem: `input item type ${JSON.stringify(type)} is not supported (only messages, function and custom tool calls and their outputs, and reasoning)`, param };
  }
}

function addMessage(messages: HubMessage[], system: HubPart[], item: Json, param: string): HubProblem | undefined {
  const { role, content } = item;
  if (role === "system" || role === "developer") {
    const parts = messageParts(content, `${param}.content`, "input");
    if (isProblem(parts)) return parts;
    if (parts.some((part) => part.kind !== "text")) return { problem: "system and developer messages may hold only text", param: `${param}.content` };
    system.push(...parts);
    return undefined;
  }
  if (role === "assistant") {
    const parts = messageParts(content, `${param}.content`, "output");
    if (isProblem(parts)) return parts;
    assistantTurn(messages).parts.push(...parts);
    return undefined;
  }
  if (role !== "user") return { problem: `message role ${JSON.stringify(role)} is not supported`, param: `${param}.role` };
  const parts = messageParts(content, `${param}.content`, "input");
  if (isProblem(parts)) return parts;
  messages.push({ role: "user", parts });
  return undefined;
}

function messageParts(content: unknown, param: string, side: "input" | "output"): HubPart[] | HubProblem {
  if (typeof content === "string") return [{ kind: "text", text: content }];
  if (!Array.isArray(content)) return { problem: "message content must be a string or a list of parts", param };
  const parts: HubPart[] = [];
  for (const [index, part] of content.entries()) {
    const where = `${param}[${index}]`;
    if (side === "output" && isObject(part)) {
      // Assistant turns carry output_text (some clients write input_text) and refusals.
      if ((part.type === "output_text" || part.type === "input_text") && typeof part.text === "string") {
        parts.push({ kind: "text", text: part.text });
        continue;
      }
      if (part.type === "refusal" && typeof part.refusal === "string") {
        parts.push({ kind: "refusal", text: part.refusal });
        continue;
      }
      return { problem: `assistant content part type ${JSON.stringify(part.type)} is not supported`, param: where };
    }
    const parsed = inputPart(part, where);
    if (isProblem(parsed)) return parsed;
    parts.push(parsed);
  }
  return parts;
}

function toolOutput(output: unknown, param: string): HubPart[] | HubProblem {
  if (typeof output === "string") return [{ kind: "text", text: output }];
  return messageParts(output, param, "input");
}

// ------------------------------------------------------------- tools, choice, format

function parseToolChoice(choice: unknown): HubToolChoice | HubProblem {
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  if (isObject(choice) && (choice.type === "function" || choice.type === "custom") && typeof choice.name === "string") {
    return { type: "tool", name: flatToolName(choice.name, typeof choice.namespace === "string" && choice.namespace ? choice.namespace : undefined) };
  }
  const type = isObject(choice) ? choice.type : choice;
  return { problem: `tool_choice ${JSON.stringify(type)} is not supported (auto, none, required, a function or a custom tool)`, param: "tool_choice" };
}

function parseFormat(format: unknown): HubResponseFormat | HubProblem {
  if (isObject(format) && (format.type === "text" || format.type === "json_object")) return { type: format.type };
  if (isObject(format) && format.type === "json_schema" && isObject(format.schema)) {
    return {
      type: "json_schema",
      name: typeof format.name === "string" ? format.name : "response",
      schema: format.schema,
      ...(typeof format.strict === "boolean" ? { strict: format.strict } : {}),
      ...(typeof format.description === "string" ? { description: format.description } : {}),
    };
  }
  return { problem: "text.format must be text, json_object or json_schema with a schema", param: "text.format" };
}
