// POST /v1/responses (OpenAI's Responses API: the Vercel AI SDK's default and
// Codex CLI) through the real gateway, with the official `openai` SDK, served
// by an Anthropic upstream and by an OpenAI Chat Completions upstream through
// the wire adapters: plain and streamed answers, a function call, structured
// output, and the refusals (previous_response_id, server-side tools).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const ANTHROPIC_KEY = "sk-ant-api03-" + "r".repeat(40) + "-responsesA-" + "1".repeat(40);
const OPENAI_KEY = "sk-proj-" + "r".repeat(30) + "-responsesO-" + "2".repeat(30);
const SECRETS = [ANTHROPIC_KEY, OPENAI_KEY, GATEWAY_TOKEN];

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);
let world: GatewayWorld;
let openai: OpenAI;

before(async () => {
  world = await startWorld({
    store: { version: 1, profiles: { "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY), "openai:default": apiKeyProfile("openai", OPENAI_KEY) } },
    config: { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } } },
  });
  openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
});

after(() => closeWorld(world));

const MODELS = ["anthropic/claude-opus-4-6", "openai/gpt-5.2"];
const lastRequest = (model: string) => (model.startsWith("anthropic/") ? world.anthropic : world.openai).requests.at(-1)!;

describe("POST /v1/responses, served by providers of other APIs", () => {
  for (const model of MODELS) {
    test(`a plain answer from ${model}`, async () => {
      const response = await openai.responses.create({ model, instructions: "Be brief.", input: "Say hi" });
      clientVisible.push(JSON.stringify(response));
      assert.equal(response.object, "response");
      assert.equal(response.status, "completed");
      assert.match(response.output_text, /^Hello from the (anthropic|openai) fake: Say hi$/);
      assert.ok(response.usage && response.usage.input_tokens >= 0 && response.usage.output_tokens > 0);
      const seen = lastRequest(model);
      assert.equal(seen.credential, model.startsWith("anthropic/") ? ANTHROPIC_KEY : OPENAI_KEY, "the provider's key, never the gateway token");
      if (model.startsWith("anthropic/")) {
        assert.equal(seen.path, "/v1/messages");
        assert.equal(seen.body.system, "Be brief.");
        assert.deepEqual(seen.body.messages, [{ role: "user", content: "Say hi" }]);
      } else {
        assert.equal(seen.path, "/v1/chat/completions");
        assert.deepEqual(seen.body.messages, [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Say hi" },
        ]);
      }
    });

    test(`a streamed answer from ${model}: the Responses event sequence, ending with response.completed`, async () => {
      const stream = await openai.responses.create({ model, input: [{ role: "user", content: "Stream please" }], stream: true });
      const types: string[] = [];
      let text = "";
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") text += event.delta;
        if (event.type === "response.completed") completed = event.response;
      }
      clientVisible.push(text, JSON.stringify(completed ?? null));
      assert.equal(types[0], "response.created");
      assert.ok(types.includes("response.output_text.delta"));
      assert.equal(types.at(-1), "response.completed");
      assert.match(text, /^Hello from the (anthropic|openai) fake: Stream please$/);
      assert.equal(completed?.output_text ?? completed?.output.flatMap((item: any) => item.content ?? []).map((part: any) => part.text).join(""), text);
      assert.ok((completed?.usage?.output_tokens ?? 0) > 0);
    });
  }

  test("structured output (text.format json_schema) reaches an Anthropic upstream as output_config.format", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
    await openai.responses.create({ model: "anthropic/claude-opus-4-6", input: "Where?", text: { format: { type: "json_schema", name: "place", schema, strict: true } } });
    const seen = lastRequest("anthropic/claude-opus-4-6");
    assert.deepEqual(seen.body.output_config?.format?.schema, schema);
  });

  test("function tools and a function call's output go up as the provider's tool use and tool result", async () => {
    const tools = [{ type: "function" as const, name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false }];
    await openai.responses.create({
      model: "openai/gpt-5.2",
      tools,
      input: [
        { role: "user", content: "Weather in Paris?" },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "sunny" },
      ],
    });
    const seen = lastRequest("openai/gpt-5.2");
    assert.equal(seen.body.tools[0].function.name, "get_weather");
    const assistant = seen.body.messages.find((m: any) => m.role === "assistant");
    assert.equal(assistant.tool_calls[0].function.arguments, '{"city":"Paris"}');
    const tool = seen.body.messages.find((m: any) => m.role === "tool");
    assert.deepEqual([tool.tool_call_id, tool.content], ["call_1", "sunny"]);
  });

  test("previous_response_id and server-side tools are 400s naming the field, in OpenAI's error format", async () => {
    const before = world.anthropic.requests.length;
    for (const [body, param] of [
      [{ model: "anthropic/claude-opus-4-6", input: "again", previous_response_id: "resp_123" }, "previous_response_id"],
      [{ model: "anthropic/claude-opus-4-6", input: "search", tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }, "tools"],
      // web_search alone is an offer, dropped (clients.md §6); forced, it cannot be honoured.
      [{ model: "anthropic/claude-opus-4-6", input: "search", tools: [{ type: "web_search" }], tool_choice: { type: "web_search" } }, "tool_choice"],
      [{ model: "anthropic/claude-opus-4-6" }, "input"],
    ] as const) {
      try {
        await openai.responses.create(body as never);
        assert.fail(`expected a 400 for ${param}`);
      } catch (error) {
        const err = error as InstanceType<typeof OpenAI.APIError>;
        clientVisible.push(err.message);
        assert.equal(err.status, 400, err.message);
        assert.equal(err.type, "invalid_request_error");
        assert.match(String(err.param), new RegExp(`^${param}`));
      }
    }
    assert.equal(world.anthropic.requests.length, before, "nothing went upstream");
  });
});

describe("POST /v1/responses with malformed bodies", () => {
  test("every one is a 4xx in OpenAI's error format, never a 5xx, and nothing goes upstream", async () => {
    const before = world.anthropic.requests.length + world.openai.requests.length;
    const bodies: unknown[] = [
      { model: "anthropic/claude-opus-4-6", input: 5 },
      { model: "anthropic/claude-opus-4-6", input: [5] },
      { model: "anthropic/claude-opus-4-6", input: [{ role: 7, content: "x" }] },
      { model: "anthropic/claude-opus-4-6", input: [{ role: "user", content: 5 }] },
      { model: "anthropic/claude-opus-4-6", input: [{ role: "user", content: [{ type: "input_text" }] }] },
      { model: "anthropic/claude-opus-4-6", input: [{ type: "function_call", call_id: 3, arguments: {} }] },
      { model: "anthropic/claude-opus-4-6", input: [{ type: "function_call_output", output: { nested: [1] } }] },
      { model: "anthropic/claude-opus-4-6", input: "x", tools: "everything" },
      { model: "anthropic/claude-opus-4-6", input: "x", tools: [{ type: "function" }] },
      { model: "anthropic/claude-opus-4-6", input: "x", text: { format: 3 } },
      { model: "anthropic/claude-opus-4-6", input: "x", tool_choice: { type: "function" } },
      { model: "anthropic/claude-opus-4-6", input: "x", max_output_tokens: "many", temperature: "hot" },
      { model: 42, input: "x" },
      { model: "anthropic/claude-opus-4-6", input: "x", stream: "yes" },
      [],
      "just text",
    ];
    for (const body of bodies) {
      const response = await fetch(`${world.gateway.url}/v1/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      clientVisible.push(text);
      assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(body)} → ${response.status} ${text}`);
      const error = JSON.parse(text).error;
      assert.equal(typeof error?.message, "string", text);
    }
    assert.equal(world.anthropic.requests.length + world.openai.requests.length, before, "nothing went upstream");
  });
});

describe("item_reference to the gateway's own earlier answers (store: true, OpenAI's default)", () => {
  const tools: OpenAI.Responses.Tool[] = [{ type: "function", name: "weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false }];
  const toolUse = (model: string) => ({
    id: "msg_up_1",
    type: "message",
    role: "assistant",
    model,
    content: [
      { type: "text", text: "Let me look that up." },
      { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Oslo" } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
  });

  for (const stream of [false, true]) {
    test(`a reference to the text said before a tool call (${stream ? "streamed" : "whole"} first turn) reaches the next turn as that text`, async () => {
      world.anthropic.script(ANTHROPIC_KEY, stream ? { sse: anthropicStreamWithTool() } : { body: toolUse("claude-opus-4-6") }, {});
      let output: OpenAI.Responses.ResponseOutputItem[];
      if (stream) {
        const events = await openai.responses.create({ model: "anthropic/claude-opus-4-6", input: "Weather in Oslo?", tools, stream: true });
        let completed: OpenAI.Responses.Response | undefined;
        for await (const event of events) if (event.type === "response.completed") completed = event.response;
        output = completed!.output;
      } else output = (await openai.responses.create({ model: "anthropic/claude-opus-4-6", input: "Weather in Oslo?", tools })).output;
      const message = output.find((item) => item.type === "message")!;
      const call = output.find((item) => item.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
      assert.ok(message?.id && call, JSON.stringify(output));
      // What the Vercel AI SDK sends with store: true: a reference for the text, the call itself, and its output.
      const second = await openai.responses.create({
        model: "anthropic/claude-opus-4-6",
        tools,
        input: [
          { role: "user", content: "Weather in Oslo?" },
          { type: "item_reference", id: message.id! },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "Sunny, 21°C" },
        ],
      });
      clientVisible.push(JSON.stringify(output), JSON.stringify(second));
      const sent = world.anthropic.requests.at(-1)!.body;
      assert.deepEqual(sent.messages[1].content[0], { type: "text", text: "Let me look that up." }, JSON.stringify(sent.messages));
      assert.equal(sent.messages[1].content[1].type, "tool_use");
      assert.equal(sent.messages[2].content[0].type, "tool_result");
    });
  }

  test("a reference the gateway does not know is a 400 naming it, and store: false answers are not kept", async () => {
    world.anthropic.script(ANTHROPIC_KEY, { body: toolUse("claude-opus-4-6") }, {});
    const unkept = await openai.responses.create({ model: "anthropic/claude-opus-4-6", input: "Weather in Oslo?", tools, store: false });
    const message = unkept.output.find((item) => item.type === "message")!;
    for (const id of ["msg_never_seen", message.id!]) {
      const error = await openai.responses.create({ model: "anthropic/claude-opus-4-6", input: [{ role: "user", content: "hi" }, { type: "item_reference", id }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.param, "input[1]");
      assert.match(error.message, /item reference/);
    }
  });
});

/** An Anthropic stream that says a sentence, then calls the weather tool. */
function anthropicStreamWithTool(): string {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event("message_start", { message: { id: "msg_up_2", type: "message", role: "assistant", model: "claude-opus-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }),
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Let me look that up." } }),
    event("content_block_stop", { index: 0 }),
    event("content_block_start", { index: 1, content_block: { type: "tool_use", id: "toolu_2", name: "weather", input: {} } }),
    event("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"city":"Oslo"}' } }),
    event("content_block_stop", { index: 1 }),
    event("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 5 } }),
    event("message_stop", {}),
  ].join("");
}
