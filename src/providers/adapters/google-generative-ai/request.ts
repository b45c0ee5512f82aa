// Hub request → Gemini generateContent body.
//
// Gemini's conversation is `contents` of "user" and "model" turns made of
// parts; the system prompt travels apart, as `systemInstruction`. Tool calls
// carry no id on the wire we rely on, so a tool result names the function it
// answers: we find it by the result's toolCallId among the calls before it.
import { parseDataUrl } from "../shared.ts";
import type { HubMediaSource, HubMessage, HubPart, HubProblem, HubRequest, HubTool, HubToolChoice } from "../hub.ts";
import { geminiJsonSchema, toolParameters } from "./schema.ts";

export type GeminiPart = Record<string, unknown>;
export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

/**
 * Gemini 3 refuses a replayed functionCall part without the thoughtSignature
 * it came with (400 "Function call is missing a thought_signature"). No client
 * API can carry that signature back to us, so calls are replayed with the
 * value Google documents for history it did not produce, which skips the check.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

/** Gemini needs at least one turn; this stands in when the request has only a system prompt. */
export const PLACEHOLDER_USER_TEXT = "(continue)";

const MAX_STOP_SEQUENCES = 5;

/** Token budgets for an effort on models that take a budget (Gemini 2.5 and older); Flash allows up to 24576. */
const THINKING_BUDGET = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const;

class Refusal extends Error {
  constructor(readonly detail: HubProblem) {
    super(detail.problem);
  }
}

function refuse(problem: string, param?: string): never {
  throw new Refusal(param === undefined ? { problem } : { problem, param });
}

// ------------------------------------------------------------- endpoint

/** `models/<id>` (a `models/` prefix in the id is not doubled; `tunedModels/<id>` stays as it is), each segment URL-encoded. */
export function modelPath(model: string): string {
  const id = model.replace(/^models\//, "");
  if (id.startsWith("tunedModels/")) return id.split("/").map(encodeURIComponent).join("/");
  // encodeURIComponent also escapes ":" and "/", which would otherwise read as the method or another path segment.
  return `models/${encodeURIComponent(id)}`;
}

export function endpoint(baseUrl: string, model: string, stream: boolean): string {
  const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return `${baseUrl.replace(/\/+$/, "")}/${modelPath(model)}:${method}`;
}

/** The major version of a `gemini-<n>…` model id (0 for anything else). */
export function geminiMajorVersion(model: string): number {
  const match = /^(?:models\/)?gemini-(\d+)/i.exec(model);
  return match ? Number(match[1]) : 0;
}

// ------------------------------------------------------------- body

export function buildRequest(request: HubRequest, model: string): Record<string, unknown> | HubProblem {
  try {
    return geminiBody(request, model);
  } catch (error) {
    if (error instanceof Refusal) return error.detail;
    throw error;
  }
}

function geminiBody(request: HubRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const system = systemText(request.system);
  if (system) body.systemInstruction = { parts: [{ text: system }] };
  body.contents = geminiContents(request.messages, geminiMajorVersion(model) >= 3);
  const declarations = (request.tools ?? []).map(functionDeclaration);
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    const config = functionCallingConfig(request.toolChoice);
    if (config) body.toolConfig = { functionCallingConfig: config };
  }
  // Gemini has no end-user field (`user`) and no switch for parallel calls (`parallelToolCalls`); both are left out.
  const generation = generationConfig(request, model);
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  return body;
}

/** Gemini takes text only as system instruction; several system/developer texts join, in order. */
function systemText(parts: HubPart[]): string {
  return parts
    .map((part, index) => {
      if (part.kind !== "text") refuse(`Gemini takes only text as system instructions, not ${part.kind}`, `system[${index}]`);
      return part.text;
    })
    .filter((text) => text.length > 0)
    .join("\n\n");
}

function geminiContents(messages: HubMessage[], gemini3: boolean): GeminiContent[] {
  const toolNames = new Map<string, string>();
  const contents: GeminiContent[] = [];
  messages.forEach((message, messageIndex) => {
    const role = message.role === "assistant" ? "model" : "user";
    const parts = message.parts.flatMap((part, partIndex) =>
      geminiParts(part, { role, toolNames, gemini3, param: `messages[${messageIndex}].parts[${partIndex}]` }),
    );
    if (parts.length === 0) return; // e.g. a turn that held only thinking
    const last = contents.at(-1);
    if (last?.role === role) last.parts = functionResponsesFirst([...last.parts, ...parts]);
    else contents.push({ role, parts: functionResponsesFirst(parts) });
  });
  if (contents.length === 0) contents.push({ role: "user", parts: [{ text: PLACEHOLDER_USER_TEXT }] });
  return contents;
}

/** The answers to a model turn's calls open the user turn that follows it. */
function functionResponsesFirst(parts: GeminiPart[]): GeminiPart[] {
  const responses = parts.filter((part) => "functionResponse" in part);
  return responses.length === 0 ? parts : [...responses, ...parts.filter((part) => !("functionResponse" in part))];
}

interface PartContext {
  role: "user" | "model";
  /** Tool-call id → function name, for the calls seen so far. */
  toolNames: Map<string, string>;
  gemini3: boolean;
  param: string;
}

function geminiParts(part: HubPart, context: PartContext): GeminiPart[] {
  switch (part.kind) {
    case "text":
    case "refusal":
      // Gemini rejects empty text parts. The cache mark has no counterpart: Gemini caches implicitly.
      return part.text.length > 0 ? [{ text: part.text }] : [];
    case "image":
    case "file":
      return [mediaPart(part.source, part.kind, context.param)];
    case "thinking":
      // Gemini does not take thoughts back as input, and a signature made by another API means nothing to it.
      return [];
    case "tool_call":
      return [functionCallPart(part, context)];
    case "tool_result":
      return functionResponseParts(part, context);
  }
}

function functionCallPart(part: Extract<HubPart, { kind: "tool_call" }>, context: PartContext): GeminiPart {
  if (context.role !== "model") refuse("a tool call can only be part of an assistant message", context.param);
  let args: unknown;
  try {
    args = part.arguments.trim() === "" ? {} : JSON.parse(part.arguments);
  } catch {
    refuse(`the arguments of tool call "${part.id}" are not valid JSON`, context.param);
  }
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    refuse(`the arguments of tool call "${part.id}" are not a JSON object, which Gemini requires`, context.param);
  }
  context.toolNames.set(part.id, part.name);
  const call: GeminiPart = { functionCall: { name: part.name, args } };
  if (context.gemini3) call.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  return call;
}

function functionResponseParts(part: Extract<HubPart, { kind: "tool_result" }>, context: PartContext): GeminiPart[] {
  if (context.role !== "user") refuse("a tool result can only be part of a user message", context.param);
  const name = context.toolNames.get(part.toolCallId);
  if (name === undefined) refuse(`tool result for "${part.toolCallId}", which no earlier tool call has as its id`, context.param);
  const texts: string[] = [];
  const media: GeminiPart[] = [];
  part.content.forEach((inner, index) => {
    const param = `${context.param}.content[${index}]`;
    if (inner.kind === "text" || inner.kind === "refusal") texts.push(inner.text);
    else if (inner.kind === "image" || inner.kind === "file") media.push(mediaPart(inner.source, inner.kind, param));
    else refuse(`a tool result cannot hold a ${inner.kind} part`, param);
  });
  const text = texts.join("\n");
  const response = part.isError ? { error: text } : { result: text };
  // Images and files a tool returned follow its response as parts of their own, which every Gemini model reads.
  return [{ functionResponse: { name, response } }, ...media];
}

// ------------------------------------------------------------- media

const MEDIA_TYPE_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
};

/** The media type a URL's file extension implies, when it is one we know. */
function mediaTypeOf(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension !== undefined && Object.hasOwn(MEDIA_TYPE_BY_EXTENSION, extension) ? MEDIA_TYPE_BY_EXTENSION[extension] : undefined;
}

/**
 * Inline data as inlineData; a URL as fileData, which Gemini fetches itself:
 * gs:// objects, its own Files API URIs and, since January 2026, any public
 * or signed https:// URL (some older models excepted: they answer with an
 * error of their own). Other schemes, and file ids issued by another API,
 * cannot reach it.
 */
function mediaPart(source: HubMediaSource, kind: "image" | "file", param: string): GeminiPart {
  if (source.type === "base64") return { inlineData: { mimeType: source.mediaType, data: source.data } };
  if (source.type === "file_id") {
    refuse(`Gemini cannot use the ${kind} id "${source.id}" (an id from another API); send the ${kind} inline or as an https:// URL`, param);
  }
  const url = source.url;
  if (/^data:/i.test(url)) {
    const inline = parseDataUrl(url);
    if (!inline) refuse(`the ${kind}'s data URL is malformed`, param);
    return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  }
  if (!/^(https|gs):\/\//i.test(url)) {
    refuse(`Gemini fetches ${kind}s only from https:// and gs:// URLs; send this one inline (base64)`, param);
  }
  const mimeType = mediaTypeOf(url);
  return { fileData: { ...(mimeType ? { mimeType } : {}), fileUri: url } };
}

// ------------------------------------------------------------- tools and config

function functionDeclaration(tool: HubTool): Record<string, unknown> {
  const parameters = toolParameters(tool.parameters);
  // `strict` has no Gemini counterpart for function declarations.
  return { name: tool.name, ...(tool.description ? { description: tool.description } : {}), ...(parameters ? { parametersJsonSchema: parameters } : {}) };
}

function functionCallingConfig(choice: HubToolChoice | undefined): Record<string, unknown> | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case "auto":
      return { mode: "AUTO" };
    case "none":
      return { mode: "NONE" };
    case "required":
      return { mode: "ANY" };
    case "tool":
      return { mode: "ANY", allowedFunctionNames: [choice.name] };
  }
}

function generationConfig(request: HubRequest, model: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  const stops = (request.stop ?? []).filter((stop) => stop.length > 0);
  if (stops.length > MAX_STOP_SEQUENCES) refuse(`Gemini takes at most ${MAX_STOP_SEQUENCES} stop sequences, not ${stops.length}`, "stop");
  if (stops.length > 0) config.stopSequences = stops;
  const format = request.responseFormat;
  if (format?.type === "json_object" || format?.type === "json_schema") config.responseMimeType = "application/json";
  if (format?.type === "json_schema") config.responseJsonSchema = geminiJsonSchema(format.schema);
  const thinking = thinkingConfig(request.reasoning, model);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/**
 * A token budget goes as thinkingBudget. An effort goes as thinkingLevel to
 * Gemini 3 and later (which take "low" and "high" on every model; a budget
 * there is only tolerated), as a budget to older models. Thought summaries
 * are asked for, so the answer's thinking reaches the client.
 */
function thinkingConfig(reasoning: HubRequest["reasoning"], model: string): Record<string, unknown> | undefined {
  if (reasoning?.budgetTokens !== undefined) return { thinkingBudget: reasoning.budgetTokens, includeThoughts: true };
  const effort = reasoning?.effort;
  if (effort === undefined) return undefined;
  if (geminiMajorVersion(model) >= 3) return { thinkingLevel: effort === "minimal" || effort === "low" ? "low" : "high", includeThoughts: true };
  return { thinkingBudget: THINKING_BUDGET[effort], includeThoughts: true };
}
