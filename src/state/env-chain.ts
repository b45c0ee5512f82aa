// The environment as OpenClaw sees it (spec §2.4): process env > ./.env >
// <state>/.env > config `env` block > login-shell import. A lower source never
// overrides a higher one, and every value remembers where it came from, so
// `models status` and `doctor` can say "source=~/.openclaw/.env: ANTHROPIC_API_KEY".
import type { Env } from "./paths.ts";
import { hasOwnKey, ownValue, setOwnValue } from "./own-keys.ts";

export type EnvOrigin = "process" | "dotenv" | "config" | "shell";

export interface EnvValue {
  name: string;
  value: string;
  origin: EnvOrigin;
  /** Human label of the source, e.g. `env: OPENAI_API_KEY` or `~/.openclaw/.env: OPENAI_API_KEY`. */
  source: string;
}

export interface EnvLayer {
  origin: EnvOrigin;
  /** Where the values came from, e.g. `env`, `~/.openclaw/.env`, `config env`, `shell env`. */
  label: string;
  values: Readonly<Record<string, string | undefined>>;
}

// Host variables a config `env` block must never inject (spec §2.4: 2026.2.x drops them).
const DANGEROUS_NAME = /^(PATH|HOME|SHELL|USER|LOGNAME|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|ZDOTDIR|IFS|PS4|LD_.*|DYLD_.*)$/;

export function isSettable(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !DANGEROUS_NAME.test(name);
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

export class EnvChain {
  private readonly layers: EnvLayer[] = [];
  private nameCache: string[] | undefined;

  constructor(processEnv: Env) {
    this.layers.push({ origin: "process", label: "env", values: processEnv });
  }

  /** Adds a lower-priority source; it only supplies names no higher source has. */
  addLayer(layer: EnvLayer): void {
    this.layers.push(layer);
    this.nameCache = undefined;
  }

  get(name: string): EnvValue | undefined {
    for (const layer of this.layers) {
      // Own entries only: a SecretRef may name any variable, "constructor" included.
      const value = ownValue(layer.values, name);
      if (present(value)) return { name, value, origin: layer.origin, source: `${layer.label}: ${name}` };
    }
    return undefined;
  }

  value(name: string): string | undefined {
    return this.get(name)?.value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** All names any layer sets, for prefix scans such as `OPENAI_API_KEY_*`. */
  names(): string[] {
    if (this.nameCache) return this.nameCache;
    const names = new Set<string>();
    for (const layer of this.layers) for (const [name, value] of Object.entries(layer.values)) if (present(value)) names.add(name);
    return (this.nameCache = [...names]);
  }

  /** A flat view for code that wants a plain env object (e.g. `${VAR}` substitution). */
  lookup = (name: string): string | undefined => this.value(name);
}

/** The direct keys and `vars` of a config `env` block, minus reserved and dangerous names. */
export function configEnvValues(block: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (block === null || typeof block !== "object" || Array.isArray(block)) return out;
  const record = block as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (name === "shellEnv" || name === "vars") continue;
    if (typeof value === "string" && isSettable(name)) setOwnValue(out, name, value);
  }
  const vars = record.vars;
  if (vars && typeof vars === "object" && !Array.isArray(vars)) {
    for (const [name, value] of Object.entries(vars as Record<string, unknown>)) {
      if (typeof value === "string" && isSettable(name) && !hasOwnKey(out, name)) setOwnValue(out, name, value);
    }
  }
  return out;
}
