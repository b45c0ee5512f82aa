// `openclaw models list / set / aliases / fallbacks` (spec §2.3, §3.3), run as
// the built CLI against throw-away homes. Every write is checked in the file.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
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
  type TempHome,
} from "../helpers/cli.ts";

const UPDATED = "Updated ~/.openclaw/openclaw.json";


function cli(h: TempHome, args: string[], env?: Record<string, string | undefined>): Promise<CliResult> {
  return runCli(args, { home: h.home, ...(env ? { env } : {}) });
}

function describeRun(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

function assertOk(result: CliResult): void {
  assert.equal(result.code, 0, describeRun(result));
}

/** A usage error: exit 1, the message on stderr as `Error: <message>`, nothing on stdout. */
function assertFails(result: CliResult, message: string): void {
  assert.equal(result.code, 1, describeRun(result));
  assert.equal(result.stdout, "", describeRun(result));
  const first = result.stderr.split("\n")[0];
  assert.equal(first, `Error: ${message}`, describeRun(result));
}

function writeConfig(h: TempHome, config: unknown): void {
  writeJson(h.configPath, config);
}

function writeConfigText(h: TempHome, text: string): void {
  mkdirSync(dirname(h.configPath), { recursive: true });
  writeFileSync(h.configPath, text, { mode: 0o600 });
}

function readConfigText(h: TempHome): string {
  return readFileSync(h.configPath, "utf8");
}

interface Row {
  key: string;
  input: string;
  ctx: string;
  local: string;
  auth: string;
  tags: string[];
}

const HEADER = "Model                                      Input      Ctx      Local Auth  Tags";

/** Parses the `models list` table (no cell contains spaces). */
function parseTable(stdout: string): Row[] {
  const lines = stdout.replace(/\n$/, "").split("\n");
  assert.equal(lines[0], HEADER, `table header\n${stdout}`);
  return lines.slice(1).map((line) => {
    const [key, input, ctx, local, auth, tags] = line.split(/\s+/);
    assert.ok(key && input && ctx && local && auth, `malformed row: ${JSON.stringify(line)}`);
    // Columns are fixed-width, OpenClaw style: 42, 10, 8, 5, 5, then the tags.
    assert.equal(line.slice(0, 43).trimEnd(), key, `Model column width in ${JSON.stringify(line)}`);
    assert.equal(line.slice(43, 54).trimEnd(), input, `Input column width in ${JSON.stringify(line)}`);
    assert.equal(line.slice(54, 63).trimEnd(), ctx, `Ctx column width in ${JSON.stringify(line)}`);
    return { key, input, ctx, local, auth, tags: tags ? tags.split(",") : [] };
  });
}

function row(rows: Row[], key: string): Row {
  const found = rows.find((r) => r.key === key);
  assert.ok(found, `no row for ${key} in ${JSON.stringify(rows.map((r) => r.key))}`);
  return found;
}

/** A config that exercises every tag `models list` prints without --all. */
const TAGGED_CONFIG = {
  agents: {
    defaults: {
      model: { primary: "openai/gpt-5.2", fallbacks: ["anthropic/claude-sonnet-4-6", "gpt-mini"] },
      models: {
        "openai/gpt-5.2": { alias: "main" },
        "anthropic/claude-sonnet-4-6": {},
        "acme/mystery-1": {},
      },
    },
  },
};

const ANTHROPIC_KEY = "sk-ant-api03-" + "Q7wErTyUiOpAsDfGhJkLzXcVbNm1234567890qwertyuiopASDFGHJKLzxcvbnm0987654321abcd";

function writeAnthropicKey(h: TempHome): void {
  writeJson(h.storePath, {
    version: 1,
    profiles: { "anthropic:work": { type: "api_key", provider: "anthropic", key: ANTHROPIC_KEY } },
  });
}

describe("models list", () => {
  test("Alice's OpenClaw home prints exactly OpenClaw's table", async () => {
    await inTempHome(async (h) => {
      copyAliceFixture(h);
      const before = readConfigText(h);
      const result = await cli(h, ["models", "list"]);
      assertOk(result);
      const expected = fixtureOutput("models-list.txt");
      assert.equal(expected.exit, 0);
      assert.equal(result.stdout, expected.text + "\n");
      assert.equal(result.stderr, "");
      assertNoSecrets([result.stdout, result.stderr], aliceSecrets());
      assert.equal(readConfigText(h), before, "models list must not write the config");
    });
  });

  test("with no config it shows the built-in default, Auth no, and writes nothing", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "list"]);
      assertOk(result);
      const expected = fixtureOutput("models-list.txt").text.replace(/ yes   default$/m, " no    default");
      assert.equal(result.stdout, expected + "\n");
      assert.equal(result.stderr, "");
      assert.equal(existsSync(h.stateDir), false, "a read-only command created ~/.openclaw");
    });
  });

  test("Auth column turns yes for a provider with a credential (env or store)", async () => {
    await inTempHome(async (h) => {
      const none = await cli(h, ["models", "list"], { ANTHROPIC_API_KEY: undefined });
      assertOk(none);
      assert.equal(row(parseTable(none.stdout), "anthropic/claude-opus-4-6").auth, "no");

      const env = await cli(h, ["models", "list"], { ANTHROPIC_API_KEY: "sk-ant-api03-envkeyenvkeyenvkeyenvkey" });
      assertOk(env);
      assert.equal(row(parseTable(env.stdout), "anthropic/claude-opus-4-6").auth, "yes");

      writeAnthropicKey(h);
      const stored = await cli(h, ["models", "list"]);
      assertOk(stored);
      assert.equal(row(parseTable(stored.stdout), "anthropic/claude-opus-4-6").auth, "yes");
      assertNoSecrets([stored.stdout, stored.stderr], [ANTHROPIC_KEY]);
    });
  });

  test("tags: default, fallback#N, configured, alias:<a> (configured and built-in) and missing", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, TAGGED_CONFIG);
      const result = await cli(h, ["models", "list"]);
      assertOk(result);
      assert.equal(result.stderr, "");
      const rows = parseTable(result.stdout);
      assert.deepEqual(
        rows.map((r) => r.key),
        ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6", "openai/gpt-5-mini", "acme/mystery-1"],
      );

      const primary = row(rows, "openai/gpt-5.2");
      assert.deepEqual([...primary.tags].sort(), ["alias:main", "configured", "default"]);
      assert.equal(primary.tags[0], "default", "default comes first");
      assert.deepEqual([primary.input, primary.ctx, primary.local], ["text+image", "391k", "no"]);

      const sonnet = row(rows, "anthropic/claude-sonnet-4-6");
      // The entry exists without an alias, so OpenClaw's built-in `sonnet` names it.
      assert.deepEqual([...sonnet.tags].sort(), ["alias:sonnet", "configured", "fallback#1"]);

      // `gpt-mini` is a built-in alias; the fallback is not in the allowlist, so not "configured".
      const mini = row(rows, "openai/gpt-5-mini");
      assert.deepEqual(mini.tags, ["fallback#2"]);

      const unknown = row(rows, "acme/mystery-1");
      assert.deepEqual([...unknown.tags].sort(), ["configured", "missing"]);
      assert.deepEqual([unknown.input, unknown.ctx, unknown.local], ["-", "-", "no"]);

      for (const r of rows) assert.equal(r.auth, "no", `${r.key} has no credential`);
    });
  });

  test("Auth is per provider: OPENAI_API_KEY makes only openai rows yes", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, TAGGED_CONFIG);
      const result = await cli(h, ["models", "list"], { OPENAI_API_KEY: "sk-proj-testtesttesttesttesttest" });
      assertOk(result);
      const auth = Object.fromEntries(parseTable(result.stdout).map((r) => [r.key, r.auth]));
      assert.deepEqual(auth, {
        "openai/gpt-5.2": "yes",
        "anthropic/claude-sonnet-4-6": "no",
        "openai/gpt-5-mini": "yes",
        "acme/mystery-1": "no",
      });
    });
  });

  test("--json gives count and models with key, tags, availability and missing", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, TAGGED_CONFIG);
      const result = await cli(h, ["models", "list", "--json"], { OPENAI_API_KEY: "sk-proj-testtesttesttesttesttest" });
      assertOk(result);
      const json = JSON.parse(result.stdout);
      assert.equal(json.count, 4);
      assert.equal(json.models.length, 4);
      const byKey = Object.fromEntries(json.models.map((m: { key: string }) => [m.key, m]));
      assert.equal(byKey["openai/gpt-5.2"].available, true);
      assert.equal(byKey["openai/gpt-5.2"].missing, false);
      assert.equal(byKey["openai/gpt-5.2"].contextWindow, 400_000);
      assert.equal(byKey["openai/gpt-5.2"].input, "text+image");
      assert.ok(byKey["openai/gpt-5.2"].tags.includes("default"));
      assert.ok(byKey["openai/gpt-5.2"].tags.includes("alias:main"));
      assert.equal(byKey["anthropic/claude-sonnet-4-6"].available, false);
      assert.ok(byKey["anthropic/claude-sonnet-4-6"].tags.includes("fallback#1"));
      assert.equal(byKey["acme/mystery-1"].missing, true);
      assert.ok(byKey["acme/mystery-1"].tags.includes("missing"));
    });
  });

  test("--plain prints one model key per line", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, TAGGED_CONFIG);
      const result = await cli(h, ["models", "list", "--plain"]);
      assertOk(result);
      assert.equal(result.stdout, "openai/gpt-5.2\nanthropic/claude-sonnet-4-6\nopenai/gpt-5-mini\nacme/mystery-1\n");
    });
  });

  test("--provider filters by (normalised) provider id", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, TAGGED_CONFIG);
      const result = await cli(h, ["models", "list", "--provider", "OpenAI", "--plain"]);
      assertOk(result);
      assert.equal(result.stdout, "openai/gpt-5.2\nopenai/gpt-5-mini\n");

      const table = await cli(h, ["models", "list", "--provider", "anthropic"]);
      assertOk(table);
      assert.deepEqual(
        parseTable(table.stdout).map((r) => r.key),
        ["anthropic/claude-sonnet-4-6"],
      );
    });
  });

  test("--all adds the catalog (untagged) after the configured models", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, TAGGED_CONFIG);
      const result = await cli(h, ["models", "list", "--all"]);
      assertOk(result);
      const rows = parseTable(result.stdout);
      const keys = rows.map((r) => r.key);
      assert.deepEqual(keys.slice(0, 4), ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6", "openai/gpt-5-mini", "acme/mystery-1"]);
      assert.equal(new Set(keys).size, keys.length, "no model listed twice");
      for (const key of ["anthropic/claude-opus-4-6", "openai/gpt-4.1", "google/gemini-3-pro-preview", "openrouter/openrouter/auto"]) {
        assert.ok(keys.includes(key), `--all lacks ${key}`);
        assert.deepEqual(row(rows, key).tags, [], `${key} should be untagged`);
      }
      assert.ok(keys.length > 10, "catalog looks empty");

      const openai = await cli(h, ["models", "list", "--all", "--provider", "openai", "--plain"]);
      assertOk(openai);
      const openaiKeys = openai.stdout.trim().split("\n");
      assert.ok(openaiKeys.every((k) => k.startsWith("openai/")), openai.stdout);
      assert.ok(openaiKeys.includes("openai/gpt-4.1"));
      assert.deepEqual(openaiKeys.slice(0, 2), ["openai/gpt-5.2", "openai/gpt-5-mini"]);
    });
  });
});

describe("models set", () => {
  test("on an empty home: writes primary and the models entry, prints Updated then Default model", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "set", "openai/gpt-5.2"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: openai/gpt-5.2\n`);
      assert.equal(result.stderr, "");
      const config = readJson(h.configPath);
      assert.equal(config.agents.defaults.model.primary, "openai/gpt-5.2");
      assert.deepEqual(config.agents.defaults.models, { "openai/gpt-5.2": {} });

      const list = await cli(h, ["models", "list", "--plain"]);
      assertOk(list);
      assert.equal(list.stdout, "openai/gpt-5.2\n");
    });
  });

  test("keeps existing fallbacks, other settings and model entries; backs up the old file", async () => {
    await inTempHome(async (h) => {
      copyAliceFixture(h);
      const alice = readJson(h.configPath);
      alice.agents.defaults.model = { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2", "sonnet"] };
      alice.agents.defaults.models = { "openai/gpt-5-mini": { alias: "fast", params: { temperature: 0.2 } } };
      writeConfig(h, alice);
      const before = readConfigText(h);

      const result = await cli(h, ["models", "set", "openai/gpt-5-mini"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: openai/gpt-5-mini\n`);
      const config = readJson(h.configPath);
      assert.deepEqual(config.agents.defaults.model, { primary: "openai/gpt-5-mini", fallbacks: ["openai/gpt-5.2", "sonnet"] });
      assert.deepEqual(config.agents.defaults.models, { "openai/gpt-5-mini": { alias: "fast", params: { temperature: 0.2 } } });
      // Everything else of OpenClaw's file survives.
      assert.deepEqual(config.auth, alice.auth);
      assert.deepEqual(config.agents.defaults.compaction, { mode: "safeguard" });
      assert.equal(config.agents.defaults.maxConcurrent, 4);
      assert.deepEqual(config.commands, alice.commands);
      assert.deepEqual(config.messages, alice.messages);
      assert.equal(typeof config.meta?.lastTouchedAt, "string");
      assert.equal(readFileSync(`${h.configPath}.bak`, "utf8"), before, "the previous file is kept as .bak");
      assertNoSecrets([result.stdout, result.stderr], aliceSecrets());
    });
  });

  test("the string form of agents.defaults.model becomes {primary}", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { model: "anthropic/claude-opus-4-6" } } });
      const result = await cli(h, ["models", "set", "anthropic/claude-sonnet-4-6"]);
      assertOk(result);
      const config = readJson(h.configPath);
      assert.deepEqual(config.agents.defaults.model, { primary: "anthropic/claude-sonnet-4-6" });
      assert.deepEqual(config.agents.defaults.models, { "anthropic/claude-sonnet-4-6": {} });
    });
  });

  test("a built-in alias resolves: opus -> anthropic/claude-opus-4-6", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "set", "opus"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: anthropic/claude-opus-4-6\n`);
      const config = readJson(h.configPath);
      assert.equal(config.agents.defaults.model.primary, "anthropic/claude-opus-4-6");
      assert.ok("anthropic/claude-opus-4-6" in config.agents.defaults.models);

      // The entry now exists without an alias, so `opus` shows as its alias.
      const aliases = await cli(h, ["models", "aliases", "list", "--json"]);
      assertOk(aliases);
      assert.deepEqual(JSON.parse(aliases.stdout), { aliases: { opus: "anthropic/claude-opus-4-6" } });
    });
  });

  test("a configured alias resolves, case-insensitively", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { models: { "openai/gpt-5-mini": { alias: "fast" } } } } });
      const result = await cli(h, ["models", "set", "FAST"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: openai/gpt-5-mini\n`);
      const config = readJson(h.configPath);
      assert.equal(config.agents.defaults.model.primary, "openai/gpt-5-mini");
      assert.deepEqual(config.agents.defaults.models, { "openai/gpt-5-mini": { alias: "fast" } });
    });
  });

  test("a bare model goes to the default provider; anthropic shorthand expands", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "set", "opus-4.5"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: anthropic/claude-opus-4-5\n`);
      assert.equal(readJson(h.configPath).agents.defaults.model.primary, "anthropic/claude-opus-4-5");
    });
  });

  test("a model outside the catalog is accepted with a note on stderr", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "set", "acme/mystery-1"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: acme/mystery-1\n`);
      assert.match(result.stderr, /acme\/mystery-1 is not in the built-in catalog/);
      assert.equal(readJson(h.configPath).agents.defaults.model.primary, "acme/mystery-1");
      const list = await cli(h, ["models", "list"]);
      assertOk(list);
      assert.deepEqual([...row(parseTable(list.stdout), "acme/mystery-1").tags].sort(), ["configured", "default", "missing"]);
    });
  });

  test("the provider part is normalised", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "set", "OpenAI/gpt-4.1"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: openai/gpt-4.1\n`);
      assert.equal(readJson(h.configPath).agents.defaults.model.primary, "openai/gpt-4.1");
    });
  });

  test("setting the model that is already the default changes nothing", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { model: { primary: "openai/gpt-5.2" }, models: { "openai/gpt-5.2": {} } } } });
      const before = readConfigText(h);
      const result = await cli(h, ["models", "set", "gpt"]);
      assertOk(result);
      assert.equal(result.stdout, "Default model: openai/gpt-5.2\n");
      assert.equal(readConfigText(h), before);
      assert.equal(existsSync(`${h.configPath}.bak`), false);
    });
  });

  test("an unreadable config is reported and left alone", async () => {
    await inTempHome(async (h) => {
      writeConfigText(h, '{ "agents": ');
      const result = await cli(h, ["models", "set", "opus"]);
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stderr, /^Error: Cannot read config ~\/\.openclaw\/openclaw\.json: /);
      assert.equal(readConfigText(h), '{ "agents": ');
    });
  });

  test("an invalid model reference fails and writes nothing", async () => {
    await inTempHome(async (h) => {
      const result = await cli(h, ["models", "set", "/claude"]);
      assertFails(result, 'Invalid model "/claude".');
      assert.equal(existsSync(h.configPath), false);

      const missingArg = await cli(h, ["models", "set"]);
      assert.equal(missingArg.code, 1, describeRun(missingArg));
      assert.match(missingArg.stderr, /missing required argument/);
      assert.equal(existsSync(h.configPath), false);
    });
  });
});

describe("models aliases", () => {
  test("list with none: text, --json and --plain", async () => {
    await inTempHome(async (h) => {
      const text = await cli(h, ["models", "aliases", "list"]);
      assertOk(text);
      assert.equal(text.stdout, "Aliases (0):\n- none\n");
      const json = await cli(h, ["models", "aliases", "list", "--json"]);
      assertOk(json);
      assert.deepEqual(JSON.parse(json.stdout), { aliases: {} });
      const plain = await cli(h, ["models", "aliases", "list", "--plain"]);
      assertOk(plain);
      assert.equal(plain.stdout, "");
      // `aliases` alone is `aliases list`.
      const bare = await cli(h, ["models", "aliases"]);
      assertOk(bare);
      assert.equal(bare.stdout, "Aliases (0):\n- none\n");
      assert.equal(existsSync(h.stateDir), false);
    });
  });

  test("add writes the alias on the model entry; list shows it in all three formats", async () => {
    await inTempHome(async (h) => {
      const first = await cli(h, ["models", "aliases", "add", "fast", "openai/gpt-5-mini"]);
      assertOk(first);
      assert.equal(first.stdout, `${UPDATED}\nAlias fast -> openai/gpt-5-mini\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, { "openai/gpt-5-mini": { alias: "fast" } });

      // The target may itself be given as an alias.
      const second = await cli(h, ["models", "aliases", "add", "big.model_v2:x-1", "opus"]);
      assertOk(second);
      assert.equal(second.stdout, `${UPDATED}\nAlias big.model_v2:x-1 -> anthropic/claude-opus-4-6\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, {
        "openai/gpt-5-mini": { alias: "fast" },
        "anthropic/claude-opus-4-6": { alias: "big.model_v2:x-1" },
      });

      const text = await cli(h, ["models", "aliases", "list"]);
      assertOk(text);
      assert.equal(text.stdout, "Aliases (2):\n- big.model_v2:x-1 -> anthropic/claude-opus-4-6\n- fast -> openai/gpt-5-mini\n");
      const json = await cli(h, ["models", "aliases", "list", "--json"]);
      assertOk(json);
      assert.deepEqual(JSON.parse(json.stdout), {
        aliases: { "big.model_v2:x-1": "anthropic/claude-opus-4-6", fast: "openai/gpt-5-mini" },
      });
      const plain = await cli(h, ["models", "aliases", "list", "--plain"]);
      assertOk(plain);
      assert.equal(plain.stdout, "big.model_v2:x-1 anthropic/claude-opus-4-6\nfast openai/gpt-5-mini\n");

      // And `models set <alias>` uses it.
      const set = await cli(h, ["models", "set", "fast"]);
      assertOk(set);
      assert.equal(set.stdout, `${UPDATED}\nDefault model: openai/gpt-5-mini\n`);
    });
  });

  test("add keeps the entry's other settings", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { models: { "openai/gpt-5.2": { params: { temperature: 0.5 } } } } } });
      const result = await cli(h, ["models", "aliases", "add", "g", "openai/gpt-5.2"]);
      assertOk(result);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, { "openai/gpt-5.2": { params: { temperature: 0.5 }, alias: "g" } });
    });
  });

  test("add refuses an alias that already points to another model", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { models: { "openai/gpt-5-mini": { alias: "fast" } } } } });
      const before = readConfigText(h);
      const result = await cli(h, ["models", "aliases", "add", "fast", "openai/gpt-5.2"]);
      assertFails(result, "Alias fast already points to openai/gpt-5-mini.");
      assert.equal(readConfigText(h), before, "the config must not change");

      // Pointing it at the model it already names is fine.
      const same = await cli(h, ["models", "aliases", "add", "fast", "openai/gpt-5-mini"]);
      assertOk(same);
      assert.match(same.stdout, /^Alias fast -> openai\/gpt-5-mini$/m);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, { "openai/gpt-5-mini": { alias: "fast" } });
    });
  });

  test("add validates the alias name and writes nothing on error", async () => {
    await inTempHome(async (h) => {
      for (const bad of ["", "   "]) {
        const result = await cli(h, ["models", "aliases", "add", bad, "openai/gpt-5.2"]);
        assertFails(result, "Alias cannot be empty.");
      }
      for (const bad of ["two words", "a/b", "fast!", "émoji"]) {
        const result = await cli(h, ["models", "aliases", "add", bad, "openai/gpt-5.2"]);
        assertFails(result, "Alias must use letters, numbers, dots, underscores, colons, or dashes.");
      }
      assert.equal(existsSync(h.configPath), false);
    });
  });

  test("remove deletes the alias but keeps the model entry; the last one says No aliases configured.", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, {
        agents: {
          defaults: {
            // Neither model is a built-in alias target, so no built-in alias takes over.
            models: { "openai/gpt-4.1": { alias: "fast" }, "acme/mystery-1": { alias: "myst", params: { x: 1 } } },
          },
        },
      });
      const first = await cli(h, ["models", "aliases", "remove", "fast"]);
      assertOk(first);
      assert.equal(first.stdout.split("\n")[0], UPDATED);
      assert.ok(!first.stdout.includes("No aliases configured."), first.stdout);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, {
        "openai/gpt-4.1": {},
        "acme/mystery-1": { alias: "myst", params: { x: 1 } },
      });

      const last = await cli(h, ["models", "aliases", "remove", "myst"]);
      assertOk(last);
      assert.equal(last.stdout, `${UPDATED}\nNo aliases configured.\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, { "openai/gpt-4.1": {}, "acme/mystery-1": { params: { x: 1 } } });

      const list = await cli(h, ["models", "aliases", "list", "--json"]);
      assertOk(list);
      assert.deepEqual(JSON.parse(list.stdout), { aliases: {} });
    });
  });

  test("remove reports what is left: a built-in alias that takes over is still an alias", async () => {
    await inTempHome(async (h) => {
      // `openai/gpt-5.2` is the built-in target of `gpt`; with its own alias gone, `gpt` names it again.
      writeConfig(h, { agents: { defaults: { models: { "openai/gpt-5.2": { alias: "fast" } } } } });
      const result = await cli(h, ["models", "aliases", "remove", "fast"]);
      assertOk(result);
      assert.equal(result.stdout.split("\n")[0], UPDATED);
      assert.deepEqual(readJson(h.configPath).agents.defaults.models, { "openai/gpt-5.2": {} });
      const list = await cli(h, ["models", "aliases", "list", "--json"]);
      assertOk(list);
      assert.deepEqual(JSON.parse(list.stdout), { aliases: { gpt: "openai/gpt-5.2" } });
      // So the remove must not claim that no aliases are configured.
      assert.ok(
        !result.stdout.includes("No aliases configured."),
        `remove said "No aliases configured." although \`aliases list\` shows gpt -> openai/gpt-5.2:\n${result.stdout}`,
      );
    });
  });

  test("remove of an unknown alias fails with Alias not found", async () => {
    await inTempHome(async (h) => {
      const empty = await cli(h, ["models", "aliases", "remove", "nope"]);
      assertFails(empty, "Alias not found: nope");
      assert.equal(existsSync(h.configPath), false);

      writeConfig(h, { agents: { defaults: { models: { "openai/gpt-5-mini": { alias: "fast" } } } } });
      const before = readConfigText(h);
      const result = await cli(h, ["models", "aliases", "remove", "nope"]);
      assertFails(result, "Alias not found: nope");
      assert.equal(readConfigText(h), before);
    });
  });
});

describe("models fallbacks", () => {
  test("list with none: text, --json and --plain", async () => {
    await inTempHome(async (h) => {
      const text = await cli(h, ["models", "fallbacks", "list"]);
      assertOk(text);
      assert.equal(text.stdout, "Fallbacks (0):\n- none\n");
      const json = await cli(h, ["models", "fallbacks", "list", "--json"]);
      assertOk(json);
      assert.deepEqual(JSON.parse(json.stdout), { fallbacks: [] });
      const plain = await cli(h, ["models", "fallbacks", "list", "--plain"]);
      assertOk(plain);
      assert.equal(plain.stdout, "");
      const bare = await cli(h, ["models", "fallbacks"]);
      assertOk(bare);
      assert.equal(bare.stdout, "Fallbacks (0):\n- none\n");
      assert.equal(existsSync(h.stateDir), false);
    });
  });

  test("add appends (aliases resolved), keeps the primary, and list shows them in order", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } } });
      const first = await cli(h, ["models", "fallbacks", "add", "openai/gpt-5.2"]);
      assertOk(first);
      assert.equal(first.stdout, `${UPDATED}\nFallbacks: openai/gpt-5.2\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.model, { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] });

      const second = await cli(h, ["models", "fallbacks", "add", "sonnet"]);
      assertOk(second);
      assert.equal(second.stdout, `${UPDATED}\nFallbacks: openai/gpt-5.2, anthropic/claude-sonnet-4-6\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.model, {
        primary: "anthropic/claude-opus-4-6",
        fallbacks: ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"],
      });

      const text = await cli(h, ["models", "fallbacks", "list"]);
      assertOk(text);
      assert.equal(text.stdout, "Fallbacks (2):\n- openai/gpt-5.2\n- anthropic/claude-sonnet-4-6\n");
      const json = await cli(h, ["models", "fallbacks", "list", "--json"]);
      assertOk(json);
      assert.deepEqual(JSON.parse(json.stdout), { fallbacks: ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"] });
      const plain = await cli(h, ["models", "fallbacks", "list", "--plain"]);
      assertOk(plain);
      assert.equal(plain.stdout, "openai/gpt-5.2\nanthropic/claude-sonnet-4-6\n");

      const list = await cli(h, ["models", "list"]);
      assertOk(list);
      const rows = parseTable(list.stdout);
      assert.ok(row(rows, "openai/gpt-5.2").tags.includes("fallback#1"));
      assert.ok(row(rows, "anthropic/claude-sonnet-4-6").tags.includes("fallback#2"));
    });
  });

  test("add of a fallback already there changes nothing", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] } } } });
      const before = readConfigText(h);
      const result = await cli(h, ["models", "fallbacks", "add", "gpt"]);
      assertOk(result);
      assert.ok(!result.stdout.includes("Updated"), result.stdout);
      assert.match(result.stdout, /openai\/gpt-5\.2/);
      assert.equal(readConfigText(h), before);
    });
  });

  test("add with an allowlist also adds the model entry", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" }, models: { "anthropic/claude-opus-4-6": {} } } } });
      const result = await cli(h, ["models", "fallbacks", "add", "openai/gpt-5-mini"]);
      assertOk(result);
      const config = readJson(h.configPath);
      assert.deepEqual(config.agents.defaults.model.fallbacks, ["openai/gpt-5-mini"]);
      assert.deepEqual(Object.keys(config.agents.defaults.models).sort(), ["anthropic/claude-opus-4-6", "openai/gpt-5-mini"]);
    });
  });

  test("remove by key or alias; unknown gives Fallback not found", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, {
        agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2", "gpt-mini", "anthropic/claude-sonnet-4-6"] } } },
      });
      const before = readConfigText(h);
      const missing = await cli(h, ["models", "fallbacks", "remove", "openai/gpt-4.1"]);
      assertFails(missing, "Fallback not found: openai/gpt-4.1");
      assert.equal(readConfigText(h), before);

      // Written as the alias `gpt-mini`, removed by its full key.
      const byKey = await cli(h, ["models", "fallbacks", "remove", "openai/gpt-5-mini"]);
      assertOk(byKey);
      assert.equal(byKey.stdout, `${UPDATED}\nFallbacks: openai/gpt-5.2, anthropic/claude-sonnet-4-6\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.model.fallbacks, ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"]);

      // Written as a key, removed by its alias.
      const byAlias = await cli(h, ["models", "fallbacks", "remove", "sonnet"]);
      assertOk(byAlias);
      assert.equal(byAlias.stdout, `${UPDATED}\nFallbacks: openai/gpt-5.2\n`);
      const config = readJson(h.configPath);
      assert.deepEqual(config.agents.defaults.model, { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] });

      const again = await cli(h, ["models", "fallbacks", "remove", "sonnet"]);
      assertFails(again, "Fallback not found: anthropic/claude-sonnet-4-6");
    });
  });

  test("an unparsable entry in the file neither blocks removing others nor resists its own removal", async () => {
    await inTempHome(async (h) => {
      // A hand-edited typo: a provider with no model.
      writeConfig(h, { agents: { defaults: { model: { primary: "openai/gpt-5.2", fallbacks: ["openai/", "openai/gpt-5-mini"] } } } });
      const list = await cli(h, ["models", "fallbacks", "list", "--plain"]);
      assertOk(list);
      assert.equal(list.stdout, "openai/\nopenai/gpt-5-mini\n");

      const other = await cli(h, ["models", "fallbacks", "remove", "openai/gpt-5-mini"]);
      assertOk(other);
      assert.deepEqual(readJson(h.configPath).agents.defaults.model.fallbacks, ["openai/"]);

      const itself = await cli(h, ["models", "fallbacks", "remove", "openai/"]);
      assertOk(itself);
      assert.deepEqual(readJson(h.configPath).agents.defaults.model.fallbacks, []);
    });
  });

  test("clear empties the list and keeps the primary", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { agents: { defaults: { model: { primary: "openai/gpt-5.2", fallbacks: ["openai/gpt-5-mini", "opus"] } } } });
      const result = await cli(h, ["models", "fallbacks", "clear"]);
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nFallbacks cleared.\n`);
      assert.deepEqual(readJson(h.configPath).agents.defaults.model, { primary: "openai/gpt-5.2", fallbacks: [] });
      const list = await cli(h, ["models", "fallbacks", "list", "--json"]);
      assertOk(list);
      assert.deepEqual(JSON.parse(list.stdout), { fallbacks: [] });
    });
  });
});

describe("config file handling", () => {
  const JSON5_CONFIG = `// OpenClaw config, hand-edited
{
  /* routing */
  agents: {
    defaults: {
      model: {
        primary: 'anthropic/claude-opus-4-6', // the main one
        fallbacks: [
          'openai/gpt-5.2',
          "gpt-mini", // a built-in alias
        ],
      },
      models: {
        'openai/gpt-5.2': { alias: 'big', },
      },
    },
  },
}
`;

  test("a JSON5 config (comments, trailing commas, single quotes) is read", async () => {
    await inTempHome(async (h) => {
      writeConfigText(h, JSON5_CONFIG);
      const fallbacks = await cli(h, ["models", "fallbacks", "list"]);
      assertOk(fallbacks);
      assert.equal(fallbacks.stdout, "Fallbacks (2):\n- openai/gpt-5.2\n- openai/gpt-5-mini\n");
      assert.equal(fallbacks.stderr, "");

      const aliases = await cli(h, ["models", "aliases", "list", "--plain"]);
      assertOk(aliases);
      assert.equal(aliases.stdout, "big openai/gpt-5.2\n");

      const list = await cli(h, ["models", "list", "--plain"]);
      assertOk(list);
      assert.equal(list.stdout, "anthropic/claude-opus-4-6\nopenai/gpt-5.2\nopenai/gpt-5-mini\n");
      assert.equal(readConfigText(h), JSON5_CONFIG, "reading must not rewrite the file");

      // A write starts from the document as written.
      const add = await cli(h, ["models", "fallbacks", "add", "openai/gpt-4.1"]);
      assertOk(add);
      const config = readJson(h.configPath);
      assert.deepEqual(config.agents.defaults.model, {
        primary: "anthropic/claude-opus-4-6",
        fallbacks: ["openai/gpt-5.2", "gpt-mini", "openai/gpt-4.1"],
      });
      assert.equal(readFileSync(`${h.configPath}.bak`, "utf8"), JSON5_CONFIG);
    });
  });

  test("models set keeps a ${VAR} reference literal (and never writes its value)", async () => {
    await inTempHome(async (h) => {
      const secret = "acme-secret-" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
      writeConfig(h, {
        models: {
          providers: {
            acme: {
              baseUrl: "http://localhost:8123/v1",
              api: "openai-completions",
              apiKey: "${ACME_API_KEY}",
              // `$${VAR}` is the escape for a literal `${VAR}`; it must go back to disk as written.
              headers: { "X-Literal": "$${NOT_SUBSTITUTED}" },
              models: [{ id: "mystery-1", name: "Mystery One" }],
            },
          },
        },
        agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] } } },
      });

      const result = await cli(h, ["models", "set", "acme/mystery-1"], { ACME_API_KEY: secret });
      assertOk(result);
      assert.equal(result.stdout, `${UPDATED}\nDefault model: acme/mystery-1\n`);
      const text = readConfigText(h);
      assert.ok(!text.includes(secret), "the substituted secret was written to openclaw.json");
      const config = JSON.parse(text);
      assert.equal(config.models.providers.acme.apiKey, "${ACME_API_KEY}");
      assert.equal(config.models.providers.acme.headers["X-Literal"], "$${NOT_SUBSTITUTED}");
      assert.deepEqual(config.agents.defaults.model, { primary: "acme/mystery-1", fallbacks: ["openai/gpt-5.2"] });
      assertNoSecrets([result.stdout, result.stderr], [secret]);

      // The custom model is in the catalog (so no "not in the catalog" note), local and authenticated via its apiKey.
      assert.equal(result.stderr, "");
      const list = await cli(h, ["models", "list"], { ACME_API_KEY: secret });
      assertOk(list);
      const acme = row(parseTable(list.stdout), "acme/mystery-1");
      assert.equal(acme.local, "yes");
      assert.ok(acme.tags.includes("default"));
      assert.ok(!acme.tags.includes("missing"));
      assertNoSecrets([list.stdout, list.stderr], [secret]);
    });
  });

  test("a missing ${VAR} is an error and nothing is written", async () => {
    await inTempHome(async (h) => {
      writeConfig(h, { models: { providers: { acme: { baseUrl: "http://localhost:8123/v1", apiKey: "${ACME_API_KEY}", models: [] } } } });
      const before = readConfigText(h);
      const result = await cli(h, ["models", "set", "openai/gpt-5.2"], { ACME_API_KEY: undefined });
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stderr, /ACME_API_KEY/);
      assert.equal(readConfigText(h), before);
    });
  });
});
