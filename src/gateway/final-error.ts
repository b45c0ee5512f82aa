// What the client hears when no credential of any candidate model served the
// request. The status tells a client whether retrying can help:
// - an upstream that timed out or broke its protocol: 502/504 (a retry may work);
// - only waiting helps (rate limits, cooldowns): 429 with Retry-After = the
//   earliest moment any candidate frees up;
// - only the user can fix it (no credential, expired, disabled, rejected by the
//   provider): a non-retryable 4xx that names the command that fixes it.
import type { ServerResponse } from "node:http";
import type { FailureReason } from "../auth/failure-reason.ts";
import { formatRemainingShort } from "../auth/health.ts";
import type { CoolingProfile } from "../auth/profile-order.ts";
import { sendApiError } from "./api-errors.ts";
import type { ExpiredProfile } from "./candidates.ts";
import type { ChatRequest } from "./attempt-result.ts";

export interface AttemptFailure {
  model: string;
  provider: string;
  source: string;
  reason: FailureReason;
  status?: number;
  message: string;
  retryAfterMs?: number;
  claudeCodeOnly?: boolean;
  /** The provider broke its protocol (not the credential's doing). */
  upstreamFault?: boolean;
  /** When this credential may be tried again, once its failure is recorded (stored profiles only). */
  freeAt?: number;
  /** Not sent at all: the gateway found the credential unusable, and `message` says why. */
  local?: boolean;
  /** The command that replaces this credential, when it is not `paste-api-key` (an OAuth login: `models auth login`). */
  fix?: string;
}

export interface NothingWorked {
  failures: AttemptFailure[];
  /** Profiles skipped because they were cooling down or disabled, per provider. */
  cooling: { provider: string; profile: CoolingProfile; fix?: string }[];
  /** Providers with no credential at all. */
  missing: string[];
  /** Providers whose every stored credential has expired. */
  expired: { provider: string; profiles: ExpiredProfile[] }[];
}

export const CLAUDE_CODE_ONLY_HINT =
  "Anthropic accepts this setup-token only from Claude Code. Use an Anthropic API key instead: openclaw models auth paste-api-key --provider anthropic";

const PERSISTENT = new Set(["billing", "auth_permanent"]);
/** Failures that only the user can fix; waiting does not help. */
const NEEDS_A_FIX = new Set<FailureReason>(["auth", "auth_permanent", "billing", "model_not_found"]);

function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** Seconds under a minute (so the text agrees with Retry-After), else minutes/hours/days. */
function waitText(ms: number): string {
  return ms < 60_000 ? `${retryAfterSeconds(ms)}s` : formatRemainingShort(ms);
}

/** What a failure was, as the summary says it: an upstream 5xx by its status. */
function failureLabel(failure: AttemptFailure): string {
  if (failure.upstreamFault) return "upstream fault";
  return failure.status !== undefined && failure.status >= 500 ? `upstream ${failure.status}` : failure.reason;
}

function summary(failures: AttemptFailure[]): string {
  if (failures.length === 1) return failures[0]!.message;
  return `All attempts failed (${failures.length}): ${failures.map((f) => `${f.model} via ${f.source}: ${f.message} (${failureLabel(f)})`).join(" | ")}`;
}

function addCommand(provider: string): string {
  return `openclaw models auth paste-api-key --provider ${provider}`;
}

function describeDisabled(provider: string, profile: CoolingProfile, now: number, fix: string | undefined): string {
  const left = waitText(profile.until - now);
  if (profile.reason === "billing") return `${profile.profileId} is disabled for ${left}: ${provider} reported a billing problem (top up credits, or add another credential: ${addCommand(provider)}).`;
  if (fix) return `${profile.profileId} is disabled for ${left}: the login was refused for good. Log in again: ${fix}`;
  return `${profile.profileId} is disabled for ${left}: ${provider} rejected the credential for good. If it is a setup-token, use an Anthropic API key instead; otherwise replace it: ${addCommand(provider)}`;
}

function describeExpired(provider: string, profiles: ExpiredProfile[]): string {
  const which = profiles.map((p) => `${p.profileId} ${formatRemainingShort(p.agoMs)} ago`).join(", ");
  const fix = provider === "anthropic" ? "openclaw models auth setup-token (or paste-api-key --provider anthropic)" : `openclaw models auth paste-token --provider ${provider}`;
  return `Every credential for ${provider} has expired (${which}). Store a new one: ${fix}`;
}

function describeRejected(failure: AttemptFailure): string {
  if (failure.claudeCodeOnly) return CLAUDE_CODE_ONLY_HINT;
  if (failure.local) return failure.message;
  if (failure.reason === "model_not_found") return `${failure.model}: ${failure.message}`;
  return `${failure.provider} rejected ${failure.source} (${failure.message}). Replace it: ${failure.fix ?? addCommand(failure.provider)}`;
}

/** Every problem that needs the user, one sentence each. */
function fixMessages(outcome: NothingWorked, disabled: NothingWorked["cooling"], now: number): string[] {
  const providers = [...new Set(outcome.missing)];
  const lines = providers.length > 0 ? [`No credentials for ${providers.join(", ")}. Add one: ${providers.map(addCommand).join(" or ")}`] : [];
  for (const { provider, profiles } of outcome.expired) lines.push(describeExpired(provider, profiles));
  for (const { provider, profile, fix } of disabled) lines.push(describeDisabled(provider, profile, now, fix));
  for (const failure of outcome.failures) lines.push(describeRejected(failure));
  return lines;
}

function answerNeedsFix(res: ServerResponse, request: ChatRequest, outcome: NothingWorked, disabled: NothingWorked["cooling"], now: number): number {
  const message = fixMessages(outcome, disabled, now).join(" | ");
  const reasons = [...outcome.failures.map((f) => f.reason), ...disabled.map((d) => d.profile.reason)];
  const nothingElse = outcome.missing.length === 0 && outcome.expired.length === 0;
  if (nothingElse && reasons.length > 0 && reasons.every((reason) => reason === "billing")) {
    sendApiError(res, request.format, 402, message, {}, "billing");
    return 402;
  }
  if (nothingElse && disabled.length === 0 && outcome.failures.every((f) => f.reason === "model_not_found")) {
    sendApiError(res, request.format, 404, message, {}, "model_not_found");
    return 404;
  }
  sendApiError(res, request.format, 401, message, {}, "no_credentials");
  return 401;
}

/** When a failed credential can be tried again: its recorded window, else what the upstream asked for, else a minute. */
function freeAt(failure: AttemptFailure, now: number): number {
  return failure.freeAt ?? now + (failure.retryAfterMs ?? 60_000);
}

export function answerNothingWorked(res: ServerResponse, request: ChatRequest, outcome: NothingWorked, now = Date.now()): number {
  const { failures, cooling } = outcome;
  const upstream = failures.filter((f) => f.upstreamFault || f.reason === "timeout" || f.reason === "unknown");
  if (upstream.length > 0) {
    const status = upstream.every((f) => f.reason === "timeout" && f.status === undefined && !f.upstreamFault) ? 504 : 502;
    sendApiError(res, request.format, status, summary(failures));
    return status;
  }
  const disabled = cooling.filter((entry) => entry.profile.scope === "profile" && PERSISTENT.has(entry.profile.reason ?? ""));
  const waiting = cooling.filter((entry) => !disabled.includes(entry));
  const rateLimited = failures.filter((f) => !NEEDS_A_FIX.has(f.reason) && !f.claudeCodeOnly);
  if (waiting.length > 0 || rateLimited.length > 0) {
    const soonest = Math.min(...cooling.map((entry) => entry.profile.until), ...failures.map((f) => freeAt(f, now)));
    const message =
      failures.length > 0
        ? `${summary(failures)} (the first credential frees up in ${waitText(soonest - now)})`
        : `Every credential for this request is cooling down; the first frees up in ${waitText(soonest - now)}.`;
    sendApiError(res, request.format, 429, message, { "retry-after": retryAfterSeconds(soonest - now) });
    return 429;
  }
  return answerNeedsFix(res, request, outcome, disabled, now);
}
