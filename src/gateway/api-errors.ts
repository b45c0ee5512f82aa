// Errors in the calling API's own format, so each client's SDK raises the
// exception it knows (OpenAI `{error:{message,type,code}}`, Anthropic
// `{type:"error", error:{type,message}}`).
import type { ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { redactSecrets } from "../auth/redact.ts";
import type { WireApi } from "../providers/adapters/adapter.ts";

export type ApiFormat = "openai" | "anthropic";

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
};

const OPENAI_TYPES: Record<number, [type: string, code: string | null]> = {
  400: ["invalid_request_error", null],
  401: ["authentication_error", "invalid_api_key"],
  402: ["billing_error", "billing"],
  403: ["permission_error", null],
  404: ["invalid_request_error", null],
  413: ["invalid_request_error", "request_too_large"],
  429: ["rate_limit_error", "rate_limit_exceeded"],
  503: ["service_unavailable", null],
};

/** `param` (OpenAI only) names the request field the error is about, as OpenAI's own errors do. */
export function errorBody(format: ApiFormat, status: number, message: string, code?: string, param?: string | null): object {
  const text = redactSecrets(message);
  if (format === "anthropic") return { type: "error", error: { type: ANTHROPIC_TYPES[status] ?? "api_error", message: text } };
  const [type, defaultCode] = OPENAI_TYPES[status] ?? ["api_error", null];
  return { error: { message: text, type, param: param ?? null, code: code ?? defaultCode } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendApiError(res: ServerResponse, format: ApiFormat, status: number, message: string, headers: Record<string, string> = {}, code?: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, errorBody(format, status, message, code), headers);
}

/**
 * A failure after part of a streamed answer went out, as the client's SDK
 * expects it inside the stream (both SDKs raise an APIError on these). A
 * Responses API client (`api` "openai-responses": Codex CLI, the Vercel AI SDK)
 * gets that API's own failure events, `error` then `response.failed`, numbered
 * after `lastSequence` (the last sequence_number it saw, if any), as OpenAI
 * ends a response that fails mid-stream.
 */
export function streamErrorEvent(format: ApiFormat, message: string, api?: WireApi, lastSequence?: number): string {
  const text = redactSecrets(message);
  if (api === "openai-responses") return responsesFailure(text, lastSequence ?? -1);
  if (format === "anthropic") return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message: text } })}\n\n`;
  return `data: ${JSON.stringify({ error: { message: text, type: "api_error", param: null, code: "upstream_incomplete" } })}\n\ndata: [DONE]\n\n`;
}

function responsesFailure(message: string, lastSequence: number): string {
  const code = "server_error";
  const error = { type: "error", code, message, param: null, sequence_number: lastSequence + 1 };
  const response = {
    id: `resp_${randomUUID().replaceAll("-", "")}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "failed",
    error: { code, message },
    incomplete_details: null,
    output: [],
    usage: null,
  };
  const failed = { type: "response.failed", sequence_number: lastSequence + 2, response };
  return `event: error\ndata: ${JSON.stringify(error)}\n\nevent: response.failed\ndata: ${JSON.stringify(failed)}\n\n`;
}
