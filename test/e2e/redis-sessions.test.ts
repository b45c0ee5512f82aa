// Chat sessions shared through Redis (issue 12): two real gateway processes on
// separate homes and state dirs, one password-protected Redis, two Anthropic
// profiles stored there through the CLI. `/model <model>@<profile>` sent to
// gateway A governs the session's next request on gateway B, and `/model status`
// on B shows the pin. With Redis gone, B keeps serving the session from memory
// and answers a `/model` change it cannot save in the chat (not a 5xx).
// Neither the keys nor the Redis password appear in any output.
// Runs the built CLI (npm run build).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assertNoSecrets, makeHome, runCli } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, postJson, startWorld, waitFor, type GatewayWorld } from "../helpers/gateway.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/redis-sessions.test.ts");
const PASSWORD = "redis-sessions-e2e-password-0123456789";
const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-redisSessA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-redisSessB-" + "2".repeat(40);
const SESSION = "team-chat-1";
const CONFIG = { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } } };

describe("chat sessions shared through Redis by two gateways", { skip }, () => {
  let server: RedisServer;
  let hostA: GatewayWorld;
  let hostB: GatewayWorld;
  const outputs: string[] = [];
  /** The profile the first test pinned through A, and the other one. */
  let pin = "";
  let other = "";

  /** A chat turn on one host, in the session; its answer is remembered for the secrets check. */
  const say = async (world: GatewayWorld, text: string) => {
    const answer = await postJson(world, "/v1/chat/completions", { model: "default", messages: [{ role: "user", content: text }] }, { "x-openclaw-session-key": SESSION });
    outputs.push(answer.text);
    return { status: answer.status, text: answer.json?.choices?.[0]?.message?.content as string | undefined, profile: answer.headers.get("x-openclaw-profile") };
  };

  before(async () => {
    server = await startRedisServer({ password: PASSWORD });
    const env = { OPENCLAW_STATE_URL: `${server.url}?prefix=e2e-sessions:` };
    const cliHome = makeHome();
    try {
      for (const [id, key] of [["anthropic:a", KEY_A], ["anthropic:b", KEY_B]] as const) {
        const saved = await runCli(["models", "auth", "paste-api-key", "--provider", "anthropic", "--profile-id", id], { home: cliHome.home, env, stdin: key });
        outputs.push(saved.stdout, saved.stderr);
        assert.equal(saved.code, 0, saved.stderr);
      }
    } finally {
      cliHome.cleanup();
    }
    [hostA, hostB] = await Promise.all([startWorld({ env, config: CONFIG }), startWorld({ env, config: CONFIG })]);
  });
  after(async () => {
    for (const world of [hostA, hostB]) {
      if (!world) continue;
      const { stdout, stderr } = await world.close();
      outputs.push(stdout, stderr);
    }
    await server?.stop();
    assertNoSecrets(outputs, [KEY_A, KEY_B, PASSWORD, GATEWAY_TOKEN]);
    assert.ok(!outputs.some((text) => text.includes(encodeURIComponent(PASSWORD))));
  });

  test("/model <model>@<profile> through gateway A governs the session's next request on gateway B", async () => {
    // B knows the session first (its auto pin follows what served it): the pin from A must reach a copy B already holds.
    const first = await say(hostB, "hello");
    assert.equal(first.status, 200);
    assert.match(first.profile ?? "", /^anthropic:[ab]$/);
    // Pin the other one: what B serves next can then only come from A's pin.
    const [target, targetKey] = first.profile === "anthropic:a" ? ["anthropic:b", KEY_B] : ["anthropic:a", KEY_A];
    other = first.profile!;
    pin = target;

    const pinned = await say(hostA, `/model anthropic/claude-opus-4-6@${target}`);
    assert.equal(pinned.status, 200);
    assert.equal(pinned.text?.split("\n")[1], `Auth profile set to ${target}.`);

    const served = await waitFor("gateway B to serve the session with A's pin", async () => {
      const answer = await say(hostB, "hello again");
      return answer.status === 200 && answer.profile === target && answer;
    }, 5_000);
    assert.equal(served.profile, target);
    assert.equal(hostB.anthropic.requests.at(-1)?.credential, targetKey, "B sent the pinned profile's key upstream");

    const status = await say(hostB, "/model status");
    assert.equal(status.status, 200);
    assert.ok((status.text ?? "").split("\n").includes(`Pinned: ${target} (user)`), status.text);

    for (const world of [hostA, hostB]) {
      assert.equal(existsSync(join(world.home.stateDir, "agents", "main", "sessions", "sessions.json")), false, "sessions are in Redis, not in a local file");
    }
  });

  test("Redis gone: B serves the session from memory and answers a /model change it cannot save in the chat", async () => {
    await server.stop();
    assert.ok(pin, "the first test set a pin");
    const change = await say(hostB, `/model anthropic/claude-opus-4-6@${other}`);
    assert.equal(change.status, 200, "not a 5xx");
    assert.match(change.text ?? "", /^Could not save the change to this session, so nothing changed: Cannot reach the shared state \(Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0/);
    assert.equal(change.profile, pin, "the answer names the pin still in force");

    const served = await say(hostB, "still there?");
    assert.equal(served.status, 200, "the gateway keeps serving");
    assert.equal(served.profile, pin, "from the session copy in memory");
    assert.equal(hostB.gateway.child.exitCode, null, "gateway B keeps running");
  });
});
