// The shape of a chat request, checked at the edge before anything reads it
// (DESIGN §4.3: 500 means a bug in us, so a malformed body must be a 400).
// The hot path is the zod-free check against the JSON Schemas generated from
// the zod request schemas; zod is loaded only to explain a refused body.
import type { ServerResponse } from "node:http";
import { matchesSchema, type JsonSchema } from "../state/json-schema-check.ts";
import { ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA, OPENAI_CHAT_REQUEST_JSON_SCHEMA } from "../generated/schemas.ts";
import { errorBody, sendJson, type ApiFormat } from "./api-errors.ts";
import { MAX_NESTING, nestsDeeperThan } from "./request-nesting.ts";
import { explainMalformedRequest, type RequestProblem } from "./request-problem.ts";

const SCHEMAS: Record<ApiFormat, JsonSchema> = { openai: OPENAI_CHAT_REQUEST_JSON_SCHEMA, anthropic: ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA };

/** True when every field the gateway and the translators read has the type they expect. */
export function isWellFormedRequest(format: ApiFormat, body: Record<string, unknown>): boolean {
  return matchesSchema(SCHEMAS[format], body) && !nestsDeeperThan(body, MAX_NESTING);
}

/** A 400 in the caller's format; OpenAI's `param` names the field, as OpenAI's own errors do. */
export function sendMalformedRequest(res: ServerResponse, format: ApiFormat, problem: RequestProblem): void {
  const body = errorBody(format, 400, problem.message) as { error: { param?: string | null } };
  if (format === "openai") body.error.param = problem.param;
  sendJson(res, 400, body);
}

export async function refuseMalformedRequest(res: ServerResponse, format: ApiFormat, body: Record<string, unknown>): Promise<{ status: 400 }> {
  sendMalformedRequest(res, format, await explainMalformedRequest(format, body));
  return { status: 400 };
}
