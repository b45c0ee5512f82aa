// Runs every doctor check over one state dir. It loads what it can: a config
// that does not parse, or a store that cannot be read, is a finding, and the
// checks that need it are skipped while the others still run. Nothing here
// writes; repairs are only carried on the findings (fixer.ts applies them).
import { SHELL_ENV_IMPORTED_KEYS, SHELL_ENV_TRIGGER_KEYS } from "../../auth/env-keys.ts";
import type { AgentAuthView, CredentialBackend } from "../../auth/backend.ts";
import { openCredentialBackend } from "../../auth/open-backend.ts";
import { configuredAgentIds, resolveAgent } from "../../state/agents.ts";
import { loadStateContext, type StateContext } from "../../state/context.ts";
import { FileFormatError, OpenClawError } from "../../state/errors.ts";
import { DEFAULT_AGENT_ID, detectStateEra, resolveConfigPath, resolveHomeDir, resolveStateDir, shortenHome, type Env } from "../../state/paths.ts";
import { join } from "node:path";
import { credentialsCheck } from "./checks/credentials.ts";
import { gatewayHealthCheck } from "./checks/gateway-health.ts";
import { gatewayTokenCheck } from "./checks/gateway-token.ts";
import { keySourcesCheck } from "./checks/key-sources.ts";
import { legacyCheck } from "./checks/legacy.ts";
import { locksCheck } from "./checks/locks.ts";
import { permissionsCheck } from "./checks/permissions.ts";
import { stateEraCheck } from "./checks/state-era.ts";
import type { AgentRef, Check, DoctorInputs, Finding, GatewayTarget } from "./types.ts";

/** In the order their groups are printed. */
export const CHECKS: readonly Check[] = [stateEraCheck, permissionsCheck, legacyCheck, locksCheck, credentialsCheck, keySourcesCheck, gatewayTokenCheck, gatewayHealthCheck];

export interface RunOptions {
  env: Env;
  cwd: string;
  now: number;
  /** Where the gateway listens and its token, from the loaded config (the CLI layer knows how). */
  gatewayTarget?: (ctx: StateContext) => GatewayTarget;
}

export interface DoctorRun {
  inputs: DoctorInputs;
  findings: Finding[];
  close(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
function hintOf(error: unknown): string | undefined {
  const hint = (error as { hint?: unknown } | undefined)?.hint;
  return typeof hint === "string" ? hint : undefined;
}

/**
 * A failure to report as a finding, not a crash. Not `instanceof OpenClawError`:
 * the SQLite backend is a bundle of its own (scripts/build.mjs), with its own
 * copy of the class. Bugs (TypeError and the like) still crash, loudly.
 */
function isReportable(error: unknown): error is Error {
  return error instanceof OpenClawError || (error instanceof Error && !(error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError));
}

export async function runDoctor(options: RunOptions): Promise<DoctorRun> {
  const { env, cwd, now } = options;
  const stateDir = resolveStateDir(env);
  const display = (path: string) => shortenHome(path, env);
  const findings: Finding[] = [];
  const inputs: DoctorInputs = {
    env,
    cwd,
    now,
    homeDir: resolveHomeDir(env),
    stateDir,
    configPath: resolveConfigPath(env, stateDir),
    era: detectStateEra(stateDir),
    display,
    agents: [{ id: DEFAULT_AGENT_ID, dir: join(stateDir, "agents", DEFAULT_AGENT_ID, "agent"), isDefault: true }],
    views: new Map(),
  };

  let ctx: StateContext | undefined;
  try {
    ctx = await loadStateContext({ env, cwd, shellEnvKeys: { triggerKeys: SHELL_ENV_TRIGGER_KEYS, importKeys: SHELL_ENV_IMPORTED_KEYS } });
  } catch (error) {
    if (!isReportable(error)) throw error;
    findings.push({
      id: "config.invalid",
      group: "Config",
      severity: "error",
      text: `${message(error)} (checks that need the config were skipped)`,
      fix: error instanceof FileFormatError || /config/i.test(error.message) ? "fix the file by hand (doctor never rewrites a config it cannot read)" : (hintOf(error) ?? "fix the config"),
    });
  }

  let backend: CredentialBackend | undefined;
  if (ctx) {
    inputs.ctx = ctx;
    inputs.configPath = ctx.configPath;
    inputs.era = ctx.era;
    if (ctx.shellEnv.error) findings.push({ id: "config.shell-env", group: "Config", severity: "warn", text: `Login shell env import failed: ${ctx.shellEnv.error}.` });
    inputs.agents = configuredAgentIds(ctx).map((id): AgentRef => {
      const agent = resolveAgent(ctx!, id);
      return { id: agent.id, dir: agent.dir, isDefault: agent.isDefault };
    });
    if (!inputs.agents.some((agent) => agent.isDefault)) {
      const agent = resolveAgent(ctx);
      inputs.agents.unshift({ id: agent.id, dir: agent.dir, isDefault: true });
    }
    if (options.gatewayTarget) {
      try {
        inputs.gateway = options.gatewayTarget(ctx);
      } catch (error) {
        findings.push({ id: "config.gateway-address", group: "Config", severity: "error", text: message(error) });
      }
    }
    try {
      backend = await openCredentialBackend(ctx);
      inputs.backend = backend;
    } catch (error) {
      if (!isReportable(error)) throw error;
      const hint = hintOf(error);
      findings.push({ id: "store.backend", group: "Auth store", severity: "error", text: message(error), ...(hint ? { fix: hint } : {}) });
    }
    if (backend) {
      for (const agent of inputs.agents) {
        try {
          inputs.views.set(agent.id, await backend.read(agent.id));
        } catch (error) {
          if (!isReportable(error)) throw error;
          // The state check names a 2026.9 store waiting for its migration, with the fix.
          if (/requires legacy credential migration/.test(message(error))) continue;
          findings.push({ id: `store.unreadable:${agent.id}`, group: "Auth store", severity: "error", text: message(error), fix: hintOf(error) ?? "fix the store by hand" });
        }
      }
    }
  }
  if (ctx && inputs.views.size === inputs.agents.length) {
    findings.push({ id: "config.ok", group: "Config", severity: "info", text: `${display(inputs.configPath)}${ctx.configFile.exists ? "" : " (none yet)"} and the auth store${inputs.agents.length > 1 ? "s" : ""} read and validate.` });
  }

  for (const check of CHECKS) findings.push(...(await check.run(inputs)));
  return { inputs, findings, close: () => backend?.close() };
}

export type { AgentAuthView };
