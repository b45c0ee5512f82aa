// Chat sessions and `/model` (issue 9) through the real gateway with the
// official SDKs: every command form and its replies in each client API
// (streamed or not), pins kept per session in sessions.json and used upstream,
// isolation between sessions, a restart, /new rotation, the broken-pin and
// all-in-cooldown answers, and keyFrom "user".
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { anthropicError } from "../helpers/fake-upstream.ts";
import { withFileLock } from "../../src/state/file-lock.ts";
import { GATEWAY_TOKEN, apiKeyProfile, spawnGateway, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-sessionsA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-sessionsB-" + "2".repeat(40);
const OPENAI_KEY = "sk-proj-" + "o".repeat(30) + "-sessionsO-" + "3".repeat(30);
const SECRETS = [KEY_A, KEY_B, OPENAI_KEY, GATEWAY_TOKEN];
const { clientVisible, closeWorld } = watchForLeaks(SECRETS);

let world: GatewayWorld;
const store = {
  version: 1,
  profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B), "openai:default": apiKeyProfile("openai", OPENAI_KEY) },
  order: { anthropic: ["anthropic:a", "anthropic:b"] },
};

before(async () => {
  world = await startWorld({ store, config: { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" }, models: { "anthropic/claude-opus-4-6": { alias: "opus" }, "openai/gpt-5.2": { alias: "gpt" } } } } } });
});
after(() => closeWorld(world));

const openai = (session?: string) => new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0, ...(session ? { defaultHeaders: { "x-openclaw-session-key": session } } : {}) });
const anthropic = (session?: string) => new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0, ...(session ? { defaultHeaders: { "x-openclaw-session-key": session } } : {}) });

/** A chat turn through Chat Completions: the reply text and the served-by headers. */
async function say(session: string | undefined, text: string, model = "default"): Promise<{ text: string; model: string | null; profile: string | null }> {
  const { data, response } = await openai(session).chat.completions.create({ model, messages: [{ role: "user", content: text }] }).withResponse();
  const reply = data.choices[0]!.message.content ?? "";
  clientVisible.push(reply);
  return { text: reply, model: response.headers.get("x-openclaw-model"), profile: response.headers.get("x-openclaw-profile") };
}

const sessionsFile = () => JSON.parse(readFileSync(join(world.home.stateDir, "agents", "main", "sessions", "sessions.json"), "utf8"));

describe("the commands, answered by the gateway in each client's API", () => {
  test("/model: the current model and how to switch; nothing goes upstream", async () => {
    const before = world.anthropic.requests.length + world.openai.requests.length;
    const reply = await say(undefined, "/model");
    assert.equal(reply.text, ["Current: anthropic/claude-opus-4-6", "", "Switch: /model <provider/model>", "Browse: /models (providers) or /models <provider> (models)", "More: /model status"].join("\n"));
    assert.equal(reply.model, "anthropic/claude-opus-4-6");
    assert.equal(world.anthropic.requests.length + world.openai.requests.length, before);
  });

  test("/model status, streamed to the Anthropic SDK: the spec's view with masked profiles and their flags", async () => {
    const stream = anthropic().messages.stream({ model: "default", max_tokens: 64, messages: [{ role: "user", content: "/model status" }] });
    const message = await stream.finalMessage();
    const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    clientVisible.push(text);
    assert.match(text, /^Current: anthropic\/claude-opus-4-6\nDefault: anthropic\/claude-opus-4-6\nAgent: main\nAuth file: .*auth-profiles\.json/);
    assert.match(text, /\[anthropic\] endpoint: http:\/\/127\.0\.0\.1:\d+ api: anthropic-messages auth: anthropic:a=sk-ant-a\.\.\.[^ ]+ \(next\), anthropic:b=/);
    assert.match(text, /  • anthropic\/claude-opus-4-6 \(opus\)/);
    assert.match(text, /\[openai\] endpoint: .* api: openai-completions auth: openai:default=sk-proj-/);
    for (const secret of SECRETS) assert.ok(!text.includes(secret));
  });

  test("/models and /models <provider>, through the Responses API", async () => {
    const client = openai();
    const providers = (await client.responses.create({ model: "default", input: "/models" })).output_text;
    assert.match(providers, /^Providers:\n  anthropic \(1 model\)\n  openai \(1 model\)/);
    const models = (await client.responses.create({ model: "default", input: "/models openai" })).output_text;
    assert.match(models, /^Models \(openai\):\n  • openai\/gpt-5\.2 \(gpt\)/);
    const list = (await client.responses.create({ model: "default", input: "/model list" })).output_text;
    assert.equal(list, providers);
    const streamed = await client.responses.stream({ model: "default", input: "/models" }).finalResponse();
    assert.equal(streamed.output_text, providers, "streamed as the Responses event sequence");
    const anthropicWhole = await anthropic().messages.create({ model: "default", max_tokens: 64, messages: [{ role: "user", content: "/models" }] });
    assert.equal(anthropicWhole.content[0]!.type === "text" && anthropicWhole.content[0]!.text, providers);
  });

  test("validation replies: unknown profile, another provider's profile, unrecognized and not allowed models, numbers", async () => {
    assert.equal((await say("v", "/model anthropic/claude-opus-4-6@nope")).text, 'Auth profile "nope" not found.');
    assert.equal((await say("v", "/model opus@openai:default")).text, 'Auth profile "openai:default" is for openai, not anthropic.');
    assert.equal((await say("v", "/model zzz/qq")).text, 'Unrecognized model "zzz/qq". Use /models to list providers, or /models <provider> to list models.');
    assert.equal((await say("v", "/model anthropic/claude-sonnet-4-5")).text, 'Model "anthropic/claude-sonnet-4-5" is not allowed. Use /models to list providers, or /models <provider> to list models.');
    assert.match((await say("v", "/model 2")).text, /^Numeric model selection is not supported in chat\./);
  });

  test("a choice needs a session: without one, the reply says how to name it and nothing is stored", async () => {
    assert.match((await say(undefined, "/model gpt")).text, /names no session.*x-openclaw-session-key/s);
  });
});

describe("a pin governs its session, and only its session", () => {
  test("/model gpt@openai:default: replies, stored as the spec's fields, and the next turns go to OpenAI with that profile", async () => {
    const set = await say("work", "/model gpt@openai:default");
    assert.equal(set.text, "Model set to openai/gpt-5.2.\nAuth profile set to openai:default.");
    const entry = sessionsFile()["agent:main:work"];
    assert.equal(entry.providerOverride, "openai");
    assert.equal(entry.modelOverride, "gpt-5.2");
    assert.equal(entry.authProfileOverride, "openai:default");
    assert.equal(entry.authProfileOverrideSource, "user");
    assert.match(entry.sessionId, /^[0-9a-f-]{36}$/);

    const served = await say("work", "hello there", "anthropic/claude-opus-4-6");
    assert.equal(served.model, "openai/gpt-5.2");
    assert.equal(served.profile, "openai:default");
    assert.equal(world.openai.requests.at(-1)!.credential, OPENAI_KEY);
    assert.equal(world.openai.requests.at(-1)!.body.model, "gpt-5.2");

    const other = await say("play", "hello there");
    assert.equal(other.model, "anthropic/claude-opus-4-6", "another session is not affected");
    assert.equal((await say("work", "/model")).text.split("\n")[0], "Current: openai/gpt-5.2");
  });

  test("a model change without @profile clears the pin; choosing the default resets", async () => {
    assert.equal((await say("work2", "/model opus@anthropic:b")).text, "Model reset to default (anthropic/claude-opus-4-6).\nAuth profile set to anthropic:b.");
    assert.equal((await say("work2", "hi")).profile, "anthropic:b", "the pinned profile, not the first in order");
    assert.equal((await say("work2", "/model gpt")).text, "Model set to openai/gpt-5.2.");
    const entry = sessionsFile()["agent:main:work2"];
    assert.equal(entry.authProfileOverride, undefined);
    assert.equal(entry.modelOverride, "gpt-5.2");
  });

  test("a user pin is used even while its profile cools down; a pin to a profile that is gone is a 404 that names it", async () => {
    await say("pinned", "/model opus@anthropic:b");
    world.anthropic.script(KEY_B, { status: 429, body: anthropicError("rate_limit_error", "slow down"), headers: { "retry-after": "30" } }, {});
    await assert.rejects(say("pinned", "one"), (error: unknown) => error instanceof OpenAI.RateLimitError);
    const again = await say("pinned", "two");
    assert.equal(again.profile, "anthropic:b", "no rotation to anthropic:a");

    await say("gone", "/model opus@anthropic:b");
    // Under the store's lock, as any writer: the gateway's usage write (the 429's cooldown) may be under way.
    await withFileLock(world.home.storePath, async () => {
      const copy = JSON.parse(readFileSync(world.home.storePath, "utf8"));
      delete copy.profiles["anthropic:b"];
      copy.order.anthropic = ["anthropic:a"];
      writeFileSync(world.home.storePath, JSON.stringify(copy));
    });
    let error: unknown;
    for (let i = 0; i < 50; i++) {
      error = await say("gone", "hello").then(() => undefined, (e: unknown) => e);
      if (error) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(error instanceof OpenAI.NotFoundError, String(error));
    assert.match((error as Error).message, /Auth profile "anthropic:b" not found/);
    await withFileLock(world.home.storePath, async () => writeFileSync(world.home.storePath, JSON.stringify(store)));
  });
});

describe("auto pins, /new and a restart", () => {
  test("a session remembers what served it (auto), /new moves on to the next profile, and a user pin survives a restart", async () => {
    world.anthropic.script(KEY_B, {});
    let first;
    for (let i = 0; i < 50; i++) {
      first = await say("auto", "hello").catch(() => undefined);
      if (first?.profile === "anthropic:a") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(first?.profile, "anthropic:a");
    await waitForEntry("agent:main:auto", (entry) => entry.authProfileOverride === "anthropic:a");
    assert.equal(sessionsFile()["agent:main:auto"].authProfileOverrideSource, "auto");
    const before = sessionsFile()["agent:main:auto"].sessionId;
    const fresh = await say("auto", "/new");
    assert.equal(fresh.text, "New session started (new).\nModel: anthropic/claude-opus-4-6\nAuth profile: anthropic:b");
    assert.notEqual(sessionsFile()["agent:main:auto"].sessionId, before);
    assert.equal((await say("auto", "hello again")).profile, "anthropic:b");

    await say("kept", "/model gpt@openai:default");
    const second = await spawnGateway(world.home);
    try {
      const client = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0, defaultHeaders: { "x-openclaw-session-key": "kept" } });
      const { response } = await client.chat.completions.create({ model: "default", messages: [{ role: "user", content: "after restart" }] }).withResponse();
      assert.equal(response.headers.get("x-openclaw-model"), "openai/gpt-5.2");
      assert.equal(response.headers.get("x-openclaw-profile"), "openai:default");
    } finally {
      await second.stop();
    }
  });
});

async function waitForEntry(key: string, ready: (entry: any) => boolean): Promise<void> {
  for (let i = 0; i < 60; i++) {
    try {
      if (ready(sessionsFile()[key] ?? {})) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`session ${key} never matched: ${JSON.stringify(sessionsFile()[key])}`);
}

describe("edges", () => {
  test("x-openclaw-agent must name the gateway's agent; a session key with control characters is a 400", async () => {
    const error = await openai()
      .chat.completions.create({ model: "default", messages: [{ role: "user", content: "hi" }] }, { headers: { "x-openclaw-agent": "other" } })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.match(error.message, /serves agent "main", not "other"/);
    const main = await openai().chat.completions.create({ model: "default", messages: [{ role: "user", content: "hi" }] }, { headers: { "x-openclaw-agent": "main" } });
    assert.ok(main.choices[0]!.message.content);
    const bad = await fetch(`${world.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json", "x-openclaw-session-key": "x".repeat(201) },
      body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(bad.status, 400);
  });

  test("every profile of a session's model cooling down: a 429 with Retry-After, as without a session", async () => {
    await say("cool", "/model opus");
    for (const key of [KEY_A, KEY_B]) world.anthropic.script(key, { status: 429, body: anthropicError("rate_limit_error", "slow down"), headers: { "retry-after": "40" } }, {});
    await assert.rejects(say("cool", "one"), (error: unknown) => error instanceof OpenAI.RateLimitError);
    const error = await say("cool", "two").then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.ok(Number((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")) > 0);
    for (const key of [KEY_A, KEY_B]) world.anthropic.script(key, {});
  });

  test("a broken sessions.json is an error that names it, never an empty set of sessions, and is left as it is", async () => {
    const path = join(world.home.stateDir, "agents", "main", "sessions", "sessions.json");
    const good = readFileSync(path, "utf8");
    writeFileSync(path, "{ not json");
    const error = await say("work", "/model").then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.InternalServerError, String(error));
    assert.match((error as Error).message, /sessions\.json is not valid JSON/);
    assert.equal(readFileSync(path, "utf8"), "{ not json");
    writeFileSync(path, good);
  });
});

describe("gateway.sessions.keyFrom: user", () => {
  test("clients that cannot set headers name their session with OpenAI's user or Anthropic's metadata.user_id", async () => {
    const other = await startWorld({ store, config: { gateway: { sessions: { keyFrom: "user" } } } });
    try {
      const client = new OpenAI({ baseURL: `${other.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
      const set = await client.chat.completions.create({ model: "default", user: "alice", messages: [{ role: "user", content: "/model openai/gpt-5.2" }] });
      assert.equal(set.choices[0]!.message.content, "Model set to openai/gpt-5.2.");
      const { response } = await client.chat.completions.create({ model: "default", user: "alice", messages: [{ role: "user", content: "hi" }] }).withResponse();
      assert.equal(response.headers.get("x-openclaw-model"), "openai/gpt-5.2");
      const claude = new Anthropic({ baseURL: other.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
      const { response: fromAnthropic } = await claude.messages.create({ model: "default", max_tokens: 16, metadata: { user_id: "alice" }, messages: [{ role: "user", content: "hi" }] }).withResponse();
      assert.equal(fromAnthropic.headers.get("x-openclaw-model"), "openai/gpt-5.2", "the same session from the other API");
      const { response: bob } = await client.chat.completions.create({ model: "default", user: "bob", messages: [{ role: "user", content: "hi" }] }).withResponse();
      assert.equal(bob.headers.get("x-openclaw-model"), "anthropic/claude-opus-4-6");
    } finally {
      await other.close();
    }
  });
});
