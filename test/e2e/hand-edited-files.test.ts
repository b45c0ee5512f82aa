// Issue 6 "Files": what a hand-edited store or config can hold, through the
// built CLI. Ids that are JavaScript property names (`constructor`, `__proto__`,
// `toString` …) are ordinary ids; numbers that read as infinity and ids with
// hidden characters are refused in words; an order entry naming a profile that
// is gone is skipped with a warning.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { aliceSecrets, assertNoSecrets, copyAliceFixture, inTempHome, readJson, runCli, writeJson, type TempHome } from "../helpers/cli.ts";

const OPENAI_KEY = "sk-proj-" + "C".repeat(60);
const PROTO_KEY = "sk-ant-api03-" + "P".repeat(80);
const NEW_KEY = "sk-proj-" + "N".repeat(60);
const SECRETS = [OPENAI_KEY, PROTO_KEY, NEW_KEY];

const PROPERTY_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

const firstLine = (text: string) => text.split("\n")[0]!;

/** A store written by hand with bare `constructor` and `__proto__` profiles (JSON.stringify would turn a `__proto__` key into a prototype). */
function writeStoreWithPropertyNameIds(home: TempHome): string {
  const text = [
    "{",
    '  "version": 1,',
    '  "profiles": {',
    `    "constructor": { "type": "api_key", "provider": "openai", "key": "${OPENAI_KEY}" },`,
    `    "__proto__": { "type": "api_key", "provider": "anthropic", "key": "${PROTO_KEY}" }`,
    "  },",
    '  "order": { "openai": ["constructor"] },',
    '  "usageStats": { "__proto__": { "lastUsed": 1700000000000 }, "constructor": { "errorCount": 0 } }',
    "}",
    "",
  ].join("\n");
  writeJson(home.configPath, {});
  mkdirSync(home.agentDir, { recursive: true });
  writeFileSync(home.storePath, text, { mode: 0o600 });
  return text;
}

/** The store's own entries, read without letting `__proto__` turn into a prototype (JSON.parse keeps it as a key). */
function entryOf(path: string, section: string, id: string): unknown {
  const doc = JSON.parse(readFileSync(path, "utf8"));
  return Object.hasOwn(doc[section] ?? {}, id) ? doc[section][id] : undefined;
}

describe("ids that are JavaScript property names are ordinary ids", () => {
  test("logout of a property name the store does not have: not found, exit 1, nothing removed", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const before = readFileSync(home.storePath);
      for (const id of PROPERTY_NAMES) {
        const result = await runCli(["models", "auth", "logout", id, "--yes"], { home: home.home });
        // Before issue 6: `constructor in profiles` was true, and it printed "Removed auth profile constructor."
        assert.equal(result.code, 1, `${id}: ${result.stdout}`);
        assert.equal(firstLine(result.stderr), `Error: Auth profile "${id}" not found in ~/.openclaw/agents/main/agent.`);
        assert.doesNotMatch(result.stdout, /Removed/);
      }
      assert.deepEqual(readFileSync(home.storePath), before);
    }));

  test("order set with a property name the store does not have: a clear not-found error, no TypeError", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const before = readFileSync(home.storePath);
      for (const id of PROPERTY_NAMES) {
        const result = await runCli(["models", "auth", "order", "set", "--provider", "openai", id], { home: home.home });
        assert.equal(result.code, 1, `${id}: ${result.stdout}`);
        assert.equal(firstLine(result.stderr), `Error: Auth profile "${id}" not found in ~/.openclaw/agents/main/agent.`);
        assert.doesNotMatch(result.stderr, /TypeError|Cannot read/);
      }
      assert.deepEqual(readFileSync(home.storePath), before);
    }));

  test("a store with `constructor` and `__proto__` profiles: status shows them, another profile's paste keeps them", () =>
    inTempHome(async (home) => {
      writeStoreWithPropertyNameIds(home);
      const constructorBefore = entryOf(home.storePath, "profiles", "constructor");
      const protoBefore = entryOf(home.storePath, "profiles", "__proto__");

      const status = await runCli(["models", "status"], { home: home.home });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^- anthropic effective=profiles:\S+ \| profiles=1 \(oauth=0, token=0, api_key=1\) \| __proto__=sk-ant-a\.\.\.PPPPPPPP$/m);
      assert.match(status.stdout, /^- openai effective=profiles:\S+ \| profiles=1 \(oauth=0, token=0, api_key=1\) \| constructor=sk-proj-\.\.\.CCCCCCCC$/m);
      const list = JSON.parse((await runCli(["models", "auth", "list", "--json"], { home: home.home })).stdout);
      assert.deepEqual(list.profiles.map((p: { profileId: string }) => p.profileId).sort(), ["__proto__", "constructor"]);

      const paste = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:new"], { home: home.home, stdin: NEW_KEY });
      assert.equal(paste.code, 0, paste.stderr);
      // Before issue 6 the store loader assigned `profiles["__proto__"] = …`, which set a prototype: the profile vanished on this write.
      assert.deepEqual(entryOf(home.storePath, "profiles", "__proto__"), protoBefore);
      assert.deepEqual(entryOf(home.storePath, "profiles", "constructor"), constructorBefore);
      assert.deepEqual(entryOf(home.storePath, "usageStats", "__proto__"), { lastUsed: 1700000000000 });
      assert.deepEqual(readJson(home.storePath).order, { openai: ["constructor"] });
      assert.deepEqual(entryOf(home.storePath, "profiles", "openai:new"), { type: "api_key", provider: "openai", key: NEW_KEY });

      const order = await runCli(["models", "auth", "order", "set", "--provider", "openai", "openai:new", "constructor"], { home: home.home });
      assert.equal(order.code, 0, order.stderr);
      assert.deepEqual(readJson(home.storePath).order, { openai: ["openai:new", "constructor"] });

      const logout = await runCli(["models", "auth", "logout", "__proto__", "--yes"], { home: home.home });
      assert.equal(logout.code, 0, logout.stderr);
      assert.match(logout.stdout, /^Removed auth profile __proto__\.$/m);
      assert.equal(entryOf(home.storePath, "profiles", "__proto__"), undefined);
      assert.equal(entryOf(home.storePath, "usageStats", "__proto__"), undefined);
      assert.deepEqual(entryOf(home.storePath, "profiles", "constructor"), constructorBefore);
      assertNoSecrets([status.stdout, status.stderr, paste.stdout, paste.stderr, order.stdout, logout.stdout], SECRETS);
    }));

  test("`openai:constructor` is stored, ordered and removed like any profile id", () =>
    inTempHome(async (home) => {
      const paste = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:constructor"], { home: home.home, stdin: OPENAI_KEY });
      assert.equal(paste.code, 0, paste.stderr);
      assert.deepEqual(readJson(home.storePath).profiles, { "openai:constructor": { type: "api_key", provider: "openai", key: OPENAI_KEY } });
      const order = await runCli(["models", "auth", "order", "set", "--provider", "openai", "openai:constructor"], { home: home.home });
      assert.equal(order.code, 0, order.stderr);
      assert.deepEqual(readJson(home.storePath).order, { openai: ["openai:constructor"] });
      const logout = await runCli(["models", "auth", "logout", "openai:constructor", "--yes"], { home: home.home });
      assert.equal(logout.code, 0, logout.stderr);
      assert.deepEqual(readJson(home.storePath).profiles, {});
      assert.equal(readJson(home.configPath).auth, undefined, "its config metadata went with it");
    }));

  test("provider ids and aliases: `constructor/x` is a model of provider constructor; a missing alias `constructor` is not found", () =>
    inTempHome(async (home) => {
      const set = await runCli(["models", "set", "constructor/x"], { home: home.home });
      assert.equal(set.code, 0, set.stderr);
      // Before issue 6 the provider alias table answered "constructor" with Object itself.
      assert.equal(readJson(home.configPath).agents.defaults.model.primary, "constructor/x");
      const remove = await runCli(["models", "aliases", "remove", "constructor"], { home: home.home });
      assert.equal(remove.code, 1);
      assert.equal(firstLine(remove.stderr), "Error: Alias not found: constructor");
      const add = await runCli(["models", "aliases", "add", "__proto__", "openai/gpt-5"], { home: home.home });
      assert.equal(add.code, 0, add.stderr);
      const aliases = JSON.parse((await runCli(["models", "aliases", "list", "--json"], { home: home.home })).stdout);
      assert.deepEqual(Object.entries(aliases.aliases), [["__proto__", "openai/gpt-5"]]);
    }));
});

describe("numbers that read as infinity are explained in words", () => {
  test("models status on Alice's store with `expires: 1e999`: names the field and says what is wrong", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const text = readFileSync(home.storePath, "utf8");
      const edited = text.replace(/("anthropic:manual": \{[^}]*"expires": )\d+/, "$11e999");
      assert.notEqual(edited, text);
      writeFileSync(home.storePath, edited);
      const result = await runCli(["models", "status"], { home: home.home });
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        'Error: Invalid auth store ~/.openclaw/agents/main/agent/auth-profiles.json: profiles["anthropic:manual"].expires: expected a time in milliseconds since 1970, got a number too large to represent (it reads as infinity).\n' +
          "Fix the file by hand; openclaw did not change it.\n",
      );
      assert.equal(readFileSync(home.storePath, "utf8"), edited);
    }));

  test("any non-finite number in the store is refused, also where the schema does not look (JSON.stringify would write it back as null)", () =>
    inTempHome(async (home) => {
      writeJson(home.storePath, { version: 1, profiles: {} });
      const cases: [string, RegExp][] = [
        ['"usageStats": { "openai:a": { "cooldownUntil": -1e999 } }', /usageStats\["openai:a"\]\.cooldownUntil: expected a time in milliseconds since 1970, got a number too large to represent \(it reads as minus infinity\)/],
        ['"usageStats": { "openai:a": { "modelCooldowns": { "gpt-5": { "until": 1e400 } } } }', /usageStats\["openai:a"\]\.modelCooldowns\.gpt-5\.until: expected a time in milliseconds since 1970/],
        ['"usageStats": { "openai:a": { "errorCount": 9e999 } }', /usageStats\["openai:a"\]\.errorCount: expected a number, got a number too large to represent/],
      ];
      for (const [section, message] of cases) {
        const text = `{ "version": 1, "profiles": { "openai:a": { "type": "api_key", "provider": "openai", "key": "${OPENAI_KEY}" } }, ${section} }\n`;
        writeFileSync(home.storePath, text);
        const result = await runCli(["models", "status", "--json"], { home: home.home });
        assert.equal(result.code, 1, section);
        assert.match(firstLine(result.stderr), message);
        assert.equal(result.stdout, "");
        assertNoSecrets([result.stderr], SECRETS);
      }
    }));
});

describe("profile ids with control or bidi-override characters are refused on the command line", () => {
  const RLO = "\u202E";
  const cases: { name: string; args: string[]; stdin?: string }[] = [
    { name: "paste-api-key --profile-id", args: ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", `openai:${RLO}krow`], stdin: NEW_KEY },
    { name: "paste-token --profile-id", args: ["models", "auth", "paste-token", "--provider", "openai", "--profile-id", `openai:a\u0007`], stdin: NEW_KEY },
    { name: "order set", args: ["models", "auth", "order", "set", "--provider", "openai", `openai:${RLO}krow`] },
    { name: "logout", args: ["models", "auth", "logout", `openai:\u200Ea`, "--yes"] },
  ];
  for (const invocation of cases) {
    test(`${invocation.name}: a usage error naming the id with the character escaped; nothing written`, () =>
      inTempHome(async (home) => {
        writeJson(home.storePath, { version: 1, profiles: { "openai:a": { type: "api_key", provider: "openai", key: OPENAI_KEY } } });
        writeJson(home.configPath, {});
        const storeBefore = readFileSync(home.storePath);
        const configBefore = readFileSync(home.configPath);
        const result = await runCli(invocation.args, { home: home.home, ...(invocation.stdin ? { stdin: invocation.stdin } : {}) });
        assert.equal(result.code, 1, result.stdout);
        assert.match(firstLine(result.stderr), /^Error: Profile id "openai:[^"]*\\u(202E|0007|200E)[^"]*" contains a control or bidirectional-override character \(U\+(202E|0007|200E)\)/);
        assert.doesNotMatch(result.stderr, /[\u0007\u200e\u202e]/, "the raw character is never printed");
        assert.deepEqual(readFileSync(home.storePath), storeBefore);
        assert.deepEqual(readFileSync(home.configPath), configBefore);
      }));
  }
});

describe("an order entry naming a profile that is not stored is skipped with a warning", () => {
  test("models status warns on stderr about store and config order entries; --json and --check keep their shape", () =>
    inTempHome(async (home) => {
      writeJson(home.storePath, {
        version: 1,
        profiles: { "anthropic:a": { type: "api_key", provider: "anthropic", key: PROTO_KEY } },
        order: { anthropic: ["anthropic:gone", "anthropic:a"] },
      });
      writeJson(home.configPath, { auth: { order: { anthropic: ["anthropic:a", "anthropic:old"] } } });
      const status = await runCli(["models", "status"], { home: home.home });
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual(status.stderr.trimEnd().split("\n"), [
        "Warning: order.anthropic in auth-profiles.json names anthropic:gone, which is not a stored profile; it is skipped. Fix: openclaw models auth order set --provider anthropic <profile ids> (or order clear --provider anthropic)",
        "Warning: auth.order.anthropic in openclaw.json names anthropic:old, which is not a stored profile; it is skipped. Fix: remove it from auth.order.anthropic in openclaw.json",
      ]);
      const check = await runCli(["models", "status", "--check"], { home: home.home });
      assert.equal(check.code, 0);
      assert.equal(check.stdout, status.stdout);
      const json = await runCli(["models", "status", "--json"], { home: home.home });
      assert.equal(json.code, 0);
      assert.equal(json.stderr, "");
      assert.equal(JSON.parse(json.stdout).auth.providers[0].provider, "anthropic");
      assertNoSecrets([status.stdout, status.stderr, json.stdout], SECRETS);
    }));

  test("a store without dangling entries prints no warning", () =>
    inTempHome(async (home) => {
      copyAliceFixture(home);
      const status = await runCli(["models", "status"], { home: home.home });
      assert.equal(status.code, 0);
      assert.equal(status.stderr, "");
      assertNoSecrets([status.stdout], aliceSecrets());
    }));
});
