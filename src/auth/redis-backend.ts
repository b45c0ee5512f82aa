// Credentials in Redis, for several gateway hosts sharing one set of them
// (issue 12; docs/scale-out.md). Each agent has its own store, and another
// agent reads the default agent's store through, as with the JSON files
// (spec §1.4). The pieces are in redis/: where the keys are (keys.ts), how a
// store becomes hash fields (store-fields.ts), the Lua that reads and commits
// in one step (scripts.ts), the per-store lock (store-lock.ts), the change
// watch (store-watch.ts) and the shared connections (connection.ts).
// Loaded only when a state URL is set (open-backend.ts), with the client.
import { randomBytes } from "node:crypto";
import type { CredentialBackend, StoreSnapshot, StoreWatch } from "./backend.ts";
import { agentAuthView } from "./agent-view.ts";
import type { BackendAgents } from "./file-backend.ts";
import { emptyStore } from "./store.ts";
import type { AuthStore } from "./store-schema.ts";
import { acquireConnection } from "./redis/connection.ts";
import { agentKeys, changesChannel, dataKeys } from "./redis/keys.ts";
import { COMMIT, READ_STORES, runScript } from "./redis/scripts.ts";
import { redisRefreshLock } from "./redis/refresh-lease.ts";
import { acquireStoreLock } from "./redis/store-lock.ts";
import { createStoreWatch, type Revision } from "./redis/store-watch.ts";
import { fieldChanges, isUnchanged, pairs, storeFields, storeFromFields, type FieldChanges, type StoreFields } from "./redis/store-fields.ts";
import type { StateUrl } from "./redis/state-url.ts";
// The gateway's chat sessions in Redis come with this lazy module, so they share its
// connection pool (redis/connection.ts): a separate bundle would mean a second pool.
export { createRedisSessionStore } from "./redis/session-store.ts";

export interface RedisBackendOptions {
  url: StateUrl;
  agents: BackendAgents;
}

const HASHES = ["profiles", "usage", "doc"] as const satisfies readonly (keyof StoreFields)[];

function changeArgs(changes: FieldChanges[]): string[] {
  return changes.flatMap(({ set, remove }) => [String(set.length), ...set.flat(), String(remove.length), ...remove]);
}

export function createRedisBackend({ url, agents }: RedisBackendOptions): CredentialBackend {
  const connection = acquireConnection(url);
  const channel = changesChannel(url.prefix);
  /** Names this backend object's commits on the change channel. */
  const writerId = randomBytes(9).toString("base64url");
  const watches = new Set<StoreWatch>();
  /** One update per agent at a time from this object: the others would only wait for its lock. */
  const queues = new Map<string, Promise<unknown>>();
  /** Reads and updates under way: close() lets them finish (a reloading gateway closes a backend whose usage write is still landing). */
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  function tracked<T>(operation: Promise<T>): Promise<T> {
    pending.add(operation);
    const settled = () => pending.delete(operation);
    operation.then(settled, settled);
    return operation;
  }

  const keysOf = (agentId: string) => agentKeys(url.prefix, agentId);
  /** Where an agent's store is, for messages (`Auth store :`). */
  const storeLabel = (agentId: string) => `${url.displayServer} ${url.prefix}{agent:${agentId}}`;

  /** The stores of `agentIds`, read in one atomic step. */
  async function readStores(agentIds: string[]): Promise<StoreSnapshot[]> {
    const keys = agentIds.flatMap((agentId) => dataKeys(keysOf(agentId)));
    const reply = (await connection.run((client) => runScript(client, READ_STORES, keys, []))) as string[][];
    return Promise.all(
      agentIds.map(async (agentId, i): Promise<StoreSnapshot> => {
        const [profiles, usage, doc, rev] = reply.slice(i * 4, i * 4 + 4).map((flat) => pairs(flat ?? [])) as [Map<string, string>, Map<string, string>, Map<string, string>, Map<string, string>];
        const path = storeLabel(agentId);
        const exists = rev.has("n") || profiles.size > 0 || usage.size > 0 || doc.size > 0;
        const store = exists ? await storeFromFields(path, { profiles, usage, doc }, keysOf(agentId)) : emptyStore();
        return { path, exists, store };
      }),
    );
  }

  async function revisions(agentIds: string[]): Promise<Map<string, Revision>> {
    const replies = await connection.run((client) => Promise.all(agentIds.map((agentId) => client.sendCommand(["HMGET", keysOf(agentId).rev, "n", "writer", "epoch"]) as Promise<(string | null)[]>)));
    return new Map(agentIds.map((agentId, i) => [agentId, { n: Number(replies[i]?.[0] ?? 0), writer: replies[i]?.[1] ?? "", epoch: replies[i]?.[2] ?? "" }]));
  }

  async function commit(agentId: string, token: string, changes: FieldChanges[]): Promise<void> {
    const keys = keysOf(agentId);
    await connection.run((client) => runScript(client, COMMIT, [keys.lock, keys.profiles, keys.usage, keys.doc, keys.rev], [token, writerId, channel, agentId, randomBytes(9).toString("base64url"), ...changeArgs(changes)]), { writes: true });
  }

  async function lockedUpdate<T>(agentId: string, change: (store: AuthStore) => T | Promise<T>, onCommitted?: (store: AuthStore) => void): Promise<T> {
    const lock = await acquireStoreLock(connection, keysOf(agentId).lock, storeLabel(agentId));
    try {
      const [own] = await readStores([agentId]);
      const store = own!.store;
      const before = storeFields(store);
      const result = await change(store);
      const after = storeFields(store);
      let changes = HASHES.map((hash) => fieldChanges(before[hash], after[hash]));
      // A new store is written whole (its version too), so what Redis holds is the whole document.
      if (!isUnchanged(changes) && !own!.exists) changes = HASHES.map((hash) => fieldChanges(new Map(), after[hash]));
      if (!isUnchanged(changes)) await commit(agentId, lock.token, changes);
      onCommitted?.(store);
      return result;
    } finally {
      await lock.release();
    }
  }

  return {
    era: "redis",
    storePath: storeLabel,

    read(agentId) {
      const primary = agents.defaultAgentId;
      return tracked(
        readStores(agentId === primary ? [agentId] : [agentId, primary]).then(([own, inherited]) => agentAuthView(agentId, agents.agentDir(agentId), own!, inherited)),
      );
    },

    update(agentId, change, options) {
      const previous = queues.get(agentId) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => connection.busy(() => lockedUpdate(agentId, change, options?.onCommitted)));
      const tail = next.catch(() => undefined);
      queues.set(agentId, tail);
      void tail.then(() => {
        if (queues.get(agentId) === tail) queues.delete(agentId);
      });
      return tracked(next);
    },

    watch(agentId, onChange): StoreWatch {
      const primary = agents.defaultAgentId;
      const watch = createStoreWatch({
        agents: agentId === primary ? [agentId] : [agentId, primary],
        writerId,
        revisions,
        subscribe: (listener, onReady) => connection.subscribe(channel, listener, onReady),
        onChange,
        onClose: () => watches.delete(watch),
      });
      if (closed) watch.close();
      else watches.add(watch);
      return watch;
    },

    link: () => connection.link(),

    refreshLock: (provider, profileId) => redisRefreshLock(connection, url.prefix, provider, profileId),

    close() {
      if (closed) return;
      closed = true;
      for (const watch of [...watches]) watch.close();
      // The connection goes once what is under way has finished: a cut-off update would leave its lock to expire.
      void Promise.allSettled([...pending]).then(() => connection.release());
    },
  };
}
