// Which environment variables hold a provider's credential (spec §2.5), in the
// order OpenClaw tries them, plus the multi-key forms used for rotation.
import type { EnvChain, EnvValue } from "../state/env-chain.ts";
import { normalizeProviderId } from "./provider-id.ts";

const PROVIDER_ENV_VARS: Record<string, readonly string[]> = {
  anthropic: ["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"],
  "github-copilot": ["COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"],
  chutes: ["CHUTES_OAUTH_TOKEN", "CHUTES_API_KEY"],
  zai: ["ZAI_API_KEY", "Z_AI_API_KEY"],
  opencode: ["OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY"],
  "qwen-portal": ["QWEN_OAUTH_TOKEN", "QWEN_PORTAL_API_KEY"],
  "minimax-portal": ["MINIMAX_OAUTH_TOKEN", "MINIMAX_API_KEY"],
  "kimi-coding": ["KIMI_API_KEY", "KIMICODE_API_KEY"],
  openai: ["OPENAI_API_KEY"],
  google: ["GEMINI_API_KEY"],
  "vercel-ai-gateway": ["AI_GATEWAY_API_KEY"],
  "cloudflare-ai-gateway": ["CLOUDFLARE_AI_GATEWAY_API_KEY"],
  volcengine: ["VOLCANO_ENGINE_API_KEY"],
  byteplus: ["BYTEPLUS_API_KEY"],
  huggingface: ["HUGGINGFACE_HUB_TOKEN", "HF_TOKEN"],
};

/** Providers `models status` probes the environment for even when nothing else mentions them. */
export const ENV_PROBED_PROVIDERS = [
  "anthropic",
  "github-copilot",
  "google-vertex",
  "openai",
  "google",
  "groq",
  "cerebras",
  "xai",
  "openrouter",
  "zai",
  "mistral",
  "synthetic",
] as const;

// Keys the login-shell import looks for (spec §2.4), with every provider var above.
const OTHER_EXPECTED_KEYS = [
  "OPENROUTER_API_KEY",
  "MINIMAX_API_KEY",
  "SYNTHETIC_API_KEY",
  "KILOCODE_API_KEY",
  "GROQ_API_KEY",
  "MISTRAL_API_KEY",
  "XAI_API_KEY",
  "ELEVENLABS_API_KEY",
  "TELEGRAM_BOT_TOKEN",
  "DISCORD_BOT_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "OPENCLAW_GATEWAY_TOKEN",
  "OPENCLAW_GATEWAY_PASSWORD",
];

export const SHELL_ENV_EXPECTED_KEYS: readonly string[] = [
  ...new Set([...Object.values(PROVIDER_ENV_VARS).flat(), ...OTHER_EXPECTED_KEYS]),
];

/** `<P>` in `<P>_API_KEY`: upper-case id with `-` → `_`; Google uses `GEMINI`. */
export function envPrefix(provider: string): string {
  const id = normalizeProviderId(provider);
  if (id === "google" || id === "google-vertex") return "GEMINI";
  return id.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** The single-key variables for a provider, first non-empty wins. */
export function providerEnvVars(provider: string): readonly string[] {
  const id = normalizeProviderId(provider);
  return PROVIDER_ENV_VARS[id] ?? [`${envPrefix(id)}_API_KEY`];
}

export interface EnvCredential extends EnvValue {
  /** `oauth` for `*_OAUTH_TOKEN` variables (shown as `OAuth (env)`), else `api_key`. */
  mode: "oauth" | "api_key";
}

function asCredential(value: EnvValue): EnvCredential {
  return { ...value, mode: value.name.includes("OAUTH_TOKEN") ? "oauth" : "api_key" };
}

function splitKeyList(value: string): string[] {
  return value.split(/[\s,;]+/).filter(Boolean);
}

/**
 * Every key the environment offers for a provider, in rotation order (spec §2.5):
 * `OPENCLAW_LIVE_<P>_KEY` alone if set; else the single-key vars, `<P>_API_KEYS`,
 * `<P>_API_KEY`, then `<P>_API_KEY_*`; duplicates removed.
 */
export function listEnvCredentials(provider: string, env: EnvChain): EnvCredential[] {
  const id = normalizeProviderId(provider);
  const prefix = envPrefix(id);
  const live = env.get(id === "anthropic" ? "OPENCLAW_LIVE_ANTHROPIC_KEY" : `OPENCLAW_LIVE_${prefix}_KEY`);
  if (live) return [asCredential(live)];
  const found: EnvCredential[] = [];
  const seen = new Set<string>();
  const push = (value: EnvValue | undefined) => {
    if (!value || seen.has(value.value.trim())) return;
    seen.add(value.value.trim());
    found.push(asCredential({ ...value, value: value.value.trim() }));
  };
  for (const name of providerEnvVars(id)) push(env.get(name));
  const listVars = id === "anthropic" ? ["OPENCLAW_LIVE_ANTHROPIC_KEYS", "ANTHROPIC_API_KEYS"] : [`${prefix}_API_KEYS`];
  for (const listVar of listVars.map((name) => env.get(name))) {
    if (listVar) for (const key of splitKeyList(listVar.value)) push({ ...listVar, value: key });
  }
  push(env.get(`${prefix}_API_KEY`));
  const numbered = env.names().filter((name) => name.startsWith(`${prefix}_API_KEY_`)).sort();
  for (const name of numbered) push(env.get(name));
  if (id === "google") push(env.get("GOOGLE_API_KEY"));
  return found;
}

/** The key the environment supplies for a provider, if any (what `effective=env` shows). */
export function resolveEnvCredential(provider: string, env: EnvChain): EnvCredential | undefined {
  return listEnvCredentials(provider, env)[0];
}
