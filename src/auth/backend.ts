// The one door to stored credentials and usage state (DESIGN §3). Callers name
// an agent; only the backend knows where and how its credentials are kept:
// JSON files (OpenClaw 2026.2.26, file-backend.ts), OpenClaw 2026.9's SQLite
// (sqlite-backend.ts), or Redis for several gateway hosts (redis-backend.ts).
// open-backend.ts picks one per state dir; backend-contract.ts holds every
// backend to the same rules.
import type { StateLink } from "./state-unreachable.ts";
import type { RefreshLock } from "./refresh/refresh-lock.ts";
import type { AuthStore } from "./store-schema.ts";

export type StoreEra = "json" | "sqlite" | "redis";

/** How messages name where an agent's credentials are: a file, or (Redis) a store on a server. */
export function storeLocationLabel(era: StoreEra): "Auth file" | "Auth store" {
  return era === "redis" ? "Auth store" : "Auth file";
}

export interface StoreSnapshot {
  /** Where this agent's store lives (for messages: `Auth store :`). */
  path: string;
  /** False when nothing is stored yet (the store is empty or imported from legacy files). */
  exists: boolean;
  store: AuthStore;
  /** Legacy files this view was imported from, if the store does not exist yet. */
  importedFrom?: string[];
}

/** What one agent can use: its own store, plus the default agent's profiles read-through when it is another agent. */
export interface AgentAuthView {
  agentId: string;
  agentDir: string;
  own: StoreSnapshot;
  /** The default agent's store, when this agent is another one and reads it through. */
  inherited: StoreSnapshot | undefined;
  merged: AuthStore;
  /** True when the profile comes from the default agent's store, not this agent's. */
  isInherited(profileId: string): boolean;
  /** Where the profile's credential is kept (a file, or 2026.9's shared or per-agent database). */
  locationOf(profileId: string): string;
}

export interface CredentialBackend {
  readonly era: StoreEra;
  /** Where the agent's own credentials are kept (for messages), without reading them. */
  storePath(agentId: string): string;
  /** The agent's credentials as they are now, merged with the default agent's read-through. */
  read(agentId: string): Promise<AgentAuthView>;
  /**
   * Re-reads the agent's own store under the backend's exclusion (a lock, a
   * transaction), lets `change` edit it in place, and writes it back only if
   * something changed. Nothing else can write in between, so concurrent
   * changes to other profiles survive.
   */
  update<T>(agentId: string, change: (store: AuthStore) => T | Promise<T>, options?: UpdateOptions): Promise<T>;
  /**
   * Calls `onChange` once for each change committed to what `read(agentId)`
   * shows (its own store and the one it reads through) by anyone but this
   * backend: another process, or another backend object. Its own commits are
   * reported to their caller by `onCommitted` instead.
   */
  watch(agentId: string, onChange: () => void): StoreWatch;
  /**
   * What makes one credential's OAuth refresh exclusive across every process that shares this
   * backend. Left out: the file lock under the state dir (one host). Redis: a lease in Redis.
   */
  refreshLock?(provider: string, profileId: string): RefreshLock;
  /** Releases connections and watches. */
  close(): void;
  /** A backend on a network service (Redis): whether it is reachable now. Local backends have none. */
  link?(): StateLink;
}

export interface StoreWatch {
  /**
   * True when the platform delivers no change events: the watcher then learns
   * of changes only when `check()` is called (the gateway calls it per request).
   */
  readonly polling: boolean;
  /** Looks now, and calls `onChange` if something changed since the last look. */
  check(): void;
  close(): void;
}

export interface UpdateOptions {
  /**
   * Called while the exclusion is still held, after the write (or after deciding
   * there was nothing to write), with the store as it now is. A long-running
   * reader uses it to adopt the result without reading it back.
   */
  onCommitted?: (store: AuthStore) => void;
}
