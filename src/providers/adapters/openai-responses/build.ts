// Upstream side: a hub request as a Responses API body, for OpenAI's own models
// (and later the ChatGPT Codex backend). Stateless: `store: false`, the whole
// conversation in `input`, reasoning carried as encrypted content.
import { createHash } from "node:crypto";
import type { HubMessage, HubPart, HubProblem, HubRequest, HubResponseFormat } from "../hub.ts";
import { responsesInputPart, type Json } from "./common.ts";

/** Anthropic clients ask for a thinking budget; the Responses API for an effort. */
function effortForBudget(budget: number): "low" | "medium" | "high" {
  if (budget <= 4096) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

export function buildResponsesRequest(request: HubRequest, model: string): Json | HubProblem {
  if (request.stop?.length) return { problem: "stop sequences are not supported by this model's API (OpenAI Responses)", param: "stop" };
  if (request.topK !== undefined) return { problem: "top_k is not supported by this model's API (OpenAI Responses)", param: "top_k" };

  const body: Json = { model, input: request.messages.flatMap(inputItems), store: false, stream: request.stream };
  const instructions = request.system
    .filter((part): part is Extract<HubPart, { kind: "text" }> => part.kind === "text")
    .map((part) => part.text)
    .filter(Boolean)
    .join("\n\n");
  if (instructions) body.instructions = instructions;
  if (request.maxTokens !== undefined) body.max_output_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: "object", properties: {} },
      // The Responses API defaults to strict; every other API does not.
      strict: tool.strict ?? false,
    }));
  }
  if (request.toolChoice) body.tool_choice = request.toolChoice.type === "tool" ? { type: "function", name: request.toolChoice.name } : request.toolChoice.type;
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat) body.text = { format: textFormat(request.responseFormat) };
  const effort = request.reasoning?.effort ?? (request.reasoning?.budgetTokens ? effortForBudget(request.reasoning.budgetTokens) : undefined);
  if (effort) body.reasoning = { effort };
  // With store: false, reasoning survives to the next turn only as encrypted content.
  if (request.reasoning) body.include = ["reasoning.encrypted_content"];
  if (request.user) body.safety_identifier = safetyIdentifier(request.user);
  return body;
}

/**
 * OpenAI takes at most 64 characters here (and recommends a hash); Claude Code's
 * metadata.user_id is a JSON object of ids, about 150. A longer id goes as its
 * SHA-256 in hex (64 characters): still one stable id per user.
 */
function safetyIdentifier(user: string): string {
  return user.length <= 64 ? user : createHash("sha256").update(user).digest("hex");
}

function textFormat(format: HubResponseFormat): Json {
  if (format.type !== "json_schema") return { type: format.type };
  return {
    type: "json_schema",
    name: format.name,
    schema: format.schema,
    ...(format.strict !== undefined ? { strict: format.strict } : {}),
    ...(format.description ? { description: format.description } : {}),
  };
}

function inputItems(message: HubMessage): Json[] {
  return message.role === "assistant" ? assistantItems(message.parts) : userItems(message.parts);
}

/** Tool results become function_call_output items; the rest, in order, user messages between them. */
function userItems(parts: HubPart[]): Json[] {
  const items: Json[] = [];
  let content: Json[] = [];
  const flush = () => {
    if (content.length > 0) items.push({ role: "user", content });
    content = [];
  };
  for (const part of parts) {
    if (part.kind === "tool_result") {
      flush();
      items.push({ type: "function_call_output", call_id: part.toolCallId, output: toolOutput(part.content, part.isError) });
      continue;
    }
    const converted = responsesInputPart(part);
    if (converted) content.push(converted);
  }
  flush();
  return items;
}

/** The Responses API has no error flag on a function's output; an error says so in its text. */
function toolOutput(content: HubPart[], isError: boolean | undefined): string | Json[] {
  const prefix = isError ? "Error: " : "";
  if (content.every((part) => part.kind === "text")) return prefix + content.map((part) => (part.kind === "text" ? part.text : "")).join("");
  const parts = content.flatMap((part): Json[] => {
    const converted = responsesInputPart(part);
    return converted ? [converted] : [];
  });
  return isError ? [{ type: "input_text", text: "Error:" }, ...parts] : parts;
}

/**
 * Text and refusals become assistant messages, tool calls function_call items.
 * Thinking goes back only as a reasoning item with encrypted content and no
 * Anthropic signature: the mark of reasoning an OpenAI model made; plain
 * thinking text from another API cannot be replayed to OpenAI.
 */
function assistantItems(parts: HubPart[]): Json[] {
  const items: Json[] = [];
  let content: Json[] = [];
  const flush = () => {
    if (content.length > 0) items.push({ type: "message", role: "assistant", content });
    content = [];
  };
  for (const part of parts) {
    if (part.kind === "text" && part.text) content.push({ type: "output_text", text: part.text, annotations: [] });
    else if (part.kind === "refusal") content.push({ type: "refusal", refusal: part.text });
    else if (part.kind === "tool_call") {
      flush();
      items.push({ type: "function_call", call_id: part.id, name: part.name, arguments: part.arguments || "{}" });
    } else if (part.kind === "thinking" && part.encrypted && !part.signature) {
      flush();
      const summary = part.text ? [{ type: "summary_text", text: part.text }] : [];
      items.push({ type: "reasoning", summary, encrypted_content: part.encrypted });
    }
  }
  flush();
  return items;
}
