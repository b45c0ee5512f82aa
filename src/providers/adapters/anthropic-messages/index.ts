// The Anthropic Messages adapter (issue 8): Anthropic clients of the gateway
// (POST /v1/messages) and Anthropic-format upstreams, to and from the hub.
// request.ts: client body → hub, hub → upstream body; response.ts: answers and
// errors; stream.ts: event streams both ways.
import type { WireAdapter } from "../adapter.ts";
import { buildUpstreamRequest } from "./build.ts";
import { parseClientRequest } from "./request.ts";
import { errorMessage, parseResponse, renderResponse } from "./response.ts";
import { createStreamDecoder, createStreamEncoder } from "./stream.ts";

export { DEFAULT_MAX_TOKENS, PLACEHOLDER_USER_TEXT } from "./build.ts";

export const anthropicMessagesAdapter: WireAdapter = {
  api: "anthropic-messages",
  client: {
    parseRequest: parseClientRequest,
    renderResponse,
    streamEncoder: createStreamEncoder,
  },
  upstream: {
    // An Anthropic provider's baseUrl is the origin; streaming is in the body.
    endpoint: (baseUrl) => `${baseUrl}/v1/messages`,
    buildRequest: buildUpstreamRequest,
    parseResponse,
    streamDecoder: createStreamDecoder,
    errorMessage,
  },
};
