// Model references (spec §2.3): `provider/model` split at the first `/`,
// aliases from `agents.defaults.models`, the built-in default, and the
// `@<profileId>` pin that may follow a reference.
import { normalizeProviderId } from "../auth/provider-id.ts";
import type { ModelSelection, OpenClawConfig } from "../state/config-schema.ts";
import { lookupTable, setOwnValue } from "../state/own-keys.ts";
import { PROVIDER_DESCRIPTORS } from "./descriptors/index.ts";

export const DEFAULT_PROVIDER = "anthropic";
export const DEFAULT_MODEL = "anthropic/claude-opus-4-6";

/**
 * OpenClaw 2026.2.26's default aliases (the descriptors' catalog `alias`es); they name entries of `agents.defaults.models` that have none.
 * Null-prototype, so `name in BUILTIN_ALIASES` is false for "constructor" and other Object members.
 */
export const BUILTIN_ALIASES = lookupTable<Record<string, string>>(
  Object.fromEntries(
    PROVIDER_DESCRIPTORS.flatMap(({ id: provider, catalog }) => catalog.flatMap(({ id, alias }) => (alias ? [[alias, `${provider}/${id}`]] : []))),
  ),
);

export const ALIAS_PATTERN = /^[A-Za-z0-9_.:-]+$/;

export interface ModelRef {
  provider: string;
  model: string;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

/** `claude` shorthands OpenClaw accepts: `opus-4.5` → `claude-opus-4-5`. */
function expandAnthropicShorthand(model: string): string {
  const match = /^(opus|sonnet|haiku)-(\d+)\.(\d+)$/i.exec(model);
  return match ? `claude-${match[1]!.toLowerCase()}-${match[2]}-${match[3]}` : model;
}

/** Splits `ref@profile` at the last `@`, but only when it comes after the last `/`. */
export function splitProfileSuffix(raw: string): { ref: string; profileId?: string } {
  const at = raw.lastIndexOf("@");
  if (at <= 0 || at < raw.lastIndexOf("/") || at === raw.length - 1) return { ref: raw };
  return { ref: raw.slice(0, at), profileId: raw.slice(at + 1) };
}

/** Alias → `provider/model`, from `agents.defaults.models` (explicit aliases, then built-ins for entries without one). */
export function configuredAliases(config: OpenClawConfig): Record<string, string> {
  const table: Record<string, string> = {};
  const entries = config.agents?.defaults?.models ?? {};
  const builtinByTarget = new Map(Object.entries(BUILTIN_ALIASES).map(([alias, target]) => [target, alias]));
  for (const [key, entry] of Object.entries(entries)) {
    const alias = entry.alias?.trim() || builtinByTarget.get(key);
    if (alias) setOwnValue(table, alias, key);
  }
  return table;
}

/**
 * Resolves a model reference the way OpenClaw does: `provider/model`, else an
 * alias (case-insensitive; configured ones first, then built-ins), else a model
 * of the default provider. Returns undefined for an empty reference.
 */
export function resolveModelRef(raw: string, aliases: Record<string, string>): ModelRef | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  const slash = text.indexOf("/");
  if (slash < 0) {
    const lower = text.toLowerCase();
    const aliased =
      Object.entries(aliases).find(([alias]) => alias.toLowerCase() === lower)?.[1] ??
      Object.entries(BUILTIN_ALIASES).find(([alias]) => alias === lower)?.[1];
    if (aliased && aliased.includes("/")) return resolveModelRef(aliased, {});
    return { provider: DEFAULT_PROVIDER, model: expandAnthropicShorthand(text) };
  }
  const provider = normalizeProviderId(text.slice(0, slash));
  const model = text.slice(slash + 1).trim();
  if (!provider || !model) return undefined;
  return { provider, model: provider === "anthropic" ? expandAnthropicShorthand(model) : model };
}

function selectionParts(selection: ModelSelection | undefined): { primary?: string; fallbacks?: string[] } {
  if (selection === undefined) return {};
  if (typeof selection === "string") return { primary: selection };
  const parts: { primary?: string; fallbacks?: string[] } = {};
  if (selection.primary !== undefined) parts.primary = selection.primary;
  if (selection.fallbacks !== undefined) parts.fallbacks = selection.fallbacks;
  return parts;
}

export interface ModelSettings {
  /** The primary as written in config (undefined when unset). */
  primaryRaw: string | undefined;
  primary: ModelRef;
  fallbacks: string[];
  imageRaw: string | undefined;
  image: ModelRef | undefined;
  imageFallbacks: string[];
  aliases: Record<string, string>;
  /** Keys of `agents.defaults.models`: the allowlist for `/model`, empty = all. */
  allowed: string[];
  defaultSource: "agent" | "defaults";
  fallbacksSource: "agent" | "defaults";
}

type AgentEntry = NonNullable<NonNullable<OpenClawConfig["agents"]>["list"]>[number];

function resolveList(list: readonly string[] | undefined, aliases: Record<string, string>): string[] {
  const out: string[] = [];
  for (const raw of list ?? []) {
    const ref = resolveModelRef(raw, aliases);
    const key = ref ? formatModelRef(ref) : raw;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

/** The models an agent runs with: its own selection over `agents.defaults` (spec §2.3). */
export function resolveModelSettings(config: OpenClawConfig, agent?: AgentEntry): ModelSettings {
  const defaults = config.agents?.defaults;
  const aliases = configuredAliases(config);
  const base = selectionParts(defaults?.model);
  const own = selectionParts(agent?.model);
  const primaryRaw = own.primary ?? base.primary;
  const primary = (primaryRaw && resolveModelRef(primaryRaw, aliases)) || resolveModelRef(DEFAULT_MODEL, {})!;
  const image = selectionParts(defaults?.imageModel);
  return {
    primaryRaw,
    primary,
    fallbacks: resolveList(own.fallbacks ?? base.fallbacks, aliases),
    imageRaw: image.primary,
    image: image.primary ? resolveModelRef(image.primary, aliases) : undefined,
    imageFallbacks: resolveList(image.fallbacks, aliases),
    aliases,
    allowed: Object.keys(defaults?.models ?? {}),
    defaultSource: own.primary !== undefined ? "agent" : "defaults",
    fallbacksSource: own.fallbacks !== undefined ? "agent" : "defaults",
  };
}

/** Providers the configured routes need credentials for (default, fallbacks, image models). */
export function providersInUse(settings: ModelSettings): string[] {
  const refs = [formatModelRef(settings.primary), ...settings.fallbacks, ...settings.imageFallbacks];
  if (settings.image) refs.push(formatModelRef(settings.image));
  const providers = new Set<string>();
  for (const ref of refs) {
    const parsed = resolveModelRef(ref, {});
    if (parsed && ref.includes("/")) providers.add(parsed.provider);
  }
  return [...providers];
}
