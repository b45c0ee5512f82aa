// Is a program on PATH? (Used to offer running `claude setup-token`.)
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Env } from "../state/paths.ts";

export function findExecutable(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
