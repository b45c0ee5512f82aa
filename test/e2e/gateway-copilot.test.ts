// GitHub Copilot through the gateway (issue 11, spec §4.4): the stored GitHub
// token (what `login-github-copilot` writes) is exchanged for a Copilot token,
// which is what the model API receives; the GitHub token never goes there.
// Concurrent requests share one exchange, the token is cached in the state dir
// for the next process, and a GitHub token without Copilot access is a 401
// naming the login command, not a 5xx.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import OpenAI from "openai";
import { assertNoSecrets, makeHome, readJson, writeJson } from "../helpers/cli.ts";
import { fakeCopilotToken, startFakeCopilotExchange } from "../helpers/fake-copilot-token.ts";
import { echo, startFakeWireUpstream } from "../helpers/fake-wire-upstream.ts";
import { GATEWAY_TOKEN, spawnGateway } from "../helpers/gateway.ts";
import { copilotTokenCachePath } from "../../src/providers/copilot/copilot-token.ts";

const GITHUB_TOKEN = "gho_FakeGitHubLoginToken0123456789abcdefXYZ";
const NO_COPILOT = "gho_FakeGitHubWithoutCopilot0123456789abcd";
const secrets: string[] = [GITHUB_TOKEN, NO_COPILOT];
const visible: string[] = [];
test.after(() => assertNoSecrets(visible, secrets));

async function copilotWorld(t: { after(fn: () => Promise<void>): void }, githubToken: string) {
  const [wire, exchange] = await Promise.all([startFakeWireUpstream(), startFakeCopilotExchange({ githubTokens: [GITHUB_TOKEN], expiresAt: () => Math.floor(Date.now() / 1000) + 1800 })]);
  const home = makeHome();
  // Config names the API host (the fake's): it wins over the token's proxy-ep.
  writeJson(home.configPath, { models: { providers: { "github-copilot": { baseUrl: `${wire.url}/v1`, oauth: { copilotTokenUrl: exchange.url } } } } });
  writeJson(home.storePath, { version: 1, profiles: { "github-copilot:github": { type: "token", provider: "github-copilot", token: githubToken } } });
  const gateway = await spawnGateway(home);
  t.after(async () => {
    const out = await gateway.stop();
    visible.push(out.stdout, out.stderr);
    await Promise.all([wire.close(), exchange.close()]);
    home.cleanup();
  });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
  return { wire, exchange, client, home };
}

test("requests carry the Copilot token, never the GitHub token; concurrent requests share one exchange; the token is cached 0600", async (t) => {
  const w = await copilotWorld(t, GITHUB_TOKEN);
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => w.client.chat.completions.create({ model: "github-copilot/gpt-4.1", messages: [{ role: "user", content: `hi ${i}` }] })),
  );
  answers.forEach((answer, i) => assert.equal(answer.choices[0]!.message.content, echo(`hi ${i}`)));
  visible.push(JSON.stringify(answers));
  assert.equal(w.exchange.requests.length, 1, "one exchange for twenty concurrent requests");
  assert.equal(w.exchange.requests[0]!.headers.authorization, `Bearer ${GITHUB_TOKEN}`);
  assert.match(String(w.exchange.requests[0]!.headers["user-agent"]), /^openclaw\//);
  const copilotToken = fakeCopilotToken(1);
  secrets.push(copilotToken);
  assert.equal(w.wire.requests.length, 20);
  for (const seen of w.wire.requests) {
    assert.equal(seen.path, "/v1/chat/completions");
    assert.equal(seen.credential, copilotToken, "the model API gets the Copilot token");
    assert.match(String(seen.headers["editor-version"]), /^openclaw\//, "we name ourselves, not an editor");
    assert.equal(seen.headers["copilot-integration-id"], undefined);
  }
  const cache = copilotTokenCachePath(w.home.stateDir);
  assert.ok(existsSync(cache));
  assert.equal(statSync(cache).mode & 0o777, 0o600);
  assert.equal(readJson(cache).token, copilotToken);
  // The stored login is unchanged: the Copilot token lives in the cache only.
  assert.equal(readJson(w.home.storePath).profiles["github-copilot:github"].token, GITHUB_TOKEN);
});

test("a GitHub token without Copilot access: 401 naming login-github-copilot, no request upstream, no 5xx", async (t) => {
  const w = await copilotWorld(t, NO_COPILOT);
  const failure = await w.client.chat.completions.create({ model: "github-copilot/gpt-4.1", messages: [{ role: "user", content: "hi" }] }).then(
    () => assert.fail("expected a refusal"),
    (error: InstanceType<typeof OpenAI.APIError>) => error,
  );
  visible.push(String(failure.message), JSON.stringify(failure.error ?? {}));
  assert.equal(failure.status, 401);
  assert.match(String(failure.message), /openclaw models auth login-github-copilot/);
  assert.equal(w.wire.requests.length, 0);
  assert.equal(w.exchange.requests.length, 1);
});

test("the exchange endpoint down: a retryable 502 without cooldown, and the next request succeeds once it is back", async (t) => {
  const w = await copilotWorld(t, GITHUB_TOKEN);
  const normal = w.exchange.answer;
  w.exchange.answer = () => ({ status: 503, body: { message: "unavailable" } });
  const failure = await w.client.chat.completions.create({ model: "github-copilot/gpt-4.1", messages: [{ role: "user", content: "hi" }] }).then(
    () => assert.fail("expected a failure"),
    (error: InstanceType<typeof OpenAI.APIError>) => error,
  );
  visible.push(String(failure.message));
  assert.equal(failure.status, 502);
  w.exchange.answer = normal;
  const answer = await w.client.chat.completions.create({ model: "github-copilot/gpt-4.1", messages: [{ role: "user", content: "again" }] });
  assert.equal(answer.choices[0]!.message.content, echo("again"));
  const usage = readJson(w.home.storePath).usageStats?.["github-copilot:github"];
  assert.equal(usage?.cooldownUntil, undefined, "no cooldown for the exchange's outage");
});

test("the model API refuses the cached Copilot token (401): one new exchange and one retry, then served", async (t) => {
  const w = await copilotWorld(t, GITHUB_TOKEN);
  const first = await w.client.chat.completions.create({ model: "github-copilot/gpt-4.1", messages: [{ role: "user", content: "one" }] });
  assert.equal(first.choices[0]!.message.content, echo("one"));
  const revoked = fakeCopilotToken(1);
  secrets.push(revoked, fakeCopilotToken(2));
  w.wire.script(revoked, { status: 401, message: "token revoked" });
  const answer = await w.client.chat.completions.create({ model: "github-copilot/gpt-4.1", messages: [{ role: "user", content: "two" }] });
  visible.push(JSON.stringify(answer));
  assert.equal(answer.choices[0]!.message.content, echo("two"));
  assert.equal(w.exchange.requests.length, 2, "exchanged again after the 401");
  assert.equal(w.wire.requests.at(-1)!.credential, fakeCopilotToken(2));
  assert.equal(readJson(copilotTokenCachePath(w.home.stateDir)).token, fakeCopilotToken(2), "the cache holds the new token");
  const usage = readJson(w.home.storePath).usageStats?.["github-copilot:github"];
  assert.equal(usage?.cooldownUntil, undefined, "the first 401 is not held against the login");
});
