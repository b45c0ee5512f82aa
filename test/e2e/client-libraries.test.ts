// The client libraries people point at the gateway (issue 8), in their default
// settings except the base URL and the API key (the gateway token): the Vercel
// AI SDK (`ai` with `@ai-sdk/openai` and `@ai-sdk/anthropic`) and LangChain JS
// (`@langchain/openai`, `@langchain/anthropic`), through the real gateway to fake
// upstreams of both formats. Each test checks what the client got back, what
// the upstream received (model, messages, tools, the provider's key and never
// the gateway token), and, at the end, that no secret leaked anywhere.
//
// docs/clients.md shows the same settings; keep the two in step.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Output, generateObject, generateText, stepCountIs, streamText, tool, type LanguageModel } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { createAnthropic } from "@ai-sdk/anthropic";
import { ChatOpenAI } from "@langchain/openai";
import { ChatAnthropic } from "@langchain/anthropic";
import { HumanMessage, type AIMessage } from "@langchain/core/messages";
import { tool as langchainTool } from "@langchain/core/tools";
import { z } from "zod";
import { assertNoSecrets } from "../helpers/cli.ts";
import { anthropicMessage, anthropicStream, openaiCompletion, type FakeProvider, type SeenRequest } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const ANTHROPIC_KEY = "sk-ant-api03-" + "c".repeat(40) + "-clientsA-" + "4".repeat(40);
const OPENAI_KEY = "sk-proj-" + "c".repeat(30) + "-clientsO-" + "5".repeat(30);
const SECRETS = [ANTHROPIC_KEY, OPENAI_KEY, GATEWAY_TOKEN];

/** The AI SDK's default `openai(model)` speaks the Responses API (`POST /v1/responses`), served through the adapters. */
const RESPONSES_API: { todo?: string } = {};

/** Structured output from an OpenAI client to an Anthropic upstream: response_format becomes output_config.format. */
const STRUCTURED_OUTPUT_TO_ANTHROPIC: { todo?: string } = {};

// Warnings are logged to the console by default; the tests read them from the results instead.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);

let world: GatewayWorld;

before(async () => {
  world = await startWorld({
    store: {
      version: 1,
      profiles: {
        "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY),
        "openai:default": apiKeyProfile("openai", OPENAI_KEY),
      },
    },
    config: { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } } },
  });
});

after(() => closeWorld(world));

interface Upstream {
  label: string;
  /** The model as the client names it. */
  model: string;
  /** The model id the upstream gets. */
  upstreamModel: string;
  flavour: "anthropic" | "openai";
  key: string;
  fake(): FakeProvider;
}

const ANTHROPIC_UPSTREAM: Upstream = { label: "an Anthropic upstream", model: "anthropic/claude-opus-4-6", upstreamModel: "claude-opus-4-6", flavour: "anthropic", key: ANTHROPIC_KEY, fake: () => world.anthropic };
const OPENAI_UPSTREAM: Upstream = { label: "an OpenAI upstream", model: "openai/gpt-5.2", upstreamModel: "gpt-5.2", flavour: "openai", key: OPENAI_KEY, fake: () => world.openai };
const UPSTREAMS = [ANTHROPIC_UPSTREAM, OPENAI_UPSTREAM];

/** Runs `call`, then returns what each upstream received meanwhile, and checks it went to the expected one with its provider key. */
async function throughGateway<T>(upstream: Upstream, call: () => Promise<T>): Promise<{ result: T; seen: SeenRequest[] }> {
  const marks = { anthropic: world.anthropic.requests.length, openai: world.openai.requests.length };
  const result = await call();
  const seen = upstream.fake().requests.slice(marks[upstream.flavour]);
  const other = upstream.flavour === "anthropic" ? world.openai.requests.slice(marks.openai) : world.anthropic.requests.slice(marks.anthropic);
  assert.equal(other.length, 0, "nothing went to the other upstream");
  assert.ok(seen.length > 0, "the upstream was called");
  for (const request of seen) {
    assert.equal(request.body.model, upstream.upstreamModel);
    assert.equal(request.credential, upstream.key, "the provider key, not the gateway token, goes upstream");
    if (upstream.flavour === "anthropic") assert.equal(request.headers.authorization, undefined);
    assertNoSecrets([JSON.stringify(request.headers), request.raw.toString("utf8")], [GATEWAY_TOKEN]);
  }
  return { result, seen };
}

/** The text of the last user message as the upstream got it, in either format. */
function userText(request: SeenRequest): string {
  const last = [...(request.body.messages as any[])].reverse().find((m) => m.role === "user");
  if (typeof last?.content === "string") return last.content;
  return (last?.content as any[]).filter((p) => p.type === "text").map((p) => p.text).join("");
}

const hello = (upstream: Upstream, text: string) => `Hello from the ${upstream.flavour} fake: ${text}`;

/** The scripted answers for a test, then back to the fakes' defaults. */
async function scripted<T>(upstream: Upstream, answers: Parameters<FakeProvider["script"]>[1][], run: () => Promise<T>): Promise<T> {
  upstream.fake().script(upstream.key, ...answers);
  try {
    return await run();
  } finally {
    upstream.fake().script(upstream.key, {});
  }
}

/** A first answer that calls get_weather for Oslo, in the upstream's own format, not streamed. */
function toolCallAnswer(upstream: Upstream) {
  return upstream.flavour === "anthropic"
    ? {
        body: {
          id: "msg_tool",
          type: "message",
          role: "assistant",
          model: upstream.upstreamModel,
          content: [{ type: "tool_use", id: "toolu_weather_1", name: "get_weather", input: { city: "Oslo" } }],
          stop_reason: "tool_use",
          stop_sequence: null,
          usage: { input_tokens: 20, output_tokens: 10 },
        },
      }
    : {
        body: {
          id: "chatcmpl-tool",
          object: "chat.completion",
          created: 1_764_000_000,
          model: upstream.upstreamModel,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: null, tool_calls: [{ id: "call_weather_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
              finish_reason: "tool_calls",
              logprobs: null,
            },
          ],
          usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
        },
      };
}

const toolCallId = (upstream: Upstream) => (upstream.flavour === "anthropic" ? "toolu_weather_1" : "call_weather_1");

/** A final plain answer in the upstream's own format. */
function textAnswer(upstream: Upstream, text: string) {
  return { body: upstream.flavour === "anthropic" ? anthropicMessage(upstream.upstreamModel, text) : openaiCompletion(upstream.upstreamModel, text) };
}

/** The tool definition as the upstream got it: name, description and JSON schema, in either format. */
function upstreamTool(upstream: Upstream, request: SeenRequest): { name: string; description: string; schema: any } {
  const tools = request.body.tools as any[];
  assert.equal(tools.length, 1);
  const [definition] = tools;
  return upstream.flavour === "anthropic"
    ? { name: definition.name, description: definition.description, schema: definition.input_schema }
    : { name: definition.function.name, description: definition.function.description, schema: definition.function.parameters };
}

/** The tool result the upstream got in the second round: the call id and the content, in either format. */
function upstreamToolResult(upstream: Upstream, request: SeenRequest): { id: string; content: string } {
  const messages = request.body.messages as any[];
  if (upstream.flavour === "openai") {
    const result = messages.find((m) => m.role === "tool");
    return { id: result.tool_call_id, content: typeof result.content === "string" ? result.content : result.content.map((p: any) => p.text).join("") };
  }
  const block = messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).find((b: any) => b.type === "tool_result");
  return { id: block.tool_use_id, content: typeof block.content === "string" ? block.content : block.content.map((p: any) => p.text).join("") };
}

const weatherSchema = z.object({ city: z.string().describe("The city") });

// ---------------------------------------------------------------------------

describe("Vercel AI SDK, createOpenAI(...).chat(model): Chat Completions", () => {
  const provider = () => createOpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN });

  for (const upstream of UPSTREAMS) {
    test(`generateText and streamText to ${upstream.label}`, async () => {
      const { result, seen } = await throughGateway(upstream, () => generateText({ model: provider().chat(upstream.model), prompt: "Say hi" }));
      clientVisible.push(result.text);
      assert.equal(result.text, hello(upstream, "Say hi"));
      assert.equal(result.finishReason, "stop");
      assert.equal(result.usage.outputTokens, 7);
      assert.equal(seen.length, 1);
      assert.equal(userText(seen[0]!), "Say hi");
      assert.notEqual(seen[0]!.body.stream, true);

      const errors: unknown[] = [];
      const streamed = await throughGateway(upstream, async () => {
        const stream = streamText({ model: provider().chat(upstream.model), prompt: "Stream hi", onError: ({ error }) => void errors.push(error) });
        return { text: await stream.text, usage: await stream.usage, finishReason: await stream.finishReason };
      });
      clientVisible.push(streamed.result.text);
      assert.deepEqual(errors, []);
      assert.equal(streamed.result.text, hello(upstream, "Stream hi"));
      assert.equal(streamed.result.finishReason, "stop");
      // The SDK asks for usage in the stream (stream_options.include_usage), and gets it either way.
      assert.equal(streamed.result.usage.inputTokens, 11);
      assert.equal(streamed.result.usage.outputTokens, 7);
      assert.equal(streamed.seen[0]!.body.stream, true);
      assert.equal(userText(streamed.seen[0]!), "Stream hi");
    });

    test(`a tool call round (execute, stopWhen) to ${upstream.label}`, async () => {
      const calls: unknown[] = [];
      const { result, seen } = await scripted(upstream, [toolCallAnswer(upstream), textAnswer(upstream, "It is sunny in Oslo.")], () =>
        throughGateway(upstream, () =>
          generateText({
            model: provider().chat(upstream.model),
            prompt: "What is the weather in Oslo?",
            tools: {
              get_weather: tool({
                description: "Current weather for a city",
                inputSchema: weatherSchema,
                execute: async ({ city }) => {
                  calls.push(city);
                  return { city, forecast: "sunny" };
                },
              }),
            },
            stopWhen: stepCountIs(3),
          }),
        ),
      );
      clientVisible.push(JSON.stringify(result.steps.map((step) => step.content)));
      assert.deepEqual(calls, ["Oslo"]);
      assert.equal(result.text, "It is sunny in Oslo.");
      assert.equal(result.steps.length, 2);
      assert.equal(result.steps[0]!.finishReason, "tool-calls");
      assert.deepEqual(result.steps[0]!.toolCalls.map((call) => [call.toolName, call.input]), [["get_weather", { city: "Oslo" }]]);
      assert.equal(seen.length, 2);
      const definition = upstreamTool(upstream, seen[0]!);
      assert.equal(definition.name, "get_weather");
      assert.equal(definition.description, "Current weather for a city");
      assert.deepEqual(definition.schema.properties, { city: { type: "string", description: "The city" } });
      assert.deepEqual(definition.schema.required, ["city"]);
      // The second round carries the tool's result back under the upstream's own call id.
      const toolResult = upstreamToolResult(upstream, seen[1]!);
      assert.equal(toolResult.id, toolCallId(upstream));
      assert.deepEqual(JSON.parse(toolResult.content), { city: "Oslo", forecast: "sunny" });
    });
  }

  test("a streamed tool call round to an Anthropic upstream (the stream is translated)", async () => {
    const upstream = ANTHROPIC_UPSTREAM;
    const toolStream = [
      ["message_start", { type: "message_start", message: { ...anthropicMessage(upstream.upstreamModel, ""), content: [], stop_reason: null, usage: { input_tokens: 20, output_tokens: 1 } } }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_weather_1", name: "get_weather", input: {} } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"city":' } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '"Oslo"}' } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 10 } }],
      ["message_stop", { type: "message_stop" }],
    ]
      .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      .join("");
    const calls: unknown[] = [];
    const errors: unknown[] = [];
    const { result, seen } = await scripted(upstream, [{ sse: toolStream }, { sse: anthropicStream(upstream.upstreamModel, "It is sunny in Oslo.") }], () =>
      throughGateway(upstream, async () => {
        const stream = streamText({
          model: provider().chat(upstream.model),
          prompt: "What is the weather in Oslo?",
          tools: {
            get_weather: tool({
              description: "Current weather for a city",
              inputSchema: weatherSchema,
              execute: async ({ city }) => {
                calls.push(city);
                return { city, forecast: "sunny" };
              },
            }),
          },
          stopWhen: stepCountIs(3),
          onError: ({ error }) => void errors.push(error),
        });
        return { text: await stream.text, steps: await stream.steps };
      }),
    );
    clientVisible.push(result.text);
    assert.deepEqual(errors, []);
    assert.deepEqual(calls, ["Oslo"]);
    assert.equal(result.text, "It is sunny in Oslo.");
    assert.equal(result.steps.length, 2);
    assert.equal(seen.length, 2);
    assert.ok(seen.every((request) => request.body.stream === true));
    assert.equal(upstreamTool(upstream, seen[0]!).name, "get_weather");
    const toolResult = upstreamToolResult(upstream, seen[1]!);
    assert.equal(toolResult.id, "toolu_weather_1");
    assert.deepEqual(JSON.parse(toolResult.content), { city: "Oslo", forecast: "sunny" });
  });

  const forecast = z.object({ city: z.string(), celsius: z.number() });
  const forecastJson = '{"city":"Oslo","celsius":3}';

  /** What the SDK sends for a zod schema: response_format json_schema, strict, named "response". */
  function assertStructuredOutputRequest(request: SeenRequest) {
    const format = request.body.response_format;
    assert.equal(format?.type, "json_schema", `response_format reached the upstream: ${JSON.stringify(request.body)}`);
    assert.equal(format.json_schema.name, "response");
    assert.equal(format.json_schema.strict, true);
    assert.deepEqual(format.json_schema.schema.properties, { city: { type: "string" }, celsius: { type: "number" } });
    assert.deepEqual(format.json_schema.schema.required, ["city", "celsius"]);
  }

  test("generateObject and generateText with Output.object (zod schema) to an OpenAI upstream: response_format json_schema passes through", async () => {
    const upstream = OPENAI_UPSTREAM;
    await scripted(upstream, [textAnswer(upstream, forecastJson)], async () => {
      const { result, seen } = await throughGateway(upstream, () => generateObject({ model: provider().chat(upstream.model), schema: forecast, prompt: "Weather in Oslo as JSON" }));
      clientVisible.push(JSON.stringify(result.object));
      assert.deepEqual(result.object, { city: "Oslo", celsius: 3 });
      assertStructuredOutputRequest(seen[0]!);

      const viaText = await throughGateway(upstream, () => generateText({ model: provider().chat(upstream.model), output: Output.object({ schema: forecast }), prompt: "Weather in Oslo as JSON" }));
      clientVisible.push(viaText.result.text);
      assert.deepEqual(viaText.result.output, { city: "Oslo", celsius: 3 });
      assertStructuredOutputRequest(viaText.seen[0]!);
    });
  });

  test("generateObject (zod schema) to an Anthropic upstream: the schema reaches it as output_config.format", STRUCTURED_OUTPUT_TO_ANTHROPIC, async () => {
    const upstream = ANTHROPIC_UPSTREAM;
    await scripted(upstream, [textAnswer(upstream, forecastJson)], async () => {
      const { result, seen } = await throughGateway(upstream, () => generateObject({ model: provider().chat(upstream.model), schema: forecast, prompt: "Weather in Oslo as JSON" }));
      clientVisible.push(JSON.stringify(result.object));
      assert.deepEqual(result.object, { city: "Oslo", celsius: 3 });
      const format = seen[0]!.body.output_config?.format;
      assert.equal(format?.type, "json_schema", `the schema did not reach the upstream: ${JSON.stringify(seen[0]!.body)}`);
      assert.deepEqual(format.schema.properties, { city: { type: "string" }, celsius: { type: "number" } });
    });
  });
});

describe("Vercel AI SDK, the default openai(model): the Responses API", () => {
  const provider = () => createOpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN });

  for (const upstream of UPSTREAMS) {
    test(`generateText and streamText through openai(model) to ${upstream.label}`, RESPONSES_API, async () => {
      const { result } = await throughGateway(upstream, () => generateText({ model: provider()(upstream.model), prompt: "Say hi", maxRetries: 0 }));
      clientVisible.push(result.text);
      assert.equal(result.text, hello(upstream, "Say hi"));

      const errors: unknown[] = [];
      const streamed = await throughGateway(upstream, async () => {
        const stream = streamText({ model: provider()(upstream.model), prompt: "Stream hi", maxRetries: 0, onError: ({ error }) => void errors.push(error) });
        return await stream.text;
      });
      clientVisible.push(streamed.result, ...errors.map(String));
      assert.deepEqual(errors, []);
      assert.equal(streamed.result, hello(upstream, "Stream hi"));
    });
  }
});

describe("Vercel AI SDK, createAnthropic: the Messages API", () => {
  // @ai-sdk/anthropic appends /messages to its base URL, whose default is https://api.anthropic.com/v1: so /v1 here.
  const provider = () => createAnthropic({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN });

  for (const upstream of UPSTREAMS) {
    test(`generateText and streamText to ${upstream.label}`, async () => {
      const { result, seen } = await throughGateway(upstream, () => generateText({ model: provider()(upstream.model), prompt: "Say hi" }));
      clientVisible.push(result.text);
      assert.equal(result.text, hello(upstream, "Say hi"));
      assert.equal(result.finishReason, "stop");
      assert.equal(result.usage.outputTokens, 7);
      assert.equal(userText(seen[0]!), "Say hi");
      if (upstream.flavour === "openai") {
        // The SDK does not know "openai/gpt-5.2" and caps max_tokens at 4096, with a warning; the gateway passes the cap on.
        assert.equal(seen[0]!.body.max_completion_tokens, 4096);
        assert.match(JSON.stringify(result.warnings), /maxOutputTokens/);
      } else {
        assert.equal(typeof seen[0]!.body.max_tokens, "number");
      }

      const errors: unknown[] = [];
      const streamed = await throughGateway(upstream, async () => {
        const stream = streamText({ model: provider()(upstream.model), prompt: "Stream hi", onError: ({ error }) => void errors.push(error) });
        return { text: await stream.text, usage: await stream.usage, finishReason: await stream.finishReason };
      });
      clientVisible.push(streamed.result.text);
      assert.deepEqual(errors, []);
      assert.equal(streamed.result.text, hello(upstream, "Stream hi"));
      assert.equal(streamed.result.finishReason, "stop");
      assert.equal(streamed.result.usage.inputTokens, 11);
      assert.equal(streamed.result.usage.outputTokens, 7);
      assert.equal(streamed.seen[0]!.body.stream, true);
      assert.equal(userText(streamed.seen[0]!), "Stream hi");
    });
  }
});

/** A LangChain chat model's `invoke` and `stream` through the gateway to `upstream`: the answer, the usage and what the provider got. */
async function invokeAndStream(upstream: Upstream, model: ChatOpenAI | ChatAnthropic): Promise<void> {
  const { result, seen } = await throughGateway(upstream, () => model.invoke("Say hi"));
  clientVisible.push(result.text);
  assert.equal(result.text, hello(upstream, "Say hi"));
  assert.equal(result.usage_metadata?.output_tokens, 7);
  assert.equal(userText(seen[0]!), "Say hi");

  const streamed = await throughGateway(upstream, async () => {
    let text = "";
    for await (const chunk of await model.stream("Stream hi")) text += chunk.text;
    return text;
  });
  clientVisible.push(streamed.result);
  assert.equal(streamed.result, hello(upstream, "Stream hi"));
  assert.equal(streamed.seen[0]!.body.stream, true);
  assert.equal(userText(streamed.seen[0]!), "Stream hi");
}

describe("LangChain, ChatOpenAI: Chat Completions", () => {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: GATEWAY_TOKEN, configuration: { baseURL: `${world.gateway.url}/v1` } });

  for (const upstream of UPSTREAMS) {
    test(`invoke and stream to ${upstream.label}`, () => invokeAndStream(upstream, chat(upstream.model)));

    test(`bindTools: a tool call round to ${upstream.label}`, async () => {
      const getWeather = langchainTool(async ({ city }) => JSON.stringify({ city, forecast: "sunny" }), {
        name: "get_weather",
        description: "Current weather for a city",
        schema: weatherSchema,
      });
      const model = chat(upstream.model).bindTools([getWeather]);
      const question = new HumanMessage("What is the weather in Oslo?");
      const { result, seen } = await scripted(upstream, [toolCallAnswer(upstream), textAnswer(upstream, "It is sunny in Oslo.")], () =>
        throughGateway(upstream, async () => {
          const first: AIMessage = await model.invoke([question]);
          assert.equal(first.tool_calls?.length, 1);
          const call = first.tool_calls![0]!;
          assert.equal(call.name, "get_weather");
          assert.deepEqual(call.args, { city: "Oslo" });
          assert.equal(call.id, toolCallId(upstream));
          const toolMessage = await getWeather.invoke(call);
          return model.invoke([question, first, toolMessage]);
        }),
      );
      clientVisible.push(result.text);
      assert.equal(result.text, "It is sunny in Oslo.");
      assert.equal(seen.length, 2);
      const definition = upstreamTool(upstream, seen[0]!);
      assert.equal(definition.name, "get_weather");
      assert.equal(definition.description, "Current weather for a city");
      assert.deepEqual(definition.schema.properties, { city: { type: "string", description: "The city" } });
      const toolResult = upstreamToolResult(upstream, seen[1]!);
      assert.equal(toolResult.id, toolCallId(upstream));
      assert.deepEqual(JSON.parse(toolResult.content), { city: "Oslo", forecast: "sunny" });
    });
  }
});

describe("LangChain, ChatAnthropic: the Messages API", () => {
  // anthropicApiUrl is the Anthropic SDK's baseURL: the gateway's root, without /v1.
  const chat = (model: string) => new ChatAnthropic({ model, apiKey: GATEWAY_TOKEN, anthropicApiUrl: world.gateway.url });

  for (const upstream of UPSTREAMS) {
    test(`invoke and stream to ${upstream.label}`, () => invokeAndStream(upstream, chat(upstream.model)));
  }
});

describe("base URLs: the API routes answer with and without /v1", () => {
  // Recorded so docs/clients.md says what is true: a client whose base URL convention drops
  // /v1 (e.g. @ai-sdk/anthropic given the bare root) is served the same.
  for (const [path, status] of [
    ["/v1/chat/completions", 200],
    ["/v1/messages", 200],
    ["/chat/completions", 200],
    ["/messages", 200],
    ["/responses", 400], // reached (a Responses body needs `input`), not a 404
    ["/v2/chat/completions", 404],
    // What Claude Code sends (the Anthropic SDK's beta routes), with its token as a Bearer header.
    ["/v1/messages?beta=true", 200],
    ["/v1/messages/count_tokens?beta=true", 200],
  ] as const) {
    test(`POST ${path} → ${status}`, async () => {
      const anthropicShape = path.includes("/messages");
      const response = await fetch(`${world.gateway.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json", ...(anthropicShape ? { "anthropic-version": "2023-06-01" } : {}) },
        body: JSON.stringify({ model: "openai/gpt-5.2", max_tokens: 16, messages: [{ role: "user", content: "base url" }] }),
      });
      const text = await response.text();
      clientVisible.push(text);
      assert.equal(response.status, status, text);
      if (status === 404) assert.match(text, new RegExp(`No route POST ${path.replace(/\//g, "\\/")}`));
      if (status === 400) assert.match(text, /input: required/);
    });
  }
});
