import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileFormatError } from "../state/errors.ts";
import { importLegacyStores } from "./legacy-import.ts";
import { emptyStore, mergeStores, parseStoreText, serializeStore } from "./store.ts";

const PATH = "/home/u/.openclaw/agents/main/agent/auth-profiles.json";
const KEY = "sk-proj-storeTestKey0123456789abcdef";

function storeText(sections: string): string {
  return `{ "version": 1, "profiles": { "openai:a": { "type": "api_key", "provider": "openai", "key": "${KEY}" } }${sections ? `, ${sections}` : ""} }`;
}

async function problemOf(text: string): Promise<string> {
  try {
    await parseStoreText(PATH, text);
  } catch (error) {
    assert.ok(error instanceof FileFormatError, String(error));
    assert.equal(error.path, PATH);
    assert.ok(!error.message.includes(KEY), "never quotes a secret");
    return error.message;
  }
  assert.fail("the store should have been refused");
}

test("profiles named like Object.prototype members load, merge and are written back unchanged", async () => {
  const text = `{"version": 1, "profiles": {
    "__proto__": {"type": "api_key", "provider": "openai", "key": "k1", "mode": "api_key"},
    "constructor": {"type": "token", "provider": "anthropic", "token": "t1"},
    "toString": {"type": "api_key", "provider": "openai", "apiKey": "k2"}
  }, "order": {"openai": ["__proto__", "toString"], "__proto__": ["constructor"]},
  "usageStats": {"__proto__": {"lastUsed": 5}}}`;
  const store = await parseStoreText(PATH, text);
  assert.equal(Object.getPrototypeOf(store.profiles), Object.prototype);
  assert.deepEqual(Object.keys(store.profiles), ["__proto__", "constructor", "toString"]);
  // The legacy `mode`/`apiKey` spellings are still understood for these ids.
  assert.equal(Object.getOwnPropertyDescriptor(store.profiles, "toString")?.value.key, "k2");
  const written = JSON.parse(serializeStore(store));
  assert.deepEqual(Object.keys(written.profiles), ["__proto__", "constructor", "toString"]);
  assert.deepEqual(Object.keys(written.order), ["openai", "__proto__"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(written.usageStats, "__proto__")?.value, { lastUsed: 5 });
  const merged = mergeStores(emptyStore(), store);
  assert.deepEqual(Object.keys(merged.profiles), ["__proto__", "constructor", "toString"]);
});

test("a number that reads as infinity is refused in words, wherever it is", async () => {
  assert.equal(
    await problemOf(storeText('"usageStats": { "openai:a": { "cooldownUntil": 1e999 } }')),
    `Invalid auth store ${PATH}: usageStats["openai:a"].cooldownUntil: expected a time in milliseconds since 1970, got a number too large to represent (it reads as infinity).`,
  );
  assert.match(await problemOf(storeText('"usageStats": { "openai:a": { "failureCounts": { "rate_limit": -1e999 } } }')), /failureCounts\.rate_limit: expected a number, got a number too large to represent \(it reads as minus infinity\)\.$/);
  assert.match(await problemOf(storeText('"extra": [1, 2, 1e999]')), /: extra\[2\]: expected a number, got a number too large/);
  assert.match(await problemOf(storeText("").replace('"version": 1', '"version": 1e999')), /: version: expected a number, got a number too large/);
});

test("profile ids with control or bidi-override characters are refused wherever the store names one", async () => {
  const cases: [string, RegExp][] = [
    [`{ "version": 1, "profiles": { "openai:\\u202ea": { "type": "api_key", "provider": "openai", "key": "${KEY}" } } }`, /profile id "openai:\\u202Ea" in profiles contains/],
    [storeText('"order": { "openai": ["openai:a", "openai:\\u0000"] }'), /profile id "openai:\\u0000" in order\.openai contains/],
    [storeText('"lastGood": { "openai": "openai:\\u2067a" }'), /profile id "openai:\\u2067a" in lastGood\.openai contains/],
    [storeText('"usageStats": { "openai:\\u200fa": {} }'), /profile id "openai:\\u200Fa" in usageStats contains/],
  ];
  for (const [text, message] of cases) {
    const problem = await problemOf(text);
    assert.match(problem, message);
    assert.match(problem, /^Invalid auth store \/home\/u\/\.openclaw\/agents\/main\/agent\/auth-profiles\.json: /);
    assert.doesNotMatch(problem, /[\u0000\u200f\u202e\u2067]/);
  }
});

test("a duplicate profile id is an error naming it and its line", async () => {
  assert.equal(
    await problemOf(`{\n  "version": 1,\n  "profiles": {\n    "openai:a": {"type": "api_key", "provider": "openai", "key": "${KEY}"},\n    "openai:a": {"type": "api_key", "provider": "openai", "key": "${KEY}x"}\n  }\n}`),
    `Invalid auth store ${PATH}: duplicate key "openai:a" in profiles at line 5, column 5 (the second one would silently replace the first).`,
  );
});

async function inLegacyDir(authJson: string, fn: (dir: string, oauthJson: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-legacy-"));
  try {
    writeFileSync(join(dir, "auth.json"), authJson);
    await fn(dir, join(dir, "oauth.json"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("legacy auth.json: a `type` that is a property name is skipped, not a crash", () =>
  inLegacyDir(JSON.stringify({ openai: { type: "constructor", key: "k" }, anthropic: { type: "api_key", key: "k2" } }), async (dir, oauthJson) => {
    const imported = await importLegacyStores(dir, oauthJson, emptyStore());
    assert.deepEqual(imported?.store.profiles, { "anthropic:default": { type: "api_key", provider: "anthropic", key: "k2" } });
  }));

test("legacy auth.json: a provider key with hidden characters is refused, not imported as a profile id", () =>
  inLegacyDir(JSON.stringify({ "open\u202eai": { type: "api_key", key: "k" } }), async (dir, oauthJson) => {
    await assert.rejects(importLegacyStores(dir, oauthJson, emptyStore()), (error: unknown) => error instanceof FileFormatError && /profile id "open\\u202Eai:default" contains/.test(error.message));
  }));

test("legacy auth.json: a provider written twice is refused, naming it and its position", () =>
  inLegacyDir('{"openai": {"type": "api_key", "key": "a"}, "openai": {"type": "api_key", "key": "b"}}', async (dir, oauthJson) => {
    await assert.rejects(importLegacyStores(dir, oauthJson, emptyStore()), { message: /^Cannot import legacy credentials from .*auth\.json: duplicate key "openai" at the top level at line 1, column 45/ });
  }));
