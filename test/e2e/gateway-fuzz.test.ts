// Property: whatever a client sends, the gateway answers below 500 ("500 means
// a bug in us", DESIGN §4.3), errors come in the caller's format without
// quoting the body, valid bodies are served, and the gateway stays up. One real
// gateway, both fake upstreams (well-behaved: any 5xx found here is ours),
// both routes, each to a same-API and a translating target.
//
// The seed is fixed and the count bounded so CI is repeatable; for a longer
// hunt: OPENCLAW_FUZZ_RUNS=5000 [OPENCLAW_FUZZ_SEED=n] node scripts/run-tests.mjs gateway-fuzz
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertNoSecrets } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, type GatewayWorld } from "../helpers/gateway.ts";
import { MARKER, applyMutations, mutatedBody, type Json, type Route } from "../helpers/request-fuzz.ts";

const RUNS = Number(process.env.OPENCLAW_FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.OPENCLAW_FUZZ_SEED ?? 20_261_125);

const ANTHROPIC_KEY = "sk-ant-api03-" + "F".repeat(90);
const OPENAI_KEY = "sk-proj-" + "F".repeat(60);
const OPENROUTER_KEY = "sk-or-v1-" + "F".repeat(64);

interface Target {
  route: Route;
  model: string;
}

const TARGETS: Target[] = [
  { route: "openai", model: "openai/gpt-5.2" },
  { route: "openai", model: "anthropic/claude-opus-4-6" },
  { route: "anthropic", model: "anthropic/claude-opus-4-6" },
  { route: "anthropic", model: "openai/gpt-5.2" },
  // An OpenAI-compatible provider other than OpenAI: max_tokens is renamed on the way.
  { route: "anthropic", model: "openrouter/some/model" },
];

let world: GatewayWorld;

before(async () => {
  world = await startWorld({
    store: {
      version: 1,
      profiles: {
        "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY),
        "openai:default": apiKeyProfile("openai", OPENAI_KEY),
        "openrouter:default": apiKeyProfile("openrouter", OPENROUTER_KEY),
      },
    },
  });
});

after(async () => {
  const output = await world.close();
  assertNoSecrets([output.stdout, output.stderr], [ANTHROPIC_KEY, OPENAI_KEY, OPENROUTER_KEY, GATEWAY_TOKEN]);
});

async function send(route: Route, body: Json): Promise<{ status: number; text: string }> {
  const response = await fetch(`${world.gateway.url}${route === "openai" ? "/v1/chat/completions" : "/v1/messages"}`, {
    method: "POST",
    headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json", ...(route === "anthropic" ? { "anthropic-version": "2023-06-01" } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

function inCallersFormat(route: Route, text: string): boolean {
  try {
    const body = JSON.parse(text);
    if (route === "openai") return typeof body.error?.message === "string" && typeof body.error?.type === "string";
    return body.type === "error" && typeof body.error?.type === "string" && typeof body.error?.message === "string";
  } catch {
    return false;
  }
}

/** The 400 of a request another API cannot honour as asked (candidate-fit.ts). */
function refusedAcrossApis(route: Route, text: string): boolean {
  try {
    const error = JSON.parse(text).error;
    return typeof error?.message === "string" && error.message.includes("is served through") && (route !== "openai" || typeof error.param === "string");
  } catch {
    return false;
  }
}

const cases = fc.constantFrom(...TARGETS).chain((target) => mutatedBody(target.route).map(({ base, mutations }) => ({ target, base, mutations })));

test(`no mutated request gets a 5xx (${RUNS} runs, seed ${SEED})`, { timeout: 600_000 }, async () => {
  let refused = 0;
  let served = 0;
  await fc.assert(
    fc.asyncProperty(cases, async ({ target, base, mutations }) => {
      const body = applyMutations({ ...(base as object), model: target.model }, mutations);
      const { status, text } = await send(target.route, body);
      const shown = `${target.route} → ${target.model}: ${status} ${text.slice(0, 400)}\nbody: ${JSON.stringify(body).slice(0, 1500)}`;
      assert.ok(status < 500, shown);
      // A valid body is served, or (to a provider of another API) refused with a 400 that says it
      // cannot be honoured there and names the field: never silently served as something else.
      if (mutations.length === 0 && !(status === 400 && refusedAcrossApis(target.route, text))) assert.equal(status, 200, `a valid body was not served: ${shown}`);
      if (status >= 400) {
        assert.ok(inCallersFormat(target.route, text), `an error not in the caller's format: ${shown}`);
        assert.ok(!text.includes(MARKER), `an error quoted the body: ${shown}`);
        refused++;
      } else served++;
    }),
    // The report shows the shrunk counterexample and, with includeErrorInReport, the mutated body and the answer.
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  );
  // Both outcomes must be common, or the generators have drifted and the property proves little.
  assert.ok(refused > RUNS / 10 && served > RUNS / 10, `refused ${refused}, served ${served}`);
  const health = await fetch(`${world.gateway.url}/health`);
  assert.equal(health.status, 200);
  await health.text();
  assert.doesNotMatch(world.gateway.output().stdout + world.gateway.output().stderr, /internal error/);
});
