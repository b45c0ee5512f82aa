// `openclaw state push|pull [--agent <id> | --all-agents] [--dry-run] [--prefer-source]`:
// copy each agent's credentials between this host's state dir (JSON files or
// OpenClaw 2026.9's SQLite, whatever it holds) and the shared state (Redis,
// OPENCLAW_STATE_URL), merging per profile (auth/store-sync.ts says how). Each
// agent's merge is one backend `update`, so an agent is written whole or not at all.
import { addMissingProfileConfig } from "../../../auth/config-metadata.ts";
import type { CredentialBackend } from "../../../auth/backend.ts";
import { openLocalCredentialBackend } from "../../../auth/open-backend.ts";
import { credentialLabel } from "../../../auth/profile-label.ts";
import { STATE_URL_ENV, stateUrlOf } from "../../../auth/redis/state-url.ts";
import { mergeStoreInto, type ProfileSync, type SyncOutcome } from "../../../auth/store-sync.ts";
import { configuredAgentIds } from "../../../state/agents.ts";
import { updateConfigFile } from "../../../state/config.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { loadCommandContext, type CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printLine, type CliIO } from "../../io.ts";

export type SyncDirection = "push" | "pull";

export interface StateSyncOptions {
  agent?: string;
  allAgents?: boolean;
  dryRun?: boolean;
  preferSource?: boolean;
}

const OUTCOME_TEXT: Record<SyncOutcome, string> = {
  added: "added",
  updated: "updated (the source's expires later)",
  unchanged: "unchanged",
  "kept-newer": "kept destination (newer)",
  conflict: "conflict: kept destination",
  replaced: "replaced destination (--prefer-source)",
};
const SUMMARY_ORDER: SyncOutcome[] = ["added", "updated", "replaced", "unchanged", "kept-newer", "conflict"];
const SUMMARY_TEXT: Record<SyncOutcome, string> = { ...OUTCOME_TEXT, updated: "updated", conflict: "conflicts (kept destination)" };

function describe(result: ProfileSync): string {
  let text = OUTCOME_TEXT[result.outcome];
  const destination = result.destination ? credentialLabel(result.destination) : undefined;
  if (result.outcome === "conflict") text += ` ${destination}; the source has another credential (--prefer-source takes it)`;
  if (result.outcome === "replaced") text += `, was ${destination}`;
  if (result.usageMerged && result.outcome === "replaced") text += "; the source's cooldowns/usage with it";
  else if (result.usageMerged && result.outcome !== "added") text += "; later cooldowns/usage merged";
  return text;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => "  " + row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}

function agentsToSync(cc: CommandContext, options: StateSyncOptions): string[] {
  if (options.allAgents && options.agent !== undefined) throw new UsageError("Choose either --agent <id> or --all-agents, not both.");
  if (!options.allAgents) return [cc.agent.id];
  return [...new Set([cc.primary.id, ...configuredAgentIds(cc.ctx)])];
}

/** Adds `auth.profiles` metadata for pulled profiles the local config does not describe yet. */
async function addPulledMetadata(cc: CommandContext, results: ProfileSync[]): Promise<void> {
  const changed = await updateConfigFile(cc.ctx, (doc) => {
    for (const result of results) {
      const kept = result.outcome === "added" || result.outcome === "updated" || result.outcome === "replaced" ? result.source : (result.destination ?? result.source);
      addMissingProfileConfig(doc, { profileId: result.profileId, provider: kept.provider, mode: kept.type, ...(kept.email ? { email: kept.email } : {}) });
    }
  });
  if (changed.changed) printLine(cc.io, `Updated ${cc.ctx.display(cc.ctx.configPath)} (auth.profiles for the pulled profiles)`);
}

async function syncAgent(cc: CommandContext, agentId: string, from: CredentialBackend, to: CredentialBackend, options: StateSyncOptions): Promise<ProfileSync[]> {
  const display = cc.ctx.display;
  const source = (await from.read(agentId)).own.store;
  const merge = { preferSource: options.preferSource === true };
  const results = options.dryRun
    ? mergeStoreInto(source, structuredClone((await to.read(agentId)).own.store), merge)
    : await to.update(agentId, (store) => mergeStoreInto(source, store, merge));
  printLine(cc.io, `Agent ${agentId}: ${display(from.storePath(agentId))} -> ${display(to.storePath(agentId))}`);
  if (results.length === 0) printLine(cc.io, "  nothing to copy (no profiles)");
  else printLine(cc.io, table(results.map((result) => [result.profileId, result.source.type, credentialLabel(result.source), describe(result)])).join("\n"));
  return results;
}

function summary(direction: SyncDirection, agents: number, results: ProfileSync[], dryRun: boolean): string {
  const counts = SUMMARY_ORDER.map((outcome) => [outcome, results.filter((result) => result.outcome === outcome).length] as const).filter(([, count]) => count > 0);
  const parts = counts.length > 0 ? counts.map(([outcome, count]) => `${count} ${SUMMARY_TEXT[outcome]}`).join(", ") : "no profiles";
  const verb = direction === "push" ? "Pushed" : "Pulled";
  const what = `${agents} agent${agents === 1 ? "" : "s"}: ${parts}.`;
  return dryRun ? `Dry run, nothing was written. Would have ${verb.toLowerCase()} ${what}` : `${verb} ${what}`;
}

export async function run(direction: SyncDirection, options: StateSyncOptions, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io, options.agent);
  // Without a state URL, cc.backend is the local one: there is nothing to copy to or from.
  if (!stateUrlOf(cc.ctx)) {
    cc.backend.close();
    throw new OpenClawError(`No shared state is configured: \`openclaw state ${direction}\` copies credentials between this host and Redis.`, {
      hint: `Set ${STATE_URL_ENV}=redis://[user:password@]host:6379/0 (or config state.url), then run it again.`,
    });
  }
  const shared = cc.backend;
  let local: CredentialBackend | undefined;
  const all: ProfileSync[] = [];
  let agents: string[];
  try {
    agents = agentsToSync(cc, options);
    local = await openLocalCredentialBackend(cc.ctx);
    const [from, to] = direction === "push" ? [local, shared] : [shared, local];
    for (const agentId of agents) {
      const results = await syncAgent(cc, agentId, from, to, options);
      all.push(...results);
      if (direction === "pull" && !options.dryRun && results.length > 0) await addPulledMetadata(cc, results);
    }
  } finally {
    local?.close();
    shared.close();
  }
  printLine(io, summary(direction, agents.length, all, options.dryRun === true));
  return 0;
}

