// The monitor's settings: from flags, or from `<state>/auth-monitor.json`, the
// 0600 file `auth-monitor install` writes so that the ntfy topic and the webhook
// URL (which work like passwords) stay out of the systemd unit, which any local
// user can read with `systemctl --user cat`, and out of the process list.
import { join } from "node:path";
import { OpenClawError } from "../../state/errors.ts";
import { readTextIfExists, verifyJson, writeFileAtomic } from "../../state/safe-file.ts";
import { DEFAULT_NTFY_SERVER, DEFAULT_TIMEOUT_MS, NTFY_TOPIC, type ChannelSettings } from "./channels.ts";

export const SETTINGS_FILE_NAME = "auth-monitor.json";
export const settingsPath = (stateDir: string) => join(stateDir, SETTINGS_FILE_NAME);

export interface MonitorFlags {
  warnHours?: string;
  ntfy?: string;
  ntfyServer?: string;
  webhook?: string;
  command?: string;
  agent?: string;
  timeout?: string;
}

export interface MonitorSettings {
  warnMs: number;
  channels: ChannelSettings;
  agent?: string;
  timeoutMs: number;
}

/** A flag's problem, said the way the CLI says usage errors. */
export class SettingsError extends OpenClawError {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

function positive(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new SettingsError(`${flag} must be a positive number.`);
  return value;
}

function httpUrl(raw: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`${flag} must be an http(s) URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SettingsError(`${flag} must be an http(s) URL.`);
  return raw;
}

export function settingsFromFlags(flags: MonitorFlags): MonitorSettings {
  const channels: ChannelSettings = {};
  if (flags.ntfy !== undefined) {
    // Not echoed: the topic is the secret.
    if (!NTFY_TOPIC.test(flags.ntfy)) throw new SettingsError("--ntfy must be an ntfy topic name: 1 to 64 letters, digits, - or _.");
    channels.ntfy = { topic: flags.ntfy, server: httpUrl(flags.ntfyServer ?? DEFAULT_NTFY_SERVER, "--ntfy-server") };
  } else if (flags.ntfyServer !== undefined) throw new SettingsError("--ntfy-server needs --ntfy <topic>.");
  if (flags.webhook !== undefined) channels.webhook = { url: httpUrl(flags.webhook, "--webhook") };
  if (flags.command !== undefined) {
    if (!flags.command.trim()) throw new SettingsError("--command must not be empty.");
    channels.command = { command: flags.command };
  }
  return {
    warnMs: flags.warnHours === undefined ? 24 * 3_600_000 : Math.round(positive(flags.warnHours, "--warn-hours") * 3_600_000),
    channels,
    ...(flags.agent !== undefined ? { agent: flags.agent } : {}),
    timeoutMs: flags.timeout === undefined ? DEFAULT_TIMEOUT_MS : Math.round(positive(flags.timeout, "--timeout") * 1000),
  };
}

/** The flags as stored in the settings file (only the ones given). */
export function flagsToStore(flags: MonitorFlags): MonitorFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as MonitorFlags;
}

/** Flags from the settings file, overridden by the ones on the command line. */
export async function readSettingsFile(path: string): Promise<MonitorFlags> {
  const text = await readTextIfExists(path);
  if (text === undefined) throw new SettingsError(`${path} does not exist (auth-monitor install writes it).`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${path} is not valid JSON: ${(error as Error).message.replace(/ in JSON.*$/, "")}`);
  }
  const flags = (parsed as { flags?: unknown } | null)?.flags;
  if ((parsed as { version?: unknown }).version !== 1 || flags === null || typeof flags !== "object") throw new SettingsError(`${path} is not an auth-monitor settings file ({"version":1,"flags":{…}}).`);
  const out: MonitorFlags = {};
  for (const key of ["warnHours", "ntfy", "ntfyServer", "webhook", "command", "agent", "timeout"] as const) {
    const value = (flags as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== "string") throw new SettingsError(`${path}: flags.${key} must be a string.`);
    out[key] = value;
  }
  return out;
}

export async function writeSettingsFile(path: string, flags: MonitorFlags): Promise<void> {
  await writeFileAtomic(path, JSON.stringify({ version: 1, flags: flagsToStore(flags) }, null, 2) + "\n", { verify: verifyJson });
}
