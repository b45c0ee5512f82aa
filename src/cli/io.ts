// The I/O a command gets (GitHub CLI style): the real entry point hands in
// the process; a command never touches process.* itself, so it can run
// against any other I/O (the end-to-end tests still drive the real process).
// Everything written goes through the secret redactor first.
import { redactSecrets } from "../auth/redact.ts";
import { fdWriter, isTerminal } from "./fd-output.ts";
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
  /** stdin as a stream, for a command that reads it line by line as it comes (`openclaw chat`). */
  readonly stdin?: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  now(): number;
}

export interface ProcessIOOptions {
  /**
   * Print with fd-output.ts instead of `process.stdout`: for a command whose
   * only output is its result and that never prompts (`models status`).
   */
  directStdout?: boolean;
}

let quietOnEpipe = false;
function stdoutStream(): NodeJS.WriteStream {
  // `openclaw … | head` closes the pipe early: stop quietly, like any Unix tool.
  if (!quietOnEpipe) {
    quietOnEpipe = true;
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return process.stdout;
}

export function processIO(options: ProcessIOOptions = {}): CliIO {
  // Getters: process.stdin/stdout/stderr each build a Node stream on first use
  // (fd-output.ts says what that costs), so a command pays only for those it uses.
  const direct = options.directStdout ? fdWriter(1, stdoutStream) : undefined;
  return {
    env: process.env,
    cwd: process.cwd(),
    get stdout() {
      return direct ?? stdoutStream();
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
    get stdoutIsTTY() {
      return direct ? isTerminal(1) : Boolean(stdoutStream().isTTY);
    },
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
  // The terminal check last: it is the only one that may cost a system call.
  const on = io.env.NO_COLOR === undefined && io.env.TERM !== "dumb" && io.stdoutIsTTY;
  return on ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}
