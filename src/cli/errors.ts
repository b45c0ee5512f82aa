// How failures reach the user: `Error: <message>` on stderr, a second line with
// the fix where there is one, exit 1, no stack (unless OPENCLAW_DEBUG=1).
import { OpenClawError } from "../state/errors.ts";
import { resolveHomeDir } from "../state/paths.ts";
import { printErrorLine, type CliIO } from "./io.ts";

/** A flag or argument the user got wrong; `hint` says what is expected. */
export class UsageError extends OpenClawError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = "UsageError";
  }
}

/** The user declined a prompt: nothing was written, say so and stop. */
export class CancelledError extends OpenClawError {
  constructor() {
    super("Cancelled; nothing was changed.");
    this.name = "CancelledError";
  }
}

function shortenPaths(text: string, io: CliIO): string {
  const home = resolveHomeDir(io.env);
  return home === "/" ? text : text.split(home + "/").join("~/");
}

export function reportError(io: CliIO, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  printErrorLine(io, `Error: ${shortenPaths(message, io)}`);
  // Duck-typed, not instanceof: each command bundle carries its own copy of the error classes.
  const hint = (error as { hint?: unknown } | null)?.hint;
  if (typeof hint === "string" && hint) printErrorLine(io, shortenPaths(hint, io));
  if (io.env.OPENCLAW_DEBUG === "1" && error instanceof Error && error.stack) printErrorLine(io, error.stack);
  return 1;
}
