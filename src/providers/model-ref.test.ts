import { test } from "node:test";
import assert from "node:assert/strict";
import { configuredAliases, providersInUse, resolveModelRef, resolveModelSettings, splitProfileSuffix } from "./model-ref.ts";

test("references split at the first slash and normalise the provider", () => {
  assert.deepEqual(resolveModelRef("anthropic/claude-opus-4-6", {}), { provider: "anthropic", model: "claude-opus-4-6" });
  assert.deepEqual(resolveModelRef("OpenRouter/anthropic/claude-sonnet-4.6", {}), { provider: "openrouter", model: "anthropic/claude-sonnet-4.6" });
  assert.deepEqual(resolveModelRef("Z.AI/glm-5", {}), { provider: "zai", model: "glm-5" });
  assert.equal(resolveModelRef("  ", {}), undefined);
  assert.equal(resolveModelRef("anthropic/", {}), undefined);
});

test("bare names are aliases (configured first, then built-in), else models of the default provider", () => {
  assert.deepEqual(resolveModelRef("Fast", { fast: "openai/gpt-5-mini" }), { provider: "openai", model: "gpt-5-mini" });
  assert.deepEqual(resolveModelRef("opus", {}), { provider: "anthropic", model: "claude-opus-4-6" });
  assert.deepEqual(resolveModelRef("opus-4.5", {}), { provider: "anthropic", model: "claude-opus-4-5" });
  assert.deepEqual(resolveModelRef("claude-haiku-4-5", {}), { provider: "anthropic", model: "claude-haiku-4-5" });
});

test("a trailing @profile pins a credential only when it follows the last slash", () => {
  assert.deepEqual(splitProfileSuffix("anthropic/claude-opus-4-6@anthropic:work"), { ref: "anthropic/claude-opus-4-6", profileId: "anthropic:work" });
  assert.deepEqual(splitProfileSuffix("opus@anthropic:work"), { ref: "opus", profileId: "anthropic:work" });
  assert.deepEqual(splitProfileSuffix("openrouter/some@vendor/model"), { ref: "openrouter/some@vendor/model" });
  assert.deepEqual(splitProfileSuffix("anthropic/claude@"), { ref: "anthropic/claude@" });
});

test("built-in aliases name configured entries that have none; explicit aliases win", () => {
  const config = { agents: { defaults: { models: { "anthropic/claude-opus-4-6": {}, "openai/gpt-5.2": { alias: "main" }, "x/y": {} } } } };
  assert.deepEqual(configuredAliases(config), { opus: "anthropic/claude-opus-4-6", main: "openai/gpt-5.2" });
});

test("model settings: agent selection over defaults, fallbacks resolved through aliases, providers in use", () => {
  const config = {
    agents: {
      defaults: {
        model: { primary: "opus", fallbacks: ["fast", "openrouter/openrouter/auto", "fast"] },
        imageModel: { primary: "google/gemini-3-pro-preview" },
        models: { "openai/gpt-5-mini": { alias: "fast" } },
      },
      list: [{ id: "work", model: "openai/gpt-5.2" }],
    },
  };
  const defaults = resolveModelSettings(config);
  assert.equal(defaults.primaryRaw, "opus");
  assert.deepEqual(defaults.primary, { provider: "anthropic", model: "claude-opus-4-6" });
  assert.deepEqual(defaults.fallbacks, ["openai/gpt-5-mini", "openrouter/openrouter/auto"]);
  assert.deepEqual(providersInUse(defaults).sort(), ["anthropic", "google", "openai", "openrouter"]);
  const work = resolveModelSettings(config, config.agents.list[0]);
  assert.deepEqual(work.primary, { provider: "openai", model: "gpt-5.2" });
  assert.equal(work.defaultSource, "agent");
  assert.equal(work.fallbacksSource, "defaults");
  assert.deepEqual(resolveModelSettings({}).primary, { provider: "anthropic", model: "claude-opus-4-6" });
});
