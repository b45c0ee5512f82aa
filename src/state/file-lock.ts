// The cross-process lock around every read-modify-write of a state file
// (DESIGN §4.4): `<file>.lock`, a directory made atomically by mkdir, kept
// fresh by its holder and taken over once stale (proper-lockfile).
import { readFileSync } from "node:fs";
import { lstat, rmdir, unlink } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { DiskFullError, OpenClawError, errnoCode, isDiskFullCode } from "./errors.ts";
import { ensureDir } from "./safe-file.ts";

/** A holder refreshes its lock every half of this; silent this long, it counts as dead. */
export const LOCK_STALE_MS = 10_000;

export class FileLockBusyError extends OpenClawError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`Could not lock ${basename(path)}: another openclaw process is holding it.`, {
      hint: `If no other openclaw process is running, remove ${path}.lock and retry.`,
      cause,
    });
    this.name = "FileLockBusyError";
    this.path = path;
  }
}

// OpenClaw 2026.2.26 locks with a plain file at the same path holding
// {"pid", "createdAt"}; it is abandoned when that pid is gone or it is older
// than OpenClaw's own stale limit.
const FOREIGN_LOCK_STALE_MS = 30_000;
const FOREIGN_LOCK_WAIT_MS = 35_000;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === "EPERM";
  }
}

type LockWaitReporter = (message: string) => void;
let reportLockWait: LockWaitReporter | undefined;

/** Where "waiting for another program's lock" is said: the CLI on stderr, so a wait never looks like a hang. */
export function onLockWait(reporter: LockWaitReporter | undefined): void {
  reportLockWait = reporter;
}

/** Waits out or clears a lock file left by OpenClaw itself; our own locks are directories. */
async function settleForeignLock(lockPath: string): Promise<void> {
  const deadline = Date.now() + FOREIGN_LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    const lock = await inspectLock(lockPath);
    if (!lock || lock.kind === "directory") return;
    if (lock.stale) {
      await unlink(lockPath).catch(() => undefined);
      return;
    }
    if (Date.now() > deadline) return;
    if (!said) {
      said = true;
      reportLockWait?.(`Waiting for ${basename(lockPath.slice(0, -".lock".length))}: OpenClaw${lock.holder ? ` (${lock.holder})` : ""} is writing it…`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface LockState {
  /** Ours (a proper-lockfile directory) or OpenClaw 2026.2.26's (a file with its pid). */
  kind: "directory" | "openclaw-file";
  /** Abandoned by the same rules withFileLock uses to take a lock over. */
  stale: boolean;
  /** `pid 123` for OpenClaw's lock files that name one. */
  holder?: string;
  ageMs: number;
}

/** What a `<file>.lock` is and whether it is abandoned (for `openclaw doctor`); undefined when there is none. */
export async function inspectLock(lockPath: string, now = Date.now()): Promise<LockState | undefined> {
  let stats;
  try {
    stats = await lstat(lockPath);
  } catch {
    return undefined;
  }
  if (stats.isDirectory()) {
    // The holder touches it every LOCK_STALE_MS / 2; silent longer than LOCK_STALE_MS, its process is gone.
    const ageMs = now - stats.mtimeMs;
    return { kind: "directory", stale: ageMs > LOCK_STALE_MS, ageMs };
  }
  if (!stats.isFile()) return undefined;
  let payload: { pid?: unknown; createdAt?: unknown } | undefined;
  try {
    payload = JSON.parse(readFileSync(lockPath, "utf8"));
  } catch {
    payload = undefined;
  }
  const created = typeof payload?.createdAt === "string" ? Date.parse(payload.createdAt) : Number.NaN;
  const ageMs = now - (Number.isFinite(created) ? created : stats.mtimeMs);
  const pid = typeof payload?.pid === "number" ? payload.pid : undefined;
  const stale = (pid !== undefined && !processIsAlive(pid)) || ageMs > FOREIGN_LOCK_STALE_MS;
  return { kind: "openclaw-file", stale, ageMs, ...(pid !== undefined ? { holder: `pid ${pid}` } : {}) };
}

/**
 * Removes a lock only if it is still abandoned when looked at again: an empty
 * lock directory (rmdir refuses a non-empty one) or OpenClaw's lock file.
 * Resolves to false when it was taken back or is gone.
 */
export async function removeStaleLock(lockPath: string): Promise<boolean> {
  const state = await inspectLock(lockPath);
  if (!state?.stale) return false;
  try {
    if (state.kind === "directory") await rmdir(lockPath);
    else await unlink(lockPath);
    return true;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return false;
    throw error;
  }
}

/**
 * Runs `fn` while holding `<path>.lock` (a directory, made atomically by mkdir,
 * kept fresh by the holder and taken over once stale, via proper-lockfile).
 * A lock file left at the same path by OpenClaw itself is waited for, or
 * cleared once abandoned, so the two tools exclude each other.
 */
export interface FileLockOptions {
  /**
   * How the wait for a busy lock polls (proper-lockfile's retry options). The default backs off
   * to 1 s; a waiter that must notice a release quickly (the OAuth refresh lock) polls more often.
   */
  retries?: { retries: number; factor: number; minTimeout: number; maxTimeout: number; randomize: boolean };
}

/** What the holder can ask while it holds the lock. */
export interface HeldFileLock {
  /** True once proper-lockfile found the lock taken over (the holder was too slow to keep it fresh). */
  compromised(): boolean;
}

const DEFAULT_RETRIES = { retries: 30, factor: 1.5, minTimeout: 20, maxTimeout: 1_000, randomize: true };

export async function withFileLock<T>(path: string, fn: (held: HeldFileLock) => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  await ensureDir(dirname(path));
  const { default: lockfile } = await import("proper-lockfile");
  const lockPath = `${path}.lock`;
  let compromised: Error | undefined;
  let release: (() => Promise<void>) | undefined;
  for (let attempt = 0; release === undefined; attempt++) {
    await settleForeignLock(lockPath);
    try {
      release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: lockPath,
        stale: LOCK_STALE_MS,
        retries: options.retries ?? DEFAULT_RETRIES,
        onCompromised: (error) => {
          compromised = error;
        },
      });
    } catch (error) {
      // ENOTDIR: proper-lockfile tried to take over OpenClaw's lock *file*.
      if (errnoCode(error) === "ENOTDIR" && attempt < 3) continue;
      if (errnoCode(error) === "ELOCKED" || errnoCode(error) === "ENOTDIR") throw new FileLockBusyError(path, error);
      // The lock is a directory: on a full disk it may be the first thing that cannot be made.
      if (isDiskFullCode(errnoCode(error))) throw new DiskFullError(path, errnoCode(error)!, error);
      throw new OpenClawError(`Could not lock ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    return await fn({ compromised: () => compromised !== undefined });
  } finally {
    if (!compromised) await release().catch(() => undefined);
  }
}
