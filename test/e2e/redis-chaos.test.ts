// Chaos on the shared state (issue 12; docs/scale-out.md §5): real redis-server
// processes that are killed, restarted, cut off and slowed down under real
// gateway processes. What must hold: no stored profile is lost (AOF on), no
// 5xx but the documented 503 of a gateway that never read its credentials,
// usage written during an outage is replayed, the change feed resumes, and a
// slow Redis does not slow the requests. The Redis password and the keys never
// appear in any output. Runs the built CLI (npm run build).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertNoSecrets, makeHome, runCli, type CliResult, type TempHome } from "../helpers/cli.ts";
import { postJson, startWorld, waitFor, type GatewayWorld } from "../helpers/gateway.ts";
import { redisSkipReason, startDelayProxy, startRedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/redis-chaos.test.ts");
const PASSWORD = "redis-chaos-password-0123456789";
const OPENAI_KEY = "sk-proj-redisChaos0123456789abcdefghijklmnopq";
const ANTHROPIC_KEY = "sk-ant-api03-redisChaos0123456789abcdefghijklmn";
const CHAT = { model: "openai/gpt-5.2", messages: [{ role: "user", content: "hi" }] };
const MESSAGES = { model: "anthropic/claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };

describe("the shared state under chaos: Redis killed, cut off, slow", { skip, timeout: 180_000 }, () => {
  const outputs: string[] = [];
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const home = () => {
    const made = makeHome();
    cleanups.push(() => made.cleanup());
    return made;
  };
  const cli = async (args: string[], env: Record<string, string>, stdin?: string, where: TempHome = home()): Promise<CliResult> => {
    const result = await runCli(args, { home: where.home, env, ...(stdin === undefined ? {} : { stdin }) });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const redis = async (options: { appendonly?: boolean } = {}) => {
    const server = await startRedisServer({ password: PASSWORD, ...options });
    cleanups.push(() => server.stop());
    return server;
  };
  const world = async (env: Record<string, string>) => {
    const started = await startWorld({ env });
    cleanups.push(async () => {
      const { stdout, stderr } = await started.close();
      outputs.push(stdout, stderr);
    });
    return started;
  };
  const post = async (gateway: GatewayWorld, path = "/v1/chat/completions", body: object = CHAT) => {
    const answer = await postJson(gateway, path, body);
    outputs.push(answer.text);
    return answer;
  };
  const health = async (gateway: GatewayWorld) => {
    const response = await fetch(`${gateway.gateway.url}/health`);
    const text = await response.text();
    outputs.push(text);
    return { status: response.status, json: JSON.parse(text) };
  };
  const paste = (env: Record<string, string>, provider: string, key: string, extra: string[] = []) => cli(["models", "auth", "paste-api-key", "--provider", provider, ...extra], env, key);

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    assertNoSecrets(outputs, [PASSWORD, encodeURIComponent(PASSWORD), OPENAI_KEY, ANTHROPIC_KEY]);
  });

  test("killed (SIGKILL) with AOF on: nothing stored is lost; CLI writes meanwhile are refused whole; a gateway started meanwhile answers 503 and serves once Redis is back", async () => {
    const server = await redis({ appendonly: true });
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=chaos-aof:` };
    assert.equal((await paste(env, "openai", OPENAI_KEY)).code, 0);
    await server.kill();

    const refused = await paste(env, "anthropic", ANTHROPIC_KEY);
    assert.equal(refused.code, 1, "a credential write with Redis down fails");
    assert.match(refused.stderr, /^Error: Cannot reach the shared state \(Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0\?prefix=chaos-aof:\).*\n.*nothing was written/);
    const status = await cli(["models", "status", "--json"], env);
    assert.equal(status.code, 1);
    const report = JSON.parse(status.stdout);
    assert.equal(report.auth.state.backend, "redis");
    assert.equal(report.auth.state.connected, false);
    assert.match(report.auth.state.error, /Cannot reach the shared state/);
    const text = await cli(["models", "status"], env);
    assert.match(text.stdout, /Shared state\s+: redis, UNREACHABLE/);

    const gateway = await world(env);
    const early = await post(gateway);
    assert.equal(early.status, 503, "no credentials read yet: an honest, retryable answer");
    assert.equal(early.headers.get("retry-after"), "5");
    assert.match(early.json.error.message, /redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0/);
    const down = await health(gateway);
    assert.equal(down.status, 503);
    assert.equal(down.json.state.connected, false);
    assert.equal(down.json.state.credentialsRead, false);
    assert.equal(typeof down.json.state.since, "number");

    await server.start();
    const served = await waitFor("the gateway to serve once Redis is back", async () => (await post(gateway)).status === 200, 10_000);
    assert.ok(served);
    assert.equal(gateway.openai.requests.at(-1)?.credential, OPENAI_KEY, "the key stored before the kill survived it");
    const up = await health(gateway);
    assert.equal(up.status, 200);
    assert.deepEqual([up.json.ok, up.json.state.connected, up.json.state.credentialsRead], [true, true, true]);

    const list = await cli(["models", "auth", "list"], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /openai:default/);
    assert.doesNotMatch(list.stdout, /anthropic/, "the refused write left nothing behind");
  });

  test("killed and restarted mid-load under two gateways: every request answered 200, no profile lost, usage queued during the outage is replayed", async () => {
    const server = await redis({ appendonly: true });
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=chaos-load:` };
    assert.equal((await paste(env, "openai", OPENAI_KEY)).code, 0);
    assert.equal((await paste(env, "anthropic", ANTHROPIC_KEY)).code, 0);
    const gateways = await Promise.all([world(env), world(env)]);

    const statuses: number[] = [];
    let running = true;
    const worker = async (gateway: GatewayWorld, i: number) => {
      while (running) {
        const answer = i % 2 === 0 ? await post(gateway) : await post(gateway, "/v1/messages", MESSAGES);
        statuses.push(answer.status);
      }
    };
    const load = gateways.flatMap((gateway) => [0, 1, 2].map((i) => worker(gateway, i)));
    await waitFor("some load before the kill", () => statuses.length >= 30, 10_000);
    await server.kill();
    const killedAt = Date.now();
    const before = statuses.length;
    await waitFor("requests served during the outage", () => statuses.length >= before + 60, 15_000);
    running = false;
    await Promise.all(load);

    const queued = await Promise.all(gateways.map(health));
    for (const { status, json } of queued) {
      assert.equal(status, 200, "a gateway serving from its snapshot stays healthy for the load balancer");
      assert.equal(json.state.connected, false);
      assert.ok(json.state.queuedUsageWrites > 0, `usage waits for Redis: ${JSON.stringify(json.state)}`);
    }
    await server.start();
    // A gateway that held the store's lock when Redis died finds it in the AOF until its 15 s lease ends.
    for (const gateway of gateways) {
      await waitFor("the queued usage to be replayed", async () => {
        const { json } = await health(gateway);
        return json.state.connected && json.state.queuedUsageWrites === 0 && json.usage.pending === 0 && !json.usage.writing;
      }, 30_000);
    }
    assert.deepEqual([...new Set(statuses)], [200], "no 5xx, no refusals while Redis was away");
    const usage = JSON.parse(await server.command("HGET", "chaos-load:{agent:main}:usage", "openai:default"));
    assert.ok(usage.lastUsed >= killedAt, "a success from during the outage reached Redis afterwards");
    const list = await cli(["models", "auth", "list"], env);
    assert.match(list.stdout, /openai:default/);
    assert.match(list.stdout, /anthropic:default/);
  });

  test("connections cut (CLIENT KILL): the gateway reconnects and hears changes again", async () => {
    const server = await redis();
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=chaos-cut:` };
    assert.equal((await paste(env, "openai", OPENAI_KEY)).code, 0);
    const gateway = await world(env);
    assert.equal((await post(gateway)).status, 200);
    assert.equal((await post(gateway, "/v1/messages", MESSAGES)).status, 401, "no anthropic credential yet");

    assert.match(await server.command("CLIENT", "KILL", "TYPE", "pubsub"), /^:[1-9]/, "the gateway's subscriber was cut");
    assert.match(await server.command("CLIENT", "KILL", "TYPE", "normal"), /^:[1-9]/, "its command connection too");
    assert.equal((await post(gateway)).status, 200, "served from the snapshot meanwhile");

    assert.equal((await paste(env, "anthropic", ANTHROPIC_KEY)).code, 0);
    const served = await waitFor("a key pasted after the cut to be served", async () => (await post(gateway, "/v1/messages", MESSAGES)).status === 200, 10_000);
    assert.ok(served);
    assert.equal(gateway.anthropic.requests.at(-1)?.credential, ANTHROPIC_KEY);
  });

  test("a slow Redis (200 ms each way): requests are not slowed, writes still land, once each", async () => {
    const server = await redis();
    const proxy = await startDelayProxy(server.port, 200);
    cleanups.push(() => proxy.close());
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=chaos-slow:` };
    const slowEnv = { OPENCLAW_STATE_URL: `redis://:${PASSWORD}@127.0.0.1:${proxy.port}/0?prefix=chaos-slow:` };
    assert.equal((await paste(env, "openai", OPENAI_KEY)).code, 0);
    const gateway = await world(slowEnv);

    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      assert.equal((await post(gateway)).status, 200);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    // One Redis round trip through the proxy takes at least 400 ms: none is on the request path.
    assert.ok(times[10]! < 150, `median ${times[10]!.toFixed(0)} ms`);
    assert.ok(times.filter((ms) => ms >= 400).length <= 1, `requests slowed: ${times.map((ms) => ms.toFixed(0)).join(",")}`);

    assert.equal((await paste(slowEnv, "anthropic", ANTHROPIC_KEY)).code, 0, "a CLI write through the slow link lands");
    await waitFor("the key pasted through the slow link to be served", async () => (await post(gateway, "/v1/messages", MESSAGES)).status === 200, 15_000);
    const settled = await waitFor("the usage writes to finish", async () => {
      const { json } = await health(gateway);
      return json.usage.pending === 0 && !json.usage.writing && json.usage.writes > 0 && json;
    }, 15_000);
    // Commits: the two pastes and one per usage write, nothing twice.
    assert.equal(Number(await server.command("HGET", "chaos-slow:{agent:main}:rev", "n")), 2 + settled.usage.writes);
  });
});
