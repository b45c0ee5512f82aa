// What a doctor check produces: findings, one line each, with a severity, the
// command that fixes it, and (for the few things doctor repairs itself) the
// repair. Checks only read; repairs run only under `doctor --fix`.
import type { AgentAuthView, CredentialBackend } from "../../auth/backend.ts";
import type { StateContext } from "../../state/context.ts";
import type { Env, StateEra } from "../../state/paths.ts";

/**
 * `error`: something does not work, or is unsafe, now (exit 1 unless fixed).
 * `warn`: will bite later or works by luck (expiring, cooling down); exit 0.
 * `info`: what doctor saw (era, where a key comes from, gateway not running).
 */
export type Severity = "error" | "warn" | "info";

export interface Repair {
  /** What it will do, for the prompt and the report: "chmod 600 ~/.openclaw/openclaw.json". */
  action: string;
  /** Does it; resolves to what it did (or "nothing to do" when it found the work already done). */
  apply(): Promise<string>;
}

export interface Finding {
  /** Stable id: `<check>.<what>[:<subject>]`, e.g. `permissions.config`, `credentials.expired:anthropic:old`. */
  id: string;
  /** The group it is printed under. */
  group: string;
  severity: Severity;
  /** One line, never a whole secret. */
  text: string;
  /** The command (or action) that fixes it, when there is one. */
  fix?: string;
  /** Present when `doctor --fix` can repair it itself. */
  repair?: Repair;
}

/** Where the gateway would listen and what token it would require (computed by the CLI layer). */
export interface GatewayTarget {
  url: string;
  token?: { value: string; source: string };
}

export interface DoctorInputs {
  env: Env;
  cwd: string;
  now: number;
  homeDir: string;
  stateDir: string;
  configPath: string;
  era: StateEra;
  display(path: string): string;
  /** Undefined when the config could not be read or validated (a finding says why). */
  ctx?: StateContext;
  backend?: CredentialBackend;
  gateway?: GatewayTarget;
  /** The configured agents (just the default one when the config is unreadable). */
  agents: AgentRef[];
  /** Each agent's credentials as the backend reads them; absent for an agent whose store could not be read. */
  views: Map<string, AgentAuthView>;
}

export interface AgentRef {
  id: string;
  dir: string;
  isDefault: boolean;
}

export interface Check {
  name: string;
  run(inputs: DoctorInputs): Promise<Finding[]> | Finding[];
}
