// Optional import of keys from the user's login shell (spec §2.4 step 5), for
// daemons that do not inherit the shell's exports. Off unless asked for.
import { readFileSync } from "node:fs";
import { isAbsolute, normalize } from "node:path";
import type { Env } from "./paths.ts";

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_BUFFER = 2 * 1024 * 1024;

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

export interface ShellEnvSettings {
  enabled: boolean;
  timeoutMs: number;
}

export function shellEnvSettings(env: Env, configured: { enabled?: boolean | undefined; timeoutMs?: number | undefined } | undefined): ShellEnvSettings {
  const enabled = (configured?.enabled === true || isTruthy(env.OPENCLAW_LOAD_SHELL_ENV)) && !isTruthy(env.OPENCLAW_DEFER_SHELL_ENV_FALLBACK);
  const fromEnv = Number(env.OPENCLAW_SHELL_ENV_TIMEOUT_MS);
  const timeoutMs = configured?.timeoutMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS);
  return { enabled, timeoutMs };
}

/** `$SHELL` only if it is an absolute path listed in /etc/shells; otherwise /bin/sh. */
export function pickLoginShell(env: Env): string {
  const requested = env.SHELL?.trim();
  if (!requested || !isAbsolute(requested)) return "/bin/sh";
  const shell = normalize(requested);
  try {
    const allowed = readFileSync("/etc/shells", "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    return allowed.includes(shell) ? shell : "/bin/sh";
  } catch {
    return "/bin/sh";
  }
}

/** Runs `<shell> -l -c 'env -0'` and returns the values of `wanted` it knows. */
export async function readLoginShellEnv(env: Env, home: string, wanted: readonly string[], timeoutMs: number): Promise<Record<string, string>> {
  const { execFile } = await import("node:child_process");
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
  // Startup-file redirections could make the shell read files other than the user's own.
  delete childEnv.ZDOTDIR;
  delete childEnv.BASH_ENV;
  delete childEnv.ENV;
  childEnv.HOME = home;
  return new Promise((resolve, reject) => {
    execFile(
      pickLoginShell(env),
      ["-l", "-c", "env -0"],
      { env: childEnv, timeout: timeoutMs, maxBuffer: MAX_BUFFER, encoding: "utf8", windowsHide: true },
      (error, stdout) => {
        if (error) {
          reject(new Error(error.killed ? `timed out after ${timeoutMs} ms` : error.message.split("\n")[0]));
          return;
        }
        const found: Record<string, string> = {};
        const wantedSet = new Set(wanted);
        for (const entry of stdout.split("\0")) {
          const eq = entry.indexOf("=");
          if (eq <= 0) continue;
          const name = entry.slice(0, eq);
          const value = entry.slice(eq + 1);
          if (wantedSet.has(name) && value.trim() !== "") found[name] = value;
        }
        resolve(found);
      },
    ).stdin?.end();
  });
}
