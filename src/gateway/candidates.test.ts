// Which credentials a model request may run on (docs/gateway.md §4.1, §4.5),
// from snapshots built in memory: no files, no server.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { agentAuthView } from "../auth/agent-view.ts";
import type { AuthStore } from "../auth/store-schema.ts";
import { resolveProvider } from "../providers/registry.ts";
import type { AgentInfo } from "../state/agents.ts";
import type { OpenClawConfig } from "../state/config-schema.ts";
import type { StateContext } from "../state/context.ts";
import { EnvChain } from "../state/env-chain.ts";
import { credentialPlan, pinnedCredential, type CredentialChoice, type CredentialFilter } from "./candidates.ts";
import type { GatewaySnapshot } from "./live-state.ts";

const NOW = Date.UTC(2026, 10, 29, 14, 17);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OPUS = "claude-opus-4-6";
const SONNET = "claude-sonnet-4-5";
const HOME = "/home/candidates-test";
const AGENT_DIR = `${HOME}/.openclaw/agents/main/agent`;

const key = (name: string) => `sk-ant-api03-${name}-${"k".repeat(40)}`;
const apiKey = (name: string) => ({ type: "api_key" as const, provider: "anthropic", key: key(name) });
const token = (name: string, expires?: number) => ({ type: "token" as const, provider: "anthropic", token: `sk-ant-oat01-${name}-${"t".repeat(80)}`, ...(expires !== undefined ? { expires } : {}) });
const oauth = (name: string) => ({ type: "oauth" as const, provider: "anthropic", access: `access-${name}-${"a".repeat(40)}`, refresh: `refresh-${name}`, expires: NOW + HOUR });

function snapshot(store: Pick<AuthStore, "profiles"> & Partial<Pick<AuthStore, "order" | "lastGood" | "usageStats">>, config: OpenClawConfig = {}, env: Record<string, string> = {}): GatewaySnapshot {
  const processEnv = { HOME, ...env };
  const ctx: StateContext = {
    processEnv,
    cwd: HOME,
    homeDir: HOME,
    stateDir: `${HOME}/.openclaw`,
    era: "json",
    configPath: `${HOME}/.openclaw/openclaw.json`,
    configFile: { path: `${HOME}/.openclaw/openclaw.json`, exists: false, document: {} },
    config,
    env: new EnvChain(processEnv),
    shellEnv: { enabled: false, appliedKeys: [] },
    display: (path) => path,
  };
  const agent: AgentInfo = { id: "main", dir: AGENT_DIR, isDefault: true, entry: undefined };
  const path = `${AGENT_DIR}/auth-profiles.json`;
  const view = agentAuthView("main", AGENT_DIR, { path, exists: true, store: { version: 1, ...store } }, undefined);
  return { ctx, agent, primary: agent, view };
}

const allowAll: CredentialFilter = () => true;

function plan(snap: GatewaySnapshot, model = OPUS, allowed: CredentialFilter = allowAll, provider = "anthropic") {
  return credentialPlan(snap, resolveProvider(snap.ctx.config, provider)!, { provider, model }, NOW, allowed);
}

const ids = (choices: CredentialChoice[]) => choices.map((choice) => choice.servedBy);

describe("credentialPlan: the order of stored profiles", () => {
  test("without an order: oauth before token before api_key, least recently used first; lastGood does not reorder", () => {
    const snap = snapshot({
      profiles: { "anthropic:k-recent": apiKey("recent"), "anthropic:k-old": apiKey("old"), "anthropic:t": token("t"), "anthropic:o": oauth("o") },
      usageStats: { "anthropic:k-recent": { lastUsed: NOW - MINUTE }, "anthropic:k-old": { lastUsed: NOW - HOUR } },
      lastGood: { anthropic: "anthropic:k-recent" },
    });
    assert.deepEqual(ids(plan(snap).usable), ["anthropic:o", "anthropic:t", "anthropic:k-old", "anthropic:k-recent"]);
  });

  test("the store's order override is used as is, and wins over the config's auth.order", () => {
    const profiles = { "anthropic:a": apiKey("a"), "anthropic:b": apiKey("b"), "anthropic:t": token("t") };
    const config: OpenClawConfig = { auth: { order: { anthropic: ["anthropic:t", "anthropic:a"] } } };
    // The config's order, as is (no type ranking): a profile it leaves out is not tried.
    assert.deepEqual(ids(plan(snapshot({ profiles }, config)).usable), ["anthropic:t", "anthropic:a"]);
    const stored = snapshot({ profiles, order: { anthropic: ["anthropic:b", "anthropic:a", "anthropic:t"] } }, config);
    assert.deepEqual(ids(plan(stored).usable), ["anthropic:b", "anthropic:a", "anthropic:t"]);
  });

  test("profiles of another provider are left out, even when an order names them", () => {
    const snap = snapshot({
      profiles: { "anthropic:a": apiKey("a"), "openai:x": { type: "api_key", provider: "openai", key: "sk-proj-" + "x".repeat(40) } },
      order: { anthropic: ["openai:x", "anthropic:a"] },
    });
    const anthropic = plan(snap);
    assert.deepEqual(ids(anthropic.usable), ["anthropic:a"]);
    assert.ok(anthropic.usable.every((choice) => choice.profileId !== "openai:x"));
    assert.deepEqual(ids(plan(snap, "gpt-5.2", allowAll, "openai").usable), ["openai:x"], "it serves its own provider");
  });

  test("config metadata naming another provider or mode leaves a profile out", () => {
    const snap = snapshot(
      { profiles: { "anthropic:a": apiKey("a"), "anthropic:b": apiKey("b"), "anthropic:c": apiKey("c") } },
      { auth: { profiles: { "anthropic:a": { provider: "anthropic", mode: "api_key" }, "anthropic:b": { provider: "openai", mode: "api_key" }, "anthropic:c": { provider: "anthropic", mode: "token" } } } },
    );
    assert.deepEqual(ids(plan(snap).usable), ["anthropic:a"]);
  });

  test("an expired token is not usable; with nothing else it is reported as expired", () => {
    const snap = snapshot({ profiles: { "anthropic:old": token("old", NOW - HOUR) } });
    const result = plan(snap);
    assert.deepEqual(result.usable, []);
    assert.deepEqual(result.coolingDown, []);
    assert.deepEqual(result.expired, [{ profileId: "anthropic:old", agoMs: HOUR }]);
    const beside = plan(snapshot({ profiles: { "anthropic:old": token("old", NOW - HOUR), "anthropic:a": apiKey("a") } }));
    assert.deepEqual(ids(beside.usable), ["anthropic:a"]);
    assert.deepEqual(beside.expired, [], "only reported when nothing else can serve");
  });
});

describe("credentialPlan: cooldowns", () => {
  test("a profile cooling down or disabled is not called, and is reported with until when", () => {
    const snap = snapshot({
      profiles: { "anthropic:a": apiKey("a"), "anthropic:b": apiKey("b"), "anthropic:c": apiKey("c"), "anthropic:d": apiKey("d") },
      order: { anthropic: ["anthropic:a", "anthropic:b", "anthropic:c", "anthropic:d"] },
      usageStats: {
        "anthropic:a": { cooldownUntil: NOW + 5 * MINUTE, errorCount: 1 },
        "anthropic:b": { disabledUntil: NOW + 5 * HOUR, disabledReason: "billing" },
        // A window that is over counts as over, though the store still holds it.
        "anthropic:c": { cooldownUntil: NOW - 1 },
      },
    });
    const result = plan(snap);
    assert.deepEqual(ids(result.usable), ["anthropic:c", "anthropic:d"]);
    assert.deepEqual(result.coolingDown, [
      { profileId: "anthropic:a", until: NOW + 5 * MINUTE, scope: "profile" },
      { profileId: "anthropic:b", until: NOW + 5 * HOUR, scope: "profile", reason: "billing" },
    ]);
  });

  test("a per-model rate limit keeps the profile out for that model only", () => {
    const snap = snapshot({
      profiles: { "anthropic:a": apiKey("a"), "anthropic:b": apiKey("b") },
      order: { anthropic: ["anthropic:a", "anthropic:b"] },
      usageStats: { "anthropic:a": { modelCooldowns: { [OPUS]: { until: NOW + MINUTE, reason: "rate_limit", errorCount: 1 } } } as never },
    });
    const opus = plan(snap, OPUS);
    assert.deepEqual(ids(opus.usable), ["anthropic:b"]);
    assert.deepEqual(opus.coolingDown, [{ profileId: "anthropic:a", until: NOW + MINUTE, scope: "model", reason: "rate_limit" }]);
    assert.deepEqual(ids(plan(snap, SONNET).usable), ["anthropic:a", "anthropic:b"]);
  });

  test("OpenRouter profiles never cool down", () => {
    const snap = snapshot({
      profiles: { "openrouter:a": { type: "api_key", provider: "openrouter", key: "sk-or-v1-" + "r".repeat(64) } },
      usageStats: { "openrouter:a": { cooldownUntil: NOW + HOUR } },
    });
    const result = plan(snap, "anthropic/claude-opus-4-6", allowAll, "openrouter");
    assert.deepEqual(ids(result.usable), ["openrouter:a"]);
    assert.deepEqual(result.coolingDown, []);
  });
});

describe("credentialPlan: after the profiles", () => {
  test("environment keys follow the profiles, then models.providers.<id>.apiKey; each says where it came from", () => {
    const snap = snapshot(
      { profiles: { "anthropic:a": apiKey("a") } },
      { models: { providers: { anthropic: { apiKey: key("config") } } } } as OpenClawConfig,
      { ANTHROPIC_API_KEY: key("env") },
    );
    const result = plan(snap);
    assert.deepEqual(ids(result.usable), ["anthropic:a", "env:ANTHROPIC_API_KEY", "config:models.providers.anthropic.apiKey"]);
    assert.deepEqual(
      result.usable.map((choice) => [choice.source, choice.secret.secret, choice.profileId]),
      [
        ["profile:anthropic:a", key("a"), "anthropic:a"],
        ["env: ANTHROPIC_API_KEY", key("env"), undefined],
        ["models.providers.anthropic.apiKey", key("config"), undefined],
      ],
    );
    assert.ok(result.usable[0]!.fingerprint, "a stored profile carries its fingerprint (usage is recorded against it)");
  });

  test("a credential the filter refuses (the gateway's own token) is left out wherever it comes from", () => {
    const snap = snapshot({ profiles: { "anthropic:a": apiKey("a"), "anthropic:b": apiKey("b") } }, {}, { ANTHROPIC_API_KEY: key("env") });
    const refused = new Set([key("a"), key("env")]);
    assert.deepEqual(ids(plan(snap, OPUS, (choice) => !refused.has(choice.secret.secret)).usable), ["anthropic:b"]);
  });
});

describe("pinnedCredential: an explicitly requested profile", () => {
  const snap = snapshot({
    profiles: { "anthropic:a": apiKey("a"), "anthropic:cool": apiKey("cool"), "anthropic:old": token("old", NOW - MINUTE), "anthropic:empty": { type: "api_key", provider: "anthropic", key: " " } },
    order: { anthropic: ["anthropic:a"] },
    usageStats: { "anthropic:cool": { cooldownUntil: NOW + HOUR, disabledUntil: NOW + HOUR, disabledReason: "billing" } },
  });

  test("is used even while cooling down or disabled, and even when the order leaves it out", () => {
    assert.deepEqual(ids(plan(snap).usable), ["anthropic:a"]);
    const pinned = pinnedCredential(snap, "anthropic:cool", NOW, allowAll);
    assert.equal(pinned?.profileId, "anthropic:cool");
    assert.equal(pinned?.secret.secret, key("cool"));
    assert.equal(pinned?.source, "profile:anthropic:cool");
  });

  test("is nothing when it expired, has no secret, does not exist, or the filter refuses it", () => {
    assert.equal(pinnedCredential(snap, "anthropic:old", NOW, allowAll), undefined);
    assert.equal(pinnedCredential(snap, "anthropic:empty", NOW, allowAll), undefined);
    assert.equal(pinnedCredential(snap, "anthropic:nope", NOW, allowAll), undefined);
    assert.equal(pinnedCredential(snap, "constructor", NOW, allowAll), undefined, "an Object.prototype member is not a profile");
    assert.equal(pinnedCredential(snap, "anthropic:a", NOW, () => false), undefined);
  });
});
