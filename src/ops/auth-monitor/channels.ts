// Where `auth-monitor run` delivers: ntfy, a JSON webhook, a local command.
// Each delivery has a timeout and either resolves or throws a ChannelError whose
// message names the channel by host only: ntfy topics and webhook URLs act as
// passwords (anyone who knows them can read or post), so they are never printed.
import { spawn } from "node:child_process";
import type { AlertMessage, Finding } from "./findings.ts";

export const DEFAULT_NTFY_SERVER = "https://ntfy.sh";
export const DEFAULT_TIMEOUT_MS = 10_000;

export type ChannelName = "ntfy" | "webhook" | "command";

export interface ChannelSettings {
  ntfy?: { topic: string; server: string };
  webhook?: { url: string };
  command?: { command: string };
}

export interface Delivery {
  message: AlertMessage;
  /** The findings this notification is about; empty for "resolved". */
  findings: readonly Finding[];
  host: string;
  checkedAt: string;
  /** The check's exit code (0, 1 or 2). */
  exitCode: number;
  timeoutMs: number;
}

export class ChannelError extends Error {
  constructor(
    readonly channel: ChannelName,
    message: string,
  ) {
    super(message);
    this.name = "ChannelError";
  }
}

/** ntfy's own rule for topic names. */
export const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an invalid URL";
  }
}

async function post(channel: ChannelName, url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<void> {
  const where = hostOf(url);
  // fetch refuses a URL with user:password@; send them as Basic auth instead (ntfy and most webhooks accept it).
  const target = new URL(url);
  const headers = { ...init.headers };
  if (target.username || target.password) {
    headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  let response: Response;
  try {
    response = await fetch(target, { method: "POST", headers, body: init.body, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
  } catch (error) {
    const name = (error as Error).name;
    const raw = name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs} ms` : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
    // The URL (path, query, topic) is a secret of sorts: never in a message, even when an error quotes it.
    const reason = [url, target.href, target.pathname].filter((part) => part.length > 1).reduce((text, part) => text.split(part).join("<url>"), raw);
    throw new ChannelError(channel, `${channel} (${where}): ${reason}`);
  }
  // The body is not read into the message: an error page may echo the request (the topic, the URL).
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new ChannelError(channel, `${channel} (${where}) answered HTTP ${response.status}`);
}

/** ntfy's header values must be ASCII (HTTP headers are Latin-1); its title and tags go there. */
const asciiHeader = (text: string) => text.replace(/—/g, "-").replace(/[^\x20-\x7e]/g, "?");

export function sendNtfy(settings: NonNullable<ChannelSettings["ntfy"]>, delivery: Delivery): Promise<void> {
  const url = `${settings.server.replace(/\/+$/, "")}/${settings.topic}`;
  return post(
    "ntfy",
    url,
    {
      headers: { Title: asciiHeader(delivery.message.title), Priority: delivery.message.priority, Tags: delivery.message.tags, "Content-Type": "text/plain; charset=utf-8" },
      body: delivery.message.body,
    },
    delivery.timeoutMs,
  );
}

export function webhookPayload(delivery: Delivery): object {
  return {
    status: delivery.message.status,
    title: delivery.message.title,
    message: delivery.message.body,
    findings: delivery.findings.map(({ provider, profileId, status, expiresAt, fix }) => ({ provider, profileId, status, expiresAt, fix })),
    host: delivery.host,
    checkedAt: delivery.checkedAt,
  };
}

export function sendWebhook(settings: NonNullable<ChannelSettings["webhook"]>, delivery: Delivery): Promise<void> {
  return post("webhook", settings.url, { headers: { "Content-Type": "application/json" }, body: JSON.stringify(webhookPayload(delivery)) }, delivery.timeoutMs);
}

/** The variables a --command gets; values are never put into the command line, so no shell ever parses them. */
export function commandEnv(delivery: Delivery): Record<string, string> {
  const f = delivery.findings;
  return {
    OPENCLAW_AUTH_STATUS: delivery.message.status,
    OPENCLAW_AUTH_TITLE: delivery.message.title,
    OPENCLAW_AUTH_PRIORITY: delivery.message.priority,
    OPENCLAW_AUTH_EXIT_CODE: String(delivery.exitCode),
    OPENCLAW_AUTH_HOST: delivery.host,
    OPENCLAW_AUTH_CHECKED_AT: delivery.checkedAt,
    OPENCLAW_AUTH_PROVIDERS: [...new Set(f.map((x) => x.provider))].join(" "),
    OPENCLAW_AUTH_PROFILES: f.map((x) => x.profileId ?? `${x.provider}:-`).join(" "),
    OPENCLAW_AUTH_FIX: f[0]?.fix ?? "",
    OPENCLAW_AUTH_FINDINGS: JSON.stringify(f),
  };
}

/**
 * Runs the user's command with `sh -c` (it is their own text, like a cron
 * line), the message on stdin and the fields in OPENCLAW_AUTH_* variables.
 * Non-zero exit, a signal or the timeout is a failed delivery.
 */
export function runCommand(settings: NonNullable<ChannelSettings["command"]>, delivery: Delivery, baseEnv: Readonly<Record<string, string | undefined>>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", settings.command], {
      env: { ...baseEnv, ...commandEnv(delivery) },
      stdio: ["pipe", "ignore", "pipe"],
      // Its own process group, so the timeout ends whatever it started too.
      detached: true,
    });
    let stderr = "";
    let settled = false;
    const finish = (error?: ChannelError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      finish(new ChannelError("command", `command: did not finish within ${delivery.timeoutMs} ms (killed)`));
    }, delivery.timeoutMs);
    child.stderr!.on("data", (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => finish(new ChannelError("command", `command: ${error.message}`)));
    child.on("exit", (code, signal) => {
      if (code === 0) return finish();
      const last = stderr.trim().split("\n").pop();
      finish(new ChannelError("command", `command: ${signal ? `killed by ${signal}` : `exit ${code}`}${last ? ` (${last.slice(0, 200)})` : ""}`));
    });
    child.stdin!.on("error", () => undefined); // a command that ignores stdin may close it early
    child.stdin!.end(`${delivery.message.title}\n\n${delivery.message.body}\n`);
  });
}

export function deliver(channel: ChannelName, settings: ChannelSettings, delivery: Delivery, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  if (channel === "ntfy") return sendNtfy(settings.ntfy!, delivery);
  if (channel === "webhook") return sendWebhook(settings.webhook!, delivery);
  return runCommand(settings.command!, delivery, env);
}

export const configuredChannels = (settings: ChannelSettings): ChannelName[] => (["ntfy", "webhook", "command"] as const).filter((name) => settings[name] !== undefined);
