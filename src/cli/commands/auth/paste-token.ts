// `openclaw models auth paste-token --provider <p> [--profile-id <id>] [--expires-in <dur>]` (spec §3.2).
import { loadCommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { parseDurationMs } from "../../parse-duration.ts";
import type { CliIO } from "../../io.ts";
import { readSecret } from "../../secret-input.ts";
import { checkProviderSpelling } from "./provider-spelling.ts";
import { pastedKindProblem, requireProvider, resolveProfileId, saveCredential } from "./save-credential.ts";

export interface PasteTokenOptions {
  provider?: string;
  profileId?: string;
  expiresIn?: string;
  agent?: string;
  /** Store it even when the provider id looks like a typo of a known one. */
  force?: boolean;
}

export function tokenProblem(provider: string, token: string): string | undefined {
  return pastedKindProblem(provider, token, "token");
}

export async function run(options: PasteTokenOptions, io: CliIO): Promise<number> {
  const provider = requireProvider(options.provider);
  const profileId = resolveProfileId(provider, options.profileId, "manual");
  let expiresInMs: number | undefined;
  if (options.expiresIn !== undefined) {
    try {
      expiresInMs = parseDurationMs(options.expiresIn, "d");
    } catch (error) {
      throw new UsageError(`--expires-in: ${(error as Error).message}`, "Expected a duration such as 365d, 12h or 30m (a bare number means days).");
    }
  }
  const cc = await loadCommandContext(io, options.agent);
  checkProviderSpelling(provider, cc.ctx.config, options.force);
  const token = await readSecret(io, {
    message: `Paste token for ${provider}`,
    noun: "token",
    validate: (value) => tokenProblem(provider, value),
  });
  const credential = { type: "token" as const, provider, token, ...(expiresInMs !== undefined ? { expires: io.now() + expiresInMs } : {}) };
  await saveCredential(cc, profileId, credential, "token");
  return 0;
}
