// Codex over the ChatGPT backend (issue 11): `openai-codex/<model>` served by
// the backend's Responses API with the login's account header, `store: false`,
// always streamed upstream (a whole answer is assembled for clients that did
// not ask for a stream), the token refreshed first when due; and OpenClaw
// 2026.9's `openai` OAuth login (its rename of `openai-codex`) on the SQLite
// store served the same way, while `openai` API keys still go to api.openai.com.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import OpenAI from "openai";
import { assertNoSecrets, makeHome, readJson, writeJson } from "../helpers/cli.ts";
import { fakeJwt, startFakeOAuthServer } from "../helpers/fake-oauth-server.ts";
import { startFakeProvider } from "../helpers/fake-upstream.ts";
import { echo, startFakeWireUpstream } from "../helpers/fake-wire-upstream.ts";
import { FIXTURE_GATEWAY_TOKEN, copyFixture2026 } from "../helpers/fixture-2026-9.ts";
import { GATEWAY_TOKEN, spawnGateway } from "../helpers/gateway.ts";
import { OPENAI_CODEX_CLIENT_ID } from "../../src/oauth/providers.ts";

const ACCOUNT = "acct-123"; // what the fake OAuth server puts in the tokens it issues
const FIRST_REFRESH = "rt-codex-initial-0123456789abcdef01234";
const secrets: string[] = [FIRST_REFRESH];
const visible: string[] = [];
test.after(() => assertNoSecrets(visible, secrets));

async function codexWorld(t: { after(fn: () => Promise<void>): void }) {
  const [wire, idp] = await Promise.all([startFakeWireUpstream(), startFakeOAuthServer({ clientId: OPENAI_CODEX_CLIENT_ID, initialRefresh: [FIRST_REFRESH] })]);
  const home = makeHome();
  const expired = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: ACCOUNT } });
  secrets.push(expired);
  writeJson(home.configPath, { models: { providers: { "openai-codex": { baseUrl: `${wire.url}/v1`, oauth: { tokenUrl: idp.url("/token") } } } } });
  writeJson(home.storePath, { version: 1, profiles: { "openai-codex:default": { type: "oauth", provider: "openai-codex", access: expired, refresh: FIRST_REFRESH, expires: Date.now() - 60_000 } } });
  const gateway = await spawnGateway(home);
  t.after(async () => {
    const out = await gateway.stop();
    visible.push(out.stdout, out.stderr);
    await Promise.all([wire.close(), idp.close()]);
    home.cleanup();
  });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
  return { wire, idp, client, expired, stored: () => readJson(home.storePath) };
}

function checkCodexRequest(seen: { path: string; headers: Record<string, unknown>; body: any; credential: string | undefined }, access: string): void {
  assert.equal(seen.path, "/v1/responses");
  assert.equal(seen.credential, access);
  assert.equal(seen.headers["chatgpt-account-id"], ACCOUNT);
  assert.equal(seen.headers["openai-beta"], "responses=experimental");
  assert.equal(seen.headers["originator"], "openclaw");
  assert.equal(seen.body.store, false);
  assert.equal(seen.body.stream, true);
  for (const refused of ["temperature", "max_output_tokens", "stream_options"]) assert.equal(seen.body[refused], undefined, `${refused} is not sent`);
}

test("a Chat Completions client, not streaming: refreshed first, sent streamed with the account header and store:false, answered whole", async (t) => {
  const w = await codexWorld(t);
  const answer = await w.client.chat.completions.create({ model: "openai-codex/gpt-5.3-codex", temperature: 0.2, max_tokens: 200, messages: [{ role: "user", content: "hi codex" }] });
  visible.push(JSON.stringify(answer));
  assert.equal(answer.choices[0]!.message.content, echo("hi codex"));
  assert.equal(w.idp.tokenRequests().length, 1);
  const access = w.stored().profiles["openai-codex:default"].access;
  secrets.push(access, w.stored().profiles["openai-codex:default"].refresh);
  assert.equal(w.stored().profiles["openai-codex:default"].accountId, ACCOUNT, "the account id is read from the new token");
  checkCodexRequest(w.wire.requests[0]!, access);
});

test("streaming Chat Completions and Responses clients, and a whole Responses answer", async (t) => {
  const w = await codexWorld(t);
  const stream = await w.client.chat.completions.create({ model: "openai-codex/gpt-5.2-codex", stream: true, messages: [{ role: "user", content: "stream me" }] });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  assert.equal(text, echo("stream me"));
  const whole = await w.client.responses.create({ model: "openai-codex/gpt-5.3-codex", input: "whole please", store: true });
  assert.equal(whole.output_text, echo("whole please"));
  const streamed = await w.client.responses.create({ model: "openai-codex/gpt-5.3-codex", input: "events please", stream: true });
  let deltas = "";
  for await (const event of streamed) if (event.type === "response.output_text.delta") deltas += event.delta;
  assert.equal(deltas, echo("events please"));
  visible.push(text, whole.output_text, deltas);
  const access = w.stored().profiles["openai-codex:default"].access;
  secrets.push(access, w.stored().profiles["openai-codex:default"].refresh);
  assert.equal(w.wire.requests.length, 3);
  for (const seen of w.wire.requests) checkCodexRequest(seen, access);
  assert.equal(w.idp.tokenRequests().length, 1);
});

test("OpenClaw 2026.9 (SQLite): the `openai:default` ChatGPT login goes to the Codex backend, refreshed and written back; `openai` API keys still go to api.openai.com", async (t) => {
  const fx = copyFixture2026();
  const [wire, openai, idp] = await Promise.all([startFakeWireUpstream(), startFakeProvider("openai"), startFakeOAuthServer({ clientId: OPENAI_CODEX_CLIENT_ID, initialRefresh: [FIRST_REFRESH] })]);
  const expired = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: ACCOUNT } });
  secrets.push(expired, ...fx.secrets);
  const store = fx.sharedStore();
  store.profiles["openai:default"] = { type: "oauth", provider: "openai", access: expired, refresh: FIRST_REFRESH, expires: Date.now() - 60_000, email: "alice@example.com" };
  fx.setMachineRow("authProfiles.store", store);
  const config = fx.config();
  config.models = { providers: { openai: { baseUrl: `${openai.url}/v1` }, "openai-codex": { baseUrl: `${wire.url}/v1` }, anthropic: { baseUrl: openai.url } } };
  config.models.providers.openai.oauth = { tokenUrl: idp.url("/token") };
  // What OpenClaw's login writes next to the credential (spec §3.2).
  config.auth.profiles["openai:default"] = { provider: "openai", mode: "oauth" };
  writeFileSync(fx.configPath, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  const gateway = await spawnGateway(fx, { env: { OPENCLAW_GATEWAY_TOKEN: undefined } });
  t.after(async () => {
    const out = await gateway.stop();
    visible.push(out.stdout, out.stderr);
    await Promise.all([wire.close(), openai.close(), idp.close()]);
    fx.cleanup();
  });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: FIXTURE_GATEWAY_TOKEN, maxRetries: 0 });
  const ask = async (model: string, content: string) => {
    const answer = await client.chat.completions.create({ model, messages: [{ role: "user", content }] });
    visible.push(JSON.stringify(answer));
    return answer.choices[0]!.message.content;
  };
  assert.equal(await ask("openai-codex/gpt-5.3-codex", "via codex"), echo("via codex"));
  assert.equal(await ask("openai/gpt-5.3-codex@openai:default", "via the renamed login"), echo("via the renamed login"));
  assert.equal(await ask("openai/gpt-5.2@openai:manual", "via the key"), "Hello from the openai fake: via the key");
  assert.equal(idp.tokenRequests().length, 1);
  const refreshed = fx.sharedStore().profiles["openai:default"];
  secrets.push(refreshed.access, refreshed.refresh);
  assert.notEqual(refreshed.access, expired);
  assert.equal(refreshed.email, "user@example.com");
  assert.equal(refreshed.accountId, ACCOUNT);
  assert.equal(wire.requests.length, 2);
  for (const seen of wire.requests) checkCodexRequest(seen, refreshed.access);
  assert.equal(openai.requests.length, 1);
  assert.ok(!openai.requests[0]!.credential?.startsWith("ey"), "api.openai.com never gets the ChatGPT login");
});
