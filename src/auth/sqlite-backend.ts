// placeholder: replaced by the SQLite backend
import type { CredentialBackend } from "./backend.ts";
import type { BackendAgents } from "./file-backend.ts";
export interface SqliteBackendOptions { stateDir: string; databasePath: string; agents: BackendAgents }
export function openSqliteBackend(_options: SqliteBackendOptions): CredentialBackend | undefined {
  return undefined;
}
