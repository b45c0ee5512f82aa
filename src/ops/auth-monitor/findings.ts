// What `auth-monitor run` notifies about: the credentials `models status --check`
// finds expired, missing or expiring, each with the command that fixes it.
// Built from the status report, so the monitor and `--check` never disagree.
// A finding holds ids, statuses and times only: never a secret.
import { shellWord } from "../shell-word.ts";
import { formatRemainingShort } from "../../auth/health.ts";
import { descriptorFor } from "../../providers/descriptors/index.ts";
import type { StatusReport } from "../status-report.ts";

export type FindingStatus = "expired" | "missing" | "expiring";

export interface Finding {
  provider: string;
  /** null: a provider a configured model uses has no credential at all. */
  profileId: string | null;
  status: FindingStatus;
  /** Epoch ms, when the file records one. */
  expiresAt: number | null;
  /** The command that fixes it. */
  fix: string;
}

/** What identifies a finding for the rate limit: it fires again when any of these change. */
export const findingKey = (finding: Pick<Finding, "provider" | "profileId" | "status">): string =>
  `${finding.provider}|${finding.profileId ?? "-"}|${finding.status}`;

/** A value as one shell word: the fix is meant to be pasted into a shell, and a hand-written profile id may hold `$(…)`. */

const agentFlag = (agentId: string | undefined) => (agentId ? ` --agent ${shellWord(agentId)}` : "");

function fixFor(provider: string, profile: { profileId: string; type: string } | undefined, agentId: string | undefined): string {
  if (!profile) {
    // The same wording as `models status`'s "Missing auth" section, as a command.
    const hint = descriptorFor(provider)?.setupHints.missingAuth;
    const command = /`(openclaw [^`]+)`/.exec(hint ?? "")?.[1] ?? `openclaw models auth paste-api-key --provider ${shellWord(provider)}`;
    return command + agentFlag(agentId);
  }
  // OAuth without a refresh token cannot renew itself; a fresh token (or `models auth add`) replaces it.
  if (profile.type === "oauth") return `openclaw models auth add${agentFlag(agentId)}`;
  const profileFlag = profile.profileId === `${provider}:manual` ? "" : ` --profile-id ${shellWord(profile.profileId)}`;
  return `openclaw models auth paste-token --provider ${shellWord(provider)}${profileFlag}${agentFlag(agentId)}`;
}

/**
 * The findings behind `exitCode` (checkExitCode's answer for the same report):
 * none when it is 0, so an OpenClaw 2026.9 state whose expired token sits behind
 * a working key (exit 0 there) raises nothing either.
 */
export function findingsFromReport(report: StatusReport, exitCode: number, agentId?: string): Finding[] {
  if (exitCode === 0) return [];
  const findings: Finding[] = report.auth.missingProvidersInUse.map((provider) => ({
    provider,
    profileId: null,
    status: "missing",
    expiresAt: null,
    fix: fixFor(provider, undefined, agentId),
  }));
  for (const profile of report.auth.oauth.profiles) {
    if (profile.type === "api_key") continue;
    if (profile.status !== "expired" && profile.status !== "missing" && profile.status !== "expiring") continue;
    findings.push({
      provider: profile.provider,
      profileId: profile.profileId,
      status: profile.status,
      expiresAt: profile.expiresAt ?? null,
      fix: fixFor(profile.provider, profile, agentId),
    });
  }
  // --check's answer always comes with its reason in the report; should a rule ever differ, still alert, pointing at the full view.
  if (findings.length === 0) findings.push({ provider: "unknown", profileId: null, status: exitCode === 2 ? "expiring" : "expired", expiresAt: null, fix: `openclaw models status${agentFlag(agentId)}` });
  return findings;
}

/** One line for a person: `anthropic:manual expired 2h ago — fix: openclaw models auth paste-token --provider anthropic`. */
export function describeFinding(finding: Finding, now: number): string {
  const who = finding.profileId ?? `${finding.provider} (no credential)`;
  let what: string = finding.status;
  if (finding.expiresAt !== null) {
    const remaining = finding.expiresAt - now;
    what = remaining <= 0 ? `expired ${formatRemainingShort(-remaining)} ago` : `expires in ${formatRemainingShort(remaining)}`;
  } else if (finding.profileId !== null && finding.status === "missing") what = "has no expiry recorded";
  return `${who} ${what} — fix: ${finding.fix}`;
}

export interface AlertMessage {
  title: string;
  body: string;
  /** ntfy priority: urgent when something is already broken. */
  priority: "urgent" | "high" | "default";
  tags: string;
  /** The worst status, or "resolved". */
  status: FindingStatus | "resolved";
}

export function alertMessage(findings: readonly Finding[], host: string, now: number): AlertMessage {
  const broken = findings.filter((f) => f.status !== "expiring");
  const status: FindingStatus = broken.length === 0 ? "expiring" : broken.some((f) => f.status === "expired") ? "expired" : "missing";
  const count = (n: number, word: string) => `${n} credential${n === 1 ? "" : "s"} ${word}`;
  const parts = [broken.length > 0 ? count(broken.length, status === "expired" ? "expired or missing" : "missing") : "", findings.length > broken.length ? count(findings.length - broken.length, "expiring") : ""].filter(Boolean);
  return {
    title: `OpenClaw auth on ${host}: ${parts.join(", ")}`,
    body: findings.map((finding) => describeFinding(finding, now)).join("\n"),
    priority: broken.length > 0 ? "urgent" : "high",
    tags: "warning,key",
    status,
  };
}

export function resolvedMessage(host: string): AlertMessage {
  return {
    title: `OpenClaw auth on ${host}: all credentials OK again`,
    body: "Every credential `openclaw models status --check` looks at is OK again.",
    priority: "default",
    tags: "white_check_mark,key",
    status: "resolved",
  };
}
