// In-process companion of test/e2e/gateway-fuzz.test.ts, many more bodies per
// second: on every mutated request, both quick checks and zod agree; what they
// accept, the client's adapter parses and every upstream adapter builds without
// throwing (a HubProblem, the 400 naming a field, is fine; a throw would be a
// 500), into a body that serializes; what they refuse is explained by field,
// without quoting the body.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { matchesSchema } from "../src/state/json-schema-check.ts";
import { compileSchema } from "../src/state/json-schema-compile.ts";
import { ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA, OPENAI_CHAT_REQUEST_JSON_SCHEMA } from "../src/generated/schemas.ts";
import { OpenAIChatRequestSchema } from "../src/gateway/openai-request-schema.ts";
import { AnthropicMessagesRequestSchema } from "../src/gateway/anthropic-request-schema.ts";
import { isWellFormedRequest } from "../src/gateway/request-shape.ts";
import { explainMalformedRequest } from "../src/gateway/request-problem.ts";
import { ADAPTERS, type WireApi } from "../src/providers/adapters/index.ts";
import { isProblem } from "../src/providers/adapters/hub.ts";
import { MARKER, applyMutations, mutatedBody, type Route } from "./helpers/request-fuzz.ts";

const RUNS = 3 * Number(process.env.OPENCLAW_FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.OPENCLAW_FUZZ_SEED ?? 20_261_125);

const JSON_SCHEMAS = { openai: OPENAI_CHAT_REQUEST_JSON_SCHEMA, anthropic: ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA };
const COMPILED = { openai: compileSchema(OPENAI_CHAT_REQUEST_JSON_SCHEMA), anthropic: compileSchema(ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA) };

const CLIENT_API: Readonly<Record<Route, WireApi>> = { openai: "openai-completions", anthropic: "anthropic-messages" };
const UPSTREAMS = Object.values(ADAPTERS).map((adapter) => adapter.upstream);

const cases = fc.constantFrom<Route>("openai", "anthropic").chain((route) => mutatedBody(route).map(({ base, mutations }) => ({ route, base, mutations })));

test(`schemas agree, adapters never throw on what they accept, refusals name a field (${RUNS} runs, seed ${SEED})`, async () => {
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(cases, async ({ route, base, mutations }) => {
      const body = applyMutations({ ...(base as object), model: "provider/model" }, mutations) as Record<string, unknown>;
      const quick = matchesSchema(JSON_SCHEMAS[route], body);
      const zod = (route === "openai" ? OpenAIChatRequestSchema : AnthropicMessagesRequestSchema).safeParse(body).success;
      assert.equal(quick, zod, "matchesSchema and zod disagree");
      assert.equal(COMPILED[route](body), zod, "the compiled check and zod disagree");
      if (mutations.length === 0) assert.ok(quick, "a valid body was refused");
      if (isWellFormedRequest(route, body)) {
        accepted++;
        const hub = ADAPTERS[CLIENT_API[route]].client!.parseRequest(body);
        if (isProblem(hub)) assert.equal(typeof hub.problem, "string");
        else for (const upstream of UPSTREAMS) JSON.stringify(upstream.buildRequest(hub, "model"));
        JSON.stringify({ ...body, model: "model" });
      } else {
        refused++;
        const problem = await explainMalformedRequest(route, body);
        assert.ok(problem.param, `no field named: ${problem.message}`);
        assert.match(problem.message, /: expected .+, got |nest more than/);
        assert.ok(!problem.message.includes(MARKER), "the explanation quoted the body");
      }
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  );
  assert.ok(accepted > RUNS / 10 && refused > RUNS / 10, `accepted ${accepted}, refused ${refused}`);
});
