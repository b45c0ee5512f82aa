// `openclaw models status [--json|--plain] [--check] [--agent <id>]` (spec §3.1).
import { danglingOrderEntries, describeDanglingOrderEntry, orderStoreName } from "../../../auth/dangling-order.ts";
import { expiryPhrase } from "../../../auth/health.ts";
import { describeCredentialBackend, type BackendDescription } from "../../../auth/open-backend.ts";
import { providerEnvVars } from "../../../auth/env-keys.ts";
import { descriptorFor } from "../../../providers/descriptors/index.ts";
import { buildStatusReport, checkExitCode, type ProfileStatus, type StatusReport } from "../../../ops/status-report.ts";
import type { ProbeOptions, ProbeReport } from "../../../ops/probe.ts";
import { loadAuthView, loadCommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { colorizer, printErrorLine, printJson, printLine, processIO, type CliIO } from "../../io.ts";
import { reportError } from "../../errors.ts";
import { agentAuthView } from "../../../auth/agent-view.ts";
import type { AgentAuthView } from "../../../auth/backend.ts";
import { isStateUnreachable } from "../../../auth/state-unreachable.ts";
import { emptyStore } from "../../../auth/store.ts";
import { redactSecrets } from "../../../auth/redact.ts";
import type { CommandContext } from "../../command-context.ts";

export interface StatusOptions {
  json?: boolean;
  plain?: boolean;
  check?: boolean;
  agent?: string;
  probe?: boolean;
  probeProvider?: string;
  /** Repeatable and comma-separated. */
  probeProfile?: string[];
  probeTimeout?: string;
  probeConcurrency?: string;
  probeMaxTokens?: string;
}

const field = (label: string, value: string) => `${label.padEnd(14)}: ${value}`;
const listOrDash = (items: readonly string[]) => (items.length > 0 ? items.join(", ") : "-");

function missingAuthHint(provider: string): string {
  const hint = descriptorFor(provider)?.setupHints.missingAuth;
  if (hint) return hint;
  const paste = `Run \`openclaw models auth paste-api-key --provider ${provider}\``;
  // Some providers (Vertex AI: gcloud credentials) have no key variable to name.
  const envVar = providerEnvVars(provider)[0];
  return envVar ? `${paste} or set ${envVar}.` : `${paste}.`;
}

const STATUS_COLOR: Record<string, number> = { ok: 32, expiring: 33, "expiring (refreshable)": 33, "expired (refreshable)": 33, expired: 31, unknown: 31 };

function describeExpiry(profile: ProfileStatus, paint: (code: number, text: string) => string): string {
  const { word, detail } = expiryPhrase(profile);
  const painted = STATUS_COLOR[word] ? paint(STATUS_COLOR[word], word) : word;
  return detail ? `${painted} ${detail}` : painted;
}

export function formatStatus(report: StatusReport, io: CliIO, display: (path: string) => string, backend?: BackendDescription): string[] {
  const paint = colorizer(io);
  const lines: string[] = [];
  const suffix = (source: "agent" | "defaults" | undefined) => (source ? ` (${source})` : "");
  const aliasPairs = Object.entries(report.aliases).map(([alias, target]) => `${alias} -> ${target}`);
  const from = report.defaultModel !== report.resolvedDefault ? ` (from ${report.defaultModel})` : "";
  lines.push(field("Config", display(report.configPath)));
  if (report.agentId) lines.push(field("Agent", report.agentId));
  lines.push(field("Agent dir", display(report.agentDir)));
  lines.push(field(`Default${suffix(report.modelConfig?.defaultSource)}`, report.resolvedDefault + from));
  lines.push(field(`Fallbacks (${report.fallbacks.length})${suffix(report.modelConfig?.fallbacksSource)}`, listOrDash(report.fallbacks)));
  lines.push(field("Image model", report.imageModel ?? "-"));
  lines.push(field(`Image fallbacks (${report.imageFallbacks.length})`, listOrDash(report.imageFallbacks)));
  lines.push(field(`Aliases (${aliasPairs.length})`, listOrDash(aliasPairs)));
  lines.push(field(`Configured models (${report.allowed.length})`, report.allowed.length > 0 ? report.allowed.join(", ") : "all"));

  const auth = report.auth;
  lines.push("", "Auth overview");
  lines.push(field("Auth store", display(auth.storePath)));
  // Ours, not OpenClaw's: which backend holds the credentials (docs/scale-out.md).
  if (backend) lines.push(field("Auth backend", backend.label));
  const applied = auth.shellEnvFallback.appliedKeys;
  const shellError = auth.shellEnvFallback.error ? ` (failed: ${auth.shellEnvFallback.error})` : "";
  lines.push(field("Shell env", (auth.shellEnvFallback.enabled ? "on" : "off") + (applied.length > 0 ? ` (applied: ${applied.join(", ")})` : "") + shellError));
  lines.push(field(`Providers w/ OAuth/tokens (${auth.providersWithOAuth.length})`, listOrDash(auth.providersWithOAuth)));
  for (const provider of auth.providers) {
    const parts = [`- ${provider.provider} effective=${provider.effective.kind}:${provider.effective.detail}`];
    const p = provider.profiles;
    if (p.count > 0) parts.push(`profiles=${p.count} (oauth=${p.oauth}, token=${p.token}, api_key=${p.apiKey})`, p.labels.join(", "));
    if (provider.env) parts.push(`env=${provider.env.value}`, `source=${provider.env.source}`);
    if (provider.modelsJson) parts.push(`models.json=${provider.modelsJson.value}`, `source=${provider.modelsJson.source}`);
    lines.push(parts.join(" | "));
  }
  if (auth.missingProvidersInUse.length > 0) {
    lines.push("", paint(31, "Missing auth"));
    for (const provider of auth.missingProvidersInUse) lines.push(`- ${provider} ${missingAuthHint(provider)}`);
  }

  lines.push("", "OAuth/token status");
  const expiring = auth.oauth.providers
    .map((provider) => ({ provider: provider.provider, profiles: provider.profiles.filter((p) => p.type !== "api_key") }))
    .filter((provider) => provider.profiles.length > 0);
  if (expiring.length === 0) lines.push("- none");
  for (const provider of expiring) {
    lines.push(`- ${provider.provider}`);
    for (const profile of provider.profiles) {
      lines.push(`  - ${profile.label} ${describeExpiry(profile, paint)}${profile.inherited ? " [inherited]" : ""}`);
    }
  }
  return lines;
}

function positive(raw: string | undefined, fallback: number, message: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(message);
  return value;
}

/** The spec's flag checks (§3.1), before anything is read. */
function probeOptions(options: StatusOptions): ProbeOptions | undefined {
  if (!options.probe) return undefined;
  if (options.plain) throw new UsageError("--probe cannot be used with --plain output.");
  return {
    ...(options.probeProvider ? { provider: options.probeProvider } : {}),
    profileIds: (options.probeProfile ?? []).flatMap((value) => value.split(",")).map((id) => id.trim()).filter(Boolean),
    timeoutMs: positive(options.probeTimeout, 8000, "--probe-timeout must be a positive number (ms)."),
    concurrency: Math.floor(positive(options.probeConcurrency, 2, "--probe-concurrency must be > 0.")),
    maxTokens: Math.floor(positive(options.probeMaxTokens, 8, "--probe-max-tokens must be > 0.")),
  };
}

/** `auth.state` in --json (ours, only with a shared state): which backend, and whether it answered. */
export interface SharedStateStatus {
  backend: string;
  connected: boolean;
  error?: string;
}

/**
 * The agent's credentials, or, when the shared state (Redis) cannot be reached, an empty view
 * and why: the report then says so instead of the command ending with only an error.
 */
async function readView(cc: CommandContext): Promise<{ view: AgentAuthView; state?: SharedStateStatus }> {
  const shared = cc.backend.era === "redis";
  try {
    const view = await loadAuthView(cc);
    return shared ? { view, state: { backend: cc.backend.era, connected: true } } : { view };
  } catch (error) {
    if (!isStateUnreachable(error)) throw error;
    const empty = { path: cc.backend.storePath(cc.agent.id), exists: false, store: emptyStore() };
    return { view: agentAuthView(cc.agent.id, cc.agent.dir, empty, undefined), state: { backend: cc.backend.era, connected: false, error: redactSecrets((error as Error).message) } };
  }
}

export async function run(options: StatusOptions, io: CliIO): Promise<number> {
  if (options.json && options.plain) throw new UsageError("Choose either --json or --plain, not both.");
  const probe = probeOptions(options);
  const cc = await loadCommandContext(io, options.agent);
  const { view, state } = await readView(cc);
  const inputs = { ctx: cc.ctx, agent: cc.agent, view, explicitAgent: options.agent !== undefined, now: io.now() };
  const report = buildStatusReport(inputs);
  const probes = probe && state?.connected !== false ? await (await import("../../../ops/probe.ts")).runProbes(cc.ctx, view, probe) : undefined;
  const backend = describeCredentialBackend(cc.ctx, cc.backend.era);
  // `auth.backend` and `auth.state` are ours (additive); OpenClaw's fields stay as they are.
  if (options.json) printJson(io, { ...report, auth: { ...report.auth, backend, ...(state ? { state } : {}), ...(probes ? { probes } : {}) } });
  else if (options.plain) printLine(io, report.resolvedDefault);
  else {
    const lines = formatStatus(report, io, cc.ctx.display, backend);
    // After "Auth store" and "Auth backend".
    if (state) lines.splice(lines.indexOf("Auth overview") + 3, 0, field("Shared state", state.connected ? `${state.backend}, connected` : `${state.backend}, UNREACHABLE (credentials not shown)`));
    printLine(io, [...lines, ...(probes ? formatProbes(probes) : [])].join("\n"));
    // On stderr, so the report on stdout keeps the shape scripts (and OpenClaw's fixtures) expect.
    for (const entry of danglingOrderEntries(view.merged, cc.ctx.config)) printErrorLine(io, `Warning: ${describeDanglingOrderEntry(entry, orderStoreName(cc.ctx.era))}`);
  }
  if (state?.error) {
    printErrorLine(io, `Error: ${state.error}`);
    return 1; // nothing could be checked
  }
  return options.check ? checkExitCode(report, inputs) : 0;
}

function formatProbes(report: ProbeReport): string[] {
  if (report.results.length === 0) return ["", "No probe targets."];
  const rows = report.results.map((r) => [r.model ?? "-", r.profileId ?? r.label, r.latencyMs !== undefined ? `${r.status} · ${r.latencyMs}ms` : r.status]);
  const widths = [0, 1].map((column) => Math.max(column === 0 ? 5 : 7, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`;
  const out = ["", line(["Model", "Profile", "Status"])];
  report.results.forEach((result, i) => {
    out.push(line(rows[i]!));
    if (result.error) out.push(`${" ".repeat(widths[0]! + widths[1]! + 4)}↳ ${result.error}`);
  });
  out.push(`Probed ${report.totalTargets} target(s) in ${(report.durationMs / 1000).toFixed(1)}s`);
  return out;
}

/** For the entry's fast path: real process I/O, errors reported like every other command. */
export async function runInProcess(options: StatusOptions): Promise<number> {
  const io = processIO({ directStdout: true });
  try {
    return await run(options, io);
  } catch (error) {
    return reportError(io, error);
  }
}
