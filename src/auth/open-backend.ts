// The factory for the credential backend of a state context: Redis when a
// state URL is set (shared by several hosts, docs/scale-out.md), else OpenClaw
// 2026.9's SQLite when the state dir has its database, JSON files otherwise.
// The Redis and SQLite code (with their client and native binding) is loaded
// only when used, so the JSON era's start-up cost stays as it was.
import { defaultAgentId, resolveAgent } from "../state/agents.ts";
import type { StateContext } from "../state/context.ts";
import { stateDatabasePath } from "../state/paths.ts";
import type { CredentialBackend, StoreEra } from "./backend.ts";
import { createFileBackend, type BackendAgents } from "./file-backend.ts";
import { sqliteBindingError } from "./sqlite-layout.ts";
import { stateUrlOf, type StateUrl } from "./redis/state-url.ts";

export function backendAgents(ctx: StateContext): BackendAgents {
  return { defaultAgentId: defaultAgentId(ctx), agentDir: (agentId) => resolveAgent(ctx, agentId).dir };
}

export async function openCredentialBackend(ctx: StateContext): Promise<CredentialBackend> {
  const stateUrl = stateUrlOf(ctx);
  if (stateUrl) return openSharedCredentialBackend(ctx, stateUrl);
  return openLocalCredentialBackend(ctx);
}

/** The shared (Redis) backend of a state URL. */
export async function openSharedCredentialBackend(ctx: StateContext, stateUrl: StateUrl): Promise<CredentialBackend> {
  // Every agent's credentials are in Redis; the state dir still holds the config and .env.
  const { createRedisBackend } = await import("./redis-backend.ts");
  return createRedisBackend({ url: stateUrl, agents: backendAgents(ctx) });
}

/** The state dir's own backend, whatever the state URL says (`state push`/`pull` copy between the two). */
export async function openLocalCredentialBackend(ctx: StateContext): Promise<CredentialBackend> {
  const agents = backendAgents(ctx);
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

export interface BackendDescription {
  kind: "redis" | "sqlite" | "json";
  /** `redis (redis://:****@host:6379/0, prefix openclaw:)`, `sqlite (OpenClaw 2026.9)`, `json files`. */
  label: string;
  /** Redis only: the server with the password masked, and the key prefix. */
  server?: string;
  prefix?: string;
}

/** Which backend holds the credentials, for `models status` and `/api/status` (never the URL's password). */
export function describeCredentialBackend(ctx: StateContext, era: StoreEra): BackendDescription {
  if (era === "redis") {
    const url = stateUrlOf(ctx);
    if (url) return { kind: "redis", label: `redis (${url.displayServer}, prefix ${url.prefix})`, server: url.displayServer, prefix: url.prefix };
    return { kind: "redis", label: "redis" };
  }
  if (era === "sqlite") return { kind: "sqlite", label: "sqlite (OpenClaw 2026.9)" };
  return { kind: "json", label: "json files" };
}
