// `<state>/auth-monitor-state`: when each channel last told about each finding,
// so a monitor run every few minutes notifies at most once an hour per finding
// (spec §7: OpenClaw's auth-monitor.sh kept one epoch-seconds timestamp there).
// JSON, 0600, written atomically under the file's lock.
import { join } from "node:path";
import { readTextIfExists, verifyJson, writeFileAtomic } from "../../state/safe-file.ts";

export const STATE_FILE_NAME = "auth-monitor-state";
/** How long the same finding stays quiet on a channel once told. */
export const RENOTIFY_MS = 60 * 60 * 1000;

export interface ChannelState {
  /** findingKey → epoch ms of the last delivered notification that named it. */
  sent: Record<string, number>;
  /** An alert reached this channel and no "resolved" has followed yet. */
  alerted: boolean;
}

export interface MonitorState {
  version: 1;
  channels: Record<string, ChannelState>;
}

export const statePath = (stateDir: string) => join(stateDir, STATE_FILE_NAME);
export const emptyState = (): MonitorState => ({ version: 1, channels: {} });

export interface LoadedState {
  state: MonitorState;
  /** Why the file was not used, when it exists but is not ours (OpenClaw's epoch seconds) or is broken. */
  ignored?: string;
}

function isChannelState(value: unknown): value is ChannelState {
  if (value === null || typeof value !== "object") return false;
  const { sent, alerted } = value as Partial<ChannelState>;
  return typeof alerted === "boolean" && sent !== null && typeof sent === "object" && Object.values(sent).every((t) => typeof t === "number" && Number.isFinite(t));
}

/**
 * The file's state. Unlike the store and config, a file that does not parse is
 * replaced, not an error: it holds only "when did I last notify", and a monitor
 * that stops on it would stop alerting; the worst a fresh state does is notify
 * once more. The caller says so on stderr.
 */
export async function loadState(path: string): Promise<LoadedState> {
  const text = await readTextIfExists(path);
  if (text === undefined) return { state: emptyState() };
  if (/^\s*\d+\s*$/.test(text)) return { state: emptyState(), ignored: "it holds OpenClaw's auth-monitor.sh timestamp, not this monitor's state" };
  try {
    const parsed = JSON.parse(text) as Partial<MonitorState>;
    const channels = parsed?.channels;
    if (parsed?.version !== 1 || channels === null || typeof channels !== "object" || !Object.values(channels).every(isChannelState)) throw new Error("not an auth-monitor state");
    return { state: { version: 1, channels: Object.fromEntries(Object.entries(channels)) } };
  } catch {
    return { state: emptyState(), ignored: "it is not valid auth-monitor state JSON" };
  }
}

export async function saveState(path: string, state: MonitorState): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(state, null, 2) + "\n", { verify: verifyJson });
}
