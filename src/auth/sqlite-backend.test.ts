// What only the SQLite backend can show, on a copy of a state made by the real
// OpenClaw 2026.9.6 (4 profiles in the state database's shared store, the
// anthropic order in the main agent's database): which rows a write touches,
// the journal mode and the busy timeout OpenClaw chose, and the legacy files
// 2026.9 refuses to run beside.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { CredentialBackend } from "./backend.ts";
import { openSqliteBackend } from "./sqlite-backend.ts";
import type { AuthStore } from "./store-schema.ts";
import { FIXTURE_2026_9_HOME, withDb } from "../../test/helpers/fixture-2026-9.ts";

const FIXTURE = join(FIXTURE_2026_9_HOME, ".openclaw");
const FIXTURE_PROFILES = ["anthropic:default", "anthropic:work", "openai:manual", "openrouter:manual"];
const FIXTURE_ORDER = { anthropic: ["anthropic:work", "anthropic:default"] };
const KEY = "sk-proj-sqliteBackendTest0123456789abcdef";
const LEGACY_STORE = `{"version":1,"profiles":{"x:y":{"type":"api_key","provider":"openai","key":"sk-test"}}}`;

interface Fixture {
  home: string;
  stateDir: string;
  stateDb: string;
  mainDir: string;
  mainDb: string;
  open(): CredentialBackend;
}

async function makeWritable(path: string): Promise<void> {
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      await chmod(full, 0o700);
      await makeWritable(full);
    } else await chmod(full, 0o600);
  }
}

/** A copy of the fixture at a temp home, its config's /home/alice paths pointing at the copy; removed after `body`. */
async function withFixture(body: (fixture: Fixture) => Promise<void>): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-sqlite-backend-"));
  const opened: CredentialBackend[] = [];
  try {
    const stateDir = join(home, ".openclaw");
    await cp(FIXTURE, stateDir, { recursive: true });
    await chmod(stateDir, 0o700);
    await makeWritable(stateDir);
    const configPath = join(stateDir, "openclaw.json");
    await writeFile(configPath, (await readFile(configPath, "utf8")).replaceAll("/home/alice", home));
    const mainDir = join(stateDir, "agents", "main", "agent");
    const agentDir = (agentId: string) => join(stateDir, "agents", agentId, "agent");
    const stateDb = join(stateDir, "state", "openclaw.sqlite");
    await body({
      home,
      stateDir,
      stateDb,
      mainDir,
      mainDb: join(mainDir, "openclaw-agent.sqlite"),
      open() {
        const backend = openSqliteBackend({ stateDir, databasePath: stateDb, agents: { defaultAgentId: "main", agentDir } });
        assert.ok(backend, "the fixture is a 2026.9 state");
        opened.push(backend);
        return backend;
      },
    });
  } finally {
    for (const backend of opened) backend.close();
    await rm(home, { recursive: true, force: true });
  }
}


/** Rows kept one per key, compared row by row; every other table as a whole. */
const KEYED: Record<string, string> = { config_machine_state: "state_key", auth_profile_store: "store_key", auth_profile_state: "state_key" };

/** Every row of every (non-virtual) table of a database, by `table` or `table/key`. */
function snapshot(path: string): Map<string, string> {
  return withDb(path, (db) => {
    const out = new Map<string, string>();
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`).all() as { name: string }[];
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
      const keyColumn = KEYED[name];
      if (keyColumn) for (const row of rows) out.set(`${name}/${String(row[keyColumn])}`, JSON.stringify(row));
      else out.set(name, JSON.stringify(rows));
    }
    return out;
  });
}

/** The entries of two snapshots that differ (changed, added or removed). */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key)).sort();
}

function machineRow(db: Database.Database, key: string): string | undefined {
  return (db.prepare(`SELECT value_json FROM config_machine_state WHERE state_key = ?`).get(key) as { value_json: string } | undefined)?.value_json;
}

function count(path: string, table: string): number {
  return withDb(path, (db) => (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n);
}

function legacyJsonFiles(stateDir: string): string[] {
  return (readdirSync(stateDir, { recursive: true }) as string[]).filter((path) => path.endsWith("auth-profiles.json"));
}

function addProfile(id: string): (store: AuthStore) => void {
  return (store) => {
    store.profiles[id] = { type: "api_key", provider: "openai", key: KEY };
  };
}

test("sqlite: the fixture reads as its 4 profiles and the anthropic order; the main agent's store is its database", () =>
  withFixture(async ({ open, mainDb }) => {
    const backend = open();
    assert.equal(backend.era, "sqlite");
    assert.equal(backend.storePath("main"), mainDb, "2026.9 shows the agent database once it has a credentials row");
    const view = await backend.read("main");
    assert.deepEqual(Object.keys(view.merged.profiles).sort(), FIXTURE_PROFILES);
    assert.deepEqual(view.merged.order, FIXTURE_ORDER);
    assert.equal(view.inherited, undefined);
    assert.equal(view.own.exists, true);
    assert.equal(view.own.path, mainDb);
    assert.equal(view.merged.profiles["openai:manual"]?.type, "api_key");
  }));

test("sqlite: an update writes only the rows it must; other rows, tables and config.lastTouchedAt are untouched", () =>
  withFixture(async ({ open, stateDb, mainDb, stateDir }) => {
    const backend = open();
    const counts = () => ({ workspace: count(stateDb, "workspace_setup_state"), health: count(stateDb, "config_health_entries"), agents: count(stateDb, "agent_databases") });
    const countsBefore = counts();
    const lastTouched = withDb(stateDb, (db) => db.prepare(`SELECT * FROM config_machine_state WHERE state_key = 'config.lastTouchedAt'`).get());

    const step = async (what: string, change: (store: AuthStore) => void, expected: string[]) => {
      const before = { state: snapshot(stateDb), agent: snapshot(mainDb) };
      await new Promise((resolve) => setTimeout(resolve, 5)); // a rewritten row would get a new time
      await backend.update("main", change);
      const after = { state: snapshot(stateDb), agent: snapshot(mainDb) };
      const diff = [...changed(before.state, after.state).map((key) => `state:${key}`), ...changed(before.agent, after.agent).map((key) => `agent:${key}`)];
      assert.deepEqual(diff, expected, what);
    };
    // Usage of a shared profile: the shared store's state row (there was none).
    await step("usage", (store) => void (store.usageStats = { "anthropic:default": { lastUsed: 1_800_000_000_000 } }), ["state:config_machine_state/authProfiles.state"]);
    // The order: the agent's own state row.
    await step("order", (store) => void (store.order = { ...store.order, openai: ["openai:manual"] }), ["agent:auth_profile_state/primary"]);
    // A credential of the default agent: the shared credentials row.
    await step("credential", addProfile("openai:added"), ["state:config_machine_state/authProfiles.store"]);
    // Nothing changed: nothing written.
    await step("no change", () => undefined, []);

    assert.deepEqual(counts(), countsBefore);
    assert.deepEqual(
      withDb(stateDb, (db) => db.prepare(`SELECT * FROM config_machine_state WHERE state_key = 'config.lastTouchedAt'`).get()),
      lastTouched,
    );
    const stored = withDb(stateDb, (db) => machineRow(db, "authProfiles.store"));
    assert.match(stored!, /^\{"version":1,"profiles":\{"anthropic:default":/, "compact, as 2026.9 writes it, ids in their order");
    assert.ok(stored!.endsWith(`"openai:added":{"type":"api_key","provider":"openai","key":"${KEY}"}}}`), "a new id is appended");
    assert.deepEqual(legacyJsonFiles(stateDir), [], "no auth-profiles.json is ever created");
  }));

test("sqlite: a WAL database stays WAL, and a write another open connection left in the -wal file is seen", () =>
  withFixture(async ({ open, stateDb, mainDb }) => {
    for (const path of [stateDb, mainDb]) withDb(path, (db) => assert.equal(db.pragma("journal_mode = WAL", { simple: true }), "wal"));
    const other = new Database(stateDb, { fileMustExist: true });
    try {
      const store = JSON.parse(machineRow(other, "authProfiles.store")!) as AuthStore;
      store.profiles["mistral:other"] = { type: "api_key", provider: "mistral", key: "sk-mistral-other-0123456789" };
      other.prepare(`UPDATE config_machine_state SET value_json = ?, updated_at_ms = ? WHERE state_key = 'authProfiles.store'`).run(JSON.stringify(store), Date.now());
      assert.ok(existsSync(`${stateDb}-wal`), "the other connection's write is in the -wal file");

      const backend = open();
      assert.ok(Object.hasOwn((await backend.read("main")).merged.profiles, "mistral:other"), "the -wal file's write is read");
      await backend.update("main", addProfile("openai:wal"));

      const seen = JSON.parse(machineRow(other, "authProfiles.store")!) as AuthStore;
      assert.deepEqual(Object.keys(seen.profiles).sort(), [...FIXTURE_PROFILES, "mistral:other", "openai:wal"].sort(), "the other connection sees our write, and its own survived");
      assert.equal(other.pragma("journal_mode", { simple: true }), "wal");
    } finally {
      other.close();
    }
    for (const path of [stateDb, mainDb]) withDb(path, (db) => assert.equal(db.pragma("journal_mode", { simple: true }), "wal", `${path} is still WAL`));
  }));

/** A child process that holds `statement` ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE") on `path` for `ms`, then commits; resolves once it holds it. */
async function holdLock(path: string, statement: string, ms: number): Promise<{ exited: Promise<number | null>; kill(): void }> {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const holder = spawn(
    process.execPath,
    [
      "-e",
      `const Database = require(${JSON.stringify(driver)});
       const db = new Database(process.argv[1], { fileMustExist: true });
       db.exec(process.argv[2]);
       process.stdout.write("locked\\n");
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
       db.exec("COMMIT");
       db.close();`,
      path,
      statement,
      String(ms),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<number | null>((resolve) => holder.on("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
    holder.on("exit", () => reject(new Error("the holder exited before taking the lock")));
  });
  return { exited, kill: () => holder.kill() };
}

/** Runs `wait` while counting 20 ms timer ticks: a wait that blocks the event loop counts none. */
async function ticksDuring<T>(wait: () => Promise<T>): Promise<{ value: T; ticks: number; waited: number }> {
  const started = Date.now();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  try {
    const value = await wait();
    return { value, ticks, waited: Date.now() - started };
  } finally {
    clearInterval(ticker);
  }
}

test("sqlite: an update waits for another process's write transaction (busy timeout), then succeeds", () =>
  withFixture(async ({ open, stateDb }) => {
    const holder = await holdLock(stateDb, "BEGIN IMMEDIATE", 1000);
    try {
      const backend = open();
      // The wait must not block this process: a gateway keeps serving while OpenClaw writes.
      const { ticks, waited } = await ticksDuring(() => backend.update("main", addProfile("openai:waited")));
      assert.ok(waited >= 500, `the update waited for the holder (${waited} ms)`);
      assert.ok(ticks >= 10, `timers ran while it waited (${ticks} ticks in ${waited} ms)`);
      assert.ok(waited < 5_000, `and did not time out (${waited} ms)`);
      assert.equal(await holder.exited, 0);
      assert.ok(Object.hasOwn((await backend.read("main")).merged.profiles, "openai:waited"));
    } finally {
      holder.kill();
      await holder.exited;
    }
  }));

test("sqlite: a read waits for another process's commit (a rollback-journal database locks readers out) without blocking the event loop", () =>
  withFixture(async ({ open, stateDb }) => {
    const backend = open();
    const holder = await holdLock(stateDb, "BEGIN EXCLUSIVE", 800);
    try {
      const { value: view, ticks, waited } = await ticksDuring(() => backend.read("main"));
      assert.ok(waited >= 400, `the read waited for the holder (${waited} ms)`);
      assert.ok(ticks >= 8, `timers ran while it waited (${ticks} ticks in ${waited} ms)`);
      assert.equal(Object.keys(view.merged.profiles).length, 4);
    } finally {
      holder.kill();
      await holder.exited;
    }
  }));

test("sqlite: a legacy auth-profiles.json beside the database makes read and update reject, and nothing changes", () =>
  withFixture(async ({ open, stateDb, mainDb, mainDir }) => {
    const legacy = join(mainDir, "auth-profiles.json");
    await writeFile(legacy, LEGACY_STORE);
    const before = { state: snapshot(stateDb), agent: snapshot(mainDb) };
    const backend = open();
    const message = `Auth profile store ${mainDb} requires legacy credential migration; affected providers: openai; run openclaw doctor --fix.`;
    await assert.rejects(backend.read("main"), (error: Error) => error.message === message);
    let called = false;
    await assert.rejects(
      backend.update("main", (store) => {
        called = true;
        addProfile("openai:new")(store);
      }),
      (error: Error) => error.message === message,
    );
    assert.equal(called, false);
    assert.deepEqual(changed(before.state, snapshot(stateDb)), []);
    assert.deepEqual(changed(before.agent, snapshot(mainDb)), []);
    assert.equal(await readFile(legacy, "utf8"), LEGACY_STORE);
  }));

test("sqlite: an agent without a database reads the shared store, and a credential for it is refused, creating nothing", () =>
  withFixture(async ({ open, stateDb, stateDir }) => {
    const backend = open();
    const work = await backend.read("work");
    assert.deepEqual(Object.keys(work.merged.profiles).sort(), FIXTURE_PROFILES, "the shared store is every agent's");
    assert.equal(work.merged.order, undefined, "the main agent's order is its own");
    assert.equal(backend.storePath("work"), stateDb);
    const before = snapshot(stateDb);
    await assert.rejects(backend.update("work", addProfile("openai:work")), /openclaw-agent\.sqlite does not exist yet/);
    assert.deepEqual(changed(before, snapshot(stateDb)), []);
    assert.equal(existsSync(join(stateDir, "agents", "work")), false, "no agent database (or directory) is made");
    assert.deepEqual(legacyJsonFiles(stateDir), []);
  }));

test("sqlite: an auth.sharedStore row with an unknown value is an error", () =>
  withFixture(async ({ open, stateDb }) => {
    withDb(stateDb, (db) => db.prepare(`UPDATE config_machine_state SET value_json = ? WHERE state_key = 'auth.sharedStore'`).run(`{"location":"elsewhere"}`));
    const backend = open();
    await assert.rejects(backend.read("main"), /auth\.sharedStore .*invalid shared auth store location \(\{"location":"elsewhere"\}\); run openclaw doctor --fix\./);
    await assert.rejects(backend.update("main", addProfile("openai:new")), /invalid shared auth store location/);
  }));

test("sqlite: a state database without config_machine_state is not 2026.9's: openSqliteBackend returns undefined", () =>
  withFixture(async ({ stateDir, stateDb }) => {
    withDb(stateDb, (db) => db.exec(`DROP TABLE config_machine_state`));
    assert.equal(openSqliteBackend({ stateDir, databasePath: stateDb, agents: { defaultAgentId: "main", agentDir: (id) => join(stateDir, "agents", id, "agent") } }), undefined);
  }));
