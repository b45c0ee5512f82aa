// One WebSocket turn: a streaming POST /v1/chat/completions from the gateway to
// itself, read as OpenAI chat-completion chunks. Going through the gateway's own
// listening address (not a shortcut into the pipeline) means a WS turn gets
// exactly what any client's request gets: the session step, chat commands,
// failover, limits, the request log and the x-openclaw-* headers.
import { request, type Agent, type IncomingMessage } from "node:http";
import { redactSecrets } from "../../auth/redact.ts";
import { SseParser } from "../../providers/sse.ts";

export interface TurnTarget {
  host: string;
  port: number;
}

export interface TurnInput {
  target: TurnTarget;
  httpAgent: Agent;
  token: string;
  session: string;
  agent?: string;
  body: { model: string; messages: unknown; stream: true };
  signal: AbortSignal;
  onDelta: (text: string) => void;
}

/** What served the answer, from the x-openclaw-* headers (absent when the gateway answered itself). */
export interface ServedBy {
  model?: string;
  profile?: string;
  fallbackFor?: string;
}

export type TurnResult = { ok: true; text: string; servedBy: ServedBy } | { ok: false; status: number; message: string };

/** An error body is read up to this much; the message in it is what the client is told. */
const MAX_ERROR_BODY = 64 * 1024;
/** A single event-stream line from the gateway itself; its own limits keep lines far smaller. */
const MAX_LINE = 8 * 1024 * 1024;
/** The whole reply, kept for `done`: far beyond any model's output limit. */
export const MAX_REPLY_CHARS = 16 * 1024 * 1024;

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function servedBy(res: IncomingMessage): ServedBy {
  const model = header(res, "x-openclaw-model");
  const profile = header(res, "x-openclaw-profile");
  const fallbackFor = header(res, "x-openclaw-fallback");
  return { ...(model ? { model } : {}), ...(profile ? { profile } : {}), ...(fallbackFor ? { fallbackFor } : {}) };
}

/** The message of an OpenAI-format error body (`{"error":{"message":…}}`), else the text itself, shortened. */
function errorMessage(text: string, status: number): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === "string" && message) return redactSecrets(message);
  } catch {
    // not JSON: say what it was
  }
  const plain = text.trim().slice(0, 500);
  return redactSecrets(plain || `The gateway answered ${status}.`);
}

async function readText(res: IncomingMessage, limit: number): Promise<string> {
  let text = "";
  for await (const chunk of res) {
    if (text.length < limit) text += (chunk as Buffer).toString("utf8");
  }
  return text.slice(0, limit);
}

interface ChunkChoice {
  delta?: { content?: unknown };
  message?: { content?: unknown };
}

function contentOf(value: unknown): string {
  if (typeof value === "string") return value;
  // Content parts, as some answers carry them.
  if (Array.isArray(value)) return value.map((part) => (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : "")).join("");
  return "";
}

export async function runTurn(input: TurnInput): Promise<TurnResult> {
  const payload = JSON.stringify(input.body);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({
      host: input.target.host,
      port: input.target.port,
      path: "/v1/chat/completions",
      method: "POST",
      agent: input.httpAgent,
      signal: input.signal,
      headers: {
        authorization: `Bearer ${input.token}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
        accept: "text/event-stream",
        "x-openclaw-session-key": input.session,
        ...(input.agent ? { "x-openclaw-agent": input.agent } : {}),
      },
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end(payload);
  });
  const served = servedBy(res);
  if (res.statusCode !== 200) {
    const status = res.statusCode ?? 502;
    return { ok: false, status, message: errorMessage(await readText(res, MAX_ERROR_BODY), status) };
  }
  res.setEncoding("utf8");
  const type = header(res, "content-type") ?? "";
  if (!type.includes("text/event-stream")) {
    // A whole answer (a chat command answered without streaming, say): one delta, then done.
    const text = await readText(res, MAX_LINE);
    let body: { choices?: ChunkChoice[] } | undefined;
    try {
      body = JSON.parse(text) as { choices?: ChunkChoice[] };
    } catch {
      return { ok: false, status: 502, message: "The gateway's answer was not JSON." };
    }
    const reply = contentOf(body?.choices?.[0]?.message?.content);
    if (reply) input.onDelta(reply);
    return { ok: true, text: reply, servedBy: served };
  }
  const parser = new SseParser(MAX_LINE);
  let text = "";
  let finished = false;
  const take = (events: { data: string }[]): TurnResult | undefined => {
    for (const event of events) {
      if (event.data === "[DONE]") {
        finished = true;
        continue;
      }
      let chunk: { choices?: ChunkChoice[]; error?: { message?: unknown } };
      try {
        chunk = JSON.parse(event.data) as typeof chunk;
      } catch {
        continue;
      }
      if (chunk.error) {
        const message = typeof chunk.error.message === "string" ? chunk.error.message : "The answer broke off.";
        return { ok: false, status: 502, message: redactSecrets(message) };
      }
      const piece = contentOf(chunk.choices?.[0]?.delta?.content);
      if (piece) {
        if (text.length + piece.length > MAX_REPLY_CHARS) return { ok: false, status: 502, message: `The reply grew over ${MAX_REPLY_CHARS} characters; stopped.` };
        text += piece;
        input.onDelta(piece);
      }
    }
    return undefined;
  };
  for await (const chunk of res) {
    const failed = take(parser.push(chunk as string));
    if (failed) {
      res.destroy();
      return failed;
    }
  }
  const failed = take(parser.end());
  if (failed) return failed;
  if (!finished) return { ok: false, status: 502, message: "The answer broke off before it was complete." };
  return { ok: true, text, servedBy: served };
}
