// Attempt and relay: each planned credential in turn until one answers. An
// answer (or a refusal that retrying elsewhere would not change) goes to the
// client and ends the request; a failover-worthy failure is recorded against
// the credential (cooldowns) and the next one is tried. When none is left,
// the client hears why (final-error.ts). Every answer from an upstream names
// what served it (x-openclaw-model, x-openclaw-profile, and
// x-openclaw-fallback when a fallback did).
import type { ServerResponse } from "node:http";
import { profileAvailability, recordFailure, recordSuccess } from "../../auth/cooldown.ts";
import { providerOfProfileId } from "../../auth/provider-id.ts";
import { redactSecrets } from "../../auth/redact.ts";
import { formatModelRef } from "../../providers/model-ref.ts";
import type { ProviderSpec } from "../../providers/registry.ts";
import { relayLimits } from "../../providers/upstream.ts";
import { sendApiError } from "../api-errors.ts";
import { speaksClientApi, type AttemptResult, type ChatRequest } from "../attempt-result.ts";
import type { CredentialChoice } from "../candidates.ts";
import type { Candidate, DispatchOutcome, Exchange } from "../exchange.ts";
import { answerNothingWorked, type AttemptFailure } from "../final-error.ts";
import { attempt } from "../forward.ts";
import type { GatewaySnapshot, LiveState } from "../live-state.ts";
import { memo } from "../snapshot-memo.ts";
import { prepareCredential, retriesAfterAuthFailure } from "../upstream-credential.ts";

/** Records what the attempt says about a stored credential; returns when a failed one may be tried again. */
function recordResult(state: LiveState, snapshot: GatewaySnapshot, candidate: Candidate, result: AttemptResult, now: number): number | undefined {
  const { profileId, fingerprint } = candidate.choice;
  if (!profileId || !fingerprint) return undefined;
  const provider = candidate.spec.id;
  const model = candidate.model.model;
  // A client that left after the upstream answered still used the credential successfully.
  if (result.kind === "sent" || (result.kind === "aborted" && result.answered)) {
    state.recordUsage({ profileId, fingerprint, provider, kind: "success", model, apply: (store) => recordSuccess(store, { profileId, provider, model, now }) });
    return undefined;
  }
  if (result.kind !== "failed" || result.upstreamFault) return undefined;
  const cooldowns = snapshot.ctx.config.auth?.cooldowns;
  const failure = { profileId, provider, reason: result.reason, model, now, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) };
  state.recordUsage({ profileId, fingerprint, provider, kind: "failure", model, apply: (store) => recordFailure(store, { ...failure, ...(cooldowns ? { cooldowns } : {}) }) });
  const availability = profileAvailability(state.latest().view.merged, profileId, provider, model, now);
  return availability.usable ? undefined : availability.until;
}

/** An upstream refusal goes back as the upstream said it, in the client's own API format. */
function relayRejection(res: ServerResponse, request: ChatRequest, spec: ProviderSpec, result: Extract<AttemptResult, { kind: "rejected" }>, servedBy: Record<string, string>): void {
  if (speaksClientApi(spec, request) && result.body !== undefined) {
    res.writeHead(result.status, { ...servedBy, "content-type": result.contentType ?? "application/json" });
    res.end(redactSecrets(result.body));
  } else sendApiError(res, request.format, result.status, result.message, servedBy);
}

// Header values are Latin-1 only; ids from hand-edited files may hold anything.
function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

/**
 * The headers that name what served an answer. Handed to whatever writes the
 * answer, in the one header object of its writeHead: Node takes a faster path
 * when no header was set on the response before.
 */
function servedByHeaders(candidate: Candidate): Record<string, string> {
  const headers: Record<string, string> = { "x-openclaw-model": headerValue(candidate.modelKey), "x-openclaw-profile": headerValue(candidate.choice.servedBy) };
  if (candidate.fallbackFor) headers["x-openclaw-fallback"] = headerValue(candidate.fallbackFor);
  return headers;
}

function attemptFailure(candidate: Candidate, choice: CredentialChoice, result: Extract<AttemptResult, { kind: "failed" }>, freeAt: number | undefined): AttemptFailure {
  return {
    model: candidate.modelKey,
    provider: candidate.spec.id,
    source: choice.source,
    reason: result.reason,
    message: result.message,
    ...(result.status ? { status: result.status } : {}),
    ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    ...(result.claudeCodeOnly ? { claudeCodeOnly: true } : {}),
    ...(result.upstreamFault ? { upstreamFault: true } : {}),
    ...(freeAt !== undefined ? { freeAt } : {}),
    ...(choice.secret.kind === "oauth" && choice.profileId ? { fix: `openclaw models auth login --provider ${providerOfProfileId(choice.profileId) ?? candidate.spec.id}` } : {}),
  };
}

function failedSoFar(exchange: Exchange): string[] | undefined {
  const { failures } = exchange.nothingWorked;
  return failures.length > 0 ? failures.map((f) => `${f.source}:${f.status ?? f.reason}`) : undefined;
}

/** The outcome of an attempt that ended the request, for the log. */
function served(exchange: Exchange, candidate: Candidate, status: number, note?: string): DispatchOutcome {
  const outcome: DispatchOutcome = { status, model: candidate.modelKey, profile: candidate.choice.servedBy };
  if (candidate.fallbackFor) outcome.fallbackFor = candidate.fallbackFor;
  const failed = failedSoFar(exchange);
  if (failed) outcome.failed = failed;
  if (note) outcome.note = note;
  return outcome;
}

type AttemptContext = Parameters<typeof attempt>[0];

/**
 * After a 401 on a credential that can be prepared again (an OAuth login): one forced refresh
 * and one retry with the new token, whatever its expiry said. The first 401 is not held
 * against the credential; the retry's answer is.
 */
async function retryAfterRefresh(exchange: Exchange, context: AttemptContext, candidate: Candidate, servedBy: Record<string, string>): Promise<{ candidate: Candidate; result: AttemptResult } | { failure: AttemptFailure }> {
  const again = await prepareCredential(exchange, candidate, candidate.choice.secret.secret);
  if ("failure" in again) return again;
  const retried = { ...candidate, choice: again };
  return { candidate: retried, result: await attempt(context, retried.spec, retried.model, again, exchange.request!, exchange.res, servedBy) };
}

export async function attemptCandidates(exchange: Exchange): Promise<DispatchOutcome> {
  const { deps, res, nothingWorked } = exchange;
  const request = exchange.request!;
  const snapshot = exchange.snapshot!;
  const context = { pools: deps.pools, limits: memo(snapshot.ctx, "relay-limits", () => relayLimits(snapshot.ctx.config)), responseItems: deps.responseItems };
  for (const next of exchange.candidates!) {
    if (!("choice" in next)) return next; // answered without an upstream (candidate-fit.ts)
    const servedBy = servedByHeaders(next);
    // Only choices with work to do before sending (an OAuth refresh when due) may wait here.
    const prepared = next.choice.prepare ? prepareCredential(exchange, next) : next.choice;
    const ready = prepared instanceof Promise ? await prepared : prepared;
    if ("failure" in ready) {
      nothingWorked.failures.push(ready.failure);
      continue;
    }
    let candidate = ready === next.choice ? next : { ...next, choice: ready, spec: ready.sendTo ?? next.spec };
    let result = await attempt(context, candidate.spec, candidate.model, candidate.choice, request, res, servedBy);
    if (result.kind === "failed" && result.reason === "auth" && retriesAfterAuthFailure(candidate.choice) && !request.signal.aborted) {
      const retried = await retryAfterRefresh(exchange, context, candidate, servedBy);
      if ("failure" in retried) {
        nothingWorked.failures.push(retried.failure);
        continue;
      }
      ({ candidate, result } = retried);
    }
    const freeAt = recordResult(deps.state, snapshot, candidate, result, Date.now());
    switch (result.kind) {
      case "sent":
        return served(exchange, candidate, result.status, result.cut ? `upstream ${result.cut}` : undefined);
      case "aborted":
        return served(exchange, candidate, 499);
      case "rejected":
        relayRejection(res, request, candidate.spec, result, servedBy);
        return served(exchange, candidate, result.status);
      case "failed":
        nothingWorked.failures.push(attemptFailure(candidate, candidate.choice, result, freeAt));
    }
  }
  const failed = failedSoFar(exchange);
  return { status: answerNothingWorked(res, request, nothingWorked), model: formatModelRef(exchange.target!.requested), ...(failed ? { failed } : {}) };
}
