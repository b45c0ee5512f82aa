// Every wire API the gateway speaks, by name (adapter.ts WireApi).
import type { WireAdapter, WireApi } from "./adapter.ts";
import { anthropicMessagesAdapter } from "./anthropic-messages/index.ts";
import { googleGenerativeAiAdapter } from "./google-generative-ai/index.ts";
import { openaiCompletionsAdapter } from "./openai-completions/index.ts";
import { openaiResponsesAdapter } from "./openai-responses/index.ts";

export type { WireAdapter, WireApi } from "./adapter.ts";

export const ADAPTERS: Readonly<Record<WireApi, WireAdapter>> = {
  "openai-completions": openaiCompletionsAdapter,
  "openai-responses": openaiResponsesAdapter,
  "anthropic-messages": anthropicMessagesAdapter,
  "google-generative-ai": googleGenerativeAiAdapter,
};
