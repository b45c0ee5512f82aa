// The real gateway refreshing an OAuth login (issue 11): proactive (5 minutes
// before expiry), reactive (a 401 forces one refresh and one retry), exactly
// one token request per credential across concurrent requests and several
// gateway processes on one state dir, and what a client sees when a refresh
// fails. The login is a custom OAuth provider (`models.providers.acme.auth:
// "oauth"`) in front of the fake OpenAI upstream; the token endpoint is the
// fake OAuth server, which rotates refresh tokens and refuses reused ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import OpenAI from "openai";
import { assertNoSecrets, readJson, writeJson } from "../helpers/cli.ts";
import { ANY_CREDENTIAL, openaiError } from "../helpers/fake-upstream.ts";
import { fakeJwt, acmeOAuthProvider, startFakeOAuthServer } from "../helpers/fake-oauth-server.ts";
import { GATEWAY_TOKEN, spawnGateway, startWorld, waitFor, type GatewayWorld, type TestGateway } from "../helpers/gateway.ts";

const PROFILE = "acme:default";
const MODEL = "acme/acme-large";
const FIRST_REFRESH = "rt-initial-0123456789abcdef0123456789";
const MINUTE = 60_000;

type OAuthServer = Awaited<ReturnType<typeof startFakeOAuthServer>>;

/** Every token the test saw; checked at the end against everything clients and gateways printed. */
const secrets: string[] = [FIRST_REFRESH];
const visible: string[] = [];

interface OAuthWorld {
  world: GatewayWorld;
  idp: OAuthServer;
  access: string;
  extra: TestGateway[];
  client(gateway?: TestGateway): OpenAI;
  store(): any;
  close(): Promise<void>;
}

async function oauthWorld(options: { expiresIn: number; refresh?: string; tokenDelayMs?: number; gateways?: number }): Promise<OAuthWorld> {
  const idp = await startFakeOAuthServer({ clientId: "acme-client", initialRefresh: [FIRST_REFRESH], ...(options.tokenDelayMs ? { tokenDelayMs: options.tokenDelayMs } : {}) });
  const access = fakeJwt({ n: 0, who: "before-the-test" });
  secrets.push(access);
  const world = await startWorld({
    store: { version: 1, profiles: { [PROFILE]: { type: "oauth", provider: "acme", access, refresh: options.refresh ?? FIRST_REFRESH, expires: Date.now() + options.expiresIn, email: "ann@example.com", projectId: "proj-1" } } },
    providers: ({ openai }) => ({
      acme: acmeOAuthProvider(openai.url, idp),
    }),
  });
  const extra: TestGateway[] = [];
  for (let i = 1; i < (options.gateways ?? 1); i++) extra.push(await spawnGateway(world.home));
  return {
    world,
    idp,
    access,
    extra,
    client: (gateway = world.gateway) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 }),
    store: () => readJson(world.home.storePath),
    close: async () => {
      const stored = readJson(world.home.storePath).profiles[PROFILE];
      if (stored?.access) secrets.push(stored.access, stored.refresh);
      for (const gateway of extra) {
        const out = await gateway.stop();
        visible.push(out.stdout, out.stderr);
      }
      const out = await world.close();
      visible.push(out.stdout, out.stderr);
      await idp.close();
    },
  };
}

async function ask(client: OpenAI, text: string): Promise<string> {
  const answer = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: text }] });
  const content = answer.choices[0]!.message.content ?? "";
  visible.push(content);
  return content;
}

/** The error a client gets, with its status and message (kept for the leak check). */
async function askFailing(client: OpenAI, text: string): Promise<{ status: number; message: string }> {
  try {
    await ask(client, text);
  } catch (error) {
    const { status, message } = error as { status: number; message: string };
    visible.push(message);
    return { status, message };
  }
  assert.fail("the request should have failed");
}

test.after(() => assertNoSecrets(visible, secrets));

test("one gateway, an expired login, 60 concurrent requests: one token request, no failures, the new tokens stored (0600), the old refresh token never sent again", async (t) => {
  const w = await oauthWorld({ expiresIn: -MINUTE, tokenDelayMs: 150 });
  t.after(() => w.close());
  const client = w.client();
  const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => ask(client, `hello ${i}`)));
  assert.equal(answers.length, 60);
  answers.forEach((answer, i) => assert.equal(answer, `Hello from the openai fake: hello ${i}`));
  assert.deepEqual(w.idp.refreshTokensSent(), [FIRST_REFRESH]);
  const stored = w.store().profiles[PROFILE];
  assert.notEqual(stored.access, w.access);
  assert.notEqual(stored.refresh, FIRST_REFRESH);
  assert.ok(stored.expires > Date.now() + 50 * MINUTE);
  assert.equal(stored.projectId, "proj-1", "fields the refresh does not mention are kept");
  assert.equal(stored.email, "user@example.com", "the id_token's email is the login's");
  assert.equal(statSync(w.world.home.storePath).mode & 0o777, 0o600);
  const sent = w.world.openai.requests.map((request) => request.credential);
  assert.ok(sent.every((credential) => credential === stored.access), "every upstream request carried the refreshed token, none the expired one");
  // And later requests use it without another refresh.
  await ask(client, "later");
  assert.equal(w.idp.tokenRequests().length, 1);
  const log = w.world.gateway.output().stdout;
  assert.equal(log.match(/oauth refresh acme:default: refreshed \(\d+ ms\)/g)?.length, 1, log);
});

test("four gateway processes on one state dir, an expired login, 80 requests spread over them: one token request in total, no failures", async (t) => {
  const w = await oauthWorld({ expiresIn: -MINUTE, tokenDelayMs: 200, gateways: 4 });
  t.after(() => w.close());
  const gateways = [w.world.gateway, ...w.extra];
  const clients = gateways.map((gateway) => w.client(gateway));
  const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => ask(clients[i % clients.length]!, `spread ${i}`)));
  answers.forEach((answer, i) => assert.equal(answer, `Hello from the openai fake: spread ${i}`));
  assert.deepEqual(w.idp.refreshTokensSent(), [FIRST_REFRESH]);
  const stored = w.store().profiles[PROFILE];
  assert.ok(w.world.openai.requests.every((request) => request.credential === stored.access));
  const logs = gateways.map((gateway) => gateway.output().stdout).join("\n");
  assert.equal(logs.match(/oauth refresh acme:default: refreshed/g)?.length, 1, logs);
});

test("proactive: a token 3 minutes from expiry is refreshed before use; one 30 minutes from expiry is not", async (t) => {
  const soon = await oauthWorld({ expiresIn: 3 * MINUTE });
  t.after(() => soon.close());
  await ask(soon.client(), "soon");
  assert.equal(soon.idp.tokenRequests().length, 1);
  assert.equal(soon.world.openai.requests[0]!.credential, soon.store().profiles[PROFILE].access);
  assert.notEqual(soon.world.openai.requests[0]!.credential, soon.access);

  const later = await oauthWorld({ expiresIn: 30 * MINUTE });
  t.after(() => later.close());
  await ask(later.client(), "later");
  assert.equal(later.idp.tokenRequests().length, 0);
  assert.equal(later.world.openai.requests[0]!.credential, later.access);
});

test("a 401 on a locally fresh token: one forced refresh and one retry, which succeeds", async (t) => {
  const w = await oauthWorld({ expiresIn: 60 * MINUTE });
  t.after(() => w.close());
  w.world.openai.script(w.access, { status: 401, body: openaiError("Your token was revoked.", "invalid_request_error", "invalid_api_key") });
  assert.equal(await ask(w.client(), "revoked"), "Hello from the openai fake: revoked");
  assert.deepEqual(w.idp.refreshTokensSent(), [FIRST_REFRESH]);
  const fresh = w.store().profiles[PROFILE].access;
  assert.deepEqual(w.world.openai.requests.map((r) => r.credential), [w.access, fresh]);
  assert.equal(w.store().usageStats?.[PROFILE]?.errorCount ?? 0, 0, "the first 401 is not held against the login");
});

test("a 401 again after the refresh: no second refresh, and the client hears that the login was rejected", async (t) => {
  const w = await oauthWorld({ expiresIn: 60 * MINUTE });
  t.after(() => w.close());
  w.world.openai.script(ANY_CREDENTIAL, { status: 401, body: openaiError("Nope.", "invalid_request_error", "invalid_api_key") });
  const { status, message } = await askFailing(w.client(), "twice");
  assert.equal(status, 401);
  assert.match(message, /acme rejected profile:acme:default .*Replace it: openclaw models auth login --provider acme/);
  assert.equal(w.idp.tokenRequests().length, 1);
  assert.equal(w.world.openai.requests.length, 2);
});

test("invalid_grant: the login is disabled (auth_permanent) and the client is told to log in again", async (t) => {
  const w = await oauthWorld({ expiresIn: -MINUTE, refresh: "rt-unknown-to-the-idp-0123456789abcdef" });
  secrets.push("rt-unknown-to-the-idp-0123456789abcdef");
  t.after(() => w.close());
  const { status, message } = await askFailing(w.client(), "gone");
  assert.equal(status, 401);
  assert.match(message, /openclaw models auth login --provider acme/);
  assert.equal(w.world.openai.requests.length, 0, "nothing was sent upstream with the expired token");
  await waitFor("auth_permanent stored", () => w.store().usageStats?.[PROFILE]?.disabledReason === "auth_permanent");
  // The next request does not try again: the login is disabled until the user logs in.
  const next = await askFailing(w.client(), "again");
  assert.equal(next.status, 401);
  assert.match(next.message, /acme:default is disabled for .*Log in again: openclaw models auth login --provider acme/);
  assert.equal(w.idp.tokenRequests().length, 1);
});

test("invalid_grant, but another process stored a newer login meanwhile: that one is used", async (t) => {
  const w = await oauthWorld({ expiresIn: -MINUTE, refresh: "rt-stale-0123456789abcdef0123456789ab", tokenDelayMs: 600 });
  secrets.push("rt-stale-0123456789abcdef0123456789ab");
  t.after(() => w.close());
  const newer = fakeJwt({ n: 99, who: "another-process" });
  const newerRefresh = "rt-newer-0123456789abcdef0123456789ab";
  secrets.push(newer, newerRefresh);
  const answer = ask(w.client(), "adopt");
  await waitFor("the token request", () => w.idp.tokenRequests().length === 1);
  const store = w.store();
  store.profiles[PROFILE] = { ...store.profiles[PROFILE], access: newer, refresh: newerRefresh, expires: Date.now() + 60 * MINUTE };
  writeJson(w.world.home.storePath, store);
  assert.equal(await answer, "Hello from the openai fake: adopt");
  assert.deepEqual(w.world.openai.requests.map((r) => r.credential), [newer]);
  assert.equal(w.store().usageStats?.[PROFILE]?.disabledReason, undefined);
});

test("the token endpoint down or cut off: a retryable 502, no cooldown, and the next request succeeds once it is back", async (t) => {
  const w = await oauthWorld({ expiresIn: -MINUTE });
  t.after(() => w.close());
  const client = w.client();
  w.idp.setMode("down");
  const down = await askFailing(client, "down");
  assert.equal(down.status, 502);
  assert.match(down.message, /OAuth refresh for acme:default failed for now/);
  w.idp.setMode("drop");
  assert.equal((await askFailing(client, "dropped")).status, 502);
  assert.equal(w.store().usageStats?.[PROFILE]?.cooldownUntil, undefined);
  w.idp.setMode("ok");
  assert.equal(await ask(client, "back"), "Hello from the openai fake: back");
  assert.equal(w.world.openai.requests.length, 1);
});
