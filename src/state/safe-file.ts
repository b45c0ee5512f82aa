// How this project reads and writes its state files (DESIGN §4.4): reads that
// tell "missing" from "broken", and atomic writes (temp, fsync, rename) with
// 0600 files in 0700 dirs. The lock around read-modify-write is file-lock.ts.
import { readFileSync } from "node:fs";
import { mkdir, open, readdir, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
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
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) await unlink(join(dirname(path), name)).catch(() => undefined);
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
