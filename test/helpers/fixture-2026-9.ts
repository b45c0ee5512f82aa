// A throw-away copy of the real OpenClaw 2026.9.6 state (test/fixtures/openclaw-2026.9.6,
// made by the real release; see its README), and direct access to the SQLite
// rows its credentials live in, for tests that spawn the real CLI and gateway on it.
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ROOT, type TempHome } from "./cli.ts";

export const FIXTURE_2026_9 = join(ROOT, "test", "fixtures", "openclaw-2026.9.6");
export const FIXTURE_2026_9_HOME = join(FIXTURE_2026_9, "home-alice");
export const FIXTURE_2026_9_OUTPUTS = join(FIXTURE_2026_9, "outputs");
/** The home the real release made the fixture in; openclaw.json names it. */
const FIXTURE_ORIGINAL_HOME = "/home/alice";

/** The fixture's four profiles, in store order. */
export const FIXTURE_PROFILE_IDS = ["anthropic:default", "openrouter:manual", "anthropic:work", "openai:manual"];
/** The gateway token in the fixture's openclaw.json. */
export const FIXTURE_GATEWAY_TOKEN = "b4a74ca71cbd75d39a41409b2b6cf5d44ab50b531d78a0f7";

export interface Fixture2026 extends TempHome {
  /** `state/openclaw.sqlite`: the shared store (`config_machine_state` rows `authProfiles.store` / `authProfiles.state`). */
  stateDb: string;
  /** `agents/main/agent/openclaw-agent.sqlite`: the main agent's own rows (`auth_profile_store` / `auth_profile_state`, key `primary`). */
  agentDb: string;
  /** A `config_machine_state` row's value_json, parsed (undefined when the row is missing). */
  machineRow(key: string): any;
  setMachineRow(key: string, value: unknown): void;
  /** The main agent's `auth_profile_store` or `auth_profile_state` row `primary`, parsed. */
  agentRow(table: "auth_profile_store" | "auth_profile_state"): any;
  /** `authProfiles.store` parsed: the shared credentials. */
  sharedStore(): { version: number; profiles: Record<string, any> };
  /** Rewrites one profile's `expires` in `authProfiles.store`. */
  setExpires(profileId: string, expires: number): void;
  /** Row counts of every ordinary table of both databases, `<db>/<table>` → count. */
  tableCounts(): Record<string, number>;
  /** The secrets stored in the fixture. */
  secrets: string[];
  config(): any;
}

/** Runs `use` on a connection to one database file, closed after. */
export function withDb<T>(path: string, use: (db: Database.Database) => T): T {
  const db = new Database(path, { fileMustExist: true, timeout: 5_000 });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

function parse(text: string | undefined): any {
  return text === undefined ? undefined : JSON.parse(text);
}

/** A copy of the fixture in a new temp home, with openclaw.json's absolute paths moved to it. */
export function copyFixture2026(): Fixture2026 {
  const home = mkdtempSync(join(tmpdir(), "openclaw-2026-9-"));
  const stateDir = join(home, ".openclaw");
  cpSync(join(FIXTURE_2026_9_HOME, ".openclaw"), stateDir, { recursive: true });
  makeWritable(stateDir);
  const configPath = join(stateDir, "openclaw.json");
  writeFileSync(configPath, readFileSync(configPath, "utf8").replaceAll(`"${FIXTURE_ORIGINAL_HOME}/`, `"${home}/`), { mode: 0o600 });
  const agentDir = join(stateDir, "agents", "main", "agent");
  const stateDb = join(stateDir, "state", "openclaw.sqlite");
  const agentDb = join(agentDir, "openclaw-agent.sqlite");
  const machineRow = (key: string) =>
    parse(withDb(stateDb, (db) => (db.prepare("SELECT value_json FROM config_machine_state WHERE state_key = ?").get(key) as { value_json: string } | undefined)?.value_json));
  const setMachineRow = (key: string, value: unknown) =>
    withDb(stateDb, (db) => {
      db.prepare(
        "INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT(state_key) DO UPDATE SET value_json = excluded.value_json, updated_at_ms = excluded.updated_at_ms",
      ).run(key, JSON.stringify(value), Date.now());
    });
  const fixture: Fixture2026 = {
    home,
    stateDir,
    configPath,
    agentDir,
    // No JSON store in this era: the credentials' home is the state database.
    storePath: stateDb,
    stateDb,
    agentDb,
    cleanup: () => rmSync(home, { recursive: true, force: true }),
    machineRow,
    setMachineRow,
    agentRow: (table) => {
      const column = table === "auth_profile_store" ? "store" : "state";
      return parse(withDb(agentDb, (db) => (db.prepare(`SELECT ${column}_json AS value FROM ${table} WHERE ${column}_key = 'primary'`).get() as { value: string } | undefined)?.value));
    },
    sharedStore: () => machineRow("authProfiles.store"),
    setExpires: (profileId, expires) => {
      const store = machineRow("authProfiles.store");
      store.profiles[profileId].expires = expires;
      setMachineRow("authProfiles.store", store);
    },
    tableCounts: () => {
      const counts: Record<string, number> = {};
      for (const [name, path] of [
        ["state", stateDb],
        ["agent", agentDb],
      ] as const) {
        withDb(path, (db) => {
          const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name").all() as { name: string }[];
          for (const { name: table } of tables) counts[`${name}/${table}`] = (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
        });
      }
      return counts;
    },
    secrets: [],
    config: () => JSON.parse(readFileSync(configPath, "utf8")),
  };
  for (const profile of Object.values(fixture.sharedStore().profiles)) {
    for (const field of ["key", "token", "access", "refresh"]) if (profile[field]) fixture.secrets.push(profile[field]);
  }
  return fixture;
}

/** Runs `fn` with a fresh fixture copy, always removed afterwards. */
export async function inFixture2026(fn: (fixture: Fixture2026) => Promise<void>): Promise<void> {
  const fixture = copyFixture2026();
  try {
    await fn(fixture);
  } finally {
    fixture.cleanup();
  }
}

function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | (stat.isDirectory() ? 0o700 : 0o600));
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/** Every file under `dir` whose name is `name` (relative paths). */
export function findFiles(dir: string, name: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return findFiles(join(dir, entry.name), name, rel);
    return entry.name === name ? [rel] : [];
  });
}

/** Strips the trailing `exit N` line of a fixture output file. */
export function fixture2026Output(name: string): { text: string; exit: number } {
  const raw = readFileSync(join(FIXTURE_2026_9_OUTPUTS, name), "utf8");
  const match = /\n?exit (\d+)\n?$/.exec(raw);
  return { text: match ? raw.slice(0, match.index) : raw, exit: match ? Number(match[1]) : 0 };
}
