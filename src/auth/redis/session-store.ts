// Chat sessions in Redis, shared by every gateway host (issue 12; docs/scale-out.md
// "Sessions"). One hash per agent, `<prefix>{agent:<id>}:sessions`, field = the
// session key as OpenClaw names it (`agent:<id>:<key>`), value = the entry's JSON
// as stored (fields we do not know stay as they are).
// Reads never go to Redis on the request path: each agent's sessions are loaded
// once into memory and kept current by the change channel (`<prefix>changes`,
// messages of kind "session" that the credential watch ignores): a change by
// another host costs one message and one HGET. After a resubscribe (Redis or the
// connection was away, messages were lost) every loaded agent is read again.
// An update is a compare-and-set in Lua (session-scripts.ts): `change` gets
// the entry as stored now; if another host wrote it meanwhile, it runs again on
// the new one, so no update is lost and different sessions never collide.
// It lives beside the credential backend, not in gateway/sessions/: it shares its
// connection, and the lazy bundle that holds the Redis client (one pool per process).
import { randomBytes } from "node:crypto";
import { OpenClawError } from "../../state/errors.ts";
import { normalizeAgentId } from "../../state/paths.ts";
import { acquireConnection } from "./connection.ts";
import { changesChannel } from "./keys.ts";
import { runScript } from "./scripts.ts";
import type { StateUrl } from "./state-url.ts";
import { BrokenSessionsFile, sessionStoreKey, type SessionEntry, type SessionStore } from "../../state/session-store.ts";
import { parseSessionChange, SET_SESSION, sessionChangeMessage, sessionsKey } from "./session-scripts.ts";

/** A stored value that is not a JSON object: an error for that session, never an empty one. */
type Stored = SessionEntry | BrokenSessionsFile;

/** How often `update` runs `change` again when other hosts keep writing the same session first. */
const MAX_ATTEMPTS = 20;
/** How often a copy is read again after a resubscribe before it waits for the next one (about 15 s). */
const RELOAD_ATTEMPTS = 10;

export interface RedisSessionStore extends SessionStore {
  /** Reads an agent's sessions into memory now, so its first request finds them there. */
  preload(agentId: string): Promise<void>;
  close(): void;
}

interface AgentCopy {
  entries: Map<string, Stored> | undefined;
  loading: Promise<Map<string, Stored>> | undefined;
  /** Fields another host changed while a load was under way: read again once it lands. */
  touched: Set<string>;
}

function parseEntry(where: string, text: string): Stored {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as SessionEntry;
  } catch {
    // reported below
  }
  return new BrokenSessionsFile(`${where} does not hold a JSON object; fix or delete that field (redis-cli HDEL).`);
}

function entryOf(stored: Stored | undefined): SessionEntry | undefined {
  if (stored instanceof BrokenSessionsFile) throw stored;
  return stored;
}

export function createRedisSessionStore({ url }: { url: StateUrl }): RedisSessionStore {
  const connection = acquireConnection(url);
  const channel = changesChannel(url.prefix);
  /** Names this store's writes on the channel: its own are already in its copy. */
  const writerId = randomBytes(9).toString("base64url");
  const copies = new Map<string, AgentCopy>();
  let unsubscribe: (() => void) | undefined;
  let closed = false;

  const keyOf = (agentId: string) => sessionsKey(url.prefix, normalizeAgentId(agentId));
  const label = (agentId: string) => `${url.displayServer} ${keyOf(agentId)}`;
  const where = (agentId: string, field: string) => `${label(agentId)} field ${JSON.stringify(field)}`;

  function load(agentId: string, copy: AgentCopy): Promise<Map<string, Stored>> {
    const loading = connection
      .run((client) => client.sendCommand(["HGETALL", keyOf(agentId)]) as Promise<string[]>)
      .then((flat) => {
        const entries = new Map<string, Stored>();
        for (let i = 0; i + 1 < flat.length; i += 2) entries.set(flat[i]!, parseEntry(where(agentId, flat[i]!), flat[i + 1]!));
        if (copy.loading === loading) {
          copy.entries = entries;
          copy.loading = undefined;
          for (const field of copy.touched) void refresh(agentId, field);
          copy.touched.clear();
        }
        return entries;
      });
    copy.loading = loading;
    // A failed load is tried again by the next read (a copy loaded before keeps serving meanwhile).
    loading.catch(() => {
      if (copy.loading === loading) copy.loading = undefined;
    });
    return loading;
  }

  /** One session changed by another host: read just that field. */
  async function refresh(agentId: string, field: string): Promise<void> {
    const copy = copies.get(agentId);
    if (!copy) return;
    if (copy.loading || !copy.entries) return void copy.touched.add(field);
    try {
      const text = (await connection.run((client) => client.sendCommand(["HGET", keyOf(agentId), field]))) as string | null;
      if (text === null) copy.entries.delete(field);
      else copy.entries.set(field, parseEntry(where(agentId, field), text));
    } catch {
      // The command connection failed while the subscriber stayed: read the whole copy again, with backoff.
      reload(agentId, copy, 1);
    }
  }

  function watchChanges(): void {
    if (unsubscribe || closed) return;
    unsubscribe = connection.subscribe(
      channel,
      (text) => {
        const change = parseSessionChange(text);
        if (!change || change.writer === writerId) return;
        if (copies.has(change.agent)) void refresh(change.agent, change.key);
      },
      // (Re)subscribed: what was sent while we were away is lost, so every copy is read again.
      () => {
        for (const [agentId, copy] of copies) reload(agentId, copy, 0);
      },
    );
  }

  /**
   * Reads a copy again after a resubscribe. The subscriber may be back before the command
   * connection is (it gives up sooner and starts afresh), so a failed read is tried again
   * with backoff; the copy serves what it had meanwhile.
   */
  function reload(agentId: string, copy: AgentCopy, attempt: number): void {
    if (closed || attempt >= RELOAD_ATTEMPTS) return;
    (copy.loading ?? load(agentId, copy)).catch(() => {
      setTimeout(() => reload(agentId, copy, attempt + 1), Math.min(100 * 2 ** attempt, 2_000)).unref();
    });
  }

  async function entries(agentId: string): Promise<Map<string, Stored>> {
    const id = normalizeAgentId(agentId);
    let copy = copies.get(id);
    if (copy?.entries) return copy.entries;
    if (!copy) {
      copy = { entries: undefined, loading: undefined, touched: new Set() };
      copies.set(id, copy);
      watchChanges();
    }
    return copy.loading ?? load(id, copy);
  }

  async function compareAndSet(agentId: string, field: string, expected: string | null, next: string): Promise<{ done: true } | { done: false; current: string | null }> {
    const reply = (await connection.run(
      (client) => runScript(client, SET_SESSION, [keyOf(agentId)], [field, expected === null ? "0" : "1", expected ?? "", next, channel, sessionChangeMessage({ agent: agentId, key: field, writer: writerId })]),
      { writes: true },
    )) as [number, string | null];
    return reply[0] === 1 ? { done: true } : { done: false, current: reply[1] };
  }

  return {
    path: label,

    async preload(agentId) {
      await entries(agentId);
    },

    async read(agentId, key) {
      const stored = (await entries(agentId)).get(sessionStoreKey(agentId, key));
      return entryOf(stored);
    },

    async update(agentId, key, change) {
      if (closed) throw new OpenClawError(`The connection to ${url.display} was closed.`);
      const id = normalizeAgentId(agentId);
      const field = sessionStoreKey(agentId, key);
      await entries(id);
      // Own writes go into the copy at once (the one in place then: a reload may have replaced it meanwhile).
      const remember = (stored: Stored) => copies.get(id)?.entries?.set(field, stored);
      // The entry as stored now: read it, not the copy (another host's message may still be on its way).
      let current = (await connection.run((client) => client.sendCommand(["HGET", keyOf(id), field]))) as string | null;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const stored = current === null ? undefined : parseEntry(where(id, field), current);
        const next = change(entryOf(stored));
        if (!next) {
          if (stored) remember(stored);
          return entryOf(stored);
        }
        const text = JSON.stringify(next);
        const result = await compareAndSet(id, field, current, text);
        if (result.done) {
          remember(next);
          return next;
        }
        current = result.current;
      }
      throw new OpenClawError(`Could not save session ${JSON.stringify(field)} in ${label(id)}: other writers kept changing it first (${MAX_ATTEMPTS} attempts).`);
    },

    close() {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      connection.release();
    },
  };
}
