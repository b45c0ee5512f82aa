// Credentials in `<agentDir>/auth-profiles.json`, one file per agent (OpenClaw
// 2026.2.26): read, update under a cross-process file lock, and watched through
// directory events (files are replaced by rename, so a file itself cannot be watched).
import { statSync } from "node:fs";
import { join } from "node:path";
import { prepareFile, readTextIfExists, removeOrphanedTempFiles, statSignature, verifyJson } from "../state/safe-file.ts";
import { withFileLock } from "../state/file-lock.ts";
import { watchDirectoriesOf } from "../state/file-watcher.ts";
import { isTruthy } from "../state/shell-env.ts";
import type { Env } from "../state/paths.ts";
import type { CredentialBackend, StoreSnapshot, StoreWatch } from "./backend.ts";
import { agentAuthView } from "./agent-view.ts";
import { importLegacyStores, retireLegacyAuthJson } from "./legacy-import.ts";
import { authStorePath, emptyStore, parseStoreText, serializeStore } from "./store.ts";

/** How a backend finds an agent's directory; the state context knows (state/agents.ts). */
export interface BackendAgents {
  defaultAgentId: string;
  agentDir(agentId: string): string;
}

export interface FileBackendOptions {
  stateDir: string;
  env: Env;
  agents: BackendAgents;
}

function fileSignature(path: string): string {
  try {
    return statSignature(statSync(path));
  } catch {
    return "-";
  }
}

export function createFileBackend({ stateDir, env, agents }: FileBackendOptions): CredentialBackend {
  const oauthJsonPath = join(env.OPENCLAW_OAUTH_DIR?.trim() || join(stateDir, "credentials"), "oauth.json");
  const readOnlyMigrations = isTruthy(env.OPENCLAW_AUTH_STORE_READONLY);
  const watches = new Set<StoreWatch>();
  /**
   * The signature of the last version of each store file this backend wrote.
   * Known before the rename, so a watch event for our own write (which may
   * arrive while the write is still syncing the directory) is never reported.
   */
  const ownSignatures = new Map<string, string>();

  async function readOwn(agentDir: string): Promise<StoreSnapshot & { legacyAuthJson?: string }> {
    const path = authStorePath(agentDir);
    const text = await readTextIfExists(path);
    if (text !== undefined) return { path, exists: true, store: await parseStoreText(path, text) };
    const imported = await importLegacyStores(agentDir, oauthJsonPath, emptyStore());
    if (!imported) return { path, exists: false, store: emptyStore() };
    const snapshot: StoreSnapshot & { legacyAuthJson?: string } = { path, exists: false, store: imported.store, importedFrom: imported.sources };
    if (imported.authJsonPath) snapshot.legacyAuthJson = imported.authJsonPath;
    return snapshot;
  }

  /** The store files `read(agentId)` shows: its own, and the default agent's when it reads that through. */
  function viewFiles(agentId: string): string[] {
    const own = authStorePath(agents.agentDir(agentId));
    const primary = authStorePath(agents.agentDir(agents.defaultAgentId));
    return own === primary ? [own] : [own, primary];
  }

  return {
    era: "json",
    storePath: (agentId) => authStorePath(agents.agentDir(agentId)),
    async read(agentId) {
      const agentDir = agents.agentDir(agentId);
      const primaryDir = agents.agentDir(agents.defaultAgentId);
      const [own, inherited] = await Promise.all([readOwn(agentDir), agentDir === primaryDir ? undefined : readOwn(primaryDir)]);
      return agentAuthView(agentId, agentDir, own, inherited);
    },

    async update(agentId, change, options) {
      const agentDir = agents.agentDir(agentId);
      const path = authStorePath(agentDir);
      return withFileLock(path, async () => {
        const snapshot = await readOwn(agentDir);
        const before = serializeStore(snapshot.store);
        const result = await change(snapshot.store);
        const after = serializeStore(snapshot.store);
        if (after !== before) {
          await removeOrphanedTempFiles(path);
          const prepared = await prepareFile(path, after, { verify: verifyJson });
          // What we write, not what is there after: a change that lands right after it must still look new.
          ownSignatures.set(path, prepared.signature);
          await prepared.commit();
          if (snapshot.legacyAuthJson && !readOnlyMigrations) await retireLegacyAuthJson(snapshot.legacyAuthJson);
        }
        options?.onCommitted?.(snapshot.store);
        return result;
      });
    },

    watch(agentId, onChange): StoreWatch {
      const files = viewFiles(agentId);
      /** The signature last seen per watched store file. */
      const seen = new Map(files.map((file) => [file, fileSignature(file)]));
      const look = () => {
        let changed = false;
        for (const file of files) {
          const now = fileSignature(file);
          if (now !== seen.get(file)) {
            seen.set(file, now);
            // Our own commits are reported to their caller by onCommitted.
            if (now !== ownSignatures.get(file)) changed = true;
          }
        }
        if (changed) onChange();
      };
      // Synchronous in the event callback: a change made before a request arrived
      // is seen by that request (live-state.ts waits one turn for it).
      const watch = watchDirectoriesOf(files, look, () => watches.delete(watch));
      watches.add(watch);
      return watch;
    },

    close() {
      for (const watch of watches) watch.close();
    },
  };
}
