// Micro-benchmark of the edge check every chat request passes through
// (src/gateway/request-shape.ts): µs per body for a typical ~2 KB request and
// for ~100 KB ones (a long conversation; one large image), next to JSON.parse
// of the same body, which the gateway does anyway.
//   npx tsx bench/request-shape.ts
import { isWellFormedRequest } from "../src/gateway/request-shape.ts";
import type { ApiFormat } from "../src/gateway/api-errors.ts";

const para = "The quick brown fox jumps over the lazy dog. ".repeat(8);
const tool = { type: "function", function: { name: "get_weather", description: "Current weather for a city", parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } }, required: ["city"] } } };

const typical = {
  model: "openai/gpt-5.2",
  stream: true,
  stream_options: { include_usage: true },
  max_completion_tokens: 1024,
  temperature: 0.7,
  tools: [tool, { ...tool, function: { ...tool.function, name: "search" } }],
  messages: [
    { role: "system", content: `You are a helpful assistant. ${para}` },
    { role: "user", content: para },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: '{"temp":12,"sky":"clear"}' },
    { role: "assistant", content: "It is 12°C and clear in Oslo." },
    { role: "user", content: [{ type: "text", text: "And tomorrow?" }] },
  ],
};

const conversation = {
  model: "anthropic/claude-opus-4-6",
  max_tokens: 4096,
  system: [{ type: "text", text: para, cache_control: { type: "ephemeral" } }],
  messages: Array.from({ length: 120 }, (_, i) =>
    i % 2 === 0
      ? { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: [{ type: "text", text: para }] }, { type: "text", text: para }] }
      : { role: "assistant", content: [{ type: "text", text: para }, { type: "tool_use", id: `toolu_${i + 1}`, name: "lookup", input: { q: "x", n: i } }] },
  ),
};

const image = {
  model: "anthropic/claude-opus-4-6",
  max_tokens: 1024,
  messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "A".repeat(100_000) } }, { type: "text", text: "What is this?" }] }],
};

/** The best of several rounds: the machine is shared, and interference only ever adds time. */
function perCallMicros(fn: () => unknown, rounds = 7, roundMs = 100): number {
  for (let i = 0; i < 2000; i++) fn(); // warm-up, so the JIT has settled
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < BigInt(roundMs) * 1_000_000n) {
      for (let i = 0; i < 50; i++) fn();
      calls += 50;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.min(best, Number(elapsed) / 1000 / calls);
  }
  return best;
}

const cases: [string, ApiFormat, object][] = [
  ["typical OpenAI request", "openai", typical],
  ["long Anthropic conversation", "anthropic", conversation],
  ["one large image", "anthropic", image],
];
console.log(`node ${process.version}`);
for (const [name, format, body] of cases) {
  const text = JSON.stringify(body);
  const value = JSON.parse(text) as Record<string, unknown>;
  if (!isWellFormedRequest(format, value)) throw new Error(`${name} was refused`);
  const check = perCallMicros(() => isWellFormedRequest(format, value));
  const parse = perCallMicros(() => JSON.parse(text));
  console.log(`${name.padEnd(28)} ${(text.length / 1024).toFixed(1).padStart(6)} KB   check ${check.toFixed(2).padStart(7)} µs   JSON.parse ${parse.toFixed(2).padStart(8)} µs`);
}
