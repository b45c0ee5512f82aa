// `openclaw models auth logout <profileId> [--yes] [--agent <id>]`: removes the
// credential, its usage state, its order entries and its config metadata together.
import { removeAuthProfileConfig } from "../../../auth/config-metadata.ts";
import type { AuthStore } from "../../../auth/store-schema.ts";
import { updateConfigFile } from "../../../state/config.ts";
import { hasOwnKey } from "../../../state/own-keys.ts";
import { loadAuthView, loadCommandContext } from "../../command-context.ts";
import { CancelledError, UsageError } from "../../errors.ts";
import { printLine, type CliIO } from "../../io.ts";
import { profileIdArgument } from "../../profile-id-argument.ts";

export interface LogoutOptions {
  profileId: string;
  yes?: boolean;
  agent?: string;
}

export function removeProfileFromStore(store: AuthStore, profileId: string): boolean {
  let changed = false;
  if (hasOwnKey(store.profiles, profileId)) {
    delete store.profiles[profileId];
    changed = true;
  }
  if (store.usageStats && hasOwnKey(store.usageStats, profileId)) {
    delete store.usageStats[profileId];
    changed = true;
  }
  for (const [provider, ids] of Object.entries(store.order ?? {})) {
    if (!ids.includes(profileId)) continue;
    const kept = ids.filter((id) => id !== profileId);
    if (kept.length > 0) store.order![provider] = kept;
    else delete store.order![provider];
    changed = true;
  }
  for (const [provider, id] of Object.entries(store.lastGood ?? {})) {
    if (id === profileId) {
      delete store.lastGood![provider];
      changed = true;
    }
  }
  return changed;
}

/** True to go ahead; false when the user says no. Ctrl-C cancels (exit 1). */
async function confirmRemoval(profileId: string): Promise<boolean> {
  const { confirm, isCancel } = await import("@clack/prompts");
  const answer = await confirm({ message: `Remove auth profile ${profileId}? The credential is deleted from disk.`, initialValue: false });
  if (isCancel(answer)) throw new CancelledError();
  return answer;
}

export async function run(options: LogoutOptions, io: CliIO): Promise<number> {
  const profileId = profileIdArgument(options.profileId);
  const cc = await loadCommandContext(io, options.agent);
  const view = await loadAuthView(cc);
  const inOwnStore = hasOwnKey(view.own.store.profiles, profileId);
  const inConfig = hasOwnKey(cc.ctx.config.auth?.profiles, profileId);
  if (!inOwnStore && view.isInherited(profileId)) {
    throw new UsageError(
      `Auth profile "${profileId}" belongs to the default agent (${cc.primary.id}), not ${cc.agent.id}.`,
      `Run: openclaw models auth logout ${profileId} --agent ${cc.primary.id}`,
    );
  }
  if (!inOwnStore && !inConfig) throw new UsageError(`Auth profile "${profileId}" not found in ${cc.agent.dir}.`, "See: openclaw models auth list");
  if (io.stdinIsTTY && !options.yes && !(await confirmRemoval(profileId))) {
    printLine(io, "Nothing changed.");
    return 0;
  }

  await cc.backend.update(cc.agent.id, (store) => removeProfileFromStore(store, profileId));
  // Config metadata is shared by all agents; keep it while the profile is still stored for this
  // agent: the default agent's, read through, or (on OpenClaw 2026.9's state) the shared one.
  const stillStored = cc.agent.id !== cc.primary.id && hasOwnKey((await loadAuthView(cc)).merged.profiles, profileId);
  if (!stillStored) {
    const config = await updateConfigFile(cc.ctx, (doc) => removeAuthProfileConfig(doc, profileId));
    if (config.changed) printLine(io, `Updated ${cc.ctx.display(cc.ctx.configPath)}`);
  }
  printLine(io, `Removed auth profile ${profileId}.`);
  if (stillStored && cc.backend.era === "sqlite") {
    printLine(io, `The shared store's ${profileId} is still used by ${cc.agent.id}; to remove it, run: openclaw models auth logout ${profileId} --agent ${cc.primary.id}`);
  }
  return 0;
}
