// DESIGN §4.4 "Files", end to end through the built CLI: a store or config
// that does not parse (or fails the schema) is never treated as empty and never
// written over; writes are 0600 in 0700 dirs, the config keeps five rotating
// backups; what we did not understand (unknown fields, `${VAR}` references)
// survives a rewrite; OpenClaw's legacy store typos still load.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { aliceSecrets, assertNoSecrets, copyAliceFixture, makeHome, readJson, runCli, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";

// ---------------------------------------------------------------------------
// helpers

/** Every file (bytes) and dir under `root`, keyed by relative path. */
function snapshotTree(root: string): Map<string, Buffer | "dir"> {
  const out = new Map<string, Buffer | "dir">();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        out.set(relative(root, path), "dir");
        walk(path);
      } else out.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return out;
}

/** Fails unless `after` holds exactly the same paths with byte-identical contents. */
function assertTreeUnchanged(before: Map<string, Buffer | "dir">, after: Map<string, Buffer | "dir">, what: string): void {
  const added = [...after.keys()].filter((path) => !before.has(path));
  const removed = [...before.keys()].filter((path) => !after.has(path));
  assert.deepEqual(added, [], `${what}: files appeared: ${added.join(", ")}`);
  assert.deepEqual(removed, [], `${what}: files disappeared: ${removed.join(", ")}`);
  for (const [path, content] of before) {
    const now = after.get(path)!;
    if (content === "dir" || now === "dir") assert.equal(now, content, `${what}: ${path} changed kind`);
    else assert.ok(Buffer.compare(content, now) === 0, `${what}: ${path} is not byte-identical afterwards`);
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (value: number) => "0" + value.toString(8);

/**
 * DESIGN §4.2: exit 1, `Error: <message>` as the first stderr line, at most one
 * more line (the fix), no stack trace, nothing on stdout.
 */
function assertCleanFailure(result: CliResult, what: string): string {
  const context = `${what}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
  assert.equal(result.code, 1, `exit code 1 expected: ${context}`);
  const lines = result.stderr.replace(/\n$/, "").split("\n");
  assert.match(lines[0] ?? "", /^Error: \S/, `first stderr line must be "Error: …": ${context}`);
  assert.ok(lines.length <= 2, `at most an error line and a hint line: ${context}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `no stack trace: ${context}`);
  assert.doesNotMatch(result.stderr, /\.(?:js|ts|mjs):\d+/, `no source locations: ${context}`);
  assert.equal(result.stdout, "", `nothing on stdout when the command failed: ${context}`);
  return lines[0]!;
}

/** 1-based line and column of `offset` in `text`. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

const STORE_DISPLAY = "~/.openclaw/agents/main/agent/auth-profiles.json";
const CONFIG_DISPLAY = "~/.openclaw/openclaw.json";

const API_KEY = "sk-proj-fileSafetyApiKey0123456789abcdefghijklmnopqrstuv";
const TOKEN = "sk-ant-oat01-fileSafetyToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS";
const NEW_SECRET = "sk-new-secret-0123456789abcdefghijklmnopqrstuvwxyzABCD";

interface Invocation {
  name: string;
  args: string[];
  stdin?: string;
}

/** Every command that reads the agent's auth store. */
const STORE_READERS: Invocation[] = [
  { name: "models status", args: ["models", "status"] },
  { name: "models status --check", args: ["models", "status", "--check"] },
  { name: "models status --json", args: ["models", "status", "--json"] },
  { name: "models auth list", args: ["models", "auth", "list"] },
  { name: "models auth list --json", args: ["models", "auth", "list", "--json"] },
  { name: "paste-token", args: ["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:new"], stdin: NEW_SECRET },
  { name: "paste-api-key", args: ["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:new"], stdin: NEW_SECRET },
  { name: "logout", args: ["models", "auth", "logout", "openai:a", "--yes"] },
  { name: "order get", args: ["models", "auth", "order", "get", "--provider", "openai"] },
  { name: "order set", args: ["models", "auth", "order", "set", "--provider", "openai", "openai:a"] },
  { name: "order clear", args: ["models", "auth", "order", "clear", "--provider", "openai"] },
];

/** Every command that reads the config (all of them), including the config writers. */
const CONFIG_READERS: Invocation[] = [
  ...STORE_READERS,
  { name: "models set", args: ["models", "set", "anthropic/claude-opus-4-6"] },
  { name: "models aliases add", args: ["models", "aliases", "add", "fast", "anthropic/claude-opus-4-6"] },
  { name: "models fallbacks add", args: ["models", "fallbacks", "add", "openai/gpt-5"] },
  { name: "models list", args: ["models", "list"] },
];

/** A home with a valid config (that mentions openai:a) and `storeText` as the store. */
function homeWithStore(storeText: string): TempHome {
  const home = makeHome();
  writeJson(home.configPath, {
    auth: { profiles: { "openai:a": { provider: "openai", mode: "api_key" } } },
    agents: { defaults: { model: { primary: "openai/gpt-5" } } },
  });
  mkdirSync(home.agentDir, { recursive: true });
  writeFileSync(home.storePath, storeText, { mode: 0o600 });
  return home;
}

/** A home with a valid store and `configText` as the config. */
function homeWithConfig(configText: string): TempHome {
  const home = makeHome();
  writeJson(home.storePath, {
    version: 1,
    profiles: { "openai:a": { type: "api_key", provider: "openai", key: API_KEY } },
  });
  writeFileSync(home.configPath, configText, { mode: 0o600 });
  return home;
}

// ---------------------------------------------------------------------------
// broken auth store

const VALID_STORE_LINES = [
  "{",
  '  "version": 1,',
  '  "profiles": {',
  `    "openai:a": { "type": "api_key", "provider": "openai", "key": "${API_KEY}" },`,
  `    "anthropic:t": { "type": "token", "provider": "anthropic", "token": "${TOKEN}", "expires": 4102444800000 }`,
  "  }",
  "}",
  "",
];

interface BrokenFile {
  name: string;
  text: string;
  /** What the error must say about where the problem is. */
  position: RegExp;
}

const trailingComma = [...VALID_STORE_LINES.slice(0, 4), "  }", "}", ""].join("\n");
// Issue 6: JSON.parse keeps the second "openai:a" and drops the first without a word.
const duplicateProfile = [
  ...VALID_STORE_LINES.slice(0, 4),
  `    "openai:a": { "type": "api_key", "provider": "openai", "key": "${NEW_SECRET}" },`,
  ...VALID_STORE_LINES.slice(4),
].join("\n");
const infiniteExpiry = VALID_STORE_LINES.join("\n").replace('"expires": 4102444800000', '"expires": 1e999');
const truncated = VALID_STORE_LINES.join("\n").slice(0, VALID_STORE_LINES.join("\n").indexOf(API_KEY) + 12);
const unquoted = VALID_STORE_LINES.join("\n").replace(`"${API_KEY}"`, API_KEY);

function at(text: string, offset: number): RegExp {
  const { line, column } = lineColumn(text, offset);
  return new RegExp(`line ${line}, column ${column}\\b`);
}

const UNPARSABLE_STORES: BrokenFile[] = [
  // The comma ends line 4; the parser trips over the `}` on line 5, column 3.
  { name: "a trailing comma", text: trailingComma, position: at(trailingComma, trailingComma.lastIndexOf("  }") + 2) },
  // Cut off in the middle of a secret: the problem is at the end of the text.
  { name: "truncated JSON (cut inside a secret)", text: truncated, position: at(truncated, truncated.length) },
  // An unquoted secret: the position is its first character, and the secret is never quoted back.
  { name: "an unquoted value", text: unquoted, position: at(unquoted, unquoted.indexOf(API_KEY)) },
  { name: "an empty file", text: "", position: /empty/ },
];

const INVALID_STORES: BrokenFile[] = [
  {
    name: 'a profile with "type": "password"',
    text: JSON.stringify({ version: 1, profiles: { "openai:a": { type: "password", provider: "openai", key: API_KEY } } }, null, 2) + "\n",
    position: /profiles\["openai:a"\]\.type\b/,
  },
  {
    name: 'a token with expires: "soon"',
    text:
      JSON.stringify(
        { version: 1, profiles: { "openai:a": { type: "api_key", provider: "openai", key: API_KEY }, "anthropic:t": { type: "token", provider: "anthropic", token: TOKEN, expires: "soon" } } },
        null,
        2,
      ) + "\n",
    position: /profiles\["anthropic:t"\]\.expires\b/,
  },
  {
    name: "profiles: []",
    text: JSON.stringify({ version: 1, profiles: [] }, null, 2) + "\n",
    position: /(?:^|[\s:])profiles: expected/,
  },
  {
    name: "a profile id written twice (issue 6)",
    text: duplicateProfile,
    position: new RegExp(`duplicate key "openai:a" in profiles at ${at(duplicateProfile, duplicateProfile.lastIndexOf('"openai:a"')).source}`),
  },
  {
    // JSON.parse reads 1e999 as Infinity; "expected a number, got a number" helped nobody.
    name: "expires: 1e999 (issue 6)",
    text: infiniteExpiry,
    position: /profiles\["anthropic:t"\]\.expires: expected a time in milliseconds since 1970, got a number too large to represent \(it reads as infinity\)/,
  },
  {
    name: "a profile id with a right-to-left override (issue 6)",
    text: JSON.stringify({ version: 1, profiles: { "openai:a": { type: "api_key", provider: "openai", key: API_KEY }, "openai:\u202Eb": { type: "api_key", provider: "openai", key: API_KEY } } }, null, 2) + "\n",
    position: /profile id "openai:\\u202Eb" in profiles contains a control or bidirectional-override character \(U\+202E\)/,
  },
  {
    name: "an order entry that is not a list",
    text: JSON.stringify({ version: 1, profiles: { "openai:a": { type: "api_key", provider: "openai", key: API_KEY } }, order: { openai: "openai:a" } }, null, 2) + "\n",
    position: /order\.openai\b/,
  },
];

async function assertStoreCommandRefuses(file: BrokenFile, invocation: Invocation): Promise<void> {
  const home = homeWithStore(file.text);
  try {
    const before = snapshotTree(home.home);
    const result = await runCli(invocation.args, { home: home.home, ...(invocation.stdin !== undefined ? { stdin: invocation.stdin } : {}) });
    const what = `${invocation.name} on a store with ${file.name}`;
    const line = assertCleanFailure(result, what);
    assert.ok(line.includes(STORE_DISPLAY), `${what}: the error must name the store as ${STORE_DISPLAY}: ${line}`);
    assert.ok(!result.stderr.includes(home.home), `${what}: the home dir must be shown as ~: ${result.stderr}`);
    assert.match(line, file.position, `${what}: the error must say where the problem is: ${line}`);
    assertNoSecrets([result.stdout, result.stderr], [API_KEY, TOKEN, NEW_SECRET]);
    assertTreeUnchanged(before, snapshotTree(home.home), what);
  } finally {
    home.cleanup();
  }
}

describe("an auth store that does not parse is never treated as empty", () => {
  for (const file of UNPARSABLE_STORES) {
    describe(`store with ${file.name}`, () => {
      for (const invocation of STORE_READERS) {
        test(`${invocation.name} fails with file and position, writes nothing`, () => assertStoreCommandRefuses(file, invocation));
      }
    });
  }
});

describe("an auth store that fails the schema is never written over", () => {
  for (const file of INVALID_STORES) {
    describe(`store with ${file.name}`, () => {
      for (const invocation of STORE_READERS) {
        test(`${invocation.name} fails with file and key path, writes nothing`, () => assertStoreCommandRefuses(file, invocation));
      }
    });
  }

  test("an unknown credential type is explained with the allowed types, not a self-contradiction", async () => {
    const home = homeWithStore(INVALID_STORES[0]!.text);
    try {
      const result = await runCli(["models", "auth", "list"], { home: home.home });
      const line = assertCleanFailure(result, "auth list on a store with type password");
      // Today: `profiles["openai:a"].type: expected a string or an object, got a string`.
      assert.match(line, /"api_key"/, `the error should list the valid types: ${line}`);
      assert.match(line, /"token"/, `the error should list the valid types: ${line}`);
      assert.match(line, /"oauth"/, `the error should list the valid types: ${line}`);
    } finally {
      home.cleanup();
    }
  });
});

describe("models set with a broken store", () => {
  // `models set` only edits the config; it may refuse, but must never touch the store.
  for (const file of [UNPARSABLE_STORES[0]!, INVALID_STORES[0]!]) {
    test(`store with ${file.name}: the store is byte-identical afterwards`, async () => {
      const home = homeWithStore(file.text);
      try {
        const storeBefore = readFileSync(home.storePath);
        const result = await runCli(["models", "set", "anthropic/claude-opus-4-6"], { home: home.home });
        if (result.code !== 0) {
          const line = assertCleanFailure(result, `models set on a store with ${file.name}`);
          assert.ok(line.includes(STORE_DISPLAY), line);
        } else {
          assert.equal(readJson(home.configPath).agents.defaults.model.primary, "anthropic/claude-opus-4-6");
        }
        assert.ok(Buffer.compare(storeBefore, readFileSync(home.storePath)) === 0, "the store must be byte-identical");
        assert.deepEqual(readdirSync(home.agentDir), ["auth-profiles.json"], "no temp, backup or lock files beside the store");
      } finally {
        home.cleanup();
      }
    });
  }
});

// ---------------------------------------------------------------------------
// broken config

const badJson5 = [
  "{",
  "  // JSON5 is fine here, a missing comma is not",
  "  agents: {",
  '    defaults: { model: "openai/gpt-5" }',
  "  }",
  "  auth: {}",
  "}",
  "",
].join("\n");

// Issue 6: an unquoted key and a quoted one that decode equal are the same key to JSON5.
const duplicateJson5Key = ["{", "  agents: { defaults: { model: 'openai/gpt-5' } },", "  'agents': {},", "}", ""].join("\n");

const BROKEN_CONFIGS: (BrokenFile & { env?: Record<string, string> })[] = [
  { name: "bad JSON5 (a missing comma)", text: badJson5, position: at(badJson5, badJson5.indexOf("auth:")) },
  { name: "an unterminated object", text: '{\n  agents: { defaults: { model: "openai/gpt-5" } },\n', position: /line 3, column 1\b/ },
  { name: "agents.defaults.model: 42", text: "{\n  agents: { defaults: { model: 42 } },\n}\n", position: /agents\.defaults\.model\b/ },
  { name: "a key written twice (issue 6)", text: duplicateJson5Key, position: /duplicate key "agents" at the top level at line 3, column 3\b/ },
  {
    name: "a profile id with a bidi isolate in auth.profiles (issue 6)",
    text: '{\n  auth: { profiles: { "openai:\\u2066a": { provider: "openai", mode: "api_key" } } },\n}\n',
    position: /profile id "openai:\\u2066a" in auth\.profiles contains a control or bidirectional-override character \(U\+2066\)/,
  },
  {
    name: "a ${MISSING_VAR} reference",
    text: '{\n  models: { providers: { openai: { apiKey: "${MISSING_VAR}" } } },\n}\n',
    position: /MISSING_VAR.*models\.providers\.openai\.apiKey|models\.providers\.openai\.apiKey.*MISSING_VAR/,
  },
];

describe("a broken openclaw.json stops every command and is never written over", () => {
  for (const file of BROKEN_CONFIGS) {
    describe(`config with ${file.name}`, () => {
      for (const invocation of CONFIG_READERS) {
        test(`${invocation.name} fails naming the config and the spot, writes nothing`, async () => {
          const home = homeWithConfig(file.text);
          try {
            const before = snapshotTree(home.home);
            const result = await runCli(invocation.args, { home: home.home, ...(invocation.stdin !== undefined ? { stdin: invocation.stdin } : {}) });
            const what = `${invocation.name} with a config with ${file.name}`;
            const line = assertCleanFailure(result, what);
            assert.ok(line.includes(CONFIG_DISPLAY), `${what}: the error must name ${CONFIG_DISPLAY}: ${line}`);
            assert.ok(!result.stderr.includes(home.home), `${what}: the home dir must be shown as ~`);
            assert.match(line, file.position, `${what}: the error must say where: ${line}`);
            assertNoSecrets([result.stdout, result.stderr], [API_KEY, NEW_SECRET]);
            assertTreeUnchanged(before, snapshotTree(home.home), what);
          } finally {
            home.cleanup();
          }
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------
// modes and backups

describe("file modes", () => {
  test("the first write creates 0700 dirs and 0600 store and config", async () => {
    const home = makeHome();
    try {
      assert.ok(!existsSync(home.stateDir));
      const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:p1"], { home: home.home, stdin: API_KEY });
      assert.equal(result.code, 0, result.stderr);
      for (const dir of [home.stateDir, join(home.stateDir, "agents"), join(home.stateDir, "agents", "main"), home.agentDir]) {
        assert.equal(octal(mode(dir)), "0700", `${relative(home.home, dir)} must be 0700`);
      }
      assert.equal(octal(mode(home.storePath)), "0600", "the store must be 0600");
      assert.equal(octal(mode(home.configPath)), "0600", "the config must be 0600");
      assert.equal(readJson(home.storePath).profiles["openai:p1"].key, API_KEY);
      assert.deepEqual(readdirSync(home.agentDir), ["auth-profiles.json"], "no temp or lock files left beside the store");
    } finally {
      home.cleanup();
    }
  });

  test("a rewrite leaves store and config 0600 even if they were 0644", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      chmodSync(home.storePath, 0o644);
      chmodSync(home.configPath, 0o644);
      const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:p1"], { home: home.home, stdin: API_KEY });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readJson(home.storePath).profiles["openai:p1"].key, API_KEY, "the store was rewritten");
      assert.equal(octal(mode(home.storePath)), "0600", "the rewritten store must be 0600");
      assert.equal(octal(mode(home.configPath)), "0600", "the rewritten config must be 0600");
      assert.equal(octal(mode(`${home.configPath}.bak`)), "0600", "the config backup must be 0600");
    } finally {
      home.cleanup();
    }
  });

  test("the config keeps exactly five rotating 0600 backups, newest in .bak", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const versions: Buffer[] = [readFileSync(home.configPath)];
      const models = ["openai/gpt-5", "anthropic/claude-opus-4-6", "openai/gpt-4o", "anthropic/claude-sonnet-4-5", "openrouter/a/b", "openai/o3", "google/gemini-2.5-pro"];
      for (const model of models) {
        const result = await runCli(["models", "set", model], { home: home.home });
        assert.equal(result.code, 0, `models set ${model}: ${result.stderr}`);
        assert.match(result.stdout, /Updated ~\/\.openclaw\/openclaw\.json/, `models set ${model} must write the config`);
        assert.equal(readJson(home.configPath).agents.defaults.model.primary, model);
        versions.push(readFileSync(home.configPath));
      }
      const backups = readdirSync(home.stateDir).filter((name) => name.startsWith("openclaw.json.")).sort();
      assert.deepEqual(backups, ["openclaw.json.bak", "openclaw.json.bak.1", "openclaw.json.bak.2", "openclaw.json.bak.3", "openclaw.json.bak.4"]);
      // versions[7] is the current file; .bak is the one before it, .bak.1 the one before that, …
      const expected: [string, Buffer][] = [
        ["openclaw.json.bak", versions[6]!],
        ["openclaw.json.bak.1", versions[5]!],
        ["openclaw.json.bak.2", versions[4]!],
        ["openclaw.json.bak.3", versions[3]!],
        ["openclaw.json.bak.4", versions[2]!],
      ];
      for (const [name, content] of expected) {
        const path = join(home.stateDir, name);
        assert.ok(Buffer.compare(readFileSync(path), content) === 0, `${name} must hold the right earlier version`);
        assert.equal(octal(mode(path)), "0600", `${name} must be 0600`);
      }
      assert.equal(octal(mode(home.configPath)), "0600");
    } finally {
      home.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------
// what we do not understand survives

describe("rewrites keep what they did not change", () => {
  test("unknown store fields, top-level and inside a profile, survive a paste-token of another profile", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const store = readJson(home.storePath);
      store.futureTopLevel = { nested: [1, "two", { three: true }] };
      store.profiles["openai:a"] = { type: "api_key", provider: "openai", key: API_KEY, label: "work laptop", extra: { rotatedBy: "ops", n: 3 } };
      store.usageStats["openai:a"] = { lastUsed: Date.now() - 1000, futureCounter: 7 };
      writeJson(home.storePath, store);
      const result = await runCli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:other"], { home: home.home, stdin: NEW_SECRET });
      assert.equal(result.code, 0, result.stderr);
      const after = readJson(home.storePath);
      assert.equal(after.profiles["openrouter:other"].token, NEW_SECRET, "the new profile was written");
      assert.deepEqual(after.futureTopLevel, store.futureTopLevel, "unknown top-level field survives");
      assert.deepEqual(after.profiles["openai:a"], store.profiles["openai:a"], "unknown profile fields survive");
      assert.deepEqual(after.usageStats["openai:a"], store.usageStats["openai:a"], "unknown usage fields survive");
      for (const [id, profile] of Object.entries(store.profiles)) assert.deepEqual(after.profiles[id], profile, `${id} unchanged`);
      assert.deepEqual(after.order, store.order, "order unchanged");
      assertNoSecrets([result.stdout, result.stderr], [...aliceSecrets(), API_KEY, NEW_SECRET]);
    } finally {
      home.cleanup();
    }
  });

  test("${VAR} references and unknown config keys survive CLI writes; their values never reach disk", async () => {
    const home = makeHome();
    const envSecret = "sk-env-secret-fromProcessEnv-0123456789abcdefghijklmnop";
    const dotenvSecret = "https://dotenv-only.example.invalid/v1";
    try {
      copyAliceFixture(home);
      writeFileSync(join(home.stateDir, ".env"), `OPENAI_BASE_URL=${dotenvSecret}\n`, { mode: 0o600 });
      const configText = [
        "{",
        "  // written by hand, JSON5",
        '  auth: { profiles: { "anthropic:manual": { provider: "anthropic", mode: "token" } } },',
        "  models: {",
        "    providers: {",
        '      openai: { apiKey: "${OPENAI_API_KEY}", baseUrl: "${OPENAI_BASE_URL}", headers: { "x-literal": "$${NOT_A_REF}" }, models: [] },',
        "    },",
        "  },",
        "  futureSection: { keep: [1, 2, 3] },",
        "}",
        "",
      ].join("\n");
      writeFileSync(home.configPath, configText, { mode: 0o600 });
      const env = { OPENAI_API_KEY: envSecret };

      const paste = await runCli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:other"], { home: home.home, stdin: NEW_SECRET, env });
      assert.equal(paste.code, 0, paste.stderr);
      const set = await runCli(["models", "set", "openai/gpt-5"], { home: home.home, env });
      assert.equal(set.code, 0, set.stderr);

      const config = readJson(home.configPath);
      assert.ok(config.auth.profiles["openrouter:other"], "the CLI did write the config");
      assert.equal(config.agents.defaults.model.primary, "openai/gpt-5");
      assert.equal(config.models.providers.openai.apiKey, "${OPENAI_API_KEY}", "the reference, not its value, is written back");
      assert.equal(config.models.providers.openai.baseUrl, "${OPENAI_BASE_URL}");
      assert.equal(config.models.providers.openai.headers["x-literal"], "$${NOT_A_REF}", "an escaped reference stays escaped");
      assert.deepEqual(config.futureSection, { keep: [1, 2, 3] }, "unknown config keys survive");
      // Neither value is anywhere on disk (config, backups, store), nor in the output.
      for (const [path, content] of snapshotTree(home.stateDir)) {
        if (content === "dir" || path === ".env") continue;
        assert.ok(!content.includes(envSecret), `${path} must not contain the value of OPENAI_API_KEY`);
        assert.ok(!content.includes(dotenvSecret), `${path} must not contain the value of OPENAI_BASE_URL`);
      }
      assertNoSecrets([paste.stdout, paste.stderr, set.stdout, set.stderr], [envSecret, NEW_SECRET]);
    } finally {
      home.cleanup();
    }
  });

  test("a command that changes nothing does not rewrite the store", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const store = readJson(home.storePath);
      delete store.order;
      writeJson(home.storePath, store);
      const before = readFileSync(home.storePath);
      const inode = statSync(home.storePath).ino;
      const result = await runCli(["models", "auth", "order", "clear", "--provider", "openai"], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Buffer.compare(before, readFileSync(home.storePath)) === 0, "the store is byte-identical");
      assert.equal(statSync(home.storePath).ino, inode, "the store was not replaced");
    } finally {
      home.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------
// legacy typos

describe("OpenClaw's legacy store typos load", () => {
  test("an entry with `mode` instead of `type` and `apiKey` instead of `key` is listed, masked, and not rewritten by reading", async () => {
    const home = makeHome();
    const legacyKey = "sk-legacy-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
    try {
      writeJson(home.storePath, {
        version: 1,
        profiles: {
          "openai:legacy": { mode: "api_key", provider: "openai", apiKey: legacyKey },
          "openrouter:legacy": { mode: "token", provider: "openrouter", token: TOKEN },
        },
      });
      const before = readFileSync(home.storePath);
      const result = await runCli(["models", "auth", "list", "--json"], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      const listed = JSON.parse(result.stdout) as { profiles: { profileId: string; provider: string; type: string; credential: string }[] };
      const legacy = listed.profiles.find((profile) => profile.profileId === "openai:legacy");
      assert.ok(legacy, `openai:legacy must be listed: ${result.stdout}`);
      assert.equal(legacy.provider, "openai");
      assert.equal(legacy.type, "api_key");
      assert.ok(legacy.credential.startsWith("sk-le"), `the credential is shown masked: ${legacy.credential}`);
      const token = listed.profiles.find((profile) => profile.profileId === "openrouter:legacy");
      assert.ok(token, "openrouter:legacy must be listed");
      assert.equal(token.type, "token");
      assertNoSecrets([result.stdout, result.stderr], [legacyKey, TOKEN]);
      assert.ok(Buffer.compare(before, readFileSync(home.storePath)) === 0, "reading does not rewrite the store");

      // A later write of another profile keeps the legacy credential usable.
      const paste = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:new"], { home: home.home, stdin: NEW_SECRET });
      assert.equal(paste.code, 0, paste.stderr);
      const relisted = await runCli(["models", "auth", "list", "--json"], { home: home.home });
      assert.equal(relisted.code, 0, relisted.stderr);
      const ids = (JSON.parse(relisted.stdout) as { profiles: { profileId: string; type: string }[] }).profiles.map((profile) => `${profile.profileId}=${profile.type}`).sort();
      assert.deepEqual(ids, ["openai:legacy=api_key", "openai:new=api_key", "openrouter:legacy=token"]);
      const stored = readJson(home.storePath).profiles["openai:legacy"];
      assert.equal(stored.key ?? stored.apiKey, legacyKey, "the legacy key survives the rewrite");
    } finally {
      home.cleanup();
    }
  });
});
