// The tables derived from the descriptors agree with them, and the descriptors
// agree with each other: adding a provider is one file, and this test says
// when that file contradicts another or a derived table lost track of it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PROVIDER_DESCRIPTORS, descriptorFor } from "./index.ts";
import { ENV_KEY_PROVIDERS, ENV_PROBED_PROVIDERS, SHELL_ENV_IMPORTED_KEYS, envPrefix, listEnvCredentials, providerEnvVars, resolveEnvCredential } from "../../auth/env-keys.ts";
import { normalizeProviderId } from "../../auth/provider-id.ts";
import { redactSecrets } from "../../auth/redact.ts";
import { bypassesCooldown } from "../../auth/usage.ts";
import { buildCatalog } from "../catalog.ts";
import { BUILTIN_ALIASES, resolveModelRef } from "../model-ref.ts";
import { knownProviderIds, resolveProvider } from "../registry.ts";
import { knownProviders } from "../../cli/commands/auth/provider-spelling.ts";
import { apiKeyProblem } from "../../cli/commands/auth/paste-api-key.ts";
import { tokenProblem } from "../../cli/commands/auth/paste-token.ts";
import { EnvChain } from "../../state/env-chain.ts";

const NO_CONFIG = {};
const ids = PROVIDER_DESCRIPTORS.map((d) => d.id);

test("ids are unique and already normalized; descriptorFor finds each", () => {
  assert.equal(new Set(ids).size, ids.length);
  for (const d of PROVIDER_DESCRIPTORS) {
    assert.equal(normalizeProviderId(d.id), d.id, d.id);
    assert.match(d.id, /^[a-z0-9][a-z0-9._-]*$/);
    assert.equal(descriptorFor(d.id), d);
  }
  assert.equal(descriptorFor("constructor"), undefined);
  assert.equal(descriptorFor("__proto__"), undefined);
});

test("every alias normalizes to its provider, and no two descriptors claim one spelling", () => {
  const claimed = new Map<string, string>(ids.map((id) => [id, id]));
  for (const d of PROVIDER_DESCRIPTORS) {
    for (const alias of d.aliases) {
      assert.equal(alias, alias.trim().toLowerCase(), `${d.id}: aliases are written normalized`);
      assert.equal(claimed.get(alias), undefined, `${alias} is claimed by ${claimed.get(alias)} and ${d.id}`);
      claimed.set(alias, d.id);
      assert.equal(normalizeProviderId(alias), d.id);
      assert.equal(normalizeProviderId(` ${alias.toUpperCase()} `), d.id);
    }
  }
});

test("env keys: each descriptor's variables resolve to its provider, in its order, and are imported from the login shell", () => {
  assert.deepEqual([...ENV_KEY_PROVIDERS], ids);
  assert.deepEqual([...ENV_PROBED_PROVIDERS], PROVIDER_DESCRIPTORS.filter((d) => d.statusChecksEnv).map((d) => d.id));
  for (const d of PROVIDER_DESCRIPTORS) {
    assert.deepEqual(providerEnvVars(d.id), d.envKeys, d.id);
    for (const alias of d.aliases) assert.deepEqual(providerEnvVars(alias), d.envKeys, alias);
    if (d.envPrefix) assert.equal(envPrefix(d.id), d.envPrefix);
    for (const [i, name] of d.envKeys.entries()) {
      assert.ok(SHELL_ENV_IMPORTED_KEYS.includes(name), `${name} is imported from the login shell`);
      const found = resolveEnvCredential(d.id, new EnvChain({ [name]: ` key-${i} ` }));
      assert.equal(found?.name, name, `${d.id} reads ${name}`);
      assert.equal(found?.value, `key-${i}`);
      assert.equal(found?.mode, name.includes("OAUTH_TOKEN") ? "oauth" : "api_key");
      // An earlier variable wins over a later one.
      if (i > 0) assert.equal(resolveEnvCredential(d.id, new EnvChain({ [name]: "later", [d.envKeys[0]!]: "first" }))?.name, d.envKeys[0]);
    }
    for (const name of d.envFallbackKeys ?? []) {
      assert.deepEqual(listEnvCredentials(d.id, new EnvChain({ [name]: "fallback" })).map((c) => c.name), [name], `${d.id} falls back to ${name}`);
      assert.ok(!SHELL_ENV_IMPORTED_KEYS.includes(name), `${name} is a fallback only`);
    }
    for (const name of d.envKeyLists ?? []) {
      assert.deepEqual(listEnvCredentials(d.id, new EnvChain({ [name]: "k1,k2" })).map((c) => c.value), ["k1", "k2"], `${d.id} rotates through ${name}`);
    }
    if (d.envKeys.length === 0) assert.deepEqual(listEnvCredentials(d.id, new EnvChain({ [`${envPrefix(d.id)}_API_KEY`]: "x" })), []);
  }
});

test("built-in endpoints: exactly the descriptors with a base URL (every wire API has an adapter)", () => {
  for (const d of PROVIDER_DESCRIPTORS) {
    const spec = resolveProvider(NO_CONFIG, d.id);
    if (d.defaultBaseUrl) {
      assert.equal(spec?.baseUrl, d.defaultBaseUrl.replace(/\/+$/, ""), d.id);
      assert.equal(spec?.api, d.wireApi);
      assert.ok(knownProviderIds(NO_CONFIG).includes(d.id));
    } else {
      assert.equal(spec, undefined, `${d.id} needs models.providers.${d.id}`);
    }
  }
  // Google is built in through its own API (the google-generative-ai adapter); a config that names
  // another API (Gemini's OpenAI-compatible endpoint) still gets that one.
  assert.equal(resolveProvider(NO_CONFIG, "google")?.api, "google-generative-ai");
  assert.equal(resolveProvider(NO_CONFIG, "google")?.baseUrl, "https://generativelanguage.googleapis.com/v1beta");
  assert.equal(resolveProvider({ models: { providers: { google: { baseUrl: "http://127.0.0.1:9/v1" } } } }, "google")?.api, "google-generative-ai");
  assert.equal(resolveProvider({ models: { providers: { google: { baseUrl: "http://127.0.0.1:9/v1beta/openai", api: "openai-completions" } } } }, "google")?.api, "openai-completions");
});

test("catalog and default model aliases come from the descriptors' models", () => {
  const expected = PROVIDER_DESCRIPTORS.flatMap((d) => d.catalog.map((m) => `${d.id}/${m.id} ${m.name} ${m.input.join("+")} ${m.contextWindow}`));
  assert.deepEqual(
    buildCatalog(NO_CONFIG).map((m) => `${m.provider}/${m.id} ${m.name} ${m.input.join("+")} ${m.contextWindow}`),
    expected,
  );
  const aliases = PROVIDER_DESCRIPTORS.flatMap((d) => d.catalog.flatMap((m) => (m.alias ? [[m.alias, `${d.id}/${m.id}`] as const] : [])));
  assert.equal(new Set(aliases.map(([alias]) => alias)).size, aliases.length, "no two models claim one alias");
  assert.deepEqual(Object.entries(BUILTIN_ALIASES), aliases);
  for (const [alias, target] of aliases) {
    const ref = resolveModelRef(alias, {});
    assert.equal(ref && `${ref.provider}/${ref.model}`, target);
  }
});

test("secret shapes: each pattern compiles on its own, and each paste-time prefix is one the redaction masks", () => {
  for (const d of PROVIDER_DESCRIPTORS) {
    for (const pattern of d.secretShapes.redact) {
      assert.ok(!/^\^|\$$/.test(pattern), `${d.id}: ${pattern} is unanchored`);
      assert.doesNotThrow(() => new RegExp(pattern));
      assert.ok(!new RegExp(pattern).test(""), `${d.id}: ${pattern} never matches nothing`);
    }
    for (const shape of d.secretShapes.prefixes) {
      const secret = `${shape.prefix}01-${"A1b2C3d4".repeat(6)}`;
      assert.ok(!redactSecrets(`x ${secret} y`).includes(secret), `${d.id}: ${shape.prefix}… is masked`);
      const problem = shape.kind === "token" ? apiKeyProblem(d.id, secret) : tokenProblem(d.id, secret);
      assert.ok(problem?.startsWith(`This is ${shape.label}, not `), `${d.id}: pasting ${shape.prefix}… as the other kind is caught`);
      assert.equal(shape.kind === "token" ? tokenProblem(d.id, secret) : apiKeyProblem(d.id, secret), undefined);
    }
  }
});

test("behaviour flags and CLI lists follow the descriptors", () => {
  for (const d of PROVIDER_DESCRIPTORS) {
    assert.equal(bypassesCooldown(d.id), d.bypassesCooldown === true, d.id);
    assert.ok(knownProviders(NO_CONFIG).has(d.id), `${d.id} is known to the did-you-mean check`);
  }
  assert.deepEqual([...knownProviders(NO_CONFIG)].sort(), [...ids].sort());
});
