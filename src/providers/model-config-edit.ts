// Edits to the model part of openclaw.json (spec §3.3), on the document as
// written. `agents.defaults.model` may be a string or {primary, fallbacks};
// edits keep whichever parts the user had.
import type { ConfigDocument } from "../state/config.ts";
import { ownValue, setOwnValue } from "../state/own-keys.ts";

type Json = Record<string, unknown>;

// Own entries only: a missing "__proto__" entry would otherwise hand back Object.prototype to edit.
function child(parent: Json, key: string): Json {
  const existing = ownValue(parent, key);
  if (existing !== null && typeof existing === "object" && !Array.isArray(existing)) return existing as Json;
  const created: Json = {};
  setOwnValue<unknown>(parent, key, created);
  return created;
}

export function agentDefaults(doc: ConfigDocument): Json {
  return child(child(doc, "agents"), "defaults");
}

export type SelectionKey = "model" | "imageModel";

/** The selection as an object, converting the string form (`"p/m"` → `{primary: "p/m"}`). */
function selectionObject(doc: ConfigDocument, key: SelectionKey): Json {
  const defaults = agentDefaults(doc);
  const current = defaults[key];
  if (typeof current === "string") defaults[key] = { primary: current };
  return child(defaults, key);
}

export function setPrimary(doc: ConfigDocument, key: SelectionKey, modelKey: string): void {
  selectionObject(doc, key).primary = modelKey;
}

/** Reads a nested value without creating anything on the way. */
function peek(doc: ConfigDocument, ...keys: string[]): unknown {
  let current: unknown = doc;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Json)[key];
  }
  return current;
}

export function readFallbacks(doc: ConfigDocument, key: SelectionKey): string[] {
  const fallbacks = peek(doc, "agents", "defaults", key, "fallbacks");
  return Array.isArray(fallbacks) ? fallbacks.filter((f): f is string => typeof f === "string") : [];
}

export function setFallbacks(doc: ConfigDocument, key: SelectionKey, fallbacks: string[]): void {
  selectionObject(doc, key).fallbacks = fallbacks;
}

/** Makes sure `agents.defaults.models[modelKey]` exists (the allowlist and alias table). */
export function ensureModelEntry(doc: ConfigDocument, modelKey: string): Json {
  return child(child(agentDefaults(doc), "models"), modelKey);
}

export function modelEntries(doc: ConfigDocument): Record<string, Json> {
  const models = peek(doc, "agents", "defaults", "models");
  return models !== null && typeof models === "object" ? (models as Record<string, Json>) : {};
}

export function hasAllowlist(doc: ConfigDocument): boolean {
  return Object.keys(modelEntries(doc)).length > 0;
}
