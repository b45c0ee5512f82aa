// What the gateway serves from: config, env chain and the agent's credentials,
// reloaded when any of their files changes (checked with a stat before each
// request, so a CLI change applies to the very next request), keeping the last
// good version when a file breaks. Usage changes (cooldowns, last used) apply in
// memory at once and reach the store in coalesced background writes.
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadAgentAuthView, type AgentAuthView } from "../auth/agent-view.ts";
import type { CredentialBackend } from "../auth/backend.ts";
import { danglingOrderEntries, describeDanglingOrderEntry } from "../auth/dangling-order.ts";
import { SHELL_ENV_IMPORTED_KEYS, SHELL_ENV_TRIGGER_KEYS } from "../auth/env-keys.ts";
import { createFileBackend } from "../auth/file-backend.ts";
import { authStorePath, mergeStores } from "../auth/store.ts";
import type { AuthStore } from "../auth/store-schema.ts";
import { primaryAgent, resolveAgent, type AgentInfo } from "../state/agents.ts";
import { loadStateContext, type ShellEnvReport, type StateContext } from "../state/context.ts";
import { resolveDotenvDir, type Env } from "../state/paths.ts";
import { FileWatcher } from "./file-watcher.ts";

export interface GatewaySnapshot {
  ctx: StateContext;
  agent: AgentInfo;
  primary: AgentInfo;
  view: AgentAuthView;
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
  log?: (line: string) => void;
}

type UsageChange = (store: AuthStore) => void;

function fileSignature(path: string): string {
  try {
    const stats = statSync(path);
    return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return "-";
  }
}

export class LiveState {
  private snapshot!: GatewaySnapshot;
  private signatures = new Map<string, string>();
  private reloading: Promise<void> | undefined;
  private problem: StateProblem | undefined;
  private pending: UsageChange[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private backend!: CredentialBackend;
  private shellEnv: ShellEnvReport | undefined;
  private watcher: FileWatcher | undefined;
  /** A watched directory saw an event since the last check. */
  private suspect = false;
  private lastFlushError: string | undefined;

  private constructor(private readonly options: LiveStateOptions) {}

  /** Loads everything once; a broken file at start-up is an error (there is no last good version yet). */
  static async start(options: LiveStateOptions): Promise<LiveState> {
    const state = new LiveState(options);
    state.snapshot = await state.load();
    state.signatures = state.currentSignatures();
    state.watcher = new FileWatcher(state.watchedFiles(), () => (state.suspect = true));
    return state;
  }

  private async load(): Promise<GatewaySnapshot> {
    const ctx = await loadStateContext({
      env: this.options.env,
      cwd: this.options.cwd,
      shellEnvKeys: { triggerKeys: SHELL_ENV_TRIGGER_KEYS, importKeys: SHELL_ENV_IMPORTED_KEYS },
      ...(this.shellEnv ? { previousShellEnv: this.shellEnv } : {}),
    });
    this.shellEnv = ctx.shellEnv;
    const agent = resolveAgent(ctx, this.options.agentId);
    const primary = primaryAgent(ctx);
    const backend = createFileBackend({ stateDir: ctx.stateDir, env: this.options.env });
    const view = await loadAgentAuthView(backend, agent.dir, primary.dir);
    // Said once per load: requests skip these entries (profile-order.ts) without a word.
    for (const entry of danglingOrderEntries(view.merged, ctx.config)) this.options.log?.(`warning: ${describeDanglingOrderEntry(entry)}`);
    this.backend = backend;
    const snapshot = { ctx, agent, primary, view };
    for (const change of this.pending) change(view.own.store);
    return this.withMergedView(snapshot);
  }

  private withMergedView(snapshot: GatewaySnapshot): GatewaySnapshot {
    const { view } = snapshot;
    const merged = view.inherited ? mergeStores(view.inherited.store, view.own.store) : view.own.store;
    return { ...snapshot, view: { ...view, merged } };
  }

  /** The files whose change means a reload. */
  private watchedFiles(): string[] {
    const { ctx, agent, primary } = this.snapshot;
    const files = [ctx.configPath, join(resolveDotenvDir(this.options.env), ".env"), resolve(this.options.cwd, ".env"), authStorePath(agent.dir)];
    if (primary.dir !== agent.dir) files.push(authStorePath(primary.dir));
    return files;
  }

  private currentSignatures(): Map<string, string> {
    return new Map(this.watchedFiles().map((file) => [file, fileSignature(file)]));
  }

  private changed(): boolean {
    for (const [file, signature] of this.signatures) if (fileSignature(file) !== signature) return true;
    return false;
  }

  /**
   * The state to serve a request with: reloaded first if a file changed since.
   * Files are stat'ed only after a watch event (or always, where watching fails),
   * so a CLI change applies to the next request without a stat per request.
   */
  async current(): Promise<GatewaySnapshot> {
    // A change made before this request was sent is already queued as a watch event, but
    // may be in the same event-loop batch as the request: let this turn finish first.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.reloading) await this.reloading;
    else if (this.suspect || this.watcher?.polling !== false) {
      this.suspect = false;
      if (this.changed()) await (this.reloading = this.reload().finally(() => (this.reloading = undefined)));
    }
    return this.snapshot;
  }

  close(): void {
    this.watcher?.close();
  }

  private async reload(): Promise<void> {
    const signatures = this.currentSignatures();
    try {
      this.snapshot = await this.load();
      if (this.problem) this.options.log?.("state files readable again; serving the new version");
      this.problem = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (this.problem?.message !== message) this.options.log?.(`${message} (still serving the last good version)`);
      this.problem = { message, since: this.problem?.message === message ? this.problem.since : Date.now() };
    }
    // Even a failed load records what it saw, so a broken file is not re-read on every request.
    this.signatures = signatures;
    this.watcher?.setFiles(this.watchedFiles());
  }

  /** What is wrong with the files right now (for /health); the gateway serves the last good version meanwhile. */
  problems(): StateProblem[] {
    return this.problem ? [this.problem] : [];
  }

  /** Applies a usage change now and writes it to the agent's store soon, merged with whatever is there. */
  recordUsage(change: UsageChange): void {
    change(this.snapshot.view.own.store);
    // With nothing inherited the merged view is the agent's own store: already up to date.
    if (this.snapshot.view.inherited) this.snapshot = this.withMergedView(this.snapshot);
    this.pending.push(change);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushDelayMs ?? 200);
  }

  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushing;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const { agent } = this.snapshot;
    const storePath = authStorePath(agent.dir);
    this.flushing = this.backend
      .update(agent.dir, (store) => batch.forEach((change) => change(store)), {
        onCommitted: (store) => {
          // Adopt what is on disk now (ours and anyone else's changes), plus what came in since.
          for (const change of this.pending) change(store);
          const { view } = this.snapshot;
          this.snapshot = this.withMergedView({ ...this.snapshot, view: { ...view, own: { ...view.own, exists: true, store } } });
          this.signatures.set(storePath, fileSignature(storePath));
        },
      })
      .then(() => (this.lastFlushError = undefined))
      .catch((error: Error) => {
        // Kept in memory and retried with the next change; said once, not on every retry.
        if (error.message !== this.lastFlushError) this.options.log?.(`could not save usage stats: ${error.message}`);
        this.lastFlushError = error.message;
        this.pending.unshift(...batch);
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }
}
