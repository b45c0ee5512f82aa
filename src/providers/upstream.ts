// Upstream HTTP: one keep-alive connection pool per origin (undici), with the
// connect and overall timeouts from config.
import type { EventEmitter } from "node:events";
import type { Dispatcher } from "undici";
import type { OpenClawConfig } from "../state/config-schema.ts";

export interface UpstreamTimeouts {
  connectMs: number;
  /** Time to the response headers, and at most this long between body chunks. */
  responseMs: number;
}

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = { connectMs: 10_000, responseMs: 300_000 };

/** `gateway.connectTimeoutMs` / `gateway.upstreamTimeoutMs` (our extensions), or the defaults. */
export function upstreamTimeouts(config: OpenClawConfig): UpstreamTimeouts {
  return {
    connectMs: config.gateway?.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
    responseMs: config.gateway?.upstreamTimeoutMs ?? DEFAULT_TIMEOUTS.responseMs,
  };
}

/** Bounds on what the gateway holds in memory from one upstream answer. */
export interface RelayLimits {
  /** A whole non-streamed answer. */
  maxResponseBytes: number;
  /** One line (or one event) of a stream the gateway translates. */
  maxSseLineBytes: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = { maxResponseBytes: 64 * 1024 * 1024, maxSseLineBytes: 16 * 1024 * 1024 };

/** `gateway.maxResponseBytes` / `gateway.maxSseLineBytes` (our extensions), or the defaults. */
export function relayLimits(config: OpenClawConfig): RelayLimits {
  return {
    maxResponseBytes: config.gateway?.maxResponseBytes ?? DEFAULT_RELAY_LIMITS.maxResponseBytes,
    maxSseLineBytes: config.gateway?.maxSseLineBytes ?? DEFAULT_RELAY_LIMITS.maxSseLineBytes,
  };
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & {
    destroy(error?: Error): void;
    on(event: "data" | "end" | "close" | "error", listener: (...args: any[]) => void): unknown;
    off(event: "data" | "end" | "close" | "error", listener: (...args: any[]) => void): unknown;
  };
}

/**
 * Stops reading a body the gateway will not use. (Destroying an undici body
 * emits an abort error; with nobody listening, that would end the process.)
 */
export function discardBody(body: UpstreamResponse["body"]): void {
  body.on("error", () => undefined);
  body.destroy();
}

/** How much of an upstream error body is kept: enough for any real message, never 400 MB. */
export const ERROR_BODY_LIMIT = 64 * 1024;

export interface CappedBody {
  bytes: Buffer;
  /** The body went on past the limit; the rest was not read. */
  truncated: boolean;
}

/**
 * Reads a body up to `limit` bytes and stops there (destroying the rest), so a
 * huge or endless upstream answer cannot take the gateway's memory with it.
 * Read with events rather than `for await`: an async iterator and a promise
 * per chunk cost more than the read itself for a small answer.
 */
export function readCapped(body: UpstreamResponse["body"], limit: number): Promise<CappedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      const room = limit - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (room > 0) chunks.push(chunk.subarray(0, room));
      stop();
      discardBody(body);
      resolve({ bytes: Buffer.concat(chunks, limit), truncated: true });
    };
    const onEnd = () => {
      stop();
      resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), truncated: false });
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // Closed without an end or an error: the body was cut short.
    const onClose = () => onError(Object.assign(new Error("the body ended before it was complete"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  });
}

/** The first value of a response header. */
export function responseHeader(response: Pick<UpstreamResponse, "headers">, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An endpoint's origin and path, read once per URL object (the gateway keeps one per provider). */
const targets = new WeakMap<URL, { origin: string; path: string }>();

export class UpstreamPools {
  private readonly pools = new Map<string, Dispatcher>();
  private undici: typeof import("undici") | undefined;

  constructor(private timeouts: UpstreamTimeouts = DEFAULT_TIMEOUTS) {}

  /** New timeouts apply to pools created from now on; existing connections keep theirs. */
  setTimeouts(timeouts: UpstreamTimeouts): void {
    if (timeouts.connectMs === this.timeouts.connectMs && timeouts.responseMs === this.timeouts.responseMs) return;
    this.timeouts = timeouts;
    const old = [...this.pools.values()];
    this.pools.clear();
    for (const pool of old) void pool.close().catch(() => undefined);
  }

  private async pool(origin: string): Promise<Dispatcher> {
    const existing = this.pools.get(origin);
    if (existing) return existing;
    this.undici ??= await import("undici");
    const pool = new this.undici.Pool(origin, {
      connections: 64,
      keepAliveTimeout: 30_000,
      connectTimeout: this.timeouts.connectMs,
      headersTimeout: this.timeouts.responseMs,
      bodyTimeout: this.timeouts.responseMs,
    });
    this.pools.set(origin, pool);
    return pool;
  }

  /** `signal`: an AbortSignal or an EventEmitter that emits "abort" (undici takes either). */
  async request(url: URL, headers: Record<string, string>, body: string | Buffer, signal: AbortSignal | EventEmitter): Promise<UpstreamResponse> {
    let target = targets.get(url);
    if (!target) targets.set(url, (target = { origin: url.origin, path: url.pathname + url.search }));
    const pool = this.pools.get(target.origin) ?? (await this.pool(target.origin));
    const response = await pool.request({ method: "POST", path: target.path, headers, body, signal });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close().catch(() => undefined)));
    this.pools.clear();
  }
}

/** The human message inside an upstream error body of either format (or the raw text, shortened). */
export function upstreamErrorMessage(text: string): string {
  try {
    const doc = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof doc.error === "string") return doc.error;
    if (typeof doc.error?.message === "string") return doc.error.message;
    if (typeof doc.message === "string") return doc.message;
  } catch {
    // not JSON: use the text itself
  }
  return text.trim().slice(0, 500) || "no error message";
}
