// Where a change to an agent's merged view lands in OpenClaw 2026.9's two
// stores (applySplit), and how one store is read from and cut into its two rows
// (readStoreRows, storeDocuments).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AuthStore } from "./store-schema.ts";
import { applySplit, mergedView, readStoreRows, storeDocuments, type SplitStores } from "./store-split.ts";

const PATH = "/home/u/.openclaw/state/openclaw.sqlite";
const KEY_A = "sk-split-keyA-0123456789abcdef0123";
const KEY_B = "sk-split-keyB-0123456789abcdef0123";

type Profile = AuthStore["profiles"][string];
const apiKey = (provider: string, key: string): Profile => ({ type: "api_key", provider, key });

function store(sections: Partial<AuthStore> & Record<string, unknown> = {}): AuthStore {
  return { version: 1, profiles: {}, ...sections } as AuthStore;
}

/** Runs `change` on the merged view of `stores` as the backend does, and applies it; returns the stores. */
function change(stores: SplitStores, edit: (view: AuthStore) => void, credentialsToOwn: boolean): SplitStores {
  const before = mergedView(stores);
  const after = structuredClone(before);
  edit(after);
  applySplit(stores, before, after, { credentialsToOwn });
  return stores;
}

describe("applySplit", () => {
  test("a credential added for the default agent goes to the shared store, for another agent to its own", () => {
    const asDefault = change({ shared: store(), own: store() }, (view) => (view.profiles["openai:a"] = apiKey("openai", KEY_A)), false);
    assert.deepEqual(asDefault.shared.profiles, { "openai:a": apiKey("openai", KEY_A) });
    assert.deepEqual(asDefault.own!.profiles, {});

    const asOther = change({ shared: store(), own: store() }, (view) => (view.profiles["openai:a"] = apiKey("openai", KEY_A)), true);
    assert.deepEqual(asOther.shared.profiles, {});
    assert.deepEqual(asOther.own!.profiles, { "openai:a": apiKey("openai", KEY_A) });

    // Without an own store (the default agent's database is missing) everything is the shared store's.
    const alone = change({ shared: store(), own: undefined }, (view) => (view.profiles["openai:a"] = apiKey("openai", KEY_A)), true);
    assert.deepEqual(alone.shared.profiles, { "openai:a": apiKey("openai", KEY_A) });
  });

  test("a replaced credential stays in the agent's own store when it is there; a default-agent replacement moves it to shared", () => {
    const other = change(
      { shared: store({ profiles: { "openai:a": apiKey("openai", KEY_A) } }), own: store({ profiles: { "openai:a": apiKey("openai", KEY_B) } }) },
      (view) => (view.profiles["openai:a"] = apiKey("openai", "sk-split-new-0123456789")),
      true,
    );
    assert.deepEqual(other.shared.profiles["openai:a"], apiKey("openai", KEY_A), "the shared one is left alone");
    assert.deepEqual(other.own!.profiles["openai:a"], apiKey("openai", "sk-split-new-0123456789"));

    // A credential of the shared store replaced through another agent becomes that agent's own.
    const shadowed = change({ shared: store({ profiles: { "openai:a": apiKey("openai", KEY_A) } }), own: store() }, (view) => (view.profiles["openai:a"] = apiKey("openai", KEY_B)), true);
    assert.deepEqual(shadowed.shared.profiles["openai:a"], apiKey("openai", KEY_A));
    assert.deepEqual(shadowed.own!.profiles["openai:a"], apiKey("openai", KEY_B));
  });

  test("removing a profile: the default agent's removal clears both stores; another agent's removes only its own entry", () => {
    const start = (): SplitStores => ({
      shared: store({ profiles: { "openai:a": apiKey("openai", KEY_A), "openai:b": apiKey("openai", KEY_B) }, usageStats: { "openai:a": { lastUsed: 1 }, "openai:b": { lastUsed: 2 } } }),
      own: store({ profiles: { "openai:a": apiKey("openai", KEY_B) }, usageStats: { "openai:a": { errorCount: 3 } } }),
    });
    const remove = (view: AuthStore) => {
      delete view.profiles["openai:a"];
      delete view.usageStats!["openai:a"];
    };
    const byDefault = change(start(), remove, false);
    assert.deepEqual(byDefault.shared.profiles, { "openai:b": apiKey("openai", KEY_B) });
    assert.deepEqual(byDefault.shared.usageStats, { "openai:b": { lastUsed: 2 } });
    assert.deepEqual(byDefault.own!.profiles, {});
    assert.equal(byDefault.own!.usageStats, undefined, "an emptied section is gone, not `{}`");
    assert.deepEqual(mergedView(byDefault).profiles, { "openai:b": apiKey("openai", KEY_B) });

    // Another agent's logout never takes the default agent's credential with it.
    const byOther = change(start(), remove, true);
    assert.deepEqual(byOther.own!.profiles, {});
    assert.equal(byOther.own!.usageStats, undefined);
    assert.deepEqual(byOther.shared.profiles["openai:a"], apiKey("openai", KEY_A), "the shared credential stays");
    assert.deepEqual(byOther.shared.usageStats, { "openai:a": { lastUsed: 1 }, "openai:b": { lastUsed: 2 } });

    // A shared profile removed through another agent (it has no copy of its own) leaves the shared store.
    const sharedOnly = change({ shared: store({ profiles: { "openai:s": apiKey("openai", KEY_A) } }), own: store() }, (view) => delete view.profiles["openai:s"], true);
    assert.deepEqual(sharedOnly.shared.profiles, {});
  });

  test("a usage change lands where the profile lives, for either agent", () => {
    const start = (): SplitStores => ({
      shared: store({ profiles: { "openai:s": apiKey("openai", KEY_A) }, usageStats: { "openai:s": { lastUsed: 1 } } }),
      own: store({ profiles: { "openai:o": apiKey("openai", KEY_B) } }),
    });
    for (const credentialsToOwn of [false, true]) {
      const stores = change(
        start(),
        (view) => {
          view.usageStats = { "openai:s": { cooldownUntil: 5 }, "openai:o": { lastUsed: 6 } };
          view.lastGood = { openai: "openai:o", anthropic: "openai:s" };
        },
        credentialsToOwn,
      );
      assert.deepEqual(stores.shared.usageStats, { "openai:s": { cooldownUntil: 5 } });
      assert.deepEqual(stores.own!.usageStats, { "openai:o": { lastUsed: 6 } });
      assert.deepEqual(stores.shared.lastGood, { anthropic: "openai:s" }, "lastGood follows the profile it names");
      assert.deepEqual(stores.own!.lastGood, { openai: "openai:o" });
    }
  });

  test("order lands in the agent's own store, for the default agent too", () => {
    for (const credentialsToOwn of [false, true]) {
      const stores = change(
        { shared: store({ profiles: { "openai:a": apiKey("openai", KEY_A) }, order: { anthropic: ["x"] } }), own: store() },
        (view) => (view.order = { ...view.order, openai: ["openai:a"] }),
        credentialsToOwn,
      );
      assert.deepEqual(stores.own!.order, { openai: ["openai:a"] });
      assert.deepEqual(stores.shared.order, { anthropic: ["x"] }, "untouched entries stay where they are");
    }
  });

  test("__proto__ and constructor are ordinary ids", () => {
    const stores = change(
      { shared: store(), own: store() },
      (view) => {
        Object.defineProperty(view.profiles, "__proto__", { value: apiKey("openai", KEY_A), enumerable: true, writable: true, configurable: true });
        view.usageStats = JSON.parse(`{"__proto__":{"lastUsed":1},"constructor":{"lastUsed":2}}`) as AuthStore["usageStats"];
      },
      true,
    );
    assert.deepEqual(Object.keys(stores.own!.profiles), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(stores.own!.profiles), Object.prototype);
    assert.deepEqual(Object.keys(stores.own!.usageStats!), ["__proto__"]);
    assert.deepEqual(Object.keys(stores.shared.usageStats!), ["constructor"], "usage of no stored profile goes to the shared store");
  });
});

describe("readStoreRows and storeDocuments", () => {
  test("a store's two documents: compact JSON, {\"version\":1,\"profiles\":…} first, the state in 2026.9's key order", () => {
    const docs = storeDocuments(
      store({ profiles: { "openai:a": apiKey("openai", KEY_A) }, usageStats: { "openai:a": { lastUsed: 1 } }, lastGood: { openai: "openai:a" }, order: { openai: ["openai:a"] } }),
      {},
    );
    assert.equal(docs.credentials, `{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"${KEY_A}"}}}`);
    assert.equal(docs.state, `{"version":1,"order":{"openai":["openai:a"]},"lastGood":{"openai":"openai:a"},"usageStats":{"openai:a":{"lastUsed":1}}}`);
  });

  test("an empty state yields state: undefined (the row is deleted)", () => {
    assert.deepEqual(storeDocuments(store({ profiles: { "openai:a": apiKey("openai", KEY_A) } }), {}), {
      credentials: `{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"${KEY_A}"}}}`,
      state: undefined,
    });
    assert.equal(storeDocuments(store({ order: {}, lastGood: {}, usageStats: {} }), {}).state, undefined, "empty sections are no state");
    assert.equal(storeDocuments(store(), {}).credentials, `{"version":1,"profiles":{}}`);
  });

  test("unknown fields in both documents survive a read and a write", async () => {
    const rows = {
      credentials: `{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"${KEY_A}","addedIn2027":true}},"futureTop":[1]}`,
      state: `{"version":1,"usageStats":{"openai:a":{"lastUsed":1,"streak":7}},"futureState":{"x":1}}`,
    };
    const { store: read, stateExtras } = await readStoreRows(PATH, rows);
    assert.deepEqual(stateExtras, { futureState: { x: 1 } });
    assert.equal((read as Record<string, unknown>).futureTop !== undefined, true);
    read.profiles["openai:b"] = apiKey("openai", KEY_B);
    const docs = storeDocuments(read, stateExtras);
    assert.deepEqual(JSON.parse(docs.credentials), {
      version: 1,
      profiles: { "openai:a": { type: "api_key", provider: "openai", key: KEY_A, addedIn2027: true }, "openai:b": apiKey("openai", KEY_B) },
      futureTop: [1],
    });
    assert.deepEqual(JSON.parse(docs.state!), { version: 1, usageStats: { "openai:a": { lastUsed: 1, streak: 7 } }, futureState: { x: 1 } });
  });

  test("state inside the credentials document (older payloads) is read, loses to the state row per entry, and moves to the state document on write", async () => {
    const { store: read, stateExtras } = await readStoreRows(PATH, {
      credentials: `{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"${KEY_A}"}},"order":{"openai":["openai:a"],"anthropic":["old"]}}`,
      state: `{"version":1,"order":{"anthropic":["new"]}}`,
    });
    assert.deepEqual(read.order, { openai: ["openai:a"], anthropic: ["new"] });
    const docs = storeDocuments(read, stateExtras);
    assert.equal(docs.credentials, `{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"${KEY_A}"}}}`);
    assert.deepEqual(JSON.parse(docs.state!), { version: 1, order: { openai: ["openai:a"], anthropic: ["new"] } });

    // With no state row at all, the embedded state is still the store's.
    const alone = await readStoreRows(PATH, { credentials: `{"version":1,"profiles":{},"lastGood":{"openai":"openai:a"}}`, state: undefined });
    assert.deepEqual(alone.store.lastGood, { openai: "openai:a" });
    assert.equal(storeDocuments(alone.store, alone.stateExtras).state, `{"version":1,"lastGood":{"openai":"openai:a"}}`);
  });

  test("missing rows read as an empty store; broken rows are errors that name the database", async () => {
    const empty = await readStoreRows(PATH, { credentials: undefined, state: undefined });
    assert.deepEqual(empty.store.profiles, {});
    await assert.rejects(readStoreRows(PATH, { credentials: "{ not json", state: undefined }), (error: Error) => error.message.includes(PATH));
    await assert.rejects(readStoreRows(PATH, { credentials: undefined, state: "[1]" }), (error: Error) => error.message.includes(PATH));
  });
});
