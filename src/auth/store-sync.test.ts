// The merge rules of `state push` / `pull` (store-sync.ts), without a Redis.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareCredentials, mergeStoreInto, mergeUsage } from "./store-sync.ts";
import type { AuthStore, Credential } from "./store-schema.ts";

const key = (value: string): Credential => ({ type: "api_key", provider: "openai", key: value });
const oauth = (access: string, expires: number): Credential => ({ type: "oauth", provider: "openai-codex", access, refresh: `r-${access}`, expires });
const token = (value: string, expires?: number): Credential => ({ type: "token", provider: "anthropic", token: value, ...(expires === undefined ? {} : { expires }) });
const store = (profiles: Record<string, Credential>, extra: Partial<AuthStore> = {}): AuthStore => ({ version: 1, profiles, ...extra });

test("newer means a later expiry of the same type; anything else that differs is a conflict", () => {
  assert.equal(compareCredentials(key("a"), { provider: "openai", key: "a", type: "api_key" }), "unchanged", "key order does not matter");
  assert.equal(compareCredentials(oauth("new", 2000), oauth("old", 1000)), "updated");
  assert.equal(compareCredentials(oauth("old", 1000), oauth("new", 2000)), "kept-newer");
  assert.equal(compareCredentials(oauth("a", 1000), oauth("b", 1000)), "conflict", "equal expiries, other tokens");
  assert.equal(compareCredentials(key("a"), key("b")), "conflict");
  assert.equal(compareCredentials(token("a"), token("b", 5000)), "conflict", "no expiry on one side");
  assert.equal(compareCredentials(token("a", 9000), token("b", 5000)), "updated");
  assert.equal(compareCredentials(token("a", 9000), oauth("b", 5000)), "conflict", "a type change is never 'newer'");
});

test("the destination's profiles, order and lastGood survive; missing ones are filled in", () => {
  const destination = store({ "openai:mine": key("mine"), "openai:both": key("dest") }, { order: { openai: ["openai:mine"] } });
  const source = store({ "openai:both": key("src"), "openai:new": key("new") }, { order: { openai: ["openai:new"], anthropic: ["anthropic:x"] }, lastGood: { openai: "openai:new" } });
  const results = mergeStoreInto(source, destination);
  assert.deepEqual(results.map((r) => [r.profileId, r.outcome]), [["openai:both", "conflict"], ["openai:new", "added"]]);
  assert.deepEqual(Object.keys(destination.profiles).sort(), ["openai:both", "openai:mine", "openai:new"]);
  assert.equal((destination.profiles["openai:both"] as { key: string }).key, "dest");
  assert.deepEqual(destination.order, { openai: ["openai:mine"], anthropic: ["anthropic:x"] });
  assert.deepEqual(destination.lastGood, { openai: "openai:new" });
});

test("--prefer-source replaces a conflicting credential and its usage, never a newer one", () => {
  const destination = store({ a: key("dest"), o: oauth("newer", 9000) }, { usageStats: { a: { errorCount: 7 } } });
  const source = store({ a: key("src"), o: oauth("older", 1000) }, { usageStats: { a: { lastUsed: 5 } } });
  const results = mergeStoreInto(source, destination, { preferSource: true });
  assert.deepEqual(results.map((r) => r.outcome), ["replaced", "kept-newer"]);
  assert.equal((destination.profiles.a as { key: string }).key, "src");
  assert.equal((destination.profiles.o as { access: string }).access, "newer");
  assert.deepEqual(destination.usageStats?.a, { lastUsed: 5 });
});

test("usage: the later windows win, counts stay the destination's", () => {
  const merged = mergeUsage(
    { lastUsed: 50, cooldownUntil: 900, disabledUntil: 100, disabledReason: "billing", errorCount: 9, modelCooldowns: { m1: { until: 800, reason: "rate_limit" }, m2: { until: 10 } } },
    { lastUsed: 70, cooldownUntil: 500, disabledUntil: 400, disabledReason: "auth", errorCount: 1, modelCooldowns: { m1: { until: 300 }, m2: { until: 20 } } },
  );
  assert.deepEqual(merged, { lastUsed: 70, cooldownUntil: 900, disabledUntil: 400, disabledReason: "auth", errorCount: 1, modelCooldowns: { m1: { until: 800, reason: "rate_limit" }, m2: { until: 20 } } });
});

test("nothing changes when the stores already agree", () => {
  const both = () => store({ a: key("same") }, { usageStats: { a: { lastUsed: 5 } }, order: { openai: ["a"] } });
  const destination = both();
  const results = mergeStoreInto(both(), destination);
  assert.deepEqual(results.map((r) => [r.outcome, r.usageMerged]), [["unchanged", false]]);
  assert.deepEqual(destination, both());
});
