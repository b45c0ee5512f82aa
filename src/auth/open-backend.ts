// The factory for the credential backend of a state context: Redis when a
// state URL is set (shared by several hosts, docs/scale-out.md), else OpenClaw
// 2026.9's SQLite when the state dir has its database, JSON files otherwise.
// The Redis and SQLite code (with their client and native binding) is loaded
// only when used, so the JSON era's start-up cost stays as it was.
import { defaultAgentId, resolveAgent } from "../state/agents.ts";
import type { StateContext } from "../state/context.ts";
import { stateDatabasePath } from "../state/paths.ts";
import type { CredentialBackend } from "./backend.ts";
import { createFileBackend, type BackendAgents } from "./file-backend.ts";
import { sqliteBindingError } from "./sqlite-layout.ts";
import { stateUrlOf } from "./redis/state-url.ts";

export function backendAgents(ctx: StateContext): BackendAgents {
  return { defaultAgentId: defaultAgentId(ctx), agentDir: (agentId) => resolveAgent(ctx, agentId).dir };
}

export async function openCredentialBackend(ctx: StateContext): Promise<CredentialBackend> {
  const agents = backendAgents(ctx);
  const stateUrl = stateUrlOf(ctx);
  if (stateUrl) {
    // Every agent's credentials are in Redis; the state dir still holds the config and .env.
    const { createRedisBackend } = await import("./redis-backend.ts");
    return createRedisBackend({ url: stateUrl, agents });
  }
  if (ctx.era === "sqlite") {
    const databasePath = stateDatabasePath(ctx.stateDir);
    const { openSqliteBackend } = await import("./sqlite-backend.ts").catch((error: unknown) => {
      throw sqliteBindingError(ctx.display(databasePath), error);
    });
    const backend = openSqliteBackend({ stateDir: ctx.stateDir, databasePath, agents, display: ctx.display });
    if (backend) return backend;
  }
  return createFileBackend({ stateDir: ctx.stateDir, env: ctx.processEnv, agents });
}
