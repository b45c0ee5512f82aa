// openclaw.json: JSON5 in, `${VAR}` substituted, validated by one schema
// (spec §2.1). Writes patch the document as written (so `${VAR}` references,
// not their secret values, go back to disk), lock, and replace the file
// atomically keeping five backups (config-backups.ts).
import { readFile } from "node:fs/promises";
import { FileFormatError } from "./errors.ts";
import { JsonContentError, parseJson5Text, TextParseError } from "./json-text.ts";
import { hiddenCharactersProblem } from "./hidden-characters.ts";
import { setOwnValue } from "./own-keys.ts";
import { readTextIfExists, verifyJson } from "./safe-file.ts";
import { replaceKeepingBackups } from "./config-backups.ts";
import { withFileLock } from "./file-lock.ts";
import type { OpenClawConfig } from "./config-schema.ts";
import type { StateEra } from "./paths.ts";
import { formatKeyPath } from "./schema-errors.ts";
import { matchesSchema } from "./json-schema-check.ts";
import { CONFIG_JSON_SCHEMA } from "../generated/schemas.ts";
import { VERSION } from "../version.ts";

export type ConfigDocument = Record<string, unknown>;

export interface ConfigFile {
  path: string;
  exists: boolean;
  /** The document as written, `${VAR}` references unresolved. */
  document: ConfigDocument;
}

const FIX_HINT = "Fix the file by hand; openclaw did not change it.";
const BACKUP_COUNT = 5;

export async function readConfigFile(path: string): Promise<ConfigFile> {
  const text = await readTextIfExists(path);
  if (text === undefined) return { path, exists: false, document: {} };
  let doc: unknown;
  try {
    doc = await parseJson5Text(text);
  } catch (error) {
    if (error instanceof JsonContentError) throw new FileFormatError(path, `Invalid config at ${path}: ${error.message}.`, FIX_HINT);
    const reason = error instanceof TextParseError ? error.message : String(error);
    throw new FileFormatError(path, `Cannot read config ${path}: ${reason}.`, FIX_HINT);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new FileFormatError(path, `Invalid config at ${path}: expected an object at the top level.`, FIX_HINT);
  }
  if ("$include" in doc) {
    throw new FileFormatError(path, `Invalid config at ${path}: $include is not supported by this openclaw; inline the included file.`, FIX_HINT);
  }
  return { path, exists: true, document: doc as ConfigDocument };
}

const ENV_REF = /\$(\$?)\{([A-Z_][A-Z0-9_]*)\}/g;

/** Replaces `${VAR}` in every string value; `$${VAR}` stays literal `${VAR}`. Missing or empty is an error. */
export function substituteEnvRefs(document: ConfigDocument, lookup: (name: string) => string | undefined, path: string): ConfigDocument {
  const visit = (value: unknown, keyPath: PropertyKey[]): unknown => {
    if (typeof value === "string") {
      if (!value.includes("${")) return value;
      return value.replace(ENV_REF, (_match, escaped: string, name: string) => {
        if (escaped) return `\${${name}}`;
        const resolved = lookup(name);
        if (resolved === undefined || resolved === "") {
          throw new FileFormatError(
            path,
            `Missing env var "${name}" referenced at ${formatKeyPath(keyPath)} in ${path}.`,
            `Set ${name} in the environment or in ~/.openclaw/.env.`,
          );
        }
        return resolved;
      });
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...keyPath, index]));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setOwnValue(out, key, visit(item, [...keyPath, key]));
      return out;
    }
    return value;
  };
  return visit(document, []) as ConfigDocument;
}

/** Checks the substituted document; zod (loaded only then) explains what is wrong. */
export async function validateConfig(document: ConfigDocument, path: string): Promise<OpenClawConfig> {
  if (!matchesSchema(CONFIG_JSON_SCHEMA, document)) {
    const [{ ConfigSchema }, { formatIssues }] = await Promise.all([import("./config-schema.ts"), import("./schema-errors.ts")]);
    const result = ConfigSchema.safeParse(document);
    if (!result.success) {
      const problems = formatIssues(result.error.issues, document, 3).join("; ");
      throw new FileFormatError(path, `Invalid config at ${path}: ${problems}.`, FIX_HINT);
    }
    // Otherwise the document itself, not zod's copy: zod leaves out a `__proto__` key, an id like any other.
  }
  const config = document as OpenClawConfig;
  const hiddenId = hiddenCharacterIdInAuth(config);
  if (hiddenId) throw new FileFormatError(path, `Invalid config at ${path}: ${hiddenId}.`, FIX_HINT);
  return config;
}

/** Profile ids in `auth.profiles` and `auth.order` must read as what they are (see hidden-characters.ts). */
function hiddenCharacterIdInAuth(config: OpenClawConfig): string | undefined {
  for (const id of Object.keys(config.auth?.profiles ?? {})) {
    const problem = hiddenCharactersProblem(id, "auth.profiles");
    if (problem) return problem;
  }
  for (const [provider, ids] of Object.entries(config.auth?.order ?? {})) {
    for (const id of ids) {
      const problem = hiddenCharactersProblem(id, `auth.order.${provider}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Where a config write goes and how: a StateContext is one. */
export interface ConfigTarget {
  configPath: string;
  /** OpenClaw 2026.9 rejects `meta.lastTouchedAt` (it keeps that in its database), so its configs get no meta stamp. */
  era: StateEra;
  env: { lookup: (name: string) => string | undefined };
}

export interface ConfigUpdate {
  changed: boolean;
  config: OpenClawConfig;
}

/**
 * Applies `mutate` to the document on disk under the config lock. Writes only
 * if something changed, only if the result validates, and keeps five backups.
 */
export async function updateConfigFile(target: ConfigTarget, mutate: (document: ConfigDocument) => void): Promise<ConfigUpdate> {
  const { configPath: path, era } = target;
  const lookup = target.env.lookup;
  return withFileLock(path, async () => {
    const current = await readConfigFile(path);
    const next = structuredClone(current.document);
    mutate(next);
    if (current.exists && JSON.stringify(next) === JSON.stringify(current.document)) {
      return { changed: false, config: await validateConfig(substituteEnvRefs(next, lookup, path), path) };
    }
    const config = await validateConfig(substituteEnvRefs(next, lookup, path), path);
    if (era === "json") {
      const meta = next.meta !== null && typeof next.meta === "object" ? (next.meta as Record<string, unknown>) : {};
      next.meta = { ...meta, lastTouchedVersion: VERSION, lastTouchedAt: new Date().toISOString() };
    }
    // The backup is the file's bytes as they are, not a re-serialization of what we parsed.
    const original = current.exists ? await readFile(path) : undefined;
    await replaceKeepingBackups(path, JSON.stringify(next, null, 2) + "\n", original, {
      count: BACKUP_COUNT,
      verify: verifyJson,
      verifyBackup: parseJson5Text,
    });
    return { changed: true, config };
  });
}
