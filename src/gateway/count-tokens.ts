// POST /v1/messages/count_tokens (Claude Code and the Anthropic SDK's
// messages.countTokens ask it before long requests). An Anthropic-format
// provider counts exactly: the request goes to its /v1/messages/count_tokens
// with a credential chosen as for /v1/messages. Any other provider has no such
// endpoint, so the gateway estimates; the `x-openclaw-token-count` header says
// which (`exact` or `estimate`).
import type { ServerResponse } from "node:http";
import { chatEndpoint, type ProviderSpec } from "../providers/registry.ts";
import { toOpenAIRequest } from "../providers/translate/anthropic-to-openai.ts";
import type { AnthropicRequest, OpenAIContentPart } from "../providers/translate/types.ts";
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

/** A messages request without max_tokens, which counting does not need. */
export type CountTokensRequest = Omit<AnthropicRequest, "max_tokens"> & { max_tokens?: number };

export function countTokensEndpoint(spec: ProviderSpec): URL {
  return new URL(`${chatEndpoint(spec).href}/count_tokens`);
}

function partCost(part: OpenAIContentPart): { bytes: number; tokens: number } {
  if (part.type === "text") return { bytes: Buffer.byteLength(String(part.text ?? "")), tokens: 0 };
  return { bytes: 0, tokens: PER_ATTACHMENT };
}

/**
 * An estimate of the input tokens of an Anthropic request as the gateway would
 * send it to an OpenAI-format provider (the translated request, so what is
 * dropped in translation does not count): UTF-8 bytes / 4 over the text of
 * every message, tool call and tool definition, plus 3 tokens per message, 3
 * for the reply, and a flat 1,024 per image or file.
 */
export function estimateInputTokens(body: CountTokensRequest): number {
  const request = toOpenAIRequest(body as AnthropicRequest, "estimate");
  let bytes = 0;
  let tokens = REPLY_PRIMING;
  for (const message of request.messages) {
    tokens += PER_MESSAGE;
    const { content } = message;
    if (typeof content === "string") bytes += Buffer.byteLength(content);
    else {
      for (const part of content ?? []) {
        const cost = partCost(part);
        bytes += cost.bytes;
        tokens += cost.tokens;
      }
    }
    for (const call of message.tool_calls ?? []) bytes += Buffer.byteLength(call.function.name) + Buffer.byteLength(call.function.arguments);
  }
  if (request.tools?.length) bytes += Buffer.byteLength(JSON.stringify(request.tools));
  return tokens + Math.ceil(bytes / BYTES_PER_TOKEN);
}

export function sendTokenEstimate(res: ServerResponse, body: Record<string, unknown>): void {
  sendJson(res, 200, { input_tokens: estimateInputTokens(body as unknown as CountTokensRequest) }, { [TOKEN_COUNT_HEADER]: "estimate" });
}

/**
 * An Anthropic-compatible provider that has no count_tokens endpoint (404 or
 * 405 that is not about the model): the request can still be estimated.
 */
export function countingUnsupported(status: number, reason: string | undefined): boolean {
  return (status === 404 || status === 405) && reason !== "model_not_found";
}
