// One writer per agent store across every host: a lock key taken with
// `SET NX PX` holding a random token, its lease renewed while the change runs,
// and the commit script refusing to write unless the token is still there
// (scripts.ts COMMIT). A crashed holder's lock expires with its lease.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { OpenClawError } from "../../state/errors.ts";
import type { RedisConnection } from "./connection.ts";
import { RELEASE_LOCK, RENEW_LOCK, runScript } from "./scripts.ts";

/** How long a lock outlives a holder that stopped renewing it (crashed, or cut off from Redis). */
export const LOCK_LEASE_MS = 15_000;
const RENEW_EVERY_MS = LOCK_LEASE_MS / 3;
/** How long a writer waits for another's lock before it gives up (the file backend's order of magnitude). */
const WAIT_LIMIT_MS = 30_000;
/** How often a release that could not reach Redis is tried again. */
const RELEASE_RETRY_MS = 500;

export interface HeldLock {
  token: string;
  release(): Promise<void>;
}

/** Waits for the lock at `key` (polling with jittered backoff), then keeps its lease fresh until released. */
export async function acquireStoreLock(connection: RedisConnection, key: string, label: string): Promise<HeldLock> {
  const token = randomBytes(16).toString("hex");
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let attempt = 0; ; attempt++) {
    const reply = await connection.run((client) => client.sendCommand(["SET", key, token, "NX", "PX", String(LOCK_LEASE_MS)]));
    if ((reply as unknown) === "OK") break;
    if (Date.now() > deadline) {
      throw new OpenClawError(`Timed out after ${WAIT_LIMIT_MS / 1000} s waiting for another writer's lock on ${label}.`, {
        hint: `If no openclaw is writing, the lock expires by itself within ${LOCK_LEASE_MS / 1000} s; try again.`,
      });
    }
    const backoff = Math.min(2 + attempt * 3, 50);
    await sleep(backoff / 2 + Math.random() * backoff);
  }
  const renew = setInterval(() => {
    connection.run((client) => runScript(client, RENEW_LOCK, [key], [token, String(LOCK_LEASE_MS)])).catch(() => undefined);
  }, RENEW_EVERY_MS);
  renew.unref();
  return {
    token,
    async release() {
      clearInterval(renew);
      const releaseOnce = () => connection.run((client) => runScript(client, RELEASE_LOCK, [key], [token])).then(() => true, () => false);
      if (await releaseOnce()) return;
      // Redis was away: it may come back with the lock still held (AOF), and every writer would
      // wait out the lease. Try again in the background until the lease would have ended anyway
      // (the script deletes the key only while it holds our token, so a late try is harmless).
      const giveUpAt = Date.now() + LOCK_LEASE_MS;
      const retry = setInterval(() => {
        if (Date.now() > giveUpAt) return clearInterval(retry);
        void releaseOnce().then((released) => released && clearInterval(retry));
      }, RELEASE_RETRY_MS);
      retry.unref();
    },
  };
}
