// "The shared state cannot be reached right now" (Redis down, restarting, or
// cut off), as opposed to a refused password or a broken store. The gateway
// keeps serving its snapshot and queues its usage writes on this one; anything
// else is a real problem. Recognised by name, not instanceof: the Redis code
// is a separate lazy bundle with its own copy of this class.
import { OpenClawError } from "../state/errors.ts";

export class StateUnreachableError extends OpenClawError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "StateUnreachableError";
  }
}

export function isStateUnreachable(error: unknown): boolean {
  return (error as Error | undefined)?.name === "StateUnreachableError";
}

/** How the link to a shared state is doing (the Redis backend's `link()`), for /health and status. */
export interface StateLink {
  connected: boolean;
  /** When it was last seen down (ms since epoch), while it is down. */
  since?: number;
  /** Why, masked (e.g. `connect ECONNREFUSED 127.0.0.1:6379`). */
  reason?: string;
}
