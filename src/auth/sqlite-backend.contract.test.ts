// The SQLite backend (OpenClaw 2026.9) against the backend contract, on
// databases made by the real 2026.9.6 release: each state is a copy of the
// fixture's state database and main agent database with their credential rows
// cleared, plus a "work" agent database made the way 2026.9 makes one (a copy
// of main's with its rows emptied and its agent id changed). `auth.sharedStore`
// stays `{"location":"state-db"}`: the shared store is the state database's.
import { copyFile, chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { backendContract, MAIN, WORK, type BackendState } from "./backend-contract.ts";
import { openSqliteBackend } from "./sqlite-backend.ts";
import type { CredentialBackend } from "./backend.ts";
import { FIXTURE_2026_9_HOME, withDb } from "../../test/helpers/fixture-2026-9.ts";

const FIXTURE = join(FIXTURE_2026_9_HOME, ".openclaw");
const AGENT_DB = "openclaw-agent.sqlite";


/**
 * Writes the rows a store is kept in: the shared store's in the state database
 * (default agent), an agent's own otherwise. `state`: the state row's new
 * value, null to delete it, undefined to leave it.
 */
function writeStoreRows(stateDb: string, agentDb: (agentId: string) => string, agentId: string, credentials: string, state: string | null | undefined): void {
  const now = Date.now();
  if (agentId === MAIN) {
    withDb(stateDb, (db) => {
      const upsert = db.prepare(
        `INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?, ?, ?)
         ON CONFLICT(state_key) DO UPDATE SET value_json = excluded.value_json, updated_at_ms = excluded.updated_at_ms`,
      );
      db.transaction(() => {
        upsert.run("authProfiles.store", credentials, now);
        if (state === null) db.prepare(`DELETE FROM config_machine_state WHERE state_key = 'authProfiles.state'`).run();
        else if (state !== undefined) upsert.run("authProfiles.state", state, now);
      })();
    });
    return;
  }
  withDb(agentDb(agentId), (db) => {
    db.transaction(() => {
      db.prepare(
        `INSERT INTO auth_profile_store (store_key, store_json, updated_at) VALUES ('primary', ?, ?)
         ON CONFLICT(store_key) DO UPDATE SET store_json = excluded.store_json, updated_at = excluded.updated_at`,
      ).run(credentials, now);
      if (state === null) db.prepare(`DELETE FROM auth_profile_state WHERE state_key = 'primary'`).run();
      else if (state !== undefined)
        db.prepare(
          `INSERT INTO auth_profile_state (state_key, state_json, updated_at) VALUES ('primary', ?, ?)
           ON CONFLICT(state_key) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
        ).run(state, now);
    })();
  });
}

/** A whole auth store cut the way 2026.9 saves it: `{version, profiles}` (anything else unknown stays with it) and `{version, order?, lastGood?, usageStats?}`, compact. */
function splitDocument(document: Record<string, unknown>): { credentials: string; state: string | null } {
  const { version = 1, profiles = {}, order, lastGood, usageStats, ...unknown } = document;
  const state: Record<string, unknown> = { version };
  for (const [key, value] of Object.entries({ order, lastGood, usageStats })) {
    if (value !== undefined && Object.keys(value as object).length > 0) state[key] = value;
  }
  return { credentials: JSON.stringify({ version, profiles, ...unknown }), state: Object.keys(state).length > 1 ? JSON.stringify(state) : null };
}

async function copyWritable(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to);
  await chmod(to, 0o600);
}

interface SqliteState extends BackendState {
  stateDir: string;
  stateDb: string;
  agentDb(agentId: string): string;
}

async function sqliteState(): Promise<SqliteState> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-sqlite-contract-"));
  try {
    const stateDir = join(home, ".openclaw");
    const agentDir = (agentId: string) => join(stateDir, "agents", agentId, "agent");
    const agentDb = (agentId: string) => join(agentDir(agentId), AGENT_DB);
    const stateDb = join(stateDir, "state", "openclaw.sqlite");
    await copyWritable(join(FIXTURE, "state", "openclaw.sqlite"), stateDb);
    await copyWritable(join(FIXTURE, "agents", "main", "agent", AGENT_DB), agentDb(MAIN));
    await copyWritable(agentDb(MAIN), agentDb(WORK));

    // Nothing stored yet; the state database still owns the shared store.
    withDb(stateDb, (db) => db.prepare(`DELETE FROM config_machine_state WHERE state_key IN ('authProfiles.store', 'authProfiles.state')`).run());
    for (const agentId of [MAIN, WORK]) {
      withDb(agentDb(agentId), (db) => {
        db.exec(`DELETE FROM auth_profile_store; DELETE FROM auth_profile_state;`);
        db.prepare(`UPDATE schema_meta SET agent_id = ? WHERE meta_key = 'primary'`).run(agentId);
      });
    }
    // 2026.9 records every agent database it made.
    const workSize = (await stat(agentDb(WORK))).size;
    withDb(stateDb, (db) =>
      db
        .prepare(`INSERT INTO agent_databases (agent_id, path, schema_version, last_seen_at, size_bytes) VALUES (?, ?, 23, ?, ?)`)
        .run(WORK, `agents/${WORK}/agent/${AGENT_DB}`, Date.now(), workSize),
    );

    return {
      stateDir,
      stateDb,
      agentDb,
      open(): CredentialBackend {
        const backend = openSqliteBackend({ stateDir, databasePath: stateDb, agents: { defaultAgentId: MAIN, agentDir } });
        if (!backend) throw new Error(`${stateDb} is not a 2026.9 state database`);
        return backend;
      },
      // The default agent's view depends on the shared store; another agent's on its own database.
      corrupt: async (agentId) => writeStoreRows(stateDb, agentDb, agentId, "{ not json", undefined),
      writeDocument: async (agentId, document) => {
        const { credentials, state } = splitDocument(document);
        writeStoreRows(stateDb, agentDb, agentId, credentials, state);
      },
      cleanup: () => rm(home, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}

backendContract("sqlite (OpenClaw 2026.9)", { setup: sqliteState, sharing: "shared-store" });
