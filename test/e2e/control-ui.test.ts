// The Control UI's page and admin endpoints (issue 9) through the real gateway: GET / without
// a token (and nothing else without one), POST /api/order as `models auth order set|clear`,
// POST /api/cooldowns/clear, bad input as 400s, and both state eras (auth-profiles.json and
// OpenClaw 2026.9's SQLite).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeHome, readJson, writeJson } from "../helpers/cli.ts";
import { startFakeProvider } from "../helpers/fake-upstream.ts";
import { FIXTURE_GATEWAY_TOKEN, copyFixture2026 } from "../helpers/fixture-2026-9.ts";
import { GATEWAY_TOKEN, apiKeyProfile, health, spawnGateway, startWorld, storeWhen, usageWritten, waitFor, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-controlA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-controlB-" + "2".repeat(40);
const KEY_C = "sk-ant-api03-" + "c".repeat(40) + "-controlC-" + "3".repeat(40);
const OPENAI_KEY = "sk-proj-" + "o".repeat(30) + "-controlO-" + "4".repeat(30);
const SECRETS = [KEY_A, KEY_B, KEY_C, OPENAI_KEY, GATEWAY_TOKEN, FIXTURE_GATEWAY_TOKEN];
const { clientVisible, closeWorld } = watchForLeaks(SECRETS);

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function call(url: string, path: string, init: { method?: string; body?: unknown; raw?: string; token?: string | null; type?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? GATEWAY_TOKEN}`;
  if (init.body !== undefined || init.raw !== undefined) headers["content-type"] = init.type ?? "application/json";
  const response = await fetch(`${url}${path}`, { method: init.method ?? (init.body !== undefined || init.raw !== undefined ? "POST" : "GET"), headers, body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
  const text = await response.text();
  clientVisible.push(text);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function ask(world: GatewayWorld, text = "hi"): Promise<string | undefined> {
  const mark = world.anthropic.requests.length;
  const answer = await call(world.gateway.url, "/v1/chat/completions", { body: { model: "anthropic/claude-opus-4-6", messages: [{ role: "user", content: text }] } });
  assert.equal(answer.status, 200, answer.text);
  return world.anthropic.requests[mark]?.credential;
}

describe("the Control UI on a JSON state dir", () => {
  let world: GatewayWorld;
  const api = (path: string, init?: Parameters<typeof call>[2]) => call(world.gateway.url, path, init);

  before(async () => {
    world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "anthropic:c": apiKeyProfile("anthropic", KEY_C),
          "openai:default": apiKeyProfile("openai", OPENAI_KEY),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b", "anthropic:c"] },
        usageStats: { "anthropic:a": { lastUsed: 1_000 } },
      },
      config: { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } } },
    });
  });
  after(() => closeWorld(world));

  test("GET / serves the page without a token, with a strict CSP; its files and the favicon too; nothing else is open", async () => {
    const page = await api("/", { token: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    const csp = page.headers.get("content-security-policy")!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    assert.equal(page.headers.get("cache-control"), "no-cache");
    assert.match(page.text, /<title>OpenClaw Control<\/title>/);
    assert.doesNotMatch(page.text, /<script>|style=|https?:\/\//, "no inline script or style, nothing from elsewhere");
    for (const [path, type] of [
      ["/control-ui/app.js", /^text\/javascript/],
      ["/control-ui/style.css", /^text\/css/],
    ] as const) {
      const file = await api(path, { token: null });
      assert.equal(file.status, 200, path);
      assert.match(file.headers.get("content-type")!, type);
      assert.equal(file.headers.get("x-content-type-options"), "nosniff");
      assert.ok(file.text.length > 500, path);
      // Revalidation: the same ETag answers 304.
      const again = await fetch(`${world.gateway.url}${path}`, { headers: { "if-none-match": file.headers.get("etag")! } });
      assert.equal(again.status, 304);
    }
    const js = (await api("/control-ui/app.js", { token: null })).text;
    assert.match(js, /sessionStorage/);
    assert.doesNotMatch(js, /localStorage|innerHTML|eval\(/, "the token stays in the tab; gateway text is never HTML");
    const favicon = await fetch(`${world.gateway.url}/favicon.ico`);
    assert.equal(favicon.status, 204);
    for (const [method, path] of [
      ["GET", "/api/status"],
      ["GET", "/api/order"],
      ["POST", "/api/order"],
      ["POST", "/api/cooldowns/clear"],
    ] as const) {
      const refused = await api(path, { method, token: null, ...(method === "POST" ? { body: { provider: "anthropic", order: null } } : {}) });
      assert.equal(refused.status, 401, `${method} ${path} without a token`);
      const wrong = await api(path, { method, token: "not-the-token", ...(method === "POST" ? { body: { profileId: "anthropic:a" } } : {}) });
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
    }
    assert.equal(readJson(world.home.storePath).order.anthropic.length, 3, "refused requests changed nothing");
  });

  test("GET /api/order: the effective order per provider and the next profile", async () => {
    const answer = await api("/api/order");
    assert.equal(answer.status, 200, answer.text);
    const anthropic = answer.json.providers.find((p: any) => p.provider === "anthropic");
    assert.deepEqual(anthropic.override, ["anthropic:a", "anthropic:b", "anthropic:c"]);
    assert.equal(anthropic.source, "override");
    assert.deepEqual(anthropic.effective, ["anthropic:a", "anthropic:b", "anthropic:c"]);
    assert.equal(anthropic.next, "anthropic:a");
    const openai = answer.json.providers.find((p: any) => p.provider === "openai");
    assert.equal(openai.source, "round-robin");
    assert.equal(openai.next, "openai:default");
  });

  test("POST /api/order sets the order as `order set` does, and the very next request follows it; null clears it", async () => {
    const set = await api("/api/order", { body: { provider: "Anthropic", order: ["anthropic:c", " anthropic:a ", "anthropic:c"] } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.provider, "anthropic");
    assert.deepEqual(set.json.order.effective, ["anthropic:c", "anthropic:a"], "trimmed and deduplicated, like the CLI");
    assert.equal(set.json.order.next, "anthropic:c");
    assert.deepEqual(set.json.order.unused, ["anthropic:b"]);
    const store = readJson(world.home.storePath);
    assert.deepEqual(store.order, { anthropic: ["anthropic:c", "anthropic:a"] });
    assert.deepEqual(Object.keys(store.profiles), ["anthropic:a", "anthropic:b", "anthropic:c", "openai:default"], "profiles kept");
    assert.equal(store.usageStats["anthropic:a"].lastUsed, 1_000, "usage kept");
    assert.equal(await ask(world), KEY_C);

    const cleared = await api("/api/order", { body: { provider: "anthropic", order: null } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.cleared, true);
    assert.equal(cleared.json.order.override, null);
    assert.equal(cleared.json.order.source, "round-robin");
    assert.equal(readJson(world.home.storePath).order, undefined, "an empty order map is removed, as `order clear` does");
    const again = await api("/api/order", { body: { provider: "anthropic", order: null } });
    assert.equal(again.status, 200);
    assert.equal(again.json.cleared, false, "nothing to clear is not an error");

    const restored = await api("/api/order", { body: { provider: "anthropic", order: ["anthropic:a", "anthropic:b", "anthropic:c"] } });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(await ask(world), KEY_A);
  });

  test("bad input is a 400 saying what is wrong, and writes nothing", async () => {
    await waitFor("earlier usage written", async () => {
      const { usage } = await health(world);
      return usage.pending === 0 && !usage.writing;
    });
    const before = readJson(world.home.storePath);
    const cases: [string, Parameters<typeof call>[2], number, RegExp][] = [
      ["/api/order", { body: { provider: "anthropic", order: ["anthropic:nope"] } }, 400, /Auth profile "anthropic:nope" not found/],
      ["/api/order", { body: { provider: "anthropic", order: ["anthropic:a", "openai:default"] } }, 400, /"openai:default" is for openai, not anthropic/],
      ["/api/order", { body: { provider: "anthropic", order: [] } }, 400, /empty/],
      ["/api/order", { body: { provider: "anthropic", order: "anthropic:a" } }, 400, /must be an array/],
      ["/api/order", { body: { provider: "anthropic", order: [42] } }, 400, /order\[0\]/],
      ["/api/order", { body: { provider: "anthropic" } }, 400, /"order" is missing/],
      ["/api/order", { body: { order: null } }, 400, /"provider" must be a non-empty string/],
      ["/api/order", { body: { provider: "  ", order: null } }, 400, /"provider"/],
      ["/api/order", { body: { provider: "anthropic", order: ["anthropic:\u202ea"] } }, 400, /order\[0\]/],
      ["/api/order", { raw: "{not json" }, 400, /not valid JSON/],
      ["/api/order", { raw: "[1,2]" }, 400, /JSON object/],
      ["/api/order", { raw: "" }, 400, /empty/],
      ["/api/order", { raw: JSON.stringify({ provider: "anthropic", order: null }), type: "text/plain" }, 415, /application\/json/],
      ["/api/order", { raw: JSON.stringify({ provider: "x".repeat(70_000), order: null }) }, 413, /limit/],
      ["/api/order", { method: "PUT", body: { provider: "anthropic", order: null } }, 405, /PUT is not allowed/],
      ["/api/cooldowns/clear", { body: { profileId: "anthropic:nope" } }, 400, /Auth profile "anthropic:nope" not found/],
      ["/api/cooldowns/clear", { body: {} }, 400, /"profileId" must be a non-empty string/],
      ["/api/cooldowns/clear", { body: { profileId: ["anthropic:a"] } }, 400, /"profileId"/],
      ["/api/cooldowns/clear", { method: "GET" }, 405, /GET is not allowed/],
      ["/api/cooldowns/clear", { body: { profileId: "__proto__" } }, 400, /not found/],
    ];
    for (const [path, init, status, message] of cases) {
      const answer = await api(path, init);
      assert.equal(answer.status, status, `${path} ${JSON.stringify(init).slice(0, 120)}: ${answer.text}`);
      assert.match(answer.json.error.message, message, `${path} ${JSON.stringify(init).slice(0, 120)}`);
    }
    assert.deepEqual(readJson(world.home.storePath), before, "the store is unchanged");
    assert.equal((await health(world)).ok, true);

    // A store broken by hand cannot be changed: a 409 that says why, not a 5xx, and the file is left alone.
    const text = '{"version": 1, "profiles": {';
    writeFileSync(world.home.storePath, text);
    await waitFor("the gateway to notice the broken store", async () => !(await health(world)).ok);
    for (const [path, body] of [
      ["/api/order", { provider: "anthropic", order: ["anthropic:a"] }],
      ["/api/cooldowns/clear", { profileId: "anthropic:a" }],
    ] as const) {
      const refused = await api(path, { body });
      assert.equal(refused.status, 409, `${path}: ${refused.text}`);
      assert.match(refused.json.error.message, /The auth store cannot be changed now: .*auth-profiles\.json/);
    }
    assert.equal(readFileSync(world.home.storePath, "utf8"), text);
    writeJson(world.home.storePath, before);
    await waitFor("the store repaired", async () => (await health(world)).ok);
  });

  test("POST /api/cooldowns/clear ends a 429's model cooldown and a disable, keeps the rest, and the profile serves again", async () => {
    const writes = (await health(world)).usage.writes;
    world.anthropic.script(KEY_A, { status: 429, headers: { "retry-after": "600" }, body: { type: "error", error: { type: "rate_limit_error", message: "slow down" } } }, {});
    assert.equal(await ask(world, "first"), KEY_A);
    assert.equal(world.anthropic.requests.at(-1)!.credential, KEY_B, "failed over to b");
    await usageWritten(world, writes);
    const cooled = await storeWhen(world, "a's model cooldown on disk", (store) => store.usageStats?.["anthropic:a"]?.modelCooldowns?.["claude-opus-4-6"] !== undefined);
    assert.ok(cooled.usageStats["anthropic:a"].modelCooldowns["claude-opus-4-6"].until > Date.now() + 500_000);
    const status = await api("/api/status");
    assert.ok(status.json.auth.unusableProfiles.some((w: any) => w.profileId === "anthropic:a" && w.model === "claude-opus-4-6"));
    assert.equal((await api("/api/order")).json.providers.find((p: any) => p.provider === "anthropic").effective.at(-1), "anthropic:a", "a cooling profile is tried last");
    assert.equal(await ask(world, "while cooling"), KEY_B);

    const cleared = await api("/api/cooldowns/clear", { body: { profileId: "anthropic:a" } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(cleared.json, { profileId: "anthropic:a", cleared: true });
    const stats = readJson(world.home.storePath).usageStats["anthropic:a"];
    assert.equal(stats.modelCooldowns, undefined);
    assert.equal(stats.cooldownUntil, undefined);
    assert.equal(stats.errorCount, 0, "the ladder starts again");
    assert.equal(typeof stats.lastFailureAt, "number", "the last failure is kept");
    assert.equal(stats.lastUsed, cooled.usageStats["anthropic:a"].lastUsed, "last used is kept");
    assert.ok(!(await api("/api/status")).json.auth.unusableProfiles.some((w: any) => w.profileId === "anthropic:a"));
    assert.equal(await ask(world, "after clearing"), KEY_A, "the very next request uses it again");

    // A disable written by hand (billing): cleared the same way, for the profile-wide fields.
    const store = readJson(world.home.storePath);
    store.usageStats["anthropic:b"] = { ...store.usageStats["anthropic:b"], disabledUntil: Date.now() + 3_600_000, disabledReason: "billing", cooldownUntil: Date.now() + 60_000, errorCount: 3, failureCounts: { billing: 3 } };
    writeJson(world.home.storePath, store);
    await waitFor("the gateway sees b disabled", async () => (await api("/api/status")).json.auth.unusableProfiles.some((w: any) => w.profileId === "anthropic:b" && w.kind === "disabled"));
    const clearB = await api("/api/cooldowns/clear", { body: { profileId: "anthropic:b" } });
    assert.equal(clearB.json.cleared, true);
    const b = readJson(world.home.storePath).usageStats["anthropic:b"];
    for (const field of ["disabledUntil", "disabledReason", "cooldownUntil", "failureCounts"]) assert.equal(b[field], undefined, field);
    assert.equal(b.errorCount, 0);
    assert.equal(typeof b.lastUsed, "number");
    const nothing = await api("/api/cooldowns/clear", { body: { profileId: "anthropic:c" } });
    assert.equal(nothing.status, 200);
    assert.equal(nothing.json.cleared, false);
  });
});

describe("the Control UI's endpoints for an agent that reads the default agent's profiles through", () => {
  test("the order is written to the agent's own store; a cooldown kept in the default agent's store is cleared there", async () => {
    const home = makeHome();
    const workStore = join(home.stateDir, "agents", "work", "agent", "auth-profiles.json");
    writeJson(home.configPath, { agents: { list: [{ id: "main" }, { id: "work" }] } });
    const until = Date.now() + 3_600_000;
    writeJson(home.storePath, {
      version: 1,
      profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
      order: { anthropic: ["anthropic:a", "anthropic:b"] },
      usageStats: { "anthropic:a": { lastUsed: 7, cooldownUntil: until, errorCount: 1 } },
    });
    writeJson(workStore, { version: 1, profiles: { "openai:default": apiKeyProfile("openai", OPENAI_KEY) } });
    const gateway = await spawnGateway(home, { args: ["--agent", "work"] });
    const api = (path: string, init?: Parameters<typeof call>[2]) => call(gateway.url, path, init);
    try {
      const mainBefore = readFileSync(home.storePath, "utf8");
      const start = (await api("/api/order")).json;
      assert.equal(start.agentId, "work");
      const inherited = start.providers.find((p: any) => p.provider === "anthropic");
      assert.deepEqual(inherited.override, ["anthropic:a", "anthropic:b"]);
      assert.equal(inherited.overrideFrom, "main");
      assert.equal(inherited.next, "anthropic:b", "a cools down (in main's store)");

      const set = await api("/api/order", { body: { provider: "anthropic", order: ["anthropic:b", "anthropic:a"] } });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(readJson(workStore).order, { anthropic: ["anthropic:b", "anthropic:a"] });
      assert.equal(set.json.order.overrideFrom, undefined);
      assert.equal(readFileSync(home.storePath, "utf8"), mainBefore, "the default agent's store is not written");

      const clear = await api("/api/cooldowns/clear", { body: { profileId: "anthropic:a" } });
      assert.equal(clear.status, 200, clear.text);
      assert.equal(clear.json.cleared, true);
      const mainStats = readJson(home.storePath).usageStats["anthropic:a"];
      assert.equal(mainStats.cooldownUntil, undefined);
      assert.equal(mainStats.lastUsed, 7);
      assert.deepEqual(readJson(home.storePath).order, { anthropic: ["anthropic:a", "anthropic:b"] }, "main's order untouched");
      assert.ok(!(await api("/api/status")).json.auth.unusableProfiles.some((w: any) => w.profileId === "anthropic:a"), "the gateway serves the cleared state");

      const unset = await api("/api/order", { body: { provider: "anthropic", order: null } });
      assert.equal(unset.json.cleared, true);
      assert.equal(readJson(workStore).order, undefined);
      assert.deepEqual(unset.json.order.override, ["anthropic:a", "anthropic:b"], "main's order applies again");
      assert.equal(unset.json.order.overrideFrom, "main");
      assert.equal(unset.json.order.next, "anthropic:a");
    } finally {
      const result = await gateway.stop();
      clientVisible.push(result.stdout, result.stderr);
      home.cleanup();
    }
  });
});

describe("the Control UI's endpoints on OpenClaw 2026.9's SQLite state", () => {
  test("order set/clear land in the agent database's order row; a cooldown in authProfiles.state is cleared", async () => {
    const fx = copyFixture2026();
    const [anthropic, openai] = await Promise.all([startFakeProvider("anthropic"), startFakeProvider("openai")]);
    const config = fx.config();
    config.models = { providers: { anthropic: { baseUrl: anthropic.url }, openai: { baseUrl: `${openai.url}/v1` }, openrouter: { baseUrl: `${openai.url}/v1` } } };
    writeFileSync(fx.configPath, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
    const state = fx.machineRow("authProfiles.state") ?? { version: 1 };
    const until = Date.now() + 3_600_000;
    state.usageStats = { ...state.usageStats, "openai:manual": { ...state.usageStats?.["openai:manual"], lastUsed: 5, cooldownUntil: until, errorCount: 2 } };
    fx.setMachineRow("authProfiles.state", state);
    const gateway = await spawnGateway(fx, { env: { OPENCLAW_GATEWAY_TOKEN: undefined } });
    const api = (path: string, init: Parameters<typeof call>[2] = {}) => call(gateway.url, path, { token: FIXTURE_GATEWAY_TOKEN, ...init });
    try {
      const agentStateBefore = fx.agentRow("auth_profile_state");
      const set = await api("/api/order", { body: { provider: "anthropic", order: ["anthropic:default", "anthropic:work"] } });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(fx.agentRow("auth_profile_state").order.anthropic, ["anthropic:default", "anthropic:work"]);
      assert.deepEqual(set.json.order.override, ["anthropic:default", "anthropic:work"]);
      const wrong = await api("/api/order", { body: { provider: "anthropic", order: ["openai:manual"] } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.json.error.message, /is for openai, not anthropic/);
      const cleared = await api("/api/order", { body: { provider: "anthropic", order: null } });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(fx.agentRow("auth_profile_state")?.order?.anthropic, undefined);
      assert.notDeepEqual(agentStateBefore?.order?.anthropic, undefined, "the fixture had an order to clear");

      const status = await api("/api/status");
      assert.ok(status.json.auth.unusableProfiles.some((w: any) => w.profileId === "openai:manual"));
      const clear = await api("/api/cooldowns/clear", { body: { profileId: "openai:manual" } });
      assert.equal(clear.status, 200, clear.text);
      assert.equal(clear.json.cleared, true);
      const after = fx.machineRow("authProfiles.state").usageStats["openai:manual"];
      assert.equal(after.cooldownUntil, undefined);
      assert.equal(after.lastUsed, 5);
      assert.ok(!(await api("/api/status")).json.auth.unusableProfiles.some((w: any) => w.profileId === "openai:manual"));
      assert.equal(fx.sharedStore().profiles["openai:manual"].type, "api_key", "credentials untouched");
    } finally {
      const result = await gateway.stop();
      clientVisible.push(result.stdout, result.stderr);
      await Promise.all([anthropic.close(), openai.close()]);
      fx.cleanup();
    }
  });
});
