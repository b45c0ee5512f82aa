// `openclaw models auth …`: storing, listing, ordering and removing credentials,
// scripted through stdin the way automation uses them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  aliceSecrets,
  assertNoSecrets,
  copyAliceFixture,
  fixtureOutput,
  inTempHome,
  readJson,
  runCli,
  writeJson,
  type CliResult,
} from "../helpers/cli.ts";

const SETUP_TOKEN = "sk-ant-oat01-" + "Q".repeat(95);
const ANTHROPIC_KEY = "sk-ant-api03-" + "K".repeat(90);
const OPENROUTER_TOKEN = "sk-or-v1-" + "R".repeat(64);

function firstErrorLine(result: CliResult): string {
  return result.stderr.split("\n")[0]!;
}

describe("paste-token", () => {
  test("stores a token from stdin under <provider>:manual and records config metadata", () =>
    inTempHome(async (home) => {
      const result = await runCli(["models", "auth", "paste-token", "--provider", "openrouter"], { home: home.home, stdin: `  ${OPENROUTER_TOKEN}\n` });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.trimEnd().split("\n"), [
        "Updated ~/.openclaw/openclaw.json",
        "Auth profile: openrouter:manual (openrouter/token)",
        "Stored in ~/.openclaw/agents/main/agent/auth-profiles.json",
      ]);
      const store = readJson(home.storePath);
      assert.deepEqual(store, { version: 1, profiles: { "openrouter:manual": { type: "token", provider: "openrouter", token: OPENROUTER_TOKEN } } });
      assert.deepEqual(readJson(home.configPath).auth.profiles, { "openrouter:manual": { provider: "openrouter", mode: "token" } });
      assert.equal(statSync(home.storePath).mode & 0o777, 0o600);
      assert.equal(statSync(home.agentDir).mode & 0o777, 0o700);
      assertNoSecrets([result.stdout, result.stderr], [OPENROUTER_TOKEN]);
    }));

  test("--expires-in sets the expiry; a bad duration is a usage error that writes nothing", () =>
    inTempHome(async (home) => {
      const before = Date.now();
      const ok = await runCli(["models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:laptop", "--expires-in", "30d"], { home: home.home, stdin: SETUP_TOKEN });
      assert.equal(ok.code, 0, ok.stderr);
      const expires = readJson(home.storePath).profiles["anthropic:laptop"].expires;
      assert.ok(expires >= before + 30 * 86_400_000 && expires <= Date.now() + 30 * 86_400_000);

      const bad = await runCli(["models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:other", "--expires-in", "3x"], { home: home.home, stdin: SETUP_TOKEN });
      assert.equal(bad.code, 1);
      assert.equal(firstErrorLine(bad), "Error: --expires-in: invalid duration: 3x");
      assert.equal(readJson(home.storePath).profiles["anthropic:other"], undefined);
    }));

  test("refuses an empty stdin, an API key pasted as an Anthropic token, and a profile id of another provider", () =>
    inTempHome(async (home) => {
      const empty = await runCli(["models", "auth", "paste-token", "--provider", "openrouter"], { home: home.home, stdin: "\n" });
      assert.equal(empty.code, 1);
      assert.equal(firstErrorLine(empty), "Error: No token on stdin.");

      const apiKey = await runCli(["models", "auth", "paste-token", "--provider", "anthropic"], { home: home.home, stdin: ANTHROPIC_KEY });
      assert.equal(apiKey.code, 1);
      assert.match(firstErrorLine(apiKey), /This is an Anthropic API key, not a token; store it with `openclaw models auth paste-api-key --provider anthropic`/);

      const wrongId = await runCli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "anthropic:x"], { home: home.home, stdin: OPENROUTER_TOKEN });
      assert.equal(wrongId.code, 1);
      assert.equal(firstErrorLine(wrongId), 'Error: Profile id "anthropic:x" is for anthropic, not openrouter.');

      const missingFlag = await runCli(["models", "auth", "paste-token"], { home: home.home, stdin: OPENROUTER_TOKEN });
      assert.equal(missingFlag.code, 1);
      assert.equal(firstErrorLine(missingFlag), "Error: required option '--provider <name>' not specified");

      assert.equal(existsSync(home.storePath), false);
      assert.equal(existsSync(home.configPath), false);
      assertNoSecrets([empty, apiKey, wrongId, missingFlag].flatMap((r) => [r.stdout, r.stderr]), [ANTHROPIC_KEY, OPENROUTER_TOKEN]);
    }));

  test("moves the profile to the front of an existing config order and clears the old credential's cooldown", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const config = readJson(home.configPath);
      config.auth.order = { anthropic: ["anthropic:work", "anthropic:manual"] };
      writeJson(home.configPath, config);
      const result = await runCli(["models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:work"], { home: home.home, stdin: SETUP_TOKEN });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Auth profile: anthropic:work \(anthropic\/token\) \(replaced the previous credential\)/);
      const store = readJson(home.storePath);
      assert.deepEqual(store.profiles["anthropic:work"], { type: "token", provider: "anthropic", token: SETUP_TOKEN });
      assert.equal(store.usageStats?.["anthropic:work"], undefined);
      assert.equal(Object.keys(store.profiles).length, 6);
      assert.deepEqual(readJson(home.configPath).auth.order.anthropic, ["anthropic:work", "anthropic:manual"]);
      assert.deepEqual(readJson(home.configPath).auth.profiles["anthropic:work"], { provider: "anthropic", mode: "token" });
    }));
});

describe("paste-api-key and setup-token", () => {
  test("paste-api-key stores <provider>:default as api_key; refuses a setup-token for anthropic", () =>
    inTempHome(async (home) => {
      const ok = await runCli(["models", "auth", "paste-api-key", "--provider", "anthropic"], { home: home.home, stdin: ANTHROPIC_KEY });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^Auth profile: anthropic:default \(anthropic\/api_key\)$/m);
      assert.deepEqual(readJson(home.storePath).profiles["anthropic:default"], { type: "api_key", provider: "anthropic", key: ANTHROPIC_KEY });
      const status = await runCli(["models", "status", "--check"], { home: home.home });
      assert.equal(status.code, 0);

      const token = await runCli(["models", "auth", "paste-api-key", "--provider", "anthropic", "--profile-id", "anthropic:t"], { home: home.home, stdin: SETUP_TOKEN });
      assert.equal(token.code, 1);
      assert.match(firstErrorLine(token), /This is an Anthropic setup-token, not an API key/);
      assertNoSecrets([ok, token, status].flatMap((r) => [r.stdout, r.stderr]), [ANTHROPIC_KEY, SETUP_TOKEN]);
    }));

  test("setup-token validates like OpenClaw and stores anthropic:manual without an expiry", () =>
    inTempHome(async (home) => {
      const cases: [string, string][] = [
        [ANTHROPIC_KEY, "Error: Expected token starting with sk-ant-oat01-"],
        ["sk-ant-oat01-short", "Error: Token looks too short; paste the full setup-token"],
        ["", "Error: No setup-token on stdin."],
      ];
      for (const [input, message] of cases) {
        const bad = await runCli(["models", "auth", "setup-token"], { home: home.home, stdin: input });
        assert.equal(bad.code, 1);
        assert.equal(firstErrorLine(bad), message);
      }
      assert.equal(existsSync(home.storePath), false);

      const other = await runCli(["models", "auth", "setup-token", "--provider", "openai"], { home: home.home, stdin: SETUP_TOKEN });
      assert.equal(firstErrorLine(other), "Error: Only --provider anthropic is supported for setup-token.");

      // An earlier expiry on the same id is replaced (the new token has none).
      await runCli(["models", "auth", "paste-token", "--provider", "anthropic", "--expires-in", "1h"], { home: home.home, stdin: SETUP_TOKEN });
      // A token wrapped over two lines is refused (issue 6: not joined silently), then pasted as one piece.
      const wrapped = await runCli(["models", "auth", "setup-token", "--provider", "anthropic"], { home: home.home, stdin: `${SETUP_TOKEN.slice(0, 40)}\n${SETUP_TOKEN.slice(40)}\n` });
      assert.equal(wrapped.code, 1);
      assert.equal(firstErrorLine(wrapped), "Error: The setup-token contains a line break: paste it as one piece, on one line.");
      assert.equal(typeof readJson(home.storePath).profiles["anthropic:manual"].expires, "number", "the refused token must not replace the stored one");
      const ok = await runCli(["models", "auth", "setup-token", "--provider", "anthropic"], { home: home.home, stdin: `${SETUP_TOKEN}\n` });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^Auth profile: anthropic:manual \(anthropic\/token\)/m);
      assert.match(ok.stdout, /use an API key instead: openclaw models auth paste-api-key --provider anthropic/);
      assert.deepEqual(readJson(home.storePath).profiles["anthropic:manual"], { type: "token", provider: "anthropic", token: SETUP_TOKEN });
      assertNoSecrets([wrapped.stdout, wrapped.stderr, ok.stdout, ok.stderr], [SETUP_TOKEN]);
    }));

  test("models auth add needs a terminal and says what to use instead", () =>
    inTempHome(async (home) => {
      const result = await runCli(["models", "auth", "add"], { home: home.home });
      assert.equal(result.code, 1);
      assert.equal(firstErrorLine(result), "Error: `models auth add` is interactive and needs a terminal.");
      assert.match(result.stderr, /paste-api-key --provider <p>/);
    }));
});

describe("list, logout", () => {
  test("list shows every profile masked with health and cooldown; --json too", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const text = await runCli(["models", "auth", "list"], { home: home.home });
      assert.equal(text.code, 0);
      const lines = text.stdout.trimEnd().split("\n");
      assert.equal(lines[0], "Agent: main");
      assert.equal(lines[1], "Auth file: ~/.openclaw/agents/main/agent/auth-profiles.json");
      assert.match(lines[2]!, /^Profile\s+Type\s+Credential\s+Status$/);
      assert.match(text.stdout, /^anthropic:work\s+api_key\s+sk-ant-a\.\.\.4a3VMG8a\s+static \[cooldown 4m\]$/m);
      assert.match(text.stdout, /^anthropic:old\s+token\s+token:sk-ant-o\.\.\.XYAdP7Wj\s+expired 1h ago$/m);
      assert.match(text.stdout, /^openai-codex:default\s+oauth\s+OAuth\s+expired \(refreshable\) 1m ago$/m);

      const json = JSON.parse((await runCli(["models", "auth", "list", "--json", "--provider", "anthropic"], { home: home.home })).stdout);
      assert.deepEqual(
        json.profiles.map((p: { profileId: string }) => p.profileId),
        ["anthropic:manual", "anthropic:old", "anthropic:soon", "anthropic:work"],
      );
      assert.equal(json.profiles.find((p: { profileId: string }) => p.profileId === "anthropic:work").unusable.kind, "cooldown");
      assertNoSecrets([text.stdout, JSON.stringify(json)], aliceSecrets());
    }));

  test("logout removes the credential, its usage, its order entries, lastGood and config metadata together", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const store = readJson(home.storePath);
      store.lastGood = { anthropic: "anthropic:work" };
      writeJson(home.storePath, store);
      const config = readJson(home.configPath);
      config.auth.profiles["anthropic:work"] = { provider: "anthropic", mode: "api_key" };
      config.auth.order = { anthropic: ["anthropic:work"] };
      writeJson(home.configPath, config);

      const result = await runCli(["models", "auth", "logout", "anthropic:work"], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Removed auth profile anthropic:work\.$/m);
      const after = readJson(home.storePath);
      assert.equal(after.profiles["anthropic:work"], undefined);
      assert.equal(after.usageStats?.["anthropic:work"], undefined);
      assert.deepEqual(after.order, { anthropic: ["anthropic:manual"] });
      assert.deepEqual(after.lastGood, {});
      assert.equal(Object.keys(after.profiles).length, 5);
      const afterConfig = readJson(home.configPath);
      assert.equal(afterConfig.auth.profiles["anthropic:work"], undefined);
      assert.equal(afterConfig.auth.order, undefined);
      assert.deepEqual(afterConfig.auth.profiles["anthropic:manual"], { provider: "anthropic", mode: "token" });

      const missing = await runCli(["models", "auth", "logout", "anthropic:work"], { home: home.home });
      assert.equal(missing.code, 1);
      assert.equal(firstErrorLine(missing), `Error: Auth profile "anthropic:work" not found in ~/.openclaw/agents/main/agent.`);
    }));
});

describe("order get/set/clear", () => {
  test("outputs match OpenClaw's, and set/clear write only the agent's store", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const get = await runCli(["models", "auth", "order", "get", "--provider", "anthropic"], { home: home.home });
      assert.equal(get.stdout.trimEnd(), fixtureOutput("models-auth-order-get.txt").text.trimEnd());
      const getJson = await runCli(["models", "auth", "order", "get", "--provider", "anthropic", "--json"], { home: home.home });
      assert.equal(getJson.stdout.trimEnd(), fixtureOutput("models-auth-order-get--json.txt").text.trimEnd().split("/home/alice").join(home.home));

      const storeBeforeSet = readJson(home.storePath);
      const set = await runCli(["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work", "anthropic:manual", "anthropic:work"], { home: home.home });
      assert.equal(set.stdout.trimEnd(), fixtureOutput("models-auth-order-set.txt").text.trimEnd());
      // What it printed is what it stored (deduplicated), and nothing else in the store changed.
      assert.deepEqual(readJson(home.storePath), { ...storeBeforeSet, order: { anthropic: ["anthropic:work", "anthropic:manual"] } });
      const reversed = await runCli(["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:manual", "anthropic:work"], { home: home.home });
      assert.equal(reversed.code, 0, reversed.stderr);
      assert.deepEqual(readJson(home.storePath).order, { anthropic: ["anthropic:manual", "anthropic:work"] });

      const clear = await runCli(["models", "auth", "order", "clear", "--provider", "anthropic"], { home: home.home });
      assert.equal(clear.stdout.trimEnd(), "Cleared per-agent order override.");
      assert.equal(readJson(home.storePath).order, undefined);
      const none = await runCli(["models", "auth", "order", "get", "--provider", "anthropic"], { home: home.home });
      assert.match(none.stdout, /^Order override: \(none\)$/m);
      const noneJson = JSON.parse((await runCli(["models", "auth", "order", "get", "--provider", "anthropic", "--json"], { home: home.home })).stdout);
      assert.equal(noneJson.order, null);
    }));

  test("set refuses missing, unknown and foreign ids with OpenClaw's messages", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const before = readFileSync(home.storePath);
      const cases: [string[], string][] = [
        [[], "Error: Missing profile ids. Provide one or more profile ids."],
        [["anthropic:nope"], `Error: Auth profile "anthropic:nope" not found in ~/.openclaw/agents/main/agent.`],
        [["openrouter:default"], 'Error: Auth profile "openrouter:default" is for openrouter, not anthropic.'],
      ];
      for (const [ids, message] of cases) {
        const result = await runCli(["models", "auth", "order", "set", "--provider", "anthropic", ...ids], { home: home.home });
        assert.equal(result.code, 1);
        assert.equal(firstErrorLine(result), message);
      }
      assert.deepEqual(readFileSync(home.storePath), before);
    }));
});

describe("agents", () => {
  test("--agent writes to that agent's own store; it still sees the default agent's profiles", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const config = readJson(home.configPath);
      config.agents.list = [{ id: "main" }, { id: "work" }];
      writeJson(home.configPath, config);
      const mainBefore = readFileSync(home.storePath);
      const workStore = join(home.stateDir, "agents", "work", "agent", "auth-profiles.json");

      const add = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--agent", "work"], { home: home.home, stdin: "sk-proj-" + "W".repeat(60) });
      assert.equal(add.code, 0, add.stderr);
      assert.deepEqual(Object.keys(readJson(workStore).profiles), ["openai:default"]);
      assert.deepEqual(readFileSync(home.storePath), mainBefore);

      const order = await runCli(["models", "auth", "order", "set", "--provider", "anthropic", "--agent", "work", "anthropic:manual"], { home: home.home });
      assert.equal(order.code, 0, order.stderr);
      assert.deepEqual(readJson(workStore).order, { anthropic: ["anthropic:manual"] });
      assert.deepEqual(readFileSync(home.storePath), mainBefore);

      const list = JSON.parse((await runCli(["models", "auth", "list", "--json", "--agent", "work"], { home: home.home })).stdout);
      const inherited = Object.fromEntries(list.profiles.map((p: { profileId: string; inherited: boolean }) => [p.profileId, p.inherited]));
      assert.equal(inherited["openai:default"], false);
      assert.equal(inherited["anthropic:manual"], true);

      const otherProvider = await runCli(["models", "auth", "order", "get", "--provider", "openai", "--agent", "work"], { home: home.home });
      assert.match(otherProvider.stdout, /^Order override: \(none\)$/m);

      const logoutInherited = await runCli(["models", "auth", "logout", "anthropic:manual", "--agent", "work"], { home: home.home });
      assert.equal(logoutInherited.code, 1);
      assert.match(firstErrorLine(logoutInherited), /belongs to the default agent \(main\), not work/);
    }));

  test("an order inherited from the default agent is shown as such, and clearing it names the right agent", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const config = readJson(home.configPath);
      config.agents.list = [{ id: "main" }, { id: "work" }];
      writeJson(home.configPath, config);
      const mainBefore = readFileSync(home.storePath);

      const get = await runCli(["models", "auth", "order", "get", "--provider", "anthropic", "--agent", "work"], { home: home.home });
      assert.match(get.stdout, /^Order override: anthropic:work, anthropic:manual \(inherited from main\)$/m);
      const json = JSON.parse((await runCli(["models", "auth", "order", "get", "--provider", "anthropic", "--agent", "work", "--json"], { home: home.home })).stdout);
      assert.deepEqual([json.order, json.inheritedFrom], [["anthropic:work", "anthropic:manual"], "main"]);

      const clear = await runCli(["models", "auth", "order", "clear", "--provider", "anthropic", "--agent", "work"], { home: home.home });
      assert.equal(clear.code, 0);
      assert.equal(clear.stdout.trimEnd(), "No per-agent order override to clear.");
      assert.match(clear.stderr, /openclaw models auth order clear --provider anthropic --agent main/);
      assert.deepEqual(readFileSync(home.storePath), mainBefore);
      assert.equal(existsSync(join(home.stateDir, "agents", "work")), false, "nothing was written for work");
    }));

  test("a legacy auth.json is imported as <provider>:default and kept as auth.json.migrated", () =>
    inTempHome(async (home) => {
      mkdirSync(home.agentDir, { recursive: true });
      const legacyKey = "sk-ant-api03-" + "L".repeat(80);
      writeFileSync(join(home.agentDir, "auth.json"), JSON.stringify({ anthropic: { type: "api_key", key: legacyKey } }));
      const status = await runCli(["models", "status", "--check"], { home: home.home });
      assert.equal(status.code, 0, status.stdout);
      assert.match(status.stdout, /anthropic:default=sk-ant-a\.\.\.LLLLLLLL/);
      assert.equal(existsSync(home.storePath), false, "status only reads");

      const write = await runCli(["models", "auth", "paste-api-key", "--provider", "openai"], { home: home.home, stdin: "sk-proj-" + "O".repeat(60) });
      assert.equal(write.code, 0, write.stderr);
      assert.deepEqual(Object.keys(readJson(home.storePath).profiles).sort(), ["anthropic:default", "openai:default"]);
      assert.equal(existsSync(join(home.agentDir, "auth.json")), false);
      assert.equal(JSON.parse(readFileSync(join(home.agentDir, "auth.json.migrated"), "utf8")).anthropic.key, legacyKey);
      assertNoSecrets([status.stdout, status.stderr, write.stdout, write.stderr], [legacyKey]);
    }));
});
