// Reading a secret: a hidden prompt on a terminal, all of stdin otherwise, so
// every secret-taking command can be scripted (`... < key.txt`). Whitespace is
// removed (terminals wrap long tokens), and nothing is ever echoed.
import { CancelledError, UsageError } from "./errors.ts";
import type { CliIO } from "./io.ts";

export interface SecretPrompt {
  /** Prompt text on a terminal, e.g. "Paste token for openrouter". */
  message: string;
  /** What the secret is called in errors, e.g. "token" or "API key". */
  noun: string;
  /** Returns an error message, or undefined when the value is acceptable. */
  validate?: (value: string) => string | undefined;
}

export function normalizeSecret(raw: string): string {
  return raw.replace(/\s+/g, "");
}

export async function readSecret(io: CliIO, prompt: SecretPrompt): Promise<string> {
  if (io.stdinIsTTY) {
    const { password, isCancel } = await import("@clack/prompts");
    const answer = await password({
      message: prompt.message,
      validate: (value) => {
        const secret = normalizeSecret(value ?? "");
        if (!secret) return "Required";
        return prompt.validate?.(secret);
      },
    });
    if (isCancel(answer)) throw new CancelledError();
    return normalizeSecret(answer);
  }
  const secret = normalizeSecret(await io.readStdin());
  if (!secret) {
    throw new UsageError(`No ${prompt.noun} on stdin.`, `Pipe the ${prompt.noun} in (e.g. \`... < file\`), or run this in a terminal to be prompted.`);
  }
  const problem = prompt.validate?.(secret);
  if (problem) throw new UsageError(problem);
  return secret;
}
