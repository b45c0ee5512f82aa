// The smaller endpoints real clients call by default (issue 8), through the
// real gateway with the official SDKs: GET /v1/models/{id}, POST
// /v1/messages/count_tokens, n > 1, stop sequences, streamed input tokens and
// tool errors across the two APIs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { anthropicError, openaiCompletion } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-endpointsA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-endpointsB-" + "2".repeat(40);
const OPENAI_KEY = "sk-proj-" + "o".repeat(30) + "-endpointsO-" + "3".repeat(30);
const SECRETS = [KEY_A, KEY_B, OPENAI_KEY, GATEWAY_TOKEN];

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);

let world: GatewayWorld;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  world = await startWorld({
    store: {
      version: 1,
      profiles: {
        "anthropic:a": apiKeyProfile("anthropic", KEY_A),
        "anthropic:b": apiKeyProfile("anthropic", KEY_B),
        "openai:default": apiKeyProfile("openai", OPENAI_KEY),
      },
      order: { anthropic: ["anthropic:a", "anthropic:b"] },
    },
    config: {
      agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" }, models: { "openai/gpt-5-mini": { alias: "fast" }, "anthropic/claude-opus-4-6": {} } } },
    },
    // An Anthropic-format provider without a count_tokens endpoint (the OpenAI fake 404s it).
    providers: ({ openai: fake }) => ({ compat: { api: "anthropic-messages", baseUrl: fake.url, apiKey: OPENAI_KEY } }),
  });
  openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
});

after(() => closeWorld(world));

async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number; error?: any; param?: string | null; code?: string | null }> {
  try {
    await promise;
  } catch (error) {
    const err = error as Error & { error?: unknown };
    clientVisible.push(err.message, JSON.stringify(err.error ?? null));
    return err;
  }
  assert.fail("expected the request to fail");
}

const user = (text: string) => [{ role: "user" as const, content: text }];

describe("GET /v1/models/{id}", () => {
  test("both SDKs retrieve a provider/model id (the SDKs percent-encode the slash), an alias and default", async () => {
    const fromOpenAI = await openai.models.retrieve("anthropic/claude-opus-4-6");
    assert.deepEqual(fromOpenAI, { id: "anthropic/claude-opus-4-6", object: "model", created: 0, owned_by: "anthropic" });
    const fromAnthropic = await anthropic.models.retrieve("anthropic/claude-opus-4-6");
    assert.equal(fromAnthropic.type, "model");
    assert.equal(fromAnthropic.id, "anthropic/claude-opus-4-6");
    assert.equal(typeof fromAnthropic.display_name, "string");
    assert.equal((await openai.models.retrieve("fast")).owned_by, "openai");
    assert.match((await anthropic.models.retrieve("fast")).display_name, /openai\/gpt-5-mini/);
    assert.equal((await openai.models.retrieve("default")).id, "default");
  });

  test("an unencoded slash works too; an alias in other letters resolves to the model it names", async () => {
    const raw = await fetch(`${world.gateway.url}/v1/models/anthropic/claude-opus-4-6`, { headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } });
    assert.equal(raw.status, 200);
    assert.equal(((await raw.json()) as any).id, "anthropic/claude-opus-4-6");
    assert.equal((await openai.models.retrieve("FAST")).id, "openai/gpt-5-mini");
  });

  test("an unknown id is a 404 in each client's own error format", async () => {
    const fromOpenAI = await rejection(openai.models.retrieve("nope/no-such-model"));
    assert.ok(fromOpenAI instanceof OpenAI.NotFoundError);
    assert.equal(fromOpenAI.code, "model_not_found");
    const fromAnthropic = await rejection(anthropic.models.retrieve("anthropic/no-such-model"));
    assert.ok(fromAnthropic instanceof Anthropic.NotFoundError);
    assert.equal((fromAnthropic as { error?: any }).error.error.type, "not_found_error");
    const malformed = await fetch(`${world.gateway.url}/v1/models/%E0%A4%A`, { headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } });
    assert.equal(malformed.status, 404);
    const post = await fetch(`${world.gateway.url}/v1/models/fast`, { method: "POST", headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } });
    assert.equal(post.status, 405);
  });

  test("it needs the gateway token like every model route", async () => {
    const anonymous = await fetch(`${world.gateway.url}/v1/models/fast`);
    assert.equal(anonymous.status, 401);
  });
});

describe("POST /v1/messages/count_tokens", () => {
  test("an Anthropic provider counts exactly: the request passes through with a stored credential", async () => {
    const mark = world.anthropic.requests.length;
    const { data, response } = await anthropic.messages
      .countTokens({ model: "anthropic/claude-opus-4-6", system: "terse", messages: user("count me") })
      .withResponse();
    const seen = world.anthropic.requests.slice(mark);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.path, "/v1/messages/count_tokens");
    assert.equal(seen[0]!.credential, KEY_A);
    assert.deepEqual(seen[0]!.body, { model: "claude-opus-4-6", system: "terse", messages: user("count me") });
    assert.equal(data.input_tokens, JSON.stringify(user("count me")).length);
    assert.equal(response.headers.get("x-openclaw-token-count"), "exact");
    assert.equal(response.headers.get("x-openclaw-model"), "anthropic/claude-opus-4-6");
    assert.equal(response.headers.get("x-openclaw-profile"), "anthropic:a");
  });

  test("a rate-limited credential fails over to the next, as for messages", async () => {
    world.anthropic.script(KEY_A, { status: 429, body: anthropicError("rate_limit_error", "slow down") });
    try {
      const mark = world.anthropic.requests.length;
      const { data, response } = await anthropic.messages.countTokens({ model: "anthropic/claude-opus-4-6", messages: user("again") }).withResponse();
      assert.deepEqual(world.anthropic.requests.slice(mark).map((r) => r.credential), [KEY_A, KEY_B]);
      assert.equal(typeof data.input_tokens, "number");
      assert.equal(response.headers.get("x-openclaw-profile"), "anthropic:b");
    } finally {
      world.anthropic.script(KEY_A, {});
    }
  });

  test("an OpenAI-format model is estimated without an upstream call, and says so", async () => {
    const marks = [world.openai.requests.length, world.anthropic.requests.length];
    const text = "word ".repeat(400);
    const { data, response } = await anthropic.messages.countTokens({ model: "fast", system: "be brief", messages: user(text) }).withResponse();
    assert.equal(world.openai.requests.length, marks[0]);
    assert.equal(world.anthropic.requests.length, marks[1]);
    assert.equal(response.headers.get("x-openclaw-token-count"), "estimate");
    assert.equal(response.headers.get("x-openclaw-model"), "openai/gpt-5-mini");
    // 2,000 + 8 bytes / 4, two messages at 3, and 3 for the reply.
    assert.equal(data.input_tokens, 502 + 6 + 3);
  });

  test("an Anthropic-compatible provider without the endpoint falls back to the estimate", async () => {
    const { data, response } = await anthropic.messages.countTokens({ model: "compat/some-model", messages: user("hello") }).withResponse();
    assert.equal(world.openai.requests.at(-1)!.path, "/v1/messages/count_tokens");
    assert.equal(response.headers.get("x-openclaw-token-count"), "estimate");
    assert.equal(data.input_tokens, 2 + 3 + 3);
  });

  test("the body is checked like /v1/messages (max_tokens is not needed); an unknown provider is a 404", async () => {
    const malformed = await rejection(anthropic.messages.countTokens({ model: "fast", messages: [{ role: "user", content: 42 as never }] }));
    assert.ok(malformed instanceof Anthropic.BadRequestError);
    assert.match(malformed.message, /messages\[0\]\.content/);
    const missing = await rejection(anthropic.messages.countTokens({ model: "fast" } as never));
    assert.ok(missing instanceof Anthropic.BadRequestError);
    const unknown = await rejection(anthropic.messages.countTokens({ model: "nope/x", messages: user("x") }));
    assert.ok(unknown instanceof Anthropic.NotFoundError);
    const get = await fetch(`${world.gateway.url}/v1/messages/count_tokens`, { headers: { "x-api-key": GATEWAY_TOKEN, "anthropic-version": "2023-06-01" } });
    assert.equal(get.status, 405);
  });
});

describe("n > 1 in Chat Completions", () => {
  test("refused with a 400 naming n when the model is served through Anthropic", async () => {
    const mark = world.anthropic.requests.length;
    const refused = await rejection(openai.chat.completions.create({ model: "anthropic/claude-opus-4-6", n: 3, messages: user("three please") }));
    assert.ok(refused instanceof OpenAI.BadRequestError);
    assert.equal(refused.param, "n");
    assert.equal((refused as { error?: any }).error.type, "invalid_request_error");
    assert.match(refused.message, /n=3/);
    assert.equal(world.anthropic.requests.length, mark, "nothing went upstream");
    // n: 1 is fine.
    const one = await openai.chat.completions.create({ model: "anthropic/claude-opus-4-6", n: 1, messages: user("one") });
    assert.equal(one.choices.length, 1);
  });

  test("passed through untouched to an OpenAI-format model, streamed or not", async () => {
    world.openai.script(OPENAI_KEY, {
      body: (seen: any) => {
        const base = openaiCompletion(seen.body.model, "a");
        return { ...base, choices: [base.choices[0], { ...base.choices[0], index: 1, message: { ...base.choices[0]!.message, content: "b" } }] };
      },
    });
    try {
      const two = await openai.chat.completions.create({ model: "fast", n: 2, messages: user("two") });
      assert.deepEqual(two.choices.map((c) => c.message.content), ["a", "b"]);
      assert.equal(world.openai.requests.at(-1)!.body.n, 2);
    } finally {
      world.openai.script(OPENAI_KEY, {});
    }
    const stream = await openai.chat.completions.create({ model: "fast", n: 2, stream: true, messages: user("streamed") });
    for await (const _ of stream);
    assert.equal(world.openai.requests.at(-1)!.body.n, 2);
  });
});

describe("translation details clients notice", () => {
  test("Anthropic SDK ← OpenAI upstream that names the stop sequence (as vLLM does): stop_sequence", async () => {
    world.openai.script(OPENAI_KEY, {
      body: (seen: any) => {
        const base = openaiCompletion(seen.body.model, "1, 2, 3, ");
        return { ...base, choices: [{ ...base.choices[0], stop_reason: "4," }] };
      },
    });
    try {
      const message = await anthropic.messages.create({ model: "fast", max_tokens: 32, stop_sequences: ["4,"], messages: user("count") });
      assert.equal(message.stop_reason, "stop_sequence");
      assert.equal(message.stop_sequence, "4,");
      assert.deepEqual(world.openai.requests.at(-1)!.body.stop, ["4,"]);
    } finally {
      world.openai.script(OPENAI_KEY, {});
    }
    // Plain OpenAI does not say; the gateway does not guess.
    const plain = await anthropic.messages.create({ model: "fast", max_tokens: 32, stop_sequences: ["4,"], messages: user("count") });
    assert.equal(plain.stop_reason, "end_turn");
    assert.equal(plain.stop_sequence, null);
  });

  test("Anthropic SDK, streamed from an OpenAI upstream: the final usage has the real input tokens", async () => {
    const stream = anthropic.messages.stream({ model: "fast", max_tokens: 32, messages: user("usage") });
    const final = await stream.finalMessage();
    assert.equal(world.openai.requests.at(-1)!.body.stream_options?.include_usage, true);
    assert.equal(final.usage.input_tokens, 11);
    assert.equal(final.usage.output_tokens, 7);
  });

  test("a tool result with is_error reaches an OpenAI upstream marked as an error", async () => {
    await anthropic.messages.create({
      model: "fast",
      max_tokens: 32,
      messages: [
        { role: "user", content: "read a.txt" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read", input: { path: "a.txt" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", is_error: true, content: "ENOENT" }] },
      ],
    });
    const messages = world.openai.requests.at(-1)!.body.messages;
    assert.deepEqual(messages.at(-1), { role: "tool", tool_call_id: "toolu_1", content: "Error: ENOENT" });
  });
});

describe("HEAD / and HEAD /health (Claude Code's reachability check, sent without a token)", () => {
  test("answer 200 with no body and no token; every other route still wants the token", async () => {
    for (const path of ["/", "/health"]) {
      const head = await fetch(`${world.gateway.url}${path}`, { method: "HEAD" });
      assert.equal(head.status, 200, path);
      assert.equal(await head.text(), "");
    }
    // GET / is the Control UI's page (no token: the user types it into the page); its APIs want the token.
    const page = await fetch(`${world.gateway.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    assert.equal((await fetch(`${world.gateway.url}/api/status`)).status, 401);
    assert.equal((await fetch(`${world.gateway.url}/v1/models`, { method: "HEAD" })).status, 401);
  });
});
