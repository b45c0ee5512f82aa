// POST /v1/messages/count_tokens (Claude Code and the Anthropic SDK's
// messages.countTokens ask it before long requests). An Anthropic-format
// provider counts exactly: the request goes to its /v1/messages/count_tokens
// with a credential chosen as for /v1/messages. Any other provider has no such
// endpoint, so the gateway estimates; the `x-openclaw-token-count` header says
// which (`exact` or `estimate`).
import type { ServerResponse } from "node:http";
import { ADAPTERS } from "../providers/adapters/index.ts";
import { isProblem, type HubPart, type HubRequest } from "../providers/adapters/hub.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import { sendJson } from "./api-errors.ts";

export const COUNT_TOKENS_PATH = "/v1/messages/count_tokens";
export const TOKEN_COUNT_HEADER = "x-openclaw-token-count";

/** Per message: role and framing (OpenAI's own rule of thumb for chat models). */
const PER_MESSAGE = 3;
/** Every reply is primed with the assistant's role. */
const REPLY_PRIMING = 3;
/** An image or a file: its real cost depends on its size, which the estimate does not decode. */
const PER_ATTACHMENT = 1024;
/** UTF-8 bytes per token: about 4 for English and code; CJK text comes out at about 1 token per character. */
const BYTES_PER_TOKEN = 4;

/** A messages request (max_tokens, which counting does not need, may be absent). */
export type CountTokensRequest = Record<string, unknown>;

/** Beside the Messages endpoint of an Anthropic-format provider (its adapter says where that is). */
export function countTokensEndpoint(spec: ProviderSpec): URL {
  return new URL(`${ADAPTERS["anthropic-messages"].upstream.endpoint(spec.baseUrl, "", false)}/count_tokens`);
}

interface Tally {
  bytes: number;
  tokens: number;
}

function countPart(part: HubPart, tally: Tally): void {
  switch (part.kind) {
    case "text":
    case "refusal":
      tally.bytes += Buffer.byteLength(part.text);
      return;
    case "tool_call":
      tally.bytes += Buffer.byteLength(part.name) + Buffer.byteLength(part.arguments);
      return;
    case "tool_result":
      for (const inner of part.content) countPart(inner, tally);
      return;
    case "file":
      // A document given as text is its text.
      if (part.source.type === "base64" && part.source.mediaType.startsWith("text/")) {
        tally.bytes += Buffer.from(part.source.data, "base64").length;
        return;
      }
      tally.tokens += PER_ATTACHMENT;
      return;
    case "image":
      tally.tokens += PER_ATTACHMENT;
      return;
    case "thinking":
      // Earlier turns' reasoning: the other APIs are not sent it.
      return;
  }
}

/**
 * 3 per message as the OpenAI-format APIs frame them: the system prompt is one,
 * and so is every tool result (a user turn holding only tool results adds none of its own).
 */
function messageCount(request: HubRequest): number {
  let count = request.system.length > 0 ? 1 : 0;
  for (const message of request.messages) {
    const results = message.parts.filter((part) => part.kind === "tool_result").length;
    count += results + (results < message.parts.length || message.parts.length === 0 ? 1 : 0);
  }
  return count;
}

function utf8Json(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value));
}

/**
 * An estimate of the input tokens of an Anthropic request, over the hub form
 * every API's body is built from (providers/adapters/hub.ts): UTF-8 bytes / 4,
 * rounded up, over the text of every message, tool call, tool result and tool
 * definition, plus 3 tokens per message, 3 for the reply, and a flat 1,024 per
 * image or file. A request the adapter refuses (an MCP server, a server-tool
 * block) is still estimated: bytes / 4 of its messages, system prompt and tools as JSON.
 */
export function estimateInputTokens(body: CountTokensRequest): number {
  const request = ADAPTERS["anthropic-messages"].client!.parseRequest(body);
  if (isProblem(request)) return Math.ceil((utf8Json(body.messages ?? []) + utf8Json(body.system) + utf8Json(body.tools)) / BYTES_PER_TOKEN);
  const tally: Tally = { bytes: 0, tokens: REPLY_PRIMING + PER_MESSAGE * messageCount(request) };
  for (const part of request.system) countPart(part, tally);
  for (const message of request.messages) for (const part of message.parts) countPart(part, tally);
  if (request.tools?.length) tally.bytes += utf8Json(request.tools);
  return tally.tokens + Math.ceil(tally.bytes / BYTES_PER_TOKEN);
}

export function sendTokenEstimate(res: ServerResponse, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  sendJson(res, 200, { input_tokens: estimateInputTokens(body) }, { ...headers, [TOKEN_COUNT_HEADER]: "estimate" });
}

/**
 * An Anthropic-compatible provider that has no count_tokens endpoint (404 or
 * 405 that is not about the model): the request can still be estimated.
 */
export function countingUnsupported(status: number, reason: string | undefined): boolean {
  return (status === 404 || status === 405) && reason !== "model_not_found";
}
