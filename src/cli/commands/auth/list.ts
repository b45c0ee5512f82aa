// `openclaw models auth list [--json] [--provider <p>] [--agent <id>]`: every
// stored credential, masked, with its health and cooldown.
import { storeLocationLabel } from "../../../auth/backend.ts";
import { compareText } from "../../../state/compare.ts";
import { expiryPhrase, profileHealth, type HealthStatus, type ProfileHealth } from "../../../auth/health.ts";
import { credentialLabel, unusableSuffix } from "../../../auth/profile-label.ts";
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { unusableWindow, type UnusableWindow } from "../../../auth/usage.ts";
import { modelWindows } from "../../../auth/cooldown.ts";
import { ownValue } from "../../../state/own-keys.ts";
import { loadAuthView, loadCommandContext } from "../../command-context.ts";
import { printJson, printLine, type CliIO } from "../../io.ts";

export interface ListOptions {
  provider?: string;
  json?: boolean;
  agent?: string;
}

interface ListedProfile {
  profileId: string;
  provider: string;
  type: string;
  credential: string;
  status: HealthStatus;
  expiresAt?: number;
  remainingMs?: number;
  unusable?: UnusableWindow;
  /** Rate limits that hold for one model only. */
  modelCooldowns?: UnusableWindow[];
  inherited: boolean;
  email?: string;
}

function describeStatus(profile: ListedProfile, health: ProfileHealth): string {
  const { word, detail } = expiryPhrase(health);
  return (detail ? `${word} ${detail}` : word) + unusableSuffix(profile.unusable, ...(profile.modelCooldowns ?? [])) + (profile.inherited ? " [inherited]" : "");
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
}

export async function run(options: ListOptions, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io, options.agent);
  const view = await loadAuthView(cc);
  const now = io.now();
  const wanted = options.provider ? normalizeProviderId(options.provider) : undefined;
  const profiles: ListedProfile[] = [];
  const healthOf = new Map<string, ProfileHealth>();
  for (const [profileId, credential] of Object.entries(view.merged.profiles)) {
    if (wanted && normalizeProviderId(credential.provider) !== wanted) continue;
    const health = profileHealth(profileId, credential, now);
    healthOf.set(profileId, health);
    const entry: ListedProfile = {
      profileId,
      provider: credential.provider,
      type: credential.type,
      credential: credentialLabel(credential),
      status: health.status,
      inherited: view.isInherited(profileId),
    };
    if (health.expiresAt !== undefined) {
      entry.expiresAt = health.expiresAt;
      entry.remainingMs = health.remainingMs!;
    }
    const stats = ownValue(view.merged.usageStats, profileId);
    const window = unusableWindow(profileId, credential.provider, stats, now);
    if (window) entry.unusable = window;
    const perModel = modelWindows(profileId, credential.provider, stats, now);
    if (perModel.length > 0) entry.modelCooldowns = perModel;
    if (credential.email) entry.email = credential.email;
    profiles.push(entry);
  }
  profiles.sort((a, b) => compareText(a.provider, b.provider) || compareText(a.profileId, b.profileId));
  const storePath = cc.backend.storePath(cc.agent.id);

  if (options.json) {
    printJson(io, { agentId: cc.agent.id, agentDir: cc.agent.dir, authStorePath: cc.ctx.display(storePath), profiles });
    return 0;
  }
  printLine(io, `Agent: ${cc.agent.id}`);
  // A file (JSON, or 2026.9's database) locally; on Redis it is no file.
  printLine(io, `${storeLocationLabel(cc.backend.era)}: ${cc.ctx.display(storePath)}`);
  if (profiles.length === 0) {
    printLine(io, wanted ? `No auth profiles for ${wanted}.` : "No auth profiles stored.");
    printLine(io, `Add one with: openclaw models auth paste-api-key --provider ${wanted ?? "<provider>"}`);
    return 0;
  }
  const rows = [["Profile", "Type", "Credential", "Status"], ...profiles.map((p) => [p.profileId, p.type, p.credential, describeStatus(p, healthOf.get(p.profileId)!)])];
  for (const line of table(rows)) printLine(io, line);
  return 0;
}
