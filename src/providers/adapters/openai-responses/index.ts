// The OpenAI Responses API (POST /v1/responses) as one adapter (issue 8): spoken
// to us by the Vercel AI SDK's openai(model) and OpenAI's Codex CLI, and by us to
// OpenAI's own models. See request.ts for what a client may ask, build.ts for
// what we send upstream.
import type { WireAdapter } from "../adapter.ts";
import { buildResponsesRequest } from "./build.ts";
import { isObject } from "./common.ts";
import { parseResponsesRequest } from "./request.ts";
import { errorText, parseResponsesResponse, renderResponsesResponse } from "./response.ts";
import { createResponsesStreamDecoder, createResponsesStreamEncoder } from "./stream.ts";

export const openaiResponsesAdapter: WireAdapter = {
  api: "openai-responses",
  client: {
    parseRequest: parseResponsesRequest,
    renderResponse: renderResponsesResponse,
    streamEncoder: createResponsesStreamEncoder,
  },
  upstream: {
    endpoint: (baseUrl) => `${baseUrl.replace(/\/+$/, "")}/responses`,
    buildRequest: buildResponsesRequest,
    parseResponse: parseResponsesResponse,
    streamDecoder: createResponsesStreamDecoder,
    errorMessage: (body) => (isObject(body) ? errorText(body.error) : undefined),
  },
};
