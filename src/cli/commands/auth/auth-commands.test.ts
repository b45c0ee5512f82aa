// `models auth …` and `models status --check`, run in this process against a
// fake CliIO (test/helpers/in-process.ts): the same behaviour the end-to-end
// tests (test/e2e/auth-commands.test.ts, status.test.ts) check through the
// built CLI, without a process per command. Every test also checks that no
// secret reaches stdout or stderr.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { assertNoSecrets, writeJson } from "../../../../test/helpers/cli.ts";
import { runInProcess, withInProcessHome, type InProcessHome, type InProcessResult } from "../../../../test/helpers/in-process.ts";
import { run as list } from "./list.ts";
import { run as logout } from "./logout.ts";
import { run as order, type OrderOptions } from "./order.ts";
import { run as pasteApiKey } from "./paste-api-key.ts";
import { run as pasteToken } from "./paste-token.ts";
import { run as status } from "../models/status.ts";

const NOW = Date.UTC(2026, 10, 29, 14, 17);
const HOUR = 3_600_000;
const ANTHROPIC_KEY = "sk-ant-api03-" + "K".repeat(60) + "inprocessTAIL123";
const OPENAI_KEY = "sk-proj-" + "O".repeat(50) + "inprocessTAIL456";
const SETUP_TOKEN = "sk-ant-oat01-" + "Q".repeat(95);
const SECRETS = [ANTHROPIC_KEY, OPENAI_KEY, SETUP_TOKEN];

async function readStore(home: InProcessHome): Promise<any> {
  return JSON.parse(await readFile(home.storePath, "utf8"));
}

/** Keeps every result of a test, so that one check covers all of their output. */
function session(home: InProcessHome) {
  const results: InProcessResult[] = [];
  const keep = async (result: Promise<InProcessResult>) => {
    const done = await result;
    results.push(done);
    return done;
  };
  return {
    pasteApiKey: (provider: string, stdin: string, profileId?: string) =>
      keep(runInProcess(pasteApiKey, { provider, ...(profileId ? { profileId } : {}) }, { home, stdin, now: NOW })),
    pasteToken: (provider: string, stdin: string, expiresIn?: string) =>
      keep(runInProcess(pasteToken, { provider, ...(expiresIn ? { expiresIn } : {}) }, { home, stdin, now: NOW })),
    list: (options: { json?: boolean; provider?: string } = {}) => keep(runInProcess(list, options, { home, now: NOW })),
    order: (action: OrderOptions["action"], provider: string, profileIds: string[] = [], json?: boolean) =>
      keep(runInProcess(order, { action, provider, profileIds, ...(json ? { json } : {}) }, { home, now: NOW })),
    logout: (profileId: string) => keep(runInProcess(logout, { profileId, yes: true }, { home, now: NOW })),
    check: (now = NOW, env?: Record<string, string>) => keep(runInProcess(status, { check: true }, { home, now, ...(env ? { env } : {}) })),
    assertNoSecrets: () => assertNoSecrets(results.flatMap((r) => [r.stdout, r.stderr]), SECRETS),
  };
}

function firstErrorLine(result: InProcessResult): string {
  return result.stderr.split("\n")[0]!;
}

describe("paste-api-key, list (in process)", () => {
  test("a key from stdin is stored as <provider>:default and listed masked, as text and JSON", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      const pasted = await cli.pasteApiKey("anthropic", `  ${ANTHROPIC_KEY}\n`);
      assert.equal(pasted.code, 0, pasted.stderr);
      assert.deepEqual(pasted.stdout.trimEnd().split("\n"), [
        "Updated ~/.openclaw/openclaw.json",
        "Auth profile: anthropic:default (anthropic/api_key)",
        "Stored in ~/.openclaw/agents/main/agent/auth-profiles.json",
      ]);
      assert.deepEqual(await readStore(home), { version: 1, profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key: ANTHROPIC_KEY } } });
      assert.equal((await cli.pasteApiKey("openai", OPENAI_KEY, "openai:work")).code, 0);

      const text = await cli.list();
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.trimEnd().split("\n");
      assert.equal(lines[0], "Agent: main");
      assert.equal(lines[1], "Auth file: ~/.openclaw/agents/main/agent/auth-profiles.json");
      assert.match(lines[2]!, /^Profile\s+Type\s+Credential\s+Status$/);
      assert.match(text.stdout, /^anthropic:default\s+api_key\s+sk-ant-a\.\.\.sTAIL123\s+static$/m);
      assert.match(text.stdout, /^openai:work\s+api_key\s+sk-proj-\.\.\.sTAIL456\s+static$/m);

      const json = await cli.list({ json: true, provider: "anthropic" });
      assert.equal(json.code, 0, json.stderr);
      const doc = JSON.parse(json.stdout);
      assert.equal(doc.agentId, "main");
      assert.deepEqual(
        doc.profiles.map((p: { profileId: string; type: string; inherited: boolean }) => [p.profileId, p.type, p.inherited]),
        [["anthropic:default", "api_key", false]],
      );
      cli.assertNoSecrets();
    }));

  test("a setup-token pasted as an Anthropic API key, or an empty stdin, is refused and nothing is written", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      const token = await cli.pasteApiKey("anthropic", SETUP_TOKEN);
      assert.equal(token.code, 1);
      assert.match(firstErrorLine(token), /^Error: This is an Anthropic setup-token, not an API key/);
      const empty = await cli.pasteApiKey("openai", "\n");
      assert.equal(empty.code, 1);
      await assert.rejects(readFile(home.storePath), { code: "ENOENT" });
      cli.assertNoSecrets();
    }));
});

describe("order get/set/clear, logout (in process)", () => {
  test("set is stored and shown by get (text and JSON); clear removes it", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      assert.equal((await cli.pasteApiKey("anthropic", ANTHROPIC_KEY)).code, 0);
      assert.equal((await cli.pasteApiKey("anthropic", ANTHROPIC_KEY.replace("K", "L"), "anthropic:work")).code, 0);

      const set = await cli.order("set", "anthropic", ["anthropic:work", "anthropic:default", "anthropic:work"]);
      assert.equal(set.code, 0, set.stderr);
      assert.deepEqual(set.stdout.trimEnd().split("\n"), ["Agent: main", "Provider: anthropic", "Order override: anthropic:work, anthropic:default"]);
      assert.deepEqual((await readStore(home)).order, { anthropic: ["anthropic:work", "anthropic:default"] });

      const get = await cli.order("get", "anthropic");
      assert.match(get.stdout, /^Order override: anthropic:work, anthropic:default$/m);
      const getJson = JSON.parse((await cli.order("get", "anthropic", [], true)).stdout);
      assert.deepEqual(getJson.order, ["anthropic:work", "anthropic:default"]);

      const unknown = await cli.order("set", "anthropic", ["anthropic:nope"]);
      assert.equal(unknown.code, 1);
      assert.match(firstErrorLine(unknown), /^Error: Auth profile "anthropic:nope" not found in /);
      assert.deepEqual((await readStore(home)).order, { anthropic: ["anthropic:work", "anthropic:default"] }, "a refused set writes nothing");

      const clear = await cli.order("clear", "anthropic");
      assert.equal(clear.stdout.trimEnd(), "Cleared per-agent order override.");
      assert.equal((await readStore(home)).order, undefined);
      assert.equal(JSON.parse((await cli.order("get", "anthropic", [], true)).stdout).order, null);
      cli.assertNoSecrets();
    }));

  test("logout removes the profile and its order entry; a second logout is an error", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      await cli.pasteApiKey("anthropic", ANTHROPIC_KEY);
      await cli.pasteApiKey("anthropic", ANTHROPIC_KEY.replace("K", "L"), "anthropic:work");
      await cli.order("set", "anthropic", ["anthropic:work", "anthropic:default"]);

      const out = await cli.logout("anthropic:work");
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /^Removed auth profile anthropic:work\.$/m);
      const store = await readStore(home);
      assert.deepEqual(Object.keys(store.profiles), ["anthropic:default"]);
      assert.deepEqual(store.order, { anthropic: ["anthropic:default"] });
      assert.equal(JSON.parse(await readFile(home.configPath, "utf8")).auth.profiles["anthropic:work"], undefined);
      assert.doesNotMatch((await cli.list()).stdout, /anthropic:work/);

      const again = await cli.logout("anthropic:work");
      assert.equal(again.code, 1);
      assert.equal(firstErrorLine(again), `Error: Auth profile "anthropic:work" not found in ~/.openclaw/agents/main/agent.`);
      cli.assertNoSecrets();
    }));
});

describe("models status --check exit codes (in process)", () => {
  test("nothing stored for the default anthropic model: 1, and says how to add it", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      const result = await cli.check();
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^Missing auth$/m);
      assert.match(result.stdout, /^- anthropic Run `openclaw models auth paste-api-key --provider anthropic`/m);
    }));

  test("an API key for the provider in use: 0; a key in the environment counts too", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      assert.equal((await cli.check(NOW, { ANTHROPIC_API_KEY: ANTHROPIC_KEY })).code, 0);
      await cli.pasteApiKey("anthropic", ANTHROPIC_KEY);
      assert.equal((await cli.check()).code, 0);
      cli.assertNoSecrets();
    }));

  test("a token expiring within 24 h: 2; the same token once expired: 1", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      const pasted = await cli.pasteToken("anthropic", SETUP_TOKEN, "1h");
      assert.equal(pasted.code, 0, pasted.stderr);
      assert.equal((await readStore(home)).profiles["anthropic:manual"].expires, NOW + HOUR, "the fake clock dates the token");
      assert.equal((await cli.check(NOW)).code, 2);
      assert.equal((await cli.check(NOW + 2 * HOUR)).code, 1);
      cli.assertNoSecrets();
    }));

  test("an expired token is 1 even beside a working key; a configured fallback without auth is 1", () =>
    withInProcessHome(async (home) => {
      const cli = session(home);
      writeJson(home.storePath, {
        version: 1,
        profiles: {
          "anthropic:old": { type: "token", provider: "anthropic", token: SETUP_TOKEN, expires: NOW - HOUR },
          "anthropic:default": { type: "api_key", provider: "anthropic", key: ANTHROPIC_KEY },
        },
      });
      assert.equal((await cli.check()).code, 1);

      writeJson(home.storePath, { version: 1, profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key: ANTHROPIC_KEY } } });
      assert.equal((await cli.check()).code, 0);
      writeJson(home.configPath, { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] } } } });
      const fallback = await cli.check();
      assert.equal(fallback.code, 1);
      assert.match(fallback.stdout, /^- openai Run `openclaw models auth paste-api-key --provider openai` or set OPENAI_API_KEY\.$/m);
      cli.assertNoSecrets();
    }));
});

describe("models status: the missing-auth hint (in process)", () => {
  test("a provider with no key variable (Vertex AI) gets the paste command, not `set undefined`", () =>
    withInProcessHome(async (home) => {
      await writeJson(home.configPath, { agents: { defaults: { model: { primary: "google-vertex/gemini-2.5-pro" } } } });
      const result = await runInProcess(status, {}, { home, now: NOW });
      assert.match(result.stdout, /^- google-vertex Run `openclaw models auth paste-api-key --provider google-vertex`\.$/m);
      assert.doesNotMatch(result.stdout, /undefined/);
    }));
});
