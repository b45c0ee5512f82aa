// The zod-free checks (matchesSchema, and compileSchema for the gateway's hot
// path) must agree with the zod schemas they are generated from, and the
// generated file must be current.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSchemas, GENERATED_PATH } from "../scripts/gen-schemas.ts";
import { matchesSchema, type JsonSchema } from "../src/state/json-schema-check.ts";
import { compileSchema } from "../src/state/json-schema-compile.ts";
import { ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA, AUTH_STORE_JSON_SCHEMA, CONFIG_JSON_SCHEMA, OPENAI_CHAT_REQUEST_JSON_SCHEMA } from "../src/generated/schemas.ts";
import { ConfigSchema } from "../src/state/config-schema.ts";
import { AuthStoreSchema } from "../src/auth/store-schema.ts";
import { OpenAIChatRequestSchema } from "../src/gateway/openai-request-schema.ts";
import { AnthropicMessagesRequestSchema } from "../src/gateway/anthropic-request-schema.ts";
import { ANTHROPIC_EXTRA_REQUESTS, ANTHROPIC_SDK_REQUESTS, OPENAI_SDK_REQUESTS } from "./helpers/sdk-requests.ts";
import { FIXTURE_HOME } from "./helpers/cli.ts";

test("src/generated/schemas.ts is up to date (run `npm run gen:schemas` after changing a schema)", () => {
  assert.equal(readFileSync(GENERATED_PATH, "utf8"), generateSchemas());
});

/** Every way of breaking a document one step at a time: retype, drop, or add each node. */
function* mutations(root: unknown, node: unknown = root, path: (string | number)[] = []): Generator<unknown> {
  const replacements: unknown[] = [null, 0, -1, 1.5, "", "x", true, [], {}, ["x"], { x: 1 }];
  for (const replacement of replacements) yield setAt(root, path, replacement);
  if (node !== null && typeof node === "object") {
    for (const [key, child] of Object.entries(node)) {
      const childPath = [...path, Array.isArray(node) ? Number(key) : key];
      yield deleteAt(root, childPath);
      yield* mutations(root, child, childPath);
    }
    if (!Array.isArray(node)) yield setAt(root, [...path, "unexpectedField"], 1);
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return clone(value);
  const out = clone(doc) as Record<string | number, unknown>;
  let node = out;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = clone(value);
  return out;
}

function deleteAt(doc: unknown, path: (string | number)[]): unknown {
  const out = clone(doc) as Record<string | number, unknown>;
  let node = out;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return out;
}

const richConfig = {
  meta: { lastTouchedVersion: "2026.2.26", lastTouchedAt: "2026-11-25T13:44:50.792Z" },
  env: { OPENROUTER_API_KEY: "x", shellEnv: { enabled: true, timeoutMs: 5000 }, vars: { GROQ_API_KEY: "y" } },
  auth: {
    profiles: { "anthropic:work": { provider: "anthropic", mode: "api_key", email: "a@b.c" } },
    order: { anthropic: ["anthropic:work"] },
    cooldowns: { billingBackoffHours: 5, billingBackoffHoursByProvider: { openai: 2 }, billingMaxHours: 24, failureWindowHours: 24 },
  },
  agents: {
    defaults: {
      model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] },
      imageModel: "openai/gpt-5.2",
      models: { "anthropic/claude-opus-4-6": { alias: "opus", params: { temperature: 1 } } },
    },
    list: [{ id: "main", default: true, name: "Main", agentDir: "~/x", model: "opus" }],
  },
  models: {
    providers: {
      local: {
        baseUrl: "http://127.0.0.1:1/v1",
        api: "openai-completions",
        apiKey: "k",
        auth: "api-key",
        headers: { "x-a": "b" },
        models: [{ id: "m", name: "M", input: ["text", "image"], contextWindow: 1000, maxTokens: 10, reasoning: false }],
      },
    },
  },
  gateway: { port: 18789, bind: "loopback", auth: { mode: "token", token: "t" } },
  channels: { whatever: true },
};

const richStore = {
  version: 1,
  profiles: {
    "anthropic:work": { type: "api_key", provider: "anthropic", key: "k", email: "e", metadata: { a: "b" } },
    "anthropic:ref": { type: "api_key", provider: "anthropic", keyRef: { source: "env", provider: "default", id: "ANTHROPIC_API_KEY" } },
    "anthropic:manual": { type: "token", provider: "anthropic", token: "t", expires: 1, tokenRef: { source: "file", provider: "default", id: "/x" } },
    "openai-codex:default": { type: "oauth", provider: "openai-codex", access: "a", refresh: "r", expires: 2, accountId: "acct", clientId: "c", extra: { kept: true } },
  },
  order: { anthropic: ["anthropic:work"] },
  lastGood: { anthropic: "anthropic:work" },
  usageStats: { "anthropic:work": { lastUsed: 1, cooldownUntil: 2, disabledUntil: 3, disabledReason: "billing", errorCount: 1, failureCounts: { billing: 1 }, lastFailureAt: 1 } },
  futureField: [1, 2],
};

type Suite = [name: string, docs: unknown[], jsonSchema: JsonSchema, zodSchema: { safeParse(v: unknown): { success: boolean } }];

/** Both quick checks against zod on every one-step mutation of each document; how many were compared and refused. */
function compareOnMutations(suites: readonly Suite[]): { compared: number; rejected: number } {
  let compared = 0;
  let rejected = 0;
  for (const [name, docs, jsonSchema, zodSchema] of suites) {
    const compiled = compileSchema(jsonSchema);
    for (const doc of docs) {
      assert.equal(matchesSchema(jsonSchema, doc), true, `${name} base document should be valid`);
      for (const mutated of mutations(doc)) {
        const quick = matchesSchema(jsonSchema, mutated);
        const zod = zodSchema.safeParse(mutated).success;
        assert.equal(quick, zod, `${name}: quick=${quick} zod=${zod} for ${JSON.stringify(mutated).slice(0, 300)}`);
        assert.equal(compiled(mutated), zod, `${name}: compiled=${!zod} zod=${zod} for ${JSON.stringify(mutated).slice(0, 300)}`);
        compared++;
        if (!zod) rejected++;
      }
    }
  }
  return { compared, rejected };
}

test("the quick checks and zod agree on every one-step mutation of realistic documents", () => {
  const aliceStore = JSON.parse(readFileSync(join(FIXTURE_HOME, ".openclaw", "agents", "main", "agent", "auth-profiles.json"), "utf8"));
  const aliceConfig = JSON.parse(readFileSync(join(FIXTURE_HOME, ".openclaw", "openclaw.json"), "utf8"));
  const { compared, rejected } = compareOnMutations([
    ["config", [richConfig, aliceConfig, {}], CONFIG_JSON_SCHEMA, ConfigSchema],
    ["store", [richStore, aliceStore], AUTH_STORE_JSON_SCHEMA, AuthStoreSchema],
  ]);
  assert.ok(compared > 1000 && rejected > 300, `compared ${compared}, rejected ${rejected}`);
});

test("the quick checks and zod agree on every one-step mutation of SDK-shaped chat requests", () => {
  const { compared, rejected } = compareOnMutations([
    ["openai request", Object.values(OPENAI_SDK_REQUESTS), OPENAI_CHAT_REQUEST_JSON_SCHEMA, OpenAIChatRequestSchema],
    ["anthropic request", [...Object.values(ANTHROPIC_SDK_REQUESTS), ...Object.values(ANTHROPIC_EXTRA_REQUESTS)], ANTHROPIC_MESSAGES_REQUEST_JSON_SCHEMA, AnthropicMessagesRequestSchema],
  ]);
  assert.ok(compared > 3000 && rejected > 1000, `compared ${compared}, rejected ${rejected}`);
});
