// What most commands start from: the state context, the credential backend,
// and the agent they act on.
import { SHELL_ENV_IMPORTED_KEYS, SHELL_ENV_TRIGGER_KEYS } from "../auth/env-keys.ts";
import type { AgentAuthView, CredentialBackend } from "../auth/backend.ts";
import { openCredentialBackend } from "../auth/open-backend.ts";
import { primaryAgent, resolveAgent, type AgentInfo } from "../state/agents.ts";
import { loadStateContext, type StateContext } from "../state/context.ts";
import { onLockWait } from "../state/file-lock.ts";
import { printErrorLine, type CliIO } from "./io.ts";

export interface CommandContext {
  io: CliIO;
  ctx: StateContext;
  backend: CredentialBackend;
  agent: AgentInfo;
  primary: AgentInfo;
}

export async function loadCommandContext(io: CliIO, agentId?: string): Promise<CommandContext> {
  const ctx = await loadStateContext({
    env: io.env,
    cwd: io.cwd,
    shellEnvKeys: { triggerKeys: SHELL_ENV_TRIGGER_KEYS, importKeys: SHELL_ENV_IMPORTED_KEYS },
  });
  // OpenClaw's wording; the command still runs with what the other sources gave.
  if (ctx.shellEnv.error) printErrorLine(io, `[openclaw] shell env fallback failed: ${ctx.shellEnv.error}`);
  onLockWait((message) => printErrorLine(io, message));
  const agent = resolveAgent(ctx, agentId);
  const primary = primaryAgent(ctx);
  return { io, ctx, backend: await openCredentialBackend(ctx), agent, primary };
}

export function loadAuthView(cc: CommandContext): Promise<AgentAuthView> {
  return cc.backend.read(cc.agent.id);
}
