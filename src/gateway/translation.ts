// Between the client's API and the upstream's, when they differ: the client
// side of one adapter parses the request into the hub form (once per request),
// the upstream side of the other builds the body; the answer goes back the same
// way, whole or as a stream. When both speak the same API nothing is parsed
// here: the client's bytes go up (model-splice.ts) and the answer's come back.
import { ADAPTERS } from "../providers/adapters/index.ts";
import type { SseEvent } from "../providers/adapters/adapter.ts";
import { isProblem, type HubProblem, type HubRequest } from "../providers/adapters/hub.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import type { SseTransformer } from "../providers/sse.ts";
import type { ChatRequest } from "./attempt-result.ts";

/** The client's request in the hub form, or why it cannot be served in another API; parsed on first use. */
export function hubRequestOf(request: ChatRequest): HubRequest | HubProblem {
  const client = ADAPTERS[request.api].client;
  if (!client) return { problem: `${request.api} is not an API clients can call here` };
  if (request.hub === undefined) {
    try {
      request.hub = client.parseRequest(request.body);
    } catch (error) {
      // The route checked the outline only; an adapter that trips over the inside must not be a 500.
      request.hub = { problem: `the request could not be read: ${(error as Error).message}` };
    }
  }
  return request.hub;
}

/** The upstream body for another API, or the problem that keeps this provider from serving the request as asked. */
export function translatedBody(request: ChatRequest, spec: ProviderSpec, model: string): Record<string, unknown> | HubProblem {
  const hub = hubRequestOf(request);
  if (isProblem(hub)) return hub;
  const body = ADAPTERS[spec.api].upstream.buildRequest(hub, model);
  if (isProblem(body)) return body;
  // OpenAI's newer models want max_completion_tokens; OpenAI-compatible servers may only know max_tokens.
  if (spec.api === "openai-completions" && spec.id !== "openai" && body.max_completion_tokens !== undefined) {
    body.max_tokens = body.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  return body;
}

/** A whole upstream answer in the client's API, or undefined when it is not an answer of the upstream's API. */
export function translatedAnswer(request: ChatRequest, spec: ProviderSpec, model: string, upstream: unknown): Record<string, unknown> | HubProblem {
  const hub = hubRequestOf(request);
  const parsed = ADAPTERS[spec.api].upstream.parseResponse(upstream, isProblem(hub) ? undefined : hub);
  if (isProblem(parsed)) return parsed;
  return ADAPTERS[request.api].client!.renderResponse(parsed, model, request.body);
}

/** The upstream's event stream in the client's API, event by event; `outputItems` as the client's encoder has them. */
export function streamTranslator(request: ChatRequest, spec: ProviderSpec, model: string): SseTransformer & { outputItems(): readonly unknown[] } {
  const hub = hubRequestOf(request);
  const decoder = ADAPTERS[spec.api].upstream.streamDecoder(isProblem(hub) ? undefined : hub);
  const encoder = ADAPTERS[request.api].client!.streamEncoder(model, request.body);
  return {
    push: (event: SseEvent) => decoder.decode(event).map((hubEvent) => encoder.encode(hubEvent)).join(""),
    end: () => decoder.end().map((hubEvent) => encoder.encode(hubEvent)).join("") + encoder.end(),
    outputItems: () => encoder.outputItems?.() ?? [],
  };
}
