// The shared tail of every command that stores a credential: validate the
// profile id, write the store entry under its lock, then the config metadata.
import { applyAuthProfileConfig } from "../../../auth/config-metadata.ts";
import { normalizeProviderId, providerOfProfileId } from "../../../auth/provider-id.ts";
import { registerSecret } from "../../../auth/redact.ts";
import type { Credential } from "../../../auth/store-schema.ts";
import { updateConfigFile, type ConfigDocument } from "../../../state/config.ts";
import type { AuthMode } from "../../../state/config-schema.ts";
import { hasOwnKey, setOwnValue } from "../../../state/own-keys.ts";
import { descriptorFor } from "../../../providers/descriptors/index.ts";
import type { CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printLine } from "../../io.ts";
import { profileIdArgument } from "../../profile-id-argument.ts";

export function requireProvider(raw: string | undefined): string {
  const provider = normalizeProviderId(raw ?? "");
  if (!provider || !/^[a-z0-9][a-z0-9._-]*$/.test(provider)) {
    throw new UsageError(`--provider must be a provider id such as anthropic or openrouter, got "${raw ?? ""}".`);
  }
  return provider;
}

/**
 * Why a pasted secret is the other kind (an Anthropic setup-token pasted as an API
 * key, or the reverse), from the prefixes in the provider's descriptor.
 */
export function pastedKindProblem(provider: string, secret: string, expected: "api_key" | "token"): string | undefined {
  const shape = descriptorFor(provider)?.secretShapes.prefixes.find((s) => s.kind !== expected && secret.startsWith(s.prefix));
  if (!shape) return undefined;
  return `This is ${shape.label}, not ${expected === "token" ? "a token" : "an API key"}; store it with ${shape.storeWith}.`;
}

/** `<provider>:<name>`, defaulting the name; a profile id must not claim another provider. */
export function resolveProfileId(provider: string, requested: string | undefined, defaultName: string): string {
  const profileId = (requested !== undefined ? profileIdArgument(requested) : "") || `${provider}:${defaultName}`;
  if (/\s/.test(profileId) || !/^[^:]+:.+$/.test(profileId)) {
    throw new UsageError(`--profile-id must look like "${provider}:<name>", e.g. "${provider}:work"; got "${profileId}".`);
  }
  const claimed = providerOfProfileId(profileId);
  if (claimed !== provider) {
    throw new UsageError(`Profile id "${profileId}" is for ${claimed}, not ${provider}.`, `Use --profile-id ${provider}:<name>.`);
  }
  return profileId;
}

export interface SaveOptions {
  /** Recorded in the config metadata (`auth.profiles.<id>.email`), as OpenClaw does for OAuth logins. */
  email?: string;
  /** More config changes made in the same write (e.g. the default model), so `Updated …` prints once. */
  editConfig?: (doc: ConfigDocument) => void;
}

export async function saveCredential(cc: CommandContext, profileId: string, credential: Credential, mode: AuthMode, options: SaveOptions = {}): Promise<void> {
  const { io, ctx } = cc;
  registerSecret(credential.type === "api_key" ? credential.key : credential.type === "token" ? credential.token : credential.access);
  const replaced = await cc.backend.update(cc.agent.id, (store) => {
    const existed = hasOwnKey(store.profiles, profileId);
    setOwnValue(store.profiles, profileId, credential);
    // A new credential starts without the old one's cooldowns and disables.
    if (store.usageStats && hasOwnKey(store.usageStats, profileId)) delete store.usageStats[profileId];
    return existed;
  });
  const config = await updateConfigFile(ctx, (doc) => {
    applyAuthProfileConfig(doc, { profileId, provider: credential.provider, mode, ...(options.email ? { email: options.email } : {}) });
    options.editConfig?.(doc);
  });
  if (config.changed) printLine(io, `Updated ${ctx.display(ctx.configPath)}`);
  printLine(io, `Auth profile: ${profileId} (${credential.provider}/${mode})${replaced ? " (replaced the previous credential)" : ""}`);
  // Where this profile went: on OpenClaw 2026.9 that is the shared store, which need not be the agent's `Auth store`.
  printLine(io, `Stored in ${ctx.display((await cc.backend.read(cc.agent.id)).locationOf(profileId))}`);
}
