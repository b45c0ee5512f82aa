// Refreshed tokens the store could not take (it became unreachable between the
// token request and the write): held in memory, served, never refreshed from,
// written once the store is back, and never written over newer tokens. The
// store is the real JSON-file backend behind a switch that makes every read and
// write fail as an unreachable shared state does (StateUnreachableError).
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CredentialBackend } from "../backend.ts";
import { createFileBackend } from "../file-backend.ts";
import { StateUnreachableError } from "../state-unreachable.ts";
import type { AuthStore, OAuthCredential } from "../store-schema.ts";
import { clearHeldTokensForTests, pendingTokenWrites } from "./pending-tokens.ts";
import { OAuthRefreshTransientError, refreshCredential, type NewTokens, type RefreshCall } from "./refresh.ts";
import type { RefreshLock } from "./refresh-lock.ts";

const ID = "acme:work";
const MINUTE = 60_000;
const access = (n: number) => `acme-access-${n}-0123456789abcdef`;
const refresh = (n: number) => `acme-refresh-${n}-0123456789abcdef`;

interface World {
  stateDir: string;
  backend: CredentialBackend;
  /** While true, every read and write fails as an unreachable Redis does. */
  down: boolean;
  /** The store goes down right after the token endpoint answers. */
  dieAfterToken: boolean;
  /** The store itself, whatever `down` says (another host writing). */
  files: CredentialBackend;
  stored(): Promise<OAuthCredential>;
  sent: string[];
  call: RefreshCall;
  logs: string[];
  cleanup(): Promise<void>;
}

async function world(expires: number): Promise<World> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-pending-"));
  const stateDir = join(home, ".openclaw");
  const agentDir = (id: string) => join(stateDir, "agents", id, "agent");
  const storePath = join(agentDir("main"), "auth-profiles.json");
  await mkdir(dirname(storePath), { recursive: true });
  const credential: OAuthCredential = { type: "oauth", provider: "acme", access: access(0), refresh: refresh(0), expires, email: "ann@example.com" };
  await writeFile(storePath, JSON.stringify({ version: 1, profiles: { [ID]: credential } }), { mode: 0o600 });
  const files = createFileBackend({ stateDir, env: { HOME: home }, agents: { defaultAgentId: "main", agentDir } });
  const w: World = {
    stateDir,
    down: false,
    dieAfterToken: false,
    files,
    sent: [],
    logs: [],
    backend: undefined as unknown as CredentialBackend,
    stored: async () => (JSON.parse(await readFile(storePath, "utf8")) as AuthStore).profiles[ID] as OAuthCredential,
    // A rotating token endpoint: each call issues the next pair; Redis dies right after it answers, when asked to.
    call: async (sentCredential) => {
      w.sent.push(sentCredential.refresh!);
      const n = w.sent.length;
      const tokens: NewTokens = { access: access(n), refresh: refresh(n), expires: Date.now() + 60 * MINUTE };
      if (w.dieAfterToken) w.down = true;
      return tokens;
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
  const unreachable = () => new StateUnreachableError("Cannot reach the shared state (Redis at redis://127.0.0.1:1/0): connect ECONNREFUSED");
  w.backend = {
    ...files,
    read: (agentId) => (w.down ? Promise.reject(unreachable()) : files.read(agentId)),
    update: (agentId, change, options) => (w.down ? Promise.reject(unreachable()) : files.update(agentId, change, options)),
  };
  return w;
}

const options = (w: World, extra: Partial<Parameters<typeof refreshCredential>[0]> = {}) => ({
  backend: w.backend,
  agentId: "main",
  profileId: ID,
  stateDir: w.stateDir,
  refresh: w.call,
  log: (line: string) => w.logs.push(line),
  ...extra,
});

async function until(what: string, probe: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(() => clearHeldTokensForTests());

test("the store goes away after the token request: the tokens are served from memory, nothing is refreshed again, and they are stored once it is back", async () => {
  const w = await world(Date.now() - MINUTE);
  try {
    w.dieAfterToken = true;
    const first = await refreshCredential(options(w));
    assert.equal(first.outcome, "refreshed");
    assert.equal(first.unsaved, true);
    assert.equal(first.access, access(1));
    assert.equal(pendingTokenWrites(), 1);
    w.dieAfterToken = false;

    // While it is away: every caller gets the held token, no token request, no read needed.
    const during = await Promise.all(Array.from({ length: 20 }, () => refreshCredential(options(w))));
    assert.ok(during.every((r) => r.access === access(1) && r.unsaved === true));
    // A 401 on the held token cannot be helped by a refresh now (its refresh token is not stored): transient.
    await assert.rejects(refreshCredential(options(w, { force: true, rejectedAccess: access(1) })), OAuthRefreshTransientError);
    assert.deepEqual(w.sent, [refresh(0)]);
    assert.equal((await w.stored()).refresh, refresh(0), "nothing could be written meanwhile");

    w.down = false;
    // On disk first, then forgotten in memory (the write's promise settles after the rename).
    await until("the held tokens to be stored", async () => (await w.stored()).refresh === refresh(1) && pendingTokenWrites() === 0);
    const stored = await w.stored();
    assert.equal(stored.access, access(1));
    assert.equal(stored.email, "ann@example.com", "the other fields are kept");
    const after = await refreshCredential(options(w));
    assert.equal(after.outcome, "fresh");
    assert.equal(after.unsaved, undefined);
    assert.deepEqual(w.sent, [refresh(0)], "one token request in all");
    assert.equal(w.logs.length, 2, w.logs.join("\n"));
    assert.match(w.logs[0]!, /could not be stored .* serving them from memory/);
    assert.match(w.logs[1]!, /stored now/);
    for (const line of w.logs) for (const secret of [access(0), access(1), refresh(0), refresh(1)]) assert.ok(!line.includes(secret), line);
  } finally {
    await w.cleanup();
  }
});

test("held tokens are not written over newer ones stored meanwhile (another host, a new login): those are used", async () => {
  const w = await world(Date.now() - MINUTE);
  try {
    w.dieAfterToken = true;
    await refreshCredential(options(w));
    w.dieAfterToken = false;
    assert.equal(pendingTokenWrites(), 1);
    // A newer login reaches the store before ours can land.
    const other: OAuthCredential = { type: "oauth", provider: "acme", access: "acme-access-other-0123456789", refresh: "acme-refresh-other-0123456789", expires: Date.now() + 60 * MINUTE };
    await w.files.update("main", (store) => {
      store.profiles[ID] = other;
    });
    w.down = false;
    await until("the held tokens to be settled", async () => pendingTokenWrites() === 0);
    assert.equal((await w.stored()).refresh, other.refresh, "the newer login stays");
    const used = await refreshCredential(options(w));
    assert.equal(used.access, other.access);
    assert.deepEqual(w.sent, [refresh(0)]);
    assert.match(w.logs.at(-1)!, /not stored: the store holds newer ones/);
  } finally {
    await w.cleanup();
  }
});

test("held tokens that expired before the store came back: no refresh (their refresh token is not stored), a transient error", async () => {
  const w = await world(Date.now() - MINUTE);
  try {
    let clock = Date.now();
    w.dieAfterToken = true;
    await refreshCredential(options(w, { now: () => clock }));
    w.dieAfterToken = false;
    clock += 2 * 60 * MINUTE;
    await assert.rejects(refreshCredential(options(w, { now: () => clock })), OAuthRefreshTransientError);
    assert.deepEqual(w.sent, [refresh(0)]);
    // Back: stored first, then refreshed with the stored (held) refresh token, once.
    w.down = false;
    const next = await refreshCredential(options(w, { now: () => clock }));
    assert.equal(next.outcome, "refreshed");
    assert.deepEqual(w.sent, [refresh(0), refresh(1)], "each refresh token sent once");
    assert.equal((await w.stored()).refresh, refresh(2));
  } finally {
    await w.cleanup();
  }
});

test("another host refreshes with the spent refresh token while ours are held: refused, it waits for our write and adopts it instead of disabling the login", async () => {
  const w = await world(Date.now() - MINUTE);
  try {
    w.dieAfterToken = true;
    await refreshCredential(options(w));
    w.dieAfterToken = false;
    // Host B: its own state dir, the store reachable, a fenced lease (a shared state), and a token
    // endpoint that refuses the spent refresh token, as a rotating provider does.
    const otherDir = join(w.stateDir, "..", "host-b");
    let bSent = 0;
    const spent: RefreshCall = async () => {
      bSent++;
      throw Object.assign(new Error("refresh token reused"), { code: "invalid_grant" });
    };
    const lock: RefreshLock = { leaseMs: 12_000, withLock: (fn) => fn({ fence: 7, stillHeld: async () => true }) };
    setTimeout(() => (w.down = false), 300).unref();
    const b = await refreshCredential({ backend: w.files, agentId: "main", profileId: ID, stateDir: otherDir, refresh: spent, lock });
    assert.equal(bSent, 1);
    assert.equal(b.outcome, "adopted");
    assert.equal(b.access, access(1));
    const store = JSON.parse(await readFile(join(w.stateDir, "agents", "main", "agent", "auth-profiles.json"), "utf8")) as AuthStore;
    assert.equal(store.usageStats?.[ID]?.disabledReason, undefined, "the login is not disabled");
    assert.equal((store.profiles[ID] as OAuthCredential).refresh, refresh(1));
  } finally {
    await w.cleanup();
  }
});

test("a write refused for another reason (a read-only replica, a full disk): the tokens are held and stored later, never dropped", async () => {
  const w = await world(Date.now() - MINUTE);
  try {
    let refusals = 2;
    const files = w.backend;
    w.backend = {
      ...files,
      update: (agentId, change, opts) => (refusals-- > 0 ? Promise.reject(new Error("READONLY You can't write against a read only replica.")) : files.update(agentId, change, opts)),
    };
    const first = await refreshCredential(options(w));
    assert.equal(first.outcome, "refreshed");
    assert.equal(first.access, access(1));
    assert.equal(first.unsaved, true);
    await until("the held tokens to be stored", async () => (await w.stored()).refresh === refresh(1), 15_000);
    assert.deepEqual(w.sent, [refresh(0)], "one token request in all");
  } finally {
    await w.cleanup();
  }
});
