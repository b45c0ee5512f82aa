// Where a pasted authorization code comes from: a prompt on a terminal, or
// the first line of piped stdin. Both can be stopped from outside (the
// browser callback won the race, or Ctrl-C), leaving nothing open behind.
import { createInterface } from "node:readline";
import { CancelledError } from "../../errors.ts";
import type { CliIO } from "../../io.ts";

export const PASTE_PROMPT = "Paste the authorization code (or full redirect URL):";

/**
 * Resolves with the pasted text; with undefined when `signal` stopped it or
 * (piped stdin) the input ended without a non-empty line. Ctrl-C at the
 * prompt throws CancelledError.
 */
export async function readPastedCode(io: CliIO, signal: AbortSignal): Promise<string | undefined> {
  if (io.stdinIsTTY) {
    const { text, isCancel } = await import("@clack/prompts");
    const answer = await text({ message: PASTE_PROMPT, signal, validate: (value) => ((value ?? "").trim() === "" ? "Required" : undefined) });
    if (isCancel(answer)) {
      if (signal.aborted) return undefined;
      throw new CancelledError();
    }
    return answer;
  }
  return readFirstLine(io, signal);
}

async function readFirstLine(io: CliIO, signal: AbortSignal): Promise<string | undefined> {
  const input = io.stdin;
  if (!input) {
    const all = await io.readStdin();
    return all.split(/\r?\n/).find((line) => line.trim() !== "");
  }
  if (signal.aborted) return undefined;
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (value: string | undefined): void => {
      if (done) return;
      done = true;
      signal.removeEventListener("abort", onAbort);
      lines.removeAllListeners("line");
      lines.close();
      // A pipe left open by the writer must not keep this process alive.
      input.pause();
      resolve(value);
    };
    const onAbort = (): void => finish(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    lines.on("line", (line) => {
      if (line.trim() !== "") finish(line.trim());
    });
    lines.on("close", () => finish(undefined));
  });
}
