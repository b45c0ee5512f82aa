// The OpenAI Chat Completions adapter (issue 8): what an OpenAI-style client
// sends us and gets back (client side), and how we talk to an OpenAI or
// OpenAI-compatible upstream (upstream side). See request.ts for which request
// fields the hub cannot carry and what happens to each.
import type { WireAdapter } from "../adapter.ts";
import { buildRequest, parseRequest } from "./request.ts";
import { errorMessage, parseResponse, renderResponse } from "./response.ts";
import { createDecoder, createEncoder } from "./stream.ts";

export const openaiCompletionsAdapter: WireAdapter = {
  api: "openai-completions",
  client: {
    parseRequest,
    renderResponse,
    streamEncoder: createEncoder,
  },
  upstream: {
    /** The base URL includes /v1 for OpenAI-style providers. */
    endpoint: (baseUrl) => `${baseUrl}/chat/completions`,
    buildRequest,
    parseResponse,
    streamDecoder: createDecoder,
    errorMessage,
  },
};
