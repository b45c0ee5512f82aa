// Where OpenClaw's files live (DESIGN §4.1, spec §1.1). Pure functions of the
// environment plus existence checks, so every command and the gateway agree.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_AGENT_ID = "main";
const LEGACY_STATE_DIRS = [".clawdbot", ".moldbot", ".moltbot"];
const CONFIG_NAMES = ["openclaw.json", "clawdbot.json", "moldbot.json", "moltbot.json"];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** `OPENCLAW_HOME` > `HOME` > `USERPROFILE` > the OS answer. */
export function resolveHomeDir(env: Env): string {
  const explicit = nonEmpty(env.OPENCLAW_HOME);
  const base = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
  if (explicit) return resolve(expandTildeWith(explicit, base));
  return resolve(base);
}

function expandTildeWith(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}

export function expandTilde(path: string, env: Env): string {
  return resolve(expandTildeWith(path, resolveHomeDir(env)));
}

export function resolveStateDir(env: Env): string {
  const explicit = nonEmpty(env.OPENCLAW_STATE_DIR) ?? nonEmpty(env.CLAWDBOT_STATE_DIR);
  if (explicit) return expandTilde(explicit, env);
  const home = resolveHomeDir(env);
  const preferred = join(home, ".openclaw");
  if (existsSync(preferred)) return preferred;
  for (const legacy of LEGACY_STATE_DIRS) {
    const dir = join(home, legacy);
    if (existsSync(dir)) return dir;
  }
  return preferred;
}

/** Where the daemon's `.env` lives: the state dir, but never a legacy one (spec §1.1 resolveConfigDir). */
export function resolveDotenvDir(env: Env): string {
  const explicit = nonEmpty(env.OPENCLAW_STATE_DIR) ?? nonEmpty(env.CLAWDBOT_STATE_DIR);
  return explicit ? expandTilde(explicit, env) : join(resolveHomeDir(env), ".openclaw");
}

/** `OPENCLAW_CONFIG_PATH`, else the first existing config name in the state dir, else `openclaw.json`. */
export function resolveConfigPath(env: Env, stateDir = resolveStateDir(env)): string {
  const explicit = nonEmpty(env.OPENCLAW_CONFIG_PATH) ?? nonEmpty(env.CLAWDBOT_CONFIG_PATH);
  if (explicit) return expandTilde(explicit, env);
  for (const name of CONFIG_NAMES) {
    const candidate = join(stateDir, name);
    if (existsSync(candidate)) return candidate;
  }
  return join(stateDir, CONFIG_NAMES[0]!);
}

export function normalizeAgentId(id: string): string {
  return id.trim().toLowerCase();
}

/** Human output shows the home dir as `~` (DESIGN §4.2). */
export function shortenHome(path: string, env: Env): string {
  const home = resolveHomeDir(env);
  if (path === home) return "~";
  if (path.startsWith(home + "/")) return "~" + path.slice(home.length);
  return path;
}

/** OpenClaw 2026.9's state database; its presence marks a SQLite-era state dir. */
export function stateDatabasePath(stateDir: string): string {
  return join(stateDir, "state", "openclaw.sqlite");
}

/**
 * Which OpenClaw's state this is: 2026.2.26's JSON files, or 2026.9's SQLite
 * (it has `state/openclaw.sqlite`). Each era is read and written where that
 * release keeps things, and never converted.
 */
export type StateEra = "json" | "sqlite";

export function detectStateEra(stateDir: string): StateEra {
  return existsSync(stateDatabasePath(stateDir)) ? "sqlite" : "json";
}
