// `openclaw models fallbacks list|add|remove|clear` (spec §3.3): the models
// tried, in order, after the default fails.
import { ensureModelEntry, hasAllowlist, readFallbacks, setFallbacks } from "../../../providers/model-config-edit.ts";
import { resolveModelSettings } from "../../../providers/model-ref.ts";
import { loadCommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printJson, printLine, type CliIO } from "../../io.ts";
import { editConfig, modelKeyOf, resolveModelArgument, warnIfUnknownModel } from "./shared.ts";

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
  const config = cc.ctx.config;
  // An entry is removed when it is the argument as written or names the same model;
  // entries that do not parse can still be removed by their exact text.
  const key = modelKeyOf(config, options.model);
  const matches = (raw: string) => raw === options.model || modelKeyOf(config, raw) === key;
  if (!readFallbacks(cc.ctx.configFile.document, "model").some(matches)) throw new UsageError(`Fallback not found: ${key}`);
  const updated = await editConfig(cc, (doc) => {
    setFallbacks(doc, "model", readFallbacks(doc, "model").filter((raw) => !matches(raw)));
  });
  const left = resolveModelSettings(updated).fallbacks;
  printLine(io, `Fallbacks: ${left.length > 0 ? left.join(", ") : "(none)"}`);
  return 0;
}

export async function clear(io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  await editConfig(cc, (doc) => setFallbacks(doc, "model", []));
  printLine(io, "Fallbacks cleared.");
  return 0;
}
