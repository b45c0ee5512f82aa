// The gateway's live state in-process, where the order of events can be set
// exactly: a usage record and a credential change racing, and the gateway's
// memory against the file it writes.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFailure, recordSuccess } from "../auth/cooldown.ts";
import { credentialFingerprint } from "../auth/fingerprint.ts";
import { profileAvailability } from "../auth/cooldown.ts";
import { resolveProvider } from "../providers/registry.ts";
import { credentialPlan } from "./candidates.ts";
import { LiveState, type UsageChange } from "./live-state.ts";

const KEY_OLD = "sk-ant-api03-" + "o".repeat(40) + "-old-" + "1".repeat(40);
const KEY_NEW = "sk-ant-api03-" + "n".repeat(40) + "-new-" + "2".repeat(40);
const OPUS = "claude-opus-4-6";
const PROFILE = "anthropic:default";

interface Home {
  env: Record<string, string>;
  storePath: string;
  cleanup(): void;
}

let opened: { state?: LiveState; home: Home }[] = [];
afterEach(() => {
  for (const { state, home } of opened) {
    state?.close();
    home.cleanup();
  }
  opened = [];
});

function makeHome(store: object): Home {
  const root = mkdtempSync(join(tmpdir(), "openclaw-live-state-"));
  const stateDir = join(root, ".openclaw");
  const agentDir = join(stateDir, "agents", "main", "agent");
  mkdirSync(agentDir, { recursive: true });
  const storePath = join(agentDir, "auth-profiles.json");
  writeFileSync(storePath, JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } }));
  return { env: { HOME: root, OPENCLAW_STATE_DIR: stateDir }, storePath, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

async function start(store: object, testHooks?: { beforeRecordingWrite?: () => void }, extra: { maxQueuedUsage?: number; log?: (line: string) => void } = {}): Promise<{ state: LiveState; home: Home }> {
  const home = makeHome(store);
  // No background flush: the test decides when usage reaches the file.
  const state = await LiveState.start({ env: home.env, cwd: home.env.HOME!, flushDelayMs: 3_600_000, ...(testHooks ? { testHooks } : {}), ...extra });
  opened.push({ state, home });
  return { state, home };
}

const apiKey = (key: string) => ({ type: "api_key", provider: "anthropic", key });
const readStore = (home: Home) => JSON.parse(readFileSync(home.storePath, "utf8"));

/** The change a request through `profileId` records, tied to the credential the snapshot held. */
function usageFor(state: LiveState, apply: (store: Parameters<UsageChange["apply"]>[0]) => void, kind: UsageChange["kind"] = "failure"): UsageChange {
  const credential = state.latest().view.merged.profiles[PROFILE]!;
  return { profileId: PROFILE, fingerprint: credentialFingerprint(credential), provider: "anthropic", kind, model: OPUS, apply };
}

const revoked = (now: number) => (store: Parameters<UsageChange["apply"]>[0]) => recordFailure(store, { profileId: PROFILE, provider: "anthropic", reason: "auth_permanent", model: OPUS, now });
const served = (now: number) => (store: Parameters<UsageChange["apply"]>[0]) => recordSuccess(store, { profileId: PROFILE, provider: "anthropic", model: OPUS, now });

/** Serves requests until the state has picked up the file (the watch event arrives asynchronously). */
async function reloaded(state: LiveState, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!ready()) {
    if (Date.now() > deadline) assert.fail("the live state never reloaded the changed store");
    await state.current();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("a credential change wins over usage still waiting to be written", () => {
  test("a key revoked upstream and replaced at once: the replacement is not disabled, in memory or on disk", async () => {
    const now = Date.now();
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) } });
    state.recordUsage(usageFor(state, revoked(now)));
    assert.equal(profileAvailability(state.latest().view.merged, PROFILE, "anthropic", OPUS, now).usable, false, "the revoked key is disabled at once");

    // `paste-api-key` writes the new key while the disable is still pending.
    writeFileSync(home.storePath, JSON.stringify({ version: 1, profiles: { [PROFILE]: apiKey(KEY_NEW) } }));
    await reloaded(state, () => state.latest().view.merged.profiles[PROFILE]?.type === "api_key" && (state.latest().view.merged.profiles[PROFILE] as { key?: string }).key === KEY_NEW);
    assert.equal(profileAvailability(state.latest().view.merged, PROFILE, "anthropic", OPUS, now).usable, true, "the new key is usable");

    await state.flush();
    const store = readStore(home);
    assert.equal(store.profiles[PROFILE].key, KEY_NEW);
    assert.equal(store.usageStats?.[PROFILE]?.disabledUntil, undefined, "the old key's disable did not land on the new key");
    assert.equal(state.usageStatus().pending, 0);
  });

  test("usage for a credential replaced before the request finished is not recorded at all", async () => {
    const now = Date.now();
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) } });
    const inFlight = usageFor(state, revoked(now)); // the request began with the old key
    writeFileSync(home.storePath, JSON.stringify({ version: 1, profiles: { [PROFILE]: apiKey(KEY_NEW) } }));
    await reloaded(state, () => (state.latest().view.merged.profiles[PROFILE] as { key?: string }).key === KEY_NEW);
    state.recordUsage(inFlight);
    assert.equal(profileAvailability(state.latest().view.merged, PROFILE, "anthropic", OPUS, now).usable, true);
    assert.equal(state.usageStatus().pending, 0, "nothing to write");
  });

  test("after logout, pending usage does not re-create usageStats or lastGood", async () => {
    const now = Date.now();
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD), "anthropic:other": apiKey(KEY_NEW) } });
    state.recordUsage(usageFor(state, served(now), "success"));
    writeFileSync(home.storePath, JSON.stringify({ version: 1, profiles: { "anthropic:other": apiKey(KEY_NEW) } }));
    await reloaded(state, () => state.latest().view.merged.profiles[PROFILE] === undefined);
    await state.flush();
    const store = readStore(home);
    assert.deepEqual(Object.keys(store.profiles), ["anthropic:other"]);
    assert.equal(store.usageStats?.[PROFILE], undefined);
    assert.equal(store.lastGood?.anthropic, undefined);
  });

  test("usage for the same credential still reaches the file across a reload", async () => {
    const now = Date.now();
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) } });
    state.recordUsage(usageFor(state, served(now), "success"));
    // Someone else rewrites the store without changing this credential.
    writeFileSync(home.storePath, JSON.stringify({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD), "anthropic:other": apiKey(KEY_NEW) } }));
    await reloaded(state, () => state.latest().view.merged.profiles["anthropic:other"] !== undefined);
    await state.flush();
    const store = readStore(home);
    assert.equal(store.usageStats[PROFILE].lastUsed, now);
    assert.equal(store.lastGood.anthropic, PROFILE);
    assert.ok(store.profiles["anthropic:other"], "the other writer's profile survives");
  });
});

describe("cooldowns agree between memory and file", () => {
  test("planning leaves the snapshot alone; a failure after an expired window is the first step of the ladder in both", async () => {
    const now = Date.now();
    const expired = { cooldownUntil: now - 1_000, errorCount: 1, failureCounts: { auth: 1 }, lastFailureAt: now - 61_000 };
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) }, usageStats: { [PROFILE]: expired } });
    const snapshot = await state.current();
    const before = JSON.stringify(snapshot.view.merged);
    const plan = credentialPlan(snapshot, resolveProvider(snapshot.ctx.config, "anthropic")!, { provider: "anthropic", model: OPUS }, now, () => true);
    assert.deepEqual(plan.usable.map((choice) => choice.profileId), [PROFILE], "an expired window is over for planning");
    assert.equal(JSON.stringify(snapshot.view.merged), before, "planning changed nothing");

    state.recordUsage(usageFor(state, (store) => recordFailure(store, { profileId: PROFILE, provider: "anthropic", reason: "auth", now })));
    const inMemory = state.latest().view.merged.usageStats![PROFILE]!;
    assert.equal(inMemory.errorCount, 1);
    assert.equal(inMemory.cooldownUntil, now + 60_000, "1 min: the first step again");

    await state.flush();
    const onDisk = readStore(home).usageStats[PROFILE];
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(state.latest().view.merged.usageStats![PROFILE])), "memory and file agree");
    assert.equal(onDisk.errorCount, 1);
    assert.equal(onDisk.cooldownUntil, now + 60_000);
  });
});

describe("a hand edit is never mistaken for the gateway's own write", () => {
  test("an edit that lands between the usage write's rename and the bookkeeping is served", async () => {
    const now = Date.now();
    let handEdit: (() => void) | undefined;
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) } }, { beforeRecordingWrite: () => handEdit?.() });
    state.recordUsage(usageFor(state, served(now), "success"));
    // The editor saves exactly inside the window (the injected delay makes the race certain, not lucky).
    handEdit = () => writeFileSync(home.storePath, JSON.stringify({ version: 1, profiles: { [PROFILE]: apiKey(KEY_NEW), "anthropic:added": apiKey(KEY_OLD) } }, null, 2));
    await state.flush();
    handEdit = undefined;
    await reloaded(state, () => (state.latest().view.merged.profiles[PROFILE] as { key?: string }).key === KEY_NEW);
    assert.ok(state.latest().view.merged.profiles["anthropic:added"], "the edited store is what the gateway serves");
    assert.deepEqual(state.problems(), []);
  });
});

describe("usage waiting to be written stays small under load", () => {
  const success = (profileId: string, model: string, now: number): UsageChange => ({
    profileId,
    fingerprint: credentialFingerprint(apiKey(profileId === PROFILE ? KEY_OLD : KEY_NEW) as never),
    provider: "anthropic",
    kind: "success",
    model,
    apply: (store) => recordSuccess(store, { profileId, provider: "anthropic", model, now }),
  });

  test("a run of successes of one credential and model waits as one change, and the file gets the latest", async () => {
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD), "anthropic:other": apiKey(KEY_NEW) } });
    const start0 = Date.now();
    for (let i = 0; i < 100; i++) state.recordUsage(success(PROFILE, OPUS, start0 + i));
    assert.equal(state.usageStatus().pending, 1);
    // Another model, another profile, a failure in between: each keeps its own place.
    state.recordUsage(success(PROFILE, "claude-sonnet-4-5", start0 + 100));
    state.recordUsage(success("anthropic:other", OPUS, start0 + 101));
    state.recordUsage(success(PROFILE, OPUS, start0 + 102));
    assert.equal(state.usageStatus().pending, 4, "after another profile's success, the provider's lastGood must move back: not folded");
    state.recordUsage(usageFor(state, revoked(start0 + 103)));
    state.recordUsage(success(PROFILE, OPUS, start0 + 104));
    assert.equal(state.usageStatus().pending, 6, "a success after a failure is not folded into the one before the failure");
    await state.flush();
    const store = readStore(home);
    assert.equal(store.usageStats[PROFILE].lastUsed, start0 + 104);
    assert.equal(store.usageStats[PROFILE].errorCount, 0);
    assert.equal(store.lastGood.anthropic, PROFILE);
    assert.equal(store.usageStats["anthropic:other"].lastUsed, start0 + 101);
  });
});

describe("usage waiting for an unreachable store is bounded", () => {
  test("past the bound the oldest changes go, with one warning; the next save says how many went", async () => {
    const lines: string[] = [];
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) } }, undefined, { maxQueuedUsage: 3, log: (line) => lines.push(line) });
    const t0 = Date.now();
    // Failures and successes alternate, so none is folded into another.
    for (let i = 0; i < 6; i++) state.recordUsage(usageFor(state, i % 2 === 0 ? revoked(t0 + i) : served(t0 + i), i % 2 === 0 ? "failure" : "success"));
    assert.equal(state.usageStatus().pending, 3);
    assert.equal(state.usageStatus().dropped, 3);
    assert.equal(lines.filter((line) => line.startsWith("warning:")).length, 1, lines.join("\n"));
    await state.flush();
    assert.equal(readStore(home).usageStats[PROFILE].lastUsed, t0 + 5, "the newest changes are the ones kept");
    assert.equal(state.usageStatus().dropped, undefined);
    assert.match(lines.at(-1)!, /3 older usage changes were dropped/);
  });

  test("a success replayed late never moves lastUsed back", () => {
    const store = { version: 1, profiles: { [PROFILE]: apiKey(KEY_OLD) }, usageStats: { [PROFILE]: { lastUsed: 2_000 } } } as never;
    recordSuccess(store, { profileId: PROFILE, provider: "anthropic", model: OPUS, now: 1_000 });
    assert.equal((store as { usageStats: Record<string, { lastUsed: number }> }).usageStats[PROFILE]!.lastUsed, 2_000);
  });
});

describe("refreshBackend: what an OAuth refresh writes", () => {
  test("is served at once, without a watch event or a reload; the file holds it too", async () => {
    const { state, home } = await start({ version: 1, profiles: { [PROFILE]: { type: "oauth", provider: "anthropic", access: "old-access-0123456789", refresh: "old-refresh-0123456789", expires: 1 } } });
    const before = state.latest();
    await state.refreshBackend().update(before.agent.id, (store) => {
      store.profiles[PROFILE] = { type: "oauth", provider: "anthropic", access: "new-access-0123456789", refresh: "new-refresh-0123456789", expires: Date.now() + 3_600_000 };
    });
    const served = state.latest().view.merged.profiles[PROFILE];
    assert.equal(served?.type === "oauth" && served.access, "new-access-0123456789");
    assert.equal(state.latest().ctx, before.ctx, "the same loaded state: the store was adopted, not reloaded");
    assert.equal(readStore(home).profiles[PROFILE].access, "new-access-0123456789");
    assert.equal(state.refreshBackend(), state.refreshBackend(), "one wrapper per backend");
  });
});
