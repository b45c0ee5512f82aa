// Running the built `openclaw` against throw-away homes, the way a user would.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "openclaw.cjs");
/** Real files and outputs of OpenClaw 2026.2.26 (copied from the team's shared fixtures; see its README). */
export const FIXTURE_HOME = join(ROOT, "test", "fixtures", "openclaw-2026.2.26", "home-alice");
export const FIXTURE_OUTPUTS = join(ROOT, "test", "fixtures", "openclaw-2026.2.26", "outputs");
/** "Now" of the fixture outputs: anthropic:old.expires + 1 h. */
export const FIXTURE_NOW = 1795610701840 + 3_600_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  home: string;
  stdin?: string;
  /** Extra variables; `undefined` removes one. The base env is minimal on purpose. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/** A clean environment: nothing from the developer's shell (no provider keys, no OPENCLAW_*). */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: home, NO_COLOR: "1", LANG: "C.UTF-8", ...extra };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

export interface RunningCli {
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  done: Promise<CliResult>;
}

/** Starts the CLI and lets the test watch its output while it runs. */
export function startCli(args: string[], options: RunOptions): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? options.home,
    env: cliEnv(options.home, options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  // A command that never reads stdin may exit before it is written: EPIPE is no failure of the command.
  child.stdin.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  child.stdin.end(options.stdin ?? "");
  return { output: () => ({ stdout, stderr }), done };
}

export function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

export interface TempHome {
  home: string;
  stateDir: string;
  configPath: string;
  agentDir: string;
  storePath: string;
  cleanup(): void;
}

export function makeHome(): TempHome {
  const home = mkdtempSync(join(tmpdir(), "openclaw-test-"));
  const stateDir = join(home, ".openclaw");
  const agentDir = join(stateDir, "agents", "main", "agent");
  return {
    home,
    stateDir,
    configPath: join(stateDir, "openclaw.json"),
    agentDir,
    storePath: join(agentDir, "auth-profiles.json"),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** Runs `fn` with a fresh home, always removed afterwards. */
export async function inTempHome(fn: (home: TempHome) => Promise<void>): Promise<void> {
  const home = makeHome();
  try {
    await fn(home);
  } finally {
    home.cleanup();
  }
}

const TIME_FIELDS = new Set(["expires", "lastUsed", "cooldownUntil", "disabledUntil", "lastFailureAt"]);

function shiftTimes(value: unknown, delta: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shiftTimes(item, delta));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = TIME_FIELDS.has(key) && typeof item === "number" ? item + delta : shiftTimes(item, delta);
  return out;
}

/** Alice's real OpenClaw 2026.2.26 state, with every timestamp moved so that `now` is the fixture's now. */
export function copyAliceFixture(target: TempHome, now = Date.now()): void {
  cpSync(join(FIXTURE_HOME, ".openclaw"), target.stateDir, { recursive: true });
  const store = JSON.parse(readFileSync(target.storePath, "utf8"));
  writeFileSync(target.storePath, JSON.stringify(shiftTimes(store, now - FIXTURE_NOW), null, 2) + "\n", { mode: 0o600 });
}

/** The secrets in Alice's fixture store. */
export function aliceSecrets(): string[] {
  const store = JSON.parse(readFileSync(join(FIXTURE_HOME, ".openclaw", "agents", "main", "agent", "auth-profiles.json"), "utf8"));
  const secrets: string[] = [];
  for (const profile of Object.values(store.profiles) as Record<string, string>[]) {
    for (const field of ["key", "token", "access", "refresh"]) if (profile[field]) secrets.push(profile[field]!);
  }
  return secrets;
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
}

export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** Fails if any secret, or a long piece of one, shows up in any of the texts. */
export function assertNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
  for (const secret of secrets) {
    for (const text of texts) {
      assert.ok(!text.includes(secret), `a whole secret appeared in output: ${secret.slice(0, 6)}…`);
      // No more than 8 leading or trailing characters may show, and never its middle.
      if (secret.length >= 40) assert.ok(!text.includes(secret.slice(8, 32)), `the middle of a secret appeared in output: ${secret.slice(0, 6)}…`);
    }
  }
}

/** Strips the `[exit N]` trailer of a fixture output file. */
export function fixtureOutput(name: string): { text: string; exit: number } {
  const raw = readFileSync(join(FIXTURE_OUTPUTS, name), "utf8");
  const match = /\n?\[exit (\d+)\]\n?$/.exec(raw);
  return { text: match ? raw.slice(0, match.index) : raw, exit: match ? Number(match[1]) : 0 };
}
