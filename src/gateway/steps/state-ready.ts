// A gateway that started while its shared state (Redis) was unreachable has no
// credentials to serve with: a model request gets an honest, retryable 503
// (not a 500, which would mean a bug in us; not a 401, which would say the
// credential is missing) until the background retry has read them.
import { redactSecrets } from "../../auth/redact.ts";
import { sendApiError } from "../api-errors.ts";
import { UNREAD_RETRY_AFTER_S } from "../degraded.ts";
import type { DispatchOutcome, Exchange } from "../exchange.ts";

export function refuseWhileUnread(exchange: Exchange): DispatchOutcome | undefined {
  const unread = exchange.deps.state.unavailable();
  if (!unread) return undefined;
  exchange.req.resume();
  const since = new Date(unread.since).toISOString();
  const message = redactSecrets(`The gateway has not been able to read its credentials since ${since}: ${unread.message}. It keeps trying; retry in a few seconds.`);
  sendApiError(exchange.res, exchange.route.format, 503, message, { "retry-after": String(UNREAD_RETRY_AFTER_S) }, "state_unavailable");
  return { status: 503, note: "shared state unreachable" };
}
