// Driving the built `openclaw` on a real pseudo-terminal, through util-linux
// `script` (no native modules needed). `script -qfec "<cmd>" /dev/null` gives
// the command a pty, copies our piped stdin into it as keystrokes and copies
// everything the command draws to our stdout. `-e` passes the exit code on.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { CLI } from "./cli.ts";

export const KEY = {
  enter: "\r",
  up: "\x1b[A",
  down: "\x1b[B",
  right: "\x1b[C",
  left: "\x1b[D",
  ctrlC: "\x03",
  backspace: "\x7f",
} as const;

let scriptPath: string | null | undefined;

/** The util-linux `script` binary, or undefined when this machine has none (or a BSD one). */
export function findScript(): string | undefined {
  if (scriptPath !== undefined) return scriptPath ?? undefined;
  scriptPath = null;
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "script");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8", timeout: 5_000 });
    if (version.status === 0 && /util-linux/.test(`${version.stdout}${version.stderr}`)) {
      scriptPath = candidate;
      break;
    }
  }
  return scriptPath ?? undefined;
}

/** Why the TTY tests cannot run here, or undefined when they can. */
export function ptyUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return `TTY tests need Linux and util-linux \`script\` (platform is ${process.platform})`;
  if (!findScript()) return "TTY tests skipped: util-linux `script` is not on PATH (install util-linux / bsdutils)";
  return undefined;
}

/** An absolute path to `stty`, so the command's PATH can be anything (even empty). */
function findStty(): string | undefined {
  for (const candidate of ["/usr/bin/stty", "/bin/stty"]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** POSIX shell single-quoting. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Removes ANSI escape sequences and carriage returns so prompts can be matched as text. */
export function stripAnsi(text: string): string {
  return text
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, "")
    .replace(/\x1b[()][A-Za-z0-9]/g, "")
    .replace(/\x1b[=>78NOMDEHc]/g, "")
    .replace(/\r/g, "");
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PtyOptions {
  /** The whole environment of the command (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Kills the session after this long (default 20 s). */
  timeoutMs?: number;
  cols?: number;
  rows?: number;
}

export interface PtyResult {
  code: number;
  /** Everything the command drew, raw (with escape sequences). */
  raw: string;
  /** The same, without escape sequences. */
  text: string;
  timedOut: boolean;
}

export interface PtySession {
  /** Output so far, escape sequences removed. */
  readonly text: string;
  /** Output so far, raw. */
  readonly raw: string;
  /**
   * Waits until the (stripped) output after `from` (default: everything) matches.
   * Fails with the transcript when it does not within `timeoutMs` or the command exits first.
   */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** Types text, one chunk at a time with a small delay (keys like "\x1b[B" stay whole). */
  send(text: string, delayMs?: number): Promise<void>;
  /** Types one key or string and waits a bit for the program to redraw. */
  press(key: string, settleMs?: number): Promise<void>;
  /** Waits for the command to end (closing our end of the keyboard first when asked). */
  exit(timeoutMs?: number): Promise<PtyResult>;
  /** Kills the session if it is still running. */
  kill(): void;
}

/** Starts `node dist/openclaw.cjs <args>` on a fresh pseudo-terminal. */
export function spawnCliPty(args: string[], options: PtyOptions): PtySession {
  return spawnPty([process.execPath, CLI, ...args], options);
}

/** Starts any command on a fresh pseudo-terminal. */
export function spawnPty(argv: string[], options: PtyOptions): PtySession {
  const script = findScript();
  if (!script) throw new Error("util-linux `script` is not available");
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 40;
  // Give the pty a real size (a piped `script` would leave it 0x0), then exec the command.
  // Only absolute paths here: the command's PATH is the test's business.
  const stty = findStty();
  const resize = stty ? `${shellQuote(stty)} cols ${cols} rows ${rows} 2>/dev/null; ` : "";
  const inner = `${resize}exec ${argv.map(shellQuote).join(" ")}`;
  const child: ChildProcess = spawn(script, ["-qfec", inner, "/dev/null"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let raw = "";
  let exited: { code: number; timedOut: boolean } | undefined;
  let timedOut = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    raw += chunk;
    notify();
  });
  child.stderr!.on("data", (chunk: string) => {
    raw += chunk;
    notify();
  });
  // Writing to a closed pipe must not crash the test process.
  child.stdin!.on("error", () => {});
  const killGroup = () => {
    if (child.pid === undefined || exited) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  };
  const hardTimer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 20_000);
  const done = new Promise<void>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(hardTimer);
      exited = { code: code ?? (signal ? 128 : -1), timedOut };
      notify();
      resolve();
    });
    child.on("error", (error) => {
      clearTimeout(hardTimer);
      raw += `\n[spawn error: ${error.message}]\n`;
      exited = { code: -1, timedOut };
      notify();
      resolve();
    });
  });

  const transcript = () => `----- transcript -----\n${stripAnsi(raw)}\n----------------------`;

  const session: PtySession = {
    get text() {
      return stripAnsi(raw);
    },
    get raw() {
      return raw;
    },
    waitFor(pattern, timeoutMs = 8_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = new RegExp(pattern.source, pattern.flags.replace("g", "")).exec(stripAnsi(raw).slice(from));
          if (match) {
            cleanup();
            resolve(match);
            return true;
          }
          if (exited) {
            cleanup();
            reject(new Error(`command exited (code ${exited.code}) before output matched ${pattern}\n${transcript()}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}\n${transcript()}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = () => void check();
        listeners.add(listener);
        check();
      });
    },
    async send(text, delayMs = 15) {
      // Split into keys: escape sequences stay whole, everything else goes in small chunks.
      const keys = text.match(/\x1b\[[0-9;]*[A-Za-z~]|[^\x1b]{1,16}|\x1b/g) ?? [];
      for (const key of keys) {
        if (exited) throw new Error(`command exited (code ${exited.code}) while typing\n${transcript()}`);
        child.stdin!.write(key);
        await sleep(delayMs);
      }
    },
    async press(key, settleMs = 150) {
      await session.send(key);
      await sleep(settleMs);
    },
    async exit(timeoutMs = 8_000) {
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs);
      await done;
      clearTimeout(timer);
      child.stdin!.end();
      return { code: exited!.code, raw, text: stripAnsi(raw), timedOut: exited!.timedOut || timedOut };
    },
    kill() {
      clearTimeout(hardTimer);
      killGroup();
    },
  };
  return session;
}
