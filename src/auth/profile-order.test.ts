import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveProfileOrder, type ProfileOrderInput } from "./profile-order.ts";
import type { OpenClawConfig } from "../state/config-schema.ts";
import type { AuthStore, Credential } from "./store-schema.ts";

const now = 1_795_614_300_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

const apiKey = (key = "sk-ant-api03-x"): Credential => ({ type: "api_key", provider: "anthropic", key });
const token = (expires?: number): Credential => ({ type: "token", provider: "anthropic", token: "sk-ant-oat01-x", ...(expires !== undefined ? { expires } : {}) });
const oauth = (access = "a", refresh = "r"): Credential => ({ type: "oauth", provider: "anthropic", access, refresh, expires: now - HOUR });

function order(store: Partial<AuthStore>, config: OpenClawConfig = {}, extra: Partial<ProfileOrderInput> = {}) {
  return resolveProfileOrder({ config, store: { version: 1, profiles: {}, ...store }, provider: "anthropic", now, ...extra });
}

test("round-robin without an explicit order: oauth, token, api_key, then least recently used", () => {
  const result = order({
    profiles: { "anthropic:key-old": apiKey(), "anthropic:key-new": apiKey(), "anthropic:manual": token(), "anthropic:me@x.com": oauth() },
    usageStats: { "anthropic:key-old": { lastUsed: now - HOUR }, "anthropic:key-new": { lastUsed: now - MINUTE } },
    lastGood: { anthropic: "anthropic:key-new" },
  });
  assert.deepEqual(result.ordered, ["anthropic:me@x.com", "anthropic:manual", "anthropic:key-old", "anthropic:key-new"]);
  assert.deepEqual(result.coolingDown, []);
});

test("never used (lastUsed 0) comes before used", () => {
  const result = order({
    profiles: { "anthropic:a": apiKey(), "anthropic:b": apiKey() },
    usageStats: { "anthropic:a": { lastUsed: now - HOUR } },
  });
  assert.deepEqual(result.ordered, ["anthropic:b", "anthropic:a"]);
});

test("an explicit order keeps its order: the store's per-agent order outranks the config's", () => {
  const profiles = { "anthropic:key": apiKey(), "anthropic:manual": token(), "anthropic:me@x.com": oauth() };
  const config: OpenClawConfig = { auth: { order: { anthropic: ["anthropic:manual", "anthropic:key"] } } };
  assert.deepEqual(order({ profiles }, config).ordered, ["anthropic:manual", "anthropic:key"]);
  assert.deepEqual(order({ profiles, order: { anthropic: ["anthropic:key", "anthropic:me@x.com"] } }, config).ordered, [
    "anthropic:key",
    "anthropic:me@x.com",
  ]);
});

test("provider keys are compared normalised", () => {
  const profiles = { "zai:one": { type: "api_key", provider: "Z.AI", key: "k1" }, "zai:two": { type: "api_key", provider: "zai", key: "k2" } } satisfies AuthStore["profiles"];
  const result = resolveProfileOrder({ config: { auth: { order: { "z-ai": ["zai:two", "zai:one"] } } }, store: { version: 1, profiles }, provider: "ZAI", now });
  assert.deepEqual(result.ordered, ["zai:two", "zai:one"]);
});

test("without any order, config auth.profiles picks the ids, round-robin", () => {
  const config: OpenClawConfig = { auth: { profiles: { "anthropic:key": { provider: "anthropic", mode: "api_key" }, "anthropic:manual": { provider: "anthropic", mode: "token" } } } };
  const result = order({ profiles: { "anthropic:key": apiKey(), "anthropic:manual": token(), "anthropic:other": apiKey() } }, config);
  assert.deepEqual(result.ordered, ["anthropic:manual", "anthropic:key"]);
});

test("profiles that are missing, of another provider or without a usable secret are dropped", () => {
  const result = order({
    profiles: {
      "anthropic:empty-key": apiKey("  "),
      "anthropic:ref": { type: "api_key", provider: "anthropic", keyRef: { source: "env", provider: "default", id: "ANTHROPIC_API_KEY" } },
      "anthropic:expired": token(now),
      "anthropic:valid-token": token(now + HOUR),
      "anthropic:no-expiry": token(0),
      "anthropic:dead-oauth": oauth("", ""),
      "anthropic:refresh-only": oauth("", "r"),
      "openai:default": { type: "api_key", provider: "openai", key: "sk" },
    },
    order: { anthropic: ["anthropic:gone", "openai:default", "anthropic:empty-key", "anthropic:ref", "anthropic:expired", "anthropic:valid-token", "anthropic:no-expiry", "anthropic:dead-oauth", "anthropic:refresh-only"] },
  });
  assert.deepEqual(result.ordered, ["anthropic:ref", "anthropic:valid-token", "anthropic:no-expiry", "anthropic:refresh-only"]);
});

test("config metadata must match provider and mode; oauth and token are interchangeable", () => {
  const profiles = { "anthropic:a": apiKey(), "anthropic:t": token(), "anthropic:o": oauth() };
  const ids = ["anthropic:a", "anthropic:t", "anthropic:o"];
  const withModes = (a: "api_key" | "oauth" | "token", t: "api_key" | "oauth" | "token", o: "api_key" | "oauth" | "token", provider = "anthropic"): OpenClawConfig => ({
    auth: { order: { anthropic: ids }, profiles: { "anthropic:a": { provider, mode: a }, "anthropic:t": { provider: "anthropic", mode: t }, "anthropic:o": { provider: "anthropic", mode: o } } },
  });
  assert.deepEqual(order({ profiles }, withModes("api_key", "oauth", "token")).ordered, ids);
  assert.deepEqual(order({ profiles }, withModes("token", "api_key", "api_key")).ordered, []);
  assert.deepEqual(order({ profiles }, withModes("api_key", "token", "oauth", "openai")).ordered, ["anthropic:t", "anthropic:o"]);
});

test("drift repair: when none of the configured ids exist, every valid store profile is used", () => {
  const config: OpenClawConfig = { auth: { profiles: { "anthropic:default": { provider: "anthropic", mode: "oauth" } } } };
  const result = order({ profiles: { "anthropic:me@x.com": oauth(), "anthropic:key": apiKey(), "anthropic:bad": apiKey("") } }, config);
  assert.deepEqual(result.ordered, ["anthropic:me@x.com", "anthropic:key"]);
  // No repair when a configured id exists but is unusable: the config is saying something.
  const kept = order({ profiles: { "anthropic:default": oauth("", ""), "anthropic:key": apiKey() } }, config);
  assert.deepEqual(kept.ordered, []);
});

test("duplicates in an order appear once", () => {
  const result = order({ profiles: { "anthropic:a": apiKey(), "anthropic:b": apiKey() }, order: { anthropic: ["anthropic:b", "anthropic:a", "anthropic:b"] } });
  assert.deepEqual(result.ordered, ["anthropic:b", "anthropic:a"]);
});

test("cooling and disabled profiles go last, soonest first, in both modes", () => {
  const profiles = { "anthropic:a": apiKey(), "anthropic:b": apiKey(), "anthropic:c": apiKey(), "anthropic:d": apiKey() };
  const usageStats = {
    "anthropic:a": { disabledUntil: now + 5 * HOUR, disabledReason: "billing" },
    "anthropic:b": { cooldownUntil: now + MINUTE },
    "anthropic:c": { cooldownUntil: now - 1 }, // expired: available again
  };
  const expected = {
    ordered: ["anthropic:c", "anthropic:d", "anthropic:b", "anthropic:a"],
    coolingDown: [
      { profileId: "anthropic:b", until: now + MINUTE, scope: "profile" },
      { profileId: "anthropic:a", until: now + 5 * HOUR, reason: "billing", scope: "profile" },
    ],
  };
  assert.deepEqual(order({ profiles, usageStats, order: { anthropic: ["anthropic:a", "anthropic:b", "anthropic:c", "anthropic:d"] } }), expected);
  assert.deepEqual(order({ profiles, usageStats }), expected);
});

test("a per-model rate limit hides the profile for that model only", () => {
  const store = {
    profiles: { "anthropic:a": apiKey(), "anthropic:b": apiKey() },
    order: { anthropic: ["anthropic:a", "anthropic:b"] },
    usageStats: { "anthropic:a": { modelCooldowns: { "claude-opus-4-6": { until: now + MINUTE, reason: "rate_limit", errorCount: 1 } } } },
  };
  assert.deepEqual(order(store, {}, { model: "claude-opus-4-6" }), {
    ordered: ["anthropic:b", "anthropic:a"],
    coolingDown: [{ profileId: "anthropic:a", until: now + MINUTE, reason: "rate_limit", scope: "model" }],
  });
  assert.deepEqual(order(store, {}, { model: "claude-sonnet-4-6" }).ordered, ["anthropic:a", "anthropic:b"]);
  assert.deepEqual(order(store).ordered, ["anthropic:a", "anthropic:b"]);
});

test("the preferred profile moves to the front of its group", () => {
  const profiles = { "anthropic:a": apiKey(), "anthropic:b": apiKey(), "anthropic:c": apiKey(), "anthropic:d": apiKey() };
  const explicit = { anthropic: ["anthropic:a", "anthropic:b", "anthropic:c", "anthropic:d"] };
  assert.deepEqual(order({ profiles, order: explicit }, {}, { preferredProfile: "anthropic:c" }).ordered, ["anthropic:c", "anthropic:a", "anthropic:b", "anthropic:d"]);
  assert.deepEqual(order({ profiles }, {}, { preferredProfile: "anthropic:d" }).ordered[0], "anthropic:d");
  assert.deepEqual(order({ profiles, order: explicit }, {}, { preferredProfile: "anthropic:zzz" }).ordered, explicit.anthropic);
  // A cooling preferred profile never jumps ahead of a usable one.
  const usageStats = { "anthropic:c": { cooldownUntil: now + HOUR }, "anthropic:d": { cooldownUntil: now + MINUTE } };
  const cooling = order({ profiles, order: explicit, usageStats }, {}, { preferredProfile: "anthropic:c" });
  assert.deepEqual(cooling.ordered, ["anthropic:a", "anthropic:b", "anthropic:c", "anthropic:d"]);
  assert.deepEqual(cooling.coolingDown.map((entry) => entry.profileId), ["anthropic:c", "anthropic:d"]);
});

test("OpenRouter profiles are never treated as cooling down", () => {
  const store: AuthStore = {
    version: 1,
    profiles: { "openrouter:a": { type: "api_key", provider: "openrouter", key: "k" }, "openrouter:b": { type: "token", provider: "openrouter", token: "t" } },
    usageStats: { "openrouter:b": { cooldownUntil: now + HOUR, lastUsed: now } },
  };
  assert.deepEqual(resolveProfileOrder({ config: {}, store, provider: "openrouter", now }), { ordered: ["openrouter:b", "openrouter:a"], coolingDown: [] });
});

test("the store is not changed, and odd ids are not mistaken for profiles", () => {
  const store: AuthStore = { version: 1, profiles: { "anthropic:a": apiKey() }, usageStats: { "anthropic:a": { cooldownUntil: now - 1, errorCount: 2 } } };
  const before = structuredClone(store);
  const result = resolveProfileOrder({ config: { auth: { order: { anthropic: ["constructor", "anthropic:a"] } } }, store, provider: "anthropic", now });
  assert.deepEqual(result.ordered, ["anthropic:a"]);
  assert.deepEqual(store, before);
  assert.deepEqual(order({}).ordered, []);
});

test("an explicit order skips ids the store does not have (issue 6: a hand edit or a profile removed elsewhere)", () => {
  const profiles = { "anthropic:a": apiKey(), "anthropic:b": apiKey() };
  assert.deepEqual(order({ profiles, order: { anthropic: ["anthropic:gone", "anthropic:b"] } }).ordered, ["anthropic:b"]);
  const config: OpenClawConfig = { auth: { order: { anthropic: ["anthropic:old", "anthropic:a"] } } };
  assert.deepEqual(order({ profiles }, config).ordered, ["anthropic:a"]);
});

test("an explicit order with nothing stored left counts as absent: the next base list applies (spec §6.1 step 2)", () => {
  const profiles = { "anthropic:a": apiKey(), "anthropic:b": token() };
  // The store's order names only gone profiles: the config's order applies.
  const config: OpenClawConfig = { auth: { order: { anthropic: ["anthropic:a"] } } };
  assert.deepEqual(order({ profiles, order: { anthropic: ["anthropic:gone"] } }, config).ordered, ["anthropic:a"]);
  // Neither order names a stored profile: round-robin over the store's profiles (token before api_key).
  const stale: OpenClawConfig = { auth: { order: { anthropic: ["anthropic:old"] } } };
  assert.deepEqual(order({ profiles, order: { anthropic: ["anthropic:gone"] } }, stale).ordered, ["anthropic:b", "anthropic:a"]);
  // A stored but unusable profile is not dangling: the explicit order stands, and offers nothing.
  const expired = { "anthropic:old-token": token(now - HOUR), "anthropic:a": apiKey() };
  assert.deepEqual(order({ profiles: expired, order: { anthropic: ["anthropic:old-token"] } }).ordered, []);
});

test("ids that are Object.prototype members are ordinary: absent ones are skipped, stored ones are used", () => {
  const profiles = { "anthropic:a": apiKey() };
  assert.deepEqual(order({ profiles, order: { anthropic: ["constructor", "toString", "__proto__", "anthropic:a"] } }).ordered, ["anthropic:a"]);
  const stored = JSON.parse('{"__proto__": {"type": "api_key", "provider": "anthropic", "key": "k"}, "constructor": {"type": "token", "provider": "anthropic", "token": "t"}}');
  const result = order({ profiles: stored, usageStats: JSON.parse('{"__proto__": {"cooldownUntil": 1}}') });
  assert.deepEqual(result.ordered, ["constructor", "__proto__"]);
  assert.deepEqual(order({ profiles: stored, order: { anthropic: ["__proto__", "constructor"] } }).ordered, ["__proto__", "constructor"]);
});
