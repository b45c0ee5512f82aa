// Every provider we know something about, one descriptor each (DESIGN §3).
// The tables elsewhere (aliases, env keys, built-in endpoints, catalog,
// default model aliases, secret shapes, CLI hints) are derived from this list.
//
// Pure data at the bottom of the layers: this folder imports nothing but its
// own files, so auth/ and state/-level code may use it (docs/architecture.md).
// Order matters only for display: the catalog and `models auth add`'s picker
// list providers in this order.
import type { ProviderDescriptor } from "./types.ts";
import { anthropic } from "./anthropic.ts";
import { openai } from "./openai.ts";
import { openaiCodex } from "./openai-codex.ts";
import { openrouter } from "./openrouter.ts";
import { google } from "./google.ts";
import { groq } from "./groq.ts";
import { mistral } from "./mistral.ts";
import { xai } from "./xai.ts";
import { githubCopilot } from "./github-copilot.ts";
import { chutes } from "./chutes.ts";
import { zai } from "./zai.ts";
import { opencode } from "./opencode.ts";
import { qwenPortal } from "./qwen-portal.ts";
import { minimaxPortal } from "./minimax-portal.ts";
import { kimiCoding } from "./kimi-coding.ts";
import { vercelAiGateway } from "./vercel-ai-gateway.ts";
import { cloudflareAiGateway } from "./cloudflare-ai-gateway.ts";
import { volcengine } from "./volcengine.ts";
import { byteplus } from "./byteplus.ts";
import { huggingface } from "./huggingface.ts";
import { googleVertex } from "./google-vertex.ts";
import { cerebras } from "./cerebras.ts";
import { synthetic } from "./synthetic.ts";

export type { DescriptorModel, ModelInput, ProviderDescriptor, SecretPrefix, WireApi } from "./types.ts";

export const PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = [
  anthropic,
  openai,
  openaiCodex,
  openrouter,
  google,
  groq,
  mistral,
  xai,
  githubCopilot,
  chutes,
  zai,
  opencode,
  qwenPortal,
  minimaxPortal,
  kimiCoding,
  vercelAiGateway,
  cloudflareAiGateway,
  volcengine,
  byteplus,
  huggingface,
  googleVertex,
  cerebras,
  synthetic,
];

// Null-prototype: a provider named "constructor" has no descriptor.
const BY_ID: Record<string, ProviderDescriptor | undefined> = Object.create(null);
for (const descriptor of PROVIDER_DESCRIPTORS) BY_ID[descriptor.id] = descriptor;

/** The descriptor of a normalized provider id (see auth/provider-id.ts), if we know the provider. */
export function descriptorFor(id: string): ProviderDescriptor | undefined {
  return BY_ID[id];
}
