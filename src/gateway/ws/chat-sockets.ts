// GET /ws (docs/chat.md): the WebSocket the Control UI and `openclaw chat` speak.
// Loaded on the first upgrade only (server.ts), so the gateway's start-up and
// request path never load it or the `ws` package.
//
// A turn is a real streaming POST /v1/chat/completions from the gateway to its
// own listening address (turn.ts), so the request pipeline (sessions, chat
// commands, failover, the x-openclaw-* headers) applies to it unchanged.
// Everything is bounded: frame size, turns in flight per connection,
// connections (half the server's, so turns always find a connection of their own).
import type { IncomingMessage } from "node:http";
import { Agent } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { redactSecrets } from "../../auth/redact.ts";
import type { GatewayDeps } from "../exchange.ts";
import { statusDocument } from "../status-route.ts";
import { runTurn, type TurnTarget } from "./turn.ts";

export interface ChatSocketOptions {
  deps: GatewayDeps;
  /** The gateway token, sent with each turn's request to the gateway itself. */
  token: string;
  version: string;
  /** The server's connection limit; WebSockets may take half of it. */
  maxConnections: number;
  /** Where the gateway listens, as seen from itself (loopback for a wildcard bind). */
  self: () => TurnTarget;
  log: (line: string) => void;
}

export interface ChatSockets {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Refuses new turns, lets running ones finish for up to `graceMs`, then closes every socket. */
  close(graceMs: number): void;
}

/** A frame from the client may be at most this big (ws closes the connection with 1009 beyond it). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Turns running at once on one connection. */
export const MAX_TURNS_PER_CONNECTION = 4;
const DEFAULT_HELLO_TIMEOUT_MS = 10_000;
/** At most this many status pushes per second per watcher. */
const STATUS_PUSH_INTERVAL_MS = 250;
/** A client that stops reading: its connection is dropped once this much is waiting to be sent. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
/** Session keys, agent ids and turn ids: header-safe text (x-openclaw-session-key: <key>). */
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

export const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_GOING_AWAY = 1001;

type Frame = Record<string, unknown>;

function helloTimeoutMs(deps: GatewayDeps): number {
  // A test knob, from the gateway's own process environment only.
  const raw = Number(deps.state.latest().ctx.processEnv.OPENCLAW_WS_HELLO_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_HELLO_TIMEOUT_MS;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

function parseFrame(data: RawData, isBinary: boolean): Frame | string {
  if (isBinary) return "Binary frames are not accepted; send one JSON object per text frame.";
  const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "A frame must be one JSON object (this one is not JSON).";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "A frame must be one JSON object.";
  if (typeof (value as Frame).type !== "string") return 'A frame needs a "type" (hello, send, cancel or watch-status).';
  return value as Frame;
}

function checkKey(frame: Frame, field: string, required: boolean): string | undefined {
  const value = frame[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || !KEY_PATTERN.test(value)) return `"${field}" must be text of 1 to 200 printable ASCII characters (no leading or trailing space).`;
  return undefined;
}

function checkSend(frame: Frame): string | undefined {
  const problem = checkKey(frame, "id", true) ?? checkKey(frame, "session", true) ?? checkKey(frame, "agent", false);
  if (problem) return problem;
  if (frame.model !== undefined && (typeof frame.model !== "string" || frame.model.trim() === "" || frame.model.length > 500)) return '"model" must be a model reference (provider/model, an alias or default).';
  const messages = frame.messages;
  if (!Array.isArray(messages) || messages.length === 0) return '"messages" must be a non-empty array of {role, content}, the new user message last.';
  // The pipeline checks each message as it checks any client's; here only what a turn needs.
  if (!messages.every((m) => m !== null && typeof m === "object" && !Array.isArray(m) && typeof (m as Frame).role === "string")) return 'Each of "messages" must be an object with a "role".';
  return undefined;
}

class Connection {
  private authed = false;
  private helloTimer: NodeJS.Timeout | undefined;
  private readonly turns = new Map<string, AbortController>();
  private unwatch: (() => void) | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastStatusAt = 0;
  private lastStatus = "";
  alive = true;
  closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: Hub,
  ) {
    this.helloTimer = setTimeout(() => this.ws.close(CLOSE_UNAUTHORIZED, "no hello"), helloTimeoutMs(hub.options.deps));
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("pong", () => (this.alive = true));
    ws.on("error", () => ws.terminate());
    ws.on("close", () => this.onClose());
  }

  get busy(): boolean {
    return this.turns.size > 0;
  }

  send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  private fail(id: string | undefined, status: number, message: string): void {
    this.send({ type: "error", ...(id !== undefined ? { id } : {}), status, message: redactSecrets(message) });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
    if (!this.authed) {
      if (typeof frame === "string" || frame.type !== "hello") return this.ws.close(CLOSE_UNAUTHORIZED, "hello first");
      const token = typeof frame.token === "string" ? frame.token : undefined;
      if (!this.hub.options.deps.tokenMatches(token)) return this.ws.close(CLOSE_UNAUTHORIZED, "wrong token");
      clearTimeout(this.helloTimer);
      this.authed = true;
      this.send({ type: "ready", version: this.hub.options.version });
      return;
    }
    if (typeof frame === "string") return this.fail(undefined, 400, frame);
    switch (frame.type) {
      case "hello":
        return this.fail(undefined, 400, "Already authenticated.");
      case "send":
        return this.startTurn(frame);
      case "cancel":
        if (typeof frame.id !== "string") return this.fail(undefined, 400, 'A cancel needs the "id" of the turn to stop.');
        // A turn that already ended (a cancel racing its done) is left alone: no second frame for it.
        this.turns.get(frame.id)?.abort();
        return;
      case "watch-status":
        return this.watchStatus();
      default:
        return this.fail(undefined, 400, `Unknown frame type ${JSON.stringify(frame.type).slice(0, 60)}; expected send, cancel or watch-status.`);
    }
  }

  private startTurn(frame: Frame): void {
    const id = typeof frame.id === "string" && KEY_PATTERN.test(frame.id) ? frame.id : undefined;
    const problem = checkSend(frame);
    if (problem) return this.fail(id, 400, problem);
    if (this.hub.closing) return this.fail(id, 503, "The gateway is shutting down.");
    // Without its id: an error carrying it would read as the end of the running turn of that id.
    if (this.turns.has(id!)) return this.fail(undefined, 409, `A turn with id "${id}" is already running; this send was ignored.`);
    if (this.turns.size >= MAX_TURNS_PER_CONNECTION) return this.fail(id, 429, `At most ${MAX_TURNS_PER_CONNECTION} turns may run at once on one connection.`);
    const abort = new AbortController();
    this.turns.set(id!, abort);
    const { options } = this.hub;
    void runTurn({
      target: options.self(),
      httpAgent: this.hub.httpAgent,
      token: options.token,
      session: frame.session as string,
      ...(typeof frame.agent === "string" ? { agent: frame.agent } : {}),
      body: { model: typeof frame.model === "string" ? frame.model : "default", messages: frame.messages, stream: true },
      signal: abort.signal,
      onDelta: (text) => this.send({ type: "delta", id, text }),
    })
      .then((result) => {
        if (abort.signal.aborted) return this.fail(id, 499, "Cancelled.");
        if (result.ok) this.send({ type: "done", id, text: result.text, ...result.servedBy });
        else this.fail(id, result.status, result.message);
      })
      .catch((error: Error) => {
        if (abort.signal.aborted) return this.fail(id, 499, "Cancelled.");
        options.log(redactSecrets(`ws turn failed: ${error.message}`));
        this.fail(id, 502, `The turn failed: ${error.message}`);
      })
      .finally(() => {
        this.turns.delete(id!);
        if (this.hub.closing && !this.busy) this.ws.close(CLOSE_GOING_AWAY, "gateway shutting down");
      });
  }

  private watchStatus(): void {
    this.lastStatus = ""; // sent even when nothing changed
    if (this.unwatch) return this.scheduleStatus(); // asked again: within the same pace as pushes
    this.unwatch = this.hub.options.deps.state.onChange(() => this.scheduleStatus());
    void this.pushStatus();
  }

  private scheduleStatus(): void {
    if (this.statusTimer || this.closed) return;
    const wait = Math.max(0, this.lastStatusAt + STATUS_PUSH_INTERVAL_MS - Date.now());
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      void this.pushStatus();
    }, wait);
  }

  private async pushStatus(): Promise<void> {
    this.lastStatusAt = Date.now();
    try {
      // current(), not latest(): a changed file is loaded before the document is made.
      const snapshot = await this.hub.options.deps.state.current();
      if (this.closed) return;
      const text = redactSecrets(JSON.stringify({ type: "status", status: statusDocument(snapshot) }));
      if (text === this.lastStatus) return;
      this.lastStatus = text;
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
    } catch (error) {
      this.fail(undefined, 500, `Could not build the status: ${(error as Error).message}`);
    }
  }

  private onClose(): void {
    this.closed = true;
    clearTimeout(this.helloTimer);
    clearTimeout(this.statusTimer);
    this.unwatch?.();
    for (const turn of this.turns.values()) turn.abort();
    this.hub.connections.delete(this);
  }

  ping(): void {
    if (!this.alive) return this.ws.terminate();
    this.alive = false;
    this.ws.ping();
  }

  closeWhenIdle(): void {
    if (!this.busy) this.ws.close(CLOSE_GOING_AWAY, "gateway shutting down");
  }

  terminate(): void {
    this.ws.terminate();
  }
}

class Hub implements ChatSockets {
  readonly connections = new Set<Connection>();
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false, perMessageDeflate: false });
  /** Keep-alive connections for turns to the gateway itself. */
  readonly httpAgent = new Agent({ keepAlive: true });
  private readonly maxSockets: number;
  private pinger: NodeJS.Timeout | undefined;
  closing = false;

  constructor(readonly options: ChatSocketOptions) {
    this.maxSockets = Math.max(1, Math.floor(options.maxConnections / 2));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/ws") return refuseUpgrade(socket, 404, `No WebSocket at ${path}; the gateway's is GET /ws.`);
    if (req.method !== "GET") return refuseUpgrade(socket, 405, "GET /ws only.");
    if (this.closing) return refuseUpgrade(socket, 503, "The gateway is shutting down.");
    if (this.connections.size >= this.maxSockets) return refuseUpgrade(socket, 503, "Too many WebSocket connections.");
    // The server's idle timeout for a new connection does not apply to an accepted socket.
    if ("setTimeout" in socket && typeof socket.setTimeout === "function") (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(0);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.closing) return ws.close(CLOSE_GOING_AWAY, "gateway shutting down");
      this.connections.add(new Connection(ws, this));
      this.pinger ??= setInterval(() => {
        for (const connection of this.connections) connection.ping();
      }, PING_INTERVAL_MS).unref();
    });
  }

  close(graceMs: number): void {
    this.closing = true;
    clearInterval(this.pinger);
    for (const connection of this.connections) connection.closeWhenIdle();
    setTimeout(() => {
      for (const connection of this.connections) connection.terminate();
      this.httpAgent.destroy();
    }, graceMs).unref();
  }
}

export function chatSockets(options: ChatSocketOptions): ChatSockets {
  return new Hub(options);
}
