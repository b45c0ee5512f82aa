// Fake model providers on 127.0.0.1 for tests (no network): an Anthropic
// Messages API and an OpenAI Chat Completions API, streaming and not, whose
// answers can be scripted per credential (status, body, headers, delay).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
  /** The body's bytes as they arrived. */
  raw: Buffer;
  /** The credential as the fake saw it: x-api-key, or the Bearer token. */
  credential: string | undefined;
}

export interface Scripted {
  status?: number;
  /** JSON body, or a function of the request. Ignored for successful streams unless `sse` is given. */
  body?: unknown | ((request: SeenRequest) => unknown);
  /** Raw SSE text to send instead of the default stream. */
  sse?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Answer by hand, for upstreams that misbehave (cut bodies, endless lines, HTML pages). */
  raw?: (res: ServerResponse, request: SeenRequest) => void;
}

/** Scripts answers for every credential that has no script of its own. */
export const ANY_CREDENTIAL = "*";

export interface FakeProvider {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Answers for a credential, used in order; the last one repeats. */
  script(credential: string, ...answers: Scripted[]): void;
  close(): Promise<void>;
}

function credentialOf(req: IncomingMessage): string | undefined {
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string") return apiKey;
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

async function readBody(req: IncomingMessage): Promise<{ raw: Buffer; body: any }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const text = raw.toString("utf8");
  return { raw, body: text ? JSON.parse(text) : undefined };
}

function lastUserText(body: any): string {
  const messages: any[] = body?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  return (last.content as any[]).filter((p) => p.type === "text").map((p) => p.text).join(" ");
}

export function anthropicMessage(model: string, text: string) {
  return {
    id: "msg_fake_1",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 11, output_tokens: 7 },
  };
}

export function anthropicStream(model: string, text: string): string {
  const events: [string, unknown][] = [
    ["message_start", { type: "message_start", message: { ...anthropicMessage(model, ""), content: [], stop_reason: null, usage: { input_tokens: 11, output_tokens: 1 } } }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ["ping", { type: "ping" }],
    ...text.split(/(?<= )/).map((piece): [string, unknown] => ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } }]),
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 7 } }],
    ["message_stop", { type: "message_stop" }],
  ];
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

export function openaiCompletion(model: string, text: string) {
  return {
    id: "chatcmpl-fake1",
    object: "chat.completion",
    created: 1_764_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

export function openaiStream(model: string, text: string, includeUsage: boolean): string {
  const chunk = (delta: object, finish: string | null, usage?: object) =>
    `data: ${JSON.stringify({ id: "chatcmpl-fake1", object: "chat.completion.chunk", created: 1_764_000_000, model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...(usage ? { usage } : {}) })}\n\n`;
  const pieces = text.split(/(?<= )/).map((piece) => chunk({ content: piece }, null));
  return [
    chunk({ role: "assistant", content: "" }, null),
    ...pieces,
    chunk({}, "stop"),
    ...(includeUsage ? [chunk({}, null, { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 })] : []),
    "data: [DONE]\n\n",
  ].join("");
}

type Flavour = "anthropic" | "openai";

export async function startFakeProvider(flavour: Flavour): Promise<FakeProvider> {
  const requests: SeenRequest[] = [];
  const scripts = new Map<string, Scripted[]>();
  const path = flavour === "anthropic" ? "/v1/messages" : "/v1/chat/completions";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await readBody(req);
    const seen: SeenRequest = { path: req.url ?? "", headers: req.headers, body: received.body, raw: received.raw, credential: credentialOf(req) };
    requests.push(seen);
    // Anthropic's token counter: scripted like messages, else a count that follows the body's size.
    const counting = flavour === "anthropic" && req.url === `${path}/count_tokens` && req.method === "POST";
    if ((req.url !== path && !counting) || req.method !== "POST") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no such route" } }));
      return;
    }
    const queue = scripts.get(seen.credential ?? "") ?? scripts.get(ANY_CREDENTIAL) ?? [];
    const answer: Scripted = (queue.length > 1 ? queue.shift() : queue[0]) ?? {};
    if (answer.hang) return;
    if (answer.raw) return answer.raw(res, seen);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const status = answer.status ?? 200;
    if (counting && answer.body === undefined) {
      res.writeHead(status, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify({ input_tokens: JSON.stringify(seen.body?.messages ?? []).length }));
      return;
    }
    const model = seen.body?.model ?? "unknown";
    const text = `Hello from the ${flavour} fake: ${lastUserText(seen.body)}`;
    if (status === 200 && seen.body?.stream === true) {
      const includeUsage = seen.body?.stream_options?.include_usage === true;
      res.writeHead(200, { "content-type": "text/event-stream", ...answer.headers });
      res.end(answer.sse ?? (flavour === "anthropic" ? anthropicStream(model, text) : openaiStream(model, text, includeUsage)));
      return;
    }
    const body = typeof answer.body === "function" ? answer.body(seen) : answer.body ?? (flavour === "anthropic" ? anthropicMessage(model, text) : openaiCompletion(model, text));
    res.writeHead(status, { "content-type": "application/json", ...answer.headers });
    res.end(JSON.stringify(body));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script: (credential, ...answers) => scripts.set(credential, answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Error bodies as each provider sends them. */
export function anthropicError(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

export function openaiError(message: string, type = "invalid_request_error", code: string | null = null) {
  return { error: { message, type, param: null, code } };
}
