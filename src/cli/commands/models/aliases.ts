// `openclaw models aliases list|add|remove` (spec §3.3). Aliases live on the
// entries of `agents.defaults.models`.
import { compareText } from "../../../state/compare.ts";
import { ALIAS_PATTERN, BUILTIN_ALIASES, configuredAliases } from "../../../providers/model-ref.ts";
import { ownValue } from "../../../state/own-keys.ts";
import { ensureModelEntry, modelEntries } from "../../../providers/model-config-edit.ts";
import { loadCommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printJson, printLine, type CliIO } from "../../io.ts";
import { editConfig, resolveModelArgument } from "./shared.ts";

export async function list(options: { json?: boolean; plain?: boolean }, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  const aliases = configuredAliases(cc.ctx.config);
  const entries = Object.entries(aliases).sort(([a], [b]) => compareText(a, b));
  if (options.json) printJson(io, { aliases: Object.fromEntries(entries) });
  else if (options.plain) for (const [alias, target] of entries) printLine(io, `${alias} ${target}`);
  else {
    printLine(io, `Aliases (${entries.length}):`);
    if (entries.length === 0) printLine(io, "- none");
    for (const [alias, target] of entries) printLine(io, `- ${alias} -> ${target}`);
  }
  return 0;
}

function validateAlias(raw: string): string {
  const alias = raw.trim();
  if (!alias) throw new UsageError("Alias cannot be empty.");
  if (!ALIAS_PATTERN.test(alias)) throw new UsageError("Alias must use letters, numbers, dots, underscores, colons, or dashes.");
  return alias;
}

export async function add(options: { alias: string; model: string }, io: CliIO): Promise<number> {
  const alias = validateAlias(options.alias);
  const cc = await loadCommandContext(io);
  const key = resolveModelArgument(cc.ctx.config, options.model);
  const existing = Object.entries(configuredAliases(cc.ctx.config)).find(([name]) => name.toLowerCase() === alias.toLowerCase());
  if (existing && existing[1] !== key) throw new UsageError(`Alias ${alias} already points to ${existing[1]}.`, `Remove it first: openclaw models aliases remove ${existing[0]}`);
  await editConfig(cc, (doc) => {
    ensureModelEntry(doc, key).alias = alias;
  });
  printLine(io, `Alias ${alias} -> ${key}`);
  return 0;
}

export async function remove(options: { alias: string }, io: CliIO): Promise<number> {
  const alias = options.alias.trim();
  const cc = await loadCommandContext(io);
  const explicit = Object.entries(modelEntries(cc.ctx.configFile.document)).find(([, entry]) => entry.alias === alias);
  if (!explicit) {
    if (ownValue(configuredAliases(cc.ctx.config), alias) && ownValue(BUILTIN_ALIASES, alias)) {
      throw new UsageError(`Alias ${alias} is built in: it names ${BUILTIN_ALIASES[alias]} while that model is configured.`, "Give that model another alias with `openclaw models aliases add`.");
    }
    throw new UsageError(`Alias not found: ${alias}`);
  }
  const updated = await editConfig(cc, (doc) => {
    delete ensureModelEntry(doc, explicit[0]).alias;
  });
  printLine(io, Object.keys(configuredAliases(updated)).length === 0 ? "No aliases configured." : `Removed alias ${alias}.`);
  return 0;
}
