// The two service managers' commands: systemctl --user (Linux) and launchctl
// (macOS), run through the injectable runner; what "unavailable" looks like for
// each, and the commands a user runs by hand when the manager cannot be asked.
import { shellWord } from "../shell-word.ts";
import { LAUNCHD_LABEL, SYSTEMD_UNIT_NAME, type ServiceSpec } from "./render.ts";
import { firstLine, spawnRunner, type CommandResult } from "./runner.ts";
import type { FileStatus, ManagerOutcome, ServiceOptions } from "./index.ts";

const NO_USER_MANAGER = /Failed to connect to bus|No medium found|not been booted with systemd|Failed to get D-Bus|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR|Connection refused|No such file or directory/i;

/** Whether a failed systemctl --user means "no systemd user manager here" rather than a refusal. */
export function systemdUnavailable(result: CommandResult): boolean {
  return result.code === null || (result.code !== 0 && NO_USER_MANAGER.test(result.stderr));
}

export const systemctl = (options: ServiceOptions, ...args: string[]) => runnerOf(options)("systemctl", ["--user", ...args]);
export const runnerOf = (options: ServiceOptions) => options.runner ?? spawnRunner(options.env);

export function systemdManual(options: ServiceOptions, spec: ServiceSpec | undefined): string[] {
  return [
    "systemctl --user daemon-reload",
    `systemctl --user enable --now ${SYSTEMD_UNIT_NAME}`,
    ...(spec ? [`or run it in the foreground: ${foregroundCommand(spec)}`] : []),
  ];
}

export function launchdTarget(options: ServiceOptions): { domain: string; target: string } {
  const uid = options.uid ?? process.getuid?.() ?? 501;
  const domain = `gui/${uid}`;
  return { domain, target: `${domain}/${LAUNCHD_LABEL}` };
}

export function launchdManual(options: ServiceOptions, path: string, spec: ServiceSpec | undefined): string[] {
  const { domain } = launchdTarget(options);
  return [`launchctl bootstrap ${domain} ${path}`, ...(spec ? [`or run it in the foreground: ${foregroundCommand(spec)}`] : [])];
}

function foregroundCommand(spec: ServiceSpec): string {
  const vars = Object.entries(spec.environment).map(([name, value]) => `${name}=${shellWord(value)} `);
  return `${vars.join("")}${shellWord(spec.nodePath)} ${shellWord(spec.cliPath)} gateway`;
}

export async function startSystemd(options: ServiceOptions, fileStatus: FileStatus): Promise<{ manager: ManagerOutcome; detail?: string }> {
  const reload = await systemctl(options, "daemon-reload");
  if (systemdUnavailable(reload)) return { manager: "unavailable", detail: firstLine(reload) };
  if (reload.code !== 0) return { manager: "failed", detail: `systemctl --user daemon-reload: ${firstLine(reload)}` };
  // A changed unit restarts a running gateway (try-restart does nothing when it is not running).
  if (fileStatus === "updated") {
    const restart = await systemctl(options, "try-restart", SYSTEMD_UNIT_NAME);
    if (restart.code !== 0) return { manager: "failed", detail: `systemctl --user try-restart: ${firstLine(restart)}` };
  }
  const enable = await systemctl(options, "enable", "--now", SYSTEMD_UNIT_NAME);
  if (systemdUnavailable(enable)) return { manager: "unavailable", detail: firstLine(enable) };
  if (enable.code !== 0) return { manager: "failed", detail: `systemctl --user enable --now: ${firstLine(enable)}` };
  return { manager: "started" };
}

export async function launchdLoaded(options: ServiceOptions): Promise<CommandResult> {
  return runnerOf(options)("launchctl", ["print", launchdTarget(options).target]);
}

export async function startLaunchd(options: ServiceOptions, path: string, fileStatus: FileStatus): Promise<{ manager: ManagerOutcome; detail?: string }> {
  const run = runnerOf(options);
  const { domain, target } = launchdTarget(options);
  const loaded = await launchdLoaded(options);
  if (loaded.code === null) return { manager: "unavailable", detail: firstLine(loaded) };
  if (loaded.code === 0 && fileStatus === "unchanged") {
    // Loaded with this very plist: start it if it is not running, else leave it be.
    const kick = await run("launchctl", ["kickstart", target]);
    return kick.code === 0 ? { manager: "started" } : { manager: "failed", detail: `launchctl kickstart: ${firstLine(kick)}` };
  }
  if (loaded.code === 0) await run("launchctl", ["bootout", target]); // the old plist: unload it before loading the new one
  const boot = await run("launchctl", ["bootstrap", domain, path]);
  return boot.code === 0 ? { manager: "started" } : { manager: "failed", detail: `launchctl bootstrap: ${firstLine(boot)}` };
}
