// Failures inside a stream that already started, in each client API's own terms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SseParser } from "../providers/sse.ts";
import { streamErrorEvent } from "./api-errors.ts";

test("a stream that breaks off ends, for a Responses client, with the Responses API's error and response.failed events", () => {
  const sse = streamErrorEvent("openai", "anthropic broke off the answer", "openai-responses", 7);
  const events = [...new SseParser().push(sse)];
  assert.deepEqual(
    events.map((event) => event.event),
    ["error", "response.failed"],
  );
  const [error, failed] = events.map((event) => JSON.parse(event.data));
  assert.deepEqual(error, { type: "error", code: "server_error", message: "anthropic broke off the answer", param: null, sequence_number: 8 });
  assert.equal(failed.type, "response.failed");
  assert.equal(failed.sequence_number, 9);
  assert.equal(failed.response.status, "failed");
  assert.deepEqual(failed.response.error, { code: "server_error", message: "anthropic broke off the answer" });
  assert.match(failed.response.id, /^resp_/);
  assert.ok(!sse.includes("[DONE]"), "a Responses stream has no [DONE]");
  // Chat Completions clients keep their error chunk and [DONE].
  assert.match(streamErrorEvent("openai", "x"), /data: \[DONE\]/);
});

test("a Messages client gets Anthropic's error event, whatever its upstream", () => {
  const events = [...new SseParser().push(streamErrorEvent("anthropic", "cut"))];
  assert.deepEqual(
    events.map((event) => [event.event, JSON.parse(event.data).error.type]),
    [["error", "api_error"]],
  );
});
