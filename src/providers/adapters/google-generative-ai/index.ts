// The Gemini API (Generative Language, generateContent) adapter: upstream side
// only, since no client speaks Gemini to the gateway.
import type { WireAdapter } from "../adapter.ts";
import { buildRequest, endpoint } from "./request.ts";
import { errorMessage, parseResponse, retryAfterMs } from "./response.ts";
import { createStreamDecoder } from "./stream.ts";

export const googleGenerativeAiAdapter: WireAdapter = {
  api: "google-generative-ai",
  upstream: {
    endpoint,
    buildRequest,
    parseResponse,
    streamDecoder: createStreamDecoder,
    errorMessage,
    retryAfterMs,
  },
};
