// Building blocks shared by the two request schemas (openai-request-schema.ts,
// anthropic-request-schema.ts). They describe what the gateway and the
// translators read, loosely: unknown fields pass, so new API features still
// reach the upstream.
import * as z from "zod/mini";

/**
 * An optional field. null counts as absent, as the OpenAI SDK allows for most
 * fields and as the translators already treat it; the upstream decides whether
 * it minds.
 */
export function optional<T extends z.ZodMiniType>(schema: T) {
  return z.optional(z.nullable(schema));
}

export const str = z.string();
const num = z.number();
const bool = z.boolean();
export const optStr = optional(str);
export const optNum = optional(num);
export const optBool = optional(bool);

/**
 * A `type` that names none of the `known` kinds: the catch-all member of a
 * union of typed parts or blocks, so parts we do not read (input_audio,
 * thinking, server tool results, kinds yet to come) pass unchecked while a
 * known kind must have its fields right. Aborting, so zod explains a failure
 * by the member whose `type` matched rather than by this one.
 */
export function otherType(known: readonly string[]) {
  const pattern = new RegExp(`^(?!(?:${known.join("|")})$)`);
  return z.string().check(z.regex(pattern, { abort: true, message: `a type other than ${known.join(", ")}` }));
}
