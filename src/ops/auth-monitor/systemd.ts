// The auth monitor as a systemd user timer (spec §7: OpenClaw's
// scripts/systemd/openclaw-auth-monitor.{service,timer}): unit rendering,
// `systemctl --user`, and telling "no user systemd here" from other failures.
// (Written here because the gateway-service branch had no shared systemd
// helpers yet when this was built.)
import { execFile } from "node:child_process";
import { join } from "node:path";
import { resolveHomeDir, type Env } from "../../state/paths.ts";

export const UNIT_NAME = "openclaw-auth-monitor";
export const SERVICE_FILE = `${UNIT_NAME}.service`;
export const TIMER_FILE = `${UNIT_NAME}.timer`;

export function userUnitDir(env: Env): string {
  const config = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : join(resolveHomeDir(env), ".config");
  return join(config!, "systemd", "user");
}

const UNITS: Record<string, string> = { s: "s", sec: "s", m: "min", min: "min", h: "h", hr: "h", hour: "h", hours: "h", d: "d", day: "d", days: "d" };

/** `--every`: `30min`, `30m`, `1h`, `90s`, `1d` → systemd's spelling (`30min`). */
export function parseEvery(raw: string): string {
  const match = /^(\d+)\s*([a-z]+)?$/i.exec(raw.trim());
  const unit = match ? UNITS[(match[2] ?? "min").toLowerCase()] : undefined;
  if (!match || !unit || Number(match[1]) <= 0) throw new Error(`--every must be a number with a unit: 30min, 1h, 90s, 1d (got "${raw}").`);
  return `${Number(match[1])}${unit}`;
}

/** One word of an ExecStart= or Environment= line: %-specifiers and $-expansion disarmed, quoted when needed. */
export function systemdWord(word: string): string {
  const escaped = word.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (/^[A-Za-z0-9_/.:=@+,%-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

export interface UnitInputs {
  /** The program and its arguments: [node, openclaw.cjs, "auth-monitor", "run", …]. */
  execStart: string[];
  /** Variables the service needs to find the same state (paths only, never a secret). */
  environment: Record<string, string>;
  every: string;
}

export function renderService(inputs: UnitInputs): string {
  const env = Object.entries(inputs.environment).map(([key, value]) => `Environment=${systemdWord(`${key}=${value}`)}`);
  return [
    "[Unit]",
    "Description=OpenClaw auth monitor: notify when model credentials expire",
    "Documentation=man:systemd.timer(5)",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${inputs.execStart.map(systemdWord).join(" ")}`,
    ...env,
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

const NO_USER_MANAGER = /Failed to connect to (user scope )?bus|No medium found|System has not been booted with systemd|XDG_RUNTIME_DIR|DBUS_SESSION_BUS_ADDRESS/i;

export function systemctlUser(args: string[], env: Env, timeoutMs = 30_000): Promise<SystemctlResult> {
  return new Promise((resolve) => {
    execFile("systemctl", ["--user", ...args], { env: env as NodeJS.ProcessEnv, timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, noUserSystemd: false, detail: stdout.trim() });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return resolve({ ok: false, noUserSystemd: true, detail: "systemctl is not installed" });
      const detail = (stderr || error.message).trim().split("\n")[0] ?? "";
      resolve({ ok: false, noUserSystemd: NO_USER_MANAGER.test(stderr), detail });
    });
  });
}
