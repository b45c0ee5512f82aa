// What the client hears when no credential of any candidate model served the
// request: when the first one frees up, which persistent problem blocks them
// (with the command that fixes it), or why every attempt failed.
import type { ServerResponse } from "node:http";
import type { FailureReason } from "../auth/failure-reason.ts";
import { formatRemainingShort } from "../auth/health.ts";
import type { CoolingProfile } from "../auth/profile-order.ts";
import { sendApiError } from "./api-errors.ts";
import type { ChatRequest } from "./forward.ts";

export interface AttemptFailure {
  model: string;
  source: string;
  reason: FailureReason;
  status?: number;
  message: string;
  retryAfterMs?: number;
  claudeCodeOnly?: boolean;
}

export interface NothingWorked {
  failures: AttemptFailure[];
  /** Profiles skipped because they were cooling down or disabled, per provider. */
  cooling: { provider: string; profile: CoolingProfile }[];
  /** Providers with no credential at all. */
  missing: string[];
}

export const CLAUDE_CODE_ONLY_HINT =
  "Anthropic accepts this setup-token only from Claude Code. Use an Anthropic API key instead: openclaw models auth paste-api-key --provider anthropic";

const PERSISTENT = new Set(["billing", "auth_permanent"]);

function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** Seconds under a minute (so the text agrees with Retry-After), else minutes/hours/days. */
function waitText(ms: number): string {
  return ms < 60_000 ? `${retryAfterSeconds(ms)}s` : formatRemainingShort(ms);
}

/** What a failure was, as the summary says it: an upstream 5xx by its status. */
function failureLabel(failure: AttemptFailure): string {
  return failure.status !== undefined && failure.status >= 500 ? `upstream ${failure.status}` : failure.reason;
}

function describeDisabled(provider: string, profile: CoolingProfile, now: number): string {
  const left = waitText(profile.until - now);
  if (profile.reason === "billing") return `${profile.profileId} is disabled for ${left}: the provider reported a billing problem (top up credits, or add another credential).`;
  return `${profile.profileId} is disabled for ${left}: ${provider} rejected the credential for good. If it is a setup-token, use an Anthropic API key instead; otherwise replace it: openclaw models auth paste-api-key --provider ${provider}`;
}

function answerCooling(res: ServerResponse, request: ChatRequest, cooling: NothingWorked["cooling"], now: number): number {
  const soonest = Math.min(...cooling.map((entry) => entry.profile.until));
  const disabled = cooling.filter((entry) => entry.profile.scope === "profile" && PERSISTENT.has(entry.profile.reason ?? ""));
  const headers = { "retry-after": retryAfterSeconds(soonest - now) };
  if (disabled.length === cooling.length) {
    sendApiError(res, request.format, 503, disabled.map((entry) => describeDisabled(entry.provider, entry.profile, now)).join(" "), headers);
    return 503;
  }
  sendApiError(res, request.format, 429, `Every credential for this request is cooling down; the first frees up in ${waitText(soonest - now)}.`, headers);
  return 429;
}

export function answerNothingWorked(res: ServerResponse, request: ChatRequest, outcome: NothingWorked): number {
  const now = Date.now();
  const { failures, cooling, missing } = outcome;
  if (failures.length === 0 && cooling.length > 0) return answerCooling(res, request, cooling, now);
  if (failures.length === 0) {
    const providers = [...new Set(missing)];
    const hint = providers.map((provider) => `openclaw models auth paste-api-key --provider ${provider}`).join(" or ");
    sendApiError(res, request.format, 503, `No credentials for ${providers.join(", ")}. Add one with: ${hint}`);
    return 503;
  }
  const summary = failures.map((f) => `${f.model} via ${f.source}: ${f.message} (${failureLabel(f)})`).join(" | ");
  const single = failures.length === 1 ? failures[0]!.message : `All attempts failed (${failures.length}): ${summary}`;
  const message = failures.some((f) => f.claudeCodeOnly) ? `${CLAUDE_CODE_ONLY_HINT} | ${summary}` : single;
  if (failures.every((f) => f.reason === "rate_limit")) {
    // Each of them now cools down; the shortest wait is the honest answer.
    const wait = Math.min(...failures.map((f) => f.retryAfterMs ?? 60_000));
    sendApiError(res, request.format, 429, message, { "retry-after": retryAfterSeconds(wait) });
    return 429;
  }
  const status = failures.every((f) => f.reason === "timeout" && f.status === undefined) ? 504 : 502;
  sendApiError(res, request.format, status, message);
  return status;
}
