// Which environment variables hold a provider's credential (spec §2.5), in the
// order OpenClaw tries them, plus the multi-key forms used for rotation.
import { descriptorFor, PROVIDER_DESCRIPTORS } from "../providers/descriptors/index.ts";
import type { EnvChain, EnvValue } from "../state/env-chain.ts";
import { normalizeProviderId } from "./provider-id.ts";

/** Providers with a descriptor, hence known env variables (so a near-miss of one can be told apart from a new id). */
export const ENV_KEY_PROVIDERS: readonly string[] = PROVIDER_DESCRIPTORS.map((descriptor) => descriptor.id);

/** Providers `models status` probes the environment for even when nothing else mentions them. */
export const ENV_PROBED_PROVIDERS: readonly string[] = PROVIDER_DESCRIPTORS.filter((descriptor) => descriptor.statusChecksEnv).map((descriptor) => descriptor.id);

// The login-shell import runs only when none of these is set. This is OpenClaw
// 2026.2.26's own list, kept verbatim rather than derived from the descriptors
// (so a stray GITHUB_TOKEN does not turn it off, and a new descriptor does not
// change when the import runs) …
export const SHELL_ENV_TRIGGER_KEYS: readonly string[] = [
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_OAUTH_TOKEN",
  "GEMINI_API_KEY",
  "ZAI_API_KEY",
  "OPENROUTER_API_KEY",
  "AI_GATEWAY_API_KEY",
  "MINIMAX_API_KEY",
  "SYNTHETIC_API_KEY",
  "KILOCODE_API_KEY",
  "ELEVENLABS_API_KEY",
  "TELEGRAM_BOT_TOKEN",
  "DISCORD_BOT_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "OPENCLAW_GATEWAY_TOKEN",
  "OPENCLAW_GATEWAY_PASSWORD",
];

// … and then imports these, plus every provider's single-key variables, plus
// keys OpenClaw imports for services we have no descriptor for (speech,
// embeddings, and providers `models auth` does not know by name yet).
const OTHER_SHELL_ENV_KEYS = ["DEEPGRAM", "MOONSHOT", "VENICE", "TOGETHER", "NVIDIA", "OLLAMA", "VLLM", "LITELLM", "VOYAGE"].map((p) => `${p}_API_KEY`);

export const SHELL_ENV_IMPORTED_KEYS: readonly string[] = [
  ...new Set([...SHELL_ENV_TRIGGER_KEYS, ...PROVIDER_DESCRIPTORS.flatMap((descriptor) => descriptor.envKeys), ...OTHER_SHELL_ENV_KEYS]),
];

/** `<P>` in `<P>_API_KEY`: the descriptor's `envPrefix` (Google: `GEMINI`), else the upper-case id with `-` → `_`. */
export function envPrefix(provider: string): string {
  const id = normalizeProviderId(provider);
  return descriptorFor(id)?.envPrefix ?? id.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** The single-key variables for a provider, first non-empty wins. */
export function providerEnvVars(provider: string): readonly string[] {
  const id = normalizeProviderId(provider);
  return descriptorFor(id)?.envKeys ?? [`${envPrefix(id)}_API_KEY`];
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

/** The key the environment supplies for a provider (what `effective=env` shows): its own variables first (spec §2.5). */
export function resolveEnvCredential(provider: string, env: EnvChain): EnvCredential | undefined {
  for (const name of providerEnvVars(provider)) {
    const value = env.get(name);
    if (value) return asCredential({ ...value, value: value.value.trim() });
  }
  return listEnvCredentials(provider, env)[0];
}

/**
 * Every key the environment offers for a provider, for rotation on rate
 * limits (spec §2.5): `OPENCLAW_LIVE_<P>_KEY` alone if set; else the key
 * `resolveEnvCredential` would use, then `<P>_API_KEYS`, `<P>_API_KEY` and
 * `<P>_API_KEY_*`; duplicates removed.
 */
export function listEnvCredentials(provider: string, env: EnvChain): EnvCredential[] {
  const id = normalizeProviderId(provider);
  if (providerEnvVars(id).length === 0) return [];
  const prefix = envPrefix(id);
  const live = env.get(`OPENCLAW_LIVE_${prefix}_KEY`);
  if (live) return [asCredential(live)];
  const found: EnvCredential[] = [];
  const seen = new Set<string>();
  const push = (value: EnvValue | undefined) => {
    const trimmed = value?.value.trim();
    if (!value || !trimmed || seen.has(trimmed)) return;
    seen.add(trimmed);
    found.push(asCredential({ ...value, value: trimmed }));
  };
  for (const name of providerEnvVars(id)) {
    const value = env.get(name);
    if (value) {
      push(value);
      break;
    }
  }
  const descriptor = descriptorFor(id);
  const listVars = descriptor?.envKeyLists ?? [`${prefix}_API_KEYS`];
  for (const listVar of listVars.map((name) => env.get(name))) {
    if (listVar) for (const key of splitKeyList(listVar.value)) push({ ...listVar, value: key });
  }
  push(env.get(`${prefix}_API_KEY`));
  const numbered = env.names().filter((name) => name.startsWith(`${prefix}_API_KEY_`)).sort();
  for (const name of numbered) push(env.get(name));
  for (const name of descriptor?.envFallbackKeys ?? []) push(env.get(name));
  return found;
}
