// Reading a secret: a hidden prompt on a terminal, all of stdin otherwise, so
// every secret-taking command can be scripted (`... < key.txt`). Nothing is
// ever echoed, not even in an error.
//
// People paste what they copied: `export OPENAI_API_KEY="sk-…"` from a shell
// profile, `Bearer sk-…` from a curl example. The wrapping is removed (and we
// say so), but whitespace or control characters inside the secret are
// refused: a secret never contains them, and storing the rest silently (a
// space dropped from `Bearer sk-…` gave `Bearersk-…`) only fails later, at
// request time. That includes a line break from a wrapped copy: the secret
// must be pasted as one piece.
import { CancelledError, UsageError } from "./errors.ts";
import { printErrorLine, type CliIO } from "./io.ts";

export interface SecretPrompt {
  /** Prompt text on a terminal, e.g. "Paste token for openrouter". */
  message: string;
  /** What the secret is called in errors, e.g. "token" or "API key". */
  noun: string;
  /** Returns an error message, or undefined when the value is acceptable. */
  validate?: (value: string) => string | undefined;
}

export type PastedSecret = { ok: true; secret: string; notes: string[] } | { ok: false; problem: string; empty?: true };

const QUOTED = /^(["'`])([\s\S]*)\1$/;
// `NAME=` as in a .env file or a shell line; NAME in capitals (or after
// `export`), so that a base64 secret with `=` padding is never cut.
const ASSIGNMENT = /^(export\s+[A-Za-z_][A-Za-z0-9_]*|[A-Z_][A-Z0-9_]*)\s*=\s*(?=\S)/;
const BEARER = /^bearer\s+(?=\S)/i;
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** Removes quotes, a `NAME=` and a `Bearer ` prefix (in any nesting), then checks what is left. */
export function parsePastedSecret(raw: string, noun: string): PastedSecret {
  let value = raw.trim();
  const notes = new Set<string>();
  for (let previous = ""; previous !== value; ) {
    previous = value;
    const quoted = QUOTED.exec(value);
    if (quoted) {
      value = quoted[2]!.trim();
      notes.add("Note: removed the surrounding quotes");
    }
    const assignment = ASSIGNMENT.exec(value);
    if (assignment) {
      value = value.slice(assignment[0].length);
      notes.add(`Note: removed the \`${assignment[1]!.replace(/\s+/, " ")}=\` prefix`);
    }
    const bearer = BEARER.exec(value);
    if (bearer) {
      value = value.slice(bearer[0].length);
      notes.add("Note: removed the `Bearer ` prefix");
    }
  }
  if (!value) return { ok: false, problem: "Required", empty: true };
  if (/[\r\n\u2028\u2029]/.test(value)) return { ok: false, problem: `The ${noun} contains a line break: paste it as one piece, on one line.` };
  if (/\s/.test(value)) return { ok: false, problem: `The ${noun} contains a space: paste only the ${noun}, as one piece.` };
  if (INVISIBLE.test(value)) {
    return { ok: false, problem: `The ${noun} contains a control or invisible character (e.g. from a terminal or a web page): paste it again as plain text.` };
  }
  return { ok: true, secret: value, notes: [...notes] };
}

function accept(io: CliIO, parsed: PastedSecret & { ok: true }): string {
  for (const note of parsed.notes) printErrorLine(io, note);
  return parsed.secret;
}

export async function readSecret(io: CliIO, prompt: SecretPrompt): Promise<string> {
  const check = (value: string): PastedSecret => {
    const parsed = parsePastedSecret(value, prompt.noun);
    const problem = parsed.ok ? prompt.validate?.(parsed.secret) : undefined;
    return problem ? { ok: false, problem } : parsed;
  };
  if (io.stdinIsTTY) {
    const { password, isCancel } = await import("@clack/prompts");
    const answer = await password({
      message: prompt.message,
      validate: (value) => {
        const parsed = check(value ?? "");
        return parsed.ok ? undefined : parsed.problem;
      },
    });
    if (isCancel(answer)) throw new CancelledError();
    const parsed = check(answer);
    if (!parsed.ok) throw new UsageError(parsed.problem, "Nothing was stored.");
    return accept(io, parsed);
  }
  const parsed = check(await io.readStdin());
  if (parsed.ok) return accept(io, parsed);
  if (parsed.empty) {
    throw new UsageError(`No ${prompt.noun} on stdin.`, `Pipe the ${prompt.noun} in (e.g. \`... < file\`), or run this in a terminal to be prompted.`);
  }
  throw new UsageError(parsed.problem, "Nothing was stored.");
}
