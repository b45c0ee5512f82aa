// Running a command's `run(options, io)` in this process against a fake CliIO
// (GitHub CLI style): a throw-away home, captured stdout/stderr, stdin text
// and a fixed "now". Much faster than spawning the built CLI (test/helpers/cli.ts),
// which the end-to-end tests still do; argv parsing is theirs to cover.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportError } from "../../src/cli/errors.ts";
import type { CliIO } from "../../src/cli/io.ts";

export interface InProcessHome {
  home: string;
  stateDir: string;
  configPath: string;
  /** The default agent's ("main") dir and store. */
  agentDir: string;
  storePath: string;
  agentDirOf(agentId: string): string;
  cleanup(): Promise<void>;
}

export async function makeInProcessHome(): Promise<InProcessHome> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-inprocess-"));
  const stateDir = join(home, ".openclaw");
  const agentDirOf = (agentId: string) => join(stateDir, "agents", agentId, "agent");
  return {
    home,
    stateDir,
    configPath: join(stateDir, "openclaw.json"),
    agentDir: agentDirOf("main"),
    storePath: join(agentDirOf("main"), "auth-profiles.json"),
    agentDirOf,
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

/** Runs `fn` with a fresh home, always removed afterwards. */
export async function withInProcessHome(fn: (home: InProcessHome) => Promise<void>): Promise<void> {
  const home = await makeInProcessHome();
  try {
    await fn(home);
  } finally {
    await home.cleanup();
  }
}

export interface FakeIOOptions {
  home: InProcessHome;
  /** All of stdin (what a pipe would give). */
  stdin?: string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  /** Extra variables; `undefined` removes one. The base env is minimal: HOME, OPENCLAW_STATE_DIR, NO_COLOR, LANG. */
  env?: Record<string, string | undefined>;
  /** Milliseconds since 1970; defaults to the real clock when the IO is made. */
  now?: number;
}

export interface FakeIO extends CliIO {
  stdoutText(): string;
  stderrText(): string;
}

export function fakeIO(options: FakeIOOptions): FakeIO {
  const base: Record<string, string | undefined> = {
    HOME: options.home.home,
    OPENCLAW_STATE_DIR: options.home.stateDir,
    NO_COLOR: "1",
    LANG: "C.UTF-8",
    ...options.env,
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  let stdout = "";
  let stderr = "";
  const now = options.now ?? Date.now();
  return {
    env,
    cwd: options.home.home,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: async () => options.stdin ?? "",
    stdinIsTTY: options.stdinIsTTY ?? false,
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    now: () => now,
    stdoutText: () => stdout,
    stderrText: () => stderr,
  };
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandRun<O> = (options: O, io: CliIO) => Promise<number | void>;

/**
 * Runs one command module's `run(options, io)` the way the entry point does:
 * a thrown error is reported on stderr (`Error: …`, hint) and is exit code 1.
 */
export async function runInProcess<O>(run: CommandRun<O>, options: O, io: FakeIOOptions | FakeIO): Promise<InProcessResult> {
  const fake = "stdoutText" in io ? io : fakeIO(io);
  let code: number;
  try {
    code = (await run(options, fake)) ?? 0;
  } catch (error) {
    code = reportError(fake, error);
  }
  return { code, stdout: fake.stdoutText(), stderr: fake.stderrText() };
}
