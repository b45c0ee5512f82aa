// Running systemctl / launchctl: their output and exit code, or "not found".
import { spawn } from "node:child_process";
import type { Env } from "../../state/paths.ts";

export interface CommandResult {
  /** null: the program is not on PATH (or could not be started). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it could not be started, when code is null. */
  error?: string;
}

export type CommandRunner = (program: string, args: readonly string[]) => Promise<CommandResult>;

const TIMEOUT_MS = 30_000;

/** Runs `program` found on the PATH of `env`, with that environment. */
export function spawnRunner(env: Env): CommandRunner {
  return (program, args) =>
    new Promise((resolve) => {
      let stdout = "";
      let stderr = "";
      // Our own timer, not spawn's `timeout`: that one is cleared only on exit, so a program
      // that is not found (no exit event) kept the CLI alive for the whole timeout.
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: CommandResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      let child;
      try {
        child = spawn(program, [...args], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
      } catch (error) {
        finish({ code: null, stdout, stderr, error: (error as Error).message });
        return;
      }
      timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
      timer.unref();
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", (error: NodeJS.ErrnoException) => finish({ code: null, stdout, stderr, error: error.code === "ENOENT" ? `${program} not found` : error.message }));
      child.on("close", (code, signal) => finish({ code: code ?? (signal ? 128 : 1), stdout, stderr, ...(signal === "SIGKILL" ? { error: `${program} did not answer within ${TIMEOUT_MS / 1000} s` } : {}) }));
    });
}

/** The first line of what a failed command said, for one-line messages. */
export function firstLine(result: CommandResult): string {
  const text = (result.error ?? result.stderr.trim()) || result.stdout.trim() || `exit ${result.code}`;
  return text.split("\n")[0]!.trim();
}
