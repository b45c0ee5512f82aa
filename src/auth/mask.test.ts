import { test } from "node:test";
import assert from "node:assert/strict";
import { maskSecret } from "./mask.ts";

test("long secrets show 8 characters at each end, like OpenClaw", () => {
  const key = "sk-ant-api03-a5p0LQS9ek1cDAmbti1bbckel8XnQBggZxLyKCUh6VrE5yoRrUQ84FEAhaI6kHYy3ZM7YlDaY1f8w9H9sQ4a3VMG8a";
  assert.equal(maskSecret(key), "sk-ant-a...4a3VMG8a");
});

test("short secrets never show more than a quarter of themselves", () => {
  for (let length = 1; length <= 80; length++) {
    const secret = "x".repeat(length);
    const shown = maskSecret(secret).replace("...", "").replace("…", "");
    assert.ok(shown.length <= length / 4, `length ${length}: showed ${shown.length}`);
    assert.ok(shown.length <= 16);
  }
  assert.equal(maskSecret("abcdefghijklmnop"), "ab...op");
  assert.equal(maskSecret("short"), "…");
});

test("empty or missing secrets read as missing", () => {
  assert.equal(maskSecret(""), "missing");
  assert.equal(maskSecret("   "), "missing");
  assert.equal(maskSecret(undefined), "missing");
});
