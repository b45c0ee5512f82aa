// A yes/no check of a value against the small JSON Schema subset that zod emits
// for our schemas (src/generated/schemas.ts). It lets the hot path accept a
// valid file without loading zod; zod is still what explains a failure. Tests
// compare the two on valid and broken documents, so they cannot drift apart.

export type JsonType = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

export interface JsonSchema {
  /** One type, or several (zod writes a nullable string as ["string", "null"]). */
  type?: JsonType | readonly JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  minLength?: number;
  /** An ECMAScript regular expression, unanchored as in JSON Schema. */
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** The keywords `matchesSchema` understands; the generator refuses any other. */
export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "enum",
  "const",
  "anyOf",
  "oneOf",
  "minLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
]);

export function hasType(type: JsonType, value: unknown): boolean {
  switch (type) {
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
  }
}

function hasAnyType(type: NonNullable<JsonSchema["type"]>, value: unknown): boolean {
  return typeof type === "string" ? hasType(type, value) : type.some((one) => hasType(one, value));
}

/** Compiled once per pattern. */
const patterns = new Map<string, RegExp>();

function matchesPattern(pattern: string, value: string): boolean {
  let regex = patterns.get(pattern);
  if (!regex) patterns.set(pattern, (regex = new RegExp(pattern)));
  return regex.test(value);
}

/**
 * Walks the schema itself: cheapest for a value checked once (a config or a
 * store at start-up). Checked again and again, a compiled schema
 * (json-schema-compile.ts) is faster.
 */
export function matchesSchema(schema: JsonSchema, value: unknown): boolean {
  if (schema.type !== undefined && !hasAnyType(schema.type, value)) return false;
  if (schema.const !== undefined && value !== schema.const) return false;
  if (schema.enum !== undefined && !schema.enum.includes(value)) return false;
  if (schema.anyOf !== undefined && !schema.anyOf.some((option) => matchesSchema(option, value))) return false;
  if (schema.oneOf !== undefined && schema.oneOf.filter((option) => matchesSchema(option, value)).length !== 1) return false;
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) return false;
    if (schema.pattern !== undefined && !matchesPattern(schema.pattern, value)) return false;
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const item of value) if (!matchesSchema(schema.items, item)) return false;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!Object.hasOwn(record, key)) return false;
    const properties = schema.properties ?? {};
    for (const key of Object.keys(record)) {
      const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (known !== undefined) {
        if (!matchesSchema(known, record[key])) return false;
      } else if (schema.additionalProperties === false) {
        return false;
      } else if (typeof schema.additionalProperties === "object" && !matchesSchema(schema.additionalProperties, record[key])) {
        return false;
      }
    }
  }
  return true;
}
