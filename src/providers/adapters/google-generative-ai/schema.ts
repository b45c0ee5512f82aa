// Tool parameter and structured-output schemas for Gemini.
//
// Gemini takes a schema in two fields: `parameters` / `responseSchema`, an
// OpenAPI 3.0 subset (no $ref, $defs, additionalProperties, const, type
// arrays, …) into which a client's JSON Schema converts only lossily, and
// `parametersJsonSchema` / `responseJsonSchema`, plain JSON Schema ($ref,
// $defs, anyOf/oneOf, additionalProperties, nullable type arrays) on every
// model since Gemini 2.5. We send the JSON Schema fields: clients' schemas
// (MCP servers, zod, pydantic) arrive as JSON Schema and keep their meaning
// there. What is left to do is small: `$schema` is rejected even on the JSON
// Schema path ("Unknown name \"$schema\""), so it is removed wherever a schema
// can stand, but never as a property name inside `properties`.
import { setOwnValue } from "../../../state/own-keys.ts";

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Keywords whose value is one schema. */
const SCHEMA_KEYS = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYS = new Set(["anyOf", "oneOf", "allOf", "prefixItems", "items"]);
/** Keywords whose value maps names (which are data, not keywords) to schemas. */
const SCHEMA_MAP_KEYS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/** Keywords Gemini refuses and that carry nothing for the model. */
const DROPPED_KEYS = new Set(["$schema"]);

/** Past this depth a schema is passed on as it is (nobody writes one this deep; it only guards the recursion). */
const MAX_DEPTH = 64;

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The schema as Gemini's JSON Schema fields accept it; the input is not modified. */
export function geminiJsonSchema(schema: Json, depth = 0): Json {
  if (!isObject(schema) || depth > MAX_DEPTH) return schema; // true/false schemas, and anything odd, pass as they are
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYS.has(key)) continue;
    let converted: Json = value;
    if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) converted = value.map((item) => geminiJsonSchema(item, depth + 1));
    else if (SCHEMA_KEYS.has(key)) converted = geminiJsonSchema(value, depth + 1);
    else if (SCHEMA_MAP_KEYS.has(key) && isObject(value)) converted = schemaMap(value, depth + 1);
    setOwnValue(out, key, converted);
  }
  return out;
}

function schemaMap(map: JsonObject, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(map)) setOwnValue(out, name, geminiJsonSchema(schema, depth));
  return out;
}

/** Keywords of an argument-less object schema (`{type: "object", properties: {}}` and its usual decorations). */
const EMPTY_OBJECT_KEYS = new Set(["type", "properties", "required", "additionalProperties", "$schema", "title", "description"]);

/**
 * The tool's parameters for `parametersJsonSchema`, or undefined for a tool
 * that takes no arguments: a declaration without parameters is how Gemini
 * spells that (an OBJECT without properties was refused on the older
 * `parameters` field; leaving it out is safe on both).
 */
export function toolParameters(schema: Record<string, unknown> | undefined): JsonObject | undefined {
  if (!schema) return undefined;
  const properties = schema.properties;
  const noProperties = properties === undefined || (isObject(properties) && Object.keys(properties).length === 0);
  if (noProperties && Object.keys(schema).every((key) => EMPTY_OBJECT_KEYS.has(key))) return undefined;
  return geminiJsonSchema(schema) as JsonObject;
}
