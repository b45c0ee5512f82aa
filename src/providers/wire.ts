// How a credential goes on the wire (DESIGN §4.4 provider identity): Anthropic
// API keys as `x-api-key`; setup-tokens and OAuth access tokens as a Bearer
// token with the `oauth-2025-04-20` beta; OpenAI-style providers as Bearer.
// We never borrow another client's identity (no user-agent, no system prompt).
import type { ProviderSpec } from "./registry.ts";
import type { UsableSecret } from "../auth/usable-secret.ts";
import { VERSION } from "../version.ts";
import { anthropic } from "./descriptors/anthropic.ts";
import { addCodexHeaders, isCodexBackend } from "./codex-backend.ts";

export const ANTHROPIC_VERSION = "2023-06-01";
export const ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20";


/** Headers a client may set that still mean something upstream (never its auth). */
export interface ClientHints {
  anthropicVersion?: string;
  anthropicBeta?: string;
}

// `sk-ant-oat`: a setup-token stored as an API key still goes as a Bearer token.
const ANTHROPIC_TOKEN_PREFIX = anthropic.secretShapes.prefixes.find((shape) => shape.kind === "token")!.prefix;

function isAnthropicOAuthToken(credential: UsableSecret): boolean {
  return credential.kind !== "api_key" || credential.secret.includes(ANTHROPIC_TOKEN_PREFIX);
}

function mergeBetas(...lists: (string | undefined)[]): string {
  const betas = lists.flatMap((list) => (list ?? "").split(",")).map((b) => b.trim()).filter(Boolean);
  return [...new Set(betas)].join(",");
}

export function upstreamHeaders(spec: ProviderSpec, credential: UsableSecret, hints: ClientHints, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "user-agent": `openclaw-gateway/${VERSION}`,
    ...spec.headers,
  };
  if (spec.api === "google-generative-ai") {
    // Gemini's own header; a key in the URL would end up in logs.
    headers["x-goog-api-key"] = credential.secret;
  } else if (spec.api === "anthropic-messages") {
    headers["anthropic-version"] = hints.anthropicVersion ?? ANTHROPIC_VERSION;
    if (isAnthropicOAuthToken(credential)) {
      headers.authorization = `Bearer ${credential.secret}`;
      headers["anthropic-beta"] = mergeBetas(hints.anthropicBeta, ANTHROPIC_OAUTH_BETA);
    } else {
      headers["x-api-key"] = credential.secret;
      const betas = mergeBetas(hints.anthropicBeta);
      if (betas) headers["anthropic-beta"] = betas;
    }
  } else {
    headers.authorization = `Bearer ${credential.secret}`;
    if (isCodexBackend(spec)) addCodexHeaders(headers, credential);
  }
  return headers;
}
