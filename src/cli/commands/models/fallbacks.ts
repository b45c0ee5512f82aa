// `openclaw models fallbacks list|add|remove|clear` (spec §3.3): the models
// tried, in order, after the default fails.
import { ensureModelEntry, hasAllowlist, readFallbacks, setFallbacks } from "../../../providers/model-config-edit.ts";
import { resolveModelSettings } from "../../../providers/model-ref.ts";
import { loadCommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printJson, printLine, type CliIO } from "../../io.ts";
import { editConfig, resolveModelArgument, warnIfUnknownModel } from "./shared.ts";

export async function list(options: { json?: boolean; plain?: boolean }, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  const { fallbacks } = resolveModelSettings(cc.ctx.config);
  if (options.json) printJson(io, { fallbacks });
  else if (options.plain) for (const model of fallbacks) printLine(io, model);
  else {
    printLine(io, `Fallbacks (${fallbacks.length}):`);
    if (fallbacks.length === 0) printLine(io, "- none");
    for (const model of fallbacks) printLine(io, `- ${model}`);
  }
  return 0;
}

export async function add(options: { model: string }, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  const key = resolveModelArgument(cc.ctx.config, options.model);
  const current = resolveModelSettings(cc.ctx.config).fallbacks;
  if (current.includes(key)) {
    printLine(io, `Fallback already configured: ${key}`);
    return 0;
  }
  warnIfUnknownModel(cc, key);
  await editConfig(cc, (doc) => {
    setFallbacks(doc, "model", [...readFallbacks(doc, "model"), key]);
    // With an allowlist in place, a fallback outside it could never be used.
    if (hasAllowlist(doc)) ensureModelEntry(doc, key);
  });
  printLine(io, `Fallbacks: ${[...current, key].join(", ")}`);
  return 0;
}

export async function remove(options: { model: string }, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  const key = resolveModelArgument(cc.ctx.config, options.model);
  const settingsKeys = (raw: string) => resolveModelArgument(cc.ctx.config, raw);
  const written = readFallbacks(cc.ctx.configFile.document, "model");
  if (!written.some((raw) => raw === options.model || settingsKeys(raw) === key)) throw new UsageError(`Fallback not found: ${key}`);
  await editConfig(cc, (doc) => {
    setFallbacks(doc, "model", readFallbacks(doc, "model").filter((raw) => raw !== options.model && settingsKeys(raw) !== key));
  });
  const left = resolveModelSettings(cc.ctx.config).fallbacks.filter((model) => model !== key);
  printLine(io, `Fallbacks: ${left.length > 0 ? left.join(", ") : "(none)"}`);
  return 0;
}

export async function clear(io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  await editConfig(cc, (doc) => setFallbacks(doc, "model", []));
  printLine(io, "Fallbacks cleared.");
  return 0;
}
