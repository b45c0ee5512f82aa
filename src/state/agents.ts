// Agents and their dirs (spec §1.1): `agents.list[]` entries with `id`,
// `default` and `agentDir`; the default agent is `main` unless configured.
import { join } from "node:path";
import { OpenClawError } from "./errors.ts";
import { DEFAULT_AGENT_ID, expandTilde, normalizeAgentId } from "./paths.ts";
import type { StateContext } from "./context.ts";

type AgentEntry = NonNullable<NonNullable<StateContext["config"]["agents"]>["list"]>[number];

export interface AgentInfo {
  id: string;
  dir: string;
  isDefault: boolean;
  entry: AgentEntry | undefined;
}

/** `agents.list` (2026.2.26) and `agents.entries` (2026.9, keyed by id), as one list. */
function agentEntries(ctx: StateContext): AgentEntry[] {
  const keyed = Object.entries(ctx.config.agents?.entries ?? {}).map(([id, entry]) => ({ ...entry, id }));
  return [...(ctx.config.agents?.list ?? []), ...keyed];
}

export function defaultAgentId(ctx: StateContext): string {
  const entries = agentEntries(ctx);
  const chosen = entries.find((entry) => entry.default === true) ?? entries[0];
  return chosen ? normalizeAgentId(chosen.id) : DEFAULT_AGENT_ID;
}

export function configuredAgentIds(ctx: StateContext): string[] {
  const ids = agentEntries(ctx).map((entry) => normalizeAgentId(entry.id));
  return ids.length > 0 ? ids : [DEFAULT_AGENT_ID];
}

function agentDirFor(ctx: StateContext, id: string, entry: AgentEntry | undefined, isDefault: boolean): string {
  if (isDefault) {
    const override = ctx.processEnv.OPENCLAW_AGENT_DIR?.trim() || ctx.processEnv.PI_CODING_AGENT_DIR?.trim();
    if (override) return expandTilde(override, ctx.processEnv);
  }
  if (entry?.agentDir?.trim()) return expandTilde(entry.agentDir.trim(), ctx.processEnv);
  return join(ctx.stateDir, "agents", id, "agent");
}

/** The agent `--agent <id>` names, or the configured default. Unknown ids are an error. */
export function resolveAgent(ctx: StateContext, requested?: string): AgentInfo {
  const defaultId = defaultAgentId(ctx);
  const id = requested === undefined ? defaultId : normalizeAgentId(requested);
  const known = configuredAgentIds(ctx);
  if (!known.includes(id) && id !== defaultId) {
    throw new OpenClawError(`Unknown agent id "${requested}". Configured agents: ${known.join(", ")}.`, {
      hint: "Agents are listed under agents.list in openclaw.json.",
    });
  }
  const entry = agentEntries(ctx).find((candidate) => normalizeAgentId(candidate.id) === id);
  const isDefault = id === defaultId;
  return { id, dir: agentDirFor(ctx, id, entry, isDefault), isDefault, entry };
}

/** Non-default agents read the default agent's profiles through (their own win). */
export function primaryAgent(ctx: StateContext): AgentInfo {
  return resolveAgent(ctx);
}
