// Layouts from before auth-profiles.json and multi-agent (spec §1.7):
// - `<agentDir>/auth.json` (and `<state>/credentials/oauth.json`) on an agent
//   without auth-profiles.json: every run imports them in memory; --fix writes
//   that import to auth-profiles.json (a new file: nothing is replaced) and
//   keeps auth.json as `auth.json.migrated` (legacy-import.ts). oauth.json is
//   never touched, as in OpenClaw.
// - auth.json beside an existing auth-profiles.json: ignored by both tools
//   (OpenClaw deletes it as stale); reported, never merged, since its entries
//   may be older than the store's.
// - `<state>/agent/` (pre multi-agent): reported; not moved by us.
// JSON era only: on a 2026.9 state the import is 2026.9's own doctor's job.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { importLegacyStores, LEGACY_AUTH_FILENAME, retireLegacyAuthJson } from "../../../auth/legacy-import.ts";
import { authStorePath, emptyStore, parseStoreText, serializeStore } from "../../../auth/store.ts";
import { withFileLock } from "../../../state/file-lock.ts";
import { readTextIfExists, verifyJson, writeFileAtomic } from "../../../state/safe-file.ts";
import { isTruthy } from "../../../state/shell-env.ts";
import type { AgentRef, Check, DoctorInputs, Finding, Repair } from "../types.ts";

const GROUP = "Legacy state";

/**
 * oauth.json goes to the default agent only: written into a sub-agent's own
 * store, its OAuth tokens would shadow the default agent's read-through copy
 * and go stale there at the next refresh (docs/auth.md §7).
 */
function oauthJsonPath(inputs: DoctorInputs, agent: AgentRef): string | undefined {
  return agent.isDefault ? join(inputs.env.OPENCLAW_OAUTH_DIR?.trim() || join(inputs.stateDir, "credentials"), "oauth.json") : undefined;
}

function importRepair(inputs: DoctorInputs, agent: AgentRef): Repair {
  const agentDir = agent.dir;
  const storePath = authStorePath(agentDir);
  const shown = inputs.display(storePath);
  return {
    action: `write the imported legacy credentials to ${shown} (auth.json kept as auth.json.migrated)`,
    apply: () =>
      withFileLock(storePath, async () => {
        // Looked at again under the lock: a store written meanwhile wins, and nothing is imported over it.
        if ((await readTextIfExists(storePath)) !== undefined) return "nothing to do";
        const imported = await importLegacyStores(agentDir, oauthJsonPath(inputs, agent), emptyStore());
        if (!imported) return "nothing to do";
        const text = serializeStore(imported.store);
        await writeFileAtomic(storePath, text, { verify: (written) => parseStoreText(storePath, written).then(() => verifyJson(written)) });
        if (imported.authJsonPath) await retireLegacyAuthJson(imported.authJsonPath);
        const ids = Object.keys(imported.store.profiles).join(", ");
        return `imported ${ids} from ${imported.sources.map(inputs.display).join(", ")} into ${shown}`;
      }),
  };
}

export const legacyCheck: Check = {
  name: "legacy",
  async run(inputs) {
    const findings: Finding[] = [];
    const { display, stateDir } = inputs;
    const oldAgentDir = join(stateDir, "agent");
    const defaultAgent = inputs.agents.find((agent) => agent.isDefault);
    if (existsSync(oldAgentDir) && oldAgentDir !== defaultAgent?.dir) {
      findings.push({
        id: "legacy.agent-dir",
        group: GROUP,
        severity: "warn",
        text: `Agent dir: ${display(oldAgentDir)} → ${display(defaultAgent?.dir ?? join(stateDir, "agents", "main", "agent"))} (pre multi-agent layout; this openclaw does not read it).`,
        fix: `move what you still need into ${display(defaultAgent?.dir ?? join(stateDir, "agents", "main", "agent"))} by hand (not moved automatically)`,
      });
    }
    if (inputs.era !== "json") return findings;
    const readOnly = isTruthy(inputs.env.OPENCLAW_AUTH_STORE_READONLY);
    for (const agent of inputs.agents) {
      const storePath = authStorePath(agent.dir);
      const authJson = join(agent.dir, LEGACY_AUTH_FILENAME);
      if (existsSync(storePath)) {
        if (existsSync(authJson)) {
          findings.push({
            id: `legacy.stale-auth-json:${agent.id}`,
            group: GROUP,
            severity: "info",
            text: `${display(authJson)} sits beside ${display(storePath)} and is ignored (OpenClaw deletes it as stale).`,
            fix: "check it for anything you still need, then remove it by hand (doctor never merges it: it may be older than the store)",
          });
        }
        continue;
      }
      let imported;
      try {
        imported = await importLegacyStores(agent.dir, oauthJsonPath(inputs, agent), emptyStore());
      } catch (error) {
        findings.push({ id: `legacy.unreadable:${agent.id}`, group: GROUP, severity: "error", text: (error as Error).message, fix: "fix or move the file away" });
        continue;
      }
      if (!imported) continue;
      const finding: Finding = {
        id: `legacy.import:${agent.id}`,
        group: GROUP,
        severity: "warn",
        text: `${imported.sources.map(display).join(" and ")} not yet migrated to ${display(storePath)} (${Object.keys(imported.store.profiles).length} profile(s), imported in memory on every run).`,
        fix: readOnly ? "unset OPENCLAW_AUTH_STORE_READONLY, then openclaw doctor --fix" : "openclaw doctor --fix",
      };
      if (!readOnly) finding.repair = importRepair(inputs, agent);
      findings.push(finding);
    }
    return findings;
  },
};
