import { test } from "node:test";
import assert from "node:assert/strict";
import { expiryPhrase, formatRemainingShort, profileHealth, rollUpHealth } from "./health.ts";

const now = 1_795_614_300_000;
const HOUR = 3_600_000;

test("api keys are static and tokens without expiry too", () => {
  assert.equal(profileHealth("a:k", { type: "api_key", provider: "a", key: "k" }, now).status, "static");
  assert.equal(profileHealth("a:t", { type: "token", provider: "a", token: "t" }, now).status, "static");
  assert.equal(profileHealth("a:t", { type: "token", provider: "a", token: "t", expires: 0 }, now).status, "static");
});

test("tokens are ok, expiring within 24 h, then expired", () => {
  const token = (expires: number) => profileHealth("a:t", { type: "token", provider: "a", token: "t", expires }, now);
  assert.equal(token(now + 25 * HOUR).status, "ok");
  assert.equal(token(now + 24 * HOUR).status, "expiring");
  assert.equal(token(now + 1).status, "expiring");
  assert.equal(token(now).status, "expired");
  assert.equal(token(now - HOUR).remainingMs, -HOUR);
});

const oauth = (expires: number | undefined, refresh?: string) =>
  profileHealth("o:x", { type: "oauth", provider: "o", access: "a", ...(refresh ? { refresh } : {}), ...(expires !== undefined ? { expires } : {}) }, now);

test("oauth with a refresh token never warns (status ok, OpenClaw's value) but keeps its real state in expiry", () => {
  assert.deepEqual(
    [oauth(now + 25 * HOUR, "r"), oauth(now + HOUR, "r"), oauth(now - HOUR, "r")].map((h) => [h.status, h.expiry, h.refreshable]),
    [["ok", "ok", true], ["ok", "expiring", true], ["ok", "expired", true]],
  );
  assert.equal(oauth(now - HOUR, "r").remainingMs, -HOUR);
  // A blank refresh token renews nothing.
  assert.equal(oauth(now - HOUR, "  ").status, "expired");
});

test("oauth without a refresh token warns like a token; without expiry it is missing", () => {
  assert.equal(oauth(now + 25 * HOUR).status, "ok");
  assert.equal(oauth(now + HOUR).status, "expiring");
  assert.equal(oauth(now - HOUR).status, "expired");
  assert.equal(oauth(now - HOUR).expiry, undefined, "status already is the real state");
  assert.equal(oauth(now - HOUR).refreshable, undefined);
  assert.equal(oauth(undefined, "r").status, "missing");
  assert.equal(oauth(undefined).status, "missing");
});

test("the warn window decides expiring for refreshable profiles too", () => {
  const health = profileHealth("o:x", { type: "oauth", provider: "o", access: "a", refresh: "r", expires: now + 3 * HOUR }, now, 2 * HOUR);
  assert.equal(health.expiry, "ok");
});

test("a refreshable profile never rolls its provider up to expiring or expired", () => {
  assert.equal(rollUpHealth([oauth(now - HOUR, "r"), oauth(now + HOUR, "r")], now).status, "ok");
  assert.equal(rollUpHealth([oauth(now - HOUR, "r"), oauth(now + HOUR)], now).status, "expiring");
  assert.equal(rollUpHealth([oauth(now + HOUR, "r"), oauth(now - HOUR)], now).status, "expired");
});

test("providers roll up to the worst expirable profile and the soonest expiry", () => {
  const p = (status: "ok" | "expired" | "expiring" | "static" | "missing", expiresAt?: number) => ({
    profileId: "x",
    provider: "x",
    type: "token" as const,
    status,
    ...(expiresAt ? { expiresAt, remainingMs: expiresAt - now } : {}),
  });
  assert.deepEqual(rollUpHealth([], now), { status: "missing" });
  assert.equal(rollUpHealth([p("static")], now).status, "static");
  assert.equal(rollUpHealth([p("static"), p("ok", now + 99 * HOUR)], now).status, "ok");
  assert.equal(rollUpHealth([p("ok", now + 99 * HOUR), p("expiring", now + HOUR)], now).status, "expiring");
  const rolled = rollUpHealth([p("expiring", now + HOUR), p("expired", now - HOUR)], now);
  assert.equal(rolled.status, "expired");
  assert.equal(rolled.expiresAt, now - HOUR);
  assert.equal(rollUpHealth([p("missing")], now).status, "expired");
});

test("durations print like OpenClaw's formatRemainingShort", () => {
  assert.equal(formatRemainingShort(undefined), "unknown");
  assert.equal(formatRemainingShort(-5), "0m");
  assert.equal(formatRemainingShort(10_000), "1m");
  assert.equal(formatRemainingShort(230_988), "4m");
  assert.equal(formatRemainingShort(17_990_989), "5h");
  assert.equal(formatRemainingShort(47 * HOUR), "47h");
  assert.equal(formatRemainingShort(2_591_979_935), "30d");
});

test("the four OAuth states read apart: ok, expiring, expired (refreshable), expired", () => {
  assert.deepEqual(expiryPhrase(oauth(now + 3 * 24 * HOUR, "r")), { word: "ok", detail: "expires in 3d" });
  assert.deepEqual(expiryPhrase(oauth(now + 2 * HOUR, "r")), { word: "expiring (refreshable)", detail: "expires in 2h" });
  assert.deepEqual(expiryPhrase(oauth(now + 2 * HOUR)), { word: "expiring", detail: "expires in 2h" });
  assert.deepEqual(expiryPhrase(oauth(now - 5 * 60_000, "r")), { word: "expired (refreshable)", detail: "5m ago" });
  assert.deepEqual(expiryPhrase(oauth(now - 5 * 60_000)), { word: "expired", detail: "5m ago" });
  assert.deepEqual(expiryPhrase(oauth(undefined, "r")), { word: "unknown", detail: "(no expiry recorded)" });
});

test("expired profiles say how long ago, refreshable ones say so", () => {
  const expired = profileHealth("a:t", { type: "token", provider: "a", token: "t", expires: now - 2 * HOUR }, now);
  assert.deepEqual(expiryPhrase(expired), { word: "expired", detail: "2h ago" });
  const refreshable = profileHealth("o:x", { type: "oauth", provider: "o", access: "a", refresh: "r", expires: now - 60_000 }, now);
  assert.deepEqual(expiryPhrase(refreshable), { word: "expired (refreshable)", detail: "1m ago" });
  const soon = profileHealth("a:t", { type: "token", provider: "a", token: "t", expires: now + 5 * HOUR }, now);
  assert.deepEqual(expiryPhrase(soon), { word: "expiring", detail: "expires in 5h" });
});
