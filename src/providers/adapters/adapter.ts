// One adapter per wire API (issue 8): how a client speaks it to the gateway
// (client side) and how the gateway speaks it to an upstream (upstream side),
// both to and from the hub form (hub.ts). Pure functions over parsed JSON and
// SSE events: no I/O, no credentials (headers are providers/wire.ts's), so each
// adapter is tested on its own and every pair composes.
import type { HubProblem, HubRequest, HubResponse, HubStreamEvent } from "./hub.ts";

export type WireApi = "openai-completions" | "openai-responses" | "anthropic-messages" | "google-generative-ai";

/** One server-sent event as parsed by providers/sse.ts. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Turns hub events into the client API's stream, as SSE text (`event:`/`data:` lines and blank-line separators). */
export interface StreamEncoder {
  encode(event: HubStreamEvent): string;
  /** What ends the stream after the last event (e.g. `data: [DONE]`); "" when nothing. */
  end(): string;
  /** The output items the stream sent, for APIs whose clients may refer to them later (Responses). */
  outputItems?(): readonly unknown[];
}

/** Turns an upstream API's SSE events into hub events. */
export interface StreamDecoder {
  decode(event: SseEvent): HubStreamEvent[];
  /** The upstream's stream ended: whatever the last events imply (e.g. a `finish` the API never sent). */
  end(): HubStreamEvent[];
}

export interface ClientSide {
  /** The client's body, already checked to be a well-formed request of this API. */
  parseRequest(body: Record<string, unknown>): HubRequest | HubProblem;
  /** The answer in this API's shape; `model` is what the client asked for, `body` its request (as for streamEncoder). */
  renderResponse(response: HubResponse, model: string, body?: Record<string, unknown>): Record<string, unknown>;
  /** `body`: the client's request, for stream options of its own API the hub does not carry (OpenAI stream_options.include_usage). */
  streamEncoder(model: string, body?: Record<string, unknown>): StreamEncoder;
}

export interface UpstreamSide {
  /** The request URL below the provider's base URL (models/{model}:streamGenerateContent?alt=sse, /chat/completions, …). */
  endpoint(baseUrl: string, model: string, stream: boolean): string;
  /** The upstream body for `model` (the provider's id), or a problem when the API cannot do what was asked. */
  buildRequest(request: HubRequest, model: string): Record<string, unknown> | HubProblem;
  /** `request`: the one this answers (e.g. to tell the client's stop sequences from an upstream's own stop strings). */
  parseResponse(body: unknown, request?: HubRequest): HubResponse | HubProblem;
  streamDecoder(request?: HubRequest): StreamDecoder;
  /** The human message inside this API's error body, if there is one. */
  errorMessage(body: unknown): string | undefined;
  /** How long the error body says to wait before retrying, for APIs that say it there rather than in Retry-After (Gemini's RetryInfo). */
  retryAfterMs?(body: unknown): number | undefined;
}

export interface WireAdapter {
  api: WireApi;
  /** Absent for an API no client speaks to us (Gemini, for now). */
  client?: ClientSide;
  upstream: UpstreamSide;
}
