// Server-Sent Events, both ways: an incremental parser for upstream streams
// (which arrive in arbitrary pieces) and a writer for what we send clients.
// Parsing follows the WHATWG event-stream rules for the fields we use.

export interface SseEvent {
  event?: string;
  data: string;
}

/** Turns one upstream stream event into text for the client; `end` closes whatever is still open. */
export interface SseTransformer {
  push(event: SseEvent): string;
  end(): string;
}

/** An upstream sent a line longer than the gateway will hold in memory. */
export class SseLineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`an event-stream line over ${limit} characters`);
    this.name = "SseLineTooLongError";
  }
}

export class SseParser {
  /** The unterminated tail of the stream, kept as pieces so a huge line costs no re-scans. */
  private pending: string[] = [];
  private pendingLength = 0;
  private eventLength = 0;
  /** A chunk ended in "\r": a "\n" starting the next chunk belongs to the same line break. */
  private afterCR = false;
  private atStart = true;
  private eventName: string | undefined;
  private dataLines: string[] = [];

  /** `maxLineLength` bounds the memory one line may take (a stream without line breaks would otherwise grow forever). */
  constructor(private readonly maxLineLength = Number.POSITIVE_INFINITY) {}

  push(chunk: string): SseEvent[] {
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.afterCR && chunk.length > 0) {
      this.afterCR = false;
      if (chunk.startsWith("\n")) chunk = chunk.slice(1);
    }
    if (!/[\r\n]/.test(chunk)) {
      if (chunk.length > 0) this.keep(chunk);
      return [];
    }
    const text = this.pending.join("") + chunk;
    this.pending = [];
    this.pendingLength = 0;
    return this.takeLines(text);
  }

  /** The stream is over: an event missing its final blank line still counts. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    const tail = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    if (tail.length > 0) this.takeLine(tail, events);
    this.takeLine("", events);
    return events;
  }

  private takeLines(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    const lineBreak = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineBreak.exec(text); match; match = lineBreak.exec(text)) {
      this.takeLine(text.slice(start, match.index), events);
      start = match.index + match[0].length;
    }
    const rest = text.slice(start);
    if (rest.length > 0) this.keep(rest);
    this.afterCR = rest.length === 0 && text.endsWith("\r");
    return events;
  }

  private keep(piece: string): void {
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLineLength) throw new SseLineTooLongError(this.maxLineLength);
    this.pending.push(piece);
  }

  private takeLine(line: string, events: SseEvent[]): void {
    if (line === "") {
      if (this.dataLines.length > 0 || this.eventName !== undefined) {
        events.push({ ...(this.eventName !== undefined ? { event: this.eventName } : {}), data: this.dataLines.join("\n") });
      }
      this.eventName = undefined;
      this.dataLines = [];
      this.eventLength = 0;
      return;
    }
    if (line.startsWith(":")) return; // a comment, e.g. a keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      // An event that never ends (data lines without the blank line) is bounded the same way.
      this.eventLength += value.length;
      if (this.eventLength > this.maxLineLength) throw new SseLineTooLongError(this.maxLineLength);
      this.dataLines.push(value);
    }
    else if (field === "event") this.eventName = value;
    // id and retry mean nothing to a one-shot relay; unknown fields are ignored by the spec.
  }
}

export function formatSse(event: SseEvent): string {
  const head = event.event !== undefined ? `event: ${event.event}\n` : "";
  const data = event.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("");
  return `${head}${data}\n`;
}
