// `openclaw auth-monitor install`: a systemd user timer that runs
// `auth-monitor run` every --every (default 30min, as OpenClaw's own timer).
// The run flags go to <state>/auth-monitor.json (0600), which the service
// reads with --config: the unit files, readable by anyone on the machine,
// hold paths only, never an ntfy topic or a webhook URL.
import { join } from "node:path";
import { settingsFromFlags, settingsPath, writeSettingsFile, type MonitorFlags } from "../../../ops/auth-monitor/settings.ts";
import { parseEvery, renderService, renderTimer, SERVICE_FILE, systemctlUser, TIMER_FILE, userUnitDir } from "../../../ops/auth-monitor/systemd.ts";
import { SERVICE_FILE_MODE, serviceSpec } from "../../../ops/service/index.ts";
import { shortenHome } from "../../../state/paths.ts";
import { verifyJson, writeFileAtomic } from "../../../state/safe-file.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { shellWord } from "../../../ops/shell-word.ts";
import { UsageError } from "../../errors.ts";
import { printLine, type CliIO } from "../../io.ts";

export interface InstallOptions extends MonitorFlags {
  every?: string;
  /** commander's --no-start: false when given. */
  start?: boolean;
}

export async function run(options: InstallOptions, io: CliIO): Promise<number> {
  const { every: everyRaw = "30min", start = true, ...flags } = options;
  let every: string;
  try {
    every = parseEvery(everyRaw);
    settingsFromFlags(flags); // refuse what `run` would refuse, before anything is written
  } catch (error) {
    // parseEvery's and settingsFromFlags' messages name the flag and never echo a topic or URL.
    throw new UsageError((error as Error).message);
  }
  const display = (path: string) => shortenHome(path, io.env);
  // The gateway service's notion of this installation and its state: node, dist/openclaw.cjs, the state dir and the
  // variables that locate it (absolute). OPENCLAW_AGENT_DIR too: it moves the store the check reads.
  const spec = serviceSpec({ env: io.env }, "systemd");
  const environment = { ...spec.environment, ...(io.env.OPENCLAW_AGENT_DIR?.trim() ? { OPENCLAW_AGENT_DIR: io.env.OPENCLAW_AGENT_DIR.trim() } : {}) };
  const stateDir = spec.stateDir;
  const settingsFile = settingsPath(stateDir);
  await writeSettingsFile(settingsFile, flags);

  const cli = spec.cliPath;
  const unitDir = userUnitDir(io.env);
  const service = renderService({ execStart: [spec.nodePath, cli, "auth-monitor", "run", "--config", settingsFile], environment });
  // Unit files hold no secret: 0644 like any unit (the settings file stays 0600).
  for (const [name, text] of [[SERVICE_FILE, service], [TIMER_FILE, renderTimer(every)]] as const) {
    await writeFileAtomic(join(unitDir, name), text, { verify: (written) => written === text, mode: SERVICE_FILE_MODE });
  }
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
    const cron = `*/30 * * * * ${[spec.nodePath, cli, "auth-monitor", "run", "--config", settingsFile].map(shellWord).join(" ")}`;
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
