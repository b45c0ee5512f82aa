// The JSON Schema subset of json-schema-check.ts, compiled to closures for a
// check that runs on every gateway request (src/gateway/request-shape.ts).
// Same answers as matchesSchema: test/schema-sync.test.ts compares both with zod.
import { hasType, type JsonSchema } from "./json-schema-check.ts";

export type Check = (value: unknown) => boolean;

const ALWAYS: Check = () => true;

function typeCheck(type: NonNullable<JsonSchema["type"]>): Check {
  if (type === "string") return (value) => typeof value === "string";
  if (type === "object") return (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  if (typeof type === "string") return (value) => hasType(type, value);
  return (value) => type.some((one) => hasType(one, value));
}

/** The constant an object option requires its `type` field to hold, if it is that kind of option. */
function discriminator(option: JsonSchema): unknown {
  const tag = option.properties?.type?.const;
  return option.type === "object" && tag !== undefined && option.required?.includes("type") ? tag : undefined;
}

/**
 * anyOf. Options that are objects told apart by a constant `type` (text,
 * image, tool_use, …) are picked by that constant instead of tried in turn:
 * only the one whose constant matches can pass. The others are tried in order.
 */
function anyOfCheck(schema: JsonSchema): Check {
  const byTag = new Map<unknown, Check>();
  const rest: Check[] = [];
  for (const option of schema.anyOf ?? []) {
    const tag = discriminator(option);
    if (tag !== undefined && !byTag.has(tag)) byTag.set(tag, compile(option));
    else rest.push(compile(option));
  }
  return (value) => {
    if (byTag.size > 0 && value !== null && typeof value === "object" && Object.hasOwn(value, "type")) {
      const tagged = byTag.get((value as { type: unknown }).type);
      if (tagged !== undefined && tagged(value)) return true;
    }
    for (const option of rest) if (option(value)) return true;
    return false;
  };
}

function allOf(checks: readonly Check[]): Check {
  if (checks.length === 0) return ALWAYS;
  if (checks.length === 1) return checks[0]!;
  return (value) => {
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

function objectCheck(schema: JsonSchema): Check {
  const required = schema.required ?? [];
  const properties = new Map(Object.entries(schema.properties ?? {}).map(([key, child]) => [key, compile(child)]));
  const extra = schema.additionalProperties;
  const additional: Check | false = extra === false ? false : typeof extra === "object" ? compile(extra) : ALWAYS;
  return (value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return true;
    const record = value as Record<string, unknown>;
    for (const key of required) if (!Object.hasOwn(record, key)) return false;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const known = properties.get(key);
      if (known !== undefined) {
        if (!known(record[key])) return false;
      } else if (additional === false || (additional !== ALWAYS && !additional(record[key]))) {
        return false;
      }
    }
    return true;
  };
}

/**
 * One closure per schema node, each doing only what its node asks. Walking
 * the schema objects on every request (matchesSchema) cost more than
 * JSON.parse of the body: V8 sees many differently shaped schema nodes at the
 * same property reads. Compiling costs a few ms, so one-shot checks walk.
 */
function compile(schema: JsonSchema): Check {
  const checks: Check[] = [];
  if (schema.type !== undefined) checks.push(typeCheck(schema.type));
  if (schema.const !== undefined) {
    const expected = schema.const;
    checks.push((value) => value === expected);
  }
  if (schema.enum !== undefined) {
    const values = schema.enum;
    checks.push((value) => values.includes(value));
  }
  if (schema.anyOf !== undefined) checks.push(anyOfCheck(schema));
  if (schema.oneOf !== undefined) {
    const options = schema.oneOf.map(compile);
    checks.push((value) => options.filter((option) => option(value)).length === 1);
  }
  const { minLength, pattern } = schema;
  if (minLength !== undefined || pattern !== undefined) {
    const regex = pattern === undefined ? undefined : new RegExp(pattern);
    checks.push((value) => typeof value !== "string" || ((minLength === undefined || value.length >= minLength) && (regex === undefined || regex.test(value))));
  }
  const { minimum, maximum, exclusiveMinimum } = schema;
  if (minimum !== undefined || maximum !== undefined || exclusiveMinimum !== undefined) {
    checks.push(
      (value) =>
        typeof value !== "number" ||
        ((minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum) && (exclusiveMinimum === undefined || value > exclusiveMinimum)),
    );
  }
  if (schema.items !== undefined) {
    const item = compile(schema.items);
    checks.push((value) => {
      if (!Array.isArray(value)) return true;
      for (const element of value) if (!item(element)) return false;
      return true;
    });
  }
  if (schema.required !== undefined || schema.properties !== undefined || (schema.additionalProperties !== undefined && schema.additionalProperties !== true)) {
    checks.push(objectCheck(schema));
  }
  return allOf(checks);
}

/** The same yes/no as matchesSchema, for a schema checked on every request: compile once, call often. */
export function compileSchema(schema: JsonSchema): Check {
  return compile(schema);
}
