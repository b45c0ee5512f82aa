// `openclaw models auth order get|set|clear --provider <p> [--agent <id>] [--json]`
// (spec §3.2): the per-agent override kept in that agent's auth store (auth-profiles.json, or 2026.9's database).
import { storeLocationLabel } from "../../../auth/backend.ts";
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { mergeStores } from "../../../auth/store.ts";
import type { AuthStore } from "../../../auth/store-schema.ts";
import { FileLockBusyError } from "../../../state/file-lock.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { ownValue } from "../../../state/own-keys.ts";
import { loadAuthView, loadCommandContext, type CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printErrorLine, printJson, printLine, type CliIO } from "../../io.ts";
import { profileIdArgument } from "../../profile-id-argument.ts";
import type { AgentAuthView } from "../../../auth/agent-view.ts";

export interface OrderOptions {
  action: "get" | "set" | "clear";
  provider: string;
  profileIds: string[];
  json?: boolean;
  agent?: string;
}

function orderKey(store: AuthStore, provider: string): string | undefined {
  return Object.keys(store.order ?? {}).find((key) => normalizeProviderId(key) === provider);
}

function withoutProvider(store: AuthStore, provider: string): void {
  for (const key of Object.keys(store.order ?? {})) if (normalizeProviderId(key) === provider) delete store.order![key];
  if (store.order && Object.keys(store.order).length === 0) delete store.order;
}

async function updateOrder(cc: CommandContext, change: (store: AuthStore) => void | Promise<void>): Promise<void> {
  try {
    await cc.backend.update(cc.agent.id, change);
  } catch (error) {
    if (error instanceof FileLockBusyError) throw new OpenClawError("Failed to update auth-profiles.json (lock busy?).", { hint: error.hint ?? "" });
    throw error;
  }
}

interface ShownOrder {
  order: string[] | undefined;
  /** The agent whose store holds the order, when it is not this one (read-through). */
  inheritedFrom?: string;
}

function printOrder(cc: CommandContext, provider: string, shown: ShownOrder, options: OrderOptions, withFile: boolean): void {
  const storePath = cc.ctx.display(cc.backend.storePath(cc.agent.id));
  const { order, inheritedFrom } = shown;
  if (options.json) {
    const doc = { agentId: cc.agent.id, agentDir: cc.agent.dir, provider, authStorePath: storePath, order: order ?? null };
    printJson(cc.io, inheritedFrom ? { ...doc, inheritedFrom } : doc);
    return;
  }
  printLine(cc.io, `Agent: ${cc.agent.id}`);
  printLine(cc.io, `Provider: ${provider}`);
  if (withFile) printLine(cc.io, `${storeLocationLabel(cc.backend.era)}: ${storePath}`);
  const list = order && order.length > 0 ? order.join(", ") : "(none)";
  printLine(cc.io, `Order override: ${list}${inheritedFrom ? ` (inherited from ${inheritedFrom})` : ""}`);
}

export async function run(options: OrderOptions, io: CliIO): Promise<number> {
  const provider = normalizeProviderId(options.provider);
  if (!provider) throw new UsageError("--provider must not be empty.");
  const cc = await loadCommandContext(io, options.agent);

  if (options.action === "get") {
    printOrder(cc, provider, shownOrder(await loadAuthView(cc), cc, provider), options, true);
    return 0;
  }

  if (options.action === "clear") {
    const view = await loadAuthView(cc);
    if (orderKey(view.own.store, provider) === undefined) {
      const shown = shownOrder(view, cc, provider);
      if (options.json) printOrder(cc, provider, shown, options, true);
      else printLine(io, "No per-agent order override to clear.");
      if (shown.inheritedFrom) {
        printErrorLine(io, `The order for ${cc.agent.id} comes from agent ${shown.inheritedFrom}: openclaw models auth order clear --provider ${provider} --agent ${shown.inheritedFrom}`);
      }
      return 0;
    }
    await updateOrder(cc, (store) => withoutProvider(store, provider));
    if (options.json) printOrder(cc, provider, shownOrder(await loadAuthView(cc), cc, provider), options, true);
    else printLine(io, "Cleared per-agent order override.");
    return 0;
  }

  const ids = [...new Set(options.profileIds.map(profileIdArgument).filter(Boolean))];
  if (ids.length === 0) throw new UsageError("Missing profile ids. Provide one or more profile ids.");
  // The ids are checked against the store as re-read under its lock, the same
  // lock `logout` takes: a profile removed meanwhile is "not found" here rather
  // than left named by the order. A refusal throws before anything is written.
  await updateOrder(cc, (store) =>
    withDefaultAgentStore(cc, (inherited) => {
      requireOrderableIds(cc, inherited ? mergeStores(inherited, store) : store, provider, ids);
      withoutProvider(store, provider);
      store.order = { ...store.order, [provider]: ids };
    }),
  );
  printOrder(cc, provider, { order: ids }, options, false);
  return 0;
}

/** Every id must be a profile this agent can use (its own or read through), of `provider`. */
function requireOrderableIds(cc: CommandContext, visible: AuthStore, provider: string, ids: readonly string[]): void {
  for (const id of ids) {
    const credential = ownValue(visible.profiles, id);
    if (!credential) throw new UsageError(`Auth profile "${id}" not found in ${cc.agent.dir}.`, "See: openclaw models auth list");
    const owner = normalizeProviderId(credential.provider);
    if (owner !== provider) throw new UsageError(`Auth profile "${id}" is for ${owner}, not ${provider}.`);
  }
}

/**
 * For another agent, runs `fn` with the default agent's store (whose profiles it
 * reads through) held under that store's lock too, so a `logout` there cannot
 * slip in either; the default agent itself gets undefined. Writes nothing there.
 */
async function withDefaultAgentStore(cc: CommandContext, fn: (inherited: AuthStore | undefined) => void): Promise<void> {
  if (cc.agent.dir === cc.primary.dir) return fn(undefined);
  // An update that changes nothing is a read under the lock.
  await cc.backend.update(cc.primary.id, (primary) => fn(primary));
}

/** The order this agent runs with: its own, else the default agent's (read-through). */
function shownOrder(view: AgentAuthView, cc: CommandContext, provider: string): ShownOrder {
  const own = orderKey(view.own.store, provider);
  if (own !== undefined) return { order: view.own.store.order![own] };
  const inherited = view.inherited && orderKey(view.inherited.store, provider);
  if (view.inherited && inherited !== undefined) return { order: view.inherited.store.order![inherited], inheritedFrom: cc.primary.id };
  return { order: undefined };
}
