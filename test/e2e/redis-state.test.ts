// Two "hosts" (separate homes and state dirs) sharing one Redis through
// OPENCLAW_STATE_URL: a credential stored by one host's CLI is seen by the
// other's. The Redis has a password (--requirepass), which must never appear
// in any output, nor the stored key. Runs the built CLI (npm run build).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertNoSecrets, makeHome, runCli, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, postJson, startWorld, waitFor } from "../helpers/gateway.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/redis-state.test.ts");
const PASSWORD = "redis-e2e-password-0123456789";
const WRONG_PASSWORD = "not-the-redis-password-0123";
const OPENAI_KEY = "sk-proj-redisE2E0123456789abcdefghijklmnopqrstuv";

describe("shared state on Redis (OPENCLAW_STATE_URL)", { skip }, () => {
  let server: RedisServer;
  const homes: TempHome[] = [];
  const outputs: string[] = [];
  const home = () => {
    const made = makeHome();
    homes.push(made);
    return made;
  };
  const run = async (args: string[], where: TempHome, env: Record<string, string>, stdin?: string): Promise<CliResult> => {
    const result = await runCli(args, { home: where.home, env, ...(stdin === undefined ? {} : { stdin }) });
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  before(async () => {
    server = await startRedisServer({ password: PASSWORD });
  });
  after(async () => {
    await server?.stop();
    for (const made of homes) made.cleanup();
    // Every output of every run in this file, the failures' included.
    assertNoSecrets(outputs, [PASSWORD, WRONG_PASSWORD, OPENAI_KEY]);
    assert.ok(!outputs.some((text) => text.includes(encodeURIComponent(PASSWORD))));
  });

  test("a key pasted on one host is listed and used by status on another; the password shows only as ****", async () => {
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=e2e-a:` };
    const [hostA, hostB] = [home(), home()];
    const saved = await run(["models", "auth", "paste-api-key", "--provider", "openai"], hostA, env, OPENAI_KEY);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /Stored in redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0 e2e-a:\{agent:main\}/);
    assert.equal(existsSync(hostA.storePath), false, "the credential is in Redis, not in a local file");

    const list = await run(["models", "auth", "list"], hostB, env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /openai:default\s+api_key\s+sk-pro\.\.\.qrstuv\s+static/);
    assert.match(list.stdout, /^Auth store: redis:\/\/:\*\*\*\*@/m, "not called a file");
    const order = await run(["models", "auth", "order", "get", "--provider", "openai"], hostB, env);
    assert.equal(order.code, 0, order.stderr);
    assert.match(order.stdout, /^Auth store: redis:\/\/:\*\*\*\*@/m);

    const status = await run(["models", "status", "--json"], hostB, env);
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout);
    assert.match(report.auth.storePath, /^redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0 e2e-a:\{agent:main\}$/);
    const openai = report.auth.providers.find((entry: { provider: string }) => entry.provider === "openai");
    assert.equal(openai?.profiles.count, 1);
    assert.equal(openai?.profiles.apiKey, 1);
    assert.equal(existsSync(hostB.storePath), false);
  });

  test("a running gateway on one host serves with a key pasted later through another host's CLI, without a restart", async () => {
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=e2e-gw:` };
    const world = await startWorld({ env });
    try {
      const before = await postJson(world, "/v1/chat/completions", { model: "openai/gpt-5.2", messages: [{ role: "user", content: "hi" }] });
      outputs.push(before.text);
      assert.equal(before.status, 401, "no openai credential yet: the honest 4xx");

      const saved = await run(["models", "auth", "paste-api-key", "--provider", "openai"], home(), env, OPENAI_KEY);
      assert.equal(saved.code, 0, saved.stderr);
      const served = await waitFor("the gateway to serve with the key from the other host", async () => {
        const answer = await postJson(world, "/v1/chat/completions", { model: "openai/gpt-5.2", messages: [{ role: "user", content: "hi" }] });
        outputs.push(answer.text);
        return answer.status === 200 && answer;
      }, 5_000);
      assert.equal(served.headers.get("x-openclaw-profile"), "openai:default");
      assert.equal(world.openai.requests.at(-1)?.credential, OPENAI_KEY);
      const status = (await (await fetch(`${world.gateway.url}/api/status`, { headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } })).json()) as { auth: { backend: { kind: string; label: string } } };
      outputs.push(JSON.stringify(status));
      assert.equal(status.auth.backend.kind, "redis", "/api/status names the backend, as models status --json does");
      assert.match(status.auth.backend.label, /^redis \(redis:\/\/:\*\*\*\*@/);
      const stopped = await world.gateway.stop();
      assert.equal(stopped.code, 0, `a clean shutdown with the Redis connections open: ${stopped.stderr}`);
    } finally {
      const { stdout, stderr } = await world.close();
      outputs.push(stdout, stderr);
    }
  });

  test("config state.url (our key) works like the variable, with ${VAR} for the password", async () => {
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=e2e-b:` };
    const [hostA, hostB] = [home(), home()];
    const saved = await run(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:team"], hostA, env, OPENAI_KEY);
    assert.equal(saved.code, 0, saved.stderr);
    writeJson(hostB.configPath, { state: { url: `redis://:\${E2E_REDIS_PASSWORD}@127.0.0.1:${server.port}/0?prefix=e2e-b:` } });
    const list = await run(["models", "auth", "list"], hostB, { E2E_REDIS_PASSWORD: PASSWORD });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /openai:team\s+api_key/);
  });

  test("without a state URL the Redis backend and client are never loaded (start-up budget), with one they are", async () => {
    const host = home();
    const hook = join(host.home, "loaded-modules.cjs");
    const report = join(host.home, "loaded.txt");
    writeFileSync(hook, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(report)}, Object.keys(require.cache).join("\\n")));\n`);
    const loaded = async (env: Record<string, string>) => {
      const result = await run(["models", "status", "--check"], host, { NODE_OPTIONS: `--require ${hook}`, ...env });
      assert.ok(result.code === 0 || result.code === 1, result.stderr);
      return readFileSync(report, "utf8").split("\n").filter((file) => /[\\/]redis-backend\.cjs$|[\\/]node_modules[\\/](@redis|redis)[\\/]/.test(file));
    };
    assert.deepEqual(await loaded({}), []);
    assert.ok((await loaded({ OPENCLAW_STATE_URL: `${server.url}?prefix=e2e-load:` })).some((file) => file.endsWith("redis-backend.cjs")));
  });

  test("an unreachable Redis: exit 1 with one clear error naming it, nothing written anywhere", async () => {
    const env = { OPENCLAW_STATE_URL: `redis://:${PASSWORD}@127.0.0.1:1/0` };
    const host = home();
    const started = Date.now();
    for (const [args, stdin] of [[["models", "auth", "paste-api-key", "--provider", "openai"], OPENAI_KEY], [["models", "auth", "list"], undefined]] as const) {
      const result = await run([...args], host, env, stdin);
      assert.equal(result.code, 1, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /^Error: Cannot reach the shared state \(Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:1\/0\)/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
    assert.ok(Date.now() - started < 20_000, "gave up within seconds, not forever");

    const wrong = await run(["models", "auth", "list"], host, { OPENCLAW_STATE_URL: `redis://:${WRONG_PASSWORD}@127.0.0.1:${server.port}/0` });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^Error: Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0 refused our credentials: WRONGPASS/);
    assert.equal(existsSync(join(host.agentDir, "auth-profiles.json")), false);
  });
});
