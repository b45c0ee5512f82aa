// GET /v1/models: configured and catalog models, and aliases, in the asking
// client's format (Anthropic clients send `anthropic-version`).
import { buildCatalog } from "../providers/catalog.ts";
import { formatModelRef, resolveModelSettings } from "../providers/model-ref.ts";
import { knownProviderIds } from "../providers/registry.ts";
import type { ApiFormat } from "./api-errors.ts";
import type { GatewaySnapshot } from "./live-state.ts";

interface ListedModel {
  id: string;
  name: string;
  provider: string;
}

function gatherModels(snapshot: GatewaySnapshot): ListedModel[] {
  const settings = resolveModelSettings(snapshot.ctx.config, snapshot.agent.entry);
  const catalog = buildCatalog(snapshot.ctx.config);
  const out = new Map<string, ListedModel>();
  const add = (id: string, name: string, provider: string) => out.has(id) || out.set(id, { id, name, provider });
  add("default", `default (${formatModelRef(settings.primary)})`, settings.primary.provider);
  for (const key of [formatModelRef(settings.primary), ...settings.fallbacks, ...settings.allowed]) {
    add(key, catalog.find((m) => `${m.provider}/${m.id}` === key)?.name ?? key, key.split("/")[0]!);
  }
  for (const [alias, key] of Object.entries(settings.aliases)) add(alias, `${alias} (${key})`, key.split("/")[0]!);
  // Only catalog models the gateway can reach (built-in or configured providers).
  const reachable = new Set(knownProviderIds(snapshot.ctx.config));
  for (const model of catalog) if (reachable.has(model.provider)) add(`${model.provider}/${model.id}`, model.name, model.provider);
  return [...out.values()];
}

export function listModels(snapshot: GatewaySnapshot, format: ApiFormat): object {
  const models = gatherModels(snapshot);
  if (format === "anthropic") {
    const data = models.map((m) => ({ type: "model", id: m.id, display_name: m.name, created_at: "1970-01-01T00:00:00Z" }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }
  return { object: "list", data: models.map((m) => ({ id: m.id, object: "model", created: 0, owned_by: m.provider })) };
}
