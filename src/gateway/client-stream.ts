// Writing an answer to the client: the status line goes out with the first
// bytes (so until then the gateway can still fail over), a slow client is
// waited for, and a client that leaves ends the request instead of hanging it.
import type { ServerResponse } from "node:http";
import { streamErrorEvent, type ApiFormat } from "./api-errors.ts";

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

  /** After bytes went out, a failure can only be said inside the stream, in the client's own format. */
  async endWithError(format: ApiFormat, message: string): Promise<void> {
    if (this.res.destroyed) return;
    await this.write(streamErrorEvent(format, message)).catch(() => undefined);
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
