// State dir 0700; config, credential stores and `.env` 0600 (DESIGN §4.4).
// Only group/other bits count: 0500 or 0400 is stricter, not a problem. The
// repair is a chmod of that one path (its content is untouched, so there is
// nothing to back up); symlinks and files of another user are left alone.
import { existsSync } from "node:fs";
import { chmod, lstat } from "node:fs/promises";
import { join } from "node:path";
import { AGENT_DATABASE_FILENAME } from "../../../auth/sqlite-layout.ts";
import { authStorePath } from "../../../auth/store.ts";
import { resolveDotenvDir, stateDatabasePath } from "../../../state/paths.ts";
import type { Check, DoctorInputs, Finding } from "../types.ts";

const GROUP = "Permissions";

interface Target {
  id: string;
  path: string;
  kind: string;
  dir: boolean;
}

function targets(inputs: DoctorInputs): Target[] {
  const { stateDir, configPath, era, agents, env } = inputs;
  const list: Target[] = [
    { id: "permissions.state-dir", path: stateDir, kind: "State directory", dir: true },
    { id: "permissions.config", path: configPath, kind: "Config file", dir: false },
    { id: "permissions.dotenv", path: join(resolveDotenvDir(env), ".env"), kind: ".env file", dir: false },
  ];
  if (era === "sqlite") list.push({ id: "permissions.state-db", path: stateDatabasePath(stateDir), kind: "State database", dir: false });
  for (const agent of agents) {
    const path = era === "sqlite" ? join(agent.dir, AGENT_DATABASE_FILENAME) : authStorePath(agent.dir);
    list.push({ id: `permissions.store:${agent.id}`, path, kind: era === "sqlite" ? "Agent database" : "Auth store", dir: false });
  }
  return list;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, "0");

export const permissionsCheck: Check = {
  name: "permissions",
  async run(inputs) {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const target of targets(inputs)) {
      if (seen.has(target.path) || !existsSync(target.path)) continue;
      seen.add(target.path);
      const stats = await lstat(target.path);
      if (stats.isSymbolicLink()) continue;
      if ((stats.mode & 0o077) === 0) continue;
      const want = target.dir ? 0o700 : 0o600;
      const shown = inputs.display(target.path);
      const text = target.dir
        ? `${target.kind} permissions are too open (${shown}, ${octal(stats.mode)}). Recommend chmod 700.`
        : `${target.kind} is group/world ${stats.mode & 0o044 ? "readable" : "accessible"} (${shown}, ${octal(stats.mode)}). Recommend chmod 600.`;
      const finding: Finding = { id: target.id, group: GROUP, severity: "error", text, fix: `chmod ${octal(want)} ${shown}` };
      // Only our own files: chmod of another user's file would fail anyway, and is not ours to decide.
      if (typeof process.getuid !== "function" || stats.uid === process.getuid()) {
        finding.fix = "openclaw doctor --fix";
        finding.repair = {
          action: `chmod ${octal(want)} ${shown}`,
          async apply() {
            const now = await lstat(target.path);
            if (now.isSymbolicLink() || (now.mode & 0o077) === 0) return "nothing to do";
            // Keep the owner's own bits (a read-only 0444 becomes 0400, not writable), drop group and other.
            const next = now.mode & 0o700 || want;
            await chmod(target.path, next);
            return `chmod ${octal(next)} ${shown} (was ${octal(now.mode)})`;
          },
        };
      }
      findings.push(finding);
    }
    return findings;
  },
};
