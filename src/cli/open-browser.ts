// Best effort: hand a URL to the desktop's browser. A missing opener or a
// failed start is not an error; the caller prints the URL anyway.
import { spawn } from "node:child_process";
import type { Env } from "../state/paths.ts";
import { findExecutable } from "./find-executable.ts";

function opener(url: string, env: Env, platform: NodeJS.Platform): [string, string[]] | undefined {
  if (platform === "darwin") return ["open", [url]];
  // rundll32 instead of `cmd /c start`: cmd would split the URL at every `&`.
  if (platform === "win32") return ["rundll32", ["url.dll,FileProtocolHandler", url]];
  const xdg = findExecutable("xdg-open", env);
  return xdg ? [xdg, [url]] : undefined;
}

/** True when an opener was started (not that a browser showed the page). */
export function openBrowser(url: string, env: Env, platform: NodeJS.Platform = process.platform): boolean {
  const command = opener(url, env, platform);
  if (!command) return false;
  try {
    const child = spawn(command[0], command[1], { stdio: "ignore", detached: true, env: env as NodeJS.ProcessEnv });
    child.on("error", () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
