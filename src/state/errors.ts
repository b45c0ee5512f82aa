// Errors that reach the user. `hint` is the command or action that fixes it;
// the CLI prints it on a second line and the gateway puts it in /health.
export class OpenClawError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OpenClawError";
    this.hint = options.hint;
  }
}

/** A file that exists but cannot be used: it never counts as empty and nothing writes over it. */
export class FileFormatError extends OpenClawError {
  readonly path: string;
  constructor(path: string, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = "FileFormatError";
    this.path = path;
  }
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

/** errno codes that mean "the disk could not take the bytes", as opposed to a bug or a permission problem. */
const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT", "EIO"]);

export function isDiskFullCode(code: string | undefined): boolean {
  return code !== undefined && DISK_FULL_CODES.has(code);
}

/**
 * A write that the disk refused (no space, quota, I/O error). The writer has
 * already removed its temp file, so the message can promise the file is as it was.
 */
export class DiskFullError extends OpenClawError {
  readonly path: string;
  readonly code: string;
  constructor(path: string, code: string, cause?: unknown) {
    const what = code === "EIO" ? "disk error (EIO)" : "disk full";
    const hint =
      code === "EIO"
        ? "The disk reported an I/O error; check it (e.g. dmesg), then run the command again."
        : code === "EDQUOT"
          ? "Your disk quota is used up; free some space (or raise the quota), then run the command again."
          : "Free some space on that disk, then run the command again.";
    super(`${what}: ${path} was not changed`, { hint, cause });
    this.name = "DiskFullError";
    this.path = path;
    this.code = code;
  }
}

/** Any other failed write (permissions, a copy that did not read back right): the file is as it was. */
export class FileWriteError extends OpenClawError {
  readonly path: string;
  constructor(path: string, reason: string, cause?: unknown) {
    super(`Could not write ${path}: ${reason}; it was not changed.`, cause === undefined ? {} : { cause });
    this.name = "FileWriteError";
    this.path = path;
  }
}
