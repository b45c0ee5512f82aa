import { test } from "node:test";
import assert from "node:assert/strict";
import {
  clearExpiredCooldowns,
  clearProfileWindows,
  cooldownLadderMs,
  disableBackoffMs,
  modelCooldownsOf,
  profileAvailability,
  recordFailure,
  recordSuccess,
  type FailureRecord,
} from "./cooldown.ts";
import type { AuthStore, UsageStats } from "./store-schema.ts";

const now = 1_795_614_300_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const ID = "anthropic:work";

function store(): AuthStore {
  return {
    version: 1,
    profiles: {
      [ID]: { type: "api_key", provider: "anthropic", key: "sk-ant-api03-x" },
      "openrouter:default": { type: "api_key", provider: "openrouter", key: "sk-or-x" },
    },
  };
}

/** Reads back through the declared type (a literal assigned in a test would narrow it). */
const statsOf = (s: AuthStore, id = ID): UsageStats => s.usageStats?.[id] ?? {};

function fail(s: AuthStore, reason: FailureRecord["reason"], at: number, extra: Partial<FailureRecord> = {}): void {
  recordFailure(s, { profileId: ID, provider: "anthropic", reason, now: at, ...extra });
}

test("the cooldown ladder is 1 min, 5 min, 25 min, then 1 h", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map(cooldownLadderMs), [60_000, 300_000, 1_500_000, 3_600_000, 3_600_000, 3_600_000]);
});

test("failures counted before a window opens climb the ladder; a window that ran out is a fresh start", () => {
  const s = store();
  // Failures that do not cool down (a bad request, an unknown model) still count …
  fail(s, "format", now);
  fail(s, "model_not_found", now + 1);
  fail(s, "auth", now + 2);
  assert.equal(s.usageStats![ID]!.errorCount, 3);
  assert.equal(s.usageStats![ID]!.cooldownUntil! - (now + 2), 1_500_000, "the third failure: 25 min");
  // … and once the window has run out, the next failure starts again from the first step
  // (the same on every copy of the store: memory and file agree).
  const end = s.usageStats![ID]!.cooldownUntil!;
  fail(s, "auth", end);
  assert.equal(s.usageStats![ID]!.cooldownUntil! - end, 60_000);
  assert.equal(s.usageStats![ID]!.errorCount, 1);
  assert.deepEqual(s.usageStats![ID]!.failureCounts, { auth: 1 });
  assert.equal(s.usageStats![ID]!.lastFailureAt, end);
});

test("an active window is neither extended nor shortened by new failures", () => {
  const s = store();
  fail(s, "rate_limit", now);
  fail(s, "rate_limit", now + 30_000);
  fail(s, "unknown", now + 59_000, { retryAfterMs: 5 });
  assert.equal(s.usageStats![ID]!.cooldownUntil, now + MINUTE);
  assert.equal(s.usageStats![ID]!.errorCount, 3);
  assert.deepEqual(s.usageStats![ID]!.failureCounts, { rate_limit: 2, unknown: 1 });
});

test("Retry-After replaces the ladder, capped at 24 h", () => {
  const s = store();
  fail(s, "rate_limit", now, { retryAfterMs: 90_000 });
  assert.equal(s.usageStats![ID]!.cooldownUntil, now + 90_000);
  const t = store();
  fail(t, "auth", now, { retryAfterMs: 100 * HOUR });
  assert.equal(t.usageStats![ID]!.cooldownUntil, now + 24 * HOUR);
  const u = store();
  fail(u, "rate_limit", now, { retryAfterMs: 0 });
  assert.equal(u.usageStats![ID]!.cooldownUntil, now + MINUTE, "a zero Retry-After says nothing; the ladder applies");
});

test("billing and auth_permanent disable for 5 h, 10 h, 20 h, then 24 h, by how many were counted", () => {
  for (const reason of ["billing", "auth_permanent"] as const) {
    for (const [earlier, hours] of [[0, 5], [1, 10], [2, 20], [3, 24], [9, 24]] as const) {
      const s = store();
      // Failures of this kind counted earlier, in the failure window (e.g. during an active disable).
      if (earlier > 0) s.usageStats = { [ID]: { errorCount: earlier, failureCounts: { [reason]: earlier }, lastFailureAt: now - MINUTE } };
      fail(s, reason, now);
      const stats = s.usageStats![ID]!;
      assert.equal(stats.disabledUntil! - now, hours * HOUR, `${reason} after ${earlier}: ${hours}h`);
      assert.equal(stats.disabledReason, reason);
      assert.equal(stats.cooldownUntil, undefined);
    }
  }
});

test("an active disable is kept, even for another disabling reason", () => {
  const s = store();
  fail(s, "billing", now);
  fail(s, "auth_permanent", now + HOUR);
  assert.equal(s.usageStats![ID]!.disabledUntil, now + 5 * HOUR);
  assert.equal(s.usageStats![ID]!.disabledReason, "billing");
});

test("billing backoff follows auth.cooldowns, with provider keys normalised", () => {
  const cooldowns = { billingBackoffHours: 1, billingBackoffHoursByProvider: { " Z.AI ": 2 }, billingMaxHours: 3 };
  assert.deepEqual([1, 2, 3].map((n) => disableBackoffMs("anthropic", n, cooldowns) / HOUR), [1, 2, 3]);
  assert.deepEqual([1, 2].map((n) => disableBackoffMs("zai", n, cooldowns) / HOUR), [2, 3]);
  assert.equal(disableBackoffMs("anthropic", 1, { billingBackoffHours: 0.0001 }), MINUTE, "never under a minute");
  assert.equal(disableBackoffMs("anthropic", 1, { billingBackoffHours: 30, billingMaxHours: 24 }), 30 * HOUR, "the cap is never under the base");
  const s = store();
  fail(s, "billing", now, { cooldowns });
  assert.equal(s.usageStats![ID]!.disabledUntil, now + HOUR);
});

test("format errors and unknown models are counted but never cool down; timeouts are not even counted", () => {
  const s = store();
  for (const reason of ["timeout", "format", "model_not_found"] as const) fail(s, reason, now);
  const stats = s.usageStats![ID]!;
  assert.equal(stats.errorCount, 2);
  assert.deepEqual(stats.failureCounts, { format: 1, model_not_found: 1 });
  assert.equal(stats.cooldownUntil, undefined);
  assert.equal(stats.disabledUntil, undefined);
  assert.deepEqual(profileAvailability(s, ID, "anthropic", undefined, now), { usable: true });
  // So a timeout does not push the next real failure up the ladder (2026.2.26: timeouts are not marked).
  const t = store();
  fail(t, "timeout", now);
  fail(t, "auth", now + 1);
  assert.equal(t.usageStats![ID]!.cooldownUntil, now + 1 + MINUTE);
});

test("counts older than the failure window (24 h by default) start again", () => {
  const s = store();
  fail(s, "format", now);
  fail(s, "format", now + 1);
  fail(s, "auth", now + 24 * HOUR + 2);
  assert.equal(s.usageStats![ID]!.errorCount, 1);
  assert.deepEqual(s.usageStats![ID]!.failureCounts, { auth: 1 });
  assert.equal(s.usageStats![ID]!.cooldownUntil, now + 24 * HOUR + 2 + MINUTE);
  const t = store();
  fail(t, "format", now, { cooldowns: { failureWindowHours: 1 } });
  fail(t, "format", now + HOUR + 1, { cooldowns: { failureWindowHours: 1 } });
  assert.equal(t.usageStats![ID]!.errorCount, 1);
});

test("OpenRouter profiles are never marked and never unusable", () => {
  const s = store();
  recordFailure(s, { profileId: "openrouter:default", provider: "openrouter", reason: "rate_limit", now });
  recordFailure(s, { profileId: "openrouter:default", provider: "OpenRouter", reason: "billing", now });
  assert.equal(s.usageStats, undefined);
  s.usageStats = { "openrouter:default": { cooldownUntil: now + HOUR } };
  assert.deepEqual(profileAvailability(s, "openrouter:default", "openrouter", undefined, now), { usable: true });
});

test("a rate limit with a model cools down that model only", () => {
  const s = store();
  fail(s, "rate_limit", now, { model: "claude-opus-4-6" });
  const stats = s.usageStats![ID]!;
  assert.equal(stats.cooldownUntil, undefined);
  assert.deepEqual(modelCooldownsOf(stats), { "claude-opus-4-6": { until: now + MINUTE, reason: "rate_limit", errorCount: 1 } });
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "claude-opus-4-6", now + 1), {
    usable: false,
    until: now + MINUTE,
    reason: "rate_limit",
    scope: "model",
  });
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "claude-sonnet-4-6", now + 1), { usable: true });
  assert.deepEqual(profileAvailability(s, ID, "anthropic", undefined, now + 1), { usable: true });
  // The model's own window is immutable too; once it has run out, the model starts afresh.
  fail(s, "rate_limit", now + 30_000, { model: "claude-opus-4-6" });
  assert.deepEqual(modelCooldownsOf(s.usageStats![ID])["claude-opus-4-6"], { until: now + MINUTE, reason: "rate_limit", errorCount: 2 });
  fail(s, "rate_limit", now + MINUTE, { model: "claude-opus-4-6" });
  assert.deepEqual(modelCooldownsOf(s.usageStats![ID])["claude-opus-4-6"], { until: now + 2 * MINUTE, reason: "rate_limit", errorCount: 1 });
  const t = store();
  fail(t, "rate_limit", now, { model: "gpt-5", retryAfterMs: 7_000 });
  assert.equal(modelCooldownsOf(t.usageStats![ID])["gpt-5"]!.until, now + 7_000);
});

test("a rate limit without a model, and auth with one, cool the whole profile", () => {
  const s = store();
  fail(s, "rate_limit", now);
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "any-model", now), { usable: false, until: now + MINUTE, scope: "profile" });
  const t = store();
  fail(t, "auth", now, { model: "claude-opus-4-6" });
  assert.equal(t.usageStats![ID]!.cooldownUntil, now + MINUTE);
  assert.equal(t.usageStats![ID]!.modelCooldowns, undefined);
});

test("availability reports the window that ends last, and a disable with its reason", () => {
  const s = store();
  s.usageStats = { [ID]: { cooldownUntil: now + MINUTE, modelCooldowns: { m: { until: now + HOUR, reason: "rate_limit" } } } };
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "m", now), { usable: false, until: now + HOUR, reason: "rate_limit", scope: "model" });
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "other", now), { usable: false, until: now + MINUTE, scope: "profile" });
  s.usageStats = { [ID]: { disabledUntil: now + 5 * HOUR, disabledReason: "billing" } };
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "m", now), { usable: false, until: now + 5 * HOUR, reason: "billing", scope: "profile" });
  assert.deepEqual(profileAvailability(s, ID, "anthropic", "m", now + 5 * HOUR), { usable: true }, "the window ends at `until`");
  assert.deepEqual(profileAvailability(s, "unknown:x", "unknown", "m", now), { usable: true });
});

test("clearing expired windows resets the counts once nothing is active", () => {
  const s = store();
  s.usageStats = {
    [ID]: { cooldownUntil: now - 1, errorCount: 3, failureCounts: { auth: 3 }, lastFailureAt: now - MINUTE, lastUsed: 5 },
    "b:1": { disabledUntil: now, disabledReason: "billing", errorCount: 1, failureCounts: { billing: 1 } },
    "c:1": { cooldownUntil: now - 1, disabledUntil: now + HOUR, disabledReason: "billing", errorCount: 2, failureCounts: { billing: 1, auth: 1 } },
    "d:1": { errorCount: 2, failureCounts: { timeout: 2 } },
  };
  assert.equal(clearExpiredCooldowns(s, now), true);
  assert.deepEqual(s.usageStats[ID], { errorCount: 0, lastFailureAt: now - MINUTE, lastUsed: 5 });
  assert.deepEqual(s.usageStats["b:1"], { errorCount: 0 });
  assert.deepEqual(s.usageStats["c:1"], { disabledUntil: now + HOUR, disabledReason: "billing", errorCount: 2, failureCounts: { billing: 1, auth: 1 } });
  assert.deepEqual(s.usageStats["d:1"], { errorCount: 2, failureCounts: { timeout: 2 } }, "counts without a window wait for the failure window");
  assert.equal(clearExpiredCooldowns(s, now), false, "nothing left to clear");
  // After the reset the ladder starts again from 1 min.
  fail(s, "auth", now);
  assert.equal(statsOf(s).cooldownUntil, now + MINUTE);
});

test("clearing removes expired per-model cooldowns and keeps active ones", () => {
  const s = store();
  s.usageStats = {
    [ID]: { errorCount: 2, failureCounts: { rate_limit: 2 }, modelCooldowns: { a: { until: now - 1, errorCount: 1 }, b: { until: now + MINUTE, errorCount: 1 } } },
  };
  assert.equal(clearExpiredCooldowns(s, now), true);
  assert.deepEqual(s.usageStats[ID], { errorCount: 2, failureCounts: { rate_limit: 2 }, modelCooldowns: { b: { until: now + MINUTE, errorCount: 1 } } });
  assert.equal(clearExpiredCooldowns(s, now + MINUTE), true);
  assert.deepEqual(s.usageStats[ID], { errorCount: 0 });
  assert.equal(clearExpiredCooldowns(store(), now), false);
});

test("success resets the profile, remembers it as last good, and clears only that model's cooldown", () => {
  const s = store();
  s.usageStats = {
    [ID]: {
      cooldownUntil: now + MINUTE,
      disabledUntil: now + HOUR,
      disabledReason: "billing",
      errorCount: 4,
      failureCounts: { billing: 1, rate_limit: 3 },
      lastFailureAt: now - 1,
      modelCooldowns: { a: { until: now + MINUTE }, b: { until: now + MINUTE } },
    },
  };
  recordSuccess(s, { profileId: ID, provider: "anthropic", model: "a", now });
  assert.deepEqual(s.usageStats[ID], { lastUsed: now, errorCount: 0, lastFailureAt: now - 1, modelCooldowns: { b: { until: now + MINUTE } } });
  assert.deepEqual(s.lastGood, { anthropic: ID });
  recordSuccess(s, { profileId: ID, provider: "anthropic", model: "b", now: now + 1 });
  assert.equal(s.usageStats[ID]!.modelCooldowns, undefined);
  recordSuccess(s, { profileId: "openrouter:default", provider: "openrouter", now });
  assert.deepEqual(s.lastGood, { anthropic: ID, openrouter: "openrouter:default" });
  assert.equal(s.usageStats["openrouter:default"]!.lastUsed, now);
});

test("usage of profiles named like Object.prototype members is recorded as their own entry (issue 6)", () => {
  for (const profileId of ["__proto__", "constructor", "toString"]) {
    const s: AuthStore = { version: 1, profiles: JSON.parse(`{"${profileId}": {"type": "api_key", "provider": "anthropic", "key": "k"}}`) };
    assert.deepEqual(profileAvailability(s, profileId, "anthropic", "m", now), { usable: true }, `${profileId}: nothing recorded yet`);
    recordFailure(s, { profileId, provider: "anthropic", reason: "rate_limit", now });
    // `usageStats["__proto__"] = {}` would have set the prototype and lost the entry.
    assert.equal(Object.getPrototypeOf(s.usageStats), Object.prototype, profileId);
    assert.deepEqual(Object.keys(s.usageStats!), [profileId]);
    assert.equal(Object.getOwnPropertyDescriptor(s.usageStats, profileId)?.value.cooldownUntil, now + MINUTE, profileId);
    assert.equal(profileAvailability(s, profileId, "anthropic", "m", now).usable, false, profileId);
    recordFailure(s, { profileId, provider: "anthropic", reason: "rate_limit", model: "toString", now });
    assert.deepEqual(Object.keys(modelCooldownsOf(Object.getOwnPropertyDescriptor(s.usageStats, profileId)?.value)), ["toString"]);
  }
});

test("clearProfileWindows ends every window of one profile by hand, restarts the ladder, and keeps the rest", () => {
  const s = store();
  recordFailure(s, { profileId: ID, provider: "anthropic", reason: "rate_limit", model: "claude-opus-4-6", now });
  recordFailure(s, { profileId: ID, provider: "anthropic", reason: "billing", now });
  recordFailure(s, { profileId: ID, provider: "anthropic", reason: "unknown", now });
  s.usageStats![ID]!.lastUsed = now - HOUR;
  s.usageStats!["openrouter:default"] = { lastUsed: now, cooldownUntil: now + MINUTE };
  assert.equal(profileAvailability(s, ID, "anthropic", "claude-opus-4-6", now).usable, false);
  assert.equal(clearProfileWindows(s, ID), true);
  const stats: UsageStats = s.usageStats![ID]!;
  assert.deepEqual(stats, { lastUsed: now - HOUR, errorCount: 0, lastFailureAt: now });
  assert.equal(profileAvailability(s, ID, "anthropic", "claude-opus-4-6", now).usable, true);
  assert.deepEqual(s.usageStats!["openrouter:default"], { lastUsed: now, cooldownUntil: now + MINUTE }, "other profiles untouched");
  assert.equal(clearProfileWindows(s, ID), false, "nothing left to clear");
  assert.equal(clearProfileWindows(s, "anthropic:none"), false, "no stats, nothing to clear");
  assert.equal(s.usageStats!["anthropic:none"], undefined, "and nothing created");
});
