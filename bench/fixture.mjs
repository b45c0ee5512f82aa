// A realistic state dir for the CLI benchmarks: a config with aliases and
// fallbacks, and an auth store of 50 profiles across providers, with expiring
// tokens, refreshable OAuth and cooldowns.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

const secret = (prefix, length) => prefix + randomBytes(length).toString("base64url").slice(0, length);

export function writeBenchState(home, { profiles = 50, now = Date.now() } = {}) {
  const state = join(home, ".openclaw");
  const agentDir = join(state, "agents", "main", "agent");
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const providers = ["anthropic", "openai", "openrouter", "google", "groq", "mistral", "xai", "openai-codex"];
  const store = { version: 1, profiles: {}, order: {}, usageStats: {} };
  const meta = {};
  for (let i = 0; i < profiles; i++) {
    const provider = providers[i % providers.length];
    const id = `${provider}:p${i}`;
    const kind = i % 5;
    if (provider === "openai-codex" || kind === 4) {
      store.profiles[id] = { type: "oauth", provider, access: secret("eyJ", 200), refresh: secret("rt_", 60), expires: now + (i - 25) * 3_600_000, accountId: `acct_${i}` };
    } else if (kind === 1 || kind === 3) {
      store.profiles[id] = { type: "token", provider, token: secret("sk-ant-oat01-", 90), expires: now + (i + 1) * 6 * 3_600_000 };
    } else {
      store.profiles[id] = { type: "api_key", provider, key: secret("sk-", 64) };
    }
    meta[id] = { provider, mode: store.profiles[id].type };
    if (i % 7 === 0) store.usageStats[id] = { lastUsed: now - 60_000, cooldownUntil: now + 240_000, errorCount: 2, failureCounts: { rate_limit: 2 }, lastFailureAt: now - 60_000 };
  }
  store.order.anthropic = Object.keys(store.profiles).filter((id) => id.startsWith("anthropic:")).slice(0, 3);
  writeFileSync(join(agentDir, "auth-profiles.json"), JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
  const config = {
    auth: { profiles: meta },
    agents: {
      defaults: {
        model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2", "openrouter/openrouter/auto"] },
        models: { "anthropic/claude-opus-4-6": { alias: "opus" }, "openai/gpt-5.2": {}, "openrouter/openrouter/auto": {} },
      },
    },
  };
  writeFileSync(join(state, "openclaw.json"), JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  writeFileSync(join(state, ".env"), `GROQ_API_KEY=${secret("gsk_", 40)}\n`, { mode: 0o600 });
  return { state, agentDir };
}
