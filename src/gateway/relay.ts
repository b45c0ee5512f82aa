// A successful upstream answer on its way to the client: untouched when both
// sides speak the same API, translated otherwise (translation.ts). Memory is bounded (a whole
// answer, one stream line), and until the first byte reaches the client any
// failure can still fail over; after it, the stream ends with an error event.
import type { ServerResponse } from "node:http";
import { redactSecrets } from "../auth/redact.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import { isProblem } from "../providers/adapters/hub.ts";
import { SseLineTooLongError, SseParser } from "../providers/sse.ts";
import { discardBody, readCapped, responseHeader, type RelayLimits, type UpstreamResponse } from "../providers/upstream.ts";
import { assembleStreamedResponse, isCodexBackend } from "../providers/codex-backend.ts";
import { ClientGoneError, ClientStream } from "./client-stream.ts";
import { speaksClientApi, upstreamFault, type AttemptResult, type ChatRequest } from "./attempt-result.ts";
import { streamTranslator, translatedAnswer } from "./translation.ts";
import { storesItems, type ResponseItemMemory } from "./response-items.ts";

export interface RelayInput {
  spec: ProviderSpec;
  /** The provider's model id. */
  model: string;
  request: ChatRequest;
  response: UpstreamResponse;
  res: ServerResponse;
  limits: RelayLimits;
  /** Headers naming what served the answer (x-openclaw-model, …), sent with it. */
  servedBy: Record<string, string>;
  /** Where the items of a translated Responses answer are kept for later references. */
  responseItems: ResponseItemMemory;
}

const FORWARDED_RESPONSE_HEADERS = ["content-type", "request-id", "x-request-id"];

function forwardedHeaders(response: UpstreamResponse, servedBy: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { ...servedBy };
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = responseHeader(response, name);
    if (value) headers[name] = value;
  }
  return headers;
}

/** A body that is not there when its answer was promised: a failure like any other broken promise. */
class IncompleteAnswer extends Error {}

function clientHeaders(input: RelayInput, sameFormat: boolean): Record<string, string> {
  const headers: Record<string, string> = sameFormat ? forwardedHeaders(input.response, input.servedBy) : { ...input.servedBy, "content-type": input.request.stream ? "text/event-stream" : "application/json" };
  if (input.request.stream) headers["cache-control"] = "no-cache";
  else if (sameFormat && isCodexBackend(input.spec)) headers["content-type"] = "application/json"; // assembled from its stream
  return headers;
}

export async function relayAnswer(input: RelayInput): Promise<AttemptResult> {
  const { spec, request, response, res } = input;
  const sameFormat = speaksClientApi(spec, request);
  const client = new ClientStream(res, sameFormat ? response.status : 200, clientHeaders(input, sameFormat));
  try {
    if (!request.stream) await relayWhole(input, client, sameFormat);
    else if (sameFormat) await relayStream(input, client);
    else await relayTranslatedStream(input, client, streamTranslator(request, spec, input.model));
    return { kind: "sent", status: sameFormat ? response.status : 200 };
  } catch (error) {
    discardBody(response.body);
    if (request.signal.aborted || error instanceof ClientGoneError) return { kind: "aborted", answered: true };
    const why = describeBreak(error, input.limits);
    if (!client.started) return upstreamFault(spec, why);
    await client.endWithError(request.format, `${spec.id} ${why}; the answer above is incomplete`, request.api);
    return { kind: "sent", status: sameFormat ? response.status : 200, cut: why };
  }
}

function describeBreak(error: unknown, limits: RelayLimits): string {
  if (error instanceof IncompleteAnswer) return error.message;
  if (error instanceof SseLineTooLongError) return `sent an event-stream line over ${limits.maxSseLineBytes} characters (gateway.maxSseLineBytes)`;
  const err = error as Error & { code?: string };
  return redactSecrets(`broke off the answer (${[err.code, err.message].filter(Boolean).join(": ")})`);
}

/** Non-streamed: the whole answer is read (up to the limit) before anything is written. */
async function relayWhole(input: RelayInput, client: ClientStream, sameFormat: boolean): Promise<void> {
  const { maxResponseBytes } = input.limits;
  const { bytes, truncated } = isCodexBackend(input.spec) ? await assembleStreamedResponse(input.response.body, maxResponseBytes) : await readCapped(input.response.body, maxResponseBytes);
  if (truncated) throw new IncompleteAnswer(`answered with more than ${input.limits.maxResponseBytes} bytes (gateway.maxResponseBytes)`);
  if (bytes.length === 0) throw new IncompleteAnswer("answered with an empty body");
  if (sameFormat) {
    // A cheap check that this is a JSON object at all; the client parses it anyway.
    const first = bytes.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
    if (first !== 0x7b) throw new IncompleteAnswer("answered with a body that is not a JSON object");
    client.sendWhole(bytes);
    return;
  }
  let upstream: unknown;
  try {
    upstream = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new IncompleteAnswer("answered with a body that is not valid JSON");
  }
  let translated: ReturnType<typeof translatedAnswer>;
  try {
    translated = translatedAnswer(input.request, input.spec, input.model, upstream);
  } catch {
    translated = { problem: "" };
  }
  if (isProblem(translated)) {
    throw new IncompleteAnswer(`answered with JSON that is not a ${input.spec.api} reply${translated.problem ? ` (${translated.problem})` : ""}`);
  }
  if (keepsItems(input.request) && Array.isArray(translated.output)) input.responseItems.remember(translated.output);
  client.sendWhole(JSON.stringify(translated));
}

async function relayStream(input: RelayInput, client: ClientStream): Promise<void> {
  for await (const chunk of input.response.body) await client.write(chunk);
  if (!client.started) throw new IncompleteAnswer("answered with an empty event stream");
  client.end();
}

async function relayTranslatedStream(input: RelayInput, client: ClientStream, transformer: ReturnType<typeof streamTranslator>): Promise<void> {
  const parser = new SseParser(input.limits.maxSseLineBytes);
  const decoder = new TextDecoder();
  let events = 0;
  for await (const chunk of input.response.body) {
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
      events++;
      await client.write(transformer.push(event));
    }
  }
  for (const event of parser.end()) {
    events++;
    await client.write(transformer.push(event));
  }
  if (events === 0) throw new IncompleteAnswer("answered with an empty event stream");
  await client.write(transformer.end());
  if (keepsItems(input.request)) input.responseItems.remember(transformer.outputItems());
  client.end();
}

/** A Responses client that may refer to the items of this (translated) answer later. */
function keepsItems(request: RelayInput["request"]): boolean {
  return request.api === "openai-responses" && storesItems(request.body);
}
