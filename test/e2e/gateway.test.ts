// The gateway end to end: the real `openclaw gateway` process, fake upstream
// providers on 127.0.0.1, and the official OpenAI and Anthropic SDKs as clients.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets, runCli } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, type GatewayWorld } from "../helpers/gateway.ts";

const ANTHROPIC_KEY = "sk-ant-api03-" + "A".repeat(90);
const SETUP_TOKEN = "sk-ant-oat01-" + "T".repeat(95);
const OPENAI_KEY = "sk-proj-" + "O".repeat(60);
const SECRETS = [ANTHROPIC_KEY, SETUP_TOKEN, OPENAI_KEY, GATEWAY_TOKEN];

let world: GatewayWorld;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  world = await startWorld({
    store: {
      version: 1,
      profiles: {
        "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY),
        "anthropic:sub": { type: "token", provider: "anthropic", token: SETUP_TOKEN },
        "openai:default": apiKeyProfile("openai", OPENAI_KEY),
      },
      order: { anthropic: ["anthropic:default", "anthropic:sub"] },
    },
    config: {
      agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" }, models: { "openai/gpt-5-mini": { alias: "fast" }, "anthropic/claude-opus-4-6": {} } } },
      gateway: { maxBodyBytes: 64 * 1024 },
    },
  });
  openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
});

after(async () => {
  const output = await world.close();
  assertNoSecrets([output.stdout, output.stderr], SECRETS);
});

const lastUpstream = (fake: GatewayWorld["anthropic"]) => fake.requests.at(-1)!;

describe("same API on both sides: the body passes through, auth and model id change", () => {
  test("OpenAI SDK → OpenAI provider, not streaming", async () => {
    const completion = await openai.chat.completions.create({ model: "openai/gpt-5.2", messages: [{ role: "user", content: "hi there" }] });
    assert.equal(completion.choices[0]!.message.content, "Hello from the openai fake: hi there");
    const seen = lastUpstream(world.openai);
    assert.equal(seen.body.model, "gpt-5.2");
    assert.equal(seen.headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.deepEqual(seen.body.messages, [{ role: "user", content: "hi there" }]);
  });

  test("the upstream gets the client's bytes, only the top-level model value changed", async () => {
    // Unusual spacing, key order, unicode escapes and raw UTF-8, a nested "model", a string that looks like one.
    const tail = ',\n  "messages" : [ { "content" : "caf\\u00e9 \\ud83d\\ude00 é 😀 \\"model\\": \\"x\\"", "role":"user", "model":"nested/keep" } ],"temperature":0.50 , "x_extra":{"model":1e2}\n}';
    for (const [sent, forwarded] of [
      ['{ "model" :\t"openai/gpt-5.2"', '{ "model" :\t"gpt-5.2"'],
      ['{ "mod\\u0065l" : "fast"', '{ "mod\\u0065l" : "gpt-5-mini"'],
    ]) {
      const response = await fetch(`${world.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
        body: sent + tail,
      });
      assert.equal(response.status, 200, await response.text());
      assert.equal(lastUpstream(world.openai).raw.toString("utf8"), forwarded + tail);
    }
  });

  test("OpenAI SDK → OpenAI provider, streaming, through an alias", async () => {
    const stream = await openai.chat.completions.create({ model: "fast", stream: true, messages: [{ role: "user", content: "stream please" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    assert.equal(text, "Hello from the openai fake: stream please");
    assert.equal(lastUpstream(world.openai).body.model, "gpt-5-mini");
  });

  test("Anthropic SDK → Anthropic provider with an API key: x-api-key, nothing borrowed", async () => {
    const message = await anthropic.messages.create({ model: "anthropic/claude-opus-4-6", max_tokens: 64, messages: [{ role: "user", content: "hello" }] });
    assert.deepEqual(message.content, [{ type: "text", text: "Hello from the anthropic fake: hello" }]);
    const seen = lastUpstream(world.anthropic);
    assert.equal(seen.headers["x-api-key"], ANTHROPIC_KEY);
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.body.model, "claude-opus-4-6");
    assert.match(String(seen.headers["user-agent"]), /^openclaw-gateway\//);
    // The client's anthropic-version passes through (the gateway's default is only for clients that send none).
    assert.match(String(seen.headers["anthropic-version"]), /^\d{4}-\d{2}-\d{2}$/);
  });

  test("Anthropic SDK, streaming, the default model", async () => {
    const stream = anthropic.messages.stream({ model: "default", max_tokens: 64, messages: [{ role: "user", content: "stream" }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: "text", text: "Hello from the anthropic fake: stream" }]);
    assert.equal(final.usage.output_tokens, 7);
  });

  test("a pinned setup-token goes as Bearer with the oauth beta merged into the client's", async () => {
    await anthropic.messages.create(
      { model: "anthropic/claude-opus-4-6@anthropic:sub", max_tokens: 16, messages: [{ role: "user", content: "pinned" }] },
      { headers: { "anthropic-beta": "prompt-caching-2024-07-31" } },
    );
    const seen = lastUpstream(world.anthropic);
    assert.equal(seen.headers.authorization, `Bearer ${SETUP_TOKEN}`);
    assert.equal(seen.headers["x-api-key"], undefined);
    assert.deepEqual(String(seen.headers["anthropic-beta"]).split(",").sort(), ["oauth-2025-04-20", "prompt-caching-2024-07-31"]);
    const system = JSON.stringify(seen.body.system ?? "");
    assert.ok(!system.includes("Claude Code"), "no injected identity");
  });

  test("the gateway token never goes upstream, whichever way the client sends it", async () => {
    const marks = [world.anthropic.requests.length, world.openai.requests.length] as const;
    const viaHeader = (name: string) => ({ headers: { [name]: name === "authorization" ? `Bearer ${GATEWAY_TOKEN}` : GATEWAY_TOKEN } });
    for (const stream of [false, true]) {
      for (const model of ["anthropic/claude-opus-4-6", "openai/gpt-5.2"]) {
        const completion = await openai.chat.completions.create({ model, stream, messages: [{ role: "user", content: "token?" }] }, viaHeader("authorization"));
        if (stream) for await (const _ of completion as AsyncIterable<unknown>);
        const message = await anthropic.messages.create({ model, stream, max_tokens: 8, messages: [{ role: "user", content: "token?" }] }, viaHeader("x-api-key"));
        if (stream) for await (const _ of message as AsyncIterable<unknown>);
      }
    }
    const seen = [...world.anthropic.requests.slice(marks[0]), ...world.openai.requests.slice(marks[1])];
    assert.equal(seen.length, 8, "every request reached an upstream");
    for (const request of seen) assertNoSecrets([JSON.stringify(request.headers), JSON.stringify(request.body)], [GATEWAY_TOKEN]);
  });
});

describe("different APIs: requests, responses and streams are translated", () => {
  test("OpenAI SDK → Anthropic provider, not streaming, with a system prompt", async () => {
    const completion = await openai.chat.completions.create({
      model: "anthropic/claude-opus-4-6",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "translate me" },
      ],
    });
    assert.equal(completion.choices[0]!.message.content, "Hello from the anthropic fake: translate me");
    assert.equal(completion.choices[0]!.finish_reason, "stop");
    assert.equal(completion.usage?.prompt_tokens, 11);
    const seen = lastUpstream(world.anthropic);
    assert.equal(seen.path, "/v1/messages");
    assert.equal(JSON.stringify(seen.body.system).includes("be brief"), true);
    assert.equal(typeof seen.body.max_tokens, "number");
  });

  test("OpenAI SDK → Anthropic provider, streaming with usage", async () => {
    const stream = await openai.chat.completions.create({
      model: "anthropic/claude-opus-4-6",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "stream across" }],
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "Hello from the anthropic fake: stream across");
    assert.equal(usage?.completion_tokens, 7);
  });

  test("Anthropic SDK → OpenAI provider, not streaming and streaming", async () => {
    const message = await anthropic.messages.create({ model: "openai/gpt-5.2", max_tokens: 32, system: "terse", messages: [{ role: "user", content: "other way" }] });
    assert.deepEqual(message.content, [{ type: "text", text: "Hello from the openai fake: other way" }]);
    assert.equal(message.stop_reason, "end_turn");
    const seen = lastUpstream(world.openai);
    assert.deepEqual(seen.body.messages[0], { role: "system", content: "terse" });

    const stream = anthropic.messages.stream({ model: "openai/gpt-5.2", max_tokens: 32, messages: [{ role: "user", content: "streamed other way" }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: "text", text: "Hello from the openai fake: streamed other way" }]);
    assert.equal(final.usage.output_tokens, 7);
  });

  test("a tool call round trip from an OpenAI client to an Anthropic provider", async () => {
    world.anthropic.script(ANTHROPIC_KEY, {
      body: {
        id: "msg_tool",
        type: "message",
        role: "assistant",
        model: "claude-opus-4-6",
        content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } }],
        stop_reason: "tool_use",
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 10 },
      },
    }, {});
    const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "get_weather", description: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    const first = await openai.chat.completions.create({ model: "anthropic/claude-opus-4-6", tools, messages: [{ role: "user", content: "weather in Oslo?" }] });
    const call = first.choices[0]!.message.tool_calls![0]!;
    assert.equal(first.choices[0]!.finish_reason, "tool_calls");
    assert.equal(call.type === "function" && call.function.name, "get_weather");
    assert.deepEqual(call.type === "function" && JSON.parse(call.function.arguments), { city: "Oslo" });
    assert.deepEqual(lastUpstream(world.anthropic).body.tools[0].input_schema, tools[0]!.type === "function" ? tools[0]!.function.parameters : undefined);

    await openai.chat.completions.create({
      model: "anthropic/claude-opus-4-6",
      tools,
      messages: [
        { role: "user", content: "weather in Oslo?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "sunny" },
      ],
    });
    const seen = lastUpstream(world.anthropic).body.messages;
    assert.equal(seen[1].content[0].type, "tool_use");
    assert.deepEqual(seen[2].content[0], { type: "tool_result", tool_use_id: call.id, content: "sunny" });
  });
});

describe("gateway errors in the caller's own format", () => {
  test("no token or a wrong one: 401 (both SDKs raise their AuthenticationError)", async () => {
    const wrongOpenAI = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: "wrong", maxRetries: 0 });
    await assert.rejects(wrongOpenAI.chat.completions.create({ model: "openai/gpt-5.2", messages: [{ role: "user", content: "x" }] }), OpenAI.AuthenticationError);
    const wrongAnthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: "wrong", maxRetries: 0 });
    await assert.rejects(wrongAnthropic.messages.create({ model: "anthropic/claude-opus-4-6", max_tokens: 8, messages: [{ role: "user", content: "x" }] }), Anthropic.AuthenticationError);
    const bare = await fetch(`${world.gateway.url}/v1/messages`, { method: "POST", body: "{}" });
    assert.equal(bare.status, 401);
    assert.equal(((await bare.json()) as any).type, "error");
  });

  test("malformed JSON 400, body over the limit 413, unknown provider 404, an unreadable model 400 (and no model means the default)", async () => {
    const post = (path: string, body: string) =>
      fetch(`${world.gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" }, body });
    const bad = await post("/v1/chat/completions", "{not json");
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as any).error.type, "invalid_request_error");
    const big = await post("/v1/messages", JSON.stringify({ model: "default", messages: [{ role: "user", content: "x".repeat(100_000) }] }));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as any).error.type, "request_too_large");
    await assert.rejects(openai.chat.completions.create({ model: "nope/some-model", messages: [{ role: "user", content: "x" }] }), OpenAI.NotFoundError);
    const badModel = await post("/v1/messages", JSON.stringify({ model: "/", max_tokens: 8, messages: [{ role: "user", content: "x" }] }));
    assert.equal(badModel.status, 400);
    // No model at all means the default, like `default`.
    const noModel = await post("/v1/messages", JSON.stringify({ max_tokens: 8, messages: [{ role: "user", content: "x" }] }));
    assert.equal(noModel.status, 200);
    assert.equal(noModel.headers.get("x-openclaw-model"), "anthropic/claude-opus-4-6");
  });
});

describe("health, status and models", () => {
  test("/health needs no token and reports no secrets", async () => {
    const response = await fetch(`${world.gateway.url}/health`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.equal(body.ok, true);
    assert.equal(typeof body.version, "string");
    assert.equal(typeof body.uptime, "number");
  });

  test("/api/status is the models status --json document", async () => {
    const response = await fetch(`${world.gateway.url}/api/status`, { headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } });
    const served = (await response.json()) as any;
    const cli = JSON.parse((await runCli(["models", "status", "--json"], { home: world.home.home })).stdout);
    assert.equal(served.resolvedDefault, cli.resolvedDefault);
    assert.deepEqual(
      served.auth.providers.map((p: { provider: string; profiles: { labels: string[] } }) => [p.provider, p.profiles.labels]),
      cli.auth.providers.map((p: { provider: string; profiles: { labels: string[] } }) => [p.provider, p.profiles.labels]),
    );
    assertNoSecrets([JSON.stringify(served)], SECRETS);
  });

  test("/v1/models lists configured models, aliases and the catalog for both SDKs", async () => {
    const page = await openai.models.list();
    const ids = page.data.map((m) => m.id);
    for (const id of ["default", "anthropic/claude-opus-4-6", "openai/gpt-5-mini", "fast"]) assert.ok(ids.includes(id), id);
    const anthropicModels = await anthropic.models.list();
    assert.ok(anthropicModels.data.some((m) => m.id === "fast"));
  });
});
