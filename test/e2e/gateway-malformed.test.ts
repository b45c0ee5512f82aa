// Malformed chat requests through the real gateway: each is a 400 in the
// caller's format that names the field (so both SDKs raise BadRequestError),
// nothing reaches the upstream, and nothing is logged as an internal error.
// The "regressions" were 500s before the request shape was checked at the edge
// (through a translating target; passthrough sent them on to the upstream).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, type GatewayWorld } from "../helpers/gateway.ts";
import { OPENAI_SDK_REQUESTS, ANTHROPIC_SDK_REQUESTS } from "../helpers/sdk-requests.ts";

const ANTHROPIC_KEY = "sk-ant-api03-" + "M".repeat(90);
const OPENAI_KEY = "sk-proj-" + "M".repeat(60);
/** Put where a value could be echoed; no error may quote it. */
const SECRET_IN_BODY = "sk-proj-" + "S".repeat(60);

let world: GatewayWorld;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  world = await startWorld({
    store: { version: 1, profiles: { "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY), "openai:default": apiKeyProfile("openai", OPENAI_KEY) } },
  });
  openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
});

after(async () => {
  const output = await world.close();
  assertNoSecrets([output.stdout, output.stderr], [ANTHROPIC_KEY, OPENAI_KEY, GATEWAY_TOKEN, SECRET_IN_BODY]);
  assert.doesNotMatch(output.stdout + output.stderr, /internal error/);
});

function upstreamCalls(): number {
  return world.openai.requests.length + world.anthropic.requests.length;
}

const OPENAI_MODELS = ["openai/gpt-5.2", "anthropic/claude-opus-4-6"];
const ANTHROPIC_MODELS = ["anthropic/claude-opus-4-6", "openai/gpt-5.2"];

/** The OpenAI SDK raises BadRequestError with our message and `param`; the upstream never sees the body. */
async function expectOpenAIRefusal(body: Record<string, unknown>, message: string, param: string): Promise<void> {
  for (const model of OPENAI_MODELS) {
    const calls = upstreamCalls();
    const error = await openai.chat.completions.create({ ...body, model } as never).then(
      () => assert.fail(`${model}: accepted`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OpenAI.BadRequestError, `${model}: ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.type, "invalid_request_error");
    assert.equal(error.param, param);
    assert.equal((error.error as { message?: string }).message, message);
    assert.equal(upstreamCalls(), calls, `${model}: the upstream was called`);
  }
}

/** Like the OpenAI case; `post` skips what messages.create does to a body first (it iterates `tools`). */
async function expectAnthropicRefusal(body: Record<string, unknown>, message: string, via: "create" | "post" = "create"): Promise<void> {
  for (const model of ANTHROPIC_MODELS) {
    const calls = upstreamCalls();
    const request = { max_tokens: 16, ...body, model };
    const sent = via === "create" ? anthropic.messages.create(request as never) : anthropic.post("/v1/messages", { body: request });
    const error = await sent.then(
      () => assert.fail(`${model}: accepted`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Anthropic.BadRequestError, `${model}: ${String(error)}`);
    assert.equal(error.status, 400);
    assert.deepEqual(error.error, { type: "error", error: { type: "invalid_request_error", message } });
    assert.equal(upstreamCalls(), calls, `${model}: the upstream was called`);
  }
}

describe("regressions: each of these was a 500", () => {
  test("content: null on the Anthropic route", async () => {
    await expectAnthropicRefusal({ messages: [{ role: "user", content: null }] }, "messages[0].content: expected a string or an array, got null.");
  });

  test("tools: {} on both routes", async () => {
    await expectOpenAIRefusal({ messages: [{ role: "user", content: "hi" }], tools: {} }, "tools: expected an array, got an object.", "tools");
    await expectAnthropicRefusal({ messages: [{ role: "user", content: "hi" }], tools: {} }, "tools: expected an array, got an object.", "post");
  });

  test("a numeric tool_call_id", async () => {
    const messages = [
      { role: "user", content: "weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
      { role: "tool", tool_call_id: 1, content: SECRET_IN_BODY },
    ];
    await expectOpenAIRefusal({ messages }, "messages[2].tool_call_id: expected a string, got a number.", "messages[2].tool_call_id");
  });

  test("a numeric tool_use id, a tool result holding null", async () => {
    await expectAnthropicRefusal({ messages: [{ role: "assistant", content: [{ type: "tool_use", id: 7, name: "f", input: {} }] }] }, "messages[0].content[0].id: expected a string, got a number.");
    await expectAnthropicRefusal(
      { messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [null] }] }] },
      "messages[0].content[0].content[0]: expected an object, got null.",
    );
  });

  test("a message that is null, content that is an object", async () => {
    await expectOpenAIRefusal({ messages: [null] }, "messages[0]: expected an object, got null.", "messages[0]");
    await expectOpenAIRefusal({ messages: [{ role: "user", content: { text: SECRET_IN_BODY } }] }, "messages[0].content: expected a string or an array, got an object.", "messages[0].content");
  });

  test("tool calls that are not a list, a tool choice that is a string on the Anthropic route, stop as an object", async () => {
    await expectOpenAIRefusal({ messages: [{ role: "assistant", tool_calls: { id: "x" } }] }, "messages[0].tool_calls: expected an array, got an object.", "messages[0].tool_calls");
    await expectAnthropicRefusal({ messages: [{ role: "user", content: "hi" }], tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: "auto" }, "tool_choice: expected an object, got a string.");
    await expectOpenAIRefusal({ messages: [{ role: "user", content: "hi" }], stop: { a: 1 } }, "stop: expected a string or an array, got an object.", "stop");
  });

  test("stream as a string: the gateway and the upstream would disagree on whether it streams", async () => {
    await expectOpenAIRefusal({ messages: [{ role: "user", content: "hi" }], stream: "yes" }, "stream: expected a boolean, got a string.", "stream");
    await expectAnthropicRefusal({ messages: [{ role: "user", content: "hi" }], stream: 1 }, "stream: expected a boolean, got a number.");
  });

  test("a body nested too deep to forward (JSON.parse takes it, JSON.stringify overflowed)", async () => {
    // Written by hand: the SDKs' own JSON.stringify could not send it.
    const deep = `${"[".repeat(20_000)}{}${"]".repeat(20_000)}`;
    // Same API on both sides: translation would drop the unknown field, passthrough forwards it.
    for (const [path, model] of [["/v1/chat/completions", "openai/gpt-5.2"], ["/v1/messages", "anthropic/claude-opus-4-6"]] as const) {
      const calls = upstreamCalls();
      const response = await fetch(`${world.gateway.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
        body: `{"model":"${model}","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"metadata":{"deep":${deep}}}`,
      });
      const message = "metadata.deep[0][0]: arrays and objects nest more than 100 levels deep.";
      const expected = path === "/v1/messages" ? { type: "error", error: { type: "invalid_request_error", message } } : { error: { message, type: "invalid_request_error", param: "metadata.deep[0][0]", code: null } };
      assert.deepEqual({ status: response.status, body: await response.json() }, { status: 400, body: expected });
      assert.equal(upstreamCalls(), calls);
    }
  });
});

describe("other malformed bodies are refused before an upstream sees them", () => {
  test("an image source that is a string, parts that are not objects", async () => {
    await expectAnthropicRefusal({ messages: [{ role: "user", content: [{ type: "image", source: SECRET_IN_BODY }] }] }, "messages[0].content[0].source: expected an object, got a string.");
    await expectOpenAIRefusal({ messages: [{ role: "user", content: [5] }] }, "messages[0].content[0]: expected an object, got a number.", "messages[0].content[0]");
    await expectAnthropicRefusal({ messages: [{ role: "user", content: [{ type: "text", text: "x" }, "loose text"] }] }, "messages[0].content[1]: expected an object, got a string.");
  });
});

describe("what the SDKs send still goes through", () => {
  // Translated to another API, a request the other API cannot honour as asked is a 400 naming
  // the field (issue 8: never a silent drop). These are the SDK shapes that carry such a thing.
  const REFUSED_ACROSS: Record<string, RegExp> = {
    "every message kind, tool calls and results": /input_audio/, // the model would not hear the audio
    "streaming with options": /logit_bias/, // Anthropic samples without it
    "tool choice strings and custom": /custom/, // a custom (free-form) tool has no Anthropic form
    "images, documents, tool use and results with images, thinking": /document source/, // an image inside a document, a file id of Anthropic's Files API
  };

  async function expectServedOrRefused(route: "openai" | "anthropic", name: string, model: string, response: Response): Promise<void> {
    const text = await response.text();
    const sameApi = model.startsWith(route === "openai" ? "openai/" : "anthropic/");
    const refusal = REFUSED_ACROSS[name];
    if (sameApi || !refusal) {
      assert.equal(response.status, 200, `${name} → ${model}: ${text.slice(0, 300)}`);
      return;
    }
    assert.equal(response.status, 400, `${name} → ${model} is refused: ${text.slice(0, 300)}`);
    const error = JSON.parse(text).error;
    assert.match(error.message, refusal);
    assert.match(error.message, /is served through/);
    if (route === "openai") assert.ok(typeof error.param === "string" && error.param.length > 0, `the refusal names the field: ${text}`);
  }

  test("every SDK-shaped OpenAI request, to both kinds of upstream (refused across APIs only where it cannot be honoured)", async () => {
    for (const [name, body] of Object.entries(OPENAI_SDK_REQUESTS)) {
      for (const model of OPENAI_MODELS) {
        const response = await fetch(`${world.gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ ...body, model }),
        });
        await expectServedOrRefused("openai", name, model, response);
      }
    }
  });

  test("every SDK-shaped Anthropic request, to both kinds of upstream (refused across APIs only where it cannot be honoured)", async () => {
    for (const [name, body] of Object.entries(ANTHROPIC_SDK_REQUESTS)) {
      for (const model of ANTHROPIC_MODELS) {
        const response = await fetch(`${world.gateway.url}/v1/messages`, {
          method: "POST",
          headers: { "x-api-key": GATEWAY_TOKEN, "anthropic-version": "2023-06-01", "content-type": "application/json" },
          body: JSON.stringify({ ...body, model }),
        });
        await expectServedOrRefused("anthropic", name, model, response);
      }
    }
  });
});

