// `openclaw models status --probe`: one real minimal request per credential,
// through the gateway's wire code, against fake upstreams.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { assertNoSecrets, makeHome, runCli, writeJson, type TempHome } from "../helpers/cli.ts";
import { anthropicError, startFakeProvider, type FakeProvider } from "../helpers/fake-upstream.ts";

const OK_KEY = "sk-ant-api03-" + "1".repeat(90);
const BAD_KEY = "sk-ant-api03-" + "2".repeat(90);
const SLOW_KEY = "sk-ant-api03-" + "3".repeat(90);
const SKIPPED_KEY = "sk-ant-api03-" + "4".repeat(90);
const OPENAI_ENV_KEY = "sk-proj-" + "5".repeat(60);

let anthropic: FakeProvider;
let openai: FakeProvider;
let home: TempHome;

before(async () => {
  [anthropic, openai] = await Promise.all([startFakeProvider("anthropic"), startFakeProvider("openai")]);
  anthropic.script(BAD_KEY, { status: 401, body: anthropicError("authentication_error", "invalid x-api-key") });
  anthropic.script(SLOW_KEY, { hang: true });
  home = makeHome();
  writeJson(home.configPath, { models: { providers: { anthropic: { baseUrl: anthropic.url }, openai: { baseUrl: `${openai.url}/v1` } } } });
  const key = (k: string) => ({ type: "api_key", provider: "anthropic", key: k });
  writeJson(home.storePath, {
    version: 1,
    profiles: { "anthropic:ok": key(OK_KEY), "anthropic:bad": key(BAD_KEY), "anthropic:slow": key(SLOW_KEY), "anthropic:skipped": key(SKIPPED_KEY) },
    order: { anthropic: ["anthropic:ok", "anthropic:bad", "anthropic:slow"] },
  });
});

after(async () => {
  await Promise.all([anthropic.close(), openai.close()]);
  home.cleanup();
});

test("--probe --json reports each credential's real answer, honouring the timeout", async () => {
  const started = Date.now();
  const result = await runCli(["models", "status", "--json", "--probe", "--probe-timeout", "2000"], { home: home.home, env: { OPENAI_API_KEY: OPENAI_ENV_KEY } });
  assert.equal(result.code, 0, result.stderr);
  // 2 s, not less: on a loaded machine the healthy probes themselves can take a few hundred ms.
  assert.ok(Date.now() - started < 10_000, "the hanging upstream did not hold the command beyond its timeout");
  const probes = JSON.parse(result.stdout).auth.probes;
  assert.deepEqual(probes.options, { profileIds: [], timeoutMs: 2000, concurrency: 2, maxTokens: 8 });
  const byLabel = Object.fromEntries(probes.results.map((r: { label: string }) => [r.label, r]));
  assert.equal(byLabel["anthropic:ok"].status, "ok");
  assert.equal(byLabel["anthropic:ok"].model, "anthropic/claude-opus-4-6");
  assert.equal(typeof byLabel["anthropic:ok"].latencyMs, "number");
  assert.equal(byLabel["anthropic:bad"].status, "auth");
  assert.match(byLabel["anthropic:bad"].error, /invalid x-api-key/);
  assert.equal(byLabel["anthropic:slow"].status, "timeout");
  assert.equal(byLabel["anthropic:skipped"].status, "unknown");
  assert.equal(byLabel["anthropic:skipped"].error, "Excluded by auth.order for this provider.");
  const env = byLabel["env: OPENAI_API_KEY"];
  assert.deepEqual([env.source, env.status, env.model], ["env", "ok", "openai/gpt-5.2"]);
  const probeRequest = anthropic.requests.find((r) => r.credential === OK_KEY)!;
  assert.deepEqual(probeRequest.body, { model: "claude-opus-4-6", max_tokens: 8, messages: [{ role: "user", content: "Reply with OK. Do not use tools." }] });
  assert.equal(openai.requests.at(-1)!.body.max_completion_tokens, 8);
  assertNoSecrets([result.stdout, result.stderr], [OK_KEY, BAD_KEY, SLOW_KEY, SKIPPED_KEY, OPENAI_ENV_KEY]);
});

test("--probe filters by provider and profile and prints a table", async () => {
  const result = await runCli(["models", "status", "--probe", "--probe-provider", "anthropic", "--probe-profile", "anthropic:ok,anthropic:bad"], { home: home.home });
  assert.equal(result.code, 0, result.stderr);
  const table = result.stdout.slice(result.stdout.lastIndexOf("\nModel"));
  assert.match(table, /^anthropic\/claude-opus-4-6\s+anthropic:ok\s+ok · \d+ms$/m);
  assert.match(table, /^anthropic\/claude-opus-4-6\s+anthropic:bad\s+auth · \d+ms$/m);
  assert.match(table, /↳ invalid x-api-key/);
  assert.match(table, /^Probed 2 target\(s\) in \d+\.\ds$/m);
  assert.ok(!table.includes("anthropic:slow"));
});

test("probe flag errors use OpenClaw's messages", async () => {
  const cases: [string[], string][] = [
    [["--probe", "--plain"], "Error: --probe cannot be used with --plain output."],
    [["--probe", "--probe-timeout", "0"], "Error: --probe-timeout must be a positive number (ms)."],
    [["--probe", "--probe-concurrency", "-1"], "Error: --probe-concurrency must be > 0."],
    [["--probe", "--probe-max-tokens", "x"], "Error: --probe-max-tokens must be > 0."],
  ];
  for (const [flags, message] of cases) {
    const result = await runCli(["models", "status", ...flags], { home: home.home });
    assert.equal(result.code, 1);
    assert.equal(result.stderr.split("\n")[0], message);
  }
});
