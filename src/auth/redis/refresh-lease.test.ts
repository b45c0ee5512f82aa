// The OAuth refresh lease on a real redis-server (started for this file; each
// test on a fresh key prefix): exclusion across backend objects and OS
// processes with separate state dirs (separate hosts), the fencing token,
// a killed holder, a lost lease, and Redis out of reach.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runWorkerProcess, type WorkerRun } from "../../../test/helpers/worker-process.ts";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import { accessToken, postRefresh, refreshToken, startTokenServer } from "../../../test/helpers/oauth-token-server.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../../../test/helpers/redis-server.ts";
import type { CredentialBackend } from "../backend.ts";
import { createRedisBackend } from "../redis-backend.ts";
import { OAuthRefreshTransientError, refreshCredential, type RefreshCall } from "../refresh/refresh.ts";
import { RefreshLockUnavailableError, refreshLockDigest } from "../refresh/refresh-lock.ts";
import type { OAuthCredential } from "../store-schema.ts";
import { acquireConnection } from "./connection.ts";
import { refreshLeaseKeys } from "./keys.ts";
import { redisRefreshLock, REFRESH_LEASE_MS } from "./refresh-lease.ts";
import { parseStateUrl } from "./state-url.ts";

const skip = redisSkipReason("src/auth/redis/refresh-lease.test.ts");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const WORKER = join(ROOT, "test", "helpers", "redis-refresh-worker.ts");
const ID = "anthropic:work";
const PROVIDER = "anthropic";
const MINUTE = 60_000;

let server: RedisServer;
let admin: ReturnType<typeof createClient>;
const opened: CredentialBackend[] = [];
const dirs: string[] = [];
let stopped = false;

function oauth(n: number, expires: number): OAuthCredential {
  return { type: "oauth", provider: PROVIDER, access: accessToken(n), refresh: refreshToken(n), expires, email: "alice@example.com" };
}

/** A fresh key prefix: one world per test. */
function world() {
  const prefix = `lease-${randomBytes(5).toString("hex")}:`;
  const urlText = `${server.url}?prefix=${prefix}`;
  const url = parseStateUrl(urlText);
  /** A backend with its own state dir: another host. */
  const host = () => {
    const stateDir = mkdtempSync(join(tmpdir(), "openclaw-lease-"));
    dirs.push(stateDir);
    const backend = createRedisBackend({ url, agents: { defaultAgentId: "main", agentDir: (id) => join(stateDir, "agents", id, "agent") } });
    opened.push(backend);
    return { backend, stateDir };
  };
  const keys = refreshLeaseKeys(prefix, refreshLockDigest(PROVIDER, ID));
  const store = async (credential: OAuthCredential) => {
    const { backend } = host();
    await backend.update("main", (s) => void (s.profiles[ID] = credential));
  };
  const stored = async () => (await host().backend.read("main")).own.store.profiles[ID] as OAuthCredential;
  return { prefix, urlText, url, host, keys, store, stored };
}

interface WorkerAnswer {
  outcome?: string;
  access?: string;
  fence?: number;
  error?: string;
  name?: string;
}

function runWorker(urlText: string, target: string, leaseMs?: number, onLine?: (line: string, kill: () => void) => void): Promise<WorkerRun<WorkerAnswer>> {
  return runWorkerProcess<WorkerAnswer>(WORKER, [urlText, ID, target, ...(leaseMs ? [String(leaseMs)] : [])], onLine);
}

function assertNoSecret(text: string, upTo = 4): void {
  for (let n = 0; n <= upTo; n++) for (const secret of [accessToken(n), refreshToken(n)]) assert.ok(!text.includes(secret), `token ${n} in output`);
}

describe("the OAuth refresh lease in Redis", { skip }, () => {
  before(async () => {
    server = await startRedisServer();
    admin = createClient({ url: server.url });
    admin.on("error", () => undefined);
    await admin.connect();
  });
  after(async () => {
    for (const backend of opened) backend.close();
    if (!stopped) {
      await admin?.quit().catch(() => undefined);
      await server?.stop();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test("the lease key holds `<fence>:<nonce>` with an expiry while held; the fence grows with each holder; release deletes it", async () => {
    const w = world();
    const connection = acquireConnection(w.url);
    try {
      const lock = redisRefreshLock(connection, w.prefix, PROVIDER, ID);
      assert.equal(lock.leaseMs, REFRESH_LEASE_MS);
      const fences: number[] = [];
      for (let i = 0; i < 3; i++) {
        await lock.withLock(async (lease) => {
          fences.push(lease.fence!);
          const value = await admin.get(w.keys.lease);
          assert.match(value ?? "", new RegExp(`^${lease.fence}:[0-9a-f]{24}$`));
          const ttl = await admin.pTTL(w.keys.lease);
          assert.ok(ttl > 0 && ttl <= REFRESH_LEASE_MS, `ttl ${ttl}`);
          assert.equal(await lease.stillHeld(), true);
        });
        assert.equal(await admin.exists(w.keys.lease), 0, "released");
      }
      assert.deepEqual(fences, [fences[0], fences[0]! + 1, fences[0]! + 2]);
      assert.equal(Number(await admin.get(w.keys.fence)), fences[2]);
      assert.ok(w.keys.lease.startsWith(`${w.prefix}refresh:{`) && w.keys.fence.startsWith(w.keys.lease), "one hash tag for both keys");
    } finally {
      connection.release();
    }
  });

  test("exclusion: a second holder waits until the first releases, then gets the next fence; a holder whose lease expired cannot release the next one's", async () => {
    const w = world();
    const a = acquireConnection(w.url);
    try {
      const lock = redisRefreshLock(a, w.prefix, PROVIDER, ID, { leaseMs: 400 });
      const order: string[] = [];
      let releaseFirst!: () => void;
      const first = lock.withLock(async (lease) => {
        order.push(`in ${lease.fence}`);
        await new Promise<void>((resolve) => (releaseFirst = resolve));
        order.push(`out ${lease.fence}`);
      });
      while (order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const second = lock.withLock(async (lease) => void order.push(`in ${lease.fence}`));
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(order.length, 1, "the second waited");
      releaseFirst();
      await Promise.all([first, second]);
      const f = Number(order[0]!.split(" ")[1]);
      assert.deepEqual(order, [`in ${f}`, `out ${f}`, `in ${f + 1}`]);

      // A stalled holder: its lease is gone (expired), another took it; its release must not delete the other's.
      const stalled = redisRefreshLock(a, w.prefix, PROVIDER, ID, { leaseMs: 5_000 });
      await stalled.withLock(async (lease) => {
        await admin.del(w.keys.lease); // as if it expired
        await admin.set(w.keys.lease, "999:someone-else", { PX: 5_000 });
        assert.equal(await lease.stillHeld(), false);
      });
      assert.equal(await admin.get(w.keys.lease), "999:someone-else", "not released by the stalled holder");
      const busy = redisRefreshLock(a, w.prefix, PROVIDER, ID, { waitLimitMs: 200 });
      await assert.rejects(busy.withLock(async () => assert.fail("entered a held lease")), RefreshLockUnavailableError);
    } finally {
      a.release();
    }
  });

  test("a holder that keeps the lease past its length keeps it (renewed), and nobody else gets in meanwhile", async () => {
    const w = world();
    const connection = acquireConnection(w.url);
    try {
      const lock = redisRefreshLock(connection, w.prefix, PROVIDER, ID, { leaseMs: 300 });
      const other = redisRefreshLock(connection, w.prefix, PROVIDER, ID, { leaseMs: 300, waitLimitMs: 100 });
      await lock.withLock(async (lease) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        assert.equal(await lease.stillHeld(), true, "renewed past three lease lengths");
        await assert.rejects(other.withLock(async () => assert.fail("entered a held lease")), RefreshLockUnavailableError);
      });
    } finally {
      connection.release();
    }
  });

  test("two hosts (backend objects, separate state dirs) refreshing at once: one token call, the other adopts", async () => {
    const w = world();
    await w.store(oauth(0, Date.now() - 1));
    const tokens = await startTokenServer({ delayMs: 150 });
    try {
      const refresh: RefreshCall = (credential, signal) => postRefresh(tokens.url, credential.refresh ?? "", signal);
      const hosts = [w.host(), w.host(), w.host()];
      const results = await Promise.all(hosts.map(({ backend, stateDir }) => refreshCredential({ backend, agentId: "main", profileId: ID, stateDir, refresh })));
      assert.deepEqual(tokens.received, [refreshToken(0)]);
      assert.deepEqual(results.map((r) => r.outcome).sort(), ["adopted", "adopted", "refreshed"]);
      assert.ok(results.every((r) => r.access === accessToken(1)));
      assert.equal((await w.stored()).refresh, refreshToken(1));
    } finally {
      await tokens.close();
    }
  });

  test("four OS processes with separate state dirs: one token request, all get the new token, no secret in their output", { timeout: 60_000 }, async () => {
    const w = world();
    await w.store(oauth(0, Date.now() - 1));
    const tokens = await startTokenServer({ delayMs: 300 });
    try {
      const runs = await Promise.all(Array.from({ length: 4 }, () => runWorker(w.urlText, tokens.url)));
      assert.deepEqual(tokens.received, [refreshToken(0)]);
      const outcomes = runs.map((r) => r.answer?.outcome).sort();
      // A process that starts (slowly, under load) after the refresh finds the token fresh.
      assert.equal(outcomes.filter((o) => o === "refreshed").length, 1, JSON.stringify(runs.map((r) => r.answer?.error ?? r.answer?.outcome)));
      assert.ok(outcomes.every((o) => o === "refreshed" || o === "adopted" || o === "fresh"), JSON.stringify(outcomes));
      assert.ok(runs.every((r) => r.answer?.access === accessToken(1)));
      assert.equal((await w.stored()).refresh, refreshToken(1));
      // The workers print the access token on purpose (their answer); nothing else of a secret.
      for (const run of runs) assertNoSecret(run.output.replaceAll(accessToken(1), "<answer>"));
    } finally {
      await tokens.close();
    }
  });

  test("the holder SIGKILLed mid-refresh: the next process proceeds once the lease expires, with a higher fence", { timeout: 60_000 }, async () => {
    const w = world();
    await w.store(oauth(0, Date.now() - 1));
    const tokens = await startTokenServer();
    try {
      const LEASE = 4_000;
      let killedFence = 0;
      const killed = await runWorker(w.urlText, "hang", LEASE, (line, kill) => {
        const match = /^refreshing (\d+)$/.exec(line);
        if (match) {
          killedFence = Number(match[1]);
          kill();
        }
      });
      assert.equal(killed.signal, "SIGKILL");
      assert.ok(killedFence > 0);
      const left = await admin.pTTL(w.keys.lease);
      assert.ok(left > 0, "the dead holder's lease is still there");
      const started = Date.now();
      const next = await runWorker(w.urlText, tokens.url);
      assert.equal(next.answer?.outcome, "refreshed", JSON.stringify(next.answer));
      assert.equal(next.answer?.fence, killedFence + 1);
      assert.deepEqual(tokens.received, [refreshToken(0)]);
      assert.ok(Date.now() - started >= left - 100, `proceeded after ${Date.now() - started} ms, the lease had ${left} ms left`);
      assert.equal((await w.stored()).refresh, refreshToken(1));
    } finally {
      await tokens.close();
    }
  });

  test("a lease lost during the token request: the new tokens are still stored (the store still held the refresh token sent)", async () => {
    const w = world();
    await w.store(oauth(0, Date.now() - 1));
    const { backend, stateDir } = w.host();
    const refresh: RefreshCall = async () => {
      await admin.del(w.keys.lease); // expired while the request was out
      return { access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + 60 * MINUTE };
    };
    const result = await refreshCredential({ backend, agentId: "main", profileId: ID, stateDir, refresh });
    assert.equal(result.outcome, "refreshed");
    assert.equal((await w.stored()).refresh, refreshToken(1), "a rotated refresh token is never dropped");
  });

  test("a lease lost and another host's newer token stored meanwhile: ours does not overwrite it, theirs is adopted", async () => {
    const w = world();
    await w.store(oauth(0, Date.now() - 1));
    const { backend, stateDir } = w.host();
    const other = w.host().backend;
    const refresh: RefreshCall = async () => {
      await admin.del(w.keys.lease);
      await other.update("main", (s) => void (s.profiles[ID] = oauth(2, Date.now() + 60 * MINUTE)));
      return { access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + 60 * MINUTE };
    };
    const result = await refreshCredential({ backend, agentId: "main", profileId: ID, stateDir, refresh });
    assert.equal(result.outcome, "adopted");
    assert.equal(result.access, accessToken(2));
    assert.equal((await w.stored()).refresh, refreshToken(2));
  });

  test("Redis out of reach: no token request, a transient error (never a refresh without the lease)", async () => {
    const w = world();
    await w.store(oauth(0, Date.now() - 1));
    const { backend, stateDir } = w.host();
    let calls = 0;
    const refresh: RefreshCall = async () => (calls++, { access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + MINUTE * 60 });
    // The store is readable but the lease's Redis is not (a port nobody listens on).
    const dead = acquireConnection(parseStateUrl(`redis://127.0.0.1:1/0?prefix=${w.prefix}`));
    try {
      const lock = redisRefreshLock(dead, w.prefix, PROVIDER, ID);
      const error = await refreshCredential({ backend, agentId: "main", profileId: ID, stateDir, refresh, lock }).then(
        () => assert.fail("refreshed without the lease"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof OAuthRefreshTransientError, String(error));
      assertNoSecret(`${(error as Error).message} ${(error as Error).stack}`);
    } finally {
      dead.release();
    }
    // The whole Redis down (the last test: the server stays down): the same, through the backend's own lease.
    await admin.quit().catch(() => undefined);
    await server.stop();
    stopped = true;
    await assert.rejects(refreshCredential({ backend, agentId: "main", profileId: ID, stateDir, refresh }), OAuthRefreshTransientError);
    assert.equal(calls, 0);
  });
});
