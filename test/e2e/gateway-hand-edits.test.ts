// Issue 6 "Files" through the real gateway: ids that are JavaScript property
// names are ordinary ids (never a 500), a pin with hidden characters is a 400,
// and an order entry naming a profile that is gone is skipped with a logged
// warning instead of answering "No credentials".
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import OpenAI from "openai";
import { assertNoSecrets } from "../helpers/cli.ts";
import { anthropicMessage, type SeenRequest } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, waitFor, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-handEditsA-" + "1".repeat(40);
const PROTO_KEY = "sk-proj-" + "p".repeat(30) + "-handEditsProto-" + "2".repeat(30);
const CTOR_KEY = "sk-proj-" + "c".repeat(30) + "-handEditsCtor-" + "3".repeat(30);
const CUSTOM_KEY = "sk-custom-" + "k".repeat(30) + "-handEditsCustom-" + "4".repeat(30);
const SECRETS = [KEY_A, PROTO_KEY, CTOR_KEY, CUSTOM_KEY, GATEWAY_TOKEN];
const OPUS = "claude-opus-4-6";

async function post(world: GatewayWorld, path: string, body: object): Promise<{ status: number; body: any }> {
  const response = await fetch(`${world.gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const chat = (world: GatewayWorld, model: string) => post(world, "/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });
const messages = (world: GatewayWorld, model: string) => post(world, "/v1/messages", { model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] });

describe("ids that are JavaScript property names, in requests", () => {
  let world: GatewayWorld;
  before(async () => {
    // JSON.parse keeps a `__proto__` key as an entry (an object literal would make it the prototype), and JSON.stringify writes it back.
    const profiles = JSON.parse(`{"__proto__": ${JSON.stringify(apiKeyProfile("openai", PROTO_KEY))}}`);
    Object.assign(profiles, {
      "anthropic:a": apiKeyProfile("anthropic", KEY_A),
      "openai:constructor": apiKeyProfile("openai", CTOR_KEY),
      "__proto__:default": apiKeyProfile("__proto__", CUSTOM_KEY),
    });
    world = await startWorld({
      store: { version: 1, profiles },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
      // A provider literally named "__proto__" (as an own key, which an object literal cannot write).
      providers: ({ openai }) => JSON.parse(`{"__proto__": {"baseUrl": "${openai.url}/v1", "api": "openai-completions"}}`),
    });
  });
  after(async () => {
    const output = await world.close();
    assertNoSecrets([output.stdout, output.stderr], SECRETS);
    assert.doesNotMatch(output.stdout + output.stderr, /internal error/);
  });

  test("`…@constructor` and other property names as a pin: 404 Auth profile not found", async () => {
    for (const id of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const answer = await messages(world, `anthropic/${OPUS}@${id}`);
      // Before issue 6: profiles["constructor"] was Object, and its missing provider crashed the request (500).
      assert.equal(answer.status, 404, `${id}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.message, `Auth profile "${id}" not found.`);
    }
  });

  test("profiles named `__proto__` and `openai:constructor` serve when pinned", async () => {
    const proto = await chat(world, "openai/gpt-5.2@__proto__");
    assert.equal(proto.status, 200, JSON.stringify(proto.body));
    assert.equal(world.openai.requests.at(-1)!.credential, PROTO_KEY);
    const ctor = await chat(world, "openai/gpt-5.2@openai:constructor");
    assert.equal(ctor.status, 200, JSON.stringify(ctor.body));
    assert.equal(world.openai.requests.at(-1)!.credential, CTOR_KEY);
  });

  test("`constructor/x` names an unknown provider (404, not 500); a provider configured as `__proto__` serves", async () => {
    for (const model of ["constructor/x", "toString/x", "hasOwnProperty/x"]) {
      const answer = await chat(world, model);
      // Before issue 6: the provider alias table answered "constructor" with Object, and the request crashed (500).
      assert.equal(answer.status, 404, `${model}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.message, `Unknown provider "${model.split("/")[0]!.toLowerCase()}" in model "${model}". Configure it under models.providers.`);
    }
    const configured = await chat(world, "__proto__/some-model");
    assert.equal(configured.status, 200, JSON.stringify(configured.body));
    const seen = world.openai.requests.at(-1)!;
    assert.deepEqual([seen.credential, seen.body.model], [CUSTOM_KEY, "some-model"]);
  });

  test("`toString`, `constructor` and `valueOf` as model ids go to the provider as written", async () => {
    for (const model of ["toString", "constructor", `anthropic/valueOf`, "hasOwnProperty"]) {
      const answer = await messages(world, model);
      assert.equal(answer.status, 200, `${model}: ${JSON.stringify(answer.body)}`);
      assert.equal(world.anthropic.requests.at(-1)!.body.model, model.replace(/^anthropic\//, ""));
    }
  });

  test("an upstream stop_reason that is a property name translates to the default, not to Object's members", async () => {
    world.anthropic.script(KEY_A, { body: (request: SeenRequest) => ({ ...anthropicMessage(request.body.model, "odd"), stop_reason: "constructor" }) });
    const client = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: `anthropic/${OPUS}`, messages: [{ role: "user", content: "x" }] });
    assert.equal(completion.choices[0]!.finish_reason, "stop");
  });

  test("a pin with a right-to-left override is a 400 naming it escaped", async () => {
    const answer = await messages(world, `anthropic/${OPUS}@anthropic:\u202Ea`);
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error.type, "invalid_request_error");
    assert.match(answer.body.error.message, /profile id "anthropic:\\u202Ea" contains a control or bidirectional-override character \(U\+202E\)/);
    assert.doesNotMatch(answer.body.error.message, /\u202E/);
  });
});

describe("an order entry naming a profile that is not stored", () => {
  let world: GatewayWorld;
  before(async () => {
    world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) }, order: { anthropic: ["anthropic:gone", "anthropic:a"] } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
  });
  after(async () => {
    const output = await world.close();
    assertNoSecrets([output.stdout, output.stderr], SECRETS);
  });

  test("[gone, a]: served by a, and the gateway log says gone is skipped", async () => {
    const answer = await messages(world, `anthropic/${OPUS}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(world.anthropic.requests.at(-1)!.credential, KEY_A);
    assert.match(world.gateway.output().stderr, /warning: order\.anthropic in auth-profiles\.json names anthropic:gone, which is not a stored profile; it is skipped/);
  });

  test("[gone] only: the order counts as absent, so the stored profile still serves (not 503 No credentials)", async () => {
    const warnings = () => world.gateway.output().stderr.split("names anthropic:gone").length - 1;
    const warningsBefore = warnings();
    writeFileSync(world.home.storePath, JSON.stringify({ version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) }, order: { anthropic: ["anthropic:gone"] } }, null, 2), {
      mode: 0o600,
    });
    // /health reloads changed files before it answers, so the next request sees the hand edit for sure.
    const health = await fetch(`${world.gateway.url}/health`);
    assert.equal(((await health.json()) as { ok: boolean }).ok, true);
    const mark = world.anthropic.requests.length;
    const answer = await messages(world, `anthropic/${OPUS}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(world.anthropic.requests.length, mark + 1);
    assert.equal(world.anthropic.requests.at(-1)!.credential, KEY_A);
    // The reload warned again, once.
    await waitFor("the reload's warning", () => warnings() === warningsBefore + 1);
  });
});
