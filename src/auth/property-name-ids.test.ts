// Issue 6: ids that are JavaScript property names (`constructor`, `__proto__`,
// `toString`, `hasOwnProperty`, `valueOf`) are ordinary ids in every table and
// record keyed by what users (or upstreams) write. One test per lookup audited.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyAuthProfileConfig, removeAuthProfileConfig } from "./config-metadata.ts";
import { listEnvCredentials, providerEnvVars, resolveEnvCredential } from "./env-keys.ts";
import { normalizeProviderId } from "./provider-id.ts";
import { ensureModelEntry } from "../providers/model-config-edit.ts";
import { BUILTIN_ALIASES, configuredAliases, resolveModelRef } from "../providers/model-ref.ts";
import { knownProviderIds, resolveProvider } from "../providers/registry.ts";
import { anthropicStop, hubStopReason } from "../providers/adapters/anthropic-messages/response.ts";
import { finishReason, hubStop } from "../providers/adapters/openai-completions/response.ts";
import { EnvChain, configEnvValues } from "../state/env-chain.ts";

const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

test("provider ids: normalising never answers with one of Object's members", () => {
  for (const name of NAMES) assert.equal(normalizeProviderId(name), name.toLowerCase());
  assert.equal(normalizeProviderId("Qwen"), "qwen-portal", "the real aliases still apply");
});

test("env variables of a provider named like a property: the generic <P>_API_KEY, no TypeError", () => {
  const env = new EnvChain({ CONSTRUCTOR_API_KEY: "k1", _PROTO__API_KEY: "k2" });
  assert.deepEqual(providerEnvVars("constructor"), ["CONSTRUCTOR_API_KEY"]);
  assert.equal(resolveEnvCredential("constructor", env)?.value, "k1");
  assert.deepEqual(listEnvCredentials("__proto__", env).map((c) => c.value), ["k2"]);
  assert.deepEqual(providerEnvVars("anthropic"), ["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"]);
});

test("the provider registry knows no provider named like a property unless one is configured", () => {
  for (const name of NAMES) assert.equal(resolveProvider({}, name), undefined, name);
  const config = { models: { providers: { constructor: { baseUrl: "http://127.0.0.1:9/v1" } } } };
  assert.deepEqual(resolveProvider(config, "constructor"), { id: "constructor", api: "openai-completions", baseUrl: "http://127.0.0.1:9/v1", headers: {}, configApiKey: undefined });
  assert.ok(knownProviderIds(config).includes("constructor"));
});

test("model references and aliases: property names are model ids and alias names, not built-in aliases", () => {
  for (const name of NAMES) {
    assert.equal(Object.hasOwn(BUILTIN_ALIASES, name) || name in BUILTIN_ALIASES, false, name);
    assert.deepEqual(resolveModelRef(name, {}), { provider: "anthropic", model: name });
    assert.deepEqual(resolveModelRef(`${name}/x`, {}), { provider: name.toLowerCase(), model: "x" });
  }
  const aliases = configuredAliases({ agents: { defaults: { models: { "openai/gpt-5": { alias: "__proto__" }, "openai/gpt-4.1": { alias: "constructor" } } } } });
  assert.deepEqual(Object.entries(aliases), [
    ["__proto__", "openai/gpt-5"],
    ["constructor", "openai/gpt-4.1"],
  ]);
  assert.deepEqual(resolveModelRef("__proto__", aliases), { provider: "openai", model: "gpt-5" });
});

test("stop reasons from an upstream that are property names map to the defaults", () => {
  // An Anthropic stop_reason read into the hub, written as an OpenAI finish_reason, and the other way round.
  const openAIFinishFor = (stopReason: string) => finishReason(hubStopReason(stopReason));
  const anthropicStopFor = (finish: string) => anthropicStop(hubStop(finish, false, undefined).stopReason, undefined, false).stop_reason;
  for (const name of NAMES) {
    assert.equal(hubStopReason(name), "end", name);
    assert.equal(hubStop(name, false, undefined).stopReason, "end", name);
    assert.equal(openAIFinishFor(name), "stop", name);
    assert.equal(anthropicStopFor(name), "end_turn", name);
    assert.equal(finishReason(name as never), "stop", name);
    assert.equal(anthropicStop(name as never, undefined, false).stop_reason, "end_turn", name);
  }
  assert.equal(openAIFinishFor("max_tokens"), "length");
  assert.equal(anthropicStopFor("tool_calls"), "tool_use");
});

test("env chain: a variable named like a property is unset unless a layer has it", () => {
  const chain = new EnvChain({});
  chain.addLayer({ origin: "dotenv", label: ".env", values: { A: "a" } });
  for (const name of NAMES) assert.equal(chain.get(name), undefined, name);
  const fromConfig = configEnvValues(JSON.parse('{"constructor": "c", "vars": {"__proto__": "p", "toString": "t"}}'));
  assert.deepEqual(Object.entries(fromConfig), [
    ["constructor", "c"],
    ["__proto__", "p"],
    ["toString", "t"],
  ]);
});

test("config edits: metadata and model entries under property names are entries, never Object.prototype", () => {
  const doc: Record<string, unknown> = {};
  applyAuthProfileConfig(doc, { profileId: "__proto__", provider: "openai", mode: "api_key" });
  const profiles = (doc.auth as { profiles: object }).profiles;
  assert.deepEqual(Object.getOwnPropertyDescriptor(profiles, "__proto__")?.value, { provider: "openai", mode: "api_key" });
  removeAuthProfileConfig(doc, "__proto__");
  assert.deepEqual(doc, {});
  const withModels: Record<string, unknown> = {};
  ensureModelEntry(withModels, "__proto__").alias = "x";
  const models = ((withModels.agents as { defaults: { models: object } }).defaults.models);
  assert.deepEqual(Object.keys(models), ["__proto__"]);
  assert.equal(({} as { alias?: string }).alias, undefined, "Object.prototype was not touched");
});
