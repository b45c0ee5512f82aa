// The real CLI and gateway on a copy of a state made by the real OpenClaw
// 2026.9.6 (test/fixtures/openclaw-2026.9.6): credentials in SQLite rows
// (state/openclaw.sqlite `authProfiles.store`, the main agent's order in
// agents/main/agent/openclaw-agent.sqlite), read as 2026.9 shows them, written
// where 2026.9 keeps them and nowhere else, refused beside a legacy JSON store,
// served by the gateway, and kept whole under concurrent writers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets, runCli, type CliResult } from "../helpers/cli.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-upstream.ts";
import { health, spawnGateway, usageWritten, waitFor, type GatewayWorld, type TestGateway } from "../helpers/gateway.ts";
import { FIXTURE_GATEWAY_TOKEN, FIXTURE_PROFILE_IDS, copyFixture2026, findFiles, fixture2026Output, inFixture2026, type Fixture2026 } from "../helpers/fixture-2026-9.ts";

const HOUR = 3_600_000;
const OPENAI_KEY = "sk-proj-" + "N".repeat(40) + "-e2e2026-" + "1".repeat(40);
const OPENAI_KEY_2 = "sk-proj-" + "M".repeat(40) + "-e2e2026-" + "2".repeat(40);
const ANTHROPIC_KEY = "sk-ant-api03-" + "Q".repeat(40) + "-e2e2026-" + "3".repeat(40);
const SETUP_TOKEN = "sk-ant-oat01-" + "S".repeat(60) + "-e2e2026-" + "4".repeat(30);
const OPENROUTER_TOKEN = "sk-or-v1-" + "T".repeat(30) + "-e2e2026-" + "3".repeat(30);
const concurrentKey = (n: number) => `sk-proj-conc${n}-${"c".repeat(40)}-${String(n).padStart(4, "0")}`;
const OUR_SECRETS = [OPENAI_KEY, OPENAI_KEY_2, ANTHROPIC_KEY, SETUP_TOKEN, OPENROUTER_TOKEN, FIXTURE_GATEWAY_TOKEN, ...Array.from({ length: 10 }, (_, n) => concurrentKey(n))];

/** Everything any command or gateway printed, and every answer a client got: no secret may be in it. */
const printed: string[] = [];
let fixtureSecrets: string[] = [];
before(() => {
  const probe = copyFixture2026();
  fixtureSecrets = probe.secrets;
  probe.cleanup();
  assert.equal(fixtureSecrets.length, 4);
});
after(() => assertNoSecrets(printed, [...fixtureSecrets, ...OUR_SECRETS]));

async function run(fx: Fixture2026, args: string[], stdin?: string): Promise<CliResult> {
  const result = await runCli(args, { home: fx.home, ...(stdin !== undefined ? { stdin } : {}) });
  printed.push(result.stdout, result.stderr);
  return result;
}

async function ok(fx: Fixture2026, args: string[], stdin?: string): Promise<CliResult> {
  const result = await run(fx, args, stdin);
  assert.equal(result.code, 0, `openclaw ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Everything a write must leave alone, to compare after it. */
function snapshot(fx: Fixture2026) {
  return {
    counts: fx.tableCounts(),
    sharedStore: fx.machineRow("authProfiles.store"),
    sharedState: fx.machineRow("authProfiles.state"),
    owner: fx.machineRow("auth.sharedStore"),
    agentStore: fx.agentRow("auth_profile_store"),
    agentState: fx.agentRow("auth_profile_state"),
    config: fx.config(),
  };
}

/** What must hold after every write on a 2026.9 state: no JSON store made, a config 2026.9 accepts, no other table touched. */
function assertEraKept(fx: Fixture2026, before: ReturnType<typeof snapshot>, changedCounts: Record<string, number> = {}): void {
  assert.deepEqual(findFiles(fx.stateDir, "auth-profiles.json"), [], "no auth-profiles.json anywhere under the state dir");
  assert.deepEqual(findFiles(fx.stateDir, "auth-state.json"), []);
  const config = fx.config();
  assert.equal(config.meta?.lastTouchedAt, undefined, "2026.9 rejects meta.lastTouchedAt");
  assert.equal(config.meta?.lastTouchedVersion, "2026.9.6");
  assert.deepEqual(config.meta?.migrations, before.config.meta.migrations);
  assert.equal(config.gateway?.mode, "local");
  assert.equal(config.gateway?.auth?.token, FIXTURE_GATEWAY_TOKEN);
  assert.deepEqual(fx.machineRow("auth.sharedStore"), { location: "state-db" });
  assert.deepEqual(fx.tableCounts(), { ...before.counts, ...changedCounts }, "row counts of every other table unchanged");
}

describe("reading the 2026.9 fixture", () => {
  test("models status shows the agent database as the auth store and the state database as where the profiles come from", () =>
    inFixture2026(async (fx) => {
      const status = await ok(fx, ["models", "status"]);
      const real = fixture2026Output("models-status.txt").text;
      for (const line of ["Auth store    : ~/.openclaw/agents/main/agent/openclaw-agent.sqlite", "Agent dir     : ~/.openclaw/agents/main/agent", "Default       : anthropic/claude-opus-5", "Providers w/ OAuth/tokens (2): anthropic (1), openrouter (1)"]) {
        assert.ok(real.includes(line), `the real output has: ${line}`);
        assert.ok(status.stdout.includes(line), `ours has: ${line}\n${status.stdout}`);
      }
      for (const provider of ["anthropic", "openai", "openrouter"]) {
        assert.match(status.stdout, new RegExp(`^- ${provider} effective=profiles:~/\\.openclaw/state/openclaw\\.sqlite \\|`, "m"));
      }
      assert.match(status.stdout, /^- anthropic effective=.*\| profiles=2 .*anthropic:default=sk-ant-a\.\.\.aaaaaaaa, anthropic:work=token:sk-ant-o\.\.\.cccccccc$/m);
    }));

  test("models status --check: 0 when nothing expires within 24 h, 2 when anthropic:work does, 1 once the provider's only token has expired", () =>
    inFixture2026(async (fx) => {
      fx.setExpires("anthropic:work", Date.now() + 7 * 24 * HOUR);
      assert.equal((await run(fx, ["models", "status", "--check"])).code, 0);

      fx.setExpires("anthropic:work", Date.now() + 2 * HOUR);
      const expiring = await run(fx, ["models", "status", "--check"]);
      assert.equal(expiring.code, 2, expiring.stderr);
      assert.equal(fixture2026Output("models-status--check.txt").exit, 2, "the real release gave 2 with 2 h left");
      assert.match(expiring.stdout, /^ {2}- anthropic:work expiring expires in (1h|2h|1\d\dm)/m);

      // anthropic:work as anthropic's only credential (2026.9.6 gives 1 here too: scripts/compare-with-openclaw.sh).
      await ok(fx, ["models", "auth", "logout", "anthropic:default", "--yes"]);
      fx.setExpires("anthropic:work", Date.now() - HOUR);
      const expired = await run(fx, ["models", "status", "--check"]);
      assert.equal(expired.code, 1, expired.stdout);
      assert.match(expired.stdout, /anthropic:work expired/);
      // Without --check, status reports and succeeds.
      assert.equal((await run(fx, ["models", "status"])).code, 0);
    }));

  // The real 2026.9.6 (run side by side by scripts/compare-with-openclaw.sh) leaves an expired token out of the
  // provider's effective profiles: with anthropic:default still usable, anthropic is "static" and --check exits 0.
  test("models status --check: an expired token beside a usable anthropic:default exits 0, as 2026.9.6 does", () =>
    inFixture2026(async (fx) => {
      fx.setExpires("anthropic:work", Date.now() - HOUR);
      const expired = await run(fx, ["models", "status", "--check"]);
      assert.match(expired.stdout, /anthropic:work expired/);
      assert.equal(expired.code, 0, expired.stdout);
    }));

  test("models status --json has the same paths and profiles as the real release", () =>
    inFixture2026(async (fx) => {
      const ours = JSON.parse((await ok(fx, ["models", "status", "--json"])).stdout);
      const real = JSON.parse(fixture2026Output("models-status--json.txt").text);
      assert.equal(ours.configPath, fx.configPath);
      assert.equal(ours.agentDir, fx.agentDir);
      assert.equal(ours.defaultModel, real.defaultModel);
      assert.equal(ours.auth.storePath, fx.agentDb);
      assert.deepEqual(ours.auth.providersWithOAuth, real.auth.providersWithOAuth);
      assert.deepEqual(ours.auth.missingProvidersInUse, []);
      const summary = (providers: any[]) => providers.map((p) => ({ provider: p.provider, effective: p.effective, count: p.profiles.count, oauth: p.profiles.oauth, token: p.profiles.token, apiKey: p.profiles.apiKey }));
      assert.deepEqual(summary(ours.auth.providers), summary(real.auth.providers));
    }));

  test("models auth list (+ --json) lists the four profiles", () =>
    inFixture2026(async (fx) => {
      const list = await ok(fx, ["models", "auth", "list"]);
      const rows = list.stdout.split("\n").filter((line) => /^\S+:\S+\s/.test(line)).map((line) => line.split(/\s+/)[0]);
      assert.deepEqual(rows, ["anthropic:default", "anthropic:work", "openai:manual", "openrouter:manual"]);
      assert.match(list.stdout, /~\/\.openclaw\/agents\/main\/agent\/openclaw-agent\.sqlite/);

      const json = JSON.parse((await ok(fx, ["models", "auth", "list", "--json"])).stdout);
      const real = JSON.parse(fixture2026Output("auth-list--json.txt").text.replace(/^[^{]*/, ""));
      assert.equal(json.agentId, "main");
      assert.equal(json.authStorePath, real.authStatePath);
      assert.deepEqual(
        json.profiles.map((p: any) => [p.profileId, p.provider, p.type]),
        real.profiles.map((p: any) => [p.id, p.provider, p.type]),
      );
      assert.equal(json.profiles.find((p: any) => p.profileId === "anthropic:work").expiresAt, new Date(real.profiles[1].expiresAt).getTime());
    }));

  test("order get reads the main agent's own order row", () =>
    inFixture2026(async (fx) => {
      const json = JSON.parse((await ok(fx, ["models", "auth", "order", "get", "--provider", "anthropic", "--json"])).stdout);
      const real = JSON.parse(fixture2026Output("order-get-json.txt").text.replace(/^[^{]*/, ""));
      assert.deepEqual(json.order, real.order);
      assert.equal(json.authStorePath, real.authStatePath);
    }));
});

describe("writes land in 2026.9's rows and nowhere else", () => {
  // 2026.9 names a pasted API key <provider>:manual (fixture README), but Anthropic's anthropic:default
  // (seen by scripts/compare-with-openclaw.sh); setup-token writes anthropic:default too.
  test("paste-api-key without --profile-id writes openai:manual and anthropic:default, as 2026.9 does", () =>
    inFixture2026(async (fx) => {
      await ok(fx, ["models", "auth", "paste-api-key", "--provider", "openai"], `${OPENAI_KEY}\n`);
      const store = fx.sharedStore();
      assert.equal(store.profiles["openai:manual"].key, OPENAI_KEY);
      assert.equal(store.profiles["openai:default"], undefined);
      await ok(fx, ["models", "auth", "paste-api-key", "--provider", "anthropic"], `${ANTHROPIC_KEY}\n`);
      const after = fx.sharedStore();
      assert.equal(after.profiles["anthropic:default"].key, ANTHROPIC_KEY);
      assert.equal(after.profiles["anthropic:manual"], undefined);
    }));

  test("setup-token without --profile-id writes anthropic:default, as 2026.9 does (2026.2.26: anthropic:manual)", () =>
    inFixture2026(async (fx) => {
      await ok(fx, ["models", "auth", "setup-token"], `${SETUP_TOKEN}\n`);
      const store = fx.sharedStore();
      assert.deepEqual(store.profiles["anthropic:default"], { type: "token", provider: "anthropic", token: SETUP_TOKEN });
      assert.equal(store.profiles["anthropic:manual"], undefined);
    }));

  test("paste-api-key (stdin) replaces openai:manual in authProfiles.store; nothing else moves", () =>
    inFixture2026(async (fx) => {
      const before = snapshot(fx);
      const result = await ok(fx, ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:manual"], `${OPENAI_KEY}\n`);
      assert.match(result.stdout, /^Auth profile: openai:manual \(openai\/api_key\) \(replaced the previous credential\)$/m);
      // The credential went to the shared store in the state database, not to the agent's (the `Auth store`).
      assert.match(result.stdout, /^Stored in ~\/\.openclaw\/state\/openclaw\.sqlite$/m);
      const store = fx.sharedStore();
      assert.deepEqual(Object.keys(store.profiles), FIXTURE_PROFILE_IDS, "ids keep their order");
      assert.deepEqual(store.profiles["openai:manual"], { type: "api_key", provider: "openai", key: OPENAI_KEY });
      for (const id of FIXTURE_PROFILE_IDS.filter((id) => id !== "openai:manual")) assert.deepEqual(store.profiles[id], before.sharedStore.profiles[id]);
      assert.deepEqual(fx.agentRow("auth_profile_store"), before.agentStore, "the agent's own (empty) store row is unchanged");
      assert.deepEqual(fx.agentRow("auth_profile_state"), before.agentState);
      assert.equal(fx.machineRow("authProfiles.state"), undefined);
      assert.deepEqual(fx.config().auth, before.config.auth, "the config already had openai:manual");
      assertEraKept(fx, before);

      // A new id is appended, and its config metadata recorded.
      await ok(fx, ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:second"], OPENAI_KEY_2);
      assert.deepEqual(Object.keys(fx.sharedStore().profiles), [...FIXTURE_PROFILE_IDS, "openai:second"]);
      assert.deepEqual(fx.config().auth.profiles["openai:second"], { provider: "openai", mode: "api_key" });
      assertEraKept(fx, before);
    }));

  test("paste-token --provider openrouter replaces openrouter:manual", () =>
    inFixture2026(async (fx) => {
      const before = snapshot(fx);
      await ok(fx, ["models", "auth", "paste-token", "--provider", "openrouter"], `${OPENROUTER_TOKEN}\n`);
      const store = fx.sharedStore();
      assert.deepEqual(store.profiles["openrouter:manual"], { type: "token", provider: "openrouter", token: OPENROUTER_TOKEN });
      assert.deepEqual(Object.keys(store.profiles), FIXTURE_PROFILE_IDS);
      assert.deepEqual(store.profiles["anthropic:work"], before.sharedStore.profiles["anthropic:work"]);
      assert.deepEqual(fx.agentRow("auth_profile_state"), before.agentState);
      assertEraKept(fx, before);
    }));

  test("order set / get / clear use the agent database's auth_profile_state row", () =>
    inFixture2026(async (fx) => {
      const before = snapshot(fx);
      await ok(fx, ["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:default", "anthropic:work"]);
      assert.deepEqual(fx.agentRow("auth_profile_state"), { version: 1, order: { anthropic: ["anthropic:default", "anthropic:work"] } });
      assert.equal(fx.machineRow("authProfiles.state"), undefined, "order is per agent, not in the shared store");
      assert.deepEqual(fx.sharedStore(), before.sharedStore);
      assert.deepEqual(fx.agentRow("auth_profile_store"), before.agentStore);
      assertEraKept(fx, before);

      await ok(fx, ["models", "auth", "order", "set", "--provider", "openai", "openai:manual"]);
      assert.deepEqual(fx.agentRow("auth_profile_state"), { version: 1, order: { anthropic: ["anthropic:default", "anthropic:work"], openai: ["openai:manual"] } });
      const got = JSON.parse((await ok(fx, ["models", "auth", "order", "get", "--provider", "anthropic", "--json"])).stdout);
      assert.deepEqual(got.order, ["anthropic:default", "anthropic:work"]);

      await ok(fx, ["models", "auth", "order", "clear", "--provider", "openai"]);
      assert.deepEqual(fx.agentRow("auth_profile_state"), { version: 1, order: { anthropic: ["anthropic:default", "anthropic:work"] } });
      await ok(fx, ["models", "auth", "order", "clear", "--provider", "anthropic"]);
      // (2026.9 words it "… cleared; using order from config: …"; ours "Cleared per-agent order override.")
      assert.equal(JSON.parse((await ok(fx, ["models", "auth", "order", "get", "--provider", "anthropic", "--json"])).stdout).order, null);
      // Nothing left in the state document: 2026.9 deletes the row.
      assert.equal(fx.agentRow("auth_profile_state"), undefined);
      assert.deepEqual(fx.config().auth.order, before.config.auth.order, "the config order is left alone");
      assertEraKept(fx, before, { "agent/auth_profile_state": 0 });
    }));

  test("logout removes the profile from authProfiles.store, the agent's order and the config", () =>
    inFixture2026(async (fx) => {
      fx.setExpires("anthropic:work", Date.now() + 2 * HOUR);
      const before = snapshot(fx);
      await ok(fx, ["models", "auth", "logout", "anthropic:work", "--yes"]);
      const store = fx.sharedStore();
      assert.deepEqual(Object.keys(store.profiles), ["anthropic:default", "openrouter:manual", "openai:manual"]);
      assert.deepEqual(fx.agentRow("auth_profile_state"), { version: 1, order: { anthropic: ["anthropic:default"] } });
      const config = fx.config();
      assert.equal(config.auth.profiles["anthropic:work"], undefined);
      assert.deepEqual(config.auth.order.anthropic, ["anthropic:default"]);
      assertEraKept(fx, before);
      assert.equal((await run(fx, ["models", "status", "--check"])).code, 0, "what is left does not expire");
    }));

  test("models set writes the config only, as 2026.9 accepts it", () =>
    inFixture2026(async (fx) => {
      const before = snapshot(fx);
      await ok(fx, ["models", "set", "openai/gpt-5.2"]);
      const config = fx.config();
      assert.equal(config.agents.defaults.model.primary, "openai/gpt-5.2");
      assert.deepEqual(config.agents.entries, before.config.agents.entries);
      assert.deepEqual(config.wizard, before.config.wizard);
      assert.deepEqual(fx.sharedStore(), before.sharedStore);
      assert.deepEqual(fx.agentRow("auth_profile_state"), before.agentState);
      assertEraKept(fx, before);
      assert.match((await ok(fx, ["models", "status"])).stdout, /^Default\s+: openai\/gpt-5\.2$/m);
    }));

  test("models list, aliases and fallbacks read and write the 2026.9 config, as it accepts it", () =>
    inFixture2026(async (fx) => {
      const before = snapshot(fx);
      assert.match((await ok(fx, ["models", "list"])).stdout, /anthropic\/claude-opus-5/);
      await ok(fx, ["models", "aliases", "add", "fast", "anthropic/claude-haiku-4-5"]);
      await ok(fx, ["models", "fallbacks", "add", "openai/gpt-5.2"]);
      const config = fx.config();
      assert.equal(config.agents.defaults.models["anthropic/claude-haiku-4-5"].alias, "fast");
      assert.deepEqual(config.agents.defaults.model.fallbacks, ["openai/gpt-5.2"]);
      assert.deepEqual(config.agents.entries, before.config.agents.entries);
      assertEraKept(fx, before);
      assert.match((await ok(fx, ["models", "aliases", "list"])).stdout, /fast/);
      assert.match((await ok(fx, ["models", "fallbacks", "list"])).stdout, /openai\/gpt-5\.2/);
    }));
});

describe("a legacy auth-profiles.json beside the database (mid-migration)", () => {
  const LEGACY = { version: 1, profiles: { "x:y": { type: "api_key", provider: "openai", key: "sk-test" } } };
  const MESSAGE = "Auth profile store ~/.openclaw/agents/main/agent/openclaw-agent.sqlite requires legacy credential migration; affected providers: openai; run openclaw doctor --fix.";

  test("status, status --check and auth list stop with 2026.9's message and exit 1; paste-api-key changes neither store", () =>
    inFixture2026(async (fx) => {
      const legacyPath = join(fx.agentDir, "auth-profiles.json");
      const legacyText = JSON.stringify(LEGACY, null, 2) + "\n";
      writeFileSync(legacyPath, legacyText, { mode: 0o600 });
      const before = snapshot(fx);
      for (const args of [["models", "status"], ["models", "status", "--check"], ["models", "auth", "list"]]) {
        const result = await run(fx, args);
        assert.equal(result.code, 1, `${args.join(" ")}: ${result.stdout}`);
        assert.ok(result.stderr.includes(MESSAGE), `${args.join(" ")}:\n${result.stderr}`);
      }
      const paste = await run(fx, ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:manual"], OPENAI_KEY);
      assert.equal(paste.code, 1);
      assert.ok(paste.stderr.includes(MESSAGE), paste.stderr);
      assert.deepEqual(snapshot(fx), before, "neither database nor the config changed");
      assert.equal(readFileSync(legacyPath, "utf8"), legacyText, "the legacy file is left for 2026.9's doctor");
    }));
});

describe("the gateway on the 2026.9 fixture", () => {
  interface FixtureWorld extends GatewayWorld {
    fx: Fixture2026;
  }

  /** Fake upstreams named in the fixture's config (models.providers.<id>.baseUrl), and the real gateway with the fixture's own token. */
  async function startFixtureWorld(fx: Fixture2026): Promise<FixtureWorld> {
    const [anthropic, openai] = await Promise.all([startFakeProvider("anthropic"), startFakeProvider("openai")]);
    const config = fx.config();
    config.models = { providers: { anthropic: { baseUrl: anthropic.url }, openai: { baseUrl: `${openai.url}/v1` }, openrouter: { baseUrl: `${openai.url}/v1` } } };
    writeFileSync(fx.configPath, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
    let gateway: TestGateway;
    try {
      gateway = await spawnGateway(fx, { env: { OPENCLAW_GATEWAY_TOKEN: undefined } });
    } catch (error) {
      await Promise.all([anthropic.close(), openai.close()]);
      throw error;
    }
    return {
      fx,
      anthropic,
      openai,
      home: fx,
      gateway,
      close: async () => {
        const result = await gateway.stop();
        await Promise.all([anthropic.close(), openai.close()]);
        printed.push(result.stdout, result.stderr);
        return { stdout: result.stdout, stderr: result.stderr };
      },
    };
  }

  const openaiClient = (world: FixtureWorld) => new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: FIXTURE_GATEWAY_TOKEN, maxRetries: 0 });
  const anthropicClient = (world: FixtureWorld) => new Anthropic({ baseURL: world.gateway.url, apiKey: FIXTURE_GATEWAY_TOKEN, maxRetries: 0 });

  async function askOpenai(world: FixtureWorld, text = "hi"): Promise<string | undefined> {
    const mark = world.openai.requests.length;
    const completion = await openaiClient(world).chat.completions.create({ model: "openai/gpt-5.2", messages: [{ role: "user", content: text }] });
    printed.push(JSON.stringify(completion));
    const seen = world.openai.requests.slice(mark);
    assert.equal(seen.length, 1, "exactly one upstream call");
    return seen[0]!.credential;
  }

  async function askAnthropic(world: FixtureWorld, text = "hi"): Promise<string | undefined> {
    const mark = world.anthropic.requests.length;
    const message = await anthropicClient(world).messages.create({ model: "anthropic/claude-opus-5", max_tokens: 16, messages: [{ role: "user", content: text }] });
    printed.push(JSON.stringify(message));
    const seen = world.anthropic.requests.slice(mark);
    assert.equal(seen.length, 1, "exactly one upstream call");
    return seen[0]!.credential;
  }

  test("serves with the fixture's credentials, writes usage to authProfiles.state, and uses a key pasted meanwhile on the very next request", async () => {
    const fx = copyFixture2026();
    fx.setExpires("anthropic:work", Date.now() + 2 * HOUR);
    const fixtureStore = fx.sharedStore();
    let world: FixtureWorld | undefined;
    try {
      world = await startFixtureWorld(fx);
      const before = snapshot(fx);
      const writes = (await health(world)).usage.writes;
      assert.equal(await askOpenai(world), fixtureStore.profiles["openai:manual"].key);
      // The order in the agent's row puts anthropic:work (a token) first.
      assert.equal(await askAnthropic(world), fixtureStore.profiles["anthropic:work"].token);
      await usageWritten(world, writes);
      const state = await waitFor("usage of both profiles in authProfiles.state", () => {
        const row = fx.machineRow("authProfiles.state");
        return row?.usageStats?.["openai:manual"]?.lastUsed && row?.usageStats?.["anthropic:work"]?.lastUsed ? row : undefined;
      });
      assert.equal(state.version, 1);
      assert.ok(state.usageStats["openai:manual"].lastUsed >= Date.now() - 60_000);
      assert.deepEqual(fx.sharedStore(), fixtureStore, "usage does not touch the credentials row");
      assert.deepEqual(fx.agentRow("auth_profile_state"), before.agentState, "usage of shared profiles goes to the shared store");
      assert.deepEqual(findFiles(fx.stateDir, "auth-profiles.json"), []);
      assert.deepEqual(findFiles(fx.stateDir, "auth-state.json"), []);
      assertEraKept(fx, before, { "state/config_machine_state": before.counts["state/config_machine_state"]! + 1 });

      // A new key through the CLI while the gateway runs: the very next request uses it.
      await ok(fx, ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:manual"], `${OPENAI_KEY}\n`);
      assert.equal(await askOpenai(world, "after paste"), OPENAI_KEY);
      const writes2 = (await health(world)).usage.writes;
      assert.equal(await askOpenai(world), OPENAI_KEY);
      await usageWritten(world, writes2);
      // The gateway's usage write kept the CLI's key.
      assert.equal(fx.sharedStore().profiles["openai:manual"].key, OPENAI_KEY);
      assert.equal(await askOpenai(world), OPENAI_KEY);
      assert.equal((await health(world)).ok, true);
    } finally {
      await world?.close();
      fx.cleanup();
    }
  });

  test("10 CLI writers in parallel while the gateway writes usage: nothing is lost", async (t) => {
    const fx = copyFixture2026();
    fx.setExpires("anthropic:work", Date.now() + 2 * HOUR);
    let world: FixtureWorld | undefined;
    try {
      world = await startFixtureWorld(fx);
      const writesBefore = (await health(world)).usage.writes;
      let serving = true;
      let served = 0;
      const traffic = (async () => {
        while (serving) {
          assert.equal(await askAnthropic(world!, `request ${served}`), fx.secrets[2], "anthropic:work serves throughout");
          served++;
        }
      })();
      const N = 10;
      const results = await Promise.all(
        Array.from({ length: N }, (_, n) => run(fx, ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", `openai:c${n}`], concurrentKey(n))),
      );
      serving = false;
      await traffic;
      for (const [n, result] of results.entries()) assert.equal(result.code, 0, `writer ${n}: ${result.stderr}`);
      assert.ok(served > 0);
      t.diagnostic(`${served} requests served while ${N} writers ran; usage writes: ${(await health(world)).usage.writes - writesBefore}`);
      await usageWritten(world, writesBefore);

      const store = fx.sharedStore();
      const ids = Array.from({ length: N }, (_, n) => `openai:c${n}`);
      assert.deepEqual(Object.keys(store.profiles).slice(0, 4), FIXTURE_PROFILE_IDS, "the fixture's profiles are all there, first");
      assert.deepEqual(Object.keys(store.profiles).sort(), [...FIXTURE_PROFILE_IDS, ...ids].sort());
      for (const [n, id] of ids.entries()) assert.equal(store.profiles[id].key, concurrentKey(n));
      const configured = Object.keys(fx.config().auth.profiles);
      for (const id of [...FIXTURE_PROFILE_IDS, ...ids]) assert.ok(configured.includes(id), `config auth.profiles has ${id}`);
      const state = fx.machineRow("authProfiles.state");
      assert.ok(state?.usageStats?.["anthropic:work"]?.lastUsed, `usage recorded: ${JSON.stringify(state)}`);
      assert.deepEqual(fx.agentRow("auth_profile_state"), { version: 1, order: { anthropic: ["anthropic:work", "anthropic:default"] } });
      assert.deepEqual(findFiles(fx.stateDir, "auth-profiles.json"), []);
      // The gateway sees every new profile.
      const list = JSON.parse((await ok(fx, ["models", "auth", "list", "--json"])).stdout);
      assert.equal(list.profiles.length, 4 + N);
      assert.ok(existsSync(fx.stateDb));
    } finally {
      await world?.close();
      fx.cleanup();
    }
  });
});
