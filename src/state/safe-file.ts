// How this project reads and writes its state files (DESIGN §4.4): reads that
// tell "missing" from "broken", and atomic writes (temp, fsync, rename) with
// 0600 files in 0700 dirs. The lock around read-modify-write is file-lock.ts.
//
// The writer is our own because a full disk must never cost a file: a write(2)
// may take fewer bytes than asked (the disk fills up part-way), and the
// write-file-atomic library issued one write and renamed whatever landed over
// the good file. Here every byte is written or the write fails, the temp file
// is checked (size, bytes, and that it parses) before the rename, and on any
// failure the temp is removed and the original is left exactly as it was.
// Every state file goes through here: the store, the config and its backups,
// and the writers still to come (`.env`, sessions) — use `writeFileAtomic`
// with a `verify` for the file's format.
import { close, constants, fchmod, fchown, fstat, fsync, open as openFd, readFileSync, rename, stat, unlink, write } from "node:fs";
import { mkdir, open, readFile, readdir } from "node:fs/promises";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import { DiskFullError, FileWriteError, OpenClawError, errnoCode, isDiskFullCode } from "./errors.ts";

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

export interface FileStats {
  ino: number | bigint;
  size: number;
  mtimeMs: number;
}

/** `<inode>:<size>:<mtime>`: what tells one version of a file from the next (the gateway's reload check). */
export function statSignature(stats: FileStats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/**
 * The system calls the writer makes, as one object so that tests can hand in
 * a disk that fills up, lies about what it wrote, or fails with EIO — without
 * patching node:fs.
 */
export interface FileOps {
  open(path: string, flags: number, mode: number): Promise<number>;
  /** How many bytes were written: possibly fewer than `length`. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  fchmod(fd: number, mode: number): Promise<void>;
  fchown(fd: number, uid: number, gid: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  fstat(fd: number): Promise<FileStats>;
  stat(path: string): Promise<FileStats & { uid: number; gid: number }>;
  close(fd: number): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeFileOps: FileOps = {
  open: promisify(openFd),
  write: (fd, buffer, offset, length, position) =>
    new Promise((resolve, reject) => write(fd, buffer, offset, length, position, (error, written) => (error ? reject(error) : resolve(written)))),
  fchmod: promisify(fchmod),
  fchown: promisify(fchown),
  fsync: promisify(fsync),
  fstat: promisify(fstat),
  stat: promisify(stat),
  close: promisify(close),
  readFile: (path) => readFile(path),
  rename: promisify(rename),
  unlink: promisify(unlink),
};

export interface WriteOptions {
  /** Throws (or rejects) when the text read back from the temp file is not a valid file of its kind, e.g. `verifyJson`. */
  verify: (text: string) => unknown;
  ops?: FileOps;
  /** The file named in errors (a backup copy reports the config it belongs to). Defaults to the path written. */
  reportAs?: string;
  /** Whose owner the new file keeps when root writes it (defaults to the path written). */
  sameOwnerAs?: string;
  /** The file's mode; FILE_MODE (0600) unless a file that holds no secret must be readable by others (a service unit). */
  mode?: number;
}

export const verifyJson = (text: string): unknown => JSON.parse(text);

/** A complete, synced and verified temp file beside its target, not yet in place. */
export interface PreparedFile {
  readonly tempPath: string;
  /** `statSignature` of the written file; rename keeps inode, size and mtime, so it is the target's from `commit` on. */
  readonly signature: string;
  /** Renames the temp over the target and syncs the directory; on failure the temp is removed and the target untouched. */
  commit(): Promise<void>;
  /** Removes the temp; never throws. */
  discard(): Promise<void>;
}

// `<file>.<digits>` were write-file-atomic's names; ours are `<file>.tmp-<hex>`,
// and `<file>.bak….tmp-<hex>` for the config's backups (config-backups.ts).
const TEMP_SUFFIX = /^(?:\d+|(?:[\w.-]+\.)?tmp-[0-9a-f]{16})$/;

export function tempPathFor(path: string): string {
  // The global Web Crypto, not node:crypto: loaded on first use, so reads (`models status`) never pay for it.
  return `${path}.tmp-${Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex")}`;
}

/**
 * Temp files of a writer killed between write and rename. They hold a copy of
 * secrets, so the next writer, holding the same lock, removes them.
 */
export async function removeOrphanedTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && TEMP_SUFFIX.test(name.slice(prefix.length))) await nodeFileOps.unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/** Any failure of a write, as the error the user sees: it names the file and says it was not changed. */
export function writeFailure(path: string, error: unknown): OpenClawError {
  if (error instanceof DiskFullError || error instanceof FileWriteError) return error;
  const code = errnoCode(error);
  if (isDiskFullCode(code)) return new DiskFullError(path, code!, error);
  return new FileWriteError(path, error instanceof Error ? error.message : String(error), error);
}

async function writeAll(ops: FileOps, fd: number, bytes: Uint8Array, reportAs: string): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const written = await ops.write(fd, bytes, offset, bytes.length - offset, offset);
    // 0 would loop forever, more than asked is nonsense: neither is a write we can trust.
    if (!Number.isInteger(written) || written <= 0 || written > bytes.length - offset) {
      throw new FileWriteError(reportAs, `the disk took ${written} of ${bytes.length - offset} bytes`);
    }
    offset += written;
  }
}

/** The owner to give a file root rewrites, so `sudo openclaw …` does not take a user's files away from them. */
async function ownerToKeep(ops: FileOps, path: string): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const { uid, gid } = await ops.stat(path);
    return uid === 0 && gid === 0 ? undefined : { uid, gid };
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Writes `content` to a new temp file beside `path`: every byte, synced, its
 * size and bytes read back and `verify`'d. Nothing is renamed yet; on failure
 * the temp is gone and the error is a DiskFullError or FileWriteError.
 */
export async function prepareFile(path: string, content: string | Uint8Array, options: WriteOptions): Promise<PreparedFile> {
  const { verify, ops = nodeFileOps, reportAs = path, sameOwnerAs = path, mode = FILE_MODE } = options;
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const tempPath = tempPathFor(path);
  let fd: number | undefined;
  let created = false;
  const discard = () => ops.unlink(tempPath).catch(() => undefined);
  try {
    await ensureDir(dirname(path));
    const owner = await ownerToKeep(ops, sameOwnerAs);
    fd = await ops.open(tempPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    created = true;
    await writeAll(ops, fd, bytes, reportAs);
    await ops.fchmod(fd, mode); // the umask may have taken bits off
    if (owner) await ops.fchown(fd, owner.uid, owner.gid);
    await ops.fsync(fd);
    const stats = await ops.fstat(fd);
    if (stats.size !== bytes.length) throw new FileWriteError(reportAs, `only ${stats.size} of ${bytes.length} bytes reached the disk`);
    const written = fd;
    fd = undefined;
    await ops.close(written);
    const readBack = await ops.readFile(tempPath);
    if (!readBack.equals(bytes)) throw new FileWriteError(reportAs, "the copy on disk differs from what was written");
    try {
      await verify(readBack.toString("utf8"));
    } catch (error) {
      // Not the parser's message: it may quote the text, which holds secrets.
      throw new FileWriteError(reportAs, "what was written does not parse", error);
    }
    return {
      tempPath,
      signature: statSignature(stats),
      commit: async () => {
        try {
          await ops.rename(tempPath, path);
        } catch (error) {
          await discard();
          throw writeFailure(reportAs, error);
        }
        await fsyncDir(dirname(path));
      },
      discard,
    };
  } catch (error) {
    if (fd !== undefined) await ops.close(fd).catch(() => undefined);
    if (created) await discard();
    throw writeFailure(reportAs, error);
  }
}

/**
 * Replaces `path` with `content` so that a reader sees the old file or the new
 * one, never a mix, and a failure (a full disk above all) leaves the old one
 * byte for byte. Resolves to the new file's `statSignature`. Call it holding
 * the file's lock.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, options: WriteOptions): Promise<string> {
  await removeOrphanedTempFiles(path);
  const prepared = await prepareFile(path, content, options);
  await prepared.commit();
  return prepared.signature;
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
