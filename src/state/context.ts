// Everything a command or the gateway needs to know about where it runs:
// paths, the validated config, and the environment chain. Loaded once per
// process (per reload in the gateway); reads files and nothing else unless the
// user turned on the login-shell import.
import { join, resolve } from "node:path";
import { readTextIfExists } from "./safe-file.ts";
import { readConfigFile, substituteEnvRefs, validateConfig, type ConfigFile } from "./config.ts";
import type { OpenClawConfig } from "./config-schema.ts";
import { EnvChain, configEnvValues } from "./env-chain.ts";
import { readLoginShellEnv, shellEnvSettings } from "./shell-env.ts";
import { detectStateEra, resolveConfigPath, resolveDotenvDir, resolveHomeDir, resolveStateDir, shortenHome, type Env, type StateEra } from "./paths.ts";

export interface ShellEnvReport {
  enabled: boolean;
  appliedKeys: string[];
  error?: string;
  /** What the import supplied (kept so a long-running gateway imports once). */
  values?: Record<string, string>;
}

export interface StateContext {
  processEnv: Env;
  cwd: string;
  homeDir: string;
  stateDir: string;
  /** Which OpenClaw release's layout the state dir has (paths.ts detectStateEra). */
  era: StateEra;
  configPath: string;
  configFile: ConfigFile;
  config: OpenClawConfig;
  env: EnvChain;
  shellEnv: ShellEnvReport;
  /** `path` with the home dir shown as `~`. */
  display(path: string): string;
}

export interface LoadContextOptions {
  env: Env;
  cwd: string;
  /** The login-shell import runs only when none of `triggerKeys` is set, and imports `importKeys`. */
  shellEnvKeys: { triggerKeys: readonly string[]; importKeys: readonly string[] };
  /** Reuse an earlier import instead of running the shell again (a gateway reloading its files). */
  previousShellEnv?: ShellEnvReport;
}

async function importShellEnv(
  env: Env,
  homeDir: string,
  config: OpenClawConfig,
  chain: EnvChain,
  keys: LoadContextOptions["shellEnvKeys"],
): Promise<ShellEnvReport> {
  const settings = shellEnvSettings(env, config.env?.shellEnv);
  const report: ShellEnvReport = { enabled: settings.enabled, appliedKeys: [] };
  // OpenClaw imports only when none of the expected keys is set anywhere.
  if (!settings.enabled || keys.triggerKeys.some((name) => chain.has(name))) return report;
  try {
    const wanted = keys.importKeys.filter((name) => !chain.has(name));
    report.values = await readLoginShellEnv(env, homeDir, wanted, settings.timeoutMs);
    report.appliedKeys = Object.keys(report.values).sort();
  } catch (error) {
    report.error = (error as Error).message;
  }
  return report;
}

async function dotenvValues(path: string): Promise<Record<string, string> | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const { parse } = await import("dotenv");
  return parse(text);
}

export async function loadStateContext({ env, cwd, shellEnvKeys, previousShellEnv }: LoadContextOptions): Promise<StateContext> {
  const homeDir = resolveHomeDir(env);
  const stateDir = resolveStateDir(env);
  const configPath = resolveConfigPath(env, stateDir);
  const display = (path: string) => shortenHome(path, env);

  const chain = new EnvChain(env);
  const cwdEnvPath = resolve(cwd, ".env");
  const stateEnvPath = join(resolveDotenvDir(env), ".env");
  const [configFile, cwdDotenv, stateDotenv] = await Promise.all([
    readConfigFile(configPath),
    dotenvValues(cwdEnvPath),
    cwdEnvPath === stateEnvPath ? Promise.resolve(undefined) : dotenvValues(stateEnvPath),
  ]);
  if (cwdDotenv) chain.addLayer({ origin: "dotenv", label: display(cwdEnvPath), values: cwdDotenv });
  if (stateDotenv) chain.addLayer({ origin: "dotenv", label: display(stateEnvPath), values: stateDotenv });
  chain.addLayer({ origin: "config", label: "config env", values: configEnvValues(configFile.document.env) });

  const config = await validateConfig(substituteEnvRefs(configFile.document, chain.lookup, configPath), configPath);

  const shellEnv = previousShellEnv ?? (await importShellEnv(env, homeDir, config, chain, shellEnvKeys));
  if (shellEnv.values) chain.addLayer({ origin: "shell", label: "shell env", values: shellEnv.values });

  return { processEnv: env, cwd, homeDir, stateDir, era: detectStateEra(stateDir), configPath, configFile, config, env: chain, shellEnv, display };
}
