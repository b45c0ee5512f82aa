// Where OpenClaw 2026.9 keeps credentials in its SQLite state (docs/compatibility.md):
// - `state/openclaw.sqlite`, table `config_machine_state`: the row `auth.sharedStore`
//   says who owns the shared store. `{"location":"state-db"}`: the rows
//   `authProfiles.store` / `authProfiles.state` there. No row (or "legacy-main"):
//   the main agent's database below.
// - `<agentDir>/openclaw-agent.sqlite`, tables `auth_profile_store` /
//   `auth_profile_state`, row `primary`: an agent's own store, read over the
//   shared one (the agent's entries win).
// Each store is two JSON documents: the credentials `{version, profiles}` and
// the state `{version, order?, lastGood?, usageStats?}`.
import { join } from "node:path";
import { OpenClawError } from "../state/errors.ts";

export const AGENT_DATABASE_FILENAME = "openclaw-agent.sqlite";

/** One JSON document in one row: `SELECT <value> FROM <schema>.<table> WHERE <keyColumn> = <key>`. */
export interface RowSlot {
  table: string;
  keyColumn: string;
  valueColumn: string;
  timeColumn: string;
  key: string;
}

/** A store kept in one database: its credentials row and its state row. */
export interface StorePlace {
  /** The database file. */
  path: string;
  /** The schema name the database is attached under on a connection. */
  schema: string;
  credentials: RowSlot;
  state: RowSlot;
}

const machineRow = (key: string): RowSlot => ({ table: "config_machine_state", keyColumn: "state_key", valueColumn: "value_json", timeColumn: "updated_at_ms", key });

export const SHARED_OWNER_ROW = machineRow("auth.sharedStore");

export function stateDbPlace(path: string): StorePlace {
  return { path, schema: "main", credentials: machineRow("authProfiles.store"), state: machineRow("authProfiles.state") };
}

export function agentDbPlace(agentDir: string, schema: string): StorePlace {
  return {
    path: join(agentDir, AGENT_DATABASE_FILENAME),
    schema,
    credentials: { table: "auth_profile_store", keyColumn: "store_key", valueColumn: "store_json", timeColumn: "updated_at", key: "primary" },
    state: { table: "auth_profile_state", keyColumn: "state_key", valueColumn: "state_json", timeColumn: "updated_at", key: "primary" },
  };
}

export type SharedOwner = "state-db" | "legacy-main";

/** Reads the `auth.sharedStore` row's value as 2026.9 does: anything but the two known forms is an error. */
export function parseSharedOwner(text: string | undefined, databasePath: string): SharedOwner {
  if (text === undefined) return "legacy-main";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const location = (value as Record<string, unknown>).location;
    if (keys.length === 1 && (location === "state-db" || location === "legacy-main")) return location;
  }
  throw new OpenClawError(`Config machine state auth.sharedStore in ${databasePath} has an invalid shared auth store location (${text}); run openclaw doctor --fix.`, {
    hint: "That is OpenClaw 2026.9's own repair; openclaw did not change the database.",
  });
}

/** better-sqlite3 (or its native build) would not load: a failed `npm ci`, or another Node than it was built for. */
export function sqliteBindingError(databaseDisplayPath: string, error: unknown): OpenClawError {
  const reason = String((error as Error)?.message ?? error).split("\n")[0];
  return new OpenClawError(`${databaseDisplayPath} is OpenClaw 2026.9's SQLite state, but the SQLite binding (better-sqlite3) could not be loaded: ${reason}`, {
    hint: "Reinstall openclaw's dependencies (`npm ci`) with the Node that runs it.",
    cause: error,
  });
}
