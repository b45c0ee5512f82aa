// A WebSocket client for the gateway's GET /ws (docs/chat.md) in tests: every
// frame it receives is kept (raw, for leak checks) and can be waited for.
import assert from "node:assert/strict";
import WebSocket from "ws";

export interface WsFrame {
  type: string;
  [key: string]: any;
}

export interface TestSocket {
  ws: WebSocket;
  /** Every frame received so far, parsed. */
  frames: WsFrame[];
  /** Every frame as received, for secret checks. */
  raw: string[];
  send(frame: unknown): void;
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  /** The first frame (from `from` on) that matches. */
  next(match: (frame: WsFrame) => boolean, timeoutMs?: number, from?: number): Promise<WsFrame>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, "ws")}/ws`;
}

/** Opens a socket to the gateway (no hello sent). */
export async function openSocket(httpUrl: string, path = "/ws"): Promise<TestSocket> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, "ws")}${path}`);
  const frames: WsFrame[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    const text = data.toString();
    raw.push(text);
    frames.push(JSON.parse(text) as WsFrame);
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.on("error", () => {});
  return {
    ws,
    frames,
    raw,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (data, options) => ws.send(data, { binary: options?.binary ?? false }),
    next: (match, timeoutMs = 5000, from = 0) =>
      new Promise<WsFrame>((resolve, reject) => {
        const check = () => {
          const found = frames.slice(from).find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs} ms; got: ${JSON.stringify(frames).slice(0, 2000)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    closed,
    close: () => ws.close(),
  };
}

/** Opens a socket and says hello; resolves once `ready` arrived. */
export async function helloSocket(httpUrl: string, token: string): Promise<TestSocket> {
  const socket = await openSocket(httpUrl);
  socket.send({ type: "hello", token });
  const ready = await socket.next((frame) => frame.type === "ready");
  assert.equal(typeof ready.version, "string");
  return socket;
}

/** The frames of one turn, up to its `done` or `error`. */
export async function turnFrames(socket: TestSocket, id: string, timeoutMs = 5000): Promise<{ deltas: string[]; end: WsFrame }> {
  const end = await socket.next((frame) => frame.id === id && (frame.type === "done" || frame.type === "error"), timeoutMs);
  const deltas = socket.frames.filter((frame) => frame.id === id && frame.type === "delta").map((frame) => frame.text as string);
  return { deltas, end };
}
