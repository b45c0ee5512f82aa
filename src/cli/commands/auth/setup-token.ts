// `openclaw models auth setup-token --provider anthropic [--yes]` (spec §3.2, §5):
// on a terminal, offer to run `claude setup-token` first, then take the token
// from a hidden prompt (or from stdin in scripts) and validate it.
import { spawn } from "node:child_process";
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { loadCommandContext } from "../../command-context.ts";
import { CancelledError, UsageError } from "../../errors.ts";
import { findExecutable } from "../../find-executable.ts";
import { printLine, type CliIO } from "../../io.ts";
import { readSecret } from "../../secret-input.ts";
import { resolveProfileId, saveCredential } from "./save-credential.ts";

export interface SetupTokenOptions {
  provider?: string;
  profileId?: string;
  yes?: boolean;
  agent?: string;
}

export const SETUP_TOKEN_PREFIX = "sk-ant-oat01-";

/** Spec §5 validation, with OpenClaw's messages. */
export function validateAnthropicSetupToken(raw: string): string | undefined {
  const token = raw.trim();
  if (!token) return "Required";
  if (!token.startsWith(SETUP_TOKEN_PREFIX)) return `Expected token starting with ${SETUP_TOKEN_PREFIX}`;
  if (token.length < 80) return "Token looks too short; paste the full setup-token";
  return undefined;
}

function runClaudeSetupToken(claude: string, io: CliIO): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(claude, ["setup-token"], { stdio: "inherit", env: io.env as NodeJS.ProcessEnv });
    child.on("error", () => resolve(127));
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/** Returns false when the user says they are not ready (nothing is written then). */
async function prepareOnTerminal(io: CliIO, options: SetupTokenOptions): Promise<boolean> {
  if (options.yes) return true;
  const { confirm, isCancel, log } = await import("@clack/prompts");
  const claude = findExecutable("claude", io.env);
  if (claude) {
    const runIt = await confirm({ message: "Run `claude setup-token` now to create a token?", initialValue: true });
    if (isCancel(runIt)) throw new CancelledError();
    if (!runIt) return true;
    const code = await runClaudeSetupToken(claude, io);
    if (code !== 0) log.warn(`\`claude setup-token\` exited with status ${code}. Paste a token anyway, or press Ctrl-C to stop.`);
    return true;
  }
  log.info("Run `claude setup-token` in a terminal where Claude Code is installed (any machine), then paste the token here.");
  const ready = await confirm({ message: "Have you run `claude setup-token` and copied the token?", initialValue: true });
  if (isCancel(ready)) throw new CancelledError();
  return ready;
}

export async function run(options: SetupTokenOptions, io: CliIO): Promise<number> {
  if (normalizeProviderId(options.provider ?? "anthropic") !== "anthropic") {
    throw new UsageError("Only --provider anthropic is supported for setup-token.", "For other providers use `openclaw models auth paste-token --provider <id>`.");
  }
  const cc = await loadCommandContext(io, options.agent);
  // 2026.2.26 wrote anthropic:manual, 2026.9 writes anthropic:default: each era keeps its own.
  const profileId = resolveProfileId("anthropic", options.profileId, cc.ctx.era === "sqlite" ? "default" : "manual");
  if (io.stdinIsTTY && !(await prepareOnTerminal(io, options))) {
    printLine(io, "Nothing changed. Run `claude setup-token` first, then this command again.");
    return 0;
  }
  const token = await readSecret(io, { message: "Paste Anthropic setup-token", noun: "setup-token", validate: validateAnthropicSetupToken });
  await saveCredential(cc, profileId, { type: "token", provider: "anthropic", token }, "token");
  printLine(
    io,
    "Note: setup-tokens are Claude subscription credentials. If Anthropic answers \"only authorized for use with Claude Code\", use an API key instead: openclaw models auth paste-api-key --provider anthropic",
  );
  return 0;
}
