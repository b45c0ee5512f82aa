// The gateway as a service (issue 10): install, uninstall, start, stop,
// restart and status of a systemd user unit (Linux) or a LaunchAgent (macOS).
// `openclaw gateway install|…` and `openclaw onboard --install-daemon` both
// call this; the signatures of the exported functions are kept stable.
//
// Without a service manager (no systemctl, or no user bus as in containers)
// the files are still written and the result says what to run by hand.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";
import { OpenClawError, errnoCode } from "../../state/errors.ts";
import { resolveStateDir, shortenHome, type Env } from "../../state/paths.ts";
import { ensureDir, writeFileAtomic } from "../../state/safe-file.ts";
import {
  LAUNCHD_LABEL,
  PASSTHROUGH_VARIABLES,
  SYSTEMD_UNIT_NAME,
  renderLaunchdPlist,
  renderSystemdUnit,
  type ServicePlatform,
  type ServiceSpec,
} from "./render.ts";
import { firstLine, type CommandResult, type CommandRunner } from "./runner.ts";
import { launchdLoaded, launchdManual, launchdTarget, runnerOf, startLaunchd, startSystemd, systemctl, systemdManual, systemdUnavailable } from "./managers.ts";
import { HEALTH_TIMEOUT_MS, getGatewayHealth } from "../gateway-health.ts";

export { LAUNCHD_LABEL, SYSTEMD_UNIT_NAME, renderLaunchdPlist, renderSystemdUnit, type ServicePlatform, type ServiceSpec } from "./render.ts";
export type { CommandResult, CommandRunner } from "./runner.ts";
export { systemdUnavailable } from "./managers.ts";

/** Service files hold no secret; 0644 like any unit, and launchd refuses a group- or world-writable plist. */
export const SERVICE_FILE_MODE = 0o644;

export interface ServiceOptions {
  /** The environment: HOME, PATH (to find systemctl/launchctl), the OPENCLAW_* that locate the state. */
  env: Env;
  /** Default: OPENCLAW_SERVICE_PLATFORM (systemd|launchd) from `env`, else by process.platform. */
  platform?: ServicePlatform;
  /** Runs systemctl/launchctl (default: spawned from the PATH of `env`). */
  runner?: CommandRunner;
  /** Default: process.execPath. */
  nodePath?: string;
  /** Default: this installation's dist/openclaw.cjs, found from process.argv[1]. */
  cliPath?: string;
  /** launchd's gui/<uid> domain (default: process.getuid()). */
  uid?: number;
}

export interface InstallOptions extends ServiceOptions {
  /** false: write the files only (`--no-start`). Default true. */
  start?: boolean;
}

export type FileStatus = "created" | "updated" | "unchanged";

/**
 * What the service manager did:
 * - `started`: enabled and (re)started (or already running, unchanged);
 * - `skipped`: not asked to start (`--no-start`);
 * - `unavailable`: no usable systemd/launchd here; `manual` says what to run.
 * - `failed`: the manager is there but refused; `detail` says why.
 */
export type ManagerOutcome = "started" | "skipped" | "unavailable" | "failed";

export interface InstallResult {
  platform: ServicePlatform;
  /** The unit or plist. */
  path: string;
  /** `unchanged`: a second install found the same content (and mode) and left it alone. */
  fileStatus: FileStatus;
  manager: ManagerOutcome;
  /** Why the manager was unavailable or failed. */
  detail?: string;
  /** Commands to run by hand when the manager was skipped, unavailable or failed. */
  manual: string[];
  /** Human summary, one line each, home shown as `~`. No secrets. */
  lines: string[];
}

export interface UninstallResult {
  platform: ServicePlatform;
  path: string;
  /** The file existed and was removed. */
  removed: boolean;
  manager: "stopped" | "unavailable" | "failed";
  detail?: string;
  manual: string[];
  lines: string[];
}

export type ServiceAction = "start" | "stop" | "restart";

export interface ControlResult {
  platform: ServicePlatform;
  ok: boolean;
  detail?: string;
  manual: string[];
  lines: string[];
}

export interface ServiceStatus {
  platform: ServicePlatform;
  path: string;
  installed: boolean;
  /** undefined: the manager could not say (unavailable). */
  enabled?: boolean;
  running?: boolean;
  /** What the manager said, e.g. "enabled", "active", "state = running", or why it could not be asked. */
  enabledDetail: string;
  runningDetail: string;
}

export function selectPlatform(env: Env, override?: ServicePlatform): ServicePlatform {
  const requested = override ?? env.OPENCLAW_SERVICE_PLATFORM?.trim();
  if (requested === "systemd" || requested === "launchd") return requested;
  if (requested) throw new OpenClawError(`Unknown service platform "${requested}".`, { hint: "OPENCLAW_SERVICE_PLATFORM is systemd or launchd." });
  if (process.platform === "darwin") return "launchd";
  if (process.platform === "linux") return "systemd";
  throw new OpenClawError(`Installing the gateway as a service is not supported on ${process.platform}.`, { hint: "Run it in the foreground with: openclaw gateway" });
}

/** The user's real home (not OPENCLAW_HOME, which only moves OpenClaw's own files). */
function userHome(env: Env): string {
  const home = env.HOME?.trim();
  return home && isAbsolute(home) ? home : homedir();
}

export function serviceFilePath(env: Env, platform: ServicePlatform): string {
  const home = userHome(env);
  if (platform === "launchd") return join(home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".config"), "systemd", "user", SYSTEMD_UNIT_NAME);
}

/** This installation's dist/openclaw.cjs: the running entry, through any npm bin symlink. */
export function resolveCliPath(argv1: string | undefined = process.argv[1]): string {
  if (argv1) {
    let path = argv1;
    try {
      path = realpathSync(argv1);
    } catch {
      // keep it as given
    }
    if (basename(path) === "openclaw.cjs") return path;
    for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, "dist", "openclaw.cjs");
      if (existsSync(candidate) && existsSync(join(dir, "package.json"))) return candidate;
    }
  }
  throw new OpenClawError("Cannot find this installation's dist/openclaw.cjs to run as the gateway.", {
    hint: "Run `openclaw gateway install` from an installed openclaw (npm install -g, or node dist/openclaw.cjs after `npm run build`).",
  });
}

/** Where the service's gateway finds its state, and the non-secret variables that say so. */
export function serviceSpec(options: ServiceOptions, platform: ServicePlatform): ServiceSpec {
  const { env } = options;
  const stateDir = resolveStateDir(env);
  const environment: Record<string, string> = {};
  for (const name of PASSTHROUGH_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    // Absolute, so the service does not depend on its working directory or a `~`.
    environment[name] = name === "OPENCLAW_STATE_DIR" ? stateDir : isAbsolute(value) ? value : join(userHome(env), value.replace(/^~\/?/, ""));
  }
  const nodePath = options.nodePath ?? process.execPath;
  const cliPath = options.cliPath ?? resolveCliPath();
  return { nodePath, cliPath, stateDir, environment, ...(platform === "launchd" ? { logPath: join(stateDir, "logs", "gateway.log") } : {}) };
}

export function renderServiceFile(spec: ServiceSpec, platform: ServicePlatform): string {
  return platform === "systemd" ? renderSystemdUnit(spec) : renderLaunchdPlist(spec);
}

async function writeServiceFile(path: string, content: string): Promise<FileStatus> {
  let existing: string | undefined;
  let mode: number | undefined;
  try {
    existing = readFileSync(path, "utf8");
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw new OpenClawError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (existing === content && mode === SERVICE_FILE_MODE) return "unchanged";
  await ensureDir(dirname(path));
  await writeFileAtomic(path, content, { verify: (text) => text === content, mode: SERVICE_FILE_MODE });
  return existing === undefined ? "created" : "updated";
}


function unavailableLine(platform: ServicePlatform, detail: string): string {
  return platform === "systemd"
    ? `systemd is not available here (${detail}), so the service was not started.`
    : `launchd is not available here (${detail}), so the service was not started.`;
}

/**
 * Writes the unit (Linux) or LaunchAgent (macOS) for this installation's
 * gateway, atomically and 0644, then (unless `start: false`) has the manager
 * load, enable and start it. Idempotent: the same content is left alone and
 * reported `unchanged`; a changed file restarts a running service.
 */
export async function installGatewayService(options: InstallOptions): Promise<InstallResult> {
  const platform = selectPlatform(options.env, options.platform);
  const path = serviceFilePath(options.env, platform);
  const spec = serviceSpec(options, platform);
  const display = (p: string) => shortenHome(p, { HOME: userHome(options.env) });
  const fileStatus = await writeServiceFile(path, renderServiceFile(spec, platform));
  // The service starts in the state dir (systemd fails to start in a missing one), and launchd does not create the log's dir.
  await ensureDir(spec.stateDir);
  if (spec.logPath) await ensureDir(dirname(spec.logPath));
  const what = platform === "systemd" ? "systemd user unit" : "LaunchAgent";
  const lines = [
    fileStatus === "unchanged"
      ? `The ${what} ${display(path)} is already up to date (unchanged).`
      : `${fileStatus === "created" ? "Wrote" : "Updated"} the ${what} ${display(path)} (no secrets: the gateway reads ${display(join(spec.stateDir, ".env"))} itself at every start).`,
  ];
  const manualFor = () => (platform === "systemd" ? systemdManual(options, spec) : launchdManual(options, display(path), spec));

  if (options.start === false) {
    lines.push("Not started (--no-start). To start it:", ...manualFor().slice(0, -1).map((command) => `  ${command}`));
    return { platform, path, fileStatus, manager: "skipped", manual: manualFor(), lines };
  }

  const outcome = platform === "systemd" ? await startSystemd(options, fileStatus) : await startLaunchd(options, path, fileStatus);
  if (outcome.manager === "started") {
    lines.push(platform === "systemd" ? `Enabled and started ${SYSTEMD_UNIT_NAME}; it starts again at login and after a crash.` : `Loaded ${LAUNCHD_LABEL}; it starts again at login and after a crash.`);
    lines.push("Check it with: openclaw gateway status");
    return { platform, path, fileStatus, manager: "started", manual: [], lines };
  }
  const detail = outcome.detail ?? "unknown error";
  lines.push(outcome.manager === "unavailable" ? unavailableLine(platform, detail) : `The service manager refused to start it: ${detail}`);
  lines.push("Start it by hand:", ...manualFor().map((command) => `  ${command}`));
  if (outcome.manager === "unavailable" && platform === "systemd") {
    lines.push("(systemctl --user needs your systemd user session: run it logged in as this user, not through sudo/su or inside a container.)");
  }
  return { platform, path, fileStatus, manager: outcome.manager, detail, manual: manualFor(), lines };
}

/**
 * Stops and disables the service and removes its file; never touches `.env`
 * or anything in the state dir. Without a service manager the file is still
 * removed and the result says so.
 */
export async function uninstallGatewayService(options: ServiceOptions): Promise<UninstallResult> {
  const platform = selectPlatform(options.env, options.platform);
  const path = serviceFilePath(options.env, platform);
  const display = (p: string) => shortenHome(p, { HOME: userHome(options.env) });
  const lines: string[] = [];
  let manager: UninstallResult["manager"] = "stopped";
  let detail: string | undefined;
  let manual: string[] = [];

  if (platform === "systemd") {
    const disable = await systemctl(options, "disable", "--now", SYSTEMD_UNIT_NAME);
    if (systemdUnavailable(disable)) {
      manager = "unavailable";
      detail = firstLine(disable);
    } else if (disable.code !== 0 && !/not loaded|does not exist|No such file|not found/i.test(disable.stderr)) {
      manager = "failed";
      detail = `systemctl --user disable --now: ${firstLine(disable)}`;
    }
  } else {
    const { target } = launchdTarget(options);
    const loaded = await launchdLoaded(options);
    if (loaded.code === null) {
      manager = "unavailable";
      detail = firstLine(loaded);
    } else if (loaded.code === 0) {
      const out = await runnerOf(options)("launchctl", ["bootout", target]);
      if (out.code !== 0) {
        manager = "failed";
        detail = `launchctl bootout: ${firstLine(out)}`;
      }
    }
  }

  let removed = false;
  try {
    await unlink(path);
    removed = true;
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw new OpenClawError(`Cannot remove ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (platform === "systemd" && manager !== "unavailable") await systemctl(options, "daemon-reload");

  lines.push(removed ? `Removed ${display(path)}.` : `No service file at ${display(path)}; nothing to remove.`);
  if (manager === "stopped") lines.push(platform === "systemd" ? `Stopped and disabled ${SYSTEMD_UNIT_NAME}.` : `Unloaded ${LAUNCHD_LABEL}.`);
  else {
    manual =
      platform === "systemd"
        ? [`systemctl --user disable --now ${SYSTEMD_UNIT_NAME}`, "systemctl --user daemon-reload"]
        : [`launchctl bootout ${launchdTarget(options).target}`];
    lines.push(
      manager === "unavailable"
        ? `${platform} is not available here (${detail}), so it was not asked to stop the service. Where it is (your login session), stop it with:`
        : `The service manager refused to stop it (${detail}). Stop it with:`,
      ...manual.map((command) => `  ${command}`),
    );
  }
  lines.push("Your .env, credentials and other state were left as they are.");
  return { platform, path, removed, manager, ...(detail ? { detail } : {}), manual, lines };
}

/** start / stop / restart an installed service. Throws when it is not installed. */
export async function controlGatewayService(action: ServiceAction, options: ServiceOptions): Promise<ControlResult> {
  const platform = selectPlatform(options.env, options.platform);
  const path = serviceFilePath(options.env, platform);
  const display = (p: string) => shortenHome(p, { HOME: userHome(options.env) });
  if (!existsSync(path)) {
    throw new OpenClawError(`The gateway service is not installed (no ${display(path)}).`, { hint: "Install it with: openclaw gateway install" });
  }
  const done = { start: "Started", stop: "Stopped", restart: "Restarted" }[action];
  if (platform === "systemd") {
    const result = await systemctl(options, action, SYSTEMD_UNIT_NAME);
    if (result.code === 0) return { platform, ok: true, manual: [], lines: [`${done} ${SYSTEMD_UNIT_NAME}.`] };
    const unavailable = systemdUnavailable(result);
    const manual = [`systemctl --user ${action} ${SYSTEMD_UNIT_NAME}`];
    const detail = firstLine(result);
    return {
      platform,
      ok: false,
      detail,
      manual,
      lines: [unavailable ? `systemd is not available here (${detail}).` : `systemctl --user ${action} failed: ${detail}`, ...(unavailable ? ["Run it where your systemd user session is:", `  ${manual[0]}`] : [])],
    };
  }
  const run = runnerOf(options);
  const { domain, target } = launchdTarget(options);
  const loaded = await launchdLoaded(options);
  if (loaded.code === null) {
    const detail = firstLine(loaded);
    return { platform, ok: false, detail, manual: launchdManual(options, display(path), undefined), lines: [`launchd is not available here (${detail}).`] };
  }
  let result: CommandResult;
  if (action === "stop") {
    if (loaded.code !== 0) return { platform, ok: true, manual: [], lines: [`${LAUNCHD_LABEL} is not loaded; nothing to stop.`] };
    result = await run("launchctl", ["bootout", target]);
  } else if (loaded.code !== 0) {
    result = await run("launchctl", ["bootstrap", domain, path]);
  } else {
    result = await run("launchctl", action === "restart" ? ["kickstart", "-k", target] : ["kickstart", target]);
  }
  if (result.code === 0) return { platform, ok: true, manual: [], lines: [`${done} ${LAUNCHD_LABEL}.`] };
  const detail = firstLine(result);
  return { platform, ok: false, detail, manual: [], lines: [`launchctl failed: ${detail}`] };
}

/** Installed (which file), enabled and running, as the service manager sees them. */
export async function gatewayServiceStatus(options: ServiceOptions): Promise<ServiceStatus> {
  const platform = selectPlatform(options.env, options.platform);
  const path = serviceFilePath(options.env, platform);
  const installed = existsSync(path);
  if (platform === "systemd") {
    const [enabled, active] = [await systemctl(options, "is-enabled", SYSTEMD_UNIT_NAME), await systemctl(options, "is-active", SYSTEMD_UNIT_NAME)];
    if (systemdUnavailable(enabled) || systemdUnavailable(active)) {
      const why = `unknown: systemd is not available here (${firstLine(systemdUnavailable(enabled) ? enabled : active)})`;
      return { platform, path, installed, enabledDetail: why, runningDetail: why };
    }
    const enabledWord = enabled.stdout.trim().split("\n")[0] || firstLine(enabled);
    const activeWord = active.stdout.trim().split("\n")[0] || firstLine(active);
    return { platform, path, installed, enabled: enabledWord === "enabled", running: activeWord === "active", enabledDetail: enabledWord, runningDetail: activeWord };
  }
  const loaded = await launchdLoaded(options);
  if (loaded.code === null) {
    const why = `unknown: launchd is not available here (${firstLine(loaded)})`;
    return { platform, path, installed, enabledDetail: why, runningDetail: why };
  }
  if (loaded.code !== 0) return { platform, path, installed, enabled: false, running: false, enabledDetail: "not loaded", runningDetail: "not loaded" };
  const state = /^\s*state = (\S+)/m.exec(loaded.stdout)?.[1] ?? "unknown";
  return { platform, path, installed, enabled: true, running: state === "running", enabledDetail: "loaded", runningDetail: `state = ${state}` };
}

/** GET /health with a short timeout: whether a gateway answers there. Never throws. */
export async function probeGatewayHealth(url: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<{ healthy: boolean; detail: string }> {
  const probe = await getGatewayHealth(url, timeoutMs);
  if (probe.kind === "down") return { healthy: false, detail: probe.reason === "ECONNREFUSED" ? "connection refused" : probe.reason };
  return { healthy: probe.status >= 200 && probe.status < 300, detail: `HTTP ${probe.status}` };
}
