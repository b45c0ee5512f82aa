// One monitor run after the check: decide per channel what is due (the hourly
// rate limit, re-notify on change, one "resolved" when all is OK again),
// deliver, and record only what was delivered, under the state file's lock.
// A channel that fails keeps its old state (so the next run retries it) and
// never costs another channel its record.
import { withFileLock } from "../../state/file-lock.ts";
import { configuredChannels, deliver, type ChannelName, type ChannelSettings, type Delivery } from "./channels.ts";
import { alertMessage, findingKey, resolvedMessage, type Finding } from "./findings.ts";
import { RENOTIFY_MS, loadState, saveState, type ChannelState, type MonitorState } from "./state.ts";

export interface ChannelPlan {
  kind: "alert" | "resolved";
  findings: Finding[];
}

const freshChannel = (): ChannelState => ({ sent: {}, alerted: false });

/** What this channel should be sent now, or undefined when nothing is due. */
export function planChannel(channel: ChannelState | undefined, findings: readonly Finding[], now: number): ChannelPlan | undefined {
  const state = channel ?? freshChannel();
  if (findings.length === 0) return state.alerted ? { kind: "resolved", findings: [] } : undefined;
  const due = findings.filter((finding) => {
    const last = state.sent[findingKey(finding)];
    // A timestamp from the future (a clock set back) must not silence the finding for good.
    return last === undefined || now - last >= RENOTIFY_MS || last > now;
  });
  return due.length > 0 ? { kind: "alert", findings: due } : undefined;
}

/** The channel's state after `plan` was delivered (or after a run with nothing due: forget findings that are gone). */
export function channelAfter(channel: ChannelState | undefined, findings: readonly Finding[], plan: ChannelPlan | undefined, now: number): ChannelState {
  const state = channel ?? freshChannel();
  if (plan?.kind === "resolved") return freshChannel();
  const sentNow = new Set((plan?.findings ?? []).map(findingKey));
  const sent: Record<string, number> = {};
  for (const finding of findings) {
    const key = findingKey(finding);
    const last = sentNow.has(key) ? now : state.sent[key];
    if (last !== undefined) sent[key] = last;
  }
  return { sent, alerted: state.alerted || plan?.kind === "alert" };
}

export interface ChannelOutcome {
  channel: ChannelName;
  result: "sent" | "resolved" | "quiet" | "failed";
  /** The findings named (by key) in what was sent, or due but not delivered. */
  findings: string[];
  error?: string;
}

export interface MonitorRun {
  outcomes: ChannelOutcome[];
  /** Why the old state file was not used, if it was not. */
  stateIgnored?: string;
}

export interface MonitorInputs {
  statePath: string;
  channels: ChannelSettings;
  findings: Finding[];
  exitCode: number;
  now: number;
  host: string;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
}

export async function runMonitor(inputs: MonitorInputs): Promise<MonitorRun> {
  const { findings, now } = inputs;
  return withFileLock(inputs.statePath, async () => {
    const loaded = await loadState(inputs.statePath);
    const state: MonitorState = loaded.state;
    const checkedAt = new Date(now).toISOString();
    const channels = configuredChannels(inputs.channels);
    const outcomes = await Promise.all(
      channels.map(async (channel): Promise<ChannelOutcome> => {
        const plan = planChannel(state.channels[channel], findings, now);
        const keys = (plan?.findings ?? []).map(findingKey);
        if (!plan) {
          state.channels[channel] = channelAfter(state.channels[channel], findings, undefined, now);
          return { channel, result: "quiet", findings: [] };
        }
        const message = plan.kind === "resolved" ? resolvedMessage(inputs.host) : alertMessage(plan.findings, inputs.host, now);
        const delivery: Delivery = { message, findings: plan.findings, host: inputs.host, checkedAt, exitCode: inputs.exitCode, timeoutMs: inputs.timeoutMs };
        try {
          await deliver(channel, inputs.channels, delivery, inputs.env);
        } catch (error) {
          return { channel, result: "failed", findings: keys, error: (error as Error).message };
        }
        state.channels[channel] = channelAfter(state.channels[channel], findings, plan, now);
        return { channel, result: plan.kind === "resolved" ? "resolved" : "sent", findings: keys };
      }),
    );
    if (channels.length > 0 || loaded.ignored) await saveState(inputs.statePath, state);
    return { outcomes, ...(loaded.ignored ? { stateIgnored: loaded.ignored } : {}) };
  });
}
