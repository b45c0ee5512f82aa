// The path of one model request (DESIGN §3), as a list of steps:
//
//   gateway auth → credentials read? → body → session → model (route) → credentials (plan) → attempt → relay
//
// Each step reads what earlier steps put on the exchange (exchange.ts), adds
// its own part, and either lets the next step run or ends the request with an
// outcome (an answer has been written). Later features are steps added here
// (a credential refresh inside the attempt loop).
import type { DispatchOutcome, Exchange } from "./exchange.ts";
import { checkGatewayToken } from "./steps/gateway-auth.ts";
import { refuseWhileUnread } from "./steps/state-ready.ts";
import { readChatRequest } from "./steps/read-request.ts";
import { resolveTarget } from "./steps/resolve-target.ts";
import { applySession } from "./steps/session.ts";
import { chooseCredentials } from "./steps/choose-credentials.ts";
import { attemptCandidates } from "./steps/attempt-candidates.ts";

/** A step ends the request by returning its outcome, or returns nothing to go on. */
export type Step = (exchange: Exchange) => DispatchOutcome | void | Promise<DispatchOutcome | void>;

export const MODEL_REQUEST_STEPS: readonly Step[] = [checkGatewayToken, refuseWhileUnread, readChatRequest, applySession, resolveTarget, chooseCredentials, attemptCandidates];

export async function runPipeline(steps: readonly Step[], exchange: Exchange): Promise<DispatchOutcome> {
  for (const step of steps) {
    const result = step(exchange);
    // Most steps are synchronous; awaiting only the promises saves a microtask turn per step.
    const outcome = result instanceof Promise ? await result : result;
    if (outcome) {
      exchange.afterAnswer?.(outcome);
      return outcome;
    }
  }
  // The last step always answers; reaching here is a bug in the list, not in the request.
  throw new Error("the request pipeline ended without an answer");
}
