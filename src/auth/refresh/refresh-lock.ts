// What makes an OAuth refresh exclusive across processes: the backend decides
// (CredentialBackend.refreshLock). On one host (JSON and SQLite eras) it is a
// file lock under the state dir; with Redis, where every host has its own
// state dir, it is a lease in Redis (src/auth/redis/refresh-lease.ts).
import { createHash } from "node:crypto";
import { join, resolve as resolvePath } from "node:path";
import { OpenClawError } from "../../state/errors.ts";
import { LOCK_STALE_MS, withFileLock } from "../../state/file-lock.ts";

/** The exclusion as its holder sees it. */
export interface RefreshLease {
  /** The fencing token: grows with every acquisition of this credential's lease (Redis); undefined for the file lock. */
  readonly fence: number | undefined;
  /** Whether the exclusion is still ours, asked now (a lease can expire under a stalled holder). */
  stillHeld(): Promise<boolean>;
}

export interface RefreshLock {
  /** How long a holder that stops renewing keeps it: the token request (with its abort grace) must end well before. */
  readonly leaseMs: number;
  /**
   * Waits for the exclusion (polling briefly, so a waiter sees a release quickly), runs `fn`,
   * releases. `signal`: the caller no longer needs it (it adopted a token meanwhile); a lock
   * that can stop waiting does, one that cannot runs `fn`, which then returns at once.
   */
  withLock<T>(fn: (lease: RefreshLease) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** The exclusion could not be had (busy too long, or the store that holds it is unreachable): nothing was refreshed. */
export class RefreshLockUnavailableError extends OpenClawError {
  constructor(message: string, cause?: unknown) {
    super(message, { hint: "Retry shortly; nothing was changed.", ...(cause !== undefined ? { cause } : {}) });
    this.name = "RefreshLockUnavailableError";
  }
}

/** sha256(provider \0 profileId): names one credential's lock, file or lease. */
export function refreshLockDigest(provider: string, profileId: string): string {
  return createHash("sha256").update(`${provider}\0${profileId}`).digest("hex");
}

/** `<state>/locks/oauth-refresh/<sha256(provider \0 profileId)>`: per credential, not per agent dir. */
export function refreshLockPath(stateDir: string, provider: string, profileId: string): string {
  return join(resolvePath(stateDir), "locks", "oauth-refresh", refreshLockDigest(provider, profileId));
}

/**
 * Waiters poll every 10–100 ms: only one waiter per process (the refresh is
 * single-flight in a process), and the release is what its requests wait for.
 * About 30 s in all, like the other file locks.
 */
const REFRESH_LOCK_RETRIES = { retries: 320, factor: 1.3, minTimeout: 10, maxTimeout: 100, randomize: true };

/** The file lock of the JSON and SQLite eras: every process on this host shares the state dir. */
export function fileRefreshLock(stateDir: string, provider: string, profileId: string): RefreshLock {
  const path = refreshLockPath(stateDir, provider, profileId);
  return {
    leaseMs: LOCK_STALE_MS,
    withLock: (fn) =>
      withFileLock(path, (held) => fn({ fence: undefined, stillHeld: async () => !held.compromised() }), { retries: REFRESH_LOCK_RETRIES }).catch((error: unknown) => {
        if (error instanceof OpenClawError && error.name === "FileLockBusyError") throw new RefreshLockUnavailableError(error.message, error);
        throw error;
      }),
  };
}
