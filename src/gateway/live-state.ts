// What the gateway serves from: config, env chain and the agent's credentials,
// reloaded when any of them changes, keeping the last good version when a file
// breaks. The credentials are watched through the backend (auth/backend.ts);
// the config and .env files through directory watches that mark the state
// suspect, so the next request stats them. Either way a CLI change applies to
// the very next request. Usage changes (cooldowns, last used) apply in memory
// at once and reach the store in coalesced background writes; each is tied to
// the credential it is about, so it never lands on a credential that replaced
// it, or re-creates a removed one. With a shared state (Redis) that is down or
// slow, requests never wait for it: see degraded.ts and docs/scale-out.md §5.
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AgentAuthView, CredentialBackend, StoreEra, StoreWatch } from "../auth/backend.ts";
import { danglingOrderEntries, describeDanglingOrderEntry, orderStoreName } from "../auth/dangling-order.ts";
import { SHELL_ENV_IMPORTED_KEYS, SHELL_ENV_TRIGGER_KEYS } from "../auth/env-keys.ts";
import { openCredentialBackend } from "../auth/open-backend.ts";
import { clearExpiredCooldowns } from "../auth/cooldown.ts";
import { mergeStores } from "../auth/store.ts";
import type { AuthStore } from "../auth/store-schema.ts";
import { primaryAgent, resolveAgent, type AgentInfo } from "../state/agents.ts";
import { loadStateContext, type ShellEnvReport, type StateContext } from "../state/context.ts";
import { resolveDotenvDir, type Env } from "../state/paths.ts";
import { statSignature } from "../state/safe-file.ts";
import { FileWatcher } from "../state/file-watcher.ts";
import { committingBackend } from "./committing-backend.ts";
import { isStateUnreachable } from "../auth/state-unreachable.ts";
import { applyUsage, type StateLinkStatus, type UsageChange, type UsageWriteStatus } from "./usage-change.ts";
import { pendingTokenWrites } from "../auth/refresh/pending-tokens.ts";
import { UsageQueue } from "./usage-queue.ts";
import { UNREAD_RETRY_MS, unreadView, type Unread } from "./degraded.ts";

export type { StateLinkStatus, UsageChange, UsageWriteStatus } from "./usage-change.ts";

export interface GatewaySnapshot {
  ctx: StateContext;
  agent: AgentInfo;
  primary: AgentInfo;
  view: AgentAuthView;
  /** Which backend the credentials came from (absent in tests that build a snapshot by hand: files). */
  storeEra?: StoreEra;
}

interface Loaded {
  snapshot: GatewaySnapshot;
  backend: CredentialBackend;
  storeWatch: StoreWatch;
  /** The credentials could not be read (the shared state was unreachable at start-up): the view is empty. */
  unread?: Unread;
}

export interface StateProblem {
  message: string;
  since: number;
}

export interface LiveStateOptions {
  env: Env;
  cwd: string;
  agentId?: string;
  /** How long usage changes wait to be written together. */
  flushDelayMs?: number;
  /** At most this many usage changes wait to be written (degraded.ts MAX_QUEUED_USAGE); for tests. */
  maxQueuedUsage?: number;
  /** For tests: `beforeRecordingWrite` runs after a usage write replaced the store and before the gateway notes what it wrote. */
  testHooks?: { beforeRecordingWrite?: () => void };
  log?: (line: string) => void;
}

function fileSignature(path: string): string {
  try {
    return statSignature(statSync(path));
  } catch {
    return "-";
  }
}

export class LiveState {
  private snapshot!: GatewaySnapshot;
  private signatures = new Map<string, string>();
  private reloading: Promise<void> | undefined;
  private turn: Promise<void> | undefined;
  private problem: StateProblem | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly usage: UsageQueue;
  private backend!: CredentialBackend;
  private storeWatch!: StoreWatch;
  /** The backend saw a committed change to the credentials since the last reload. */
  private storeChanged = false;
  private shellEnv: ShellEnvReport | undefined;
  private watcher: FileWatcher | undefined;
  /** A watched directory saw an event since the last check. */
  private suspect = false;
  /** The last reload that failed because the shared state was unreachable (said once per outage). */
  private lastUnreachable: string | undefined;
  /** Set while the credentials have never been read (started with the shared state unreachable). */
  private unread: (Unread & { timer: NodeJS.Timeout | undefined }) | undefined;
  /** The backend wrapper handed to OAuth refreshes, made once per backend. */
  private refreshing: { backend: CredentialBackend; wrapper: CredentialBackend } | undefined;

  private constructor(private readonly options: LiveStateOptions) {
    this.usage = new UsageQueue({
      write: (batch) => this.writeUsage(batch),
      networked: () => this.backend.link !== undefined,
      ...(options.flushDelayMs !== undefined ? { flushDelayMs: options.flushDelayMs } : {}),
      ...(options.maxQueuedUsage !== undefined ? { maxQueued: options.maxQueuedUsage } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  /** Loads everything once; a broken file at start-up is an error (there is no last good version yet). */
  static async start(options: LiveStateOptions): Promise<LiveState> {
    const state = new LiveState(options);
    state.snapshot = state.adopt(await state.load());
    state.signatures = state.currentSignatures();
    state.watcher = new FileWatcher(state.watchedFiles(), () => {
      state.suspect = true;
      state.notify();
    });
    return state;
  }

  /** Reads everything into a new snapshot with its own backend, watching the credentials from before the read on. */
  private async load(): Promise<Loaded> {
    const ctx = await loadStateContext({
      env: this.options.env,
      cwd: this.options.cwd,
      shellEnvKeys: { triggerKeys: SHELL_ENV_TRIGGER_KEYS, importKeys: SHELL_ENV_IMPORTED_KEYS },
      ...(this.shellEnv ? { previousShellEnv: this.shellEnv } : {}),
    });
    this.shellEnv = ctx.shellEnv;
    const agent = resolveAgent(ctx, this.options.agentId);
    const primary = primaryAgent(ctx);
    const backend = await openCredentialBackend(ctx);
    const storeWatch = backend.watch(agent.id, () => {
      this.storeChanged = true;
      this.notify();
    });
    try {
      const view = await backend.read(agent.id);
      return { snapshot: { ctx, agent, primary, view, storeEra: backend.era }, backend, storeWatch };
    } catch (error) {
      // Only at start-up: later, the last good snapshot is served instead.
      if (this.snapshot === undefined && isStateUnreachable(error)) {
        const unread = { since: Date.now(), message: (error as Error).message };
        return { snapshot: { ctx, agent, primary, view: unreadView(backend, agent, primary), storeEra: backend.era }, backend, storeWatch, unread };
      }
      backend.close();
      throw error;
    }
  }

  /** Serves from a loaded snapshot from now on, with what is still waiting to be written applied to it. */
  private adopt({ snapshot, backend, storeWatch, unread }: Loaded): GatewaySnapshot {
    if (unread) this.startUnread(unread);
    else if (this.unread) {
      clearTimeout(this.unread.timer);
      this.unread = undefined;
      this.options.log?.("the shared state is reachable: credentials read, serving model requests");
    }
    // Said once per load: requests skip these entries (profile-order.ts) without a word.
    for (const entry of danglingOrderEntries(snapshot.view.merged, snapshot.ctx.config)) this.options.log?.(`warning: ${describeDanglingOrderEntry(entry, orderStoreName(snapshot.ctx.era))}`);
    this.backend?.close();
    this.backend = backend;
    this.storeWatch = storeWatch;
    this.usage.applyTo(snapshot.view.own.store, snapshot.view.inherited?.store);
    return this.withMergedView(snapshot);
  }

  private withMergedView(snapshot: GatewaySnapshot): GatewaySnapshot {
    const { view } = snapshot;
    const merged = view.inherited ? mergeStores(view.inherited.store, view.own.store) : view.own.store;
    return { ...snapshot, view: { ...view, merged } };
  }

  /** The files besides the credentials whose change means a reload. */
  private watchedFiles(): string[] {
    const { ctx } = this.snapshot;
    return [ctx.configPath, join(resolveDotenvDir(this.options.env), ".env"), resolve(this.options.cwd, ".env")];
  }

  private currentSignatures(): Map<string, string> {
    return new Map(this.watchedFiles().map((file) => [file, fileSignature(file)]));
  }

  private changed(): boolean {
    for (const [file, signature] of this.signatures) if (fileSignature(file) !== signature) return true;
    return false;
  }

  /**
   * The state to serve a request with: reloaded first if something changed since.
   * Files are stat'ed only after a watch event (or always, where watching fails),
   * so a CLI change applies to the next request without a stat per request.
   */
  async current(): Promise<GatewaySnapshot> {
    // A change made before this request was sent is already queued as a watch event, but
    // may be in the same event-loop batch as the request: let this turn finish first.
    await this.nextTurn();
    // A network state (Redis) may be slow or away: its reloads run beside the requests, which are
    // served from the snapshot meanwhile (its changes arrive by pub/sub, never in step anyway).
    const beside = this.backend.link !== undefined && !this.unread;
    if (this.reloading) {
      if (!beside) await this.reloading;
    } else {
      if (this.storeWatch.polling) this.storeWatch.check();
      let changed = this.storeChanged;
      if (this.suspect || this.watcher?.polling !== false) {
        this.suspect = false;
        changed = this.changed() || changed;
      }
      if (changed) {
        this.reloading = this.reload().finally(() => (this.reloading = undefined));
        if (!beside) await this.reloading;
      }
    }
    return this.snapshot;
  }

  /**
   * Resolves after the current event-loop turn, like `setImmediate`; the requests that arrive in
   * one turn share one immediate (and one promise) instead of making one each.
   */
  private nextTurn(): Promise<void> {
    return (this.turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve();
      }),
    ));
  }

  /** The state as it is now, without checking the files (for bookkeeping after a request). */
  latest(): GatewaySnapshot {
    return this.snapshot;
  }

  /** Started without credentials: says so once, and tries to read them again until it can. */
  private startUnread(unread: Unread): void {
    this.options.log?.(`${unread.message} (serving no model requests until the credentials can be read; retrying in the background)`);
    const retry = () => {
      if (!this.unread) return;
      this.unread.timer = undefined;
      this.storeChanged = true;
      void this.current().finally(() => {
        if (this.unread && !this.unread.timer) this.unread.timer = setTimeout(retry, UNREAD_RETRY_MS).unref();
      });
    };
    this.unread = { ...unread, timer: setTimeout(retry, UNREAD_RETRY_MS).unref() };
  }

  /** Set while the gateway has not read its credentials yet (model requests get a 503 meanwhile). */
  unavailable(): Unread | undefined {
    return this.unread ? { since: this.unread.since, message: this.unread.message } : undefined;
  }

  /** The credential backend's link (a network state's reachability) and the usage waiting for it. */
  stateLink(): StateLinkStatus {
    const link = this.backend.link?.() ?? { connected: true };
    const connected = link.connected && !this.unread;
    const since = connected ? undefined : (link.since ?? this.unread?.since);
    return { backend: this.backend.era, connected, ...(since !== undefined ? { since } : {}), queuedUsageWrites: this.usage.queued(), pendingTokenWrites: pendingTokenWrites(), credentialsRead: !this.unread };
  }

  /** Stops watching and drops the pending write and retry timers (callers that want the usage on disk flush first). */
  close(): void {
    clearTimeout(this.unread?.timer);
    this.watcher?.close();
    this.backend?.close();
    this.usage.close();
  }

  private async reload(): Promise<void> {
    const signatures = this.currentSignatures();
    // Cleared first: a change committed while this reload reads is seen by the next request.
    this.storeChanged = false;
    try {
      this.snapshot = this.adopt(await this.load());
      this.notify();
      if (this.problem) this.options.log?.("state files readable again; serving the new version");
      this.problem = undefined;
      this.lastUnreachable = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (isStateUnreachable(error)) {
        // An outage, not a broken store: /health's `state` says so; said once per outage here.
        if (!this.unread && this.lastUnreachable !== message) this.options.log?.(`${message} (still serving the last good version)`);
        this.lastUnreachable = message;
        // Read again a little later (what it was about to read may be news); the watch may have nothing more to say.
        setTimeout(() => (this.storeChanged = true), UNREAD_RETRY_MS).unref();
      } else {
        if (this.problem?.message !== message) this.options.log?.(`${message} (still serving the last good version)`);
        this.problem = { message, since: this.problem?.message === message ? this.problem.since : Date.now() };
      }
    }
    // Even a failed load records what it saw, so a broken file is not re-read on every request.
    this.signatures = signatures;
    this.watcher?.setFiles(this.watchedFiles());
  }

  /**
   * Calls `listener` whenever the state may have changed: a watched file changed (call
   * `current()` to load it), a reload, or usage recorded in memory (a success, a cooldown).
   * Often, under load: a listener that does real work throttles itself. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) listener();
  }

  /** What is wrong with the files right now (for /health); the gateway serves the last good version meanwhile. */
  problems(): StateProblem[] {
    return this.problem ? [this.problem] : [];
  }

  usageStatus(): UsageWriteStatus {
    return this.usage.status();
  }

  /** Applies a usage change now and writes it to the agent's store soon, merged with whatever is there. */
  recordUsage(change: UsageChange): void {
    const { view } = this.snapshot;
    // The request may have started before a reload replaced its credential: then there is nothing to record.
    if (!applyUsage(change, view.own.store, view.inherited?.store)) return;
    // With nothing inherited the merged view is the agent's own store: already up to date.
    if (view.inherited) this.snapshot = this.withMergedView(this.snapshot);
    this.notify();
    // Waiting changes live until the next write (up to flushDelayMs), coalesced (usage-queue.ts).
    this.usage.add(change);
  }

  /**
   * Changes the served agent's own store through the backend (locked, atomic; either era), for
   * the Control UI's actions. Usage waiting to be written goes first, so a cooldown cleared here
   * is not brought back by an older failure landing after it. `change` gets the backend too, to
   * hold the default agent's store while it reads it (read-through); it returns
   * `touchedInherited: true` if it wrote there, which this backend does not report to its own
   * watch, so the next request reloads. Serves the result from the next request on.
   */
  async updateOwnStore<T>(change: (store: AuthStore, snapshot: GatewaySnapshot, backend: CredentialBackend) => Promise<{ result: T; touchedInherited?: boolean }> | { result: T; touchedInherited?: boolean }): Promise<T> {
    await this.current();
    await this.flush();
    const snapshot = this.snapshot;
    const backend = this.backend;
    const outcome = await backend.update(snapshot.agent.id, (store) => change(store, snapshot, backend), {
      onCommitted: (store) => this.adoptCommitted(store),
    });
    if (outcome.touchedInherited) this.storeChanged = true;
    this.notify();
    return outcome.result;
  }

  /** Serves the agent's own store as just committed through this backend (ours and anyone else's changes), plus the usage that came in since. */
  private adoptCommitted(store: AuthStore): void {
    this.usage.applyTo(store, this.snapshot.view.inherited?.store);
    const { view } = this.snapshot;
    this.snapshot = this.withMergedView({ ...this.snapshot, view: { ...view, own: { ...view.own, exists: true, store } } });
  }

  /**
   * The backend for OAuth refreshes (gateway/oauth-access.ts): what they commit to the served
   * agent's store is served from the next request on, without waiting for a watch event.
   */
  refreshBackend(): CredentialBackend {
    const backend = this.backend;
    if (this.refreshing?.backend === backend) return this.refreshing.wrapper;
    const wrapper = committingBackend(backend, (agentId, store) => {
      // Only while this backend is the one served from; the default agent's store is read through, so reload.
      if (this.backend === backend && agentId === this.snapshot.agent.id) this.adoptCommitted(store);
      else this.storeChanged = true;
    });
    this.refreshing = { backend, wrapper };
    return wrapper;
  }

  /** The store holds something newer than what is served (another process's refresh): the next request reloads. */
  credentialsChanged(): void {
    this.storeChanged = true;
  }

  /** Writes usage changes now (before a store change of the Control UI's, or at shutdown). */
  flush(): Promise<void> {
    return this.usage.flush();
  }

  /** One batch of usage changes, merged under the store's lock into the agent's store as it is now. */
  private writeUsage(batch: readonly UsageChange[]): Promise<void> {
    const { agent } = this.snapshot;
    const inherited = () => this.snapshot.view.inherited?.store;
    return this.backend.update(
      agent.id,
      (store) => {
        // Under the store's lock: the only place expired windows are removed from the file.
        clearExpiredCooldowns(store, Date.now());
        for (const change of batch) applyUsage(change, store, inherited());
      },
      {
        onCommitted: (store) => {
          this.options.testHooks?.beforeRecordingWrite?.();
          this.adoptCommitted(store);
        },
      },
    );
  }
}
