// The shape of a chat request, checked at the edge before anything reads it
// (DESIGN §4.3: 500 means a bug in us, so a malformed body must be a 400).
// The hot path is the zod-free check against the JSON Schemas generated from
// the zod request schemas, compiled on first use; zod is loaded only to
// explain a refused body.
import type { ServerResponse } from "node:http";
import { compileSchema, type Check } from "../state/json-schema-compile.ts";
import { ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA, OPENAI_CHAT_REQUEST_JSON_SCHEMA } from "../generated/schemas.ts";
import { errorBody, sendJson, type ApiFormat } from "./api-errors.ts";
import { MAX_NESTING, nestsDeeperThan } from "./request-nesting.ts";
import { explainMalformedRequest, type RequestProblem } from "./request-problem.ts";

let checks: Record<ApiFormat, Check> | undefined;

/** True when every field the gateway and the translators read has the type they expect. */
export function isWellFormedRequest(format: ApiFormat, body: Record<string, unknown>): boolean {
  checks ??= { openai: compileSchema(OPENAI_CHAT_REQUEST_JSON_SCHEMA), anthropic: compileSchema(ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA) };
  return checks[format](body) && !nestsDeeperThan(body, MAX_NESTING);
}

/** A 400 in the caller's format; OpenAI's `param` names the field. */
export function sendMalformedRequest(res: ServerResponse, format: ApiFormat, problem: RequestProblem): void {
  sendJson(res, 400, errorBody(format, 400, problem.message, undefined, problem.param));
}

export async function refuseMalformedRequest(res: ServerResponse, format: ApiFormat, body: Record<string, unknown>): Promise<{ status: 400 }> {
  sendMalformedRequest(res, format, await explainMalformedRequest(format, body));
  return { status: 400 };
}
