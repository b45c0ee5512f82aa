// The Redis backend against the backend contract, on a real redis-server
// started for this file (each test on a fresh key prefix), plus what only
// Redis can show: the key layout, the lock's fencing, an unreachable server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { backendContract, MAIN, WORK, type BackendState } from "./backend-contract.ts";
import { createRedisBackend } from "./redis-backend.ts";
import { agentKeys } from "./redis/keys.ts";
import { parseStateUrl } from "./redis/state-url.ts";
import { OpenClawError } from "../state/errors.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../../test/helpers/redis-server.ts";

const skip = redisSkipReason("src/auth/redis-backend.contract.test.ts");
const KEY = "sk-redis-contract-0123456789abcdef";

let server: RedisServer;
let admin: ReturnType<typeof createClient>;

const agents = { defaultAgentId: MAIN, agentDir: (agentId: string) => `/nonexistent/agents/${agentId}/agent` };

function freshPrefix(): string {
  return `t-${randomBytes(6).toString("hex")}:`;
}

function openOn(prefix: string) {
  return createRedisBackend({ url: parseStateUrl(`${server.url}?prefix=${prefix}`), agents });
}

/** Writes `document` in the documented key layout (docs/scale-out.md), as another program would. */
async function writeLayout(prefix: string, agentId: string, document: Record<string, unknown>): Promise<void> {
  const keys = agentKeys(prefix, agentId);
  const { profiles, usageStats, ...rest } = document as { profiles?: Record<string, unknown>; usageStats?: Record<string, unknown> };
  for (const [id, credential] of Object.entries(profiles ?? {})) await admin.hSet(keys.profiles, id, JSON.stringify(credential));
  if (usageStats) {
    await admin.hSet(keys.doc, "usageStats", "{}");
    for (const [id, stats] of Object.entries(usageStats)) await admin.hSet(keys.usage, id, JSON.stringify(stats));
  }
  for (const [field, value] of Object.entries(rest)) await admin.hSet(keys.doc, field, JSON.stringify(value));
  await admin.hIncrBy(keys.rev, "n", 1);
}

async function removePrefix(prefix: string): Promise<void> {
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(keys);
}

function redisState(): Promise<BackendState> {
  const prefix = freshPrefix();
  return Promise.resolve({
    open: () => openOn(prefix),
    async corrupt(agentId) {
      const keys = agentKeys(prefix, agentId);
      await admin.hSet(keys.profiles, "openai:broken", "{ not json");
      await admin.hIncrBy(keys.rev, "n", 1);
    },
    writeDocument: (agentId, document) => writeLayout(prefix, agentId, document),
    cleanup: () => removePrefix(prefix),
  });
}

describe("redis backend", { skip }, () => {
  before(async () => {
    server = await startRedisServer();
    admin = createClient({ url: server.url });
    admin.on("error", () => undefined);
    await admin.connect();
  });
  after(async () => {
    await admin?.close();
    await server?.stop();
  });

  backendContract("redis", { setup: redisState, sharing: "read-through" });

  test("redis: a store is one field per profile in the documented hashes", async () => {
    const prefix = freshPrefix();
    const backend = openOn(prefix);
    try {
      await backend.update(WORK, (store) => {
        store.profiles["openai:a"] = { type: "api_key", provider: "openai", key: KEY };
        store.usageStats = { "openai:a": { lastUsed: 5 } };
        store.order = { openai: ["openai:a"] };
      });
      const keys = agentKeys(prefix, WORK);
      assert.equal(keys.profiles, `${prefix}{agent:work}:profiles`);
      assert.deepEqual(JSON.parse((await admin.hGet(keys.profiles, "openai:a"))!), { type: "api_key", provider: "openai", key: KEY });
      assert.deepEqual(JSON.parse((await admin.hGet(keys.usage, "openai:a"))!), { lastUsed: 5 });
      assert.deepEqual({ ...(await admin.hGetAll(keys.doc)) }, { version: "1", order: '{"openai":["openai:a"]}', usageStats: "{}" });
      assert.equal(await admin.hGet(keys.rev, "n"), "1");
      assert.equal(await admin.exists(keys.lock), 0, "the lock is given back");
      assert.equal(backend.storePath(WORK), `${server.url} ${prefix}{agent:work}`);
    } finally {
      backend.close();
      await removePrefix(prefix);
    }
  });

  test("redis: a writer whose lock expired writes nothing (the commit is fenced by the lock token)", async () => {
    const prefix = freshPrefix();
    const backend = openOn(prefix);
    try {
      await backend.update(MAIN, (store) => {
        store.profiles["openai:a"] = { type: "api_key", provider: "openai", key: KEY };
      });
      await assert.rejects(
        backend.update(MAIN, async (store) => {
          await admin.del(agentKeys(prefix, MAIN).lock); // the lease ran out while the change ran
          delete store.profiles["openai:a"];
        }),
        /lock expired/,
      );
      assert.deepEqual(Object.keys((await backend.read(MAIN)).own.store.profiles), ["openai:a"]);
      assert.equal(await admin.hGet(agentKeys(prefix, MAIN).rev, "n"), "1");
    } finally {
      backend.close();
      await removePrefix(prefix);
    }
  });

  test("redis: close() lets an update under way finish and give its lock back", async () => {
    const prefix = freshPrefix();
    const backend = openOn(prefix);
    try {
      const updating = backend.update(MAIN, async (store) => {
        await sleep(50);
        store.profiles["openai:a"] = { type: "api_key", provider: "openai", key: KEY };
        return "done";
      });
      await sleep(10); // the change is running
      backend.close();
      assert.equal(await updating, "done");
      assert.equal(await admin.exists(agentKeys(prefix, MAIN).lock), 0, "the lock was released, not left to expire");
      const reader = openOn(prefix);
      assert.deepEqual(Object.keys((await reader.read(MAIN)).own.store.profiles), ["openai:a"]);
      reader.close();
    } finally {
      await removePrefix(prefix);
    }
  });

  test("redis: two prefixes on one server are two separate sets of credentials", async () => {
    const [a, b] = [freshPrefix(), freshPrefix()];
    const [teamA, teamB] = [openOn(a), openOn(b)];
    try {
      await teamA.update(MAIN, (store) => {
        store.profiles["openai:a"] = { type: "api_key", provider: "openai", key: KEY };
      });
      assert.deepEqual(Object.keys((await teamB.read(MAIN)).merged.profiles), []);
      assert.equal((await teamB.read(MAIN)).own.exists, false);
    } finally {
      teamA.close();
      teamB.close();
      await removePrefix(a);
    }
  });

  test("redis: a watch hears changes again after Redis restarted and lost its data (the counters start over)", async () => {
    const prefix = freshPrefix();
    const [writer, watcher] = [openOn(prefix), openOn(prefix)];
    let count = 0;
    const watch = watcher.watch(MAIN, () => count++);
    const waitFor = async (expected: number) => {
      const deadline = Date.now() + 10_000;
      while (count < expected && Date.now() < deadline) await sleep(10);
      assert.equal(count, expected);
    };
    /** A write right after a restart may meet a connection still coming back: the caller retries, as a user would. */
    const write = async (id: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await writer.update(MAIN, (store) => {
            store.profiles[id] = { type: "api_key", provider: "openai", key: KEY };
          });
        } catch (error) {
          if (attempt >= 20) throw error;
          await sleep(100);
        }
      }
    };
    try {
      await write("openai:a");
      await write("openai:b");
      await waitFor(2);
      await server.restart();
      await admin.ping().catch(() => undefined); // the admin connection comes back by itself
      await write("openai:c"); // counter 1 again, of a new epoch
      await waitFor(3);
      assert.deepEqual(Object.keys((await watcher.read(MAIN)).own.store.profiles), ["openai:c"]);
    } finally {
      watch.close();
      writer.close();
      watcher.close();
    }
  });

  test("redis: an unreachable server is a clear error naming it, password masked, within seconds", async () => {
    const password = "unreachable-secret-pw-0123";
    const url = parseStateUrl(`redis://ops:${password}@127.0.0.1:1/0`);
    const backend = createRedisBackend({ url, agents });
    const started = Date.now();
    try {
      for (const attempt of [() => backend.read(MAIN), () => backend.update(MAIN, () => undefined)]) {
        await assert.rejects(attempt(), (error: Error) => {
          assert.ok(error instanceof OpenClawError, `an OpenClawError, not ${error.name}`);
          assert.match(error.message, /redis:\/\/ops:\*\*\*\*@127\.0\.0\.1:1\/0/);
          assert.ok(!`${error.message} ${error.hint}`.includes(password), "the password is never shown");
          assert.match(error.hint ?? "", /127\.0\.0\.1:1/);
          return true;
        });
      }
      assert.ok(Date.now() - started < 15_000, `gave up after ${Date.now() - started} ms`);
    } finally {
      backend.close();
    }
  });
});
