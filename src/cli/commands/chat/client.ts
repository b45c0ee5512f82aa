// The client side of the gateway's WebSocket (docs/chat.md) for `openclaw
// chat`: connect, hello, then turns whose deltas are handed to a callback. The
// ws package is loaded when a connection is opened, never before.
import type { WebSocket as WsSocket } from "ws";
import { OpenClawError } from "../../../state/errors.ts";

export interface TurnEnd {
  ok: boolean;
  text: string;
  status?: number;
  message?: string;
  model?: string;
  profile?: string;
  fallbackFor?: string;
}

interface Pending {
  onDelta: (text: string) => void;
  resolve: (end: TurnEnd) => void;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** How the gateway closed a socket, for people. */
function closeReason(code: number, reason: string): string {
  if (code === 4401) return "The gateway refused the token (wrong or missing gateway token).";
  if (code === 1001) return "The gateway is shutting down.";
  if (code === 1009) return "The message was too large for the gateway (over 1 MB).";
  return `The gateway closed the connection (${code}${reason ? `: ${reason}` : ""}).`;
}

const TOKEN_HINT = "The token is OPENCLAW_GATEWAY_TOKEN, else --token, else gateway.auth.token in openclaw.json (`openclaw gateway token` prints the configured one).";

export class ChatClient {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;
  private closedWith: OpenClawError | undefined;
  version = "";

  private constructor(private readonly ws: WsSocket) {
    ws.on("message", (data) => this.onMessage(data.toString()));
    ws.on("close", (code, reason) => this.onClose(code, reason.toString()));
    ws.on("error", () => {});
  }

  /** Connects and says hello; rejects with a clear error when the gateway is not there or refuses the token. */
  static async connect(url: string, token: string): Promise<ChatClient> {
    const { WebSocket } = await import("ws");
    const ws = new WebSocket(url, { handshakeTimeout: CONNECT_TIMEOUT_MS, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      const unreachable = (why: string) =>
        new OpenClawError(`Cannot reach the gateway at ${url} (${why}).`, {
          hint: "Is it running? Start it with `openclaw gateway`, or point at it with --url or OPENCLAW_GATEWAY_URL.",
        });
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => {
        reject(unreachable(`it answered HTTP ${res.statusCode} instead of opening a WebSocket`));
        ws.terminate();
      });
      ws.once("error", (error: NodeJS.ErrnoException) => reject(unreachable(error.code ?? error.message)));
    });
    const client = new ChatClient(ws);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new OpenClawError(`${url} accepted the WebSocket but did not answer the hello within ${CONNECT_TIMEOUT_MS / 1000} s; is it an openclaw gateway?`));
        ws.terminate();
      }, CONNECT_TIMEOUT_MS);
      ws.once("close", (code, reason) => {
        clearTimeout(timer);
        reject(new OpenClawError(closeReason(code, reason.toString()), code === 4401 ? { hint: TOKEN_HINT } : {}));
      });
      client.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    ws.send(JSON.stringify({ type: "hello", token }));
    await ready;
    return client;
  }

  private onReady: (() => void) | undefined;

  private onMessage(text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (frame.type === "ready") {
      this.version = typeof frame.version === "string" ? frame.version : "";
      this.onReady?.();
      this.onReady = undefined;
      return;
    }
    const id = typeof frame.id === "string" ? frame.id : undefined;
    const turn = id === undefined ? undefined : this.pending.get(id);
    if (!turn) return;
    if (frame.type === "delta" && typeof frame.text === "string") turn.onDelta(frame.text);
    else if (frame.type === "done") {
      this.pending.delete(id!);
      const str = (value: unknown) => (typeof value === "string" ? value : undefined);
      turn.resolve({
        ok: true,
        text: str(frame.text) ?? "",
        ...(str(frame.model) ? { model: str(frame.model) } : {}),
        ...(str(frame.profile) ? { profile: str(frame.profile) } : {}),
        ...(str(frame.fallbackFor) ? { fallbackFor: str(frame.fallbackFor) } : {}),
      });
    } else if (frame.type === "error") {
      this.pending.delete(id!);
      turn.resolve({ ok: false, text: "", status: typeof frame.status === "number" ? frame.status : 0, message: typeof frame.message === "string" ? frame.message : "The turn failed." });
    }
  }

  private onClose(code: number, reason: string): void {
    this.closedWith = new OpenClawError(closeReason(code, reason));
    for (const turn of this.pending.values()) turn.resolve({ ok: false, text: "", status: 0, message: this.closedWith.message });
    this.pending.clear();
  }

  get closed(): OpenClawError | undefined {
    return this.closedWith;
  }

  /** Runs one turn; resolves when it is done, failed or cancelled (never rejects). */
  turn(input: { session: string; messages: { role: string; content: string }[]; model?: string; agent?: string }, onDelta: (text: string) => void): { id: string; end: Promise<TurnEnd> } {
    const id = `t${++this.counter}`;
    if (this.closedWith) return { id, end: Promise.resolve({ ok: false, text: "", status: 0, message: this.closedWith.message }) };
    const end = new Promise<TurnEnd>((resolve) => this.pending.set(id, { onDelta, resolve }));
    this.ws.send(JSON.stringify({ type: "send", id, session: input.session, messages: input.messages, ...(input.model ? { model: input.model } : {}), ...(input.agent ? { agent: input.agent } : {}) }));
    return { id, end };
  }

  cancel(id: string): void {
    if (this.pending.has(id) && !this.closedWith) this.ws.send(JSON.stringify({ type: "cancel", id }));
  }

  close(): void {
    this.ws.close(1000);
  }
}
