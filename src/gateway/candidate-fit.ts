// Before any credential of a candidate model is tried: requests that its
// provider's API cannot serve as asked are answered here, without an upstream.
// - `n > 1` from a Chat Completions client: only an OpenAI-format provider
//   returns several choices (the body passes through untouched); translated to
//   Anthropic it would silently come back with one. The requested model
//   refuses with a 400 naming `n`; a fallback that cannot serve it is skipped.
// - count_tokens for a provider that is not Anthropic-format: estimated.
// - a provider of another API: the request must translate into its API without
//   losing what was asked (structured output, a tool kind, an option only the
//   client's API has); if not, a 400 naming the field, or a fallback is skipped.
//   The body built here is kept for the attempt.
import type { ServerResponse } from "node:http";
import { formatModelRef, type ModelRef } from "../providers/model-ref.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import { isProblem } from "../providers/adapters/hub.ts";
import { providerFormat, speaksClientApi, type ChatRequest } from "./attempt-result.ts";
import { translatedBody } from "./translation.ts";
import { sendTokenEstimate } from "./count-tokens.ts";
import { sendMalformedRequest } from "./request-shape.ts";

export type LocalAnswer =
  /** Try this candidate's credentials as usual. */
  | { kind: "attempt" }
  /** A fallback that cannot serve the request: go on to the next. */
  | { kind: "skip" }
  /** Answered here, with this status. */
  | { kind: "answered"; status: number; note?: string };

// Header values are Latin-1 only; ids from hand-edited files may hold anything.
function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

function choicesAsked(request: ChatRequest): number | undefined {
  const n = request.body.n;
  return request.format === "openai" && typeof n === "number" && n > 1 ? n : undefined;
}

export function answerLocally(request: ChatRequest, spec: ProviderSpec, ref: ModelRef, fallbackFor: string | undefined, res: ServerResponse): LocalAnswer {
  const model = formatModelRef(ref);
  const target = providerFormat(spec);
  const n = choicesAsked(request);
  if (n !== undefined && target !== "openai") {
    if (fallbackFor) return { kind: "skip" };
    const message = `n: ${model} is served through the Anthropic Messages API, which returns one choice per request, so n=${n} cannot be honoured; send n=1 (or omit it) and make ${n} requests, or use an OpenAI-format model.`;
    sendMalformedRequest(res, request.format, { message, param: "n" });
    return { kind: "answered", status: 400 };
  }
  if (request.countTokens && target !== "anthropic") {
    res.setHeader("x-openclaw-model", headerValue(model));
    if (fallbackFor) res.setHeader("x-openclaw-fallback", headerValue(fallbackFor));
    sendTokenEstimate(res, request.body);
    return { kind: "answered", status: 200, note: "token count estimated" };
  }
  if (!speaksClientApi(spec, request)) {
    const body = translatedBody(request, spec, ref.model);
    if (isProblem(body)) {
      if (fallbackFor) return { kind: "skip" };
      sendMalformedRequest(res, request.format, { message: `${body.problem} (${model} is served through ${spec.api})`, param: body.param ?? null });
      return { kind: "answered", status: 400 };
    }
    request.built = { spec, model: ref.model, body: JSON.stringify(body) };
  }
  return { kind: "attempt" };
}
