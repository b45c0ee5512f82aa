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

/**
 * The fields of a Responses API request the gateway itself reads: the model and
 * the input's outline. Everything inside is the adapter's to check (it refuses
 * what it cannot use, naming the field).
 */
export function responsesRequestProblem(body: Record<string, unknown>): RequestProblem | undefined {
  if (body.model !== undefined && typeof body.model !== "string") return { message: "model: expected a string.", param: "model" };
  const input = body.input;
  if (input === undefined) return { message: "input: required (this gateway keeps no conversation state; send the whole conversation).", param: "input" };
  if (typeof input !== "string" && !Array.isArray(input)) return { message: "input: expected a string or a list of input items.", param: "input" };
  if (Array.isArray(input)) {
    const at = input.findIndex((item) => item === null || typeof item !== "object" || Array.isArray(item));
    if (at >= 0) return { message: `input[${at}]: expected an object.`, param: `input[${at}]` };
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean") return { message: "stream: expected a boolean.", param: "stream" };
  // Numbers the adapter reads: a wrong type must not be served as if it were absent.
  for (const name of ["max_output_tokens", "temperature", "top_p"]) {
    const value = body[name];
    if (value !== undefined && value !== null && (typeof value !== "number" || !Number.isFinite(value))) return { message: `${name}: expected a number.`, param: name };
  }
  if (nestsDeeperThan(body, MAX_NESTING)) return { message: `the request nests deeper than ${MAX_NESTING} levels.`, param: null };
  return undefined;
}

/** A 400 in the caller's format; OpenAI's `param` names the field. */
export function sendMalformedRequest(res: ServerResponse, format: ApiFormat, problem: RequestProblem): void {
  sendJson(res, 400, errorBody(format, 400, problem.message, undefined, problem.param));
}

export async function refuseMalformedRequest(res: ServerResponse, format: ApiFormat, body: Record<string, unknown>): Promise<{ status: 400 }> {
  sendMalformedRequest(res, format, await explainMalformedRequest(format, body));
  return { status: 400 };
}
