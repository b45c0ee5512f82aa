// Credential choice and failover in the real gateway (issue 3; DESIGN §4.3–4.4;
// spec §2.6, §6.1, §6.3, §6.5, §6.7): fake upstreams scripted per credential,
// the official SDKs as clients, and the store the gateway persists in the background.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets, readJson, runCli } from "../helpers/cli.ts";
import { anthropicError, openaiError, type FakeProvider } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, health, postJson, seenSince, startWorld, storeWhen, usageWritten, waitFor, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-keyA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-keyB-" + "2".repeat(40);
const KEY_C = "sk-ant-api03-" + "c".repeat(40) + "-keyC-" + "3".repeat(40);
const SETUP_TOKEN = "sk-ant-oat01-" + "t".repeat(45) + "-setup-" + "4".repeat(45);
const OPENAI_KEY = "sk-proj-" + "o".repeat(30) + "-openai-" + "5".repeat(30);
const OPENAI_KEY_2 = "sk-proj-" + "p".repeat(30) + "-openai2-" + "6".repeat(30);
// No known secret shape: only the gateway's registry of loaded secrets can hide these.
const LOCAL_PROFILE_KEY = "lp-" + "Q".repeat(20) + "localprofile" + "7".repeat(20);
const LOCAL_ENV_KEY = "le-" + "R".repeat(20) + "localenvkey" + "8".repeat(20);
const LOCAL_CONFIG_KEY = "lc-" + "S".repeat(20) + "localconfig" + "9".repeat(20);
const ENV_ANTHROPIC_KEY = "sk-ant-api03-" + "e".repeat(40) + "-envkey-" + "0".repeat(40);
const SECRETS = [KEY_A, KEY_B, KEY_C, SETUP_TOKEN, OPENAI_KEY, OPENAI_KEY_2, LOCAL_PROFILE_KEY, LOCAL_ENV_KEY, LOCAL_CONFIG_KEY, ENV_ANTHROPIC_KEY, GATEWAY_TOKEN];

const OPUS = "claude-opus-4-6";
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Everything a client got to see: error messages and bodies, checked for secrets at the end. */
const clientVisible: string[] = [];
/** Everything the gateways printed (world.close()). */
const gatewayOutput: string[] = [];

after(() => {
  assertNoSecrets(clientVisible, SECRETS);
  assertNoSecrets(gatewayOutput, SECRETS);
});

interface Clients {
  openai: OpenAI;
  anthropic: Anthropic;
}

function clientsFor(world: GatewayWorld): Clients {
  return {
    openai: new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 }),
  };
}

async function closeWorld(world: GatewayWorld | undefined): Promise<void> {
  if (!world) return;
  const output = await world.close();
  gatewayOutput.push(output.stdout, output.stderr);
}

/** The error a promise rejects with (SDK errors carry status, headers and the parsed body). */
async function rejection<T extends Error = Error & { status?: number; headers?: Headers; error?: unknown }>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    const err = error as T & { error?: unknown };
    clientVisible.push(err.message, JSON.stringify(err.error ?? null));
    return err;
  }
  assert.fail("expected the request to fail");
}

/** Raw POST to the gateway, for status and headers exactly as sent. */
async function post(world: GatewayWorld, path: string, body: object): Promise<{ status: number; headers: Headers; json: any }> {
  const answer = await postJson(world, path, body);
  clientVisible.push(answer.text);
  return answer;
}

/** Nothing was recorded about any credential: no usage change queued, being written, or written. */
async function assertNoUsageRecorded(world: GatewayWorld): Promise<void> {
  const { usage } = await health(world);
  assert.deepEqual({ pending: usage.pending, writing: usage.writing, writes: usage.writes }, { pending: 0, writing: false, writes: 0 });
}

/** `value` is `offset` after some instant in [from, to] (the gateway's clock read in between). */
function assertAfter(value: unknown, from: number, to: number, offset: number, label: string): void {
  assert.equal(typeof value, "number", `${label} is not a timestamp: ${String(value)}`);
  const v = value as number;
  assert.ok(v >= from + offset - 50 && v <= to + offset + 50, `${label}: expected now + ${offset} ms, got now + ${v - to} ms`);
}



/** One profile's label in `models status` (`id=masked [window]`, comma-separated on the provider's line). */
function statusLabel(stdout: string, profileId: string): string {
  const match = new RegExp(`${profileId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}=[^,\n]*`).exec(stdout);
  assert.ok(match, `no label for ${profileId} in:\n${stdout}`);
  return match[0].trim();
}

const user = (text: string) => [{ role: "user" as const, content: text }];

function anthropicText(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

describe("explicit order: a rate limit fails over and cools the profile down for that model only", () => {
  let world: GatewayWorld;
  let clients: Clients;
  after(() => closeWorld(world));

  test("429 with retry-after: 30 → the second profile serves; the first cools down ~30 s for claude-opus-4-6 only", async () => {
    world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    clients = clientsFor(world);
    world.anthropic.script(KEY_A, { status: 429, headers: { "retry-after": "30" }, body: anthropicError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit") }, {});

    let mark = world.anthropic.requests.length;
    const from = Date.now();
    const message = await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("first") });
    const to = Date.now();
    assert.equal(anthropicText(message), "Hello from the anthropic fake: first");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);

    const store = await storeWhen(world, "a model cooldown for anthropic:a and lastUsed for anthropic:b", (s) => s.usageStats?.["anthropic:a"]?.modelCooldowns?.[OPUS] && s.usageStats?.["anthropic:b"]?.lastUsed);
    const statsA = store.usageStats["anthropic:a"];
    assertAfter(statsA.modelCooldowns[OPUS].until, from, to, 30 * SECOND, "modelCooldowns[claude-opus-4-6].until");
    assert.equal(statsA.cooldownUntil, undefined, "a rate limit is not a profile-wide cooldown");
    assert.equal(statsA.disabledUntil, undefined);
    assert.equal(store.lastGood?.anthropic, "anthropic:b");

    // Another model on the same profile: anthropic:a is first in order and serves it at once.
    mark = world.anthropic.requests.length;
    const sonnet = await clients.anthropic.messages.create({ model: "anthropic/claude-sonnet-4-6", max_tokens: 32, messages: user("sibling") });
    assert.equal(anthropicText(sonnet), "Hello from the anthropic fake: sibling");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A]);
    assert.equal(world.anthropic.requests.at(-1)!.body.model, "claude-sonnet-4-6");

    // The rate-limited model still skips anthropic:a without calling it.
    mark = world.anthropic.requests.length;
    const again = await clients.openai.chat.completions.create({ model: `anthropic/${OPUS}`, messages: user("again") });
    assert.equal(again.choices[0]!.message.content, "Hello from the anthropic fake: again");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_B]);

    // Serving the sibling model did not clear the opus cooldown on disk.
    const later = await storeWhen(world, "lastUsed of anthropic:a after serving sonnet", (s) => s.usageStats?.["anthropic:a"]?.lastUsed);
    assert.equal(later.usageStats["anthropic:a"].modelCooldowns?.[OPUS]?.until, statsA.modelCooldowns[OPUS].until);
  });

  test("`openclaw models status` shows the model-scoped cooldown", async () => {
    const status = await runCli(["models", "status"], { home: world.home.home });
    assert.equal(status.code, 0, status.stderr);
    clientVisible.push(status.stdout, status.stderr);
    assert.match(statusLabel(status.stdout, "anthropic:a"), /^anthropic:a=\S+ \[cooldown 1m: claude-opus-4-6\]$/);
    assert.match(statusLabel(status.stdout, "anthropic:b"), /^anthropic:b=\S+$/, "anthropic:b is not cooling down");
  });
});

describe("cooldowns expire by themselves", () => {
  let world: GatewayWorld;
  after(() => closeWorld(world));

  test("a 1 s Retry-After: the profile is skipped during it and first in line again after it; the entry then clears", async () => {
    world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
    });
    const { anthropic } = clientsFor(world);
    world.anthropic.script(KEY_A, { status: 429, headers: { "retry-after": "1" }, body: anthropicError("rate_limit_error", "rate limited") }, {});
    let mark = world.anthropic.requests.length;
    await anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("one") });
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);
    mark = world.anthropic.requests.length;
    await anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("during") });
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_B], "skipped while cooling down");

    await new Promise((resolve) => setTimeout(resolve, 1_300));
    mark = world.anthropic.requests.length;
    await anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("after") });
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A], "first in line again once the window ran out");
    const store = await storeWhen(world, "the expired model cooldown cleared by the success", (s) => s.usageStats?.["anthropic:a"]?.lastUsed && !s.usageStats["anthropic:a"].modelCooldowns);
    assert.equal(store.usageStats["anthropic:a"].errorCount, 0);
  });
});

describe("auth and billing failures: profile-wide cooldown and disable, then skipped", () => {
  test("401 → cooldownUntil ≈ now + 1 min (first ladder step); credit balance 400 and 402 → disabled 5 h as billing", async (t) => {
    const world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "anthropic:c": apiKeyProfile("anthropic", KEY_C),
          "openai:x": apiKeyProfile("openai", OPENAI_KEY),
          "openai:y": apiKeyProfile("openai", OPENAI_KEY_2),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b", "anthropic:c"], openai: ["openai:x", "openai:y"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    const clients = clientsFor(world);
    world.anthropic.script(KEY_A, { status: 401, body: anthropicError("authentication_error", "invalid x-api-key") });
    world.anthropic.script(KEY_B, {
      status: 400,
      body: anthropicError("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."),
    });
    world.openai.script(OPENAI_KEY, { status: 402, body: openaiError("Payment required: add credits to continue.", "billing_error", "payment_required") });

    let mark = world.anthropic.requests.length;
    const from = Date.now();
    const message = await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("rotate") });
    const openaiMark = world.openai.requests.length;
    const completion = await clients.openai.chat.completions.create({ model: "openai/gpt-5.2", messages: user("pay") });
    const to = Date.now();
    assert.equal(anthropicText(message), "Hello from the anthropic fake: rotate");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B, KEY_C]);
    assert.equal(completion.choices[0]!.message.content, "Hello from the openai fake: pay");
    assert.deepEqual(seenSince(world.openai, openaiMark), [OPENAI_KEY, OPENAI_KEY_2]);

    const store = await storeWhen(world, "failures of a, b and x persisted", (s) => s.usageStats?.["anthropic:a"]?.cooldownUntil && s.usageStats?.["anthropic:b"]?.disabledUntil && s.usageStats?.["openai:x"]?.disabledUntil && s.usageStats?.["openai:y"]?.lastUsed);
    const a = store.usageStats["anthropic:a"];
    assertAfter(a.cooldownUntil, from, to, MINUTE, "anthropic:a cooldownUntil");
    assert.equal(a.failureCounts?.auth, 1);
    assert.equal(a.errorCount, 1);
    assert.equal(a.disabledUntil, undefined);
    const b = store.usageStats["anthropic:b"];
    assertAfter(b.disabledUntil, from, to, 5 * HOUR, "anthropic:b disabledUntil");
    assert.equal(b.disabledReason, "billing");
    assert.equal(b.failureCounts?.billing, 1);
    const x = store.usageStats["openai:x"];
    assertAfter(x.disabledUntil, from, to, 5 * HOUR, "openai:x disabledUntil");
    assert.equal(x.disabledReason, "billing");
    assert.equal(store.usageStats["anthropic:c"].lastUsed > 0, true);

    // The next requests skip the cooling and disabled profiles without calling them.
    mark = world.anthropic.requests.length;
    const next = await clients.openai.chat.completions.create({ model: `anthropic/${OPUS}`, messages: user("skip") });
    assert.equal(next.choices[0]!.message.content, "Hello from the anthropic fake: skip");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_C]);
    const nextOpenai = world.openai.requests.length;
    await clients.openai.chat.completions.create({ model: "openai/gpt-5.2", messages: user("skip too") });
    assert.deepEqual(seenSince(world.openai, nextOpenai), [OPENAI_KEY_2]);

    const status = await runCli(["models", "status"], { home: world.home.home });
    clientVisible.push(status.stdout, status.stderr);
    assert.match(statusLabel(status.stdout, "anthropic:a"), /^anthropic:a=\S+ \[cooldown 1m\]$/);
    assert.match(statusLabel(status.stdout, "anthropic:b"), /^anthropic:b=\S+ \[disabled:billing 5h\]$/);
    assert.match(statusLabel(status.stdout, "anthropic:c"), /^anthropic:c=\S+$/);
    assert.match(statusLabel(status.stdout, "openai:x"), /^openai:x=\S+ \[disabled:billing 5h\]$/);
  });
});

describe("timeouts fail over but do not cool down (spec §6.4, 2026.2.26)", () => {
  let world: GatewayWorld;
  let clients: Clients;
  after(() => closeWorld(world));

  test("a hanging upstream (gateway.upstreamTimeoutMs: 500) → the next profile serves; no cooldown for the timed-out one", async () => {
    world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } }, gateway: { upstreamTimeoutMs: 500 } },
    });
    clients = clientsFor(world);
    world.anthropic.script(KEY_A, { hang: true }, {});

    let mark = world.anthropic.requests.length;
    const started = Date.now();
    const message = await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("slow") });
    assert.equal(anthropicText(message), "Hello from the anthropic fake: slow");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);
    assert.ok(Date.now() - started >= 450, "the first attempt waited for the timeout");

    const store = await storeWhen(world, "lastUsed of anthropic:b", (s) => s.usageStats?.["anthropic:b"]?.lastUsed);
    const a = store.usageStats?.["anthropic:a"] ?? {};
    assert.equal(a.cooldownUntil, undefined, "a timeout must not cool the profile down");
    assert.equal(a.disabledUntil, undefined);
    assert.equal(a.modelCooldowns, undefined);

    // Still first in line: the next request goes to anthropic:a again (which now answers).
    mark = world.anthropic.requests.length;
    await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("a again") });
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A]);
  });

  test("a timeout is not marked as a failure: a later 401 starts the ladder at 1 min", async () => {
    world.anthropic.script(KEY_A, { hang: true }, { status: 401, body: anthropicError("authentication_error", "invalid x-api-key") });
    // Timeout on a (b serves), then a 401 on a (b serves).
    let mark = world.anthropic.requests.length;
    await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("timeout") });
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);
    mark = world.anthropic.requests.length;
    const from = Date.now();
    await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("unauthorized") });
    const to = Date.now();
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);
    const store = await storeWhen(world, "a cooldown for anthropic:a", (s) => s.usageStats?.["anthropic:a"]?.cooldownUntil);
    const a = store.usageStats["anthropic:a"];
    assertAfter(a.cooldownUntil, from, to, MINUTE, "anthropic:a cooldownUntil after timeout + 401");
    assert.equal(a.failureCounts?.timeout, undefined, "timeouts are not counted (2026.2.26: \"Skip cooldown for timeouts\")");
  });
});

describe("a request error is the client's to fix: no failover", () => {
  test("an upstream 400 goes back as is (OpenAI SDK → BadRequestError) and the next profile is not called", async (t) => {
    const world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "openai:x": apiKeyProfile("openai", OPENAI_KEY),
          "openai:y": apiKeyProfile("openai", OPENAI_KEY_2),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b"], openai: ["openai:x", "openai:y"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    const clients = clientsFor(world);
    world.openai.script(OPENAI_KEY, { status: 400, body: openaiError("Invalid value for 'messages[0].role': 'bogus' is not one of the supported values.", "invalid_request_error", "invalid_value") });
    world.anthropic.script(KEY_A, { status: 400, body: anthropicError("invalid_request_error", "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"user\" roles in a row") });

    // Same API on both sides: the upstream body itself.
    let mark = world.openai.requests.length;
    const same = await rejection<InstanceType<typeof OpenAI.APIError>>(clients.openai.chat.completions.create({ model: "openai/gpt-5.2", messages: user("bad") }));
    assert.ok(same instanceof OpenAI.BadRequestError, `got ${same.constructor.name}: ${same.message}`);
    assert.match(same.message, /Invalid value for 'messages\[0\]\.role'/);
    assert.equal((same.error as any)?.code, "invalid_value");
    assert.deepEqual(seenSince(world.openai, mark), [OPENAI_KEY]);

    // Across translation: an Anthropic 400 reaches the OpenAI client as an OpenAI-format 400.
    mark = world.anthropic.requests.length;
    const across = await rejection<InstanceType<typeof OpenAI.APIError>>(clients.openai.chat.completions.create({ model: `anthropic/${OPUS}`, messages: user("bad too") }));
    assert.ok(across instanceof OpenAI.BadRequestError, `got ${across.constructor.name}: ${across.message}`);
    assert.match(across.message, /roles must alternate/);
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A]);

    // And the Anthropic SDK gets its own BadRequestError for the Anthropic provider.
    mark = world.anthropic.requests.length;
    const native = await rejection(clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 16, messages: user("bad three") }));
    assert.ok(native instanceof Anthropic.BadRequestError, `got ${native.constructor.name}`);
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A]);

    // Nothing was held against the credentials: nothing was even recorded.
    await assertNoUsageRecorded(world);
    const store = readJson(world.home.storePath);
    for (const id of ["anthropic:a", "openai:x"]) {
      const stats = store.usageStats?.[id] ?? {};
      assert.equal(stats.cooldownUntil, undefined, id);
      assert.equal(stats.disabledUntil, undefined, id);
      assert.equal(stats.modelCooldowns, undefined, id);
    }
  });
});

describe("every candidate cooling down", () => {
  test("live: both profiles rate-limited → 429; then 429 with retry-after and when the first frees up, without calling upstream; the gateway stays up", async (t) => {
    const world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    const clients = clientsFor(world);
    const limited = { status: 429, headers: { "retry-after": "120" }, body: anthropicError("rate_limit_error", "rate limited") };
    world.anthropic.script(KEY_A, limited);
    world.anthropic.script(KEY_B, { ...limited, headers: { "retry-after": "90" } });

    let mark = world.anthropic.requests.length;
    const first = await rejection<InstanceType<typeof OpenAI.APIError>>(clients.openai.chat.completions.create({ model: `anthropic/${OPUS}`, messages: user("x") }));
    assert.ok(first instanceof OpenAI.RateLimitError, `got ${first.constructor.name}: ${first.message}`);
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);

    mark = world.anthropic.requests.length;
    const from = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? post(world, "/v1/chat/completions", { model: `anthropic/${OPUS}`, messages: user("y") }) : post(world, "/v1/messages", { model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("y") }))),
    );
    for (const answer of answers) {
      assert.equal(answer.status, 429);
      const retryAfter = Number(answer.headers.get("retry-after"));
      assert.ok(retryAfter > 80 && retryAfter <= 90, `retry-after ${answer.headers.get("retry-after")} should be when anthropic:b (the soonest) frees up`);
      const message = answer.json.error.message as string;
      assert.match(message, /cooling down/i);
      assert.match(message, /first frees up in [12]m/);
    }
    assert.equal(answers[1]!.json.type, "error");
    assert.equal(answers[1]!.json.error.type, "rate_limit_error");
    assert.deepEqual(seenSince(world.anthropic, mark), [], "nothing cooling down is called");
    assert.ok(Date.now() - from < 2000);

    const store = await storeWhen(world, "both model cooldowns", (s) => s.usageStats?.["anthropic:a"]?.modelCooldowns?.[OPUS] && s.usageStats?.["anthropic:b"]?.modelCooldowns?.[OPUS]);
    assert.ok(store.usageStats["anthropic:b"].modelCooldowns[OPUS].until < store.usageStats["anthropic:a"].modelCooldowns[OPUS].until);

    assert.equal(world.gateway.child.exitCode, null, "the gateway is still running");
    assert.equal(world.gateway.child.signalCode, null);
    const health = await fetch(`${world.gateway.url}/health`);
    assert.equal(health.status, 200);
  });

  test("from the store: cooldown and billing disable → 429, retry-after of the soonest (10 min), message says so", async (t) => {
    const now = Date.now();
    const world = await startWorld({
      store: {
        version: 1,
        profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
        usageStats: {
          "anthropic:a": { cooldownUntil: now + 10 * MINUTE, errorCount: 2, failureCounts: { rate_limit: 2 }, lastFailureAt: now },
          "anthropic:b": { disabledUntil: now + 5 * HOUR, disabledReason: "billing", errorCount: 1, failureCounts: { billing: 1 }, lastFailureAt: now },
        },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    const answer = await post(world, "/v1/messages", { model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("z") });
    assert.equal(answer.status, 429);
    const retryAfter = Number(answer.headers.get("retry-after"));
    assert.ok(retryAfter > 9 * 60 && retryAfter <= 10 * 60, `retry-after ${retryAfter}`);
    assert.match(answer.json.error.message, /10m/);
    assert.equal(world.anthropic.requests.length, 0);
    assert.equal(world.gateway.child.exitCode, null);
    // Nothing was tried, so nothing was recorded, and nothing changes on disk.
    await assertNoUsageRecorded(world);
    const store = readJson(world.home.storePath);
    assert.equal(store.usageStats["anthropic:a"].cooldownUntil, now + 10 * MINUTE);
    assert.equal(store.usageStats["anthropic:b"].disabledUntil, now + 5 * HOUR);
  });
});

describe("model fallback (agents.defaults.model.fallbacks)", () => {
  test("every anthropic profile overloaded or unavailable → served by openai/gpt-5.2, translated back for the Anthropic SDK", async (t) => {
    const world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "openai:default": apiKeyProfile("openai", OPENAI_KEY),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}`, fallbacks: ["openai/gpt-5.2"] } } } },
    });
    t.after(() => closeWorld(world));
    const clients = clientsFor(world);
    world.anthropic.script(KEY_A, { status: 529, body: anthropicError("overloaded_error", "Overloaded") });
    world.anthropic.script(KEY_B, { status: 503, body: anthropicError("api_error", "Service Unavailable") });

    let mark = world.anthropic.requests.length;
    let openaiMark = world.openai.requests.length;
    const message = await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 32, messages: user("fall back") });
    assert.equal(anthropicText(message), "Hello from the openai fake: fall back");
    assert.equal(message.type, "message");
    assert.equal(message.stop_reason, "end_turn");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);
    assert.deepEqual(seenSince(world.openai, openaiMark), [OPENAI_KEY]);
    assert.equal(world.openai.requests.at(-1)!.body.model, "gpt-5.2");

    // Streaming too, through `default`.
    mark = world.anthropic.requests.length;
    openaiMark = world.openai.requests.length;
    const final = await clients.anthropic.messages.stream({ model: "default", max_tokens: 32, messages: user("stream fall back") }).finalMessage();
    assert.equal(anthropicText(final), "Hello from the openai fake: stream fall back");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_A, KEY_B]);
    assert.deepEqual(seenSince(world.openai, openaiMark), [OPENAI_KEY]);

    const store = await storeWhen(world, "openai:default used", (s) => s.usageStats?.["openai:default"]?.lastUsed);
    assert.equal(store.lastGood?.openai, "openai:default");
    // 5xx/529 are the provider's load, not the credential's fault: nothing cools down.
    for (const id of ["anthropic:a", "anthropic:b"]) {
      assert.equal(store.usageStats?.[id]?.cooldownUntil, undefined, id);
      assert.equal(store.usageStats?.[id]?.disabledUntil, undefined, id);
    }
  });
});

describe("pinned profiles (`model@profileId`)", () => {
  let world: GatewayWorld;
  let clients: Clients;
  after(() => closeWorld(world));

  test("the pin wins over the order", async () => {
    world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "openai:default": apiKeyProfile("openai", OPENAI_KEY),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}`, fallbacks: ["openai/gpt-5.2"] } } } },
    });
    clients = clientsFor(world);
    world.anthropic.script(KEY_B, {}, { status: 500, body: anthropicError("api_error", "Internal server error") });

    const mark = world.anthropic.requests.length;
    const message = await clients.anthropic.messages.create({ model: `anthropic/${OPUS}@anthropic:b`, max_tokens: 16, messages: user("pinned") });
    assert.equal(anthropicText(message), "Hello from the anthropic fake: pinned");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_B]);
    assert.equal(world.anthropic.requests.at(-1)!.body.model, OPUS, "the pin is not part of the upstream model id");
    const store = await storeWhen(world, "anthropic:b used", (s) => s.usageStats?.["anthropic:b"]?.lastUsed);
    assert.equal(store.usageStats?.["anthropic:a"]?.lastUsed, undefined);
  });

  test("a failing pinned profile does not rotate to anthropic:a: it goes to the fallback model", async () => {
    const mark = world.anthropic.requests.length;
    const openaiMark = world.openai.requests.length;
    const completion = await clients.openai.chat.completions.create({ model: `anthropic/${OPUS}@anthropic:b`, messages: user("pinned fail") });
    assert.equal(completion.choices[0]!.message.content, "Hello from the openai fake: pinned fail");
    assert.deepEqual(seenSince(world.anthropic, mark), [KEY_B], "anthropic:a must not be tried");
    assert.deepEqual(seenSince(world.openai, openaiMark), [OPENAI_KEY]);
    await storeWhen(world, "openai:default used", (s) => s.usageStats?.["openai:default"]?.lastUsed);
  });

  test("an unknown pin → 404; a pin of another provider → 404 `is for`", async () => {
    const mark = world.anthropic.requests.length;
    const unknown = await rejection(clients.openai.chat.completions.create({ model: `anthropic/${OPUS}@anthropic:nope`, messages: user("x") }));
    assert.ok(unknown instanceof OpenAI.NotFoundError, `got ${unknown.constructor.name}`);
    assert.match(unknown.message, /anthropic:nope/);
    const other = await rejection(clients.anthropic.messages.create({ model: `anthropic/${OPUS}@openai:default`, max_tokens: 8, messages: user("x") }));
    assert.ok(other instanceof Anthropic.NotFoundError, `got ${other.constructor.name}`);
    assert.match(other.message, /is for openai/);
    assert.equal(world.anthropic.requests.length, mark, "nothing goes upstream");
  });
});

describe("the Claude-Code-only answer", () => {
  const CLAUDE_CODE_ONLY = "This credential is only authorized for use with Claude Code and cannot be used for other API requests.";
  let world: GatewayWorld;
  after(() => closeWorld(world));

  test("disables the setup-token as auth_permanent and tells the client to use an API key", async () => {
    world = await startWorld({
      store: { version: 1, profiles: { "anthropic:sub": { type: "token", provider: "anthropic", token: SETUP_TOKEN } } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    world.anthropic.script(SETUP_TOKEN, { status: 400, body: anthropicError("invalid_request_error", CLAUDE_CODE_ONLY) });

    const from = Date.now();
    const error = await rejection(clientsFor(world).anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("sub") }));
    const to = Date.now();
    assert.ok(error instanceof Anthropic.APIError);
    assert.ok(error.message.includes("openclaw models auth paste-api-key --provider anthropic"), error.message);
    assert.equal(world.anthropic.requests.length, 1);
    assert.equal(world.anthropic.requests[0]!.credential, SETUP_TOKEN);

    const store = await storeWhen(world, "anthropic:sub disabled", (s) => s.usageStats?.["anthropic:sub"]?.disabledUntil);
    const stats = store.usageStats["anthropic:sub"];
    assert.equal(stats.disabledReason, "auth_permanent");
    assertAfter(stats.disabledUntil, from, to, 5 * HOUR, "anthropic:sub disabledUntil");
  });

  test("while it is disabled, the answer still says to use an API key (not just `cooling down`)", async () => {
    const answer = await post(world, "/v1/chat/completions", { model: `anthropic/${OPUS}`, messages: user("sub again") });
    assert.equal(world.anthropic.requests.length, 1, "the disabled profile is not called");
    assert.ok(answer.status >= 400);
    assert.ok(String(answer.json.error.message).includes("paste-api-key --provider anthropic"), answer.json.error.message);
  });
});

describe("after the profiles: environment keys, then models.providers.<id>.apiKey (spec §2.6)", () => {
  let world: GatewayWorld;
  let clients: Clients;
  after(() => closeWorld(world));

  test("no anthropic profile: ANTHROPIC_API_KEY from the gateway's environment is used", async () => {
    world = await startWorld({
      store: { version: 1, profiles: { "local:p": apiKeyProfile("local", LOCAL_PROFILE_KEY) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
      providers: ({ openai }) => ({ local: { api: "openai-completions", baseUrl: `${openai.url}/v1`, apiKey: "${LOCAL_KEY}" } }),
      env: { ANTHROPIC_API_KEY: ENV_ANTHROPIC_KEY, LOCAL_API_KEY: LOCAL_ENV_KEY, LOCAL_KEY: LOCAL_CONFIG_KEY },
    });
    clients = clientsFor(world);
    const message = await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("env") });
    assert.equal(anthropicText(message), "Hello from the anthropic fake: env");
    assert.deepEqual(seenSince(world.anthropic, 0), [ENV_ANTHROPIC_KEY]);
  });

  test("custom provider: the profile first, then LOCAL_API_KEY, then the substituted ${LOCAL_KEY} config apiKey", async () => {
    const unauthorized = { status: 401, body: openaiError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key") };
    world.openai.script(LOCAL_PROFILE_KEY, unauthorized);
    world.openai.script(LOCAL_ENV_KEY, unauthorized);
    let mark = world.openai.requests.length;
    const completion = await clients.openai.chat.completions.create({ model: "local/my-model", messages: user("chain") });
    assert.equal(completion.choices[0]!.message.content, "Hello from the openai fake: chain");
    assert.deepEqual(seenSince(world.openai, mark), [LOCAL_PROFILE_KEY, LOCAL_ENV_KEY, LOCAL_CONFIG_KEY]);
    assert.equal(world.openai.requests.at(-1)!.body.model, "my-model");
    const store = await storeWhen(world, "local:p disabled or cooling", (s) => s.usageStats?.["local:p"]?.cooldownUntil || s.usageStats?.["local:p"]?.disabledUntil);
    assert.equal(store.usageStats["local:p"].lastUsed, undefined);

    // The profile is out now; env and config keys are not profiles and are tried again.
    mark = world.openai.requests.length;
    await clients.openai.chat.completions.create({ model: "local/my-model", messages: user("chain again") });
    assert.deepEqual(seenSince(world.openai, mark), [LOCAL_ENV_KEY, LOCAL_CONFIG_KEY]);
  });
});

describe("round-robin without an explicit order", () => {
  test("two api_key profiles alternate by lastUsed", async (t) => {
    const world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    t.after(() => closeWorld(world));
    const clients = clientsFor(world);
    for (let i = 0; i < 6; i++) {
      const writes = (await health(world)).usage.writes;
      await clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user(`rr ${i}`) });
      // Half of the requests wait for the background write, so reloads from disk are exercised too.
      if (i % 2 === 1) await usageWritten(world, writes);
    }
    const seen = seenSince(world.anthropic, 0);
    assert.equal(seen.length, 6);
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], `request ${i} reused ${seen[i] === KEY_A ? "a" : "b"}: ${seen.map((k) => (k === KEY_A ? "a" : "b")).join(",")}`);
    assert.deepEqual(new Set(seen), new Set([KEY_A, KEY_B]));

    const last = seen.at(-1) === KEY_A ? "anthropic:a" : "anthropic:b";
    const other = last === "anthropic:a" ? "anthropic:b" : "anthropic:a";
    const store = await storeWhen(world, "both lastUsed, the last one newest", (s) => s.usageStats?.[last]?.lastUsed > (s.usageStats?.[other]?.lastUsed ?? Infinity));
    assert.equal(store.lastGood?.anthropic, last);
  });
});

describe("no secret in anything a client or a log sees", () => {
  test("upstream errors that echo the key are masked, relayed or summarised, same format or translated", async (t) => {
    const world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "local:p": apiKeyProfile("local", LOCAL_PROFILE_KEY),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b"] },
      },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
      providers: ({ openai }) => ({ local: { api: "openai-completions", baseUrl: `${openai.url}/v1` } }),
    });
    t.after(() => closeWorld(world));
    const clients = clientsFor(world);
    world.anthropic.script(KEY_A, { status: 401, body: anthropicError("authentication_error", `invalid x-api-key: ${KEY_A}`) });
    world.anthropic.script(KEY_B, { status: 403, body: anthropicError("permission_error", `key ${KEY_B} has no access to ${OPUS}`) });
    world.openai.script(LOCAL_PROFILE_KEY, { status: 400, body: openaiError(`Bad request made with key ${LOCAL_PROFILE_KEY}`, "invalid_request_error") });

    const failed = await rejection(clients.anthropic.messages.create({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("leak?") }));
    assert.ok(failed instanceof Anthropic.APIError);
    assert.deepEqual(seenSince(world.anthropic, 0), [KEY_A, KEY_B]);
    const translated = await rejection(clients.openai.chat.completions.create({ model: `anthropic/${OPUS}@anthropic:b`, messages: user("leak?") }));
    assert.ok(translated instanceof OpenAI.APIError);
    const relayed = await rejection(clients.openai.chat.completions.create({ model: "local/m", messages: user("leak?") }));
    assert.ok(relayed instanceof OpenAI.BadRequestError);
    assert.match(relayed.message, /Bad request made with key/);
    const acrossRelayed = await post(world, "/v1/messages", { model: "local/m", max_tokens: 8, messages: user("leak?") });
    assert.equal(acrossRelayed.status, 400);
    const raw = await post(world, "/v1/chat/completions", { model: `anthropic/${OPUS}`, messages: user("leak?") });
    assert.ok(raw.status >= 400);

    const texts = [failed.message, translated.message, relayed.message, JSON.stringify(acrossRelayed.json), JSON.stringify(raw.json)];
    assertNoSecrets(texts, SECRETS);
    const output = world.gateway.output();
    assertNoSecrets([output.stdout, output.stderr], SECRETS);
    assert.match(output.stdout + output.stderr, /profile=|model=/, "request logs are written (and checked)");
  });
});
