// fast-check arbitraries for chat requests as clients send them (OpenAI chat
// completions and Anthropic messages: tools, tool calls and results, images,
// documents, system prompts, streaming or not), and for the ways a body can be
// broken one step at a time. Shared by the gateway fuzz test and the in-process
// translator property test, so both explore the same space.
import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Route = "openai" | "anthropic";

/** Never sent as a model name; a test can check that no error answer quotes it. */
export const MARKER = "sk-fuzz-marker-5f1c0a9e";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
const PDF = Buffer.from("%PDF-1.4\n%fake\n").toString("base64");

const word = fc.constantFrom("hi", "weather in Oslo?", "", " ", "ünïcödé ✓", "line\nbreak", `secret ${MARKER}`, "x".repeat(300));
const toolName = fc.constantFrom("get_weather", "lookup", "functions.run:0", "t");
const toolId = fc.constantFrom("call_1", "toolu_01A", "functions.get_weather:0", "id with spaces", "");
const jsonArgs = fc.constantFrom('{"city":"Oslo"}', "{}", "", "not json", "[1,2]", '{"nested":{"a":[1,{"b":null}]}}');
const parameters = fc.constantFrom<Json>(
  { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  { type: "object", properties: {} },
  { type: "object", properties: { deep: { type: "object", properties: { list: { type: "array", items: { type: "number" } } } } } },
);
const cacheControl = fc.option(fc.constant<Json>({ type: "ephemeral" }), { nil: undefined });

/** Drops undefined fields, so optional fields are really absent. */
function compact(record: Record<string, Json | undefined>): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as { [key: string]: Json };
}

// ---------------------------------------------------------------- OpenAI

const openaiTextPart = word.map((text): Json => ({ type: "text", text }));
const openaiUserPart = fc.oneof(
  openaiTextPart,
  fc.constantFrom<Json>(
    { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "low" } },
    { type: "image_url", image_url: { url: "https://example.invalid/cat.png" } },
    { type: "image_url", image_url: { url: "data:text/plain,hello%20there" } },
    { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "a.pdf" } },
    { type: "file", file: { file_data: "data:text/plain;base64,aGVsbG8=", filename: "a.txt" } },
    { type: "file", file: { file_id: "file-abc" } },
    { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
  ),
);
const openaiToolCall = fc.record({ id: toolId, name: toolName, args: jsonArgs }).map(({ id, name, args }): Json => ({ id, type: "function", function: { name, arguments: args } }));

const openaiMessage = fc.oneof(
  fc.record({ role: fc.constantFrom("system", "developer"), content: fc.oneof(word, fc.array(openaiTextPart, { maxLength: 2 })) }),
  fc.record({ role: fc.constant("user"), content: fc.oneof(word, fc.array(openaiUserPart, { minLength: 1, maxLength: 4 })), name: fc.option(fc.constant("alice"), { nil: undefined }) }),
  fc.record({
    role: fc.constant("assistant"),
    content: fc.oneof(word, fc.constant(null), fc.array(fc.oneof(openaiTextPart, fc.constant<Json>({ type: "refusal", refusal: "no" })), { maxLength: 2 })),
    tool_calls: fc.option(fc.array(openaiToolCall, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    refusal: fc.option(fc.constantFrom("I can't", null), { nil: undefined }),
  }),
  fc.record({ role: fc.constant("tool"), tool_call_id: toolId, content: fc.oneof(word, fc.array(openaiTextPart, { maxLength: 2 })) }),
).map((message) => compact(message as Record<string, Json | undefined>));

const openaiTool = fc.oneof(
  fc.record({ name: toolName, description: fc.option(word, { nil: undefined }), parameters: fc.option(parameters, { nil: undefined }) }).map(
    (fn): Json => ({ type: "function", function: compact(fn) }),
  ),
  fc.constant<Json>({ type: "custom", custom: { name: "grammar_tool", format: { type: "text" } } }),
);
const openaiToolChoice = fc.oneof(
  fc.constantFrom<Json>("auto", "none", "required"),
  toolName.map((name): Json => ({ type: "function", function: { name } })),
  fc.constant<Json>({ type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "lookup" } }] } }),
);

export const openaiBody = fc
  .record(
    {
      messages: fc.array(openaiMessage, { minLength: 1, maxLength: 5 }),
      stream: fc.boolean(),
      include_usage: fc.option(fc.boolean(), { nil: undefined }),
      max_tokens: fc.option(fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.constant(null)), { nil: undefined }),
      max_completion_tokens: fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }),
      temperature: fc.option(fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.constant(null)), { nil: undefined }),
      top_p: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      stop: fc.option(fc.oneof(fc.constant<Json>(null), word, fc.array(word, { maxLength: 3 })), { nil: undefined }),
      tools: fc.option(fc.array(openaiTool, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      tool_choice: fc.option(openaiToolChoice, { nil: undefined }),
      parallel_tool_calls: fc.option(fc.boolean(), { nil: undefined }),
      user: fc.option(fc.constant("user-123"), { nil: undefined }),
      response_format: fc.option(fc.constant<Json>({ type: "json_object" }), { nil: undefined }),
    },
    { requiredKeys: ["messages", "stream"] },
  )
  .map(({ include_usage, ...rest }) => {
    const body = compact(rest as Record<string, Json | undefined>);
    if (include_usage !== undefined && rest.stream) body.stream_options = { include_usage };
    return body;
  });

// ------------------------------------------------------------- Anthropic

const anthropicText = fc.record({ text: word, cache_control: cacheControl }).map((block): Json => compact({ type: "text", ...block }));
const anthropicImage = fc.constantFrom<Json>(
  { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
  { type: "image", source: { type: "url", url: "https://example.invalid/cat.png" } },
  { type: "image", source: { type: "file", file_id: "file_01" } },
);
const anthropicDocument = fc.constantFrom<Json>(
  { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "A PDF" },
  { type: "document", source: { type: "text", media_type: "text/plain", data: "plain document" }, title: null },
  { type: "document", source: { type: "url", url: "https://example.invalid/a.pdf" } },
  { type: "document", source: { type: "content", content: [{ type: "text", text: "inner" }] }, citations: { enabled: true } },
);
const anthropicToolResult = fc
  .record({
    tool_use_id: toolId,
    content: fc.option(fc.oneof(word, fc.array(fc.oneof(anthropicText, anthropicImage, anthropicDocument), { maxLength: 3 })), { nil: undefined }),
    is_error: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((block): Json => compact({ type: "tool_result", ...block }));
const anthropicToolUse = fc.record({ id: toolId, name: toolName, input: fc.constantFrom<Json>({ city: "Oslo" }, {}, { a: [1, { b: null }] }) }).map((block): Json => ({ type: "tool_use", ...block }));
const anthropicAssistantExtras = fc.constantFrom<Json>(
  { type: "thinking", thinking: "Let me think.", signature: "sig" },
  { type: "redacted_thinking", data: "opaque" },
  { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "news" } },
  { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: { type: "web_search_tool_result_error", error_code: "unavailable" } },
  { type: "search_result", source: "https://example.invalid", title: "T", content: [{ type: "text", text: "found" }] },
);

const anthropicMessage = fc.oneof(
  fc.record({
    role: fc.constant("user"),
    content: fc.oneof(word, fc.array(fc.oneof(anthropicText, anthropicImage, anthropicDocument, anthropicToolResult), { minLength: 1, maxLength: 4 })),
  }),
  fc.record({
    role: fc.constant("assistant"),
    content: fc.oneof(word, fc.array(fc.oneof(anthropicText, anthropicToolUse, anthropicAssistantExtras), { minLength: 1, maxLength: 4 })),
  }),
) as fc.Arbitrary<Json>;

const anthropicTool = fc.oneof(
  fc.record({ name: toolName, description: fc.option(word, { nil: undefined }), input_schema: parameters, cache_control: cacheControl }).map((tool): Json => compact(tool)),
  fc.constantFrom<Json>(
    { type: "web_search_20250305", name: "web_search", max_uses: 3 },
    { type: "bash_20250124", name: "bash" },
    { type: "custom", name: "typed_custom", input_schema: { type: "object" } },
    { type: "computer_toolset_20260801" },
  ),
);
const anthropicToolChoice = fc.oneof(
  fc.constantFrom<Json>({ type: "auto" }, { type: "any", disable_parallel_tool_use: true }, { type: "none" }, { type: "auto", disable_parallel_tool_use: false }),
  toolName.map((name): Json => ({ type: "tool", name })),
);

export const anthropicBody = fc
  .record(
    {
      max_tokens: fc.integer({ min: 1, max: 8192 }),
      messages: fc.array(anthropicMessage, { minLength: 1, maxLength: 5 }),
      stream: fc.boolean(),
      system: fc.option(fc.oneof(word, fc.array(anthropicText, { minLength: 1, maxLength: 2 })), { nil: undefined }),
      temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      top_p: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      top_k: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      stop_sequences: fc.option(fc.array(word, { maxLength: 3 }), { nil: undefined }),
      tools: fc.option(fc.array(anthropicTool, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      tool_choice: fc.option(anthropicToolChoice, { nil: undefined }),
      metadata: fc.option(fc.constant<Json>({ user_id: "user-123" }), { nil: undefined }),
      thinking: fc.option(fc.constant<Json>({ type: "enabled", budget_tokens: 1024 }), { nil: undefined }),
    },
    { requiredKeys: ["max_tokens", "messages", "stream"] },
  )
  .map((body) => compact(body as Record<string, Json | undefined>));

export function validBody(route: Route): fc.Arbitrary<{ [key: string]: Json }> {
  return route === "openai" ? openaiBody : anthropicBody;
}

// ------------------------------------------------------------- mutations

/** Field names both APIs use, so an added key often lands where code reads it. */
const KNOWN_KEYS = [
  "content", "role", "text", "type", "tool_calls", "tool_call_id", "function", "name", "arguments", "id", "input",
  "tool_use_id", "source", "image_url", "url", "data", "media_type", "file", "file_data", "refusal", "system", "tools",
  "tool_choice", "stop", "stop_sequences", "stream", "stream_options", "include_usage", "max_tokens", "metadata",
  "user_id", "user", "temperature", "top_p", "parallel_tool_calls", "disable_parallel_tool_use", "messages", "model",
  "input_schema", "parameters", "description", "title", "is_error", "__proto__", "constructor",
];

/** Values that break code expecting something else: every JSON type, edge numbers, long strings, nested junk. */
export const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, {}, [], 0, -1, 1.5, -0.0001, 1e308, -1e308, 2 ** 53 + 1, true, false, "", " ", "x", [null], [[]], [{}], { type: 5 }, { type: null }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 2000, maxLength: 3000 }),
  fc.constantFrom(...KNOWN_KEYS),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

export type Mutation =
  | { op: "replace"; at: number; value: Json }
  | { op: "delete"; at: number }
  | { op: "add"; at: number; key: string; value: Json }
  /** The same value in another type: a number as a string, a value wrapped in an array or object. */
  | { op: "retype"; at: number; how: "string" | "number" | "array" | "object" | "unwrap" };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("replace" as const), at: fc.nat(), value: junk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("add" as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 8 })), value: junk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("retype" as const), at: fc.nat(), how: fc.constantFrom("string" as const, "number" as const, "array" as const, "object" as const, "unwrap" as const) }) },
);

type Path = (string | number)[];

/** Every path in the document, the root first, in a stable order. */
function paths(node: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(node)) node.forEach((child, i) => out.push(...paths(child, [...prefix, i])));
  else if (node !== null && typeof node === "object") for (const [key, child] of Object.entries(node)) out.push(...paths(child, [...prefix, key]));
  return out;
}

function get(doc: Json, path: Path): Json {
  let node: any = doc;
  for (const key of path) node = node[key];
  return node;
}

/** JSON.parse gives "__proto__" an own property; do the same here (a plain assignment would change the prototype). */
function setOwn(target: any, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function retyped(value: Json, how: Extract<Mutation, { op: "retype" }>["how"]): Json {
  switch (how) {
    case "string":
      return typeof value === "string" ? value.length : JSON.stringify(value);
    case "number":
      return typeof value === "number" ? String(value) : Number(typeof value === "string" ? value.length : 1);
    case "array":
      return [value];
    case "object":
      return { value };
    case "unwrap":
      if (Array.isArray(value)) return value[0] ?? null;
      if (value !== null && typeof value === "object") return Object.values(value)[0] ?? null;
      return value;
  }
}

/** Applies one mutation to a copy; `at` picks a path modulo how many there are, so any nat is valid. */
export function applyMutation(doc: Json, change: Mutation): Json {
  const out = structuredClone(doc);
  const all = paths(out);
  const path = all[change.at % all.length]!;
  if (path.length === 0) {
    // The root: only adding a key keeps an object to send; anything else would just be "not an object".
    if (change.op === "add" && out !== null && typeof out === "object" && !Array.isArray(out)) setOwn(out, change.key, change.value);
    return out;
  }
  const parent: any = get(out, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (change.op === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (change.op === "replace") setOwn(parent, key, change.value);
  else if (change.op === "retype") setOwn(parent, key, retyped(parent[key], change.how));
  else {
    const target = parent[key];
    if (target !== null && typeof target === "object" && !Array.isArray(target)) setOwn(target, change.key, change.value);
    else if (Array.isArray(target)) target.push(change.value);
    else setOwn(parent, key, { [change.key]: change.value, value: target });
  }
  return out;
}

export function applyMutations(doc: Json, changes: readonly Mutation[]): Json {
  return changes.reduce(applyMutation, doc);
}

/** A valid body for the route, then one to three mutations (sometimes none: valid bodies must keep working). */
export function mutatedBody(route: Route): fc.Arbitrary<{ base: Json; mutations: Mutation[] }> {
  return fc.record({ base: validBody(route) as fc.Arbitrary<Json>, mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }) });
}
