// Cooldowns shared through Redis (issue 12): two real gateway processes on separate homes and
// state dirs, one password-protected Redis, each host with its own fake upstreams (the same keys
// behind them, as in production). The rules of src/auth/cooldown.ts hold across hosts as in one
// process:
// - a 429 (retry-after) earned by anthropic:a on host 1 makes host 2 skip it for that model, and
//   only that model (per-model rate limits); a 429 host 2 got for a request it started before
//   the news arrived does not stretch the window (an active window is immutable);
// - a billing disable earned on both hosts at once is one 5 h window with both failures counted
//   (the count the doubling steps on), not two windows and not one host's write over the other's;
// - `order set` through host 2's CLI changes host 1's choice, with no restart.
// Host 2 learns of a change through the change channel; the tests poll its GET /api/order (no
// upstream call, so polling changes nothing) with a bounded deadline, never a fixed sleep.
// Neither the keys nor the Redis password appear in any output. Runs the built CLI (npm run build).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { createClient } from "redis";
import { assertNoSecrets, makeHome, runCli, type TempHome } from "../helpers/cli.ts";
import { anthropicError, openaiError } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, health, postJson, startWorld, usageWritten, waitFor, type GatewayWorld } from "../helpers/gateway.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/redis-cooldowns.test.ts");
const PASSWORD = "redis-cooldowns-e2e-password-0123456789";
const PREFIX = "e2e-cooldowns:";
const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-redisCoolA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-redisCoolB-" + "2".repeat(40);
const OPENAI_A = "sk-proj-" + "c".repeat(30) + "-redisCoolOA-" + "3".repeat(30);
const OPENAI_B = "sk-proj-" + "d".repeat(30) + "-redisCoolOB-" + "4".repeat(30);
const SECRETS = [KEY_A, KEY_B, OPENAI_A, OPENAI_B, PASSWORD, GATEWAY_TOKEN];
const OPUS = "claude-opus-4-6";
const SONNET = "claude-sonnet-4-6";
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const CONFIG = { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } };

describe("cooldowns shared through Redis by two gateways", { skip }, () => {
  let server: RedisServer;
  let host1: GatewayWorld;
  let host2: GatewayWorld;
  let cliHome: TempHome;
  let env: Record<string, string>;
  let redis: ReturnType<typeof createClient>;
  const outputs: string[] = [];

  const cli = async (home: string, args: string[], stdin?: string) => {
    const result = await runCli(args, { home, env, ...(stdin === undefined ? {} : { stdin }) });
    outputs.push(result.stdout, result.stderr);
    assert.equal(result.code, 0, result.stderr);
    return result;
  };

  /** A request on one host; which profile served it (x-openclaw-profile). */
  const ask = async (world: GatewayWorld, model: string) => {
    const answer = await postJson(world, "/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });
    outputs.push(answer.text);
    assert.equal(answer.status, 200, answer.text);
    return answer.headers.get("x-openclaw-profile");
  };

  /** The host's view of a provider's order (GET /api/order reads its in-memory state, no upstream call). */
  const orderOn = async (world: GatewayWorld, provider: string) => {
    const response = await fetch(`${world.gateway.url}/api/order`, { headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } });
    const text = await response.text();
    outputs.push(text);
    assert.equal(response.status, 200, text);
    return (JSON.parse(text).providers as any[]).find((entry) => entry.provider === provider);
  };

  /** A profile's usage stats as stored in Redis. */
  const storedUsage = async (profileId: string) => JSON.parse((await redis.hGet(`${PREFIX}{agent:main}:usage`, profileId)) ?? "null");

  before(async () => {
    server = await startRedisServer({ password: PASSWORD });
    env = { OPENCLAW_STATE_URL: `${server.url}?prefix=${PREFIX}` };
    redis = createClient({ url: server.url });
    await redis.connect();
    cliHome = makeHome();
    for (const [provider, id, key] of [
      ["anthropic", "anthropic:a", KEY_A],
      ["anthropic", "anthropic:b", KEY_B],
      ["openai", "openai:a", OPENAI_A],
      ["openai", "openai:b", OPENAI_B],
    ] as const) {
      await cli(cliHome.home, ["models", "auth", "paste-api-key", "--provider", provider, "--profile-id", id], key);
    }
    // An explicit order: `a` first wherever it is usable, so which profile serves says what a host knows.
    await cli(cliHome.home, ["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:a", "anthropic:b"]);
    await cli(cliHome.home, ["models", "auth", "order", "set", "--provider", "openai", "openai:a", "openai:b"]);
    [host1, host2] = await Promise.all([startWorld({ env, config: CONFIG }), startWorld({ env, config: CONFIG })]);
  });
  after(async () => {
    for (const world of [host1, host2]) {
      if (!world) continue;
      const { stdout, stderr } = await world.close();
      outputs.push(stdout, stderr);
    }
    await redis?.quit().catch(() => undefined);
    await server?.stop();
    cliHome?.cleanup();
    assertNoSecrets(outputs, SECRETS);
    assert.ok(!outputs.some((text) => text.includes(encodeURIComponent(PASSWORD))));
  });

  test("a 429 earned on host 1 cools anthropic:a down on host 2 for that model only; host 2's own late 429 does not stretch the window", async () => {
    // Host 2's request picks anthropic:a before anything is known, and its 429 is held back until host 1's is stored.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    host2.anthropic.script(KEY_A, {
      raw: (res: ServerResponse) =>
        void released.then(() => res.writeHead(429, { "content-type": "application/json", "retry-after": "600" }).end(JSON.stringify(anthropicError("rate_limit_error", "rate limited")))),
    }, {});
    host1.anthropic.script(KEY_A, { status: 429, headers: { "retry-after": "30" }, body: anthropicError("rate_limit_error", "rate limited") }, {});
    const lateOnHost2 = ask(host2, `anthropic/${OPUS}`);
    await waitFor("host 2's request to reach its upstream with anthropic:a", () => host2.anthropic.requests.some((r) => r.credential === KEY_A), 5_000);

    const writes1 = (await health(host1)).usage.writes;
    const before1 = Date.now();
    assert.equal(await ask(host1, `anthropic/${OPUS}`), "anthropic:b", "host 1 fails over from its 429");
    const after1 = Date.now();
    await usageWritten(host1, writes1);
    const earned = await storedUsage("anthropic:a");
    const until = earned.modelCooldowns?.[OPUS]?.until;
    assert.ok(until >= before1 + 30 * SECOND && until <= after1 + 30 * SECOND, `a 30 s window for ${OPUS}: ${JSON.stringify(earned)}`);
    assert.equal(earned.cooldownUntil, undefined, "a rate limit for one model is not profile-wide");

    // Host 2 hears of it through the change channel, without serving a request.
    await waitFor("host 2 to skip anthropic:a for its default model", async () => (await orderOn(host2, "anthropic")).next === "anthropic:b", 5_000);

    const writes2 = (await health(host2)).usage.writes;
    release();
    assert.equal(await lateOnHost2, "anthropic:b", "host 2 fails over from its own late 429");
    await usageWritten(host2, writes2);
    const both = await storedUsage("anthropic:a");
    assert.equal(both.modelCooldowns[OPUS].until, until, "the active window is immutable: host 2's retry-after 600 did not stretch it");
    assert.equal(both.modelCooldowns[OPUS].errorCount, 2, "both hosts' failures are counted");

    const seenA = host2.anthropic.requests.filter((r) => r.credential === KEY_A).length;
    const writesBeforeSuccesses = (await health(host2)).usage.writes;
    assert.equal(await ask(host2, `anthropic/${OPUS}`), "anthropic:b", `host 2 skips anthropic:a for ${OPUS}`);
    assert.equal(host2.anthropic.requests.filter((r) => r.credential === KEY_A).length, seenA, "without calling the upstream with it");
    assert.equal(await ask(host2, `anthropic/${SONNET}`), "anthropic:a", `anthropic:a still serves ${SONNET} on host 2 (the rate limit is per model)`);
    assert.equal(host2.anthropic.requests.at(-1)?.credential, KEY_A);

    // Host 2's success for the sibling model, once stored, leaves the rate limit for OPUS where it was.
    await usageWritten(host2, writesBeforeSuccesses);
    const afterSuccess = await storedUsage("anthropic:a");
    assert.ok(afterSuccess.lastUsed >= after1, "host 2's success is stored");
    assert.equal(afterSuccess.modelCooldowns?.[OPUS]?.until, until);
    assert.equal(await ask(host1, `anthropic/${OPUS}`), "anthropic:b", "host 1 still skips it too");
  });

  test("a billing failure on both hosts at once: one 5 h disable with both failures counted, skipped on both hosts for every model", async () => {
    // Both requests pick openai:a before either failure is known: the 402s come after both were sent.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const payment = (res: ServerResponse) =>
      void released.then(() => res.writeHead(402, { "content-type": "application/json" }).end(JSON.stringify(openaiError("Payment required: add credits to continue.", "billing_error", "payment_required"))));
    for (const world of [host1, host2]) world.openai.script(OPENAI_A, { raw: payment }, {});
    const writes = await Promise.all([host1, host2].map(async (world) => (await health(world)).usage.writes));
    const started = Date.now();
    const served = Promise.all([host1, host2].map((world) => ask(world, "openai/gpt-5.2")));
    await waitFor("both hosts to call their upstream with openai:a", () => [host1, host2].every((world) => world.openai.requests.some((r) => r.credential === OPENAI_A)), 5_000);
    release();
    assert.deepEqual(await served, ["openai:b", "openai:b"], "both fail over");
    const ended = Date.now();
    await Promise.all([host1, host2].map((world, i) => usageWritten(world, writes[i]!)));

    const stats = await storedUsage("openai:a");
    assert.equal(stats.disabledReason, "billing");
    assert.equal(stats.failureCounts?.billing, 2, `both failures are counted in one store: ${JSON.stringify(stats)}`);
    assert.ok(stats.disabledUntil >= started + 5 * HOUR && stats.disabledUntil <= ended + 5 * HOUR, `one 5 h window, not 10 h and not two: ${JSON.stringify(stats)}`);

    for (const world of [host1, host2]) {
      await waitFor("each host to skip openai:a", async () => (await orderOn(world, "openai")).next === "openai:b", 5_000);
      assert.equal(await ask(world, "openai/gpt-5.2"), "openai:b");
      assert.equal(await ask(world, "openai/gpt-4.1"), "openai:b", "a disable holds for every model");
    }
    assert.deepEqual(await storedUsage("openai:a").then((s) => [s.disabledUntil, s.failureCounts?.billing]), [stats.disabledUntil, 2], "unchanged by the successes after it");
  });

  test("`order set` through host 2's CLI changes host 1's choice with no restart", async () => {
    assert.equal(await ask(host1, `anthropic/${SONNET}`), "anthropic:a");
    await cli(host2.home.home, ["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:b", "anthropic:a"]);
    await waitFor("host 1 to hear of the new order", async () => (await orderOn(host1, "anthropic")).override?.[0] === "anthropic:b", 5_000);
    assert.equal(await ask(host1, `anthropic/${SONNET}`), "anthropic:b");
    assert.equal(host1.anthropic.requests.at(-1)?.credential, KEY_B);
    assert.equal(host1.gateway.child.exitCode, null, "the same process");
  });
});
