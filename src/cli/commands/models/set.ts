// `openclaw models set <model-or-alias>`: the default model (spec §3.3).
import { ensureModelEntry, setPrimary } from "../../../providers/model-config-edit.ts";
import { loadCommandContext } from "../../command-context.ts";
import { printLine, type CliIO } from "../../io.ts";
import { editConfig, resolveModelArgument, warnIfUnknownModel } from "./shared.ts";

export async function run(options: { model: string }, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  const key = resolveModelArgument(cc.ctx.config, options.model);
  warnIfUnknownModel(cc, key);
  await editConfig(cc, (doc) => {
    setPrimary(doc, "model", key);
    ensureModelEntry(doc, key);
  });
  printLine(io, `Default model: ${key}`);
  return 0;
}
