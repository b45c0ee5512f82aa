// GET /v1/models: configured and catalog models, and aliases, in the asking
// client's format (Anthropic clients send `anthropic-version`); and
// GET /v1/models/{id}: one of them, by its listed id or anything that resolves to one.
import { buildCatalog } from "../providers/catalog.ts";
import { formatModelRef, resolveModelSettings } from "../providers/model-ref.ts";
import { knownProviderIds } from "../providers/registry.ts";
import type { ApiFormat } from "./api-errors.ts";
import { resolveRequestedModel } from "./candidates.ts";
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

function modelObject(model: ListedModel, format: ApiFormat): object {
  if (format === "anthropic") return { type: "model", id: model.id, display_name: model.name, created_at: "1970-01-01T00:00:00Z" };
  return { id: model.id, object: "model", created: 0, owned_by: model.provider };
}

export function listModels(snapshot: GatewaySnapshot, format: ApiFormat): object {
  const data = gatherModels(snapshot).map((m) => modelObject(m, format)) as { id: string }[];
  if (format === "anthropic") return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  return { object: "list", data };
}

/**
 * The id from `/v1/models/{id}`. The SDKs percent-encode it (`anthropic%2Fclaude-opus-4-6`),
 * other clients send the slash as is; undefined when it is not valid percent-encoding.
 */
export function modelIdFromPath(rest: string): string | undefined {
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

/**
 * One model as listed: a listed id (`fast`, `default`, `anthropic/claude-opus-4-6`) answers
 * as itself; anything else that resolves to a listed model the way a chat request's `model`
 * does (an alias in other letter case, a bare catalog id) answers as that model. Undefined:
 * nothing listed by that name, which the client hears as a 404.
 */
export function retrieveModel(snapshot: GatewaySnapshot, format: ApiFormat, id: string): object | undefined {
  const models = gatherModels(snapshot);
  const exact = models.find((m) => m.id === id);
  if (exact) return modelObject(exact, format);
  if (!id.trim()) return undefined;
  const settings = resolveModelSettings(snapshot.ctx.config, snapshot.agent.entry);
  const ref = resolveRequestedModel(id, settings, snapshot);
  const key = ref ? formatModelRef(ref) : undefined;
  const resolved = key ? models.find((m) => m.id === key) : undefined;
  return resolved ? modelObject(resolved, format) : undefined;
}
