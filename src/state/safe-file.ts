// The only way this project touches its state files (DESIGN §4.4): reads that
// tell "missing" from "broken", atomic writes (temp, fsync, rename) with 0600
// files in 0700 dirs, and a cross-process lock around read-modify-write.
import { readFileSync } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname, basename } from "node:path";
import { OpenClawError, errnoCode } from "./errors.ts";

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/**
 * The file's text, or undefined when it does not exist. Any other failure
 * throws. (Synchronous on purpose: state files are small, and a blocking read
 * is cheaper than a promise round trip on every command's start-up.)
 */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw new OpenClawError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function ensureDir(dir: string): Promise<void> {
  // mkdir applies the mode only to the dirs it creates; existing dirs are left to `doctor`.
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
}

/** Replace `path` with `content` so a reader sees the old file or the new one, never a mix. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await ensureDir(dirname(path));
  const { default: writeAtomic } = await import("write-file-atomic");
  await writeAtomic(path, content, { mode: FILE_MODE, fsync: true });
  await fsyncDir(dirname(path));
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable across a power cut; best effort.
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // some filesystems refuse fsync on a directory; the data itself is already synced
  }
}

export class FileLockBusyError extends OpenClawError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`Could not lock ${basename(path)}: another openclaw process is holding it.`, {
      hint: `If no other openclaw process is running, remove ${path}.lock and retry.`,
      cause,
    });
    this.name = "FileLockBusyError";
    this.path = path;
  }
}

export interface LockOptions {
  /** How long a holder may go silent before its lock counts as abandoned. */
  staleMs?: number;
}

/**
 * Runs `fn` while holding `<path>.lock` (a directory, made atomically by mkdir,
 * kept fresh by the holder and taken over once stale, via proper-lockfile).
 * OpenClaw 2026.2.26 uses a file at the same path, so the two exclude each other.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await ensureDir(dirname(path));
  const { default: lockfile } = await import("proper-lockfile");
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      stale: options.staleMs ?? 10_000,
      retries: { retries: 30, factor: 1.5, minTimeout: 20, maxTimeout: 1_000, randomize: true },
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if (errnoCode(error) === "ELOCKED") throw new FileLockBusyError(path, error);
    throw new OpenClawError(`Could not lock ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await fn();
  } finally {
    if (!compromised) await release().catch(() => undefined);
  }
}
