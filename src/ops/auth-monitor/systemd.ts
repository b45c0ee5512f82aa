// The auth monitor as a systemd user timer (spec §7: OpenClaw's
// scripts/systemd/openclaw-auth-monitor.{service,timer}). Quoting, running
// systemctl, "no user systemd here" and where unit files go are the gateway
// service's helpers (ops/service/); what is here is the timer's own part.
import { dirname } from "node:path";
import { systemdQuote } from "../service/render.ts";
import { firstLine, spawnRunner } from "../service/runner.ts";
import { serviceFilePath, systemdUnavailable } from "../service/index.ts";
import type { Env } from "../../state/paths.ts";

export const UNIT_NAME = "openclaw-auth-monitor";
export const SERVICE_FILE = `${UNIT_NAME}.service`;
export const TIMER_FILE = `${UNIT_NAME}.timer`;

/** ~/.config/systemd/user (or $XDG_CONFIG_HOME/systemd/user), as for the gateway's unit. */
export const userUnitDir = (env: Env): string => dirname(serviceFilePath(env, "systemd"));

const UNITS: Record<string, string> = { s: "s", sec: "s", m: "min", min: "min", h: "h", hr: "h", hour: "h", hours: "h", d: "d", day: "d", days: "d" };

/** `--every`: `30min`, `30m`, `1h`, `90s`, `1d` (a bare number is minutes) → systemd's spelling (`30min`). */
export function parseEvery(raw: string): string {
  const match = /^(\d+)\s*([a-z]+)?$/i.exec(raw.trim());
  const unit = match ? UNITS[(match[2] ?? "min").toLowerCase()] : undefined;
  if (!match || !unit || Number(match[1]) <= 0) throw new Error(`--every must be a number with a unit: 30min, 1h, 90s, 1d (got "${raw}").`);
  return `${Number(match[1])}${unit}`;
}

/** One ExecStart= word: quoted (systemdQuote: `\`, `"`, `%`), and `$` doubled, since ExecStart= expands $VARS. */
export const execWord = (word: string): string => systemdQuote(word.replaceAll("$", () => "$$"));

export interface UnitInputs {
  /** The program and its arguments: [node, openclaw.cjs, "auth-monitor", "run", …]. */
  execStart: string[];
  /** Variables the service needs to find the same state (paths only, never a secret). */
  environment: Record<string, string>;
}

export function renderService(inputs: UnitInputs): string {
  return [
    "# Written by `openclaw auth-monitor install`. No secrets here: the ntfy topic and",
    "# webhook URL are in the 0600 settings file that --config names.",
    "[Unit]",
    "Description=OpenClaw auth monitor: notify when model credentials expire",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${inputs.execStart.map(execWord).join(" ")}`,
    // Environment= does not expand $, so only systemdQuote's escaping applies.
    ...Object.entries(inputs.environment).map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`),
    // 1 (expired/missing) and 2 (expiring) are findings the run notified about,
    // not a broken monitor; 3 (a channel failed to deliver) and crashes stay failures.
    "SuccessExitStatus=1 2",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

export function renderTimer(every: string): string {
  return [
    "# Written by `openclaw auth-monitor install`.",
    "[Unit]",
    `Description=Run the OpenClaw auth monitor every ${every}`,
    "",
    "[Timer]",
    "OnBootSec=5min",
    `OnUnitActiveSec=${every}`,
    // As in OpenClaw's own timer; systemd honours it only for OnCalendar= timers.
    "Persistent=true",
    `Unit=${SERVICE_FILE}`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

export interface SystemctlResult {
  ok: boolean;
  /** systemctl is not installed, or there is no user manager to talk to. */
  noUserSystemd: boolean;
  detail: string;
}

export async function systemctlUser(args: string[], env: Env): Promise<SystemctlResult> {
  const result = await spawnRunner(env)("systemctl", ["--user", ...args]);
  if (result.code === 0) return { ok: true, noUserSystemd: false, detail: result.stdout.trim() };
  return { ok: false, noUserSystemd: systemdUnavailable(result), detail: firstLine(result) };
}
