// OpenClaw 2026.9 refuses to run while a JSON-era store sits beside its
// database and the agent's own SQLite store is still empty: its `openclaw
// doctor --fix` imports them first. The backend refuses the same way.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseJsonText } from "../state/json-text.ts";
import { readTextIfExists } from "../state/safe-file.ts";

/** The legacy JSON stores 2026.9 refuses to run beside (it wants `openclaw doctor --fix` to import them first). */
export async function legacyStoreProblem(agentDir: string, oauthJson: string | undefined, ownPath: string, display: (path: string) => string): Promise<string | undefined> {
  const profilesJson = await readTextIfExists(join(agentDir, "auth-profiles.json"));
  const others = [join(agentDir, "auth.json"), ...(oauthJson ? [oauthJson] : [])].filter((path) => existsSync(path));
  if (profilesJson === undefined && others.length === 0) return undefined;
  let providers = "all (legacy provider scope unavailable)";
  if (profilesJson !== undefined && others.length === 0) {
    try {
      const doc = (await parseJsonText(profilesJson)) as { profiles?: Record<string, { provider?: unknown }> };
      const names = [...new Set(Object.values(doc.profiles ?? {}).map((entry) => entry?.provider).filter((p): p is string => typeof p === "string"))].sort();
      if (names.length > 0) providers = names.join(", ");
    } catch {
      // The provider list is only a hint.
    }
  }
  return `Auth profile store ${display(ownPath)} requires legacy credential migration; affected providers: ${providers}; run openclaw doctor --fix.`;
}

