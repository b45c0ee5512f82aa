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
