// What the gateway does while its shared state (Redis) cannot be reached
// (docs/scale-out.md §5): it serves from the last snapshot, keeps a bounded
// queue of usage changes for when the state is back, and, if it never read the
// credentials at all (started during an outage), answers model requests with
// an honest, retryable 503 until it has.
import type { AgentAuthView, CredentialBackend } from "../auth/backend.ts";
import { agentAuthView } from "../auth/agent-view.ts";
import { emptyStore } from "../auth/store.ts";
import type { AgentInfo } from "../state/agents.ts";

/**
 * At most this many usage changes wait for the state to come back (one per request outcome,
 * successes of one credential and model coalesced). Past it the oldest are dropped: they are
 * statistics and cooldowns, and a cooldown old enough to be dropped has mostly run out.
 */
export const MAX_QUEUED_USAGE = 5_000;

/** A failed write to a network state is tried again at most this far apart (a file's waits up to a minute). */
export const NETWORK_RETRY_MAX_MS = 2_000;

/** How often a gateway that has not read its credentials yet tries again. */
export const UNREAD_RETRY_MS = 1_000;

/** Seconds a client is told to wait (`retry-after`) while the gateway has not read its credentials. */
export const UNREAD_RETRY_AFTER_S = 5;

/** Why the gateway serves nothing yet: it started while the shared state was unreachable. */
export interface Unread {
  since: number;
  message: string;
}

/** An agent view with nothing in it, served from until the first read succeeds (model requests are refused meanwhile). */
export function unreadView(backend: CredentialBackend, agent: AgentInfo, primary: AgentInfo): AgentAuthView {
  const empty = (agentId: string) => ({ path: backend.storePath(agentId), exists: false, store: emptyStore() });
  return agentAuthView(agent.id, agent.dir, empty(agent.id), agent.id === primary.id ? undefined : empty(primary.id));
}

/** Drops the oldest entries past the bound; returns how many went. */
export function trimQueue<T>(queue: T[], max = MAX_QUEUED_USAGE): number {
  const excess = queue.length - max;
  if (excess <= 0) return 0;
  queue.splice(0, excess);
  return excess;
}
