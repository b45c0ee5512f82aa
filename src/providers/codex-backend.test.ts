// The Codex backend's body rules and the assembly of its stream into one answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { assembleStreamedResponse, codexRequestBody } from "./codex-backend.ts";
import type { UpstreamResponse } from "./upstream.ts";

const body = (text: string) => Readable.from([Buffer.from(text)]) as unknown as UpstreamResponse["body"];
const sse = (events: object[]) => events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join("");

test("the body is never stored, always streamed, and without the parameters the backend refuses", () => {
  const sent = JSON.parse(codexRequestBody(JSON.stringify({ model: "gpt-5.3-codex", input: "hi", store: true, stream: false, temperature: 0.3, max_output_tokens: 99, instructions: "be brief" })));
  assert.deepEqual(sent, { model: "gpt-5.3-codex", input: "hi", store: false, stream: true, instructions: "be brief" });
});

test("a whole answer from the stream: the final response, its empty output filled from the items in output order", async () => {
  const message = (id: string, text: string) => ({ type: "message", id, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] });
  const stream = sse([
    { type: "response.created", response: { id: "r1", status: "in_progress", output: [] } },
    { type: "response.output_item.done", output_index: 1, item: message("m2", "second") },
    { type: "response.output_item.done", output_index: 0, item: message("m1", "first") },
    { type: "response.completed", response: { id: "r1", object: "response", status: "completed", output: [], usage: { input_tokens: 3, output_tokens: 2 } } },
  ]);
  const { bytes, truncated } = await assembleStreamedResponse(body(stream), 1 << 20);
  assert.equal(truncated, false);
  const whole = JSON.parse(bytes.toString("utf8"));
  assert.equal(whole.status, "completed");
  assert.deepEqual(whole.output.map((item: { id: string }) => item.id), ["m1", "m2"]);
  assert.equal(whole.usage.output_tokens, 2);
});

test("a stream without a final event is no answer (empty), and an oversized one is reported truncated", async () => {
  const partial = sse([{ type: "response.created", response: { id: "r1", status: "in_progress", output: [] } }]);
  assert.equal((await assembleStreamedResponse(body(partial), 1 << 20)).bytes.length, 0);
  assert.equal((await assembleStreamedResponse(body(partial), 10)).truncated, true);
});
