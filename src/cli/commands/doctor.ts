// `openclaw doctor [--fix] [--yes] [--non-interactive] [--json]`: the checks
// and repairs live in src/ops/doctor/; this file asks, prints and picks the
// exit code (docs/doctor.md): 1 when an error is left unfixed, else 0.
import { maskSecret } from "../../auth/mask.ts";
import { configuredToken, describeTokenSource } from "../../gateway/token.ts";
import { applyRepairs, type FixOutcome } from "../../ops/doctor/fixer.ts";
import { runDoctor } from "../../ops/doctor/runner.ts";
import type { Finding, GatewayTarget } from "../../ops/doctor/types.ts";
import type { StateContext } from "../../state/context.ts";
import { resolveHomeDir } from "../../state/paths.ts";
import { colorizer, printJson, printLine, type CliIO } from "../io.ts";
import { connectHost, resolveHost, resolvePort } from "./gateway/address.ts";

export interface DoctorOptions {
  fix?: boolean;
  repair?: boolean;
  yes?: boolean;
  nonInteractive?: boolean;
  json?: boolean;
}

function gatewayTarget(ctx: StateContext): GatewayTarget {
  const port = resolvePort(undefined, ctx.processEnv.OPENCLAW_GATEWAY_PORT, ctx.config);
  const host = connectHost(resolveHost(undefined, ctx.config));
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const token = configuredToken(ctx, undefined);
  return token ? { url, token: { value: token.token, source: `${describeTokenSource(token, ctx.display(ctx.configPath))}, ${maskSecret(token.token)}` } } : { url };
}

/** Asks before each repair; Ctrl-C declines this one and every one after it (repairs already made stay made, and are reported). */
function askEach(): (finding: Finding) => Promise<boolean> {
  let cancelled = false;
  return async (finding) => {
    if (cancelled) return false;
    const { confirm, isCancel } = await import("@clack/prompts");
    const answer = await confirm({ message: `${finding.text}\n  Fix: ${finding.repair!.action}?`, initialValue: true });
    if (isCancel(answer)) cancelled = true;
    return answer === true;
  };
}

const SEVERITY_COLOR = { error: 31, warn: 33, info: 2 } as const;

export async function run(options: DoctorOptions, io: CliIO): Promise<number> {
  const fix = Boolean(options.fix || options.repair);
  const interactive = fix && !options.yes && !options.nonInteractive && !options.json && io.stdinIsTTY && io.stdoutIsTTY;
  const doctor = await runDoctor({ env: io.env, cwd: io.cwd, now: io.now(), gatewayTarget });
  let outcomes: FixOutcome[] = [];
  try {
    if (fix) outcomes = await applyRepairs(doctor.findings, interactive ? askEach() : async () => true);
  } finally {
    doctor.close();
  }
  const fixed = new Set(outcomes.filter((o) => o.status === "fixed").map((o) => o.id));
  const unfixedErrors = doctor.findings.filter((f) => f.severity === "error" && !fixed.has(f.id));
  const code = unfixedErrors.length > 0 ? 1 : 0;

  if (options.json) {
    printJson(io, {
      ok: code === 0,
      stateDir: doctor.inputs.stateDir,
      era: doctor.inputs.era,
      fixMode: fix,
      findings: doctor.findings.map((f) => ({
        id: f.id,
        group: f.group,
        severity: f.severity,
        text: f.text,
        ...(f.fix ? { fix: f.fix } : {}),
        fixable: f.repair !== undefined,
        fixed: fixed.has(f.id),
      })),
      repairs: outcomes,
    });
    return code;
  }

  const paint = colorizer(io);
  const home = resolveHomeDir(io.env);
  const short = (text: string) => (home === "/" ? text : text.split(home + "/").join("~/"));
  const lines: string[] = [`OpenClaw doctor: ${doctor.inputs.display(doctor.inputs.stateDir)}`];
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const groups = [...new Set(doctor.findings.map((f) => f.group))];
  for (const group of groups) {
    lines.push("", group);
    for (const finding of doctor.findings.filter((f) => f.group === group)) {
      const outcome = byId.get(finding.id);
      if (outcome?.status === "fixed") {
        lines.push(`  ${paint(32, "fixed")}  ${short(finding.text)} → ${short(outcome.detail)}`);
        continue;
      }
      const tag = paint(SEVERITY_COLOR[finding.severity], finding.severity.padEnd(5));
      const after = outcome ? ` (not fixed: ${outcome.status === "failed" ? short(outcome.detail) : outcome.detail})` : finding.fix && finding.severity !== "info" && !finding.text.includes(finding.fix) ? ` Fix: ${finding.fix}` : "";
      lines.push(`  ${tag}  ${short(finding.text)}${after}`);
    }
  }
  const count = (severity: Finding["severity"]) => doctor.findings.filter((f) => f.severity === severity && !fixed.has(f.id)).length;
  const fixable = doctor.findings.filter((f) => f.repair && !fixed.has(f.id)).length;
  lines.push("", `${count("error")} error(s), ${count("warn")} warning(s)${fixed.size > 0 ? `, ${fixed.size} fixed` : ""}.`);
  if (!fix && fixable > 0) lines.push(`Run "openclaw doctor --fix" to apply ${fixable} safe fix(es); nothing was changed.`);
  printLine(io, lines.join("\n"));
  return code;
}
