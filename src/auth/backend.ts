// The one door to stored credentials and usage state (DESIGN §3). Callers see
// read / update-under-lock; files are the first backend, and another (Redis,
// for several gateway hosts) can be added behind the same interface.
import type { AuthStore } from "./store-schema.ts";

export interface StoreSnapshot {
  /** Where this agent's store lives (for messages). */
  path: string;
  /** False when there is no file yet (the store is empty or imported from legacy files). */
  exists: boolean;
  store: AuthStore;
  /** Legacy files this view was imported from, if the store does not exist yet. */
  importedFrom?: string[];
}

export interface CredentialBackend {
  /** The agent's own store as it is now; never merged with another agent's. */
  read(agentDir: string): Promise<StoreSnapshot>;
  /**
   * Re-reads the agent's store under a cross-process lock, lets `change` edit
   * it in place, and writes it back only if something changed. Nothing else
   * can write in between, so concurrent changes to other profiles survive.
   */
  update<T>(agentDir: string, change: (store: AuthStore) => T | Promise<T>, options?: UpdateOptions): Promise<T>;
}

export interface UpdateOptions {
  /**
   * Called while the lock is still held, after the write (or after deciding
   * there was nothing to write), with the store as it now is. A long-running
   * reader uses it to adopt the result without mistaking its own write for
   * someone else's.
   */
  onCommitted?: (store: AuthStore, commit: CommitInfo) => void;
}

export interface CommitInfo {
  /**
   * What was written, identified the way a watcher compares files (statSignature),
   * taken from the write itself: a change that lands right after it still differs.
   * Undefined when nothing needed writing.
   */
  signature?: string;
}
