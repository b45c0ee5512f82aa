// The body: read within the size limit, parsed, and its outline checked, so
// nothing later trips over a malformed request (a 400, never a 500).
import type { IncomingMessage } from "node:http";
import { sendApiError } from "../api-errors.ts";
import type { ChatRequest } from "../attempt-result.ts";
import type { DispatchOutcome, Exchange } from "../exchange.ts";
import { readJsonBody } from "../request-body.ts";
import { isWellFormedRequest, refuseMalformedRequest, responsesRequestProblem, sendMalformedRequest } from "../request-shape.ts";

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export async function readChatRequest(exchange: Exchange): Promise<DispatchOutcome | undefined> {
  const { req, res, route } = exchange;
  const { format, api } = route;
  const body = await readJsonBody(req, exchange.deps.maxBodyBytes);
  if (!body.ok) {
    sendApiError(res, format, body.status, body.message);
    return { status: body.status };
  }
  let value = body.value as Record<string, unknown>;
  let raw: Buffer | undefined = body.bytes;
  if (api === "openai-responses") {
    // Checked in depth by its adapter, which names the field it cannot use (candidate-fit.ts).
    const problem = responsesRequestProblem(value);
    if (problem) {
      sendMalformedRequest(res, format, problem);
      return { status: 400 };
    }
    // References to items of our own earlier answers become the items (the bytes then no longer say it all).
    const input = exchange.deps.responseItems.resolve(value.input);
    if (input) {
      value = { ...value, input };
      raw = undefined;
    }
  } else if (!isWellFormedRequest(format, value)) return refuseMalformedRequest(res, format, value);
  const anthropicVersion = header(req, "anthropic-version");
  const anthropicBeta = header(req, "anthropic-beta");
  const request: ChatRequest = {
    format,
    api,
    body: value,
    ...(raw ? { raw } : {}),
    stream: !route.countTokens && value.stream === true,
    hints: anthropicVersion || anthropicBeta ? { ...(anthropicVersion ? { anthropicVersion } : {}), ...(anthropicBeta ? { anthropicBeta } : {}) } : NO_HINTS,
    signal: exchange.signal,
  };
  if (route.countTokens) request.countTokens = true;
  exchange.request = request;
  return undefined;
}

const NO_HINTS = Object.freeze({});
