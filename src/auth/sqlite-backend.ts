// Credentials in OpenClaw 2026.9's SQLite state (sqlite-layout.ts says where).
// Every write is one `BEGIN IMMEDIATE` transaction over the databases involved
// (attached to one connection), with 2026.9's busy timeout; it re-reads the
// rows, applies the change to the agent's merged view, and writes back only the
// rows whose document changed. Other rows, tables and unknown fields are left
// alone, the database file is never copied or replaced, and its journal mode
// (WAL) is the one OpenClaw chose. Loaded only for a 2026.9 state dir
// (open-backend.ts); the SQLite calls themselves are in sqlite-rows.ts.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { OpenClawError } from "../state/errors.ts";
import { watchDirectoriesOf } from "../state/file-watcher.ts";
import type { AgentAuthView, CredentialBackend, StoreSnapshot, StoreWatch } from "./backend.ts";
import { agentAuthView } from "./agent-view.ts";
import type { BackendAgents } from "./file-backend.ts";
import { AGENT_DATABASE_FILENAME, agentDbPlace, parseSharedOwner, SHARED_OWNER_ROW, sqliteBindingError, stateDbPlace, type SharedOwner, type StorePlace } from "./sqlite-layout.ts";
import { legacyStoreProblem } from "./sqlite-legacy-stores.ts";
import { beginImmediate, BUSY_TIMEOUT_MS, explainSqliteError, hasTable, isBusy, openDatabase, queued, READ_BUSY_MS, readRow, readWhileBusy, sameDocument, writeRow, type Db } from "./sqlite-rows.ts";
import { applySplit, mergedView, readStoreRows, storeDocuments, type SplitStores } from "./store-split.ts";
import type { AuthStore } from "./store-schema.ts";
import { hasOwnKey } from "../state/own-keys.ts";

export interface SqliteBackendOptions {
  stateDir: string;
  databasePath: string;
  agents: BackendAgents;
  /** `~` for the home dir, in messages. */
  display?: (path: string) => string;
}

/** The stores one agent's view is made of, on one open connection. */
interface AgentPlaces {
  db: Db;
  owner: SharedOwner;
  shared: StorePlace;
  /** The agent's own database, when it is not the shared store's. */
  own: StorePlace | undefined;
  ownExists: boolean;
  /** The default agent's own database is missing: its writes go to the shared store, and it has no credentials of its own. */
  ownIsMissingDefault: boolean;
}

/** Opens a 2026.9 backend, or returns undefined when the database is not 2026.9's (no `config_machine_state`): that state stays JSON-era. */
export function openSqliteBackend(options: SqliteBackendOptions): CredentialBackend | undefined {
  const { databasePath, agents, stateDir } = options;
  const display = options.display ?? ((path: string) => path);
  let probe: Db | undefined;
  try {
    probe = openDatabase(databasePath, READ_BUSY_MS);
    if (!hasTable(probe, "main", "config_machine_state")) return undefined;
  } catch (error) {
    // The first use loads the native build; an error without an SQLite code is that build failing.
    if (!/^SQLITE_/.test((error as { code?: string }).code ?? "")) throw sqliteBindingError(display(databasePath), error);
    // A commit landing right now: the database is in use, so it is OpenClaw's; the reads wait for it.
    if (!isBusy(error)) throw explainSqliteError(error, display(databasePath));
  } finally {
    probe?.close();
  }
  const mainDir = () => agents.agentDir(agents.defaultAgentId);
  const watches = new Set<{ agentId: string; seen: { value: string }; close(): void }>();

  /** Opens the state database with the agent's stores attached. `forWrite` lets a first credential claim the state database (as 2026.9 does). */
  function openPlaces(agentId: string, forWrite: boolean, busyTimeoutMs = forWrite ? BUSY_TIMEOUT_MS : READ_BUSY_MS): AgentPlaces {
    // A writer waits (asynchronously) in beginImmediate; a reader only briefly here, then in readWhileBusy.
    const db = openDatabase(databasePath, busyTimeoutMs);
    try {
      let owner = parseSharedOwner(readRow(db, "main", SHARED_OWNER_ROW), display(databasePath));
      const mainDb = agentDbPlace(mainDir(), "shared");
      // A state with no credentials anywhere yet: 2026.9 puts the first one in the state database.
      if (owner === "legacy-main" && forWrite && !existsSync(mainDb.path) && !existsSync(join(mainDir(), "auth-profiles.json"))) owner = "state-db";
      let shared: StorePlace = stateDbPlace(databasePath);
      if (owner === "legacy-main") {
        shared = mainDb;
        if (existsSync(mainDb.path)) db.prepare(`ATTACH DATABASE ? AS shared`).run(mainDb.path);
      }
      let own: StorePlace | undefined = agentDbPlace(agents.agentDir(agentId), "own");
      if (own.path === shared.path) own = undefined;
      const ownExists = own !== undefined && existsSync(own.path);
      if (own && ownExists) db.prepare(`ATTACH DATABASE ? AS own`).run(own.path);
      const ownIsMissingDefault = own !== undefined && !ownExists && agentId === agents.defaultAgentId;
      return { db, owner, shared, own: ownIsMissingDefault ? undefined : own, ownExists, ownIsMissingDefault };
    } catch (error) {
      db.close();
      throw error; // explained by the caller, after any retry
    }
  }

  function placeAttached(places: AgentPlaces, place: StorePlace): boolean {
    if (place.schema === "main") return true;
    if (place === places.own) return places.ownExists;
    return existsSync(place.path);
  }

  function rowsOf(places: AgentPlaces, place: StorePlace): { credentials: string | undefined; state: string | undefined } {
    if (!placeAttached(places, place)) return { credentials: undefined, state: undefined };
    for (const slot of [place.credentials, place.state]) {
      if (!hasTable(places.db, place.schema, slot.table)) throw new OpenClawError(`${display(place.path)} has no ${slot.table} table: it is not an OpenClaw 2026.9 database openclaw can use.`);
    }
    return { credentials: readRow(places.db, place.schema, place.credentials), state: readRow(places.db, place.schema, place.state) };
  }

  /** What a watch compares: every row the agent's view is made of. */
  function fingerprint(places: AgentPlaces): string {
    const parts = [readRow(places.db, "main", SHARED_OWNER_ROW) ?? "-"];
    for (const place of [places.shared, ...(places.own ? [places.own] : [])]) {
      const rows = rowsOf(places, place);
      parts.push(rows.credentials ?? "-", rows.state ?? "-");
    }
    return parts.join("\u0000");
  }

  interface Loaded {
    stores: SplitStores;
    extras: { shared: Record<string, unknown>; own: Record<string, unknown> };
    rows: { shared: ReturnType<typeof rowsOf>; own: ReturnType<typeof rowsOf> | undefined };
  }

  async function load(places: AgentPlaces, agentId: string): Promise<Loaded> {
    const sharedRows = rowsOf(places, places.shared);
    const ownRows = places.own && places.ownExists ? rowsOf(places, places.own) : undefined;
    const shared = await readStoreRows(display(places.shared.path), sharedRows);
    const own = places.own ? await readStoreRows(display(places.own.path), ownRows ?? { credentials: undefined, state: undefined }) : undefined;
    // The agent's own store is the one 2026.9 checks for migrated credentials.
    const ownProfiles = places.ownIsMissingDefault ? {} : (own?.store ?? shared.store).profiles;
    if (Object.keys(ownProfiles).length === 0) {
      const agentDir = agents.agentDir(agentId);
      const oauthJson = agentId === agents.defaultAgentId ? join(stateDir, "credentials", "oauth.json") : undefined;
      const problem = await legacyStoreProblem(agentDir, oauthJson, (places.own ?? places.shared).path, display);
      if (problem) throw new OpenClawError(problem, { hint: "That is your OpenClaw's migration; openclaw reads and writes neither store until it has run." });
    }
    return {
      stores: { shared: shared.store, own: own?.store },
      extras: { shared: shared.stateExtras, own: own?.stateExtras ?? {} },
      rows: { shared: sharedRows, own: ownRows },
    };
  }

  /** `Auth store :` as 2026.9 shows it: the agent's database once it holds a credentials row, else the shared store. */
  function storePathOf(places: AgentPlaces, ownRows: Loaded["rows"]["own"]): string {
    return places.own && ownRows?.credentials !== undefined ? places.own.path : places.shared.path;
  }

  function snapshotOf(places: AgentPlaces, loaded: Loaded): StoreSnapshot {
    const store = mergedView(loaded.stores);
    const exists = loaded.rows.shared.credentials !== undefined || loaded.rows.own?.credentials !== undefined;
    return { path: storePathOf(places, loaded.rows.own), exists, store };
  }

  async function withPlaces<T>(agentId: string, forWrite: boolean, use: (places: AgentPlaces) => Promise<T>): Promise<T> {
    const once = async () => {
      const places = openPlaces(agentId, forWrite);
      try {
        return await use(places);
      } finally {
        places.db.close();
      }
    };
    try {
      return await (forWrite ? once() : readWhileBusy(once));
    } catch (error) {
      throw explainSqliteError(error, display(databasePath));
    }
  }

  return {
    era: "sqlite",

    storePath(agentId) {
      // For messages of a command, which can wait: the full busy timeout.
      let places: AgentPlaces | undefined;
      try {
        places = openPlaces(agentId, false, BUSY_TIMEOUT_MS);
        const ownRows = places.own && places.ownExists ? rowsOf(places, places.own) : undefined;
        return storePathOf(places, ownRows);
      } catch (error) {
        throw explainSqliteError(error, display(databasePath));
      } finally {
        places?.db.close();
      }
    },

    read(agentId): Promise<AgentAuthView> {
      return withPlaces(agentId, false, async (places) => {
        const loaded = await load(places, agentId);
        const own = loaded.stores.own;
        const locationOf = (profileId: string) => (places.own && own && hasOwnKey(own.profiles, profileId) ? places.own.path : places.shared.path);
        // One merged store, not a read-through: every agent reads 2026.9's shared store as its own.
        return agentAuthView(agentId, agents.agentDir(agentId), snapshotOf(places, loaded), undefined, locationOf);
      });
    },

    update(agentId, change, options) {
      return queued(databasePath, () =>
        withPlaces(agentId, true, async (places) => {
          const { db } = places;
          await beginImmediate(db);
          try {
            const loaded = await load(places, agentId);
            const before = mergedView(loaded.stores);
            const working = structuredClone(before);
            const result = await change(working);
            applySplit(loaded.stores, before, working, { credentialsToOwn: agentId !== agents.defaultAgentId });
            writeStores(places, loaded);
            const written = fingerprint(places);
            db.exec("COMMIT");
            // Our own commit: the caller hears of it through onCommitted, not through its watch.
            for (const watch of watches) if (watch.agentId === agentId) watch.seen.value = written;
            options?.onCommitted?.(mergedView(loaded.stores));
            return result;
          } catch (error) {
            if (db.inTransaction) db.exec("ROLLBACK");
            throw error;
          }
        }),
      );
    },

    watch(agentId, onChange): StoreWatch {
      const look = (): string => {
        const places = openPlaces(agentId, false);
        try {
          return fingerprint(places);
        } finally {
          places.db.close();
        }
      };
      const lookOrUnknown = (): string | undefined => {
        try {
          return look();
        } catch {
          return undefined; // a database busy or mid-change: the next event looks again
        }
      };
      // Unknown at first (busy): the first look that succeeds reports a change, which is at worst one reload too many.
      const seen = { value: lookOrUnknown() ?? "" };
      const compare = () => {
        const now = lookOrUnknown();
        if (now === undefined || now === seen.value) return;
        seen.value = now;
        onChange();
      };
      const files = [...new Set([databasePath, join(mainDir(), AGENT_DATABASE_FILENAME), join(agents.agentDir(agentId), AGENT_DATABASE_FILENAME)])];
      const handle = Object.assign(
        watchDirectoriesOf(files, compare, () => watches.delete(handle)),
        { agentId, seen },
      );
      watches.add(handle);
      return handle;
    },

    close() {
      for (const watch of [...watches]) watch.close();
    },
  };

  function writeStores(places: AgentPlaces, loaded: Loaded): void {
    const { db } = places;
    const targets: [StorePlace, AuthStore, Record<string, unknown>, Loaded["rows"]["shared"]][] = [[places.shared, loaded.stores.shared, loaded.extras.shared, loaded.rows.shared]];
    if (places.own && loaded.stores.own) targets.push([places.own, loaded.stores.own, loaded.extras.own, loaded.rows.own ?? { credentials: undefined, state: undefined }]);
    for (const [place, store, extras, rows] of targets) {
      const docs = storeDocuments(store, extras);
      // No credentials row and nothing to put in one (no profile, no field of a later version): none is made.
      const nothingStored = rows.credentials === undefined && Object.keys(store.profiles).length === 0 && Object.keys(JSON.parse(docs.credentials) as object).every((key) => key === "version" || key === "profiles");
      const credentialsChanged = !nothingStored && !sameDocument(rows.credentials, docs.credentials);
      const stateChanged = !sameDocument(rows.state, docs.state);
      if (!credentialsChanged && !stateChanged) continue;
      if (!placeAttached(places, place)) {
        throw new OpenClawError(
          `${display(place.path)} does not exist yet: OpenClaw 2026.9 creates an agent's database itself, and openclaw does not make one in its place.`,
          { hint: "Run any `openclaw … --agent <id>` command of your OpenClaw once, then try again." },
        );
      }
      // The first credential in a fresh state: record that the state database holds the shared store, as 2026.9 does.
      if (place.schema === "main" && places.owner === "state-db" && readRow(db, "main", SHARED_OWNER_ROW) === undefined) {
        writeRow(db, "main", SHARED_OWNER_ROW, JSON.stringify({ location: "state-db" }));
      }
      if (credentialsChanged) writeRow(db, place.schema, place.credentials, docs.credentials);
      if (stateChanged) writeRow(db, place.schema, place.state, docs.state);
    }
  }
}

