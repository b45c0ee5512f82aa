// Chat sessions (issue 9) in OpenClaw's own file,
// `<state>/agents/<agentId>/sessions/sessions.json`: an object keyed by session
// key (`agent:<agentId>:<key>`), each entry with `sessionId`, `updatedAt` and
// the overrides `/model` sets (spec §6.2). Reads are cached and checked against
// the file's signature on each use; writes hold the file's lock, change one
// entry of what is on disk now (every other entry and every field we do not
// know stays as it is), and replace the file atomically (0600). A file that is
// not a JSON object is an error, never an empty set of sessions.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { normalizeAgentId } from "./paths.ts";
import { readTextIfExists, statSignature, verifyJson, writeFileAtomic } from "./safe-file.ts";
import { withFileLock } from "./file-lock.ts";
import { ownValue, setOwnValue } from "./own-keys.ts";

export interface SessionEntry {
  sessionId: string;
  updatedAt: number;
  providerOverride?: string;
  modelOverride?: string;
  authProfileOverride?: string;
  authProfileOverrideSource?: "auto" | "user";
  authProfileOverrideCompactionCount?: number;
  [field: string]: unknown;
}

type Sessions = Record<string, SessionEntry>;

export interface SessionStore {
  /** Where an agent's sessions are kept (for messages). */
  path(agentId: string): string;
  read(agentId: string, key: string): Promise<SessionEntry | undefined>;
  /**
   * Changes one session under the file's lock: `change` gets the entry as it is on disk now
   * (undefined when new) and returns the new entry, or undefined to leave the file alone.
   */
  update(agentId: string, key: string, change: (entry: SessionEntry | undefined) => SessionEntry | undefined): Promise<SessionEntry | undefined>;
  /** Lets go of what the store holds open (the Redis store's connection); the file store has nothing to close. */
  close?(): void;
}

/** OpenClaw names a session `agent:<agentId>:<rest>`; a client's own key becomes the rest. */
export function sessionStoreKey(agentId: string, key: string): string {
  return key.startsWith("agent:") ? key : `agent:${normalizeAgentId(agentId)}:${key}`;
}

export class BrokenSessionsFile extends Error {}

function parseSessions(path: string, text: string | undefined): Sessions {
  if (text === undefined || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BrokenSessionsFile(`${path} is not valid JSON (${(error as Error).message}); fix it or move it aside.`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new BrokenSessionsFile(`${path} must hold a JSON object of sessions.`);
  return parsed as Sessions;
}

export function createFileSessionStore(stateDir: string): SessionStore {
  const cache = new Map<string, { signature: string; sessions: Sessions }>();
  const pathOf = (agentId: string) => join(stateDir, "agents", normalizeAgentId(agentId), "sessions", "sessions.json");

  async function load(path: string): Promise<Sessions> {
    const signature = await stat(path).then(statSignature, () => "-");
    const cached = cache.get(path);
    if (cached && cached.signature === signature) return cached.sessions;
    const sessions = parseSessions(path, await readTextIfExists(path));
    cache.set(path, { signature, sessions });
    return sessions;
  }

  return {
    path: pathOf,
    async read(agentId, key) {
      return ownValue(await load(pathOf(agentId)), sessionStoreKey(agentId, key));
    },
    async update(agentId, key, change) {
      const path = pathOf(agentId);
      const storeKey = sessionStoreKey(agentId, key);
      return withFileLock(path, async () => {
        cache.delete(path); // read what is on disk now, not what this process last saw
        const sessions = await load(path);
        const next = change(ownValue(sessions, storeKey));
        if (!next) return ownValue(sessions, storeKey);
        const written: Sessions = { ...sessions };
        setOwnValue(written, storeKey, next);
        await writeFileAtomic(path, `${JSON.stringify(written, null, 2)}\n`, { verify: verifyJson });
        cache.delete(path);
        return next;
      });
    },
  };
}
