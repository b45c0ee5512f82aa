// Connections to the shared-state Redis, one pair per URL and process (a
// command connection and, once something watches, a subscriber), shared by
// every backend object on that URL: the gateway opens a new backend on each
// reload, and that must not mean a new TCP and AUTH handshake.
// A command never waits forever: connecting times out, reconnects are
// bounded, and commands fail at once while the connection is down (no offline
// queue), so a CLI write against a dead Redis ends with a clear error.
// The sockets are unref'd while idle, so a CLI command exits when it is done.
import { ClientOfflineError, createClient, ErrorReply } from "redis";
import { OpenClawError } from "../../state/errors.ts";
import type { StateUrl } from "./state-url.ts";

type Client = ReturnType<typeof createClient>;

const CONNECT_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 10_000;
/** Attempts after the first before a command connection gives up (the next command starts afresh). */
const RECONNECT_ATTEMPTS = 2;

interface Entry {
  url: StateUrl;
  refs: number;
  client: Client | undefined;
  connecting: Promise<Client> | undefined;
  inFlight: number;
  subscriber: Subscriber | undefined;
}

interface Subscriber {
  client: Client;
  channels: Map<string, { listeners: Set<(message: string) => void>; subscribed: boolean }>;
  onReady: Set<() => void>;
}

const pool = new Map<string, Entry>();

export interface RedisConnection {
  readonly url: StateUrl;
  /**
   * Keeps the process alive while `work` runs (the sockets are unref'd while idle, so a CLI
   * command exits when it is done, not when Redis closes the connection).
   */
  busy<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `op` on the connected command client; a failure becomes an OpenClawError naming the URL (password masked). */
  run<T>(op: (client: Client) => Promise<T>, options?: { writes?: boolean }): Promise<T>;
  /**
   * Hears `channel`'s messages. `onReady` is called each time the subscription is in place
   * (first, and after every reconnect: messages sent meanwhile are lost, so the caller looks).
   */
  subscribe(channel: string, listener: (message: string) => void, onReady: () => void): () => void;
  release(): void;
}

function clientOptions(url: StateUrl, reconnectAttempts: number) {
  return {
    socket: {
      host: url.host,
      port: url.port,
      tls: url.tls as false,
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number, cause: Error) => {
        // Redis answered and said no (a wrong password): trying again will not change its mind.
        if (cause instanceof ErrorReply) return cause;
        return retries >= reconnectAttempts ? new Error(`gave up after ${retries + 1} attempts: ${cause.message}`) : Math.min(100 * 2 ** retries, 2_000);
      },
    },
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    database: url.database,
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
  };
}

/** Redis could not be reached (down, restarting, cut off): a moment's failure, not a fault in what is stored. */
export class RedisUnreachableError extends OpenClawError {
  constructor(message: string, options: { hint?: string; cause?: unknown }) {
    super(message, options);
    this.name = "RedisUnreachableError";
  }
}

/**
 * What a Redis failure means to the user, with the URL's password masked. `sent`: a write
 * may have reached Redis before the failure, so whether it ran is unknown.
 */
export function explainRedisError(url: StateUrl, error: unknown, sent = false): Error {
  if (error instanceof OpenClawError) return error;
  const reason = String((error as Error)?.message ?? error);
  const where = `Redis at ${url.display}`;
  // A refused AUTH may come wrapped (node-redis's ReconnectStrategyError): the reply's text says it.
  if (/^(NOAUTH|WRONGPASS)/.test(reason)) return new OpenClawError(`${where} refused our credentials: ${reason}`, { hint: "Check the user and password in OPENCLAW_STATE_URL (or config state.url).", cause: error });
  if (error instanceof ErrorReply) return new OpenClawError(`${where} answered with an error: ${reason}`, { cause: error });
  return new RedisUnreachableError(`Cannot reach the shared state (${where}): ${reason}`, {
    hint: `Check that Redis is running at ${url.host}:${url.port} and that OPENCLAW_STATE_URL (or config state.url) names it; ${sent ? "a write under way may or may not have been stored (`openclaw models auth list` shows what is)" : "nothing was written"}.`,
    cause: error,
  });
}

function connectCommandClient(entry: Entry): Promise<Client> {
  const client = createClient(clientOptions(entry.url, RECONNECT_ATTEMPTS));
  // Without a listener an 'error' event would end the process; failures reach the caller through its command.
  client.on("error", () => undefined);
  client.on("end", () => {
    if (entry.client === client) entry.client = undefined;
  });
  // Ref'd while connecting: the command waiting for it keeps the process alive (busy() unrefs it when idle).
  const connecting = client.connect().then(
    () => {
      entry.client = client;
      return client;
    },
    (error: unknown) => {
      destroyQuietly(client);
      throw error;
    },
  );
  return connecting.finally(() => {
    if (entry.connecting === connecting) entry.connecting = undefined;
  });
}

async function commandClient(entry: Entry): Promise<Client> {
  if (entry.client?.isReady) return entry.client;
  if (entry.client) {
    // Reconnecting (or gave up): commands fail fast rather than queue; a dead one is replaced.
    if (entry.client.isOpen) return entry.client;
    entry.client = undefined;
  }
  entry.connecting ??= connectCommandClient(entry);
  return entry.connecting;
}

function startSubscriber(entry: Entry): Subscriber {
  // A watcher keeps trying (a gateway must hear changes again once Redis is back); its socket never keeps a process alive.
  const client = createClient({ ...clientOptions(entry.url, Number.POSITIVE_INFINITY), disableOfflineQueue: false });
  const subscriber: Subscriber = { client, channels: new Map(), onReady: new Set() };
  client.on("error", () => undefined);
  client.unref();
  let first = true;
  client.on("ready", () => {
    // The first 'ready' comes before any subscription; later ones after node-redis resubscribed.
    if (first) return void (first = false);
    for (const state of subscriber.channels.values()) state.subscribed = true;
    queueMicrotask(() => subscriber.onReady.forEach((ready) => ready()));
  });
  client.connect().catch(() => undefined);
  return subscriber;
}

function destroyQuietly(client: Client): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

/** Lets what is in flight finish, then closes; never throws (close() does on a closed client). */
function closeClient(client: Client | undefined): void {
  if (!client) return;
  if (!client.isOpen) return destroyQuietly(client);
  client.close().catch(() => destroyQuietly(client));
}

export function acquireConnection(url: StateUrl): RedisConnection {
  let entry = pool.get(url.identity);
  if (!entry) {
    entry = { url, refs: 0, client: undefined, connecting: undefined, inFlight: 0, subscriber: undefined };
    pool.set(url.identity, entry);
  }
  entry.refs++;
  const shared = entry;
  let released = false;
  return {
    url,
    async busy(work) {
      shared.inFlight++;
      shared.client?.ref();
      try {
        return await work();
      } finally {
        if (--shared.inFlight === 0) shared.client?.unref();
      }
    },
    run(op, options) {
      if (released) return Promise.reject(new OpenClawError(`The connection to ${url.display} was closed.`));
      return this.busy(async () => {
        let sent = false;
        try {
          const client = await commandClient(shared);
          client.ref();
          sent = options?.writes === true;
          return await op(client);
        } catch (error) {
          throw explainRedisError(url, error, sent && !(error instanceof ClientOfflineError));
        }
      });
    },
    subscribe(channel, listener, onReady) {
      const subscriber = (shared.subscriber ??= startSubscriber(shared));
      let state = subscriber.channels.get(channel);
      if (!state) {
        const created = { listeners: new Set<(message: string) => void>(), subscribed: false };
        state = created;
        subscriber.channels.set(channel, created);
        subscriber.client
          .subscribe(channel, (message: string) => created.listeners.forEach((hear) => hear(message)))
          .then(() => {
            created.subscribed = true;
            subscriber.onReady.forEach((ready) => ready());
          })
          .catch(() => undefined); // a lost connection: 'ready' after the reconnect resubscribes and tells
      } else if (state.subscribed) queueMicrotask(onReady);
      const { listeners } = state;
      listeners.add(listener);
      subscriber.onReady.add(onReady);
      return () => {
        listeners.delete(listener);
        subscriber.onReady.delete(onReady);
      };
    },
    release() {
      if (released) return;
      released = true;
      if (--shared.refs > 0) return;
      pool.delete(url.identity);
      closeClient(shared.client);
      shared.connecting?.then(closeClient, () => undefined);
      // A subscriber has nothing pending worth waiting for, and close() would wait out a reconnect.
      if (shared.subscriber) destroyQuietly(shared.subscriber.client);
    },
  };
}
