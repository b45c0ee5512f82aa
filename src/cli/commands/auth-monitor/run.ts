// `openclaw auth-monitor run`: the `models status --check` check, plus one
// notification per channel for what it finds (rate-limited per finding), for
// cron, a systemd timer or any scheduler. Exit: the check's 0/1/2, or 3 when a
// channel failed to deliver (the others' deliveries are still recorded).
import { hostname } from "node:os";
import { checkExitCode, buildStatusReport } from "../../../ops/status-report.ts";
import { describeFinding, findingKey, findingsFromReport } from "../../../ops/auth-monitor/findings.ts";
import { runMonitor, type ChannelOutcome } from "../../../ops/auth-monitor/monitor.ts";
import { readSettingsFile, settingsFromFlags, SettingsError, type MonitorFlags } from "../../../ops/auth-monitor/settings.ts";
import { statePath } from "../../../ops/auth-monitor/state.ts";
import { expandTilde } from "../../../state/paths.ts";
import { loadAuthView, loadCommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printErrorLine, printJson, printLine, type CliIO } from "../../io.ts";

export interface RunOptions extends MonitorFlags {
  json?: boolean;
  /** Read the flags from this settings file (what `auth-monitor install` writes); flags given here win. */
  config?: string;
}

export const DELIVERY_FAILED_EXIT = 3;

/**
 * "Now" for the check and the rate limit. OPENCLAW_AUTH_MONITOR_NOW (epoch ms)
 * exists for the tests, which move the clock across the hourly limit.
 */
function monitorNow(io: CliIO): number {
  const raw = io.env.OPENCLAW_AUTH_MONITOR_NOW;
  if (raw === undefined) return io.now();
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError("OPENCLAW_AUTH_MONITOR_NOW must be epoch milliseconds (it is meant for tests).");
  return value;
}

function outcomeLine(outcome: ChannelOutcome): string {
  if (outcome.result === "failed") return `delivery failed: ${outcome.error}`;
  if (outcome.result === "quiet") return `${outcome.channel}: nothing new to send (each finding is sent at most once an hour)`;
  if (outcome.result === "resolved") return `${outcome.channel}: sent "all OK again"`;
  return `${outcome.channel}: sent (${outcome.findings.length} finding${outcome.findings.length === 1 ? "" : "s"})`;
}

export async function run(options: RunOptions, io: CliIO): Promise<number> {
  const { json, config, ...given } = options;
  const fromFile = config !== undefined ? await readSettingsFile(expandTilde(config, io.env)) : {};
  let settings;
  try {
    settings = settingsFromFlags({ ...fromFile, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) });
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message);
    throw error;
  }
  const now = monitorNow(io);
  const cc = await loadCommandContext(io, settings.agent);
  const view = await loadAuthView(cc);
  const inputs = { ctx: cc.ctx, agent: cc.agent, view, explicitAgent: settings.agent !== undefined, now, warnMs: settings.warnMs };
  const report = buildStatusReport(inputs);
  const exitCode = checkExitCode(report, inputs);
  const findings = findingsFromReport(report, exitCode, settings.agent);
  const host = hostname();
  const monitor = await runMonitor({
    statePath: statePath(cc.ctx.stateDir),
    channels: settings.channels,
    findings,
    exitCode,
    now,
    host,
    timeoutMs: settings.timeoutMs,
    env: io.env,
  });
  if (monitor.stateIgnored) printErrorLine(io, `Warning: ${cc.ctx.display(statePath(cc.ctx.stateDir))} was replaced: ${monitor.stateIgnored}.`);
  const failed = monitor.outcomes.filter((outcome) => outcome.result === "failed");

  if (json) {
    printJson(io, {
      exitCode: failed.length > 0 ? DELIVERY_FAILED_EXIT : exitCode,
      checkExitCode: exitCode,
      checkedAt: new Date(now).toISOString(),
      host,
      findings: findings.map((finding) => ({ ...finding, key: findingKey(finding) })),
      notifications: monitor.outcomes,
    });
  } else {
    const verdict = exitCode === 0 ? "OK: no credential is expired, missing or expiring." : `${findings.length} finding${findings.length === 1 ? "" : "s"}:`;
    printLine(io, [`Auth check: ${verdict}`, ...findings.map((finding) => `- ${describeFinding(finding, now)}`)].join("\n"));
    if (monitor.outcomes.length === 0) printLine(io, "No notification channel (--ntfy, --webhook, --command): nothing sent.");
    for (const outcome of monitor.outcomes) if (outcome.result !== "failed") printLine(io, outcomeLine(outcome));
  }
  for (const outcome of failed) printErrorLine(io, `Error: ${outcomeLine(outcome)}`);
  if (failed.length > 0) {
    printErrorLine(io, `Exit ${DELIVERY_FAILED_EXIT}: ${failed.length} channel${failed.length === 1 ? "" : "s"} failed; the next run retries ${failed.length === 1 ? "it" : "them"} (the check itself exited ${exitCode}).`);
    return DELIVERY_FAILED_EXIT;
  }
  return exitCode;
}
