// Replacing openclaw.json while keeping its previous versions as
// `openclaw.json.bak` (newest), `.bak.1` … `.bak.<count-1>`. A failure at any
// step — a full disk above all — leaves the config and every existing backup
// exactly as they were. So all the bytes are written first, into verified
// temp files (the new config, and the copy of the current one that becomes
// `.bak`); only then are names moved, by renames, which need no space, and
// every move is undone if a later step fails. The oldest backup is set aside
// rather than overwritten, and deleted only once the new config is in place.
import { errnoCode } from "./errors.ts";
import { nodeFileOps, prepareFile, removeOrphanedTempFiles, tempPathFor, writeFailure, type FileOps, type PreparedFile } from "./safe-file.ts";

export interface BackupOptions {
  /** How many backups to keep (`.bak` plus `.bak.1` … `.bak.<count-1>`). */
  count: number;
  /** Checks the new content as read back from disk. */
  verify: (text: string) => unknown;
  /** Checks the backup copy as read back from disk. */
  verifyBackup: (text: string) => unknown;
  ops?: FileOps;
}

export function backupPath(path: string, index: number): string {
  return index === 0 ? `${path}.bak` : `${path}.bak.${index}`;
}

/**
 * Writes `content` to `path`, and `current` (the file's bytes now, undefined
 * when there is no file yet) to `.bak` after shifting the older backups down.
 * Resolves to the new file's `statSignature`. Call it holding the file's lock.
 */
export async function replaceKeepingBackups(path: string, content: string, current: Uint8Array | undefined, options: BackupOptions): Promise<string> {
  const { count, verify, verifyBackup, ops = nodeFileOps } = options;
  await removeOrphanedTempFiles(path); // also `openclaw.json.bak….tmp-…`
  const next = await prepareFile(path, content, { verify, ops });
  let copy: PreparedFile | undefined;
  try {
    if (current !== undefined) copy = await prepareFile(backupPath(path, 0), current, { verify: verifyBackup, ops, reportAs: path, sameOwnerAs: path });
  } catch (error) {
    await next.discard();
    throw error;
  }

  const undo: (() => Promise<void>)[] = [];
  const move = async (from: string, to: string) => {
    try {
      await ops.rename(from, to);
      undo.push(() => ops.rename(to, from));
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
    }
  };
  const oldest = backupPath(path, count - 1);
  const setAside = tempPathFor(oldest);
  try {
    if (copy) {
      await move(oldest, setAside);
      for (let i = count - 1; i >= 1; i--) await move(backupPath(path, i - 1), backupPath(path, i));
      await copy.commit();
      undo.push(() => ops.unlink(backupPath(path, 0)));
    }
    await next.commit();
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    await Promise.all([next.discard(), copy?.discard()]);
    throw writeFailure(path, error);
  }
  await ops.unlink(setAside).catch(() => undefined);
  return next.signature;
}
