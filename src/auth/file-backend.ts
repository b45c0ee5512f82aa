// Credentials in `<agentDir>/auth-profiles.json`, one file per agent.
import { join } from "node:path";
import { readTextIfExists, verifyJson, writeFileAtomic } from "../state/safe-file.ts";
import { withFileLock } from "../state/file-lock.ts";
import { isTruthy } from "../state/shell-env.ts";
import type { Env } from "../state/paths.ts";
import type { CredentialBackend, StoreSnapshot } from "./backend.ts";
import { importLegacyStores, retireLegacyAuthJson } from "./legacy-import.ts";
import { authStorePath, emptyStore, parseStoreText, serializeStore } from "./store.ts";

export interface FileBackendOptions {
  stateDir: string;
  env: Env;
}

export function createFileBackend({ stateDir, env }: FileBackendOptions): CredentialBackend {
  const oauthJsonPath = join(env.OPENCLAW_OAUTH_DIR?.trim() || join(stateDir, "credentials"), "oauth.json");
  const readOnlyMigrations = isTruthy(env.OPENCLAW_AUTH_STORE_READONLY);

  async function read(agentDir: string): Promise<StoreSnapshot & { legacyAuthJson?: string }> {
    const path = authStorePath(agentDir);
    const text = await readTextIfExists(path);
    if (text !== undefined) return { path, exists: true, store: await parseStoreText(path, text) };
    const imported = await importLegacyStores(agentDir, oauthJsonPath, emptyStore());
    if (!imported) return { path, exists: false, store: emptyStore() };
    const snapshot: StoreSnapshot & { legacyAuthJson?: string } = { path, exists: false, store: imported.store, importedFrom: imported.sources };
    if (imported.authJsonPath) snapshot.legacyAuthJson = imported.authJsonPath;
    return snapshot;
  }

  return {
    read,
    async update(agentDir, change, options) {
      const path = authStorePath(agentDir);
      return withFileLock(path, async () => {
        const snapshot = await read(agentDir);
        const before = serializeStore(snapshot.store);
        const result = await change(snapshot.store);
        const after = serializeStore(snapshot.store);
        let signature: string | undefined;
        if (after !== before) {
          signature = await writeFileAtomic(path, after, { verify: verifyJson });
          if (snapshot.legacyAuthJson && !readOnlyMigrations) await retireLegacyAuthJson(snapshot.legacyAuthJson);
        }
        options?.onCommitted?.(snapshot.store, signature === undefined ? {} : { signature });
        return result;
      });
    },
  };
}
