// The only way this project touches its state files (DESIGN §4.4): reads that
// tell "missing" from "broken", atomic writes (temp, fsync, rename) with 0600
// files in 0700 dirs, and a cross-process lock around read-modify-write.
import { readFileSync } from "node:fs";
import { lstat, mkdir, open, readdir, unlink } from "node:fs/promises";
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

/**
 * Temp files of a writer killed between write and rename (named
 * `<file>.<number>` by write-file-atomic). They hold a copy of secrets, so the
 * next writer, holding the same lock, removes them.
 */
async function removeOrphanedTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) await unlink(`${dirname(path)}/${name}`).catch(() => undefined);
  }
}

/** Replace `path` with `content` so a reader sees the old file or the new one, never a mix. Call it holding the file's lock. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await ensureDir(dirname(path));
  await removeOrphanedTempFiles(path);
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

// OpenClaw 2026.2.26 locks with a plain file at the same path holding
// {"pid", "createdAt"}; it is abandoned when that pid is gone or it is older
// than OpenClaw's own stale limit.
const FOREIGN_LOCK_STALE_MS = 30_000;
const FOREIGN_LOCK_WAIT_MS = 35_000;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === "EPERM";
  }
}

/** Waits out or clears a lock file left by OpenClaw itself; our own locks are directories. */
async function settleForeignLock(lockPath: string): Promise<void> {
  const deadline = Date.now() + FOREIGN_LOCK_WAIT_MS;
  for (;;) {
    let stats;
    try {
      stats = await lstat(lockPath);
    } catch {
      return;
    }
    if (stats.isDirectory()) return;
    let payload: { pid?: unknown; createdAt?: unknown } | undefined;
    try {
      payload = JSON.parse(readFileSync(lockPath, "utf8"));
    } catch {
      payload = undefined;
    }
    const created = typeof payload?.createdAt === "string" ? Date.parse(payload.createdAt) : Number.NaN;
    const age = Date.now() - (Number.isFinite(created) ? created : stats.mtimeMs);
    const holderGone = typeof payload?.pid === "number" && !processIsAlive(payload.pid);
    if (holderGone || age > FOREIGN_LOCK_STALE_MS) {
      await unlink(lockPath).catch(() => undefined);
      return;
    }
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs `fn` while holding `<path>.lock` (a directory, made atomically by mkdir,
 * kept fresh by the holder and taken over once stale, via proper-lockfile).
 * A lock file left at the same path by OpenClaw itself is waited for, or
 * cleared once abandoned, so the two tools exclude each other.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await ensureDir(dirname(path));
  const { default: lockfile } = await import("proper-lockfile");
  const lockPath = `${path}.lock`;
  let compromised: Error | undefined;
  let release: (() => Promise<void>) | undefined;
  for (let attempt = 0; release === undefined; attempt++) {
    await settleForeignLock(lockPath);
    try {
      release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: lockPath,
        stale: options.staleMs ?? 10_000,
        retries: { retries: 30, factor: 1.5, minTimeout: 20, maxTimeout: 1_000, randomize: true },
        onCompromised: (error) => {
          compromised = error;
        },
      });
    } catch (error) {
      // ENOTDIR: proper-lockfile tried to take over OpenClaw's lock *file*.
      if (errnoCode(error) === "ENOTDIR" && attempt < 3) continue;
      if (errnoCode(error) === "ELOCKED" || errnoCode(error) === "ENOTDIR") throw new FileLockBusyError(path, error);
      throw new OpenClawError(`Could not lock ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    return await fn();
  } finally {
    if (!compromised) await release().catch(() => undefined);
  }
}
