// Lock files left by processes that died holding them (`<file>.lock`: our
// proper-lockfile directories, OpenClaw 2026.2.26's pid files). A stale one
// is taken over by the next writer anyway (file-lock.ts); doctor reports and,
// with --fix, removes them, re-checking each just before.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { inspectLock, removeStaleLock } from "../../../state/file-lock.ts";
import type { Check, DoctorInputs, Finding } from "../types.ts";

function lockDirs(inputs: DoctorInputs): string[] {
  const dirs = new Set([inputs.stateDir, dirname(inputs.configPath)]);
  for (const agent of inputs.agents) {
    dirs.add(agent.dir);
    dirs.add(join(dirname(agent.dir), "sessions"));
  }
  return [...dirs].filter((dir) => existsSync(dir));
}

export const locksCheck: Check = {
  name: "locks",
  async run(inputs) {
    const findings: Finding[] = [];
    for (const dir of lockDirs(inputs)) {
      for (const name of readdirSync(dir).filter((entry) => entry.endsWith(".lock")).sort()) {
        const path = join(dir, name);
        const state = await inspectLock(path, inputs.now);
        if (!state) continue;
        const shown = inputs.display(path);
        const age = `${Math.round(state.ageMs / 1000)} s old`;
        if (!state.stale) {
          findings.push({ id: `locks.held:${shown}`, group: "Locks", severity: "info", text: `${shown} is held (${state.holder ?? age}): another openclaw or OpenClaw process is writing.` });
          continue;
        }
        findings.push({
          id: `locks.stale:${shown}`,
          group: "Locks",
          severity: "warn",
          text: `Stale lock ${shown} (${state.holder ? `${state.holder}, gone` : age}); its process is gone.`,
          fix: "openclaw doctor --fix",
          repair: {
            action: `remove stale lock ${shown}`,
            apply: async () => ((await removeStaleLock(path)) ? `removed stale lock ${shown}` : "nothing to do"),
          },
        });
      }
    }
    return findings;
  },
};
