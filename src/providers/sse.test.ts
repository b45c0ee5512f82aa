import { test } from "node:test";
import assert from "node:assert/strict";
import { SseParser, formatSse, type SseEvent } from "./sse.ts";

function parseAll(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
}

const STREAM = [
  ": keep-alive comment",
  "event: message_start",
  'data: {"type":"message_start"}',
  "",
  "data: first line",
  "data: second line",
  "",
  "event: ping",
  "data:no-space",
  "id: 7",
  "retry: 1000",
  "",
  "data",
  "",
  "data: [DONE]",
  "",
].join("\n");

const EXPECTED: SseEvent[] = [
  { event: "message_start", data: '{"type":"message_start"}' },
  { data: "first line\nsecond line" },
  { event: "ping", data: "no-space" },
  { data: "" },
  { data: "[DONE]" },
];

test("parses events, names, multi-line data and comments", () => {
  assert.deepEqual(parseAll([STREAM + "\n"]), EXPECTED);
});

test("accepts \\r\\n and lone \\r line endings", () => {
  assert.deepEqual(parseAll([STREAM.replaceAll("\n", "\r\n") + "\r\n"]), EXPECTED);
  assert.deepEqual(parseAll([STREAM.replaceAll("\n", "\r") + "\r"]), EXPECTED);
});

test("gives the same events however the stream is split", () => {
  for (const ending of ["\n", "\r\n", "\r"]) {
    const text = STREAM.replaceAll("\n", ending) + ending;
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(parseAll([text.slice(0, cut), text.slice(cut)]), EXPECTED, `ending ${JSON.stringify(ending)}, cut at ${cut}`);
    }
    assert.deepEqual(parseAll([...text]), EXPECTED, `ending ${JSON.stringify(ending)}, one character at a time`);
  }
});

test("a \\r\\n split between chunks is one line break, not an empty line", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("data: a\r"), []);
  assert.deepEqual(parser.push("\ndata: b\r"), []);
  assert.deepEqual(parser.push("\n\r\n"), [{ data: "a\nb" }]);
  // "\r" | "\n" | "\n": the second "\n" is the blank line that ends the event.
  assert.deepEqual([parser.push("data: c\r"), parser.push("\n"), parser.push("\n")], [[], [], [{ data: "c" }]]);
});

test("end() delivers an event whose blank line never came, and nothing twice", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: {"a":1}\n\ndata: {"b"'), [{ data: '{"a":1}' }]);
  assert.deepEqual(parser.end(), [{ data: '{"b"' }]);
  assert.deepEqual(parser.end(), []);
});

test("a byte-order mark at the start is ignored", () => {
  assert.deepEqual(parseAll(["\uFEFFdata: x\n\n"]), [{ data: "x" }]);
});

test("formatSse writes what the parser reads back", () => {
  assert.equal(formatSse({ data: '{"x":1}' }), 'data: {"x":1}\n\n');
  assert.equal(formatSse({ event: "ping", data: '{"type":"ping"}' }), 'event: ping\ndata: {"type":"ping"}\n\n');
  assert.equal(formatSse({ data: "a\nb" }), "data: a\ndata: b\n\n");
  const events: SseEvent[] = [{ event: "e", data: "one\ntwo" }, { data: "" }, { data: "[DONE]" }];
  assert.deepEqual(parseAll([events.map(formatSse).join("")]), events);
});
