// What Codex CLI sends a Responses endpoint (issue 8), through the
// openai-responses adapter's client side: custom (freeform) and namespace tools
// as hub function tools and back, the hosted offers that are dropped, and the
// fields it sends that change nothing about the answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SseParser } from "../sse.ts";
import { isProblem, type HubRequest, type HubResponse, type HubStreamEvent } from "./hub.ts";
import { openaiResponsesAdapter } from "./openai-responses/index.ts";
import { anthropicMessagesAdapter } from "./anthropic-messages/index.ts";
import { openaiCompletionsAdapter } from "./openai-completions/index.ts";

const client = openaiResponsesAdapter.client!;
const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n";
const APPLY_PATCH = {
  type: "custom",
  name: "apply_patch",
  description: "Edit files. FREEFORM.",
  format: { type: "grammar", syntax: "lark", definition: 'start: "*** Begin Patch" LF' },
};
const NAMESPACE = {
  type: "namespace",
  name: "multi_agent_v1",
  description: "Sub-agents",
  tools: [{ type: "function", name: "spawn_agent", description: "Spawn", strict: false, parameters: { type: "object", properties: { message: { type: "string" } } } }],
};
const EXEC = { type: "function", name: "exec_command", description: "Run", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } };

function parse(body: Record<string, unknown>): HubRequest {
  const parsed = client.parseRequest({ model: "gpt-5.5", ...body });
  assert.ok(!isProblem(parsed), JSON.stringify(parsed));
  return parsed;
}

function fixture(name: string): { body: Record<string, unknown> } {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/clients/${name}`, import.meta.url), "utf8"));
}

test("a custom tool is a function taking its text as one string argument; its grammar goes in the argument's description", () => {
  const request = parse({ input: "hi", tools: [EXEC, APPLY_PATCH] });
  assert.equal(request.tools?.length, 2);
  const tool = request.tools![1]!;
  assert.equal(tool.name, "apply_patch");
  assert.equal(tool.description, "Edit files. FREEFORM.");
  assert.deepEqual(Object.keys((tool.parameters as any).properties), ["input"]);
  assert.deepEqual((tool.parameters as any).required, ["input"]);
  assert.match((tool.parameters as any).properties.input.description, /lark grammar:\nstart: "\*\*\* Begin Patch" LF/);
  assert.equal(tool.strict, undefined);
});

test("a namespace's tools are functions named namespace__name; web_search and tool_search are dropped", () => {
  const request = parse({
    input: "hi",
    tools: [EXEC, NAMESPACE, { type: "web_search", external_web_access: true }, { type: "tool_search", execution: "client", parameters: {} }],
  });
  assert.deepEqual(
    request.tools?.map((tool) => tool.name),
    ["exec_command", "multi_agent_v1__spawn_agent"],
  );
  assert.deepEqual(parse({ input: "hi", tools: [NAMESPACE], tool_choice: { type: "function", name: "spawn_agent", namespace: "multi_agent_v1" } }).toolChoice, {
    type: "tool",
    name: "multi_agent_v1__spawn_agent",
  });
  assert.deepEqual(parse({ input: "hi", tools: [APPLY_PATCH], tool_choice: { type: "custom", name: "apply_patch" } }).toolChoice, { type: "tool", name: "apply_patch" });
  const clash = client.parseRequest({ model: "m", input: "hi", tools: [NAMESPACE, { ...EXEC, name: "multi_agent_v1__spawn_agent" }] });
  assert.ok(isProblem(clash));
  assert.equal(clash.param, "tools[1].name");
});

test("custom tool calls and their outputs in the history, namespaced calls too", () => {
  const request = parse({
    input: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "make hello.txt" }] },
      { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAAA" },
      { type: "custom_tool_call", id: "ctc_1", status: "completed", call_id: "call_p", name: "apply_patch", input: PATCH },
      { type: "custom_tool_call_output", id: "ctco_1", call_id: "call_p", output: "Success." },
      { type: "function_call", call_id: "call_s", name: "spawn_agent", namespace: "multi_agent_v1", arguments: '{"message":"x"}' },
      { type: "function_call_output", call_id: "call_s", output: "spawned" },
    ],
    tools: [APPLY_PATCH, NAMESPACE],
  });
  assert.deepEqual(request.messages.slice(1), [
    {
      role: "assistant",
      parts: [
        { kind: "thinking", text: "", encrypted: "gAAAA" },
        { kind: "tool_call", id: "call_p", name: "apply_patch", arguments: JSON.stringify({ input: PATCH }) },
      ],
    },
    { role: "user", parts: [{ kind: "tool_result", toolCallId: "call_p", content: [{ kind: "text", text: "Success." }] }] },
    { role: "assistant", parts: [{ kind: "tool_call", id: "call_s", name: "multi_agent_v1__spawn_agent", arguments: '{"message":"x"}' }] },
    { role: "user", parts: [{ kind: "tool_result", toolCallId: "call_s", content: [{ kind: "text", text: "spawned" }] }] },
  ]);
  // What another API gets: Anthropic tool_use with the text as `input.input`.
  const anthropic = anthropicMessagesAdapter.upstream.buildRequest(request, "claude-x") as any;
  assert.ok(!isProblem(anthropic));
  assert.deepEqual(anthropic.messages[1].content.at(-1), { type: "tool_use", id: "call_p", name: "apply_patch", input: { input: PATCH } });
  assert.equal(anthropic.tools[0].input_schema.properties.input.type, "string");
});

test("the fields Codex sends that change nothing are accepted and dropped", () => {
  for (const name of ["codex-first-turn.json", "codex-tool-results.json", "codex-unknown-model.json"]) {
    const { body } = fixture(name);
    const request = client.parseRequest(body);
    assert.ok(!isProblem(request), `${name}: ${JSON.stringify(request)}`);
    assert.equal(request.stream, true);
    assert.ok(request.system.length >= 2, "the developer messages are the system prompt");
    assert.ok(!request.tools?.some((tool) => tool.name === "web_search" || tool.name === "tool_search"));
    const chat = openaiCompletionsAdapter.upstream.buildRequest(request, "gpt-x") as any;
    assert.ok(!isProblem(chat));
    for (const field of ["include", "store", "prompt_cache_key", "client_metadata", "text"]) assert.equal(chat[field], undefined, field);
  }
  const request = parse({ input: "hi", include: ["reasoning.encrypted_content"], store: false, prompt_cache_key: "k", text: { verbosity: "low" }, reasoning: { summary: "auto" }, client_metadata: { a: "b" } });
  assert.equal(request.responseFormat, undefined);
  assert.equal(request.reasoning, undefined, "a summary setting alone asks for no reasoning");
});

function hubAnswer(args: string, name: string): HubStreamEvent[] {
  return [
    { type: "start", id: "msg_1", model: "claude", created: 1 },
    { type: "part_start", index: 0, part: { kind: "tool_call", id: "toolu_1", name } },
    { type: "tool_arguments_delta", index: 0, json: args.slice(0, 9) },
    { type: "tool_arguments_delta", index: 0, json: args.slice(9) },
    { type: "part_stop", index: 0 },
    { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 3, outputTokens: 2 } },
  ];
}

function encode(events: HubStreamEvent[], body: Record<string, unknown>): any[] {
  const encoder = client.streamEncoder("gpt-5.5", body);
  const sse = events.map((event) => encoder.encode(event)).join("") + encoder.end();
  return [...new SseParser().push(sse)].map((event) => JSON.parse(event.data));
}

test("a call of a custom tool streams back as a custom_tool_call with the text as input", () => {
  const events = encode(hubAnswer(JSON.stringify({ input: PATCH }), "apply_patch"), { tools: [EXEC, APPLY_PATCH] });
  const types = events.map((event) => event.type);
  assert.ok(!types.includes("response.function_call_arguments.delta"), "no JSON fragments reach the client");
  assert.deepEqual(types.slice(2), [
    "response.output_item.added",
    "response.custom_tool_call_input.delta",
    "response.custom_tool_call_input.done",
    "response.output_item.done",
    "response.completed",
  ]);
  assert.equal(events[2].item.type, "custom_tool_call");
  assert.equal(events[3].delta, PATCH);
  assert.equal(events[4].input, PATCH);
  const done = events[5].item;
  assert.deepEqual([done.type, done.call_id, done.name, done.input, done.status], ["custom_tool_call", "toolu_1", "apply_patch", PATCH, "completed"]);
  assert.ok(done.id.startsWith("ctc_"));
  assert.deepEqual(events[6].response.output, [done]);
  // A model that wrote the text itself instead of a JSON object: it is the input as it came.
  const raw = encode(hubAnswer(PATCH, "apply_patch"), { tools: [APPLY_PATCH] });
  assert.equal(raw.find((event) => event.type === "response.output_item.done").item.input, PATCH);
});

test("a call of a namespaced tool streams back as a function_call with its namespace", () => {
  const events = encode(hubAnswer('{"message":"go"}', "multi_agent_v1__spawn_agent"), { tools: [NAMESPACE] });
  const done = events.find((event) => event.type === "response.output_item.done").item;
  assert.deepEqual([done.type, done.name, done.namespace, done.arguments], ["function_call", "spawn_agent", "multi_agent_v1", '{"message":"go"}']);
  assert.equal(events.find((event) => event.type === "response.function_call_arguments.done").name, "spawn_agent");
  // A plain function is untouched (no namespace field).
  const plain = encode(hubAnswer('{"cmd":"ls"}', "exec_command"), { tools: [EXEC] }).find((event) => event.type === "response.output_item.done").item;
  assert.deepEqual([plain.type, plain.name, "namespace" in plain], ["function_call", "exec_command", false]);
});

test("a whole answer renders custom and namespaced calls the same way", () => {
  const response: HubResponse = {
    id: "msg_1",
    model: "claude",
    created: 1,
    parts: [
      { kind: "tool_call", id: "toolu_1", name: "apply_patch", arguments: JSON.stringify({ input: PATCH }) },
      { kind: "tool_call", id: "toolu_2", name: "multi_agent_v1__spawn_agent", arguments: "{}" },
    ],
    stopReason: "tool_calls",
    usage: { inputTokens: 1, outputTokens: 1 },
  };
  const rendered = client.renderResponse(response, "gpt-5.5", { tools: [APPLY_PATCH, NAMESPACE] }) as any;
  assert.deepEqual(
    rendered.output.map((item: any) => [item.type, item.name, item.input ?? item.arguments, item.namespace]),
    [
      ["custom_tool_call", "apply_patch", PATCH, undefined],
      ["function_call", "spawn_agent", "{}", "multi_agent_v1"],
    ],
  );
  // Without the request (or its tools) the names are the hub's.
  assert.equal((client.renderResponse(response, "gpt-5.5") as any).output[0].type, "function_call");
});

test("an upstream stream whose text comes without content_part.added, or only in output_item.done, still reaches the client", () => {
  const decode = (events: object[]): HubStreamEvent[] => {
    const decoder = openaiResponsesAdapter.upstream.streamDecoder();
    return [...events.flatMap((event) => decoder.decode({ event: (event as { type: string }).type, data: JSON.stringify(event) })), ...decoder.end()];
  };
  const text = (events: HubStreamEvent[]) => events.flatMap((event) => (event.type === "text_delta" ? [event.text] : [])).join("");
  const item = { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Done.", annotations: [] }] };
  const completed = { type: "response.completed", response: { id: "resp_1", status: "completed", output: [item], usage: { input_tokens: 1, output_tokens: 1 } } };
  const deltasOnly = decode([
    { type: "response.created", response: { id: "resp_1" } },
    { type: "response.output_item.added", output_index: 0, item: { ...item, content: [] } },
    { type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "Done." },
    { type: "response.output_item.done", output_index: 0, item },
    completed,
  ]);
  assert.equal(text(deltasOnly), "Done.");
  assert.deepEqual(
    deltasOnly.map((event) => event.type),
    ["start", "part_start", "text_delta", "part_stop", "finish"],
  );
  const wholeItem = decode([{ type: "response.created", response: { id: "resp_1" } }, { type: "response.output_item.done", output_index: 0, item }, completed]);
  assert.equal(text(wholeItem), "Done.");
});

test("an end-user id longer than OpenAI's 64 characters (Claude Code's metadata.user_id) goes to a Responses upstream as its SHA-256", () => {
  const long = JSON.stringify({ device_id: "0".repeat(64), account_uuid: "", session_id: "7e221fdd-17c6-4395-b6c8-322c131527a7" });
  const build = (user: string) => openaiResponsesAdapter.upstream.buildRequest({ model: "m", system: [], messages: [], stream: false, user }, "gpt-5.5") as any;
  const hashed = build(long).safety_identifier;
  assert.match(hashed, /^[0-9a-f]{64}$/);
  assert.equal(build(long).safety_identifier, hashed, "stable");
  assert.equal(build("user-42").safety_identifier, "user-42", "a short id goes as it is");
});
