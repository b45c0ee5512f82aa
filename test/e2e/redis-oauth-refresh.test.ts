// One OAuth refresh across hosts (issue 12): three real gateway processes,
// each on its own home and state dir (three "hosts"), sharing one Redis
// through OPENCLAW_STATE_URL. An expired OAuth login is stored once in Redis;
// 600 concurrent requests spread over the three hosts make exactly one call to
// the token endpoint (the Redis refresh lease), none fails, no refresh token
// is sent twice, and no secret appears in any output. The login is a custom
// OAuth provider in front of the fake OpenAI upstream, the token endpoint the
// fake OAuth server (rotating refresh tokens, refusing reused ones).
// Runs the built CLI (npm run build).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRedisBackend } from "../../src/auth/redis-backend.ts";
import { parseStateUrl } from "../../src/auth/redis/state-url.ts";
import { assertNoSecrets, makeHome, writeJson, type TempHome } from "../helpers/cli.ts";
import { fakeJwt, acmeOAuthProvider, startFakeOAuthServer } from "../helpers/fake-oauth-server.ts";
import { GATEWAY_TOKEN, spawnGateway, startWorld, type GatewayWorld, type TestGateway } from "../helpers/gateway.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/redis-oauth-refresh.test.ts");
const PROFILE = "acme:default";
const MODEL = "acme/acme-large";
const FIRST_REFRESH = "rt-redis-e2e-initial-0123456789abcdef0123";
const REQUESTS = 600;
const HOSTS = 3;
const MINUTE = 60_000;

describe("OAuth refresh across hosts sharing Redis", { skip }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server?.stop();
  });

  test(`${HOSTS} gateways on separate state dirs, one expired login in Redis, ${REQUESTS} concurrent requests: one token call, no failure`, { timeout: 120_000 }, async () => {
    const prefix = "e2e-refresh:";
    const stateUrl = `${server.url}?prefix=${prefix}`;
    const env = { OPENCLAW_STATE_URL: stateUrl };
    const idp = await startFakeOAuthServer({ clientId: "acme-client", initialRefresh: [FIRST_REFRESH], tokenDelayMs: 200 });
    const expiredAccess = fakeJwt({ n: 0, who: "before-the-test" });
    const secrets = [FIRST_REFRESH, expiredAccess];
    const outputs: string[] = [];

    // The login, stored once in Redis through the backend (as `openclaw models auth login` on any host would).
    const writer = createRedisBackend({ url: parseStateUrl(stateUrl), agents: { defaultAgentId: "main", agentDir: () => "/nonexistent" } });
    await writer.update("main", (store) => {
      store.profiles[PROFILE] = { type: "oauth", provider: "acme", access: expiredAccess, refresh: FIRST_REFRESH, expires: Date.now() - MINUTE, email: "ann@example.com" };
    });

    let world: GatewayWorld | undefined;
    const homes: TempHome[] = [];
    const gateways: TestGateway[] = [];
    try {
      world = await startWorld({
        env,
        providers: ({ openai }) => ({
          acme: acmeOAuthProvider(openai.url, idp),
        }),
      });
      gateways.push(world.gateway);
      const config = readFileSync(world.home.configPath, "utf8");
      for (let i = 1; i < HOSTS; i++) {
        const home = makeHome();
        homes.push(home);
        writeJson(home.configPath, JSON.parse(config));
        gateways.push(await spawnGateway(home, { env }));
      }

      const ask = async (i: number): Promise<{ status: number; text: string }> => {
        const gateway = gateways[i % HOSTS]!;
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: `spread ${i}` }] }),
        });
        return { status: response.status, text: await response.text() };
      };
      const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => ask(i)));
      outputs.push(...answers.map((answer) => answer.text));
      const failed = answers.filter((answer) => answer.status !== 200);
      assert.equal(failed.length, 0, `failed: ${failed.length}, first: ${failed[0]?.status} ${failed[0]?.text.slice(0, 300)}`);
      answers.forEach((answer, i) => assert.equal(JSON.parse(answer.text).choices[0].message.content, `Hello from the openai fake: spread ${i}`));

      assert.deepEqual(idp.refreshTokensSent(), [FIRST_REFRESH], "exactly one token call, with the stored refresh token");
      const sent = idp.refreshTokensSent();
      assert.equal(new Set(sent).size, sent.length, "no refresh token sent twice");

      const stored = (await writer.read("main")).own.store.profiles[PROFILE];
      assert.equal(stored?.type, "oauth");
      if (stored?.type !== "oauth") return;
      secrets.push(stored.access!, stored.refresh!);
      assert.notEqual(stored.refresh, FIRST_REFRESH, "the rotated refresh token is stored in Redis");
      assert.ok(world.openai.requests.every((request) => request.credential === stored.access), "every upstream request carried the refreshed token");
      assert.equal(world.openai.requests.length, REQUESTS);
      for (const home of [world.home, ...homes]) assert.equal(existsSync(home.storePath), false, "nothing stored in a local file");

      const logs = gateways.map((gateway) => gateway.output().stdout).join("\n");
      assert.equal(logs.match(/oauth refresh acme:default: refreshed/g)?.length, 1, logs);
      const adopted = logs.match(/oauth refresh acme:default: adopted/g)?.length ?? 0;
      assert.ok(adopted <= HOSTS - 1, logs);
    } finally {
      for (const gateway of gateways.slice(1)) {
        const out = await gateway.stop();
        outputs.push(out.stdout, out.stderr);
      }
      if (world) {
        const out = await world.close();
        outputs.push(out.stdout, out.stderr);
      }
      for (const home of homes) home.cleanup();
      writer.close();
      await idp.close();
      assertNoSecrets(outputs, secrets);
    }
  });
});
