import { test } from "node:test";
import assert from "node:assert/strict";
import { redactSecrets, registerSecret } from "./redact.ts";

test("registered secrets are masked wherever they appear", () => {
  const secret = "my-internal-gateway-secret-value-0123456789";
  registerSecret(secret);
  const out = redactSecrets(`upstream said: bad key ${secret}; retry with ${secret}`);
  assert.ok(!out.includes(secret));
  assert.match(out, /my-in\.\.\.56789/);
});

test("secret-shaped values are masked even when never registered", () => {
  const samples = [
    "sk-ant-api03-ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    "sk-or-v1-abcdefghijklmnopqrstuvwxyz012345",
    "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "AIzaSyAbcdefghijklmnopqrstuvwxyz0123456",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
  ];
  for (const sample of samples) assert.ok(!redactSecrets(`x ${sample} y`).includes(sample), sample);
});

test("masked labels and ordinary text pass through unchanged", () => {
  const text = "anthropic:work=sk-ant-a...4a3VMG8a [cooldown 4m], model anthropic/claude-opus-4-6";
  assert.equal(redactSecrets(text), text);
});

test("the longest registered secret is masked first when one contains another", () => {
  registerSecret("abcdefghij-shared-prefix");
  registerSecret("abcdefghij-shared-prefix-and-more-characters");
  const out = redactSecrets("abcdefghij-shared-prefix-and-more-characters");
  assert.ok(!out.includes("and-more"));
});
