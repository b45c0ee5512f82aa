// The two coding agents people point at the gateway (issue 8), replayed from
// what they really sent (test/fixtures/clients/, captured from Codex CLI
// 0.171.0 and Claude Code 2.1.197 on 127.0.0.1): the same method, path with
// query, headers and body, streamed as the agents stream, through the real
// gateway to fake upstreams of each wire API. Checks that the translation is
// faithful both ways (Codex's freeform apply_patch, its namespaced tools,
// Claude Code's tools, thinking and structured output), that same-API requests
// pass through untouched, that a broken stream ends in the client's own terms,
// and that no secret reaches a client or the gateway's output.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const ANTHROPIC_KEY = "sk-ant-api03-" + "c".repeat(40) + "-agentsA-" + "3".repeat(40);
const OPENAI_KEY = "sk-proj-" + "c".repeat(30) + "-agentsO-" + "4".repeat(30);
const RESPONSES_KEY = "sk-proj-" + "C".repeat(30) + "-agentsR-" + "5".repeat(30);
const GEMINI_KEY = "AIza" + "A".repeat(35);
const SECRETS = [ANTHROPIC_KEY, OPENAI_KEY, RESPONSES_KEY, GEMINI_KEY, GATEWAY_TOKEN];

interface Fixture {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Record<string, any>;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/clients/${name}`, import.meta.url), "utf8"));
}

const CODEX_FIRST = fixture("codex-first-turn.json");
const CODEX_RESULTS = fixture("codex-tool-results.json");
const CODEX_UNKNOWN = fixture("codex-unknown-model.json");
const CLAUDE_TITLE = fixture("claude-code-title.json");
const CLAUDE_FIRST = fixture("claude-code-first-turn.json");
const CLAUDE_RESULTS = fixture("claude-code-tool-results.json");
const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello from the fake model\n*** End Patch\n";

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);
let world: GatewayWorld;

// ------------------------------------------------------------- a Responses API upstream

interface SeenResponses {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}
const responsesSeen: SeenResponses[] = [];
let responsesAnswer = "";
let responsesServer: Server;

function namedSse(events: object[]): string {
  return events.map((event, n) => `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify({ ...event, sequence_number: n })}\n\n`).join("");
}

/** What OpenAI streams when its model calls apply_patch (a custom tool). */
function responsesPatchCall(): string {
  const envelope = { id: "resp_up1", object: "response", created_at: 1_795_000_000, model: "gpt-5.5", status: "in_progress", output: [] };
  const item = { type: "custom_tool_call", id: "ctc_up1", call_id: "call_up1", name: "apply_patch", input: PATCH, status: "completed" };
  return namedSse([
    { type: "response.created", response: envelope },
    { type: "response.output_item.added", output_index: 0, item: { ...item, input: "", status: "in_progress" } },
    { type: "response.custom_tool_call_input.delta", item_id: "ctc_up1", output_index: 0, delta: PATCH },
    { type: "response.custom_tool_call_input.done", item_id: "ctc_up1", output_index: 0, input: PATCH },
    { type: "response.output_item.done", output_index: 0, item },
    { type: "response.completed", response: { ...envelope, status: "completed", output: [item], usage: { input_tokens: 9, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 13 } } },
  ]);
}

function responsesText(text: string): string {
  const envelope = { id: "resp_up2", object: "response", created_at: 1_795_000_000, model: "gpt-5.5", status: "in_progress", output: [] };
  const item = { type: "message", id: "msg_up2", role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
  return namedSse([
    { type: "response.created", response: envelope },
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", content: [] } },
    { type: "response.content_part.added", item_id: "msg_up2", output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } },
    { type: "response.output_text.delta", item_id: "msg_up2", output_index: 0, content_index: 0, delta: text, logprobs: [] },
    { type: "response.output_text.done", item_id: "msg_up2", output_index: 0, content_index: 0, text, logprobs: [] },
    { type: "response.content_part.done", item_id: "msg_up2", output_index: 0, content_index: 0, part: item.content[0] },
    { type: "response.output_item.done", output_index: 0, item },
    { type: "response.completed", response: { ...envelope, status: "completed", output: [item], usage: { input_tokens: 9, output_tokens: 4, total_tokens: 13 } } },
  ]);
}

// ------------------------------------------------------------- a Gemini upstream

const geminiSeen: { url: string; body: any }[] = [];
let geminiAnswer: object = {};
let geminiServer: Server;

// ------------------------------------------------------------- upstream answers of the other APIs

function anthropicToolCall(id: string, name: string, input: object): string {
  const json = JSON.stringify(input);
  const events: object[] = [
    { type: "message_start", message: { id: "msg_up3", type: "message", role: "assistant", model: "claude-opus-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "tool_use", id, name, input: {} } },
    { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: json.slice(0, 20) } },
    { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: json.slice(20) } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 12 } },
    { type: "message_stop" },
  ];
  return events.map((event) => `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

function openaiToolCall(id: string, name: string, args: string): string {
  const chunk = (delta: object, finish: string | null, usage?: object) =>
    `data: ${JSON.stringify({ id: "chatcmpl-up4", object: "chat.completion.chunk", created: 1_795_000_000, model: "gpt-5.2", choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  return [
    chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: "" } }] }, null),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 15) } }] }, null),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(15) } }] }, null),
    chunk({}, "tool_calls"),
    chunk({}, null, { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 }),
    "data: [DONE]\n\n",
  ].join("");
}

// ------------------------------------------------------------- sending as the agents do

interface SseEvent {
  event?: string;
  data: any;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return { ...(event ? { event } : {}), data: data === "[DONE]" ? data : JSON.parse(data) };
    });
}

/** The fixture's request, as the agent sent it (method, path and query, headers), for `model`; the gateway token as its credential. */
async function replay(request: Fixture, model: string, change: (body: Record<string, any>) => void = () => undefined): Promise<{ status: number; text: string; events: SseEvent[]; sent: string; contentType: string }> {
  const body = { ...structuredClone(request.body), model };
  change(body);
  const sent = JSON.stringify(body);
  const response = await fetch(`${world.gateway.url}${request.url}`, {
    method: request.method,
    headers: { ...request.headers, authorization: `Bearer ${GATEWAY_TOKEN}` },
    body: sent,
  });
  const text = await response.text();
  clientVisible.push(text);
  const contentType = response.headers.get("content-type") ?? "";
  assert.equal(response.status, 200, text.slice(0, 500));
  return { status: response.status, text, events: contentType.startsWith("text/event-stream") ? parseSse(text) : [], sent, contentType };
}

/** A Responses stream as Codex reads it: consecutive sequence numbers, the final response. */
function responsesOutcome(events: SseEvent[]): { types: string[]; done: any[]; final: any } {
  events.forEach((event, at) => {
    assert.equal(event.event, event.data.type, "named events");
    assert.equal(event.data.sequence_number, at, "sequence numbers count from 0");
  });
  const types = events.map((event) => event.data.type);
  return { types, done: events.filter((event) => event.data.type === "response.output_item.done").map((event) => event.data.item), final: events.at(-1)!.data };
}

/** A Messages stream as Claude Code reads it: the blocks it builds, and the stop reason. */
function messagesOutcome(events: SseEvent[]): { blocks: any[]; stopReason: string } {
  assert.equal(events[0]?.event, "message_start");
  assert.equal(events.at(-1)?.event, "message_stop");
  const blocks: any[] = [];
  let stopReason = "";
  for (const { event, data } of events) {
    assert.equal(event, data.type);
    if (data.type === "content_block_start") blocks[data.index] = { ...data.content_block, partial: "" };
    if (data.type === "content_block_delta" && data.delta.type === "input_json_delta") blocks[data.index].partial += data.delta.partial_json;
    if (data.type === "content_block_delta" && data.delta.type === "text_delta") blocks[data.index].text += data.delta.text;
    if (data.type === "message_delta") stopReason = data.delta.stop_reason;
  }
  for (const block of blocks) if (block.type === "tool_use") block.input = block.partial ? JSON.parse(block.partial) : block.input;
  return { blocks, stopReason };
}

before(async () => {
  responsesServer = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      responsesSeen.push({ url: req.url ?? "", headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      if (req.method !== "POST" || req.url !== "/v1/responses") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no such route" } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" }).end(responsesAnswer);
    });
  });
  await new Promise<void>((resolve) => responsesServer.listen(0, "127.0.0.1", resolve));
  geminiServer = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      geminiSeen.push({ url: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") });
      if (!req.url?.endsWith(":streamGenerateContent?alt=sse")) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: 404, message: "no such route", status: "NOT_FOUND" } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" }).end(`data: ${JSON.stringify(geminiAnswer)}\r\n\r\n`);
    });
  });
  await new Promise<void>((resolve) => geminiServer.listen(0, "127.0.0.1", resolve));
  const geminiUrl = `http://127.0.0.1:${(geminiServer.address() as AddressInfo).port}/v1beta`;
  const responsesUrl = `http://127.0.0.1:${(responsesServer.address() as AddressInfo).port}/v1`;
  world = await startWorld({
    store: {
      version: 1,
      profiles: {
        "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY),
        "openai:default": apiKeyProfile("openai", OPENAI_KEY),
        "oair:default": apiKeyProfile("oair", RESPONSES_KEY),
        "google:default": apiKeyProfile("google", GEMINI_KEY),
      },
    },
    config: { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } } },
    providers: () => ({ oair: { baseUrl: responsesUrl, api: "openai-responses", models: [] }, google: { baseUrl: geminiUrl } }),
  });
});

after(async () => {
  await closeWorld(world);
  await new Promise((resolve) => responsesServer.close(resolve));
  await new Promise((resolve) => geminiServer.close(resolve));
});

const lastAnthropic = () => world.anthropic.requests.at(-1)!;
const lastOpenai = () => world.openai.requests.at(-1)!;

// ------------------------------------------------------------- Codex CLI

describe("Codex CLI (POST /v1/responses, streamed)", () => {
  test("to an Anthropic upstream: apply_patch goes as a function taking the patch as one string, and comes back as a custom_tool_call", async () => {
    world.anthropic.script(ANTHROPIC_KEY, { sse: anthropicToolCall("toolu_01patch", "apply_patch", { input: PATCH }) });
    const { events } = await replay(CODEX_FIRST, "anthropic/claude-opus-4-6");

    const seen = lastAnthropic();
    assert.equal(seen.credential, ANTHROPIC_KEY);
    assert.equal(seen.path, "/v1/messages");
    assert.equal(seen.body.model, "claude-opus-4-6");
    assert.equal(seen.body.stream, true);
    const declared = CODEX_FIRST.body.tools.filter((tool: any) => tool.type === "function" || tool.type === "custom").map((tool: any) => tool.name);
    assert.deepEqual(
      seen.body.tools.map((tool: any) => tool.name),
      declared,
      "every function and custom tool, and neither web_search nor tool_search",
    );
    const patchTool = seen.body.tools.find((tool: any) => tool.name === "apply_patch");
    assert.equal(patchTool.description, CODEX_FIRST.body.tools.find((tool: any) => tool.name === "apply_patch").description);
    assert.deepEqual(patchTool.input_schema.required, ["input"]);
    assert.equal(patchTool.input_schema.properties.input.type, "string");
    assert.match(patchTool.input_schema.properties.input.description, /lark grammar/);
    const system = typeof seen.body.system === "string" ? seen.body.system : seen.body.system.map((block: any) => block.text).join("\n");
    const developer = CODEX_FIRST.body.input.find((item: any) => item.role === "developer").content[0].text;
    assert.ok(system.startsWith(developer), "Codex's developer messages are the system prompt");
    assert.match(system, /<permissions instructions>/);
    const userText = seen.body.messages.flatMap((message: any) => (typeof message.content === "string" ? [message.content] : message.content.map((part: any) => part.text)));
    assert.ok(userText.includes("Create hello.txt containing a greeting, then show it"));
    for (const field of ["include", "store", "prompt_cache_key", "client_metadata", "parallel_tool_calls", "text"]) assert.equal(seen.body[field], undefined, `${field} is not sent to Anthropic`);

    const { types, done, final } = responsesOutcome(events);
    assert.equal(types[0], "response.created");
    assert.ok(!types.includes("response.function_call_arguments.delta"), "the patch is not streamed as JSON fragments");
    assert.ok(types.includes("response.custom_tool_call_input.done"));
    assert.equal(done.length, 1);
    assert.deepEqual([done[0].type, done[0].call_id, done[0].name, done[0].input], ["custom_tool_call", "toolu_01patch", "apply_patch", PATCH]);
    assert.equal(final.type, "response.completed");
    assert.deepEqual(final.response.output, done);
    assert.ok(final.response.usage.output_tokens > 0);
  });

  test("to an Anthropic upstream: the next turn carries the patch call and its output, and the exec_command call", async () => {
    world.anthropic.script(ANTHROPIC_KEY, {});
    const { events } = await replay(CODEX_RESULTS, "anthropic/claude-opus-4-6");
    const seen = lastAnthropic();
    const blocks = seen.body.messages.flatMap((message: any) => (typeof message.content === "string" ? [] : message.content.map((part: any) => ({ role: message.role, ...part }))));
    const patchCall = blocks.find((block: any) => block.type === "tool_use" && block.name === "apply_patch");
    assert.deepEqual(patchCall, { role: "assistant", type: "tool_use", id: "call_patch1", name: "apply_patch", input: { input: PATCH } });
    const patchResult = blocks.find((block: any) => block.type === "tool_result" && block.tool_use_id === "call_patch1");
    assert.equal(patchResult.role, "user");
    assert.match(JSON.stringify(patchResult.content), /Success\. Updated the following files/);
    const execCall = blocks.find((block: any) => block.type === "tool_use" && block.name === "exec_command");
    assert.deepEqual(execCall.input, { cmd: "cat hello.txt" });
    assert.ok(blocks.some((block: any) => block.type === "tool_result" && block.tool_use_id === execCall.id));

    const { done, final } = responsesOutcome(events);
    assert.equal(final.type, "response.completed");
    assert.equal(done[0].type, "message");
    assert.match(done[0].content[0].text, /^Hello from the anthropic fake/);
  });

  test("to an OpenAI Chat Completions upstream: apply_patch is a function with one string argument, and its call comes back as a custom_tool_call", async () => {
    world.openai.script(OPENAI_KEY, { sse: openaiToolCall("call_up4", "apply_patch", JSON.stringify({ input: PATCH })) });
    const { events } = await replay(CODEX_FIRST, "openai/gpt-5.2");
    const seen = lastOpenai();
    assert.equal(seen.credential, OPENAI_KEY);
    assert.equal(seen.path, "/v1/chat/completions");
    const patchTool = seen.body.tools.find((tool: any) => tool.function.name === "apply_patch");
    assert.equal(patchTool.type, "function");
    assert.deepEqual(Object.keys(patchTool.function.parameters.properties), ["input"]);
    assert.ok(!seen.body.tools.some((tool: any) => tool.type !== "function"), "no hosted tool reaches Chat Completions");
    assert.equal(seen.body.messages[0].role, "system");
    assert.notEqual(seen.body.parallel_tool_calls, false, "parallel calls, as Codex asked (OpenAI's default)");
    const { done, final } = responsesOutcome(events);
    assert.deepEqual([done[0].type, done[0].call_id, done[0].name, done[0].input], ["custom_tool_call", "call_up4", "apply_patch", PATCH]);
    assert.equal(final.type, "response.completed");

    // Its next turn: the call as the assistant's tool_call with the patch as JSON, the output as a tool message.
    world.openai.script(OPENAI_KEY, {});
    await replay(CODEX_RESULTS, "openai/gpt-5.2");
    const next = lastOpenai().body.messages;
    const assistant = next.find((message: any) => message.tool_calls?.some((call: any) => call.function.name === "apply_patch"));
    assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { input: PATCH });
    const tool = next.find((message: any) => message.role === "tool" && message.tool_call_id === "call_patch1");
    assert.match(JSON.stringify(tool.content), /Success/);
  });

  test("with a model name Codex does not know: its namespace's tools go as namespace__name functions and a call comes back with its namespace", async () => {
    world.openai.script(OPENAI_KEY, { sse: openaiToolCall("call_up5", "multi_agent_v1__spawn_agent", '{"message":"look around"}') });
    const { events } = await replay(CODEX_UNKNOWN, "openai/gpt-5.2");
    const names = lastOpenai().body.tools.map((tool: any) => tool.function.name);
    for (const name of ["close_agent", "resume_agent", "send_input", "spawn_agent", "wait_agent"]) assert.ok(names.includes(`multi_agent_v1__${name}`), name);
    assert.ok(names.includes("exec_command"));
    const { done } = responsesOutcome(events);
    assert.deepEqual([done[0].type, done[0].name, done[0].namespace, done[0].arguments], ["function_call", "spawn_agent", "multi_agent_v1", '{"message":"look around"}']);
  });

  test("to an OpenAI Responses upstream: the request goes byte for byte (only the model rewritten) and the answer comes back untouched", async () => {
    responsesAnswer = responsesPatchCall();
    const { text, sent } = await replay(CODEX_FIRST, "oair/gpt-5.5");
    const seen = responsesSeen.at(-1)!;
    assert.equal(seen.url, "/v1/responses");
    assert.equal(seen.headers.authorization, `Bearer ${RESPONSES_KEY}`);
    assert.equal(seen.raw, sent.replace('"model":"oair/gpt-5.5"', '"model":"gpt-5.5"'));
    assert.equal(text, responsesAnswer, "the custom_tool_call Codex reads is OpenAI's own");
  });

  test("to a Gemini upstream: apply_patch is a function declaration with one string argument, and its call comes back as a custom_tool_call", async () => {
    geminiAnswer = {
      candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "apply_patch", args: { input: PATCH } } }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 12, totalTokenCount: 42 },
      modelVersion: "gemini-2.5-pro",
      responseId: "gem-1",
    };
    const { events } = await replay(CODEX_FIRST, "google/gemini-2.5-pro");
    const seen = geminiSeen.at(-1)!;
    assert.match(seen.url, /models\/gemini-2\.5-pro:streamGenerateContent\?alt=sse$/);
    const declarations = seen.body.tools.flatMap((tool: any) => tool.functionDeclarations ?? []);
    const patch = declarations.find((declaration: any) => declaration.name === "apply_patch");
    const schema = patch.parameters ?? patch.parametersJsonSchema;
    assert.equal(schema.properties.input.type.toLowerCase(), "string");
    assert.ok(!declarations.some((declaration: any) => declaration.name === "web_search"));
    assert.match(JSON.stringify(seen.body.systemInstruction), /You are Codex/);
    const { done, final } = responsesOutcome(events);
    assert.deepEqual([done[0].type, done[0].name, done[0].input], ["custom_tool_call", "apply_patch", PATCH]);
    assert.equal(final.type, "response.completed");
  });

  test("a stream that breaks off ends with the Responses API's error and response.failed events", async () => {
    world.anthropic.script(ANTHROPIC_KEY, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const events = anthropicToolCall("toolu_cut", "apply_patch", { input: PATCH }).split("\n\n").slice(0, 3);
        res.write(events.join("\n\n") + "\n\n", () => setTimeout(() => res.destroy(), 50));
      },
    });
    const { events } = await replay(CODEX_FIRST, "anthropic/claude-opus-4-6");
    world.anthropic.script(ANTHROPIC_KEY, {});
    const { types, final } = responsesOutcome(events);
    assert.equal(types[0], "response.created");
    assert.deepEqual(types.slice(-2), ["error", "response.failed"]);
    assert.equal(final.response.status, "failed");
    assert.match(final.response.error.message, /the answer above is incomplete/);
    assert.ok(!types.includes("response.completed"));
  });
});

// ------------------------------------------------------------- Claude Code

describe("Claude Code (POST /v1/messages?beta=true, streamed)", () => {
  test("to an OpenAI upstream: the title request's structured output becomes response_format", async () => {
    world.openai.script(OPENAI_KEY, {});
    const { events } = await replay(CLAUDE_TITLE, "openai/gpt-5.2");
    const seen = lastOpenai();
    assert.equal(seen.credential, OPENAI_KEY);
    assert.equal(seen.body.response_format.type, "json_schema");
    assert.deepEqual(seen.body.response_format.json_schema.schema, CLAUDE_TITLE.body.output_config.format.schema);
    assert.equal(seen.body.max_completion_tokens ?? seen.body.max_tokens, 64000);
    const { blocks, stopReason } = messagesOutcome(events);
    assert.equal(stopReason, "end_turn");
    assert.match(blocks[0].text, /^Hello from the openai fake/);
  });

  test("to an OpenAI upstream: 25 tools, adaptive thinking, cache_control, a mid-conversation system message; a Write call comes back as tool_use", async () => {
    const input = { file_path: "/tmp/work/hello.txt", content: "hello from the fake model\n" };
    world.openai.script(OPENAI_KEY, { sse: openaiToolCall("call_up6", "Write", JSON.stringify(input)) });
    const { events } = await replay(CLAUDE_FIRST, "openai/gpt-5.2");
    const seen = lastOpenai();
    assert.deepEqual(
      seen.body.tools.map((tool: any) => tool.function.name),
      CLAUDE_FIRST.body.tools.map((tool: any) => tool.name),
    );
    const write = seen.body.tools.find((tool: any) => tool.function.name === "Write");
    assert.deepEqual(write.function.parameters, CLAUDE_FIRST.body.tools.find((tool: any) => tool.name === "Write").input_schema);
    assert.equal(seen.body.stream, true);
    assert.equal(seen.body.messages[0].role, "system");
    const system = JSON.stringify(seen.body.messages.filter((message: any) => message.role === "system" || message.role === "developer"));
    assert.match(system, /Claude Code/);
    assert.match(system, /Available agent types for the Agent tool/, "the system-role message is kept");
    assert.ok(!JSON.stringify(seen.body).includes("cache_control"), "Anthropic's cache marks do not reach OpenAI");
    assert.equal(seen.body.reasoning_effort, "high", "output_config.effort");
    const user = seen.body.messages.filter((message: any) => message.role === "user");
    assert.match(JSON.stringify(user), /Create hello\.txt containing a greeting, then show it/);

    const { blocks, stopReason } = messagesOutcome(events);
    assert.equal(stopReason, "tool_use");
    assert.deepEqual([blocks[0].type, blocks[0].id, blocks[0].name, blocks[0].input], ["tool_use", "call_up6", "Write", input]);
  });

  test("to an OpenAI upstream: the tool result goes back as a tool message under the call's id", async () => {
    world.openai.script(OPENAI_KEY, {});
    const { events } = await replay(CLAUDE_RESULTS, "openai/gpt-5.2");
    const messages = lastOpenai().body.messages;
    const assistant = messages.find((message: any) => message.tool_calls?.length);
    assert.equal(assistant.tool_calls[0].id, "toolu_w1");
    assert.equal(assistant.tool_calls[0].function.name, "Write");
    const tool = messages.find((message: any) => message.role === "tool");
    assert.equal(tool.tool_call_id, "toolu_w1");
    const { blocks, stopReason } = messagesOutcome(events);
    assert.equal(stopReason, "end_turn");
    assert.equal(blocks[0].type, "text");
  });

  test("to an Anthropic upstream (same API): the body and the beta headers go through as sent", async () => {
    world.anthropic.script(ANTHROPIC_KEY, {});
    const { text } = await replay(CLAUDE_FIRST, "anthropic/claude-opus-4-8");
    const seen = lastAnthropic();
    assert.equal(seen.credential, ANTHROPIC_KEY);
    assert.deepEqual(seen.body, { ...CLAUDE_FIRST.body, model: "claude-opus-4-8" });
    assert.equal(seen.headers["anthropic-beta"], CLAUDE_FIRST.headers["anthropic-beta"]);
    assert.equal(seen.headers["anthropic-version"], "2023-06-01");
    assert.equal(seen.headers.authorization, undefined, "the gateway token stays behind");
    const { blocks } = messagesOutcome(parseSse(text));
    assert.match(blocks[0].text, /^Hello from the anthropic fake/);
  });

  test("to an OpenAI Responses upstream: the tools as functions, the system as instructions", async () => {
    responsesAnswer = responsesText("Done: hello.txt created.");
    const { events } = await replay(CLAUDE_FIRST, "oair/gpt-5.5");
    const body = JSON.parse(responsesSeen.at(-1)!.raw);
    assert.equal(body.model, "gpt-5.5");
    assert.equal(body.store, false);
    assert.match(body.instructions, /Claude Code/);
    assert.equal(body.tools.length, CLAUDE_FIRST.body.tools.length);
    assert.ok(body.tools.every((tool: any) => tool.type === "function"));
    assert.ok(body.safety_identifier.length <= 64, "OpenAI's limit, though Claude Code's user_id is longer");
    const { blocks, stopReason } = messagesOutcome(events);
    assert.equal(stopReason, "end_turn");
    assert.equal(blocks[0].text, "Done: hello.txt created.");
  });
});
