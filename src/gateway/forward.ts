// One attempt: a request to one provider with one credential. A refusal is
// classified (try the next credential, or relay it); an answer that is not
// what was asked for (an HTML page, a redirect, JSON to a stream request, a
// body cut short before anything reached the client) is the upstream's fault
// and fails over without being held against the credential.
import type { ServerResponse } from "node:http";
import { redactSecrets } from "../auth/redact.ts";
import { classifyFailure, isClaudeCodeOnlyError, isFailoverWorthy, retryAfterMsFromHeaders } from "../providers/classify-failure.ts";
import type { ModelRef } from "../providers/model-ref.ts";
import { ADAPTERS } from "../providers/adapters/index.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import { ERROR_BODY_LIMIT, discardBody, readCapped, responseHeader, upstreamErrorMessage, type RelayLimits, type UpstreamPools, type UpstreamResponse } from "../providers/upstream.ts";
import { upstreamHeaders } from "../providers/wire.ts";
import { codexRequestBody, isCodexBackend } from "../providers/codex-backend.ts";
import type { CredentialChoice } from "./candidates.ts";
import { withModel } from "./model-splice.ts";
import { relayAnswer } from "./relay.ts";
import { countingUnsupported, countTokensEndpoint, sendTokenEstimate, TOKEN_COUNT_HEADER } from "./count-tokens.ts";
import { shownUrl, speaksClientApi, upstreamFault, type AttemptResult, type ChatRequest } from "./attempt-result.ts";
import { translatedBody } from "./translation.ts";
import { isProblem, type HubProblem } from "../providers/adapters/hub.ts";
import type { ResponseItemMemory } from "./response-items.ts";

export type { AttemptResult, ChatRequest };

export interface AttemptContext {
  pools: UpstreamPools;
  limits: RelayLimits;
  responseItems: ResponseItemMemory;
}

const JSON_TYPE = /\bjson\b/i;

/**
 * The provider's endpoint, from its API's adapter (Gemini's depends on the model
 * and on streaming), parsed once per provider spec (specs are made once per
 * loaded state), model and stream: not a `new URL` per request.
 */
const endpoints = new WeakMap<ProviderSpec, Map<string, URL>>();
function endpointOf(spec: ProviderSpec, model: string, stream: boolean): URL {
  let byModel = endpoints.get(spec);
  if (!byModel) endpoints.set(spec, (byModel = new Map()));
  const key = stream ? `s:${model}` : model;
  let url = byModel.get(key);
  if (!url) byModel.set(key, (url = new URL(ADAPTERS[spec.api].upstream.endpoint(spec.baseUrl, model, stream))));
  return url;
}

/**
 * What goes upstream: the client's own bytes (with the provider's model id) when the
 * provider speaks the client's API, else the body built for its API (checked to be
 * buildable by candidate-fit.ts before any credential was tried).
 */
function upstreamBody(request: ChatRequest, spec: ProviderSpec, model: string): string | Buffer | HubProblem {
  if (speaksClientApi(spec, request)) return (request.raw && withModel(request.raw, request.body, model)) ?? JSON.stringify({ ...request.body, model });
  const built = request.built;
  if (built && built.spec === spec && built.model === model) return built.body;
  const body = translatedBody(request, spec, model);
  return isProblem(body) ? body : JSON.stringify(body);
}

function describeContentType(type: string): string {
  if (/html/i.test(type)) return "an HTML page";
  if (JSON_TYPE.test(type)) return "JSON";
  if (/event-stream/i.test(type)) return "an event stream";
  return `content of type ${type.split(";")[0]!.trim()}`;
}

/** Why a non-error answer is not the one that was asked for, or undefined when it is. */
function brokenPromise(response: UpstreamResponse, stream: boolean, url: URL): string | undefined {
  const { status } = response;
  if (status < 200 || status >= 300) {
    const location = responseHeader(response, "location");
    return `answered ${status}${location ? ` (a redirect to ${shownUrl(location, url.href)})` : ""} instead of an answer`;
  }
  if (status === 204) return "answered 204 with no content";
  const type = responseHeader(response, "content-type");
  if (!type) return undefined; // some servers omit it; the body is checked as it is read
  const expected = stream ? /event-stream/i.test(type) : JSON_TYPE.test(type);
  return expected ? undefined : `answered ${status} with ${describeContentType(type)} instead of ${stream ? "an event stream" : "JSON"}`;
}

/** The wait an error body names, for APIs that say it there and not in Retry-After (Gemini's RetryInfo). */
function retryAfterFromBody(spec: ProviderSpec, text: string): number | undefined {
  const read = ADAPTERS[spec.api].upstream.retryAfterMs;
  if (!read) return undefined;
  try {
    return read(JSON.parse(text));
  } catch {
    return undefined;
  }
}

async function failure(spec: ProviderSpec, response: UpstreamResponse): Promise<AttemptResult> {
  const { bytes, truncated } = await readCapped(response.body, ERROR_BODY_LIMIT);
  const text = bytes.toString("utf8");
  const contentType = responseHeader(response, "content-type") ?? "";
  const isHtml = /html/i.test(contentType);
  const message = isHtml ? `${spec.id} answered ${response.status} with an HTML page, not an API error` : upstreamErrorMessage(text);
  const claudeCodeOnly = isClaudeCodeOnlyError(message);
  const reason = claudeCodeOnly ? "auth_permanent" : classifyFailure({ status: response.status, message });
  if (!claudeCodeOnly && !isFailoverWorthy(reason)) {
    // Relayed as is only when it is whole and in a format a client can read.
    const relayable = !truncated && !isHtml && JSON_TYPE.test(contentType);
    return { kind: "rejected", status: response.status, message, ...(relayable ? { body: text, contentType } : {}) };
  }
  const retryAfterMs = retryAfterMsFromHeaders((name) => responseHeader(response, name), Date.now()) ?? retryAfterFromBody(spec, text);
  return { kind: "failed", reason, status: response.status, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(claudeCodeOnly ? { claudeCodeOnly } : {}) };
}

export async function attempt(
  context: AttemptContext,
  spec: ProviderSpec,
  model: ModelRef,
  credential: CredentialChoice,
  request: ChatRequest,
  res: ServerResponse,
  /** Headers naming what serves this attempt, for whatever answer it writes. */
  servedBy: Record<string, string>,
): Promise<AttemptResult> {
  let body = upstreamBody(request, spec, model.model);
  // candidate-fit.ts answers these before any credential is tried; kept here so an attempt can never send one.
  if (isProblem(body)) return { kind: "rejected", status: 400, message: body.problem };
  // The Codex backend streams only (codex-backend.ts); a whole answer is assembled from its stream.
  const codex = isCodexBackend(spec);
  if (codex) body = codexRequestBody(body);
  const upstreamStream = request.stream || codex;
  const headers = upstreamHeaders(spec, credential.secret, request.hints, upstreamStream);
  const endpoint = request.countTokens ? countTokensEndpoint(spec) : endpointOf(spec, model.model, upstreamStream);
  let response: UpstreamResponse;
  try {
    response = await context.pools.request(endpoint, headers, body, request.signal);
  } catch (error) {
    if (request.signal.aborted) return { kind: "aborted", answered: false };
    const err = error as Error & { code?: string };
    const message = redactSecrets(`${spec.id} unreachable: ${err.code ?? ""} ${err.message}`.replace(/\s+/g, " ").trim());
    return { kind: "failed", reason: classifyFailure({ message: err.message, ...(err.code ? { code: err.code } : {}) }), message };
  }
  if (response.status >= 400) {
    try {
      const refused = await failure(spec, response);
      if (request.countTokens && countingUnsupported(response.status, refused.kind === "failed" ? refused.reason : undefined)) {
        sendTokenEstimate(res, request.body, servedBy);
        return { kind: "sent", status: 200 };
      }
      return refused;
    } catch (error) {
      if (request.signal.aborted) return { kind: "aborted", answered: false };
      return upstreamFault(spec, `answered ${response.status} and then broke off (${(error as Error).message})`);
    }
  }
  const broken = brokenPromise(response, upstreamStream, endpoint);
  if (broken) {
    discardBody(response.body);
    return upstreamFault(spec, broken);
  }
  const answerHeaders = request.countTokens ? { ...servedBy, [TOKEN_COUNT_HEADER]: "exact" } : servedBy;
  return relayAnswer({ spec, model: model.model, request, response, res, limits: context.limits, servedBy: answerHeaders, responseItems: context.responseItems });
}
