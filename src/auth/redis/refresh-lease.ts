// One OAuth refresh per credential across every host sharing a Redis
// (issue 12; docs/scale-out.md "Refresh leases"). The hosts have separate
// state dirs, so the file lock cannot exclude them; a lease in Redis does:
// - taken by a script (scripts.ts ACQUIRE_LEASE) that, only when the lease
//   is free, INCRs the credential's fencing counter and SETs the lease to
//   `<fence>:<nonce>` with a PX expiry;
// - renewed while held (a third of the lease), released by a script only
//   if it still holds our value, so a holder whose lease expired can never
//   release or extend the next holder's;
// - a waiter polls with jittered backoff capped at 50 ms (one waiter per
//   process: the refresh is single-flight in a process);
// - Redis unreachable: RefreshLockUnavailableError, never a refresh without it.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { RefreshLockUnavailableError, refreshLockDigest, type RefreshLease, type RefreshLock } from "../refresh/refresh-lock.ts";
import type { RedisConnection } from "./connection.ts";
import { refreshLeaseKeys } from "./keys.ts";
import { ACQUIRE_LEASE, RELEASE_LOCK, RENEW_LOCK, runScript } from "./scripts.ts";

/** How long a lease outlives a holder that stopped renewing it (killed, or cut off from Redis). */
export const REFRESH_LEASE_MS = 12_000;
/** How long a waiter waits for another host's refresh before it gives up (transient: the request fails over). */
const WAIT_LIMIT_MS = 30_000;
const MAX_BACKOFF_MS = 50;

export interface RedisRefreshLockOptions {
  leaseMs?: number;
  waitLimitMs?: number;
}

export function redisRefreshLock(connection: RedisConnection, prefix: string, provider: string, profileId: string, options: RedisRefreshLockOptions = {}): RefreshLock {
  const keys = refreshLeaseKeys(prefix, refreshLockDigest(provider, profileId));
  const leaseMs = options.leaseMs ?? REFRESH_LEASE_MS;
  const waitLimitMs = options.waitLimitMs ?? WAIT_LIMIT_MS;
  const label = `the OAuth refresh lease of ${profileId}`;

  async function acquire(nonce: string, signal: AbortSignal | undefined): Promise<number> {
    const deadline = Date.now() + waitLimitMs;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new RefreshLockUnavailableError(`Stopped waiting for ${label}: no longer needed.`);
      let fence: number;
      try {
        fence = Number(await connection.run((client) => runScript(client, ACQUIRE_LEASE, [keys.lease, keys.fence], [nonce, String(leaseMs)]), { writes: true }));
      } catch (error) {
        throw new RefreshLockUnavailableError(`Could not take ${label}: ${(error as Error).message}`, error);
      }
      if (fence > 0) return fence;
      if (Date.now() > deadline) throw new RefreshLockUnavailableError(`Timed out after ${waitLimitMs / 1000} s waiting for ${label} (another host is refreshing).`);
      const backoff = Math.min(5 + attempt * 5, MAX_BACKOFF_MS);
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }

  return {
    leaseMs,
    async withLock(fn, signal) {
      const nonce = randomBytes(12).toString("hex");
      const fence = await acquire(nonce, signal);
      const value = `${fence}:${nonce}`;
      const renew = setInterval(() => {
        connection.run((client) => runScript(client, RENEW_LOCK, [keys.lease], [value, String(leaseMs)])).catch(() => undefined);
      }, Math.max(50, Math.floor(leaseMs / 3)));
      renew.unref();
      const lease: RefreshLease = {
        fence,
        async stillHeld() {
          try {
            return ((await connection.run((client) => client.sendCommand(["GET", keys.lease]))) as unknown) === value;
          } catch {
            return false; // cannot tell: act as if lost (the commit then checks the stored refresh token)
          }
        },
      };
      try {
        return await fn(lease);
      } finally {
        clearInterval(renew);
        // Best effort: a lease we cannot release expires by itself.
        await connection.run((client) => runScript(client, RELEASE_LOCK, [keys.lease], [value])).catch(() => undefined);
      }
    },
  };
}
