// Honest answers from the real gateway (issue 6; DESIGN §4.3 "Honest answers"):
// a request is served by the model it names or its configured fallbacks and
// every answer says which; what only the user can fix is a non-retryable 4xx
// with the fix; only "everything is cooling down" is a 429, with the earliest
// Retry-After; and the gateway's own token never goes upstream.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets, readJson } from "../helpers/cli.ts";
import { anthropicError, openaiError } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, watchForLeaks, health, seenSince, startWorld, usageWritten, waitFor, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-honestA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-honestB-" + "2".repeat(40);
const OPENAI_KEY = "sk-proj-" + "o".repeat(30) + "-honestO-" + "3".repeat(30);
const ENV_OPENAI_KEY = "sk-proj-" + "e".repeat(30) + "-honestE-" + "4".repeat(30);
const SETUP_TOKEN = "sk-ant-oat01-" + "t".repeat(45) + "-honestT-" + "5".repeat(45);
const SECRETS = [KEY_A, KEY_B, OPENAI_KEY, ENV_OPENAI_KEY, SETUP_TOKEN, GATEWAY_TOKEN];

const OPUS = "claude-opus-4-6";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const user = (text: string) => [{ role: "user" as const, content: text }];

const { clientVisible, closeWorld, post } = watchForLeaks(SECRETS);

/** SDK clients in their default settings (retries on), counting the HTTP calls they make. */
function countingClients(world: GatewayWorld) {
  let calls = 0;
  const fetchCounting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  return {
    openai: new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, fetch: fetchCounting }),
    anthropic: new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, fetch: fetchCounting }),
    calls: () => calls,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number; headers?: Headers; error?: any }> {
  try {
    await promise;
  } catch (error) {
    const err = error as Error & { error?: unknown };
    clientVisible.push(err.message, JSON.stringify(err.error ?? null));
    return err;
  }
  assert.fail("expected the request to fail");
}

describe("no silent substitution: the requested model or its configured fallbacks, and the answer says which", () => {
  test("a rate-limited or credential-less model is answered by neither the primary nor the primary's fallbacks", async (t) => {
    const world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "openai:x": apiKeyProfile("openai", OPENAI_KEY) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}`, fallbacks: [`anthropic/claude-sonnet-4-6`] } } } },
      providers: ({ openai }) => ({ local: { api: "openai-completions", baseUrl: `${openai.url}/v1` } }),
    });
    t.after(() => closeWorld(world));
    world.openai.script(OPENAI_KEY, { status: 429, headers: { "retry-after": "20" }, body: openaiError("Rate limit reached", "rate_limit_error", "rate_limit_exceeded") });

    const limited = await post(world, "/v1/chat/completions", { model: "openai/gpt-5.2", messages: user("x") });
    assert.equal(limited.status, 429, limited.text);
    const noCredential = await post(world, "/v1/chat/completions", { model: "local/some-model", messages: user("x") });
    assert.equal(noCredential.status, 401, noCredential.text);
    assert.equal(noCredential.json.error.code, "no_credentials");
    assert.match(noCredential.json.error.message, /No credentials for local.*paste-api-key --provider local/);
    assert.equal(world.anthropic.requests.length, 0, "neither the primary nor its fallback (anthropic) was asked");
    for (const answer of [limited, noCredential]) assert.equal(answer.headers.get("x-openclaw-model"), null, "an error names no model as having served it");
  });

  test("the primary's fallback serves a request for the primary (by default, by name, or with no model) and says so in x-openclaw-model / -profile / -fallback, streaming or not; a direct answer names itself", async (t) => {
    const world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "openai:x": apiKeyProfile("openai", OPENAI_KEY) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}`, fallbacks: ["openai/gpt-5.2"] } } } },
    });
    t.after(() => closeWorld(world));
    const direct = await post(world, "/v1/messages", { model: "default", max_tokens: 8, messages: user("direct") });
    assert.equal(direct.status, 200);
    assert.equal(direct.headers.get("x-openclaw-model"), `anthropic/${OPUS}`);
    assert.equal(direct.headers.get("x-openclaw-profile"), "anthropic:a");
    assert.equal(direct.headers.get("x-openclaw-fallback"), null);

    world.anthropic.script(KEY_A, { status: 529, body: anthropicError("overloaded_error", "Overloaded") });
    for (const [model, stream] of [["default", false], ["default", true], [`anthropic/${OPUS}`, false], [undefined, true]] as const) {
      const served = await post(world, "/v1/messages", { ...(model ? { model } : {}), max_tokens: 8, stream, messages: user("fall back") });
      assert.equal(served.status, 200, served.text);
      assert.equal(served.headers.get("x-openclaw-model"), "openai/gpt-5.2");
      assert.equal(served.headers.get("x-openclaw-profile"), "openai:x");
      assert.equal(served.headers.get("x-openclaw-fallback"), `anthropic/${OPUS}`);
    }
    await waitFor("a request log naming the fallback", () => /model=openai\/gpt-5\.2 profile=openai:x fallback-for=anthropic\/claude-opus-4-6/.test(world.gateway.output().stdout));
  });

  test("an environment key is named by its variable, never by its value", async (t) => {
    const world = await startWorld({ env: { OPENAI_API_KEY: ENV_OPENAI_KEY } });
    t.after(() => closeWorld(world));
    const served = await post(world, "/v1/chat/completions", { model: "openai/gpt-5.2", messages: user("env") });
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("x-openclaw-profile"), "env:OPENAI_API_KEY");
    assert.equal(seenSince(world.openai, 0)[0], ENV_OPENAI_KEY);
  });
});

describe("what only the user can fix is not retryable", () => {
  test("no credential, expired token, disabled credential: 4xx with the fix, and the SDKs (retries on) ask once", async (t) => {
    const now = Date.now();
    const world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:manual": { type: "token", provider: "anthropic", token: SETUP_TOKEN, expires: now - 2 * HOUR },
          "openai:x": apiKeyProfile("openai", OPENAI_KEY),
          "billed:b": apiKeyProfile("billed", KEY_B),
        },
        usageStats: {
          "openai:x": { disabledUntil: now + 5 * HOUR, disabledReason: "auth_permanent", errorCount: 1, failureCounts: { auth_permanent: 1 }, lastFailureAt: now },
          "billed:b": { disabledUntil: now + 5 * HOUR, disabledReason: "billing", errorCount: 1, failureCounts: { billing: 1 }, lastFailureAt: now },
        },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
      providers: ({ openai }) => ({ local: { api: "openai-completions", baseUrl: `${openai.url}/v1` }, billed: { api: "openai-completions", baseUrl: `${openai.url}/v1` } }),
    });
    t.after(() => closeWorld(world));
    const clients = countingClients(world);

    const expired = await rejection(clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("x") }));
    assert.ok(expired instanceof Anthropic.AuthenticationError, `got ${expired.constructor.name}: ${expired.message}`);
    assert.match(expired.message, /expired \(anthropic:manual 2h ago\).*setup-token/);
    assert.equal(clients.calls(), 1, "the Anthropic SDK did not retry");

    const missing = await rejection(clients.openai.chat.completions.create({ model: "local/m", messages: user("x") }));
    assert.ok(missing instanceof OpenAI.AuthenticationError, `got ${missing.constructor.name}`);
    assert.equal((missing.error as { code?: string } | undefined)?.code, "no_credentials");
    assert.equal(clients.calls(), 2, "the OpenAI SDK did not retry");

    const disabled = await rejection(clients.openai.chat.completions.create({ model: "openai/gpt-5.2", messages: user("x") }));
    assert.ok(disabled instanceof OpenAI.AuthenticationError, `got ${disabled.constructor.name}`);
    assert.match(disabled.message, /openai:x is disabled for 5h.*paste-api-key --provider openai/);
    assert.equal(clients.calls(), 3);

    const billing = await post(world, "/v1/messages", { model: "billed/m", max_tokens: 8, messages: user("x") });
    assert.equal(billing.status, 402, billing.text);
    assert.equal(billing.json.error.type, "billing_error");
    assert.match(billing.json.error.message, /billing problem/);
    assert.equal(billing.headers.get("retry-after"), null);

    assert.equal(world.anthropic.requests.length + world.openai.requests.length, 0, "nothing was sent upstream");
  });

  test("every credential rejected by the provider right now: 401 naming the fix, not a retryable 5xx", async (t) => {
    const world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    world.anthropic.script(KEY_A, { status: 401, body: anthropicError("authentication_error", "invalid x-api-key") });
    world.anthropic.script(KEY_B, { status: 403, body: anthropicError("permission_error", "Your API key has been revoked") });
    const answer = await post(world, "/v1/messages", { model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("x") });
    assert.equal(answer.status, 401, answer.text);
    assert.equal(answer.json.error.type, "authentication_error");
    assert.match(answer.json.error.message, /anthropic rejected profile:anthropic:a.*paste-api-key --provider anthropic/);
    assert.deepEqual(seenSince(world.anthropic, 0), [KEY_A, KEY_B]);
  });
});

describe("only 'everything is cooling down' is a 429, with the earliest Retry-After", () => {
  test("one profile cooling for 30 s, the other rate-limited now for 45 s: retry-after is 30 s", async (t) => {
    const now = Date.now();
    const world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
        usageStats: { "anthropic:a": { modelCooldowns: { [OPUS]: { until: now + 30_000, reason: "rate_limit", errorCount: 1 } } } },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    world.anthropic.script(KEY_B, { status: 429, headers: { "retry-after": "45" }, body: anthropicError("rate_limit_error", "rate limited") });
    const answer = await post(world, "/v1/messages", { model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("x") });
    assert.equal(answer.status, 429, answer.text);
    const retryAfter = Number(answer.headers.get("retry-after"));
    assert.ok(retryAfter > 20 && retryAfter <= 30, `retry-after ${retryAfter}: anthropic:a frees up first`);
    assert.deepEqual(seenSince(world.anthropic, 0), [KEY_B], "the cooling profile was not called");
  });
});

describe("the gateway token never goes upstream", () => {
  test("an env key or a stored key equal to the gateway token is skipped with one warning; the real key serves", async (t) => {
    const world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:proxy": apiKeyProfile("anthropic", GATEWAY_TOKEN), "anthropic:real": apiKeyProfile("anthropic", KEY_A) },
        order: { anthropic: ["anthropic:proxy", "anthropic:real"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
      env: { OPENAI_API_KEY: GATEWAY_TOKEN },
    });
    t.after(() => closeWorld(world));
    for (let i = 0; i < 3; i++) {
      const served = await post(world, "/v1/messages", { model: `anthropic/${OPUS}`, max_tokens: 8, messages: user(`x${i}`) });
      assert.equal(served.status, 200, served.text);
      assert.equal(served.headers.get("x-openclaw-profile"), "anthropic:real");
    }
    const onlyToken = await post(world, "/v1/chat/completions", { model: "openai/gpt-5.2", messages: user("x") });
    assert.equal(onlyToken.status, 401, onlyToken.text);
    assert.equal(world.openai.requests.length, 0);
    for (const seen of [...world.anthropic.requests, ...world.openai.requests]) assertNoSecrets([JSON.stringify(seen.headers), JSON.stringify(seen.body)], [GATEWAY_TOKEN]);
    const { stderr } = world.gateway.output();
    assert.equal(stderr.match(/profile:anthropic:proxy holds the gateway's own token/g)?.length, 1, stderr);
    assert.equal(stderr.match(/OPENAI_API_KEY holds the gateway's own token/g)?.length, 1, stderr);
    assert.equal((await health(world)).ok, true);
  });

  test("nothing usable was used: no usage is recorded for skipped credentials", async (t) => {
    const world = await startWorld({
      store: { version: 1, profiles: { "anthropic:proxy": apiKeyProfile("anthropic", GATEWAY_TOKEN), "anthropic:real": apiKeyProfile("anthropic", KEY_A) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    const before = (await health(world)).usage.writes;
    assert.equal((await post(world, "/v1/messages", { model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("x") })).status, 200);
    await usageWritten(world, before);
    const store = readJson(world.home.storePath);
    assert.equal(store.usageStats["anthropic:proxy"], undefined);
    assert.ok(store.usageStats["anthropic:real"].lastUsed);
  });
});
