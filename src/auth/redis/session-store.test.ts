// The Redis session store on a real redis-server: the key layout, unknown fields
// kept, two store objects ("hosts") on one Redis updating concurrently, another
// host's change reaching the in-memory copy through the channel, reads served
// from memory while Redis is down, a clear error for a write then, and a
// reload after Redis restarted.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { parseStateUrl } from "./state-url.ts";
import { waitFor } from "../../../test/helpers/gateway.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../../../test/helpers/redis-server.ts";
import { createRedisSessionStore, type RedisSessionStore } from "./session-store.ts";
import type { SessionEntry } from "../../state/session-store.ts";
import { parseChangeMessage } from "./keys.ts";
import { parseSessionChange, sessionChangeMessage } from "./session-scripts.ts";

const skip = redisSkipReason("src/auth/redis/session-store.test.ts");
const PASSWORD = "redis-sessions-unit-password-0123";

let server: RedisServer;
let admin: ReturnType<typeof createClient>;
const opened: RedisSessionStore[] = [];

function open(prefix: string): RedisSessionStore {
  const store = createRedisSessionStore({ url: parseStateUrl(`${server.url}?prefix=${prefix}`) });
  opened.push(store);
  return store;
}
const freshPrefix = () => `s-${randomBytes(6).toString("hex")}:`;
const pin = (profile: string) => (entry: SessionEntry | undefined): SessionEntry => ({ ...(entry ?? { sessionId: "s1" }), updatedAt: Date.now(), authProfileOverride: profile, authProfileOverrideSource: "user" });

describe("redis session store", { skip }, () => {
  before(async () => {
    server = await startRedisServer({ password: PASSWORD });
    admin = createClient({ url: server.url });
    admin.on("error", () => undefined);
    await admin.connect();
  });
  after(async () => {
    for (const store of opened) store.close();
    await admin?.close();
    await server?.stop();
  });

  test("one hash per agent, field = OpenClaw's session key, value = the entry's JSON; unknown fields stay", async () => {
    const prefix = freshPrefix();
    await admin.hSet(`${prefix}{agent:main}:sessions`, "agent:main:old", JSON.stringify({ sessionId: "o", updatedAt: 1, futureField: { x: 1 } }));
    const store = open(prefix);
    assert.deepEqual(await store.read("main", "old"), { sessionId: "o", updatedAt: 1, futureField: { x: 1 } });
    assert.equal(await store.read("main", "missing"), undefined);
    const written = await store.update("main", "old", pin("openai:b"));
    assert.equal(written?.authProfileOverride, "openai:b");
    const raw = JSON.parse((await admin.hGet(`${prefix}{agent:main}:sessions`, "agent:main:old"))!);
    assert.deepEqual(raw.futureField, { x: 1 }, "a field we do not know is kept");
    assert.equal(raw.authProfileOverride, "openai:b");
    assert.equal(store.path("main"), `redis://:****@127.0.0.1:${server.port}/0 ${prefix}{agent:main}:sessions`);
    assert.deepEqual(await store.update("main", "old", () => undefined), written, "no change: the entry as stored, nothing written");
  });

  test("session messages share the change channel without being taken for credential changes", () => {
    const message = sessionChangeMessage({ agent: "main", key: "agent:main:x", writer: "w" });
    assert.equal(parseChangeMessage(message), undefined, "the credential watch passes them by");
    assert.deepEqual(parseSessionChange(message), { kind: "session", agent: "main", key: "agent:main:x", writer: "w" });
    assert.equal(parseSessionChange(JSON.stringify({ agent: "main", rev: 3, writer: "w", epoch: "e" })), undefined);
  });

  test("a broken value is an error for that session, not an empty one", async () => {
    const prefix = freshPrefix();
    await admin.hSet(`${prefix}{agent:main}:sessions`, "agent:main:bad", "{ nope");
    const store = open(prefix);
    await assert.rejects(store.read("main", "bad"), /does not hold a JSON object/);
    await assert.rejects(store.update("main", "bad", pin("x")), /does not hold a JSON object/);
    assert.equal(await admin.hGet(`${prefix}{agent:main}:sessions`, "agent:main:bad"), "{ nope", "nothing written over it");
  });

  test("two hosts updating concurrently: different sessions both survive, the same session loses no update", async () => {
    const prefix = freshPrefix();
    const [hostA, hostB] = [open(prefix), open(prefix)];
    const bump = (entry: SessionEntry | undefined): SessionEntry => ({ ...(entry ?? { sessionId: "c", updatedAt: 0 }), count: (((entry?.count as number | undefined) ?? 0) + 1) });
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => (i % 2 ? hostA : hostB).update("main", `own-${i}`, pin(`p:${i}`))),
      ...Array.from({ length: 20 }, (_, i) => (i % 2 ? hostA : hostB).update("main", "shared", bump)),
    ]);
    const all = await admin.hGetAll(`${prefix}{agent:main}:sessions`);
    for (let i = 0; i < 10; i++) assert.equal(JSON.parse(all[`agent:main:own-${i}`]!).authProfileOverride, `p:${i}`);
    assert.equal(JSON.parse(all["agent:main:shared"]!).count, 20, "20 increments from two hosts, none lost");
  });

  test("another host's change reaches the in-memory copy through the channel; reads cost no round trip", async () => {
    const prefix = freshPrefix();
    const [hostA, hostB] = [open(prefix), open(prefix)];
    assert.equal(await hostB.read("main", "chat"), undefined); // loads B's copy
    await hostA.update("main", "chat", pin("anthropic:b"));
    await waitFor("host B to hear host A's pin", async () => (await hostB.read("main", "chat"))?.authProfileOverride === "anthropic:b");
    // Reads are served from memory: with the key gone behind its back (no message), B still answers what it knew.
    await admin.del(`${prefix}{agent:main}:sessions`);
    assert.equal((await hostB.read("main", "chat"))?.authProfileOverride, "anthropic:b");
  });

  test("Redis down: reads keep serving, a write fails with a clear error; after a restart the copy is read again", async () => {
    const prefix = freshPrefix();
    const [hostA, hostB] = [open(prefix), open(prefix)];
    await hostA.update("main", "chat", pin("openai:a"));
    await waitFor("host B to load", async () => (await hostB.read("main", "chat"))?.authProfileOverride === "openai:a");
    await admin.close();
    const restarted = server.restart(); // comes back empty (no persistence)
    await restarted;
    admin = createClient({ url: server.url });
    admin.on("error", () => undefined);
    await admin.connect();
    // While it was away nobody heard anything; once back, the resubscribe makes B read its copy again (now empty).
    await waitFor("host B to reload after the restart", async () => (await hostB.read("main", "chat")) === undefined, 10_000);
    await hostA.update("main", "chat", pin("openai:c"));
    await waitFor("host B to hear the pin again", async () => (await hostB.read("main", "chat"))?.authProfileOverride === "openai:c", 5_000);
  });

  test("Redis unreachable while serving: the copy keeps answering, writes are refused with the URL masked", async () => {
    const dead = await startRedisServer({ password: PASSWORD });
    const store = createRedisSessionStore({ url: parseStateUrl(`${dead.url}?prefix=${freshPrefix()}`) });
    try {
      await store.update("main", "chat", pin("openai:a"));
      await dead.stop();
      assert.equal((await store.read("main", "chat"))?.authProfileOverride, "openai:a");
      const error = await store.update("main", "chat", pin("openai:z")).then(
        () => assert.fail("a write to a stopped Redis succeeded"),
        (caught: Error) => caught,
      );
      assert.match(error.message, /Cannot reach the shared state \(Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0/);
      assert.ok(!error.message.includes(PASSWORD));
      assert.equal((await store.read("main", "chat"))?.authProfileOverride, "openai:a", "nothing half-written into the copy");
    } finally {
      store.close();
    }
  });
});
