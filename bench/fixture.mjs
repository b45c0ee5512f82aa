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

/**
 * The same state in OpenClaw 2026.9's layout: the real release's databases
 * (test/fixtures/openclaw-2026.9.6) with the bench store in the state
 * database's `authProfiles.store` / `authProfiles.state` rows, and no JSON store.
 */
export async function writeBench2026State(home, options = {}) {
  const { default: Database } = await import("better-sqlite3");
  const { copyFileSync, readFileSync, rmSync } = await import("node:fs");
  writeBenchState(home, options);
  const state = join(home, ".openclaw");
  const agentDir = join(state, "agents", "main", "agent");
  const fixture = join(new URL(".", import.meta.url).pathname, "..", "test", "fixtures", "openclaw-2026.9.6", "home-alice", ".openclaw");
  mkdirSync(join(state, "state"), { recursive: true, mode: 0o700 });
  copyFileSync(join(fixture, "state", "openclaw.sqlite"), join(state, "state", "openclaw.sqlite"));
  copyFileSync(join(fixture, "agents", "main", "agent", "openclaw-agent.sqlite"), join(agentDir, "openclaw-agent.sqlite"));
  const jsonStore = join(agentDir, "auth-profiles.json");
  const { version, profiles, ...stateParts } = JSON.parse(readFileSync(jsonStore, "utf8"));
  rmSync(jsonStore);
  const db = new Database(join(state, "state", "openclaw.sqlite"));
  const upsert = db.prepare("INSERT OR REPLACE INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?, ?, ?)");
  upsert.run("authProfiles.store", JSON.stringify({ version, profiles }), Date.now());
  upsert.run("authProfiles.state", JSON.stringify({ version, ...stateParts }), Date.now());
  db.close();
  const agentDb = new Database(join(agentDir, "openclaw-agent.sqlite"));
  agentDb.prepare("DELETE FROM auth_profile_state").run();
  agentDb.close();
}
