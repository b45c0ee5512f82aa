import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDurationMs } from "./parse-duration.ts";

test("durations take ms, s, m, h, d, and a bare number means the default unit", () => {
  assert.equal(parseDurationMs("30d"), 30 * 86_400_000);
  assert.equal(parseDurationMs("12h"), 12 * 3_600_000);
  assert.equal(parseDurationMs("30m"), 1_800_000);
  assert.equal(parseDurationMs("45s"), 45_000);
  assert.equal(parseDurationMs("250ms"), 250);
  assert.equal(parseDurationMs("1.5H"), 5_400_000);
  assert.equal(parseDurationMs("7"), 7 * 86_400_000);
  assert.equal(parseDurationMs("7", "h"), 7 * 3_600_000);
});

test("bad durations use OpenClaw's messages", () => {
  assert.throws(() => parseDurationMs(""), /^Error: invalid duration \(empty\)$/);
  assert.throws(() => parseDurationMs("3 weeks"), /^Error: invalid duration: 3 weeks$/);
  assert.throws(() => parseDurationMs("-1d"), /invalid duration: -1d/);
  assert.throws(() => parseDurationMs("0d"), /invalid duration: 0d/);
});
