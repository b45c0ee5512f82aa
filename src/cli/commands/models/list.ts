// `openclaw models list [--all] [--local] [--provider <p>] [--json|--plain]` (spec §3.3).
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { buildStatusReport } from "../../../ops/status-report.ts";
import { buildCatalog, findCatalogModel, type CatalogModel } from "../../../providers/catalog.ts";
import { formatModelRef, resolveModelSettings } from "../../../providers/model-ref.ts";
import { loadAuthView, loadCommandContext } from "../../command-context.ts";
import { printJson, printLine, type CliIO } from "../../io.ts";

export interface ListOptions {
  all?: boolean;
  local?: boolean;
  provider?: string;
  json?: boolean;
  plain?: boolean;
}

interface ListedModel {
  key: string;
  name: string;
  input: string;
  contextWindow: number | null;
  local: boolean;
  available: boolean;
  tags: string[];
  missing: boolean;
}

function formatContext(tokens: number | null): string {
  if (!tokens) return "-";
  return tokens >= 1024 * 1024 ? `${Math.round(tokens / (1024 * 1024))}m` : `${Math.round(tokens / 1024)}k`;
}

export async function run(options: ListOptions, io: CliIO): Promise<number> {
  const cc = await loadCommandContext(io);
  const view = await loadAuthView(cc);
  const report = buildStatusReport({ ctx: cc.ctx, agent: cc.agent, view, explicitAgent: false, now: io.now() });
  const withAuth = new Set(report.auth.providers.map((p) => p.provider));
  const settings = resolveModelSettings(cc.ctx.config);
  const catalog = buildCatalog(cc.ctx.config);

  const tags = new Map<string, string[]>();
  const tag = (key: string, label: string) => tags.set(key, [...(tags.get(key) ?? []), label]);
  tag(formatModelRef(settings.primary), "default");
  settings.fallbacks.forEach((key, i) => tag(key, `fallback#${i + 1}`));
  if (settings.image) tag(formatModelRef(settings.image), "image");
  settings.imageFallbacks.forEach((key, i) => tag(key, `img-fallback#${i + 1}`));
  for (const key of settings.allowed) tag(key, "configured");
  for (const [alias, key] of Object.entries(settings.aliases)) tag(key, `alias:${alias}`);

  const keys = [...tags.keys()];
  if (options.all) for (const model of catalog) if (!keys.includes(`${model.provider}/${model.id}`)) keys.push(`${model.provider}/${model.id}`);
  const wanted = options.provider ? normalizeProviderId(options.provider) : undefined;

  const models: ListedModel[] = [];
  for (const key of keys) {
    const known: CatalogModel | undefined = findCatalogModel(catalog, key);
    const provider = key.slice(0, key.indexOf("/"));
    if (wanted && provider !== wanted) continue;
    if (options.local && !known?.local) continue;
    const modelTags = [...(tags.get(key) ?? [])];
    if (!known) modelTags.push("missing");
    models.push({
      key,
      name: known?.name ?? key.slice(key.indexOf("/") + 1),
      input: known ? known.input.join("+") : "-",
      contextWindow: known?.contextWindow ?? null,
      local: known?.local ?? false,
      available: withAuth.has(provider),
      tags: modelTags,
      missing: !known,
    });
  }

  if (options.json) printJson(io, { count: models.length, models });
  else if (options.plain) for (const model of models) printLine(io, model.key);
  else {
    const row = (cells: string[]) =>
      `${cells[0]!.padEnd(42)} ${cells[1]!.padEnd(10)} ${cells[2]!.padEnd(8)} ${cells[3]!.padEnd(5)} ${cells[4]!.padEnd(5)} ${cells[5]}`.trimEnd();
    printLine(io, row(["Model", "Input", "Ctx", "Local", "Auth", "Tags"]));
    for (const model of models) {
      printLine(io, row([model.key, model.input, formatContext(model.contextWindow), model.local ? "yes" : "no", model.available ? "yes" : "no", model.tags.join(",")]));
    }
    if (models.length === 0) printLine(io, "No models match.");
  }
  return 0;
}
