// What tells an upstream request that its client has gone: set when the
// client's connection closes before the answer was written, and handed to
// undici as the request's `signal`. An EventEmitter rather than an
// AbortController, which on Node 20 costs an EventTarget, its listener
// bookkeeping and a DOMException for every request (undici accepts either).
import { EventEmitter } from "node:events";

export class ClientAbort extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}

