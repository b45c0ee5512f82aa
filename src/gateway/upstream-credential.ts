// What goes upstream for a planned credential, when it is not the stored
// secret as is: the one seam where a stored credential is turned into what a
// provider accepts at the moment of use: OAuth access tokens refreshed when
// due (oauth-access.ts), and GitHub Copilot's exchange of the GitHub token for
// a Copilot token and the API host it names (copilot-access.ts). After a 401,
// either is redone once with the refused secret (`rejected`), then retried.
//
// Choices without a `prepare` never come here (the attempt loop checks the
// field): API keys and fresh tokens pay nothing for this.
import type { CredentialChoice } from "./candidates.ts";
import type { Candidate, Exchange } from "./exchange.ts";
import type { AttemptFailure } from "./final-error.ts";
import { copilotChoice, type CopilotTokenPlan } from "./copilot-access.ts";
import { needsRefresh, refreshedChoice, type OAuthRefreshPlan } from "./oauth-access.ts";

export type CredentialPreparation = OAuthRefreshPlan | CopilotTokenPlan;

export type PreparedCredential = CredentialChoice | { failure: AttemptFailure };

/**
 * The choice ready to send: as planned when nothing is due (no promise), else
 * after the work it needs. `rejected`: the secret an upstream just answered
 * 401 to; the preparation is redone whatever the local state says.
 */
export function prepareCredential(exchange: Exchange, candidate: Candidate, rejected?: string): PreparedCredential | Promise<PreparedCredential> {
  const { choice } = candidate;
  const plan = choice.prepare;
  if (!plan) return choice;
  switch (plan.kind) {
    case "oauth-refresh":
      if (rejected === undefined && !needsRefresh(plan, choice, Date.now())) return choice;
      return refreshedChoice({ deps: exchange.deps, snapshot: exchange.snapshot!, choice, plan, modelKey: candidate.modelKey, provider: candidate.spec.id, ...(rejected !== undefined ? { rejected } : {}) });
    case "copilot-token":
      return copilotChoice({ deps: exchange.deps, ctx: exchange.snapshot!.ctx, spec: candidate.spec, choice, plan, modelKey: candidate.modelKey, ...(rejected !== undefined ? { rejected } : {}) });
  }
}

/** Whether a 401 on this choice is worth one redo of its preparation and one retry. */
export function retriesAfterAuthFailure(choice: CredentialChoice): boolean {
  // An OAuth login: one forced refresh. Copilot: one new exchange (a cached token may have been revoked).
  return choice.prepare !== undefined;
}
