// Models we know something about without asking anyone: the descriptors'
// catalogs plus `models.providers.<id>.models[]` from config. Ids outside it are
// still accepted everywhere; they are just shown without details.
import type { OpenClawConfig } from "../state/config-schema.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { PROVIDER_DESCRIPTORS, type ModelInput } from "./descriptors/index.ts";

export type { ModelInput };

export interface CatalogModel {
  provider: string;
  id: string;
  name: string;
  input: readonly ModelInput[];
  contextWindow: number | undefined;
  /** Served from this machine (e.g. a custom provider on localhost). */
  local: boolean;
}

const TEXT: ModelInput[] = ["text"];

function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
  } catch {
    return false;
  }
}

/** Built-in models, then the custom ones from config (which win on the same key). */
export function buildCatalog(config: OpenClawConfig): CatalogModel[] {
  const byKey = new Map<string, CatalogModel>();
  for (const { id: provider, catalog } of PROVIDER_DESCRIPTORS) {
    for (const { id, name, input, contextWindow } of catalog) byKey.set(`${provider}/${id}`, { provider, id, name, input, contextWindow, local: false });
  }
  for (const [rawProvider, provider] of Object.entries(config.models?.providers ?? {})) {
    const id = normalizeProviderId(rawProvider);
    const local = isLocalUrl(provider.baseUrl);
    for (const model of provider.models ?? []) {
      byKey.set(`${id}/${model.id}`, {
        provider: id,
        id: model.id,
        name: model.name ?? model.id,
        input: model.input ?? TEXT,
        contextWindow: model.contextWindow,
        local,
      });
    }
  }
  return [...byKey.values()];
}

export function findCatalogModel(catalog: readonly CatalogModel[], key: string): CatalogModel | undefined {
  return catalog.find((model) => `${model.provider}/${model.id}` === key);
}
