import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfigFile, substituteEnvRefs, validateConfig } from "./config.ts";
import { FileFormatError } from "./errors.ts";

const lookup = (values: Record<string, string>) => (name: string) => values[name];

test("${VAR} is replaced in every string value, $${VAR} stays literal", () => {
  const doc = { models: { providers: { x: { apiKey: "${KEY}", baseUrl: "http://${HOST}:1/v1", headers: { a: "$${KEEP}" } } } }, list: ["${HOST}"] };
  const out = substituteEnvRefs(doc, lookup({ KEY: "secret", HOST: "localhost" }), "/c.json");
  assert.deepEqual(out, { models: { providers: { x: { apiKey: "secret", baseUrl: "http://localhost:1/v1", headers: { a: "${KEEP}" } } } }, list: ["localhost"] });
  assert.equal((doc.models.providers.x as { apiKey: string }).apiKey, "${KEY}", "the written document is not changed");
});

test("only upper-case names are references; lower-case ones are left alone", () => {
  assert.deepEqual(substituteEnvRefs({ a: "${lower}" }, lookup({}), "/c.json"), { a: "${lower}" });
});

test("a missing or empty variable is an error naming it, the key path and the file", () => {
  for (const values of [{}, { KEY: "" }] as Record<string, string>[]) {
    assert.throws(
      () => substituteEnvRefs({ models: { providers: { openai: { apiKey: "${KEY}" } } } }, lookup(values), "/home/u/.openclaw/openclaw.json"),
      (error: unknown) =>
        error instanceof FileFormatError &&
        error.message === 'Missing env var "KEY" referenced at models.providers.openai.apiKey in /home/u/.openclaw/openclaw.json.',
    );
  }
});

test("validation errors name the key path and what was expected, never the value", async () => {
  await assert.rejects(
    validateConfig({ agents: { defaults: { model: 42 } }, auth: { profiles: { "a:b": { provider: "a", mode: "password" } } } }, "/c.json"),
    (error: unknown) => {
      assert.ok(error instanceof FileFormatError);
      assert.match(error.message, /^Invalid config at \/c\.json: /);
      assert.match(error.message, /agents\.defaults\.model: expected a string or an object, got a number/);
      assert.match(error.message, /auth\.profiles\["a:b"\]\.mode: expected one of "api_key", "oauth", "token", got a string/);
      assert.ok(!error.message.includes("password"));
      return true;
    },
  );
});

test("unknown sections (channels, plugins, …) written by OpenClaw are accepted", async () => {
  const doc = { channels: { telegram: { token: "x" } }, messages: { ackReactionScope: "group-mentions" }, agents: { defaults: { maxConcurrent: 4 } } };
  assert.deepEqual(await validateConfig(doc, "/c.json"), doc);
});

test("keys named like Object.prototype members survive substitution and validation as entries (issue 6)", async () => {
  const doc = JSON.parse('{"auth": {"profiles": {"__proto__": {"provider": "openai", "mode": "api_key"}, "constructor": {"provider": "x", "mode": "token"}}}, "env": {"vars": {"__proto__": "${KEY}"}}}');
  const substituted = substituteEnvRefs(doc, lookup({ KEY: "v" }), "/c.json");
  assert.deepEqual(Object.keys((substituted.auth as { profiles: object }).profiles), ["__proto__", "constructor"]);
  assert.equal(Object.getOwnPropertyDescriptor((substituted.env as { vars: object }).vars, "__proto__")?.value, "v");
  const config = await validateConfig(substituted, "/c.json");
  assert.deepEqual(Object.keys(config.auth!.profiles!), ["__proto__", "constructor"]);
});

test("profile ids with control or bidi-override characters in auth.profiles or auth.order are refused, escaped", async () => {
  await assert.rejects(validateConfig({ auth: { profiles: { "openai:\u202Ea": { provider: "openai", mode: "api_key" } } } }, "/c.json"), {
    message: /^Invalid config at \/c\.json: profile id "openai:\\u202Ea" in auth\.profiles contains a control or bidirectional-override character \(U\+202E\)/,
  });
  await assert.rejects(validateConfig({ auth: { order: { openai: ["openai:a", "openai:\u0008"] } } }, "/c.json"), {
    message: /profile id "openai:\\u0008" in auth\.order\.openai contains/,
  });
});

test("a duplicate key or a number that reads as infinity in openclaw.json is explained, with no value quoted", async () => {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-config-"));
  try {
    const path = join(dir, "openclaw.json");
    writeFileSync(path, '{\n  gateway: { port: 1 },\n  "gateway": { port: 2 },\n}\n');
    await assert.rejects(readConfigFile(path), {
      message: `Invalid config at ${path}: duplicate key "gateway" at the top level at line 3, column 3 (the second one would silently replace the first).`,
    });
    await assert.rejects(validateConfig({ gateway: { port: Infinity } }, "/c.json"), {
      message: "Invalid config at /c.json: gateway.port: expected a number, got a number too large to represent (it reads as infinity).",
    });
    await assert.rejects(validateConfig({ auth: { cooldowns: { billingMaxHours: -Infinity } } }, "/c.json"), {
      message: /auth\.cooldowns\.billingMaxHours: expected a number, got a number too large to represent \(it reads as minus infinity\)\.$/,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
