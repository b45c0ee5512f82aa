// Helpers the `models` config commands share.
import { buildCatalog, findCatalogModel } from "../../../providers/catalog.ts";
import { configuredAliases, formatModelRef, resolveModelRef } from "../../../providers/model-ref.ts";
import { updateConfigFile, type ConfigDocument } from "../../../state/config.ts";
import type { OpenClawConfig } from "../../../state/config-schema.ts";
import type { CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printErrorLine, printLine } from "../../io.ts";

/** A model argument (provider/model or alias) as a `provider/model` key. */
export function resolveModelArgument(config: OpenClawConfig, raw: string): string {
  const ref = resolveModelRef(raw, configuredAliases(config));
  if (!ref) throw new UsageError(`Invalid model "${raw}".`, "Expected provider/model (e.g. anthropic/claude-opus-4-6) or an alias.");
  return formatModelRef(ref);
}

/** Says so on stderr when a model is not one we know; it is still accepted and passed through. */
export function warnIfUnknownModel(cc: CommandContext, key: string): void {
  if (!findCatalogModel(buildCatalog(cc.ctx.config), key)) {
    printErrorLine(cc.io, `Note: ${key} is not in the built-in catalog; it will be sent to the provider as written.`);
  }
}

/** Applies a config edit, prints `Updated <config>` when the file changed, and returns the config as written. */
export async function editConfig(cc: CommandContext, mutate: (doc: ConfigDocument) => void): Promise<OpenClawConfig> {
  const result = await updateConfigFile(cc.ctx, mutate);
  if (result.changed) printLine(cc.io, `Updated ${cc.ctx.display(cc.ctx.configPath)}`);
  return result.config;
}

/** A stored model reference as a `provider/model` key, or as written when it does not parse. */
export function modelKeyOf(config: OpenClawConfig, raw: string): string {
  const ref = resolveModelRef(raw, configuredAliases(config));
  return ref ? formatModelRef(ref) : raw;
}
