// One attempt: a request to one provider with one credential. On success the
// response goes to the client (untouched when both sides speak the same API,
// translated otherwise); on failure the caller learns why and may try the next
// credential or model, since nothing has been sent to the client yet.
import type { ServerResponse } from "node:http";
import { redactSecrets } from "../auth/redact.ts";
import type { FailureReason } from "../auth/failure-reason.ts";
import { classifyFailure, isClaudeCodeOnlyError, isFailoverWorthy, retryAfterMsFromHeaders } from "../providers/classify-failure.ts";
import type { ModelRef } from "../providers/model-ref.ts";
import { chatEndpoint, type ProviderSpec } from "../providers/registry.ts";
import { SseParser, type SseTransformer } from "../providers/sse.ts";
import { createAnthropicToOpenAIStream, toAnthropicRequest, toOpenAIResponse } from "../providers/translate/openai-to-anthropic.ts";
import { createOpenAIToAnthropicStream, toAnthropicResponse, toOpenAIRequest } from "../providers/translate/anthropic-to-openai.ts";
import { upstreamErrorMessage, type UpstreamPools, type UpstreamResponse } from "../providers/upstream.ts";
import { upstreamHeaders, type ClientHints } from "../providers/wire.ts";
import type { ApiFormat } from "./api-errors.ts";
import type { CredentialChoice } from "./candidates.ts";

export interface ChatRequest {
  format: ApiFormat;
  body: Record<string, unknown>;
  stream: boolean;
  hints: ClientHints;
  signal: AbortSignal;
}

export type AttemptResult =
  | { kind: "sent"; status: number }
  /** The upstream refused the request itself (e.g. 400): retrying elsewhere would not help. */
  | { kind: "rejected"; status: number; body: string; contentType: string }
  | { kind: "failed"; reason: FailureReason; status?: number; message: string; retryAfterMs?: number; claudeCodeOnly?: boolean }
  | { kind: "aborted" };

const FORWARDED_RESPONSE_HEADERS = ["content-type", "request-id", "x-request-id"];

export function providerFormat(spec: ProviderSpec): ApiFormat {
  return spec.api === "anthropic-messages" ? "anthropic" : "openai";
}

function upstreamBody(request: ChatRequest, spec: ProviderSpec, model: string): Record<string, unknown> {
  const target = providerFormat(spec);
  if (target === request.format) return { ...request.body, model };
  if (target === "anthropic") return toAnthropicRequest(request.body as never, model) as unknown as Record<string, unknown>;
  const body = toOpenAIRequest(request.body as never, model) as unknown as Record<string, unknown>;
  // Anthropic clients expect usage at the end of a stream.
  if (request.stream) body.stream_options = { ...(body.stream_options as object), include_usage: true };
  // OpenAI's newer models want max_completion_tokens; OpenAI-compatible servers may only know max_tokens.
  if (spec.id !== "openai" && body.max_completion_tokens !== undefined) {
    body.max_tokens = body.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  return body;
}

function header(response: UpstreamResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function failure(response: UpstreamResponse): Promise<AttemptResult> {
  const text = await response.body.text();
  const message = upstreamErrorMessage(text);
  const claudeCodeOnly = isClaudeCodeOnlyError(message);
  const reason = claudeCodeOnly ? "auth_permanent" : classifyFailure({ status: response.status, message });
  if (!claudeCodeOnly && !isFailoverWorthy(reason)) {
    return { kind: "rejected", status: response.status, body: text, contentType: header(response, "content-type") ?? "application/json" };
  }
  const retryAfterMs = retryAfterMsFromHeaders((name) => header(response, name), Date.now());
  return { kind: "failed", reason, status: response.status, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(claudeCodeOnly ? { claudeCodeOnly } : {}) };
}

async function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (chunk.length > 0 && !res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
}

async function relayPassthrough(response: UpstreamResponse, res: ServerResponse, stream: boolean): Promise<void> {
  const headers: Record<string, string | number> = {};
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = header(response, name);
    if (value) headers[name] = value;
  }
  if (!stream) {
    // One write (headers and body together) instead of a chunked stream: cheaper per request.
    const body = Buffer.from(await response.body.arrayBuffer());
    headers["content-length"] = body.length;
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  headers["cache-control"] = "no-cache";
  res.writeHead(response.status, headers);
  for await (const chunk of response.body) await writeChunk(res, chunk);
  res.end();
}

async function relayTranslatedStream(response: UpstreamResponse, res: ServerResponse, transformer: SseTransformer): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) await writeChunk(res, transformer.push(event));
  }
  for (const event of parser.end()) await writeChunk(res, transformer.push(event));
  await writeChunk(res, transformer.end());
  res.end();
}

async function relayTranslatedJson(response: UpstreamResponse, res: ServerResponse, request: ChatRequest, model: string): Promise<void> {
  const upstream = JSON.parse(await response.body.text());
  const translated = request.format === "openai" ? toOpenAIResponse(upstream, model) : toAnthropicResponse(upstream, model);
  const text = JSON.stringify(translated);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function streamTransformer(request: ChatRequest, model: string): SseTransformer {
  if (request.format === "openai") {
    const options = request.body.stream_options as { include_usage?: boolean } | undefined;
    return createAnthropicToOpenAIStream(model, { includeUsage: options?.include_usage === true });
  }
  return createOpenAIToAnthropicStream(model);
}

export async function attempt(
  pools: UpstreamPools,
  spec: ProviderSpec,
  model: ModelRef,
  credential: CredentialChoice,
  request: ChatRequest,
  res: ServerResponse,
): Promise<AttemptResult> {
  const body = JSON.stringify(upstreamBody(request, spec, model.model));
  const headers = upstreamHeaders(spec, credential.secret, request.hints, request.stream);
  let response: UpstreamResponse;
  try {
    response = await pools.request(chatEndpoint(spec), headers, body, request.signal);
  } catch (error) {
    if (request.signal.aborted) return { kind: "aborted" };
    const err = error as Error & { code?: string };
    const message = redactSecrets(`${spec.id} unreachable: ${err.code ?? ""} ${err.message}`.replace(/\s+/g, " ").trim());
    return { kind: "failed", reason: classifyFailure({ message: err.message, ...(err.code ? { code: err.code } : {}) }), message };
  }
  if (response.status >= 400) return failure(response);
  try {
    if (providerFormat(spec) === request.format) await relayPassthrough(response, res, request.stream);
    else if (request.stream) await relayTranslatedStream(response, res, streamTransformer(request, model.model));
    else await relayTranslatedJson(response, res, request, model.model);
  } catch (error) {
    // Mid-response: the client already has the status line, so there is nothing to fail over to.
    response.body.destroy();
    if (!res.headersSent) throw error;
    res.destroy();
  }
  return { kind: "sent", status: response.status };
}
