// Applies the repairs doctor's findings carry, one at a time, each after the
// caller's confirmation. A repair re-checks its own precondition (a chmod
// looks at the mode again, a lock at its holder, an import at the store), so
// running --fix twice changes nothing the second time.
import type { Finding } from "./types.ts";

export interface FixOutcome {
  id: string;
  action: string;
  status: "fixed" | "skipped" | "failed" | "unchanged";
  detail: string;
}

export async function applyRepairs(findings: readonly Finding[], confirm: (finding: Finding) => Promise<boolean>): Promise<FixOutcome[]> {
  const outcomes: FixOutcome[] = [];
  for (const finding of findings) {
    const repair = finding.repair;
    if (!repair) continue;
    if (!(await confirm(finding))) {
      outcomes.push({ id: finding.id, action: repair.action, status: "skipped", detail: "declined" });
      continue;
    }
    try {
      const detail = await repair.apply();
      outcomes.push({ id: finding.id, action: repair.action, status: detail === "nothing to do" ? "unchanged" : "fixed", detail });
    } catch (error) {
      outcomes.push({ id: finding.id, action: repair.action, status: "failed", detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
