// The rules every CredentialBackend keeps (DESIGN §3), as one suite run once
// per implementation (like Hono's router/common.case.test.ts): a
// `<backend>.contract.test.ts` beside each backend hands in a harness and calls
// `backendContract`. Not a *.test.ts file itself, so the runner does not run it
// without a backend.
//
// Every case goes through the interface only; what a backend stores and how is
// the harness's business (`corrupt`, `writeDocument`). "Another process" is a
// second backend object opened on the same state.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { CredentialBackend, StoreWatch } from "./backend.ts";
import type { AuthStore } from "./store-schema.ts";

/** One fresh state (agents "main", the default, and "work"), made per test. */
export interface BackendState {
  /** A new backend object on this state, as another process would open it. The suite closes what it opens. */
  open(): CredentialBackend;
  /** Makes the agent's stored credentials unreadable, the backend's own way (JSON files: `{ not json`); works on an agent with nothing stored yet. */
  corrupt(agentId: string): Promise<void>;
  /**
   * Optional: stores `document` (a whole auth store, as in auth-profiles.json)
   * as the agent's credentials the way another program (OpenClaw itself) would,
   * bypassing the backend. Cases that need a foreign writer are skipped without it.
   */
  writeDocument?(agentId: string, document: Record<string, unknown>): Promise<void>;
  /** Removes everything setup made. */
  cleanup(): Promise<void>;
}

/**
 * How another agent sees the default agent's credentials:
 * - "read-through" (OpenClaw 2026.2.26's JSON files, spec §1.4): each agent has
 *   its own store and reads the default agent's store through (`inherited`);
 *   what the default agent has is never this agent's own.
 * - "shared-store" (OpenClaw 2026.9's SQLite): every agent reads one shared
 *   store as its own, with the agent's own entries read over it; the default
 *   agent's credentials live in the shared store, another agent's in its own.
 */
export type Sharing = "read-through" | "shared-store";

export interface BackendHarness {
  setup(): Promise<BackendState>;
  /** Which of the two models the backend keeps; only the cases about agents differ. */
  sharing: Sharing;
}

export const MAIN = "main";
export const WORK = "work";

const TEST_TIMEOUT_MS = 30_000;
/** How long a watch may take to report a change made elsewhere. */
const WATCH_DEADLINE_MS = 5_000;
/** How long to wait for a report that must not come (or a second one). */
const QUIET_MS = 150;

const KEY_A = "sk-contract-keyA-0123456789abcdef0123";
const KEY_B = "sk-contract-keyB-0123456789abcdef0123";

/** JSON.parse keeps `__proto__` as an ordinary own key, which is what a stored profile id is. */
function doc<T = AuthStore>(text: string): T {
  return JSON.parse(text) as T;
}

function apiKey(provider: string, key: string): AuthStore["profiles"][string] {
  return { type: "api_key", provider, key };
}

function setProfile(store: AuthStore, id: string, credential: AuthStore["profiles"][string]): void {
  Object.defineProperty(store.profiles, id, { value: credential, writable: true, enumerable: true, configurable: true });
}

/** A store whose every section is used, with ids that are Object.prototype members. */
const FULL_STORE_TEXT = `{
  "version": 1,
  "profiles": {
    "openai:a": { "type": "api_key", "provider": "openai", "key": "${KEY_A}", "email": "a@example.com", "metadata": { "team": "x" } },
    "__proto__": { "type": "api_key", "provider": "openai", "key": "${KEY_B}" },
    "constructor": { "type": "oauth", "provider": "openai-codex", "access": "acc-contract-0123456789", "refresh": "ref-contract-0123456789", "expires": 1900000000000, "accountId": "acct" },
    "anthropic:t": { "type": "token", "provider": "anthropic", "token": "sk-ant-oat01-contract0123456789", "expires": 1900000000001 }
  },
  "order": { "openai": ["__proto__", "openai:a"], "__proto__": ["constructor"] },
  "lastGood": { "openai": "__proto__", "anthropic": "anthropic:t" },
  "usageStats": {
    "__proto__": { "lastUsed": 1800000000000, "cooldownUntil": 1800000060000, "errorCount": 2, "failureCounts": { "rate_limit": 2 }, "lastFailureAt": 1800000000500 },
    "openai:a": { "lastUsed": 1800000000001, "disabledUntil": 1800003600000, "disabledReason": "billing" }
  }
}`;

async function waitUntil(what: string, condition: () => boolean, watch?: StoreWatch): Promise<void> {
  const deadline = Date.now() + WATCH_DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${WATCH_DEADLINE_MS} ms waiting for ${what}`);
    // A backend without change events promises to see changes when asked.
    if (watch?.polling) watch.check();
    await sleep(10);
  }
}

/** Waits QUIET_MS, asking a polling watch to look, and asserts no (further) report came. */
async function assertQuiet(counter: { count: number }, expected: number, what: string, watch?: StoreWatch): Promise<void> {
  const until = Date.now() + QUIET_MS;
  while (Date.now() < until) {
    if (watch?.polling) watch.check();
    await sleep(10);
  }
  assert.equal(counter.count, expected, what);
}

interface Counter {
  count: number;
  watch: StoreWatch;
}

/** `openai:a` and `__proto__` (an id like any other) with an order naming both, stored for `agentId`. */
function storeTwoProfilesAndOrder(backend: CredentialBackend, agentId: string): Promise<void> {
  return backend.update(agentId, (store) => {
    setProfile(store, "openai:a", apiKey("openai", KEY_A));
    setProfile(store, "__proto__", apiKey("openai", KEY_A));
    store.order = { openai: ["openai:a", "__proto__"] };
  });
}

/** The default agent with one used profile (`anthropic:x`), its view as it is now, and a watch on it from another backend object. */
async function defaultAgentWithOneProfile(open: () => CredentialBackend) {
  const backend = open();
  await backend.update(MAIN, (store) => {
    setProfile(store, "anthropic:x", apiKey("anthropic", KEY_A));
    store.usageStats = { "anthropic:x": { lastUsed: 1 } };
  });
  const mainBefore = (await backend.read(MAIN)).merged;
  return { backend, mainBefore, mainWatch: countChanges(open(), MAIN) };
}

function countChanges(backend: CredentialBackend, agentId: string): Counter {
  const counter = { count: 0 } as Counter;
  counter.watch = backend.watch(agentId, () => {
    counter.count++;
  });
  return counter;
}

type Body = (state: BackendState, open: () => CredentialBackend) => Promise<void>;

export function backendContract(name: string, harness: BackendHarness): void {
  /** A fresh state per test; every backend it opens is closed and the state removed, whatever happens. */
  const withState = (body: Body) => async () => {
    const state = await harness.setup();
    const opened: CredentialBackend[] = [];
    try {
      await body(state, () => {
        const backend = state.open();
        opened.push(backend);
        return backend;
      });
    } finally {
      for (const backend of opened) backend.close();
      await state.cleanup();
    }
  };
  const it = (title: string, body: Body) => test(title, { timeout: TEST_TIMEOUT_MS }, withState(body));

  describe(`credential backend contract: ${name}`, () => {
    describe("read and update", () => {
      it("an empty state reads as no profiles, for the default agent and another one", async (_state, open) => {
        const backend = open();
        assert.equal(typeof backend.storePath(MAIN), "string");
        for (const agentId of [MAIN, WORK]) {
          const view = await backend.read(agentId);
          assert.equal(view.agentId, agentId);
          assert.equal(view.own.exists, false, `${agentId}: nothing is stored yet`);
          assert.deepEqual(Object.keys(view.merged.profiles), []);
          assert.deepEqual(Object.keys(view.own.store.profiles), []);
          assert.equal(view.isInherited("constructor"), false, "an Object.prototype member is not a profile");
        }
        assert.equal((await backend.read(MAIN)).inherited, undefined, "the default agent reads nothing through");
      });

      it("what an update stores reads back exactly, through another backend object, ids like __proto__ and constructor included", async (_state, open) => {
        const writer = open();
        const expected = doc(FULL_STORE_TEXT);
        await writer.update(MAIN, (store) => {
          store.profiles = expected.profiles;
          store.order = expected.order;
          store.lastGood = expected.lastGood;
          store.usageStats = expected.usageStats;
        });
        for (const reader of [writer, open()]) {
          const view = await reader.read(MAIN);
          assert.equal(view.own.exists, true);
          assert.deepEqual(view.own.store, doc(FULL_STORE_TEXT));
          assert.deepEqual(view.merged, doc(FULL_STORE_TEXT));
          const profiles = view.merged.profiles;
          assert.deepEqual(Object.keys(profiles).sort(), ["__proto__", "anthropic:t", "constructor", "openai:a"]);
          assert.equal(Object.getPrototypeOf(profiles), Object.prototype, "__proto__ is an entry, not the record's prototype");
          assert.equal(Object.getOwnPropertyDescriptor(profiles, "__proto__")?.value.key, KEY_B);
          assert.equal(Object.getOwnPropertyDescriptor(view.merged.usageStats!, "__proto__")?.value.errorCount, 2);
        }
      });

      it("update resolves to what the change returned; onCommitted gets the store as written", async (_state, open) => {
        const writer = open();
        const marker = { marker: true };
        const committed: AuthStore[] = [];
        const result = await writer.update(
          MAIN,
          async (store) => {
            await sleep(1);
            setProfile(store, "openai:a", apiKey("openai", KEY_A));
            store.lastGood = { openai: "openai:a" };
            return marker;
          },
          { onCommitted: (store) => committed.push(structuredClone(store)) },
        );
        assert.equal(result, marker, "the very value the change returned");
        assert.equal(committed.length, 1, "onCommitted is called once");
        assert.deepEqual(committed[0], (await open().read(MAIN)).own.store);
        assert.deepEqual(committed[0]!.profiles, { "openai:a": apiKey("openai", KEY_A) });

        // Nothing to write is still a commit: the caller learns the store as it is.
        const unchanged: AuthStore[] = [];
        const count = await writer.update(MAIN, (store) => Object.keys(store.profiles).length, { onCommitted: (store) => unchanged.push(structuredClone(store)) });
        assert.equal(count, 1);
        assert.equal(unchanged.length, 1);
        assert.deepEqual(unchanged[0], committed[0]);
      });

      it("an update that changes nothing writes nothing: another object's watch stays quiet", async (_state, open) => {
        const writer = open();
        await writer.update(MAIN, (store) => {
          setProfile(store, "openai:a", apiKey("openai", KEY_A));
          store.order = { openai: ["openai:a"] };
        });
        const watcher = countChanges(open(), MAIN);
        await writer.update(MAIN, (store) => store.profiles["openai:a"]);
        await writer.update(MAIN, (store) => {
          // The same values again.
          setProfile(store, "openai:a", apiKey("openai", KEY_A));
          store.order = { openai: ["openai:a"] };
        });
        await assertQuiet(watcher, 0, "no change was committed", watcher.watch);
        // The watch does work: a real change is reported.
        await writer.update(MAIN, (store) => setProfile(store, "openai:b", apiKey("openai", KEY_B)));
        await waitUntil("the real change to be reported", () => watcher.count === 1, watcher.watch);
      });

      it("20 concurrent updates through two backend objects, each adding its own profile, all survive", async (_state, open) => {
        const backends = [open(), open()];
        const ids = Array.from({ length: 20 }, (_, i) => `openai:p${i}`);
        const results = await Promise.all(
          ids.map((id, i) =>
            backends[i % 2]!.update(MAIN, async (store) => {
              const before = Object.keys(store.profiles).length;
              await sleep(1); // a slow change: anyone not excluded would write in between
              setProfile(store, id, apiKey("openai", `${KEY_A}-${i}`));
              store.usageStats = { ...store.usageStats, [id]: { lastUsed: 1_800_000_000_000 + i } };
              return before;
            }),
          ),
        );
        assert.deepEqual([...results].sort((a, b) => a - b), ids.map((_, i) => i), "each change saw all the ones before it");
        const view = await open().read(MAIN);
        assert.deepEqual(Object.keys(view.merged.profiles).sort(), [...ids].sort());
        assert.deepEqual(Object.keys(view.merged.usageStats ?? {}).sort(), [...ids].sort());
        ids.forEach((id, i) => assert.equal((view.merged.profiles[id] as { key?: string }).key, `${KEY_A}-${i}`));
      });

      it("a change that throws leaves the store as it was, and the error reaches the caller", async (_state, open) => {
        const writer = open();
        await writer.update(MAIN, (store) => setProfile(store, "openai:a", apiKey("openai", KEY_A)));
        const before = (await writer.read(MAIN)).own.store;
        const watcher = countChanges(open(), MAIN);
        const boom = new Error("boom");
        await assert.rejects(
          writer.update(MAIN, (store) => {
            setProfile(store, "openai:b", apiKey("openai", KEY_B));
            delete store.profiles["openai:a"];
            throw boom;
          }),
          (error) => error === boom,
        );
        await assert.rejects(
          writer.update(MAIN, async (store) => {
            store.order = { openai: ["openai:a"] };
            await sleep(1);
            throw boom;
          }),
          (error) => error === boom,
        );
        assert.deepEqual((await open().read(MAIN)).own.store, before);
        await assertQuiet(watcher, 0, "nothing was committed", watcher.watch);
        // The exclusion was given back: the next update goes through.
        await writer.update(MAIN, (store) => setProfile(store, "openai:c", apiKey("openai", KEY_B)));
        assert.deepEqual(Object.keys((await open().read(MAIN)).own.store.profiles).sort(), ["openai:a", "openai:c"]);
      });
    });

    describe("what the backend does not understand", () => {
      it("a broken store makes read and update reject, never read as empty, and is not written over", async (state, open) => {
        const backend = open();
        await backend.update(MAIN, (store) => setProfile(store, "openai:a", apiKey("openai", KEY_A)));
        await state.corrupt(MAIN);
        for (const reader of [backend, open()]) {
          await assert.rejects(reader.read(MAIN), Error);
          // The other agent reads the default agent's profiles (through, or as the shared store): a view without them would be a lie.
          await assert.rejects(reader.read(WORK), Error);
        }
        let called = false;
        await assert.rejects(
          backend.update(MAIN, (store) => {
            called = true;
            setProfile(store, "openai:b", apiKey("openai", KEY_B));
          }),
          Error,
        );
        assert.equal(called, false, "the change never sees an empty store in place of a broken one");
        await assert.rejects(open().read(MAIN), Error, "still broken: the update did not write over it");

        // The same for an agent with nothing stored before.
        await state.corrupt(WORK);
        await assert.rejects(open().read(WORK), Error);
        await assert.rejects(backend.update(WORK, () => undefined), Error);
      });

      it("unknown top-level and per-profile fields survive an update of another profile", async (_state, open) => {
        await open().update(MAIN, (store) => {
          setProfile(store, "openai:a", { ...apiKey("openai", KEY_A), futureField: { nested: [1, "two"] } } as AuthStore["profiles"][string]);
          store.usageStats = { "openai:a": { lastUsed: 1, futureStat: "x" } as never };
          (store as Record<string, unknown>).futureSection = { "openai:a": { weight: 3 } };
        });
        await open().update(MAIN, (store) => setProfile(store, "openai:b", apiKey("openai", KEY_B)));
        const store = (await open().read(MAIN)).own.store as Record<string, unknown> & AuthStore;
        assert.deepEqual(store.futureSection, { "openai:a": { weight: 3 } });
        assert.deepEqual(store.profiles["openai:a"], { ...apiKey("openai", KEY_A), futureField: { nested: [1, "two"] } });
        assert.deepEqual(store.usageStats?.["openai:a"], { lastUsed: 1, futureStat: "x" });
        assert.deepEqual(store.profiles["openai:b"], apiKey("openai", KEY_B));
      });

      it("unknown fields written by another program survive an update of another profile", async (state, open) => {
        if (!state.writeDocument) return; // the harness cannot write as another program
        const written = {
          version: 1,
          profiles: { "openai:a": { ...apiKey("openai", KEY_A), addedIn2027: true } },
          usageStats: { "openai:a": { lastUsed: 5, streak: 7 } },
          futureSection: ["kept"],
        };
        await state.writeDocument(MAIN, written);
        await open().update(MAIN, (store) => setProfile(store, "openai:b", apiKey("openai", KEY_B)));
        const store = (await open().read(MAIN)).own.store;
        assert.deepEqual(store, { ...written, profiles: { ...written.profiles, "openai:b": apiKey("openai", KEY_B) } });
      });
    });

    describe("watch", () => {
      it("fires exactly once per change committed through another backend object", async (_state, open) => {
        const writer = open();
        const watcher = countChanges(open(), MAIN);
        assert.equal(typeof watcher.watch.polling, "boolean");
        // The first change creates the store where there was none.
        await writer.update(MAIN, (store) => setProfile(store, "openai:a", apiKey("openai", KEY_A)));
        await waitUntil("the first change to be reported", () => watcher.count >= 1, watcher.watch);
        await assertQuiet(watcher, 1, "one change, one report", watcher.watch);
        await writer.update(MAIN, (store) => {
          store.usageStats = { "openai:a": { cooldownUntil: 1_900_000_000_000 } };
        });
        await waitUntil("the second change to be reported", () => watcher.count >= 2, watcher.watch);
        await assertQuiet(watcher, 2, "one change, one report", watcher.watch);
      });

      it("does not fire for its own backend's update, and stops after close()", async (_state, open) => {
        const other = open();
        const own = open();
        const watcher = countChanges(own, MAIN);
        await own.update(MAIN, (store) => setProfile(store, "openai:a", apiKey("openai", KEY_A)));
        await own.update(MAIN, (store) => setProfile(store, "openai:b", apiKey("openai", KEY_B)));
        await assertQuiet(watcher, 0, "its own commits are reported by onCommitted, not by the watch", watcher.watch);
        await other.update(MAIN, (store) => delete store.profiles["openai:b"]);
        await waitUntil("another object's change to be reported", () => watcher.count === 1, watcher.watch);

        watcher.watch.close();
        await other.update(MAIN, (store) => setProfile(store, "openai:c", apiKey("openai", KEY_B)));
        await assertQuiet(watcher, 1, "a closed watch stays quiet");
        watcher.watch.check();
        assert.equal(watcher.count, 1, "check() on a closed watch reports nothing");

        // Closing the backend ends its watches too.
        const viaBackend = countChanges(own, MAIN);
        own.close();
        await other.update(MAIN, (store) => setProfile(store, "openai:d", apiKey("openai", KEY_B)));
        await assertQuiet(viaBackend, 0, "the backend's close() ended its watches");
      });
    });

    describe("agents", () => {
      if (harness.sharing === "read-through") {
        it("another agent reads the default agent's profiles through; its own profile of the same id wins", async (_state, open) => {
          const backend = open();
          await storeTwoProfilesAndOrder(backend, MAIN);
          await backend.update(WORK, (store) => {
            assert.deepEqual(Object.keys(store.profiles), [], "the change gets the agent's own store, not the merged view");
            setProfile(store, "openai:a", apiKey("openai", KEY_B));
            setProfile(store, "anthropic:w", apiKey("anthropic", KEY_B));
          });
          for (const reader of [backend, open()]) {
            const work = await reader.read(WORK);
            assert.ok(work.inherited, "the default agent's store is read through");
            assert.deepEqual(Object.keys(work.own.store.profiles).sort(), ["anthropic:w", "openai:a"], "nothing of the default agent's is copied into this one");
            assert.deepEqual(Object.keys(work.merged.profiles).sort(), ["__proto__", "anthropic:w", "openai:a"]);
            assert.equal((work.merged.profiles["openai:a"] as { key?: string }).key, KEY_B, "its own profile wins");
            assert.equal(work.isInherited("openai:a"), false);
            assert.equal(work.isInherited("anthropic:w"), false);
            assert.equal(work.isInherited("__proto__"), true);
            assert.equal(work.isInherited("constructor"), false);
            assert.deepEqual(work.merged.order, { openai: ["openai:a", "__proto__"] }, "the default agent's order is read through");

            const main = await reader.read(MAIN);
            assert.deepEqual(Object.keys(main.merged.profiles).sort(), ["__proto__", "openai:a"]);
            assert.equal((main.merged.profiles["openai:a"] as { key?: string }).key, KEY_A);
            assert.equal(main.isInherited("openai:a"), false);
          }
        });

        it("an update of the other agent changes nothing the default agent sees", async (_state, open) => {
          const { backend, mainBefore, mainWatch } = await defaultAgentWithOneProfile(open);
          await backend.update(WORK, (store) => {
            // Usage of an inherited profile is this agent's own.
            store.usageStats = { "anthropic:x": { cooldownUntil: 1_900_000_000_000 } };
            store.order = { anthropic: ["anthropic:x"] };
            setProfile(store, "openai:w", apiKey("openai", KEY_B));
          });
          assert.deepEqual((await open().read(MAIN)).merged, mainBefore);
          await assertQuiet(mainWatch, 0, "the default agent's view did not change", mainWatch.watch);
          const work = await open().read(WORK);
          assert.deepEqual(work.merged.usageStats?.["anthropic:x"], { cooldownUntil: 1_900_000_000_000 });
          assert.deepEqual(work.merged.order, { anthropic: ["anthropic:x"] });
          assert.equal(work.isInherited("anthropic:x"), true);
        });
      }

      if (harness.sharing === "shared-store") {
        it("every agent reads the shared store as its own; another agent's own profile of the same id wins in its view only", async (_state, open) => {
          const backend = open();
          await storeTwoProfilesAndOrder(backend, MAIN);
          await backend.update(WORK, (store) => {
            assert.deepEqual(Object.keys(store.profiles).sort(), ["__proto__", "openai:a"], "the change gets the shared profiles as the agent's own");
            assert.equal(store.order, undefined, "the default agent's order is its own, not shared");
            setProfile(store, "openai:a", apiKey("openai", KEY_B));
            setProfile(store, "anthropic:w", apiKey("anthropic", KEY_B));
          });
          for (const reader of [backend, open()]) {
            const work = await reader.read(WORK);
            assert.equal(work.inherited, undefined, "nothing is read through: the shared store is every agent's own");
            assert.deepEqual(work.own.store, work.merged);
            assert.deepEqual(Object.keys(work.merged.profiles).sort(), ["__proto__", "anthropic:w", "openai:a"]);
            assert.equal((work.merged.profiles["openai:a"] as { key?: string }).key, KEY_B, "its own profile wins");
            assert.equal((Object.getOwnPropertyDescriptor(work.merged.profiles, "__proto__")?.value as { key?: string }).key, KEY_A);
            for (const id of ["openai:a", "anthropic:w", "__proto__", "constructor"]) assert.equal(work.isInherited(id), false, `${id} is not inherited`);
            assert.equal(work.merged.order, undefined, "the default agent's order is not read by another agent");
            // What the agent added is kept apart from the shared store: where its own store is.
            const workPath = reader.storePath(WORK);
            assert.equal(work.own.path, workPath);
            assert.equal(work.locationOf("anthropic:w"), workPath);
            assert.equal(work.locationOf("openai:a"), workPath);

            const main = await reader.read(MAIN);
            assert.equal(main.inherited, undefined);
            assert.deepEqual(Object.keys(main.merged.profiles).sort(), ["__proto__", "openai:a"], "what the other agent added is not the default agent's");
            assert.equal((main.merged.profiles["openai:a"] as { key?: string }).key, KEY_A, "the other agent's profile of the same id does not replace the shared one");
            assert.deepEqual(main.merged.order, { openai: ["openai:a", "__proto__"] });
            assert.equal(main.isInherited("openai:a"), false);
            assert.equal(work.locationOf("__proto__"), main.locationOf("__proto__"), "both agents read the one shared store");
            assert.notEqual(main.locationOf("__proto__"), workPath);
          }
        });

        it("a credential and an order set through the other agent stay its own; usage of a shared profile follows the profile", async (_state, open) => {
          const { backend, mainBefore, mainWatch } = await defaultAgentWithOneProfile(open);
          await backend.update(WORK, (store) => {
            store.order = { anthropic: ["anthropic:x"] };
            setProfile(store, "openai:w", apiKey("openai", KEY_B));
            store.usageStats = { ...store.usageStats, "openai:w": { lastUsed: 2 } };
          });
          assert.deepEqual((await open().read(MAIN)).merged, mainBefore);
          await assertQuiet(mainWatch, 0, "the default agent's view did not change", mainWatch.watch);
          const work = await open().read(WORK);
          assert.deepEqual(work.merged.order, { anthropic: ["anthropic:x"] });
          assert.deepEqual(Object.keys(work.merged.profiles).sort(), ["anthropic:x", "openai:w"]);
          assert.deepEqual(work.merged.usageStats, { "anthropic:x": { lastUsed: 1 }, "openai:w": { lastUsed: 2 } });
          assert.equal(work.isInherited("anthropic:x"), false);
          assert.equal(work.isInherited("openai:w"), false);

          // A cooldown of the shared profile, recorded through the other agent, is the shared profile's.
          await backend.update(WORK, (store) => {
            store.usageStats = { ...store.usageStats, "anthropic:x": { cooldownUntil: 1_900_000_000_000 } };
          });
          await waitUntil("the shared profile's usage change to reach the default agent's watch", () => mainWatch.count >= 1, mainWatch.watch);
          await assertQuiet(mainWatch, 1, "one change, one report", mainWatch.watch);
          const main = await open().read(MAIN);
          assert.deepEqual(main.merged.usageStats, { "anthropic:x": { cooldownUntil: 1_900_000_000_000 } }, "the other agent's own profile's usage stays its own");
          assert.deepEqual(main.merged.order, undefined);
        });
      }

      it("a change to the default agent fires a watch on the other agent, once", async (_state, open) => {
        const writer = open();
        const workWatch = countChanges(open(), WORK);
        await writer.update(MAIN, (store) => setProfile(store, "openai:a", apiKey("openai", KEY_A)));
        await waitUntil("the default agent's change to reach the other agent's watch", () => workWatch.count >= 1, workWatch.watch);
        await assertQuiet(workWatch, 1, "one change, one report", workWatch.watch);
        await writer.update(WORK, (store) => setProfile(store, "openai:w", apiKey("openai", KEY_B)));
        await waitUntil("the agent's own store change to be reported", () => workWatch.count >= 2, workWatch.watch);
        await assertQuiet(workWatch, 2, "one change, one report", workWatch.watch);
      });
    });
  });
}
