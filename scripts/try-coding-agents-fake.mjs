#!/usr/bin/env node
// A fake model provider on 127.0.0.1 for scripts/try-coding-agents.sh: speaks
// Anthropic Messages (POST /v1/messages), OpenAI Chat Completions (POST
// /v1/chat/completions) and OpenAI Responses (POST /v1/responses), always
// streamed as the agents ask, and plays one short coding session whatever the
// API: write hello.txt (with apply_patch when the agent offers it, else Write,
// else a shell command), read it back, then say what the file holds. Each
// request is logged to the file given as the second argument (credentials cut).
//
//   node scripts/try-coding-agents-fake.mjs <port> <log.jsonl>
//
// Claude Code's Write takes an absolute path: the fake reads the agent's working
// directory from its system prompt ("working directory: …").
import { createServer } from "node:http";
import { appendFileSync } from "node:fs";

const [port = "0", log = "/dev/null"] = process.argv.slice(2);
const CONTENT = "hello from the fake model";
const PATCH = `*** Begin Patch\n*** Add File: hello.txt\n+${CONTENT}\n*** End Patch\n`;
let counter = 0;

const masked = (name, value) => (/authorization|api-key|token|cookie/i.test(name) ? `${String(value).slice(0, 10)}…` : value);

/** The step of the session: how many tool results came back, and the last one's text. */
function progress(results) {
  return { step: results.length, last: results.at(-1) ?? "" };
}

/** What to do next, given the names of the tools offered (in the upstream API's terms). */
function plan(names, step, last, freeform, body) {
  const workdir = /working directory: ([^\s"\\]+)/.exec(JSON.stringify(body))?.[1] ?? process.cwd();
  if (names.length === 0) return { text: "Hello file" };
  if (step === 0) {
    if (names.includes("apply_patch")) return { tool: "apply_patch", args: freeform ? PATCH : { input: PATCH } };
    if (names.includes("Write")) return { tool: "Write", args: { file_path: `${workdir}/hello.txt`, content: `${CONTENT}\n` } };
    if (names.includes("exec_command")) return { tool: "exec_command", args: { cmd: `printf '${CONTENT}\\n' > hello.txt` } };
    if (names.includes("Bash")) return { tool: "Bash", args: { command: `printf '${CONTENT}\\n' > hello.txt`, description: "Write the file" } };
  }
  if (step === 1) {
    if (names.includes("exec_command")) return { tool: "exec_command", args: { cmd: "cat hello.txt" } };
    if (names.includes("Bash")) return { tool: "Bash", args: { command: "cat hello.txt", description: "Show the file" } };
  }
  return { text: last.includes(CONTENT) ? `Done: hello.txt says "${CONTENT}".` : `Done, but the last tool said: ${last.slice(0, 200)}` };
}

const textOf = (content) => (typeof content === "string" ? content : Array.isArray(content) ? content.map((part) => (typeof part === "string" ? part : part.text ?? "")).join("") : "");

function sse(res, events, named) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of events) res.write(`${named ? `event: ${event.type}\n` : ""}data: ${JSON.stringify(event)}\n\n`);
  if (!named) res.write("data: [DONE]\n\n");
  res.end();
}

function anthropic(body, res) {
  const results = (body.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((p) => p.type === "tool_result").map((p) => textOf(p.content));
  const { step, last } = progress(results);
  const next = plan((body.tools ?? []).map((t) => t.name), step, last, false, body);
  const id = `msg_fake${++counter}`;
  const events = [{ type: "message_start", message: { id, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }];
  if (next.tool) {
    events.push(
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: `toolu_fake${counter}`, name: next.tool, input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(next.args) } },
      { type: "content_block_stop", index: 0 },
    );
  } else {
    events.push(
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: next.text } },
      { type: "content_block_stop", index: 0 },
    );
  }
  events.push({ type: "message_delta", delta: { stop_reason: next.tool ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } }, { type: "message_stop" });
  if (body.stream) return sse(res, events, true);
  const content = next.tool ? [{ type: "tool_use", id: `toolu_fake${counter}`, name: next.tool, input: next.args }] : [{ type: "text", text: next.text }];
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id, type: "message", role: "assistant", model: body.model, content, stop_reason: next.tool ? "tool_use" : "end_turn", stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } }));
}

function chat(body, res) {
  const results = (body.messages ?? []).filter((m) => m.role === "tool").map((m) => textOf(m.content));
  const { step, last } = progress(results);
  const next = plan((body.tools ?? []).map((t) => t.function?.name), step, last, false, body);
  const id = `chatcmpl-fake${++counter}`;
  const chunk = (delta, finish, usage) => ({ id, object: "chat.completion.chunk", created: 1, model: body.model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) });
  const message = next.tool
    ? { role: "assistant", content: null, tool_calls: [{ index: 0, id: `call_fake${counter}`, type: "function", function: { name: next.tool, arguments: JSON.stringify(next.args) } }] }
    : { role: "assistant", content: next.text };
  const finish = next.tool ? "tool_calls" : "stop";
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (body.stream) return sse(res, [chunk(message, null), chunk({}, finish), chunk({}, null, usage)], false);
  delete message.tool_calls?.[0]?.index;
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id, object: "chat.completion", created: 1, model: body.model, choices: [{ index: 0, message, finish_reason: finish }], usage }));
}

function responses(body, res) {
  const input = Array.isArray(body.input) ? body.input : [];
  const results = input.filter((item) => /_output$/.test(item.type ?? "")).map((item) => textOf(item.output));
  const { step, last } = progress(results);
  const tools = body.tools ?? [];
  const names = tools.flatMap((t) => (t.type === "namespace" ? [] : [t.name])).filter(Boolean);
  const freeform = tools.some((t) => t.type === "custom" && t.name === "apply_patch");
  const next = plan(names, step, last, freeform, body);
  const n = ++counter;
  let item;
  if (next.tool && typeof next.args === "string") item = { type: "custom_tool_call", id: `ctc_fake${n}`, call_id: `call_fake${n}`, name: next.tool, input: next.args, status: "completed" };
  else if (next.tool) item = { type: "function_call", id: `fc_fake${n}`, call_id: `call_fake${n}`, name: next.tool, arguments: JSON.stringify(next.args), status: "completed" };
  else item = { type: "message", id: `msg_fake${n}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: next.text, annotations: [] }] };
  const envelope = { id: `resp_fake${n}`, object: "response", created_at: 1, model: body.model, status: "in_progress", output: [] };
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  const done = { ...envelope, status: "completed", output: [item], usage };
  if (!body.stream) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(done));
  const events = [{ type: "response.created", response: envelope }, { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress" } }];
  if (item.type === "message") {
    const where = { item_id: item.id, output_index: 0, content_index: 0 };
    events.push(
      { type: "response.content_part.added", ...where, part: { type: "output_text", text: "", annotations: [] } },
      { type: "response.output_text.delta", ...where, delta: next.text },
      { type: "response.output_text.done", ...where, text: next.text },
      { type: "response.content_part.done", ...where, part: item.content[0] },
    );
  }
  events.push({ type: "response.output_item.done", output_index: 0, item }, { type: "response.completed", response: done });
  sse(res, events.map((event, at) => ({ ...event, sequence_number: at })), true);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      body = {};
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, masked(name, value)]));
    appendFileSync(log, JSON.stringify({ method: req.method, url: req.url, headers, body }) + "\n");
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "POST" && path.endsWith("/messages/count_tokens")) return res.writeHead(200, { "content-type": "application/json" }).end('{"input_tokens":42}');
    if (req.method === "POST" && path.endsWith("/messages")) return anthropic(body, res);
    if (req.method === "POST" && path.endsWith("/chat/completions")) return chat(body, res);
    if (req.method === "POST" && path.endsWith("/responses")) return responses(body, res);
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
  });
});
server.listen(Number(port), "127.0.0.1", () => console.log(`fake provider on http://127.0.0.1:${server.address().port}`));
