// Writing an answer to the client: the status line goes out with the first
// bytes (so until then the gateway can still fail over), a slow client is
// waited for, and a client that leaves ends the request instead of hanging it.
import type { ServerResponse } from "node:http";
import { streamErrorEvent, type ApiFormat } from "./api-errors.ts";
import type { WireApi } from "../providers/adapters/adapter.ts";

/** The client closed the connection before the answer was complete. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection");
    this.name = "ClientGoneError";
  }
}

export class ClientStream {
  /** Whether any byte of the answer has reached the client (after that there is nothing to fail over to). */
  started = false;
  /** The last chunk written (a reference, not a copy): where a Responses stream's last sequence_number is, should it fail. */
  private last: string | Buffer = "";

  constructor(
    private readonly res: ServerResponse,
    private readonly status: number,
    private readonly headers: Record<string, string | number>,
  ) {}

  async write(chunk: string | Buffer): Promise<void> {
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      this.res.writeHead(this.status, this.headers);
    }
    if (this.res.destroyed) throw new ClientGoneError();
    this.last = chunk;
    if (!this.res.write(chunk)) await drained(this.res);
  }

  /** The whole answer in one write (headers and body together): cheaper than a chunked stream. */
  sendWhole(body: Buffer | string): void {
    this.started = true;
    // The headers object is this answer's own (relay.ts makes one per answer).
    this.headers["content-length"] = Buffer.byteLength(body);
    this.res.writeHead(this.status, this.headers);
    this.res.end(body);
  }

  end(): void {
    if (!this.started) {
      this.started = true;
      this.res.writeHead(this.status, this.headers);
    }
    this.res.end();
  }

  /**
   * After bytes went out, a failure can only be said inside the stream, in the
   * client's own format; `api`, the client's wire API, tells a Responses API
   * client (its own failure events) from a Chat Completions one.
   */
  async endWithError(format: ApiFormat, message: string, api?: WireApi): Promise<void> {
    if (this.res.destroyed) return;
    const event = api === "openai-responses" ? streamErrorEvent(format, message, api, lastSequenceNumber(this.last)) : streamErrorEvent(format, message);
    await this.write(event).catch(() => undefined);
    this.res.end();
  }
}

/** Resolves when the client has taken the buffered bytes; rejects if it leaves first. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      res.off("close", onClose);
      resolve();
    };
    const onClose = () => {
      res.off("drain", onDrain);
      reject(new ClientGoneError());
    };
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}

/** The last `"sequence_number":N` in a chunk of a Responses event stream, if any. */
function lastSequenceNumber(chunk: string | Buffer): number | undefined {
  const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
  const at = text.lastIndexOf('"sequence_number":');
  if (at < 0) return undefined;
  const match = /^"sequence_number":\s*(\d+)/.exec(text.slice(at));
  return match ? Number(match[1]) : undefined;
}
