// One process asking for an OAuth refresh through the real Redis backend (its
// own temp state dir, as on another host), for the cross-host tests of
// src/auth/redis/refresh-lease.ts.
//
//   node --import tsx test/helpers/redis-refresh-worker.ts <redisUrl?prefix=…> <profileId> <tokenUrl|hang> [leaseMs]
//
// `<tokenUrl>`: the token request goes to the fake token server on 127.0.0.1.
// `hang`: prints `refreshing <fence>` once it holds the lease and never finishes (the test kills it).
// `leaseMs`: the lease this process takes (default: the production one).
// Prints one JSON line: {"outcome", "access"} or {"error", "name"}.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRedisBackend } from "../../src/auth/redis-backend.ts";
import { acquireConnection } from "../../src/auth/redis/connection.ts";
import { redisRefreshLock } from "../../src/auth/redis/refresh-lease.ts";
import { parseStateUrl } from "../../src/auth/redis/state-url.ts";
import { refreshCredential, type RefreshCall } from "../../src/auth/refresh/refresh.ts";
import type { RefreshLease, RefreshLock } from "../../src/auth/refresh/refresh-lock.ts";
import { postRefresh } from "./oauth-token-server.ts";

const [urlText, profileId, target, leaseText] = process.argv.slice(2);
if (!urlText || !profileId || !target) {
  process.stderr.write("usage: redis-refresh-worker.ts <redisUrl> <profileId> <tokenUrl|hang> [leaseMs]\n");
  process.exit(2);
}
const stateDir = mkdtempSync(join(tmpdir(), "openclaw-redis-refresh-worker-"));
const url = parseStateUrl(urlText);
const backend = createRedisBackend({ url, agents: { defaultAgentId: "main", agentDir: (id) => join(stateDir, "agents", id, "agent") } });
const connection = acquireConnection(url);
let held: RefreshLease | undefined;
function leaseOf(provider: string): RefreshLock {
  const inner = redisRefreshLock(connection, url.prefix, provider, profileId!, leaseText ? { leaseMs: Number(leaseText) } : {});
  return { leaseMs: inner.leaseMs, withLock: (fn) => inner.withLock((lease) => ((held = lease), fn(lease))) };
}
const refresh: RefreshCall =
  target === "hang"
    ? () => {
        process.stdout.write(`refreshing ${held?.fence}\n`);
        return new Promise(() => setInterval(() => undefined, 1_000));
      }
    : (credential, signal) => postRefresh(target, credential.refresh ?? "", signal);
try {
  const provider = (await backend.read("main")).own.store.profiles[profileId]?.provider ?? "";
  const result = await refreshCredential({ backend, agentId: "main", profileId, stateDir, refresh, lock: leaseOf(provider) });
  process.stdout.write(JSON.stringify({ outcome: result.outcome, access: result.access, fence: held?.fence }) + "\n");
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as Error).message, name: (error as Error).name }) + "\n");
} finally {
  backend.close();
  connection.release();
  rmSync(stateDir, { recursive: true, force: true });
}
