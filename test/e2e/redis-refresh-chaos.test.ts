// OAuth refresh under chaos on the shared state (issue 12: "no lost profile, no
// double refresh"; docs/scale-out.md §13). Real redis-server and gateway
// processes on separate state dirs, the fake OAuth server as the token
// endpoint (rotating refresh tokens, a reused one refused) and the fake OpenAI
// upstream behind a custom OAuth provider.
// - A slow Redis (a proxy delaying every chunk both ways) under 3 gateways: one
//   token call for ~200 concurrent requests, none failed.
// - Redis killed (SIGKILL) while the lease holder waits for a slow token
//   endpoint, restarted on its AOF: the refreshed tokens are served from memory
//   meanwhile and end up in Redis, one token call in all, no 500.
// - Redis down before the refresh starts: no token request while it is down,
//   a retryable answer, one refresh once it is back.
// No token appears in any output. Runs the built CLI (npm run build).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { CredentialBackend } from "../../src/auth/backend.ts";
import { createRedisBackend } from "../../src/auth/redis-backend.ts";
import { parseStateUrl } from "../../src/auth/redis/state-url.ts";
import type { OAuthCredential } from "../../src/auth/store-schema.ts";
import { assertNoSecrets, makeHome, writeJson, type TempHome } from "../helpers/cli.ts";
import { acmeOAuthProvider, fakeJwt, startFakeOAuthServer } from "../helpers/fake-oauth-server.ts";
import { GATEWAY_TOKEN, spawnGateway, startWorld, waitFor, type GatewayWorld, type TestGateway } from "../helpers/gateway.ts";
import { redisSkipReason, startDelayProxy, startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/redis-refresh-chaos.test.ts");
const PROFILE = "acme:default";
const MODEL = "acme/acme-large";
const MINUTE = 60_000;
/** What a gateway may answer while it cannot refresh (docs/scale-out.md §12): a retryable 502/503/504, never a 500. */
const DEGRADED = new Set([502, 503, 504]);

type Idp = Awaited<ReturnType<typeof startFakeOAuthServer>>;

interface Hosts {
  idp: Idp;
  writer: CredentialBackend;
  world: GatewayWorld;
  gateways: TestGateway[];
  secrets: string[];
  outputs: string[];
  ask(host: number, tag: string): Promise<{ status: number; text: string }>;
  stored(): Promise<OAuthCredential>;
  logs(): string;
  close(): Promise<void>;
}

/** `count` gateways on their own homes sharing `stateUrl`, an expired login stored once in Redis. */
async function hosts(stateUrl: string, count: number, firstRefresh: string, tokenDelayMs: number): Promise<Hosts> {
  const env = { OPENCLAW_STATE_URL: stateUrl };
  const idp = await startFakeOAuthServer({ clientId: "acme-client", initialRefresh: [firstRefresh], tokenDelayMs });
  const expiredAccess = fakeJwt({ n: 0, who: "before-the-test" });
  const writer = createRedisBackend({ url: parseStateUrl(stateUrl), agents: { defaultAgentId: "main", agentDir: () => "/nonexistent" } });
  await writer.update("main", (store) => {
    store.profiles[PROFILE] = { type: "oauth", provider: "acme", access: expiredAccess, refresh: firstRefresh, expires: Date.now() - MINUTE, email: "ann@example.com" };
  });
  const world = await startWorld({
    env,
    providers: ({ openai }) => ({ acme: acmeOAuthProvider(openai.url, idp) }),
  });
  const gateways = [world.gateway];
  const homes: TempHome[] = [];
  const config = JSON.parse(readFileSync(world.home.configPath, "utf8"));
  for (let i = 1; i < count; i++) {
    const home = makeHome();
    homes.push(home);
    writeJson(home.configPath, config);
    gateways.push(await spawnGateway(home, { env }));
  }
  const outputs: string[] = [];
  return {
    idp,
    writer,
    world,
    gateways,
    secrets: [firstRefresh, expiredAccess],
    outputs,
    async ask(host, tag) {
      const response = await fetch(`${gateways[host % count]!.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: tag }] }),
      });
      const text = await response.text();
      outputs.push(text);
      return { status: response.status, text };
    },
    async stored() {
      const credential = (await writer.read("main")).own.store.profiles[PROFILE];
      assert.equal(credential?.type, "oauth");
      return credential as OAuthCredential;
    },
    logs: () => gateways.map((gateway) => gateway.output().stdout + gateway.output().stderr).join("\n"),
    async close() {
      for (const gateway of gateways.slice(1)) {
        const out = await gateway.stop();
        outputs.push(out.stdout, out.stderr);
      }
      const out = await world.close();
      outputs.push(out.stdout, out.stderr);
      for (const home of homes) home.cleanup();
      writer.close();
      await idp.close();
    },
  };
}

async function health(gateway: TestGateway, outputs: string[]): Promise<any> {
  const text = await (await fetch(`${gateway.url}/health`)).text();
  outputs.push(text);
  return JSON.parse(text);
}

function assertOneRefresh(idp: Idp, firstRefresh: string): void {
  const sent = idp.refreshTokensSent();
  assert.equal(new Set(sent).size, sent.length, `no refresh token sent twice: ${sent.length} sent`);
  assert.deepEqual(sent, [firstRefresh], "exactly one token call, with the stored refresh token");
}

describe("OAuth refresh with Redis slow, killed or down", { skip, timeout: 180_000 }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedisServer({ appendonly: true });
  });
  after(async () => {
    await server?.stop();
  });

  test("a slow Redis (150 ms each way) under 3 gateways: ~200 concurrent requests on an expired login make one token call, none fails", { timeout: 90_000 }, async () => {
    const proxy = await startDelayProxy(server.port, 150);
    const first = "rt-slow-initial-0123456789abcdef0123456789";
    const h = await hosts(`redis://127.0.0.1:${proxy.port}/0?prefix=chaos-slow:`, 3, first, 200);
    try {
      const answers = await Promise.all(Array.from({ length: 210 }, (_, i) => h.ask(i, `slow ${i}`)));
      const failed = answers.filter((answer) => answer.status !== 200);
      assert.equal(failed.length, 0, `failed: ${failed.length}, first: ${failed[0]?.status} ${failed[0]?.text.slice(0, 300)}`);
      assertOneRefresh(h.idp, first);
      const stored = await h.stored();
      h.secrets.push(stored.access!, stored.refresh!);
      assert.deepEqual([stored.refresh], h.idp.issuedRefreshTokens(), "the issued refresh token is the stored one");
      assert.ok(h.world.openai.requests.every((request) => request.credential === stored.access), "every upstream request carried the refreshed token");
      assert.equal(h.logs().match(/oauth refresh acme:default: refreshed/g)?.length, 1, h.logs());
    } finally {
      await h.close();
      await proxy.close();
      assertNoSecrets(h.outputs, h.secrets);
    }
  });

  test("Redis killed (SIGKILL) while the lease holder waits for the token endpoint, restarted on its AOF: served meanwhile, the new tokens reach Redis, one token call", { timeout: 90_000 }, async () => {
    const first = "rt-kill-initial-0123456789abcdef0123456789";
    const h = await hosts(`${server.url}?prefix=chaos-kill:`, 2, first, 1_000);
    try {
      // Requests on both hosts; the first refresh takes the lease and asks the (slow) token endpoint.
      const during = Promise.all(Array.from({ length: 40 }, (_, i) => h.ask(i, `during ${i}`)));
      await waitFor("the token request", () => h.idp.refreshTokensSent().length === 1, 10_000);
      await server.kill();
      // The token answer comes about a second later, with Redis gone: the holder keeps the tokens in memory.
      await waitFor("the holder to hold its tokens", () => /the new tokens could not be stored/.test(h.logs()), 10_000);
      const holder = h.gateways.findIndex((gateway) => /the new tokens could not be stored/.test(gateway.output().stdout + gateway.output().stderr));
      const held = await health(h.gateways[holder]!, h.outputs);
      assert.equal(held.state.pendingTokenWrites, 1, JSON.stringify(held.state));
      assert.equal(held.state.connected, false);
      // The holder serves with the new token while Redis is down.
      const meanwhile = await h.ask(holder, "while redis is down");
      assert.equal(meanwhile.status, 200, meanwhile.text.slice(0, 300));
      await server.start();
      // At once, before the held write may have landed: the other host finds the holder's lease (back
      // from the AOF), waits, and adopts the tokens once written; it never refreshes with the spent token.
      const other = 1 - holder;
      const rightAfter = await Promise.all(Array.from({ length: 10 }, (_, i) => h.ask(other, `right after ${i}`)));
      assert.deepEqual(rightAfter.map((answer) => answer.status), rightAfter.map(() => 200), rightAfter.find((answer) => answer.status !== 200)?.text.slice(0, 300));

      const answers = await during;
      const statuses = answers.map((answer) => answer.status);
      assert.ok(statuses.every((status) => status === 200 || DEGRADED.has(status)), `no 500: ${statuses.join(",")}`);
      // The holder's requests share its refresh and get its tokens; the other host could not even wait for the lease (502, retryable).
      assert.ok(statuses.every((status, i) => i % 2 !== holder || status === 200), `the holder served all of its requests: ${statuses.join(",")}`);

      const issued = h.idp.issuedRefreshTokens();
      assert.equal(issued.length, 1);
      await waitFor("the held tokens to reach Redis", async () => (await h.stored()).refresh === issued[0], 15_000);
      const stored = await h.stored();
      h.secrets.push(stored.access!, stored.refresh!);
      await waitFor("the held write to settle", async () => (await health(h.gateways[holder]!, h.outputs)).state.pendingTokenWrites === 0, 5_000);
      assert.match(h.logs(), /oauth refresh acme:default: the new tokens are stored now/);

      // Every host serves the stored tokens; still the one token call.
      const later = await Promise.all(Array.from({ length: 20 }, (_, i) => h.ask(i, `after ${i}`)));
      assert.deepEqual(later.map((answer) => answer.status), later.map(() => 200), later.find((answer) => answer.status !== 200)?.text.slice(0, 300));
      assertOneRefresh(h.idp, first);
      const served = h.world.openai.requests.map((request) => request.credential);
      assert.ok(served.every((credential) => credential === stored.access), "every upstream request carried the refreshed token");
    } finally {
      if (!(await server.command("PING").catch(() => ""))) await server.start();
      await h.close();
      assertNoSecrets(h.outputs, h.secrets);
    }
  });

  test("Redis down before the refresh starts: no token request while it is down (no lease, no refresh), a retryable answer, one refresh once it is back", { timeout: 60_000 }, async () => {
    const first = "rt-down-initial-0123456789abcdef0123456789";
    const h = await hosts(`${server.url}?prefix=chaos-down:`, 2, first, 0);
    try {
      await server.kill();
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => h.ask(i, `down ${i}`)));
      assert.deepEqual(h.idp.refreshTokensSent(), [], "no token request without the lease");
      // Retryable, no cooldown (docs/scale-out.md §13): never a 401 ("no credentials") or a 500.
      for (const answer of answers) assert.equal(answer.status, 502, answer.text.slice(0, 300));
      assert.match(answers[0]!.text, /failed for now: Cannot reach the shared state/);
      await server.start();
      const back = await waitFor("a request served after Redis is back", async () => (await h.ask(0, "back")).status === 200, 15_000);
      assert.ok(back);
      const later = await Promise.all(Array.from({ length: 20 }, (_, i) => h.ask(i, `later ${i}`)));
      assert.ok(later.every((answer) => answer.status === 200), later.find((answer) => answer.status !== 200)?.text.slice(0, 300));
      assertOneRefresh(h.idp, first);
      const stored = await h.stored();
      h.secrets.push(stored.access!, stored.refresh!);
      assert.deepEqual([stored.refresh], h.idp.issuedRefreshTokens());
    } finally {
      if (!(await server.command("PING").catch(() => ""))) await server.start();
      await h.close();
      assertNoSecrets(h.outputs, h.secrets);
    }
  });
});
