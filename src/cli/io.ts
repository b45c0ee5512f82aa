// The I/O a command gets (GitHub CLI style): the real entry point hands in
// the process; a command never touches process.* itself, so it can run
// against any other I/O (the end-to-end tests still drive the real process).
// Everything written goes through the secret redactor first.
import { redactSecrets } from "../auth/redact.ts";
import type { Env } from "../state/paths.ts";

export interface Writable {
  write(text: string): unknown;
}

export interface CliIO {
  env: Env;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  /** Reads all of stdin (used when stdin is not a terminal). */
  readStdin(): Promise<string>;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  now(): number;
}

export function processIO(): CliIO {
  // `openclaw … | head` closes the pipe early: stop quietly, like any Unix tool.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    now: () => Date.now(),
  };
}

export function printLine(io: CliIO, text = ""): void {
  io.stdout.write(redactSecrets(text) + "\n");
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(redactSecrets(JSON.stringify(value, null, 2)) + "\n");
}

export function printErrorLine(io: CliIO, text: string): void {
  io.stderr.write(redactSecrets(text) + "\n");
}

/** Colour only on a terminal and never with NO_COLOR (DESIGN §4.2). */
export function colorizer(io: CliIO): (code: number, text: string) => string {
  const on = io.stdoutIsTTY && io.env.NO_COLOR === undefined && io.env.TERM !== "dumb";
  return on ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}
