import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStateUrl, stateUrlOf } from "./state-url.ts";
import { redactSecrets } from "../redact.ts";
import { EnvChain } from "../../state/env-chain.ts";
import type { OpenClawConfig } from "../../state/config-schema.ts";

const PASSWORD = "s3cret-state-url-pw-0123";

test("a full redis URL: user, password, host, port, database, prefix; the password only masked", () => {
  const url = parseStateUrl(`redis://ops:${PASSWORD}@redis.internal:6380/3?prefix=team-a:`);
  assert.deepEqual(
    { tls: url.tls, host: url.host, port: url.port, database: url.database, username: url.username, password: url.password, prefix: url.prefix },
    { tls: false, host: "redis.internal", port: 6380, database: 3, username: "ops", password: PASSWORD, prefix: "team-a:" },
  );
  assert.equal(url.display, "redis://ops:****@redis.internal:6380/3?prefix=team-a:");
  assert.equal(url.displayServer, "redis://ops:****@redis.internal:6380/3");
  assert.equal(redactSecrets(`failed: ${PASSWORD}`).includes(PASSWORD), false, "the password is registered for redaction");
});

test("defaults: port 6379, database 0, prefix openclaw:; rediss:// is TLS; a password without a user", () => {
  const url = parseStateUrl("rediss://:pw-only-0123456789@cache.example");
  assert.equal(url.tls, true);
  assert.equal(url.port, 6379);
  assert.equal(url.database, 0);
  assert.equal(url.prefix, "openclaw:");
  assert.equal(url.username, undefined);
  assert.equal(url.display, "rediss://:****@cache.example:6379/0");
});

test("what is not a usable Redis URL is an error that never echoes the text", () => {
  for (const text of [`http://u:${PASSWORD}@h:1/0`, `redis://u:${PASSWORD}@h:1/x`, `not a url ${PASSWORD}`, `redis://u:${PASSWORD}@h:1/0?prefix={x}`]) {
    assert.throws(() => parseStateUrl(text), (error: Error & { hint?: string }) => {
      assert.ok(!error.message.includes(PASSWORD) && !(error.hint ?? "").includes(PASSWORD), error.message);
      assert.match(error.message, /OPENCLAW_STATE_URL is not a usable Redis URL/);
      return true;
    });
  }
});

test("OPENCLAW_STATE_URL wins over config state.url; neither means local state", () => {
  const config = { state: { url: "redis://from-config:6379/1" } } as OpenClawConfig;
  assert.equal(stateUrlOf({ env: new EnvChain({ OPENCLAW_STATE_URL: "redis://from-env:6379/2" }), config })?.host, "from-env");
  assert.equal(stateUrlOf({ env: new EnvChain({}), config })?.host, "from-config");
  assert.equal(stateUrlOf({ env: new EnvChain({}), config: {} }), undefined);
  assert.equal(stateUrlOf({ env: new EnvChain({ OPENCLAW_STATE_URL: "  " }), config: {} }), undefined);
});

test("a password that is not valid percent-encoding is a clear error, and never shown", () => {
  assert.throws(
    () => parseStateUrl("redis://:p%zzsecretpass@127.0.0.1:6379/0"),
    (error: Error) => error.name === "OpenClawError" && /password is not valid percent-encoding/.test(error.message) && !error.message.includes("secretpass"),
  );
});
