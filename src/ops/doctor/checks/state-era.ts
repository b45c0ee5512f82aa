// Which OpenClaw release's layout the state dir has, whether it is half-way
// through 2026.9's migration, and config keys that release would reject.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { legacyStoreProblem } from "../../../auth/sqlite-legacy-stores.ts";
import { stateDatabasePath } from "../../../state/paths.ts";
import type { Check, Finding } from "../types.ts";

const GROUP = "State";

export const stateEraCheck: Check = {
  name: "state",
  async run(inputs) {
    const { era, stateDir, display, ctx, backend } = inputs;
    const findings: Finding[] = [];
    if (!existsSync(stateDir)) {
      findings.push({ id: "state.missing", group: GROUP, severity: "info", text: `No state dir yet (${display(stateDir)}); nothing is configured.`, fix: "openclaw models auth add" });
      return findings;
    }
    const layout = era === "sqlite" ? `OpenClaw 2026.9 layout (SQLite: ${display(stateDatabasePath(stateDir))})` : "OpenClaw 2026.2.26 layout (JSON files)";
    findings.push({ id: "state.era", group: GROUP, severity: "info", text: `State dir ${display(stateDir)}: ${layout}.` });
    if (era !== "sqlite") return findings;

    // 2026.9 refuses to run while a JSON-era store sits beside its database (docs/compatibility.md).
    for (const agent of inputs.agents) {
      const oauthJson = agent.isDefault ? join(stateDir, "credentials", "oauth.json") : undefined;
      const ownPath = backend ? backend.storePath(agent.id) : join(agent.dir, "openclaw-agent.sqlite");
      const problem = await legacyStoreProblem(agent.dir, oauthJson, ownPath, display);
      // The backend refuses only while the agent's own SQLite store is empty; a JSON file left beside a filled one is only stale.
      if (problem && !inputs.views.has(agent.id)) {
        findings.push({
          id: `state.mid-migration:${agent.id}`,
          group: GROUP,
          severity: "error",
          text: `Mid-migration: agent ${agent.id} still has JSON-era credential files beside OpenClaw 2026.9's database, which has none of them yet.`,
          fix: "run OpenClaw 2026.9's own `openclaw doctor --fix` to import them (this openclaw never converts one era's store into the other's)",
        });
      }
    }
    // Cheap to know: 2026.9 keeps meta.lastTouchedAt in its database and rejects it in the config ("meta: Unrecognized key").
    const meta = ctx?.configFile.document.meta;
    if (meta !== null && typeof meta === "object" && "lastTouchedAt" in meta) {
      findings.push({
        id: "state.config-key:meta.lastTouchedAt",
        group: GROUP,
        severity: "error",
        text: `${display(inputs.configPath)} has meta.lastTouchedAt, which OpenClaw 2026.9 rejects (meta: Unrecognized key).`,
        fix: "remove meta.lastTouchedAt from the config by hand",
      });
    }
    return findings;
  },
};
