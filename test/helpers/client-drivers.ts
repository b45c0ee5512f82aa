// The client libraries of the client × upstream matrix (test/e2e/client-matrix.test.ts),
// each behind one interface: a plain answer, a streamed one, a tool-call round,
// structured output, and a failing call. Every client keeps its default
// settings except the base URL and the API key (the gateway token); the only
// other knob is `maxRetries`, which the 429 case sets to 0 (docs/gateway.md:
// SDKs retry 429s by themselves, and the case is about what reaches them).
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { APICallError, Output, generateObject, generateText, stepCountIs, streamText, tool, type LanguageModel } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { createAnthropic } from "@ai-sdk/anthropic";
import { ChatOpenAI } from "@langchain/openai";
import { ChatAnthropic } from "@langchain/anthropic";
import { AIMessage, HumanMessage, SystemMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { tool as langchainTool } from "@langchain/core/tools";
import { z } from "zod";
import { GATEWAY_TOKEN } from "./gateway.ts";

/** The tools every tool round offers: the fake calls the first, or both when the prompt asks for parallel calls. */
export const TOOLS: { name: string; description: string; args: z.ZodType<Record<string, string>>; answer(args: Record<string, string>): string }[] = [
  { name: "get_weather", description: "Current weather for a city", args: z.object({ city: z.string().describe("The city") }), answer: (args) => `sunny in ${args.city}` },
  { name: "get_time", description: "Local time in a time zone", args: z.object({ zone: z.string().describe("IANA zone") }), answer: (args) => `noon in ${args.zone}` },
];
/** A tool's arguments as JSON Schema, as the official SDKs are given them (the others convert the zod schema). */
export const schemaOf = (name: string) => {
  const [key, description] = name === "get_weather" ? ["city", "The city"] : ["zone", "IANA zone"];
  return { type: "object", properties: { [key!]: { type: "string", description } }, required: [key!], additionalProperties: false };
};
export const forecast = z.object({ city: z.string(), celsius: z.number() });
export const FORECAST_SCHEMA = { type: "object", properties: { city: { type: "string" }, celsius: { type: "number" } }, required: ["city", "celsius"], additionalProperties: false };

/** The system prompt of the plain and streamed answers, in each client's own way of saying it. */
export const SYSTEM = "Answer briefly.";

/** A 1×1 PNG, the image of the image case. */
export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const PNG_URL = `data:image/png;base64,${PNG}`;

/** An earlier exchange the multi-turn case sends before its prompt. */
export const HISTORY = { user: "My name is Ada.", assistant: "Nice to meet you, Ada." };

/** What the client's tool answers: the fake quotes it back after the round. */
export const runTool = (name: string, args: unknown) => TOOLS.find((tool) => tool.name === name)!.answer(args as Record<string, string>);

export interface Answer {
  text: string;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  /** The finish/stop reason as the client reports it. */
  finish?: string | null | undefined;
}

export interface ToolRound {
  /** The calls the client saw in the first step. */
  calls: { name: string; args: unknown }[];
  /** The final answer, after the tool's result went back. */
  text: string;
  /** The first step's finish reason, as the client reports it. */
  finish?: string | null | undefined;
  /** The text the first step said before its calls. */
  preamble: string;
}

export interface ClientDriver {
  name: string;
  /** The gateway route it calls. */
  route: "/v1/chat/completions" | "/v1/responses" | "/v1/messages";
  /** How it asks for structured output, for the report. */
  structured: string;
  /** The finish reasons it reports for a plain answer, a turn that calls tools, and an answer cut off by its token limit. */
  finishes: { end: string; tool: string; length: string };
  text(model: string, prompt: string): Promise<Answer>;
  stream(model: string, prompt: string): Promise<Answer>;
  /** An answer to `prompt` with the PNG next to it, inline. */
  image(model: string, prompt: string): Promise<Answer>;
  /** An answer to `prompt` after the exchange in HISTORY. */
  conversation(model: string, prompt: string): Promise<Answer>;
  /** An answer with a token limit of `maxTokens`, streamed or not. */
  limited(model: string, prompt: string, maxTokens: number, stream: boolean): Promise<Answer>;
  /** A tool round; `force`: the tool the first request must call (tool_choice), the second is left to the model. */
  tools(model: string, prompt: string, stream: boolean, force?: string): Promise<ToolRound>;
  object(model: string, prompt: string, stream: boolean): Promise<unknown>;
  /** Plain JSON mode (OpenAI json_object), for the clients that have it. */
  json?(model: string, prompt: string): Promise<unknown>;
  /** The error a failing call throws (or reports); `maxRetries` undefined: the client's default. */
  fail(model: string, prompt: string, stream: boolean, maxRetries?: number): Promise<unknown>;
  /** The HTTP status the SDK's error carries, if the error is one of the SDK's own classes. */
  status(error: unknown): number | undefined;
  /** The retry-after header the SDK's error carries. */
  retryAfter(error: unknown): string | null | undefined;
}

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("the call was expected to fail, and did not");
}

const retries = (maxRetries: number | undefined) => (maxRetries === undefined ? {} : { maxRetries });

// ------------------------------------------------------------------ official SDKs

const headerOf = (headers: Headers | Record<string, string> | undefined, name: string) =>
  headers instanceof Headers ? headers.get(name) : headers?.[name];

function openaiChat(url: () => string): ClientDriver {
  const client = (maxRetries?: number) => new OpenAI({ baseURL: `${url()}/v1`, apiKey: GATEWAY_TOKEN, ...retries(maxRetries) });
  const tools: OpenAI.ChatCompletionTool[] = TOOLS.map(({ name, description }) => ({ type: "function", function: { name, description, parameters: schemaOf(name), strict: true } }));
  const complete = (body: Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, "stream">, stream: boolean) =>
    stream ? client().chat.completions.stream(body).finalChatCompletion() : client().chat.completions.create(body);
  const user = (prompt: string): OpenAI.ChatCompletionMessageParam[] => [{ role: "user", content: prompt }];
  const withSystem = (prompt: string): OpenAI.ChatCompletionMessageParam[] => [{ role: "system", content: SYSTEM }, ...user(prompt)];
  return {
    name: "openai chat.completions",
    route: "/v1/chat/completions",
    structured: "response_format json_schema",
    finishes: { end: "stop", tool: "tool_calls", length: "length" },
    async image(model, prompt) {
      const content: OpenAI.ChatCompletionContentPart[] = [{ type: "text", text: prompt }, { type: "image_url", image_url: { url: PNG_URL } }];
      return { text: (await client().chat.completions.create({ model, messages: [{ role: "user", content }] })).choices[0]!.message.content ?? "" };
    },
    async conversation(model, prompt) {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: HISTORY.user }, { role: "assistant", content: HISTORY.assistant }, ...user(prompt)];
      return { text: (await client().chat.completions.create({ model, messages })).choices[0]!.message.content ?? "" };
    },
    async limited(model, prompt, max_completion_tokens, stream) {
      const choice = (await complete({ model, messages: user(prompt), max_completion_tokens }, stream)).choices[0]!;
      return { text: choice.message.content ?? "", finish: choice.finish_reason };
    },
    async text(model, prompt) {
      const completion = await client().chat.completions.create({ model, messages: withSystem(prompt) });
      const usage = completion.usage;
      return { text: completion.choices[0]!.message.content ?? "", inputTokens: usage?.prompt_tokens, outputTokens: usage?.completion_tokens, finish: completion.choices[0]!.finish_reason };
    },
    async stream(model, prompt) {
      const answer: Answer = { text: "" };
      const stream = await client().chat.completions.create({ model, messages: withSystem(prompt), stream: true, stream_options: { include_usage: true } });
      for await (const chunk of stream) {
        answer.text += chunk.choices[0]?.delta.content ?? "";
        answer.finish = chunk.choices[0]?.finish_reason ?? answer.finish;
        answer.inputTokens = chunk.usage?.prompt_tokens ?? answer.inputTokens;
        answer.outputTokens = chunk.usage?.completion_tokens ?? answer.outputTokens;
      }
      return answer;
    },
    async tools(model, prompt, stream, force) {
      const messages = user(prompt);
      const tool_choice = force ? { tool_choice: { type: "function" as const, function: { name: force } } } : {};
      const first = (await complete({ model, messages, tools, ...tool_choice }, stream)).choices[0]!;
      const calls = (first.message.tool_calls ?? []).flatMap((call) => (call.type === "function" ? [call] : []));
      messages.push(first.message, ...calls.map((call) => ({ role: "tool" as const, tool_call_id: call.id, content: runTool(call.function.name, JSON.parse(call.function.arguments)) })));
      const second = (await complete({ model, messages, tools }, stream)).choices[0]!.message;
      return { calls: calls.map((call) => ({ name: call.function.name, args: JSON.parse(call.function.arguments) })), text: second.content ?? "", finish: first.finish_reason, preamble: first.message.content ?? "" };
    },
    async object(model, prompt, stream) {
      const response_format = { type: "json_schema" as const, json_schema: { name: "forecast", strict: true, schema: FORECAST_SCHEMA } };
      return JSON.parse((await complete({ model, messages: user(prompt), response_format }, stream)).choices[0]!.message.content ?? "");
    },
    async json(model, prompt) {
      const completion = await client().chat.completions.create({ model, messages: user(`${prompt} (as JSON)`), response_format: { type: "json_object" } });
      return JSON.parse(completion.choices[0]!.message.content ?? "");
    },
    fail: (model, prompt, stream, maxRetries) =>
      caught(async () => {
        if (!stream) return client(maxRetries).chat.completions.create({ model, messages: user(prompt) });
        for await (const _ of await client(maxRetries).chat.completions.create({ model, messages: user(prompt), stream: true }));
      }),
    status: (error) => (error instanceof OpenAI.APIError ? error.status : undefined),
    retryAfter: (error) => (error instanceof OpenAI.APIError ? headerOf(error.headers, "retry-after") : undefined),
  };
}

function openaiResponses(url: () => string): ClientDriver {
  const client = (maxRetries?: number) => new OpenAI({ baseURL: `${url()}/v1`, apiKey: GATEWAY_TOKEN, ...retries(maxRetries) });
  const tools: OpenAI.Responses.Tool[] = TOOLS.map(({ name, description }) => ({ type: "function", name, description, parameters: schemaOf(name), strict: true }));
  const respond = (body: Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, "stream">, stream: boolean) => (stream ? client().responses.stream(body).finalResponse() : client().responses.create(body));
  return {
    name: "openai responses",
    route: "/v1/responses",
    structured: "text.format json_schema",
    // The Responses API has no finish reason: a whole answer is "completed", whatever it holds.
    finishes: { end: "completed", tool: "completed", length: "incomplete: max_output_tokens" },
    async image(model, prompt) {
      const content: OpenAI.Responses.ResponseInputContent[] = [{ type: "input_text", text: prompt }, { type: "input_image", image_url: PNG_URL, detail: "auto" }];
      return { text: (await client().responses.create({ model, input: [{ role: "user", content }] })).output_text };
    },
    async conversation(model, prompt) {
      const input: OpenAI.Responses.ResponseInput = [{ role: "user", content: HISTORY.user }, { role: "assistant", content: HISTORY.assistant }, { role: "user", content: prompt }];
      return { text: (await client().responses.create({ model, input })).output_text };
    },
    async limited(model, prompt, max_output_tokens, stream) {
      const response = await respond({ model, input: prompt, max_output_tokens }, stream);
      return { text: response.output_text, finish: `${response.status}${response.incomplete_details ? `: ${response.incomplete_details.reason}` : ""}` };
    },
    async text(model, prompt) {
      const response = await client().responses.create({ model, instructions: SYSTEM, input: prompt });
      return { text: response.output_text, inputTokens: response.usage?.input_tokens, outputTokens: response.usage?.output_tokens, finish: response.status };
    },
    async stream(model, prompt) {
      const answer: Answer = { text: "" };
      for await (const event of await client().responses.create({ model, instructions: SYSTEM, input: prompt, stream: true })) {
        if (event.type === "response.output_text.delta") answer.text += event.delta;
        if (event.type === "response.completed") {
          answer.inputTokens = event.response.usage?.input_tokens;
          answer.outputTokens = event.response.usage?.output_tokens;
          answer.finish = event.response.status;
        }
      }
      return answer;
    },
    async tools(model, prompt, stream, force) {
      const input: OpenAI.Responses.ResponseInput = [{ role: "user", content: prompt }];
      const first = await respond({ model, input, tools, ...(force ? { tool_choice: { type: "function" as const, name: force } } : {}) }, stream);
      const calls = first.output.flatMap((item) => (item.type === "function_call" ? [item] : []));
      // The whole output goes back (its message too, when the model said something before the calls), as the SDK's docs do it.
      const said = first.output.flatMap((item) => (item.type === "message" || item.type === "function_call" ? [item] : []));
      input.push(...said, ...calls.map((call) => ({ type: "function_call_output" as const, call_id: call.call_id, output: runTool(call.name, JSON.parse(call.arguments)) })));
      const second = await respond({ model, input, tools }, stream);
      return { calls: calls.map((call) => ({ name: call.name, args: JSON.parse(call.arguments) })), text: second.output_text, finish: first.status, preamble: first.output_text };
    },
    async object(model, prompt, stream) {
      const format = { type: "json_schema" as const, name: "forecast", strict: true, schema: FORECAST_SCHEMA };
      return JSON.parse((await respond({ model, input: prompt, text: { format } }, stream)).output_text);
    },
    async json(model, prompt) {
      return JSON.parse((await client().responses.create({ model, input: `${prompt} (as JSON)`, text: { format: { type: "json_object" } } })).output_text);
    },
    fail: (model, prompt, stream, maxRetries) =>
      caught(async () => {
        if (!stream) return client(maxRetries).responses.create({ model, input: prompt });
        for await (const _ of await client(maxRetries).responses.create({ model, input: prompt, stream: true }));
      }),
    status: (error) => (error instanceof OpenAI.APIError ? error.status : undefined),
    retryAfter: (error) => (error instanceof OpenAI.APIError ? headerOf(error.headers, "retry-after") : undefined),
  };
}

function anthropicMessages(url: () => string): ClientDriver {
  const client = (maxRetries?: number) => new Anthropic({ baseURL: url(), apiKey: GATEWAY_TOKEN, ...retries(maxRetries) });
  const tools: Anthropic.Tool[] = TOOLS.map(({ name, description }) => ({ name, description, input_schema: schemaOf(name) as Anthropic.Tool.InputSchema }));
  const textOf = (message: Anthropic.Message) => message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  const send = (body: Anthropic.MessageCreateParamsNonStreaming, stream: boolean) => (stream ? client().messages.stream(body).finalMessage() : client().messages.create(body));
  const ask = (model: string, prompt: string) => ({ model, max_tokens: 1024, messages: [{ role: "user" as const, content: prompt }] });
  return {
    name: "anthropic messages",
    route: "/v1/messages",
    structured: "output_config.format json_schema",
    finishes: { end: "end_turn", tool: "tool_use", length: "max_tokens" },
    async image(model, prompt) {
      const content: Anthropic.ContentBlockParam[] = [{ type: "text", text: prompt }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }];
      return { text: textOf(await client().messages.create({ model, max_tokens: 1024, messages: [{ role: "user", content }] })) };
    },
    async conversation(model, prompt) {
      const messages: Anthropic.MessageParam[] = [{ role: "user", content: HISTORY.user }, { role: "assistant", content: HISTORY.assistant }, { role: "user", content: prompt }];
      return { text: textOf(await client().messages.create({ model, max_tokens: 1024, messages })) };
    },
    async limited(model, prompt, max_tokens, stream) {
      const message = await send({ ...ask(model, prompt), max_tokens }, stream);
      return { text: textOf(message), finish: message.stop_reason };
    },
    async text(model, prompt) {
      const message = await client().messages.create({ ...ask(model, prompt), system: SYSTEM });
      return { text: textOf(message), inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens, finish: message.stop_reason };
    },
    async stream(model, prompt) {
      const message = await client().messages.stream({ ...ask(model, prompt), system: SYSTEM }).finalMessage();
      return { text: textOf(message), inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens, finish: message.stop_reason };
    },
    async tools(model, prompt, stream, force) {
      const messages: Anthropic.MessageParam[] = [{ role: "user", content: prompt }];
      const first = await send({ model, max_tokens: 1024, messages, tools, ...(force ? { tool_choice: { type: "tool" as const, name: force } } : {}) }, stream);
      const calls = first.content.flatMap((block) => (block.type === "tool_use" ? [block] : []));
      messages.push({ role: "assistant", content: first.content }, { role: "user", content: calls.map((call) => ({ type: "tool_result" as const, tool_use_id: call.id, content: runTool(call.name, call.input) })) });
      const second = await send({ model, max_tokens: 1024, messages, tools }, stream);
      return { calls: calls.map((call) => ({ name: call.name, args: call.input })), text: textOf(second), finish: first.stop_reason, preamble: textOf(first) };
    },
    async object(model, prompt, stream) {
      return JSON.parse(textOf(await send({ ...ask(model, prompt), output_config: { format: { type: "json_schema", schema: FORECAST_SCHEMA } } }, stream)));
    },
    fail: (model, prompt, stream, maxRetries) => caught(() => (stream ? client(maxRetries).messages.stream(ask(model, prompt)).finalMessage() : client(maxRetries).messages.create(ask(model, prompt)))),
    status: (error) => (error instanceof Anthropic.APIError ? error.status : undefined),
    retryAfter: (error) => (error instanceof Anthropic.APIError ? headerOf(error.headers, "retry-after") : undefined),
  };
}

// ------------------------------------------------------------------ Vercel AI SDK

function aiSdk(name: string, route: ClientDriver["route"], structured: "generateObject" | "Output.object", modelOf: (model: string) => LanguageModel, jsonMode: boolean): ClientDriver {
  const tools = Object.fromEntries(TOOLS.map(({ name, description, args, answer }) => [name, tool({ description, inputSchema: args, execute: async (input: Record<string, string>) => answer(input) })]));
  /** streamText reports errors through onError; the first one is what the stream failed with. */
  const streamed = async (settings: Parameters<typeof streamText>[0]) => {
    const errors: unknown[] = [];
    const result = streamText({ ...settings, onError: ({ error }) => void errors.push(error) });
    try {
      const [text, steps, usage, finish, output] = await Promise.all([result.text, result.steps, result.totalUsage, result.finishReason, settings.output ? result.output : undefined]);
      if (errors.length) throw errors[0];
      return { text, steps, usage, finish, output };
    } catch (error) {
      throw errors[0] ?? error;
    }
  };
  return {
    name,
    route,
    structured: `${structured} (streamed: streamText with Output.object)`,
    finishes: { end: "stop", tool: "tool-calls", length: "length" },
    async image(model, prompt) {
      const content = [{ type: "text" as const, text: prompt }, { type: "image" as const, image: Buffer.from(PNG, "base64"), mediaType: "image/png" }];
      return { text: (await generateText({ model: modelOf(model), messages: [{ role: "user", content }] })).text };
    },
    async conversation(model, prompt) {
      const messages = [{ role: "user" as const, content: HISTORY.user }, { role: "assistant" as const, content: HISTORY.assistant }, { role: "user" as const, content: prompt }];
      return { text: (await generateText({ model: modelOf(model), messages })).text };
    },
    async limited(model, prompt, maxOutputTokens, stream) {
      const settings = { model: modelOf(model), prompt, maxOutputTokens };
      const result = stream ? await streamed(settings) : await generateText(settings);
      return { text: result.text, finish: "finish" in result ? result.finish : result.finishReason };
    },
    async text(model, prompt) {
      const result = await generateText({ model: modelOf(model), system: SYSTEM, prompt });
      return { text: result.text, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, finish: result.finishReason };
    },
    async stream(model, prompt) {
      const result = await streamed({ model: modelOf(model), system: SYSTEM, prompt });
      return { text: result.text, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, finish: result.finish };
    },
    async tools(model, prompt, stream, force) {
      const prepareStep = ({ stepNumber }: { stepNumber: number }) => (stepNumber === 0 && force ? { toolChoice: { type: "tool" as const, toolName: force } } : {});
      const settings = { model: modelOf(model), prompt, tools, stopWhen: stepCountIs(3), prepareStep };
      const result = stream ? await streamed(settings) : await generateText(settings);
      const first = result.steps[0];
      return { calls: (first?.toolCalls ?? []).map((call) => ({ name: call.toolName, args: call.input })), text: result.text, finish: first?.finishReason, preamble: first?.text ?? "" };
    },
    async object(model, prompt, stream) {
      if (stream) return (await streamed({ model: modelOf(model), output: Output.object({ schema: forecast }), prompt })).output;
      if (structured === "generateObject") return (await generateObject({ model: modelOf(model), schema: forecast, prompt })).object;
      return (await generateText({ model: modelOf(model), output: Output.object({ schema: forecast }), prompt })).output;
    },
    ...(jsonMode ? { json: async (model: string, prompt: string) => (await generateText({ model: modelOf(model), output: Output.json(), prompt: `${prompt} (as JSON)` })).output } : {}),
    fail: (model, prompt, stream, maxRetries) => caught(() => (stream ? streamed({ model: modelOf(model), prompt, ...retries(maxRetries) }) : generateText({ model: modelOf(model), prompt, ...retries(maxRetries) }))),
    status: (error) => (APICallError.isInstance(error) ? error.statusCode : undefined),
    retryAfter: (error) => (APICallError.isInstance(error) ? headerOf(error.responseHeaders, "retry-after") : undefined),
  };
}

// ------------------------------------------------------------------ LangChain

type LangChainModel = ChatOpenAI | ChatAnthropic;

function langChain(name: string, route: ClientDriver["route"], structured: string, finishes: ClientDriver["finishes"], make: (model: string, maxRetries?: number, maxTokens?: number) => LangChainModel, jsonMode = false): ClientDriver {
  const tools = TOOLS.map(({ name, description, args, answer }) => langchainTool(async (input: Record<string, string>) => answer(input), { name, description, schema: args }));
  const collect = async (model: { stream(input: BaseMessage[]): Promise<AsyncIterable<AIMessageChunk>> }, input: BaseMessage[]) => {
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(input)) whole = whole ? whole.concat(chunk) : chunk;
    return whole!;
  };
  // ChatAnthropic keeps a streamed stop_reason in additional_kwargs (from message_delta), a whole answer's in response_metadata.
  const finishOf = (message: AIMessageChunk) => (message.response_metadata.finish_reason ?? message.response_metadata.stop_reason ?? message.additional_kwargs.stop_reason) as string | undefined;
  return {
    name,
    route,
    structured,
    finishes,
    async image(model, prompt) {
      const content = [{ type: "text", text: prompt }, { type: "image_url", image_url: { url: PNG_URL } }];
      return { text: (await make(model).invoke([new HumanMessage({ content })])).text };
    },
    async conversation(model, prompt) {
      return { text: (await make(model).invoke([new HumanMessage(HISTORY.user), new AIMessage(HISTORY.assistant), new HumanMessage(prompt)])).text };
    },
    async limited(model, prompt, maxTokens, stream) {
      const chat = make(model, undefined, maxTokens);
      const message = stream ? await collect(chat, [new HumanMessage(prompt)]) : await chat.invoke(prompt);
      return { text: message.text, finish: finishOf(message) };
    },
    async text(model, prompt) {
      const message = await make(model).invoke([new SystemMessage(SYSTEM), new HumanMessage(prompt)]);
      return { text: message.text, inputTokens: message.usage_metadata?.input_tokens, outputTokens: message.usage_metadata?.output_tokens, finish: finishOf(message) };
    },
    async stream(model, prompt) {
      const message = await collect(make(model), [new SystemMessage(SYSTEM), new HumanMessage(prompt)]);
      return { text: message.text, inputTokens: message.usage_metadata?.input_tokens, outputTokens: message.usage_metadata?.output_tokens, finish: finishOf(message) };
    },
    async tools(model, prompt, stream, force) {
      const bound = make(model).bindTools(tools);
      const forced = force ? make(model).bindTools(tools, { tool_choice: force }) : bound;
      const question = new HumanMessage(prompt);
      const first = stream ? await collect(forced, [question]) : await forced.invoke([question]);
      const calls = first.tool_calls ?? [];
      const results = await Promise.all(calls.map((call) => tools.find((tool) => tool.name === call.name)!.invoke({ ...call, type: "tool_call" as const })));
      const second = stream ? await collect(bound, [question, first, ...results]) : await bound.invoke([question, first, ...results]);
      return { calls: calls.map((call) => ({ name: call.name, args: call.args })), text: second.text, finish: finishOf(first), preamble: first.text };
    },
    async object(model, prompt, stream) {
      const runnable = make(model).withStructuredOutput(forecast);
      if (!stream) return runnable.invoke(prompt);
      let last: unknown;
      for await (const chunk of await runnable.stream(prompt)) last = chunk;
      return last;
    },
    ...(jsonMode
      ? { json: (model: string, prompt: string) => (make(model) as ChatOpenAI).withStructuredOutput(z.object({ answer: z.string() }), { method: "jsonMode" }).invoke(`${prompt} (as JSON)`) }
      : {}),
    fail: (model, prompt, stream, maxRetries) =>
      caught(async () => {
        const chat = make(model, maxRetries);
        if (!stream) return chat.invoke(prompt);
        for await (const _ of await chat.stream(prompt));
      }),
    status: (error) => {
      const status = (error as { status?: unknown } | undefined)?.status;
      return error instanceof OpenAI.APIError || error instanceof Anthropic.APIError || typeof status === "number" ? (status as number) : undefined;
    },
    // ChatAnthropic brings its own copy of @anthropic-ai/sdk: its errors are that copy's APIError (status, headers), not ours.
    retryAfter: (error) => headerOf((error as { headers?: Headers } | undefined)?.headers, "retry-after"),
  };
}

/** The matrix's clients; `url` is the gateway's, read when a client is made. */
export function clientDrivers(url: () => string): ClientDriver[] {
  const openai = () => createOpenAI({ baseURL: `${url()}/v1`, apiKey: GATEWAY_TOKEN });
  // @ai-sdk/anthropic appends /messages to its base URL (default https://api.anthropic.com/v1).
  const anthropic = () => createAnthropic({ baseURL: `${url()}/v1`, apiKey: GATEWAY_TOKEN });
  return [
    openaiChat(url),
    openaiResponses(url),
    anthropicMessages(url),
    aiSdk("ai-sdk openai(model)", "/v1/responses", "Output.object", (model) => openai()(model), true),
    aiSdk("ai-sdk openai.chat(model)", "/v1/chat/completions", "generateObject", (model) => openai().chat(model), true),
    aiSdk("ai-sdk anthropic(model)", "/v1/messages", "generateObject", (model) => anthropic()(model), false),
    langChain("langchain ChatOpenAI", "/v1/chat/completions", "withStructuredOutput (jsonSchema: response_format)", { end: "stop", tool: "tool_calls", length: "length" }, (model, maxRetries, maxTokens) => new ChatOpenAI({ model, apiKey: GATEWAY_TOKEN, configuration: { baseURL: `${url()}/v1` }, ...retries(maxRetries), ...(maxTokens ? { maxTokens } : {}) }), true),
    langChain("langchain ChatAnthropic", "/v1/messages", "withStructuredOutput (a forced tool)", { end: "end_turn", tool: "tool_use", length: "max_tokens" }, (model, maxRetries, maxTokens) => new ChatAnthropic({ model, apiKey: GATEWAY_TOKEN, anthropicApiUrl: url(), ...retries(maxRetries), ...(maxTokens ? { maxTokens } : {}) })),
  ];
}
