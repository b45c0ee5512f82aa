// The client × upstream matrix (issue 8): every client library people point at
// the gateway, against a fake provider of each of the four wire APIs (Chat
// Completions, Responses, Anthropic Messages, Gemini 2.5 and 3), through one
// real gateway process. For every pair (the SCENARIOS table): plain and
// streamed answers with a system prompt, a multi-turn conversation, an image,
// answers cut off by the token limit, tool rounds (one call, parallel calls, a
// forced choice, text before the call; plain and streamed), structured output
// (plain and streamed), JSON mode, and upstream errors (a 400, plain and
// streamed, must reach the client as its SDK's error with status 400 and no
// retry; a 429 as a 429 with the upstream's retry-after). The fake behaves like
// a model and refuses what the real APIs refuse (fake-wire-upstream.ts), so
// anything the gateway drops or mangles on the way makes the client fail; each
// case also checks what the fake received: the model, the provider's own key
// (never the gateway token), and the field in question in the API's own place.
//
// The clients are in helpers/client-drivers.ts; docs/clients.md says what this covers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertNoSecrets } from "../helpers/cli.ts";
import { FORECAST_SCHEMA, HISTORY, PNG, SYSTEM, TOOLS, clientDrivers, runTool, schemaOf, type ClientDriver } from "../helpers/client-drivers.ts";
import { CUT_AT_TOKENS, PARALLEL, PREAMBLE, PREAMBLE_TEXT, callId, conversationOf, cutOff, echo, sampleOf, startFakeWireUpstream, toolAnswer, USAGE, type FakeWireUpstream, type SeenWireRequest, type WireApi } from "../helpers/fake-wire-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

interface Upstream {
  /** The provider id in the config, and the first half of the model name clients use. */
  provider: string;
  api: WireApi;
  /** `models.providers.<id>.api`. */
  wire: string;
  baseUrl: (fake: string) => string;
  /** The model id the upstream gets. */
  model: string;
  key: string;
}

const UPSTREAMS: Upstream[] = [
  { provider: "chat", api: "chat", wire: "openai-completions", baseUrl: (url) => `${url}/v1`, model: "gpt-test", key: "sk-proj-" + "m".repeat(30) + "-matrixC-" + "1".repeat(30) },
  { provider: "resp", api: "responses", wire: "openai-responses", baseUrl: (url) => `${url}/v1`, model: "gpt-test", key: "sk-proj-" + "m".repeat(30) + "-matrixR-" + "2".repeat(30) },
  { provider: "anth", api: "messages", wire: "anthropic-messages", baseUrl: (url) => url, model: "claude-test", key: "sk-ant-api03-" + "m".repeat(40) + "-matrixA-" + "3".repeat(40) },
  { provider: "gem", api: "gemini", wire: "google-generative-ai", baseUrl: (url) => `${url}/v1beta`, model: "gemini-2.5-flash", key: "AIza" + "M".repeat(35) },
  // Gemini 3 signs its function calls and refuses replayed calls without a signature.
  { provider: "gem3", api: "gemini", wire: "google-generative-ai", baseUrl: (url) => `${url}/v1beta`, model: "gemini-3-flash-preview", key: "AIza" + "N".repeat(35) },
];
const SECRETS = [GATEWAY_TOKEN, ...UPSTREAMS.map((upstream) => upstream.key)];

// Warnings are logged to the console by default; nothing here reads them.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);
let fake: FakeWireUpstream;
let world: GatewayWorld;
const clients = clientDrivers(() => world.gateway.url);

before(async () => {
  fake = await startFakeWireUpstream();
  world = await startWorld({
    store: { version: 1, profiles: Object.fromEntries(UPSTREAMS.map((up) => [`${up.provider}:default`, apiKeyProfile(up.provider, up.key)])) },
    // Hundreds of clients reuse kept-alive connections; on a machine loaded by the rest of the suite, a client can
    // pick one the gateway is just closing after Node's 5 s idle default ("other side closed"), a race of HTTP
    // keep-alive rather than of anything tested here.
    config: { agents: { defaults: { model: { primary: `chat/${UPSTREAMS[0]!.model}` } } }, gateway: { keepAliveTimeoutMs: 60_000 } },
    providers: () => Object.fromEntries(UPSTREAMS.map((up) => [up.provider, { api: up.wire, baseUrl: up.baseUrl(fake.url), models: [] }])),
  });
});

after(async () => {
  await closeWorld(world);
  await fake.close();
});

// ------------------------------------------------------------------ the cases

interface Case {
  client: ClientDriver;
  upstream: Upstream;
  /** The model as the client names it. */
  model: string;
  /** A prompt unique to the case: the requests the fake saw for it are the ones that carry it. */
  prompt: string;
  /** Runs the client, then returns what the fake saw for this case (each checked: model, key, no gateway token). */
  through<T>(run: () => Promise<T>, upstreamModel?: string): Promise<{ result: T; seen: SeenWireRequest[] }>;
}

const FORECAST = sampleOf(FORECAST_SCHEMA);
const UPSTREAM_MESSAGE = "the fake refuses this request";

/** What reached the client, kept for the leak check at the end. */
function shown(value: unknown): void {
  clientVisible.push(value instanceof Error ? `${value.name}: ${value.message} ${JSON.stringify(value)}` : JSON.stringify(value) ?? String(value));
}

/**
 * The token counts a client shows for the fake's 11 in, 7 out. LangChain's ChatAnthropic sums
 * its stream's events: message_start's output_tokens (Anthropic, and the fake, say 1 there; the
 * gateway's own Anthropic streams 0) plus message_delta's total, and message_start's
 * input_tokens, which a gateway stream translated from an OpenAI-format provider cannot know
 * yet (docs/gateway.md, "Input tokens in a translated stream": 0, the count follows in
 * message_delta, which ChatAnthropic does not read input from).
 */
function tokens(c: Case, stream: boolean): { input: number; output: number } {
  if (!stream || c.client.name !== "langchain ChatAnthropic") return USAGE;
  if (c.upstream.api === "messages") return { input: USAGE.input, output: USAGE.output + 1 };
  return { input: c.upstream.api === "gemini" ? USAGE.input : 0, output: USAGE.output };
}

async function answer(c: Case, stream: boolean): Promise<void> {
  const { result, seen } = await c.through(() => (stream ? c.client.stream(c.model, c.prompt) : c.client.text(c.model, c.prompt)));
  shown(result);
  assert.equal(result.text, echo(c.prompt));
  assert.equal(result.finish, c.client.finishes.end);
  const expected = tokens(c, stream);
  assert.deepEqual({ input: result.inputTokens, output: result.outputTokens }, expected, "the upstream's usage reaches the client");
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.stream, stream, "streamed upstream exactly when the client streamed");
  assert.equal(conversationOf(seen[0]!).system, SYSTEM, "the system prompt reached the upstream in its API's own field");
}

/** An image next to the prompt: it reaches the upstream inline, in its API's own form, byte for byte. */
async function image(c: Case): Promise<void> {
  const { result, seen } = await c.through(() => c.client.image(c.model, c.prompt));
  shown(result);
  assert.equal(result.text, echo(c.prompt));
  assert.deepEqual(conversationOf(seen[0]!).images, [{ mediaType: "image/png", data: PNG }]);
}

/** A multi-turn conversation: the earlier exchange reaches the upstream in order, with its roles. */
async function conversation(c: Case): Promise<void> {
  const { result, seen } = await c.through(() => c.client.conversation(c.model, c.prompt));
  shown(result);
  assert.equal(result.text, echo(c.prompt));
  assert.deepEqual(conversationOf(seen[0]!).history, [`user: ${HISTORY.user}`, `assistant: ${HISTORY.assistant}`, `user: ${c.prompt}`]);
}

/** An answer cut off by the client's token limit: the limit reaches the upstream in its API's own field, the finish reason comes back. */
async function cutOffAnswer(c: Case, stream: boolean): Promise<void> {
  const { result, seen } = await c.through(() => c.client.limited(c.model, c.prompt, CUT_AT_TOKENS, stream));
  shown(result);
  assert.equal(result.text, cutOff(echo(c.prompt)));
  assert.equal(result.finish, c.client.finishes.length);
  assert.equal(conversationOf(seen[0]!).maxTokens, CUT_AT_TOKENS);
  assert.equal(seen[0]!.stream, stream);
}

/** A tool round: the fake calls the first tool offered, both at once (parallel), or the one the client forces; the client runs them and sends the results back. */
async function toolRound(c: Case, stream: boolean, how: "first" | "parallel" | "forced" | "preamble" = "first"): Promise<void> {
  const prompt = how === "parallel" ? `${c.prompt} ${PARALLEL}` : how === "preamble" ? `${c.prompt} ${PREAMBLE}` : c.prompt;
  const forced = TOOLS[1]!.name;
  const { result, seen } = await c.through(() => c.client.tools(c.model, prompt, stream, how === "forced" ? forced : undefined));
  shown(result);
  const called = how === "parallel" ? TOOLS : how === "forced" ? TOOLS.slice(1) : TOOLS.slice(0, 1);
  const calls = called.map((tool) => ({ name: tool.name, args: sampleOf(schemaOf(tool.name)) }));
  assert.deepEqual(result.calls, calls, "the client got the upstream's tool calls, in order");
  assert.equal(result.finish, c.client.finishes.tool);
  assert.equal(result.preamble, how === "preamble" ? PREAMBLE_TEXT : "", "the text said before the calls, if any");
  const results = calls.map((call) => runTool(call.name, call.args));
  assert.equal(result.text, toolAnswer(results.join(" | ")), "the final answer quotes the tools' results");
  assert.equal(seen.length, 2);
  const [first, second] = seen.map(conversationOf);
  assert.deepEqual(first!.tools.map((tool) => tool.name), TOOLS.map((tool) => tool.name), "every tool offered reached the upstream");
  assert.deepEqual(first!.tools.map((tool) => Object.keys(tool.schema?.properties ?? {})), [["city"], ["zone"]], "with its schema");
  assert.deepEqual(first!.toolResults, []);
  assert.equal(first!.choice, how === "forced" ? forced : undefined, "the tool choice reached the upstream in its API's own field");
  const ids = calls.map((call, n) => callId(c.upstream.api, n, call.name));
  assert.equal(second!.said, how === "preamble" ? PREAMBLE_TEXT : "", "what the model said before its calls is replayed with them");
  assert.deepEqual(second!.toolCalls, calls.map((call, n) => ({ id: ids[n], ...call })), "the upstream's own tool calls are replayed to it");
  assert.deepEqual(second!.toolResults, results.map((text, n) => ({ for: ids[n], text })), "each result answers the upstream's own call id");
  assert.ok(seen.every((request) => request.stream === stream));
}

async function structured(c: Case, stream: boolean): Promise<void> {
  const { result, seen } = await c.through(() => c.client.object(c.model, c.prompt, stream));
  shown(result);
  assert.deepEqual(result, FORECAST);
  const asked = conversationOf(seen.at(-1)!);
  // In the API's own structured-output field, or (clients that do it so) as a tool the model must call.
  const schema = asked.format ?? (asked.choice !== undefined ? asked.tools.find((tool) => tool.name === asked.choice || asked.choice === "any")?.schema : undefined);
  assert.deepEqual(Object.keys(schema?.properties ?? {}), ["city", "celsius"], `the schema reached the upstream: ${seen.at(-1)!.raw}`);
  assert.equal(seen.at(-1)!.stream, stream);
}

/** JSON mode (a JSON object, no schema): Anthropic's API cannot express it, so a 400 naming the field, never a silent drop. */
async function jsonMode(c: Case): Promise<void> {
  if (c.upstream.api === "messages") {
    const { result: error, seen } = await c.through(() => c.client.json!(c.model, c.prompt).then(() => assert.fail("JSON mode to an Anthropic upstream must be refused"), (e: unknown) => e));
    shown(error);
    assert.equal(c.client.status(error), 400, String(error));
    assert.match(String((error as Error).message), /response_format|text\.format/);
    assert.equal(seen.length, 0, "refused before anything is sent");
    return;
  }
  const { result, seen } = await c.through(() => c.client.json!(c.model, c.prompt));
  shown(result);
  assert.deepEqual(result, { answer: echo(`${c.prompt} (as JSON)`) });
  assert.deepEqual(conversationOf(seen.at(-1)!).format, {}, "JSON mode reached the upstream in its own field");
}

/** The error's type, from the body of the API the client speaks: OpenAI `error.type`, Anthropic `error.error.type`. */
function errorType(error: unknown): unknown {
  const e = error as { type?: unknown; error?: { error?: { type?: unknown } }; responseBody?: string };
  if (typeof e.responseBody === "string") {
    const body = JSON.parse(e.responseBody);
    return body.error?.type;
  }
  return e.error?.error?.type ?? e.type;
}

async function failure(c: Case, status: 400 | 429, stream: boolean): Promise<void> {
  // A 429 cools the model down at the gateway (per credential and model): the case has a model of its own, and no client retries.
  const model = status === 429 ? `${c.upstream.provider}/limited-${clients.indexOf(c.client)}-${stream ? "s" : "p"}` : c.model;
  const { result: error, seen } = await c.through(() => c.client.fail(model, `${c.prompt} [fail ${status}]`, stream, status === 429 ? 0 : undefined), model.split("/")[1]);
  shown(error);
  assert.equal(c.client.status(error), status, `an error of the client's SDK with status ${status}: ${String(error)}`);
  if (status === 400) assert.match(String((error as Error).message), new RegExp(UPSTREAM_MESSAGE));
  // The gateway's retry-after says when the model is free again: the upstream's 1 s (Gemini says it in its body, RetryInfo).
  if (status === 429) assert.equal(c.client.retryAfter(error), "1", "the upstream's retry-after reaches the client");
  assert.equal(errorType(error), status === 400 ? "invalid_request_error" : "rate_limit_error", "the error's type, in the client's API");
  assert.equal(seen.length, 1, "one upstream request: a 400 is not retried, and the 429 case asks for no retries");
}

const SCENARIOS: { name: string; only?: (client: ClientDriver) => boolean; run(c: Case): Promise<void> }[] = [
  { name: "text", run: (c) => answer(c, false) },
  { name: "text, streamed", run: (c) => answer(c, true) },
  { name: "multi-turn conversation", run: conversation },
  { name: "an image", run: image },
  { name: "cut off by max tokens", run: (c) => cutOffAnswer(c, false) },
  { name: "cut off by max tokens, streamed", run: (c) => cutOffAnswer(c, true) },
  { name: "tool-call round", run: (c) => toolRound(c, false) },
  { name: "tool-call round, streamed", run: (c) => toolRound(c, true) },
  { name: "parallel tool calls", run: (c) => toolRound(c, false, "parallel") },
  { name: "parallel tool calls, streamed", run: (c) => toolRound(c, true, "parallel") },
  { name: "forced tool choice", run: (c) => toolRound(c, false, "forced") },
  { name: "text, then a tool call", run: (c) => toolRound(c, false, "preamble") },
  { name: "text, then a tool call, streamed", run: (c) => toolRound(c, true, "preamble") },
  { name: "structured output", run: (c) => structured(c, false) },
  // Not LangChain's ChatAnthropic: its AnthropicToolsOutputParser reads the tool_use block's `input`, which a streamed
  // message holds as "" (the arguments go to tool_call_chunks), so it fails to parse even against Anthropic itself.
  { name: "structured output, streamed", only: (client) => client.name !== "langchain ChatAnthropic", run: (c) => structured(c, true) },
  { name: "JSON mode", only: (client) => client.json !== undefined, run: jsonMode },
  { name: "upstream 400", run: (c) => failure(c, 400, false) },
  { name: "upstream 400, streamed", run: (c) => failure(c, 400, true) },
  { name: "upstream 429", run: (c) => failure(c, 429, false) },
];

let serial = 0;

for (const upstream of UPSTREAMS) {
  describe(`upstream: ${upstream.wire} (${upstream.model})`, { concurrency: true }, () => {
    for (const client of clients) {
      describe(`client: ${client.name} (${client.route})`, { concurrency: true }, () => {
        for (const scenario of SCENARIOS.filter((scenario) => scenario.only?.(client) ?? true)) {
          test(scenario.name, async () => {
            const prompt = `case ${++serial} (${scenario.name}): say something`;
            const c: Case = {
              client,
              upstream,
              model: `${upstream.provider}/${upstream.model}`,
              prompt,
              async through(run, upstreamModel = upstream.model) {
                const result = await run();
                const seen = fake.requests.filter((request) => conversationOf(request).prompt.startsWith(prompt));
                for (const request of seen) {
                  assert.equal(request.api, upstream.api, "the request went to the upstream's own API");
                  assert.equal(request.model, upstreamModel);
                  assert.equal(request.credential, upstream.key, "the provider's key, not the gateway token, goes upstream");
                  if (upstream.api === "messages" || upstream.api === "gemini") assert.equal(request.headers.authorization, undefined);
                  assertNoSecrets([JSON.stringify(request.headers), request.raw.toString("utf8")], [GATEWAY_TOKEN]);
                }
                return { result, seen };
              },
            };
            await scenario.run(c);
          });
        }
      });
    }
  });
}
