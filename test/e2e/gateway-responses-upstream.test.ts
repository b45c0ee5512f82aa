// OpenAI's Responses API as a provider's API (`api: "openai-responses"`, the
// openai-responses adapter's upstream side): a fake Responses server on
// 127.0.0.1 answers a Chat Completions client and a Messages client through the
// real gateway, streamed and not.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const KEY = "sk-proj-" + "R".repeat(30) + "-respup-" + "9".repeat(30);
const SECRETS = [KEY, GATEWAY_TOKEN];
const MODEL = "oair/gpt-5.2";

const seen: { path: string; authorization: string | undefined; body: any }[] = [];
let server: Server;
const { clientVisible, closeWorld } = watchForLeaks(SECRETS);
let world: GatewayWorld;

function inputText(body: any): string {
  if (typeof body.input === "string") return body.input;
  const user = [...body.input].reverse().find((item: any) => item.role === "user");
  const content = user?.content;
  return typeof content === "string" ? content : (content ?? []).map((part: any) => part.text ?? "").join("");
}

function response(text: string, status = "completed") {
  return {
    id: "resp_up1",
    object: "response",
    created_at: 1_795_000_000,
    status,
    model: "gpt-5.2",
    output: [{ type: "message", id: "msg_up1", role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] }],
    usage: { input_tokens: 9, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 13 },
  };
}

function sse(events: object[]): string {
  return events.map((event, n) => `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify({ ...event, sequence_number: n })}\n\n`).join("");
}

before(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
    const text = `Hello from the responses fake: ${inputText(body)}`;
    if (req.url !== "/v1/responses") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no such route" } }));
      return;
    }
    if (body.stream) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const item = { type: "message", id: "msg_up1", role: "assistant", status: "in_progress", content: [] };
      res.end(
        sse([
          { type: "response.created", response: { ...response(""), status: "in_progress", output: [] } },
          { type: "response.output_item.added", output_index: 0, item },
          { type: "response.content_part.added", item_id: "msg_up1", output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } },
          { type: "response.output_text.delta", item_id: "msg_up1", output_index: 0, content_index: 0, delta: text.slice(0, 10), logprobs: [] },
          { type: "response.output_text.delta", item_id: "msg_up1", output_index: 0, content_index: 0, delta: text.slice(10), logprobs: [] },
          { type: "response.output_text.done", item_id: "msg_up1", output_index: 0, content_index: 0, text, logprobs: [] },
          { type: "response.output_item.done", output_index: 0, item: response(text).output[0] },
          { type: "response.completed", response: response(text) },
        ]),
      );
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(response(text)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  world = await startWorld({
    store: { version: 1, profiles: { "oair:default": apiKeyProfile("oair", KEY) } },
    config: { agents: { defaults: { model: { primary: MODEL } } } },
    providers: () => ({ oair: { baseUrl, api: "openai-responses", models: [] } }),
  });
});

after(async () => {
  await closeWorld(world);
  await new Promise((resolve) => server.close(resolve));
});

describe("a provider that speaks the Responses API", () => {
  test("answers a Chat Completions client, plain and streamed", async () => {
    const openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "system", content: "Short." }, { role: "user", content: "Hi" }] });
    clientVisible.push(JSON.stringify(completion));
    assert.equal(completion.choices[0]!.message.content, "Hello from the responses fake: Hi");
    assert.equal(completion.usage?.prompt_tokens, 9);
    const request = seen.at(-1)!;
    assert.equal(request.authorization, `Bearer ${KEY}`);
    assert.equal(request.body.instructions, "Short.");
    assert.equal(request.body.store, false, "the gateway keeps nothing at the provider either");

    const stream = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Stream" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    clientVisible.push(text);
    assert.equal(text, "Hello from the responses fake: Stream");
    assert.equal(seen.at(-1)!.body.stream, true);
  });

  test("answers a Messages client, plain and streamed", async () => {
    const anthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: MODEL, max_tokens: 32, messages: [{ role: "user", content: "Hello" }] });
    clientVisible.push(JSON.stringify(message));
    assert.deepEqual(message.content, [{ type: "text", text: "Hello from the responses fake: Hello" }]);
    assert.equal(seen.at(-1)!.body.max_output_tokens, 32);
    const text = await anthropic.messages.stream({ model: MODEL, max_tokens: 32, messages: [{ role: "user", content: "Streamed" }] }).finalText();
    clientVisible.push(text);
    assert.equal(text, "Hello from the responses fake: Streamed");
  });

  test("a Responses client reaches it byte for byte (same API: passthrough)", async () => {
    const openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const response = await openai.responses.create({ model: MODEL, input: "Same API" });
    clientVisible.push(JSON.stringify(response));
    assert.equal(response.output_text, "Hello from the responses fake: Same API");
    assert.equal(seen.at(-1)!.body.model, "gpt-5.2", "only the model is rewritten");
  });
});
