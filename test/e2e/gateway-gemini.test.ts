// Google Gemini as an upstream (the google-generative-ai adapter), through the
// real gateway, with the official SDKs of three client APIs: Chat Completions,
// Messages and Responses, streamed and not. A fake Generative Language API on
// 127.0.0.1 records what it is sent.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const GEMINI_KEY = "AIza" + "G".repeat(35);
const SECRETS = [GEMINI_KEY, GATEWAY_TOKEN];
const MODEL = "google/gemini-2.5-flash";

interface SeenGemini {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

const seen: SeenGemini[] = [];
let gemini: Server;
let geminiUrl: string;

function answer(text: string) {
  return {
    candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 4, totalTokenCount: 11 },
    modelVersion: "gemini-2.5-flash",
    responseId: "gem-resp-1",
  };
}

function lastUserText(body: any): string {
  const user = [...(body.contents ?? [])].reverse().find((content: any) => content.role === "user");
  return (user?.parts ?? []).map((part: any) => part.text ?? "").join("");
}

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);
let world: GatewayWorld;

before(async () => {
  gemini = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    seen.push({ path: req.url ?? "", headers: req.headers, body });
    const text = `Hello from the gemini fake: ${lastUserText(body)}`;
    if (req.url?.endsWith(":streamGenerateContent?alt=sse")) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const half = Math.floor(text.length / 2);
      const first = { candidates: [{ content: { role: "model", parts: [{ text: text.slice(0, half) }] }, index: 0 }], modelVersion: "gemini-2.5-flash", responseId: "gem-stream-1" };
      const last = { ...answer(text.slice(half)), responseId: "gem-stream-1" };
      res.end(`data: ${JSON.stringify(first)}\r\n\r\ndata: ${JSON.stringify(last)}\r\n\r\n`);
      return;
    }
    if (req.url?.endsWith(":generateContent")) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer(text)));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: 404, message: "no such route", status: "NOT_FOUND" } }));
  });
  await new Promise<void>((resolve) => gemini.listen(0, "127.0.0.1", resolve));
  geminiUrl = `http://127.0.0.1:${(gemini.address() as AddressInfo).port}/v1beta`;
  world = await startWorld({
    store: { version: 1, profiles: { "google:default": apiKeyProfile("google", GEMINI_KEY) } },
    config: { agents: { defaults: { model: { primary: MODEL } } } },
    providers: () => ({ google: { baseUrl: geminiUrl } }),
  });
});

after(async () => {
  await closeWorld(world);
  await new Promise((resolve) => gemini.close(resolve));
});

function assertGeminiSaw(expectedPath: RegExp, system: string | undefined, userText: string): void {
  const request = seen.at(-1)!;
  assert.match(request.path, expectedPath);
  assert.equal(request.headers["x-goog-api-key"], GEMINI_KEY, "Gemini's own header carries the key");
  assert.equal(request.headers.authorization, undefined, "no Bearer, and never the gateway token");
  assert.equal(lastUserText(request.body), userText);
  if (system) assert.deepEqual(request.body.systemInstruction, { parts: [{ text: system }] });
}

describe("Gemini upstream (google-generative-ai)", () => {
  test("a Chat Completions client, plain and streamed", async () => {
    const openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi there" }] });
    clientVisible.push(JSON.stringify(completion));
    assert.equal(completion.choices[0]!.message.content, "Hello from the gemini fake: Hi there");
    assert.equal(completion.choices[0]!.finish_reason, "stop");
    assert.equal(completion.usage?.prompt_tokens, 7);
    assertGeminiSaw(/\/v1beta\/models\/gemini-2\.5-flash:generateContent$/, "Be brief.", "Hi there");

    const stream = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Stream it" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    clientVisible.push(text);
    assert.equal(text, "Hello from the gemini fake: Stream it");
    assertGeminiSaw(/:streamGenerateContent\?alt=sse$/, undefined, "Stream it");
  });

  test("a Messages (Anthropic) client, plain and streamed", async () => {
    const anthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: MODEL, max_tokens: 64, system: "Be kind.", messages: [{ role: "user", content: "Hello" }] });
    clientVisible.push(JSON.stringify(message));
    assert.deepEqual(message.content, [{ type: "text", text: "Hello from the gemini fake: Hello" }]);
    assert.equal(message.stop_reason, "end_turn");
    assertGeminiSaw(/:generateContent$/, "Be kind.", "Hello");
    assert.equal(seen.at(-1)!.body.generationConfig?.maxOutputTokens, 64);

    const text = await anthropic.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "Stream" }] }).finalText();
    clientVisible.push(text);
    assert.equal(text, "Hello from the gemini fake: Stream");
  });

  test("a Responses client", async () => {
    const openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const response = await openai.responses.create({ model: MODEL, input: "Via responses" });
    clientVisible.push(JSON.stringify(response));
    assert.equal(response.output_text, "Hello from the gemini fake: Via responses");
    assertGeminiSaw(/:generateContent$/, undefined, "Via responses");
  });
});
