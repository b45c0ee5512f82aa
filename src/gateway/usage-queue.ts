// The usage changes waiting to reach the store: coalesced (a steady run of
// successes keeps one change per credential, not one per request), written
// together a little later, kept and retried with backoff when a write fails (a
// full disk, a shared state that is down), and bounded so that a long outage
// cannot grow it without end (degraded.ts). The live state applies each change
// in memory at once; this only gets it to the store.
import type { AuthStore } from "../auth/store-schema.ts";
import { NETWORK_RETRY_MAX_MS, trimQueue } from "./degraded.ts";
import { applyUsage, supersedes, type UsageChange, type UsageWriteStatus } from "./usage-change.ts";

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export interface UsageQueueOptions {
  /** Writes a batch through the backend (under its exclusion); rejects when it could not. */
  write(batch: readonly UsageChange[]): Promise<void>;
  /** True when the store is a network service (Redis): retried more often, each try fails fast. */
  networked(): boolean;
  /** How long changes wait to be written together. */
  flushDelayMs?: number;
  /** At most this many changes wait (degraded.ts MAX_QUEUED_USAGE when not set). */
  maxQueued?: number;
  log?: (line: string) => void;
}

export class UsageQueue {
  private pending: UsageChange[] = [];
  /** Per provider, where in `pending` its latest change is (reset whenever `pending` is rebuilt). */
  private latestPending = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastError: string | undefined;
  private writes = 0;
  /** A failed write is tried again after `delayMs`, doubling up to a maximum until one succeeds. */
  private retry: { delayMs: number; timer: NodeJS.Timeout | undefined } | undefined;
  /** How many changes the write under way carries (still queued, as far as /health is concerned). */
  private writingBatch = 0;
  /** Changes dropped because the queue was full, since the last successful write. */
  private dropped = 0;

  constructor(private readonly options: UsageQueueOptions) {}

  /** Queues a change (already applied in memory) and schedules a write. */
  add(change: UsageChange): void {
    const index = this.latestPending.get(change.provider);
    if (index !== undefined && supersedes(change, this.pending[index])) this.pending[index] = change;
    else this.latestPending.set(change.provider, this.pending.push(change) - 1);
    this.bound();
    this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushDelayMs ?? 200);
  }

  /** Applies what is still waiting to a freshly read or committed store, so it is not lost from view. */
  applyTo(store: AuthStore, inherited: AuthStore | undefined): void {
    for (const change of this.pending) applyUsage(change, store, inherited);
  }

  /** Changes not yet in the store, the batch being written included. */
  queued(): number {
    return this.pending.length + this.writingBatch;
  }

  status(): UsageWriteStatus {
    return { pending: this.pending.length, writing: this.flushing !== undefined, writes: this.writes, ...(this.lastError ? { lastError: this.lastError } : {}), ...(this.dropped ? { dropped: this.dropped } : {}) };
  }

  /** Drops the write and retry timers (callers that want the usage stored flush first). */
  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    clearTimeout(this.retry?.timer);
    this.retry = undefined;
  }

  /** Keeps the queue within its bound (a long outage); one warning per outage. */
  private bound(): void {
    const dropped = trimQueue(this.pending, this.options.maxQueued);
    if (dropped === 0) return;
    this.latestPending.clear();
    if (this.dropped === 0) this.options.log?.(`warning: ${this.pending.length} usage changes are waiting to be saved; dropping the oldest from now on until a save succeeds`);
    this.dropped += dropped;
  }

  /** Writes everything waiting now (after the write under way, if any). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Callers that arrive during a write wait for it, and for one another: each returns only when
    // nothing it saw waiting is still unwritten (shutdown relies on it).
    while (this.flushing) await this.flushing;
    const batch = this.pending.splice(0);
    this.latestPending.clear();
    if (batch.length === 0) return;
    this.writingBatch = batch.length;
    this.flushing = this.options
      .write(batch)
      .then(() => this.written())
      .catch((error: Error) => this.failed(batch, error))
      .finally(() => {
        this.flushing = undefined;
        this.writingBatch = 0;
      });
    await this.flushing;
  }

  private written(): void {
    if (this.lastError !== undefined) this.options.log?.("usage stats saved again");
    this.lastError = undefined;
    if (this.dropped) this.options.log?.(`usage stats saved; ${this.dropped} older usage changes were dropped while they could not be`);
    this.dropped = 0;
    clearTimeout(this.retry?.timer);
    this.retry = undefined;
    this.writes++;
  }

  /**
   * Kept in memory and retried with the next change, or after a while (a full disk frees
   * up without anyone telling us); said once, not on every retry.
   */
  private failed(batch: UsageChange[], error: Error): void {
    if (error.message !== this.lastError) this.options.log?.(`could not save usage stats: ${error.message}`);
    this.lastError = error.message;
    this.pending.unshift(...batch);
    this.latestPending.clear();
    this.bound();
    if (this.retry?.timer) return;
    // A network state (Redis) comes back without a sign to us: look again often (each try fails fast).
    const maxMs = this.options.networked() ? NETWORK_RETRY_MAX_MS : RETRY_MAX_MS;
    const retry = { delayMs: this.retry ? Math.min(this.retry.delayMs * 2, maxMs) : Math.min(RETRY_FIRST_MS, maxMs), timer: undefined as NodeJS.Timeout | undefined };
    // unref'd: a pending retry never keeps the process alive.
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      void this.flush();
    }, retry.delayMs).unref();
    this.retry = retry;
  }
}
