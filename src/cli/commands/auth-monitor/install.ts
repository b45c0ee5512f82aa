// `openclaw auth-monitor install`: a systemd user timer that runs
// `auth-monitor run` every --every (default 30min, as OpenClaw's own timer).
// The run flags go to <state>/auth-monitor.json (0600), which the service
// reads with --config: the unit files, readable by anyone on the machine,
// hold paths only, never an ntfy topic or a webhook URL.
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { settingsFromFlags, settingsPath, SettingsError, writeSettingsFile, type MonitorFlags } from "../../../ops/auth-monitor/settings.ts";
import { parseEvery, renderService, renderTimer, SERVICE_FILE, systemctlUser, TIMER_FILE, userUnitDir } from "../../../ops/auth-monitor/systemd.ts";
import { resolveStateDir, shortenHome } from "../../../state/paths.ts";
import { verifyJson, writeFileAtomic } from "../../../state/safe-file.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { UsageError } from "../../errors.ts";
import { printLine, type CliIO } from "../../io.ts";

export interface InstallOptions extends MonitorFlags {
  every?: string;
  /** commander's --no-start: false when given. */
  start?: boolean;
}

/** The variables that decide which state the service checks: paths, never secrets. */
const PASSED_THROUGH = ["OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH", "OPENCLAW_AGENT_DIR", "OPENCLAW_HOME"];

export async function run(options: InstallOptions, io: CliIO): Promise<number> {
  const { every: everyRaw = "30min", start = true, ...flags } = options;
  let every: string;
  try {
    every = parseEvery(everyRaw);
    settingsFromFlags(flags); // refuse what `run` would refuse, before anything is written
  } catch (error) {
    if (error instanceof SettingsError || error instanceof Error) throw new UsageError(error.message);
    throw error;
  }
  const display = (path: string) => shortenHome(path, io.env);
  const stateDir = resolveStateDir(io.env);
  const settingsFile = settingsPath(stateDir);
  await writeSettingsFile(settingsFile, flags);

  const environment: Record<string, string> = {};
  for (const key of PASSED_THROUGH) if (io.env[key]) environment[key] = io.env[key]!;
  const cli = realpathSync(process.argv[1]!);
  const unitDir = userUnitDir(io.env);
  const service = renderService({ execStart: [process.execPath, cli, "auth-monitor", "run", "--config", settingsFile], environment, every });
  // Unit files hold no secret; 0600 like every file we write is still fine for the user's own manager.
  await writeFileAtomic(join(unitDir, SERVICE_FILE), service, { verify: () => undefined });
  await writeFileAtomic(join(unitDir, TIMER_FILE), renderTimer(every), { verify: () => undefined });
  printLine(io, `Wrote ${display(settingsFile)} (0600: the run flags, so no topic or URL is in the unit)`);
  printLine(io, `Wrote ${display(join(unitDir, SERVICE_FILE))} and ${TIMER_FILE} (every ${every})`);

  const manual = `systemctl --user daemon-reload && systemctl --user enable --now ${TIMER_FILE}`;
  if (!start) {
    printLine(io, `Not started (--no-start). Start it with: ${manual}`);
    return 0;
  }
  for (const args of [["daemon-reload"], ["enable", "--now", TIMER_FILE]]) {
    const result = await systemctlUser(args, io.env);
    if (result.ok) continue;
    const cron = `*/30 * * * * ${[process.execPath, cli].join(" ")} auth-monitor run --config ${settingsFile}`;
    if (result.noUserSystemd) {
      throw new OpenClawError(`No user systemd here (${result.detail}); the units are written but not started.`, {
        hint: `Where a user manager runs (a login session, or after \`loginctl enable-linger $USER\`): ${manual}\nOr with cron (crontab -e): ${cron}`,
      });
    }
    throw new OpenClawError(`systemctl --user ${args.join(" ")} failed: ${result.detail}`, { hint: `Fix that and run: ${manual}` });
  }
  printLine(io, `Started: systemctl --user enable --now ${TIMER_FILE}`);
  printLine(io, `Check it with: systemctl --user list-timers ${TIMER_FILE}; logs: journalctl --user -u ${SERVICE_FILE}`);
  printLine(io, "The timer runs only while you are logged in unless lingering is on: loginctl enable-linger $USER");
  return 0;
}
