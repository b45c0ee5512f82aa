import { test } from "node:test";
import assert from "node:assert/strict";
import { danglingOrderEntries, describeDanglingOrderEntry, orderStoreName } from "./dangling-order.ts";
import type { AuthStore } from "./store-schema.ts";

const store: AuthStore = {
  version: 1,
  profiles: { "anthropic:a": { type: "api_key", provider: "anthropic", key: "k" } },
  order: { anthropic: ["anthropic:gone", "anthropic:a", "constructor"], Openai: ["openai:x"] },
};

test("every order entry, in the store and in the config, that names no stored profile", () => {
  assert.deepEqual(danglingOrderEntries(store, { auth: { order: { anthropic: ["anthropic:a", "anthropic:old"] } } }), [
    { source: "store", providerKey: "anthropic", profileId: "anthropic:gone" },
    { source: "store", providerKey: "anthropic", profileId: "constructor" },
    { source: "store", providerKey: "Openai", profileId: "openai:x" },
    { source: "config", providerKey: "anthropic", profileId: "anthropic:old" },
  ]);
  assert.deepEqual(danglingOrderEntries({ version: 1, profiles: store.profiles, order: { anthropic: ["anthropic:a"] } }, {}), []);
  assert.deepEqual(danglingOrderEntries({ version: 1, profiles: {} }, {}), []);
});

test("the warning says where the entry is, that it is skipped, and what fixes it", () => {
  assert.equal(
    describeDanglingOrderEntry({ source: "store", providerKey: "Openai", profileId: "openai:x" }),
    "order.Openai in auth-profiles.json names openai:x, which is not a stored profile; it is skipped. Fix: openclaw models auth order set --provider openai <profile ids> (or order clear --provider openai)",
  );
  assert.equal(
    describeDanglingOrderEntry({ source: "config", providerKey: "anthropic", profileId: "anthropic:old" }),
    "auth.order.anthropic in openclaw.json names anthropic:old, which is not a stored profile; it is skipped. Fix: remove it from auth.order.anthropic in openclaw.json",
  );
});

test("on an OpenClaw 2026.9 state the warning names its database, not a file that is not there", () => {
  const line = describeDanglingOrderEntry({ source: "store", providerKey: "anthropic", profileId: "anthropic:gone" }, orderStoreName("sqlite"));
  assert.match(line, /^order\.anthropic in the auth state \(OpenClaw 2026\.9 database\) names anthropic:gone/);
  assert.doesNotMatch(line, /auth-profiles\.json/);
  assert.equal(orderStoreName("json"), "auth-profiles.json");
});
