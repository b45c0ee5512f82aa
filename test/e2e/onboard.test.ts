// `openclaw onboard` (spec §3.5): every non-interactive auth choice and every
// error text, against the real CLI and the files it writes; the wizard on a
// pseudo-terminal, through a whole run and with Ctrl-C in the middle.
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { assertNoSecrets, cliEnv, inTempHome, makeHome, readJson, runCli, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";
import { copyFixture2026 } from "../helpers/fixture-2026-9.ts";
import { KEY, ptyUnavailableReason, spawnCliPty, type PtySession } from "../helpers/pty.ts";

const rand = (n: number) => randomBytes(n).toString("base64url").replace(/[-_]/g, "x").slice(0, n);
const anthropicKey = () => "sk-ant-api03-" + rand(80);
const openaiKey = () => "sk-proj-" + rand(64);
const openrouterKey = () => "sk-or-v1-" + rand(64);
const setupToken = () => "sk-ant-oat01-" + rand(90);

const ONBOARD = ["onboard", "--non-interactive", "--accept-risk"];
const outputs = (...results: CliResult[]) => results.flatMap((r) => [r.stdout, r.stderr]);
const mode = (path: string) => statSync(path).mode & 0o777;

/** A home with a profile and config keys that onboard must keep. */
function seed(home: TempHome): { oldKey: string } {
  const oldKey = openrouterKey();
  writeJson(home.storePath, { version: 1, profiles: { "openrouter:work": { type: "api_key", provider: "openrouter", key: oldKey } } });
  writeJson(home.configPath, {
    auth: { profiles: { "openrouter:work": { provider: "openrouter", mode: "api_key" } } },
    agents: { defaults: { model: { primary: "openrouter/some-model", fallbacks: ["openai/gpt-5-mini"] } } },
    gateway: { bind: "loopback" },
  });
  return { oldKey };
}

function assertSeedKept(home: TempHome, oldKey: string): void {
  const store = readJson(home.storePath);
  assert.deepEqual(store.profiles["openrouter:work"], { type: "api_key", provider: "openrouter", key: oldKey });
  const config = readJson(home.configPath);
  assert.deepEqual(config.auth.profiles["openrouter:work"], { provider: "openrouter", mode: "api_key" });
  assert.deepEqual(config.agents.defaults.model.fallbacks, ["openai/gpt-5-mini"]);
  assert.equal(config.gateway.bind, "loopback");
  assert.equal(mode(home.storePath), 0o600);
  assert.equal(mode(home.configPath), 0o600);
}

function assertNothingWritten(home: TempHome): void {
  assert.equal(existsSync(home.storePath), false, "auth-profiles.json was written");
  assert.equal(existsSync(home.configPath), false, "openclaw.json was written");
  assert.equal(existsSync(join(home.stateDir, ".env")), false, ".env was written");
}

describe("onboard --non-interactive: API-key choices", () => {
  test("apiKey with --anthropic-api-key: anthropic:default, config mode api_key, other profiles and keys kept, key never printed", () =>
    inTempHome(async (home) => {
      const { oldKey } = seed(home);
      const key = anthropicKey();
      const result = await runCli([...ONBOARD, "--auth-choice", "apiKey", "--anthropic-api-key", key], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(readJson(home.storePath).profiles["anthropic:default"], { type: "api_key", provider: "anthropic", key });
      assert.deepEqual(readJson(home.configPath).auth.profiles["anthropic:default"], { provider: "anthropic", mode: "api_key" });
      assert.equal(readJson(home.configPath).agents.defaults.model.primary, "openrouter/some-model", "the default model is not onboard's to change here");
      assert.match(result.stdout, /^Auth profile: anthropic:default \(anthropic\/api_key\)$/m);
      assert.match(result.stdout, /^Onboarding done\. Check it with: openclaw models status$/m);
      assertSeedKept(home, oldKey);
      assertNoSecrets(outputs(result), [key, oldKey]);
    }));

  test("the choice is inferred from a single key flag", () =>
    inTempHome(async (home) => {
      const key = openaiKey();
      const result = await runCli([...ONBOARD, "--openai-api-key", key], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readJson(home.storePath).profiles["openai:default"].key, key);
      assertNoSecrets(outputs(result), [key]);
    }));

  test("apiKey from ANTHROPIC_API_KEY when no flag: stored as plaintext by default", () =>
    inTempHome(async (home) => {
      const key = anthropicKey();
      const result = await runCli([...ONBOARD, "--auth-choice", "apiKey"], { home: home.home, env: { ANTHROPIC_API_KEY: key } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Using ANTHROPIC_API_KEY from env\.$/m);
      assert.deepEqual(readJson(home.storePath).profiles["anthropic:default"], { type: "api_key", provider: "anthropic", key });
      assertNoSecrets(outputs(result), [key]);
    }));

  test("openai-api-key from OPENAI_API_KEY with --secret-input-mode ref: keyRef, no value in the store, a note about the service", () =>
    inTempHome(async (home) => {
      const key = openaiKey();
      const result = await runCli([...ONBOARD, "--auth-choice", "openai-api-key", "--secret-input-mode", "ref"], { home: home.home, env: { OPENAI_API_KEY: key } });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(readJson(home.storePath).profiles["openai:default"], {
        type: "api_key",
        provider: "openai",
        keyRef: { source: "env", provider: "default", id: "OPENAI_API_KEY" },
      });
      assert.ok(!readFileSync(home.storePath, "utf8").includes(key));
      assert.match(result.stdout, /^Note: OPENAI_API_KEY is only in this shell's environment; a gateway started as a service needs it too \(e\.g\. in ~\/\.openclaw\/\.env\)\.$/m);
      assert.equal(existsSync(join(home.stateDir, ".env")), false);
      assertNoSecrets(outputs(result), [key]);
    }));

  test("openrouter-api-key from the flag with ref: the key goes to ~/.openclaw/.env (0600, merged), the store keeps a keyRef that resolves", () =>
    inTempHome(async (home) => {
      const key = openrouterKey();
      const envPath = join(home.stateDir, ".env");
      mkdirSync(home.stateDir, { recursive: true });
      writeFileSync(envPath, "# my keys\nFOO=bar\nOPENROUTER_API_KEY=old-value-123456\n\nexport BAZ=1\n", { mode: 0o644 });
      const result = await runCli([...ONBOARD, "--auth-choice", "openrouter-api-key", "--openrouter-api-key", key, "--secret-input-mode", "ref"], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Saved OPENROUTER_API_KEY to ~\/\.openclaw\/\.env$/m);
      assert.equal(readFileSync(envPath, "utf8"), `# my keys\nFOO=bar\nOPENROUTER_API_KEY=${key}\n\nexport BAZ=1\n`);
      assert.equal(mode(envPath), 0o600);
      assert.deepEqual(readJson(home.storePath).profiles["openrouter:default"].keyRef, { source: "env", provider: "default", id: "OPENROUTER_API_KEY" });
      assert.ok(!readFileSync(home.storePath, "utf8").includes(key));
      // The reference resolves: models status finds the key through ~/.openclaw/.env.
      const status = await runCli(["models", "status"], { home: home.home });
      assert.match(status.stdout, /openrouter:default=ref\(env:OPENROUTER_API_KEY\)/);
      assert.match(status.stdout, /source=~\/\.openclaw\/\.env: OPENROUTER_API_KEY/);
      assertNoSecrets(outputs(result, status), [key]);
    }));

  test("an inline ${VAR} is always stored as a reference", () =>
    inTempHome(async (home) => {
      const result = await runCli([...ONBOARD, "--auth-choice", "apiKey", "--anthropic-api-key", "${MY_ANTHROPIC}"], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(readJson(home.storePath).profiles["anthropic:default"], {
        type: "api_key",
        provider: "anthropic",
        keyRef: { source: "env", provider: "default", id: "MY_ANTHROPIC" },
      });
    }));

  test("an existing API-key profile is used as it is (not rewritten)", () =>
    inTempHome(async (home) => {
      const { oldKey } = seed(home);
      const before = readFileSync(home.storePath, "utf8");
      const result = await runCli([...ONBOARD, "--auth-choice", "openrouter-api-key"], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Using the existing API-key profile openrouter:work for openrouter\.$/m);
      assert.equal(readFileSync(home.storePath, "utf8"), before);
      assertNoSecrets(outputs(result), [oldKey]);
    }));

  for (const [choice, flag, env, provider] of [
    ["apiKey", "--anthropic-api-key", "ANTHROPIC_API_KEY", "anthropic"],
    ["openai-api-key", "--openai-api-key", "OPENAI_API_KEY", "openai"],
    ["openrouter-api-key", "--openrouter-api-key", "OPENROUTER_API_KEY", "openrouter"],
  ] as const) {
    test(`${choice} with no key anywhere: the spec's error, nothing written`, () =>
      inTempHome(async (home) => {
        const result = await runCli([...ONBOARD, "--auth-choice", choice], { home: home.home });
        assert.equal(result.code, 1);
        assert.equal(result.stderr, `Error: Missing ${flag} (or ${env} in env, or existing ${provider} API-key profile).\n`);
        assertNothingWritten(home);
      }));
  }

  test("a setup-token given as an API key is refused", () =>
    inTempHome(async (home) => {
      const token = setupToken();
      const result = await runCli([...ONBOARD, "--auth-choice", "apiKey", "--anthropic-api-key", token], { home: home.home });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Error: This is an Anthropic setup-token/m);
      assertNothingWritten(home);
      assertNoSecrets(outputs(result), [token]);
    }));

  test("an invalid --secret-input-mode", () =>
    inTempHome(async (home) => {
      const result = await runCli([...ONBOARD, "--auth-choice", "apiKey", "--anthropic-api-key", anthropicKey(), "--secret-input-mode", "vault"], { home: home.home });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'Error: Invalid --secret-input-mode. Use "plaintext" or "ref".\n');
      assertNothingWritten(home);
    }));
});

test("on an OpenClaw 2026.9 state: the key goes to its SQLite store, the other profiles stay, the config gets no meta stamp", async () => {
  const fx = copyFixture2026();
  try {
    const key = openrouterKey();
    const result = await runCli([...ONBOARD, "--auth-choice", "openrouter-api-key", "--openrouter-api-key", key, "--gateway-port", "19004"], { home: fx.home });
    assert.equal(result.code, 0, result.stderr);
    const store = fx.sharedStore();
    assert.deepEqual(store.profiles["openrouter:default"], { type: "api_key", provider: "openrouter", key });
    for (const id of ["anthropic:default", "openrouter:manual", "anthropic:work", "openai:manual"]) assert.ok(store.profiles[id], `${id} was lost`);
    const config = fx.config();
    assert.equal(config.gateway.port, 19004);
    assert.equal(config.meta?.lastTouchedAt, undefined);
    assert.equal(existsSync(join(fx.agentDir, "auth-profiles.json")), false, "no JSON store in this era");
    assertNoSecrets(outputs(result), [key, ...fx.secrets]);
  } finally {
    fx.cleanup();
  }
});

describe("onboard --non-interactive: token (Anthropic setup-token)", () => {
  test("stored as anthropic:default, type token, config mode token, no expiry", () =>
    inTempHome(async (home) => {
      const { oldKey } = seed(home);
      const token = setupToken();
      const result = await runCli([...ONBOARD, "--auth-choice", "token", "--token-provider", "anthropic", "--token", token], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(readJson(home.storePath).profiles["anthropic:default"], { type: "token", provider: "anthropic", token });
      assert.deepEqual(readJson(home.configPath).auth.profiles["anthropic:default"], { provider: "anthropic", mode: "token" });
      assertSeedKept(home, oldKey);
      assertNoSecrets(outputs(result), [token, oldKey]);
    }));

  test("--token-profile-id and --token-expires-in", () =>
    inTempHome(async (home) => {
      const token = setupToken();
      const before = Date.now();
      const result = await runCli([...ONBOARD, "--auth-choice", "token", "--token-provider", "anthropic", "--token", token, "--token-profile-id", "anthropic:work", "--token-expires-in", "30d"], {
        home: home.home,
      });
      assert.equal(result.code, 0, result.stderr);
      const profile = readJson(home.storePath).profiles["anthropic:work"];
      assert.equal(profile.token, token);
      assert.ok(profile.expires >= before + 30 * 86_400_000 && profile.expires <= Date.now() + 30 * 86_400_000);
      assertNoSecrets(outputs(result), [token]);
    }));

  const short = "sk-ant-oat01-" + "a".repeat(20);
  const wrongPrefix = "sk-ant-api03-" + "a".repeat(90);
  const cases: { name: string; args: string[]; error: string }[] = [
    { name: "no --token-provider", args: ["--token", setupToken()], error: "Missing --token-provider for --auth-choice token." },
    { name: "another provider", args: ["--token-provider", "openai", "--token", setupToken()], error: "Only --token-provider anthropic is supported for --auth-choice token." },
    { name: "no --token", args: ["--token-provider", "anthropic"], error: "Missing --token for --auth-choice token." },
    { name: "a wrong prefix", args: ["--token-provider", "anthropic", "--token", wrongPrefix], error: "Expected token starting with sk-ant-oat01-" },
    { name: "too short", args: ["--token-provider", "anthropic", "--token", short], error: "Token looks too short; paste the full setup-token" },
    { name: "a bad duration", args: ["--token-provider", "anthropic", "--token", setupToken(), "--token-expires-in", "soon"], error: "Invalid --token-expires-in: invalid duration: soon" },
  ];
  for (const { name, args, error } of cases) {
    test(`error: ${name}`, () =>
      inTempHome(async (home) => {
        const result = await runCli([...ONBOARD, "--auth-choice", "token", ...args], { home: home.home });
        assert.equal(result.code, 1);
        assert.equal(result.stderr, `Error: ${error}\n`);
        assertNothingWritten(home);
        assertNoSecrets(outputs(result), [wrongPrefix, short]);
      }));
  }
});

describe("onboard --non-interactive: custom endpoint", () => {
  test("keyless OpenAI-compatible endpoint with a model: models.providers entry, default model, no profile", () =>
    inTempHome(async (home) => {
      const { oldKey } = seed(home);
      const result = await runCli([...ONBOARD, "--auth-choice", "custom-api-key", "--custom-base-url", "http://127.0.0.1:11434/v1/", "--custom-model-id", "llama3.3"], {
        home: home.home,
      });
      assert.equal(result.code, 0, result.stderr);
      const config = readJson(home.configPath);
      assert.deepEqual(config.models.providers["custom-127-0-0-1-11434"], {
        baseUrl: "http://127.0.0.1:11434/v1",
        api: "openai-completions",
        models: [{ id: "llama3.3", name: "llama3.3" }],
      });
      assert.equal(config.agents.defaults.model.primary, "custom-127-0-0-1-11434/llama3.3");
      assert.match(result.stdout, /^No API key for custom-127-0-0-1-11434 \(keyless\)\./m);
      assert.equal(Object.keys(readJson(home.storePath).profiles).length, 1);
      assertSeedKept(home, oldKey);
      // The gateway's view of it: the configured model is listed.
      const list = await runCli(["models", "list", "--plain"], { home: home.home });
      assert.match(list.stdout, /^custom-127-0-0-1-11434\/llama3\.3$/m);
    }));

  test("Anthropic-compatible with a key and a provider id: the key is a stored profile, never in the config", () =>
    inTempHome(async (home) => {
      const key = "corp-" + rand(40);
      const result = await runCli(
        [...ONBOARD, "--auth-choice", "custom-api-key", "--custom-base-url", "https://llm.corp.example", "--custom-compatibility", "anthropic", "--custom-provider-id", "corp", "--custom-api-key", key],
        { home: home.home },
      );
      assert.equal(result.code, 0, result.stderr);
      const config = readJson(home.configPath);
      assert.deepEqual(config.models.providers.corp, { baseUrl: "https://llm.corp.example", api: "anthropic-messages", models: [] });
      assert.ok(!readFileSync(home.configPath, "utf8").includes(key));
      assert.deepEqual(readJson(home.storePath).profiles["corp:default"], { type: "api_key", provider: "corp", key });
      assertNoSecrets(outputs(result), [key]);
    }));

  test("the custom key from <ID>_API_KEY", () =>
    inTempHome(async (home) => {
      const key = "corp-" + rand(40);
      const result = await runCli([...ONBOARD, "--auth-choice", "custom-api-key", "--custom-base-url", "https://llm.corp.example/v1", "--custom-provider-id", "corp"], {
        home: home.home,
        env: { CORP_API_KEY: key },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readJson(home.storePath).profiles["corp:default"].key, key);
      assertNoSecrets(outputs(result), [key]);
    }));

  for (const { name, args, error } of [
    { name: "no --custom-base-url", args: [], error: "Missing --custom-base-url for --auth-choice custom-api-key." },
    { name: "a bad compatibility", args: ["--custom-base-url", "http://x.example", "--custom-compatibility", "gemini"], error: 'Invalid --custom-compatibility. Use "openai" or "anthropic".' },
    { name: "not a URL", args: ["--custom-base-url", "localhost:8080"], error: "Invalid --custom-base-url: The base URL must start with http:// or https://." },
  ]) {
    test(`error: ${name}`, () =>
      inTempHome(async (home) => {
        const result = await runCli([...ONBOARD, "--auth-choice", "custom-api-key", ...args], { home: home.home });
        assert.equal(result.code, 1);
        assert.equal(result.stderr, `Error: ${error}\n`);
        assertNothingWritten(home);
      }));
  }
});

describe("onboard --non-interactive: skip, gateway settings, refused choices", () => {
  test("skip with --gateway-port and --gateway-token: only the gateway settings, token masked", () =>
    inTempHome(async (home) => {
      const { oldKey } = seed(home);
      const token = rand(40);
      const result = await runCli([...ONBOARD, "--auth-choice", "skip", "--gateway-port", "19001", "--gateway-token", token], { home: home.home });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Auth: skipped \(no credential stored\)\.$/m);
      const config = readJson(home.configPath);
      assert.equal(config.gateway.port, 19001);
      assert.equal(config.gateway.auth.token, token);
      assert.equal(Object.keys(readJson(home.storePath).profiles).length, 1);
      assertSeedKept(home, oldKey);
      assertNoSecrets(outputs(result), [token]);
    }));

  for (const { name, args, error, hint } of [
    { name: "claude-cli", args: ["--auth-choice", "claude-cli"], error: 'Auth choice "claude-cli" is deprecated.', hint: 'Use "--auth-choice token" (Anthropic setup-token) or "--auth-choice openai-codex".' },
    { name: "codex-cli", args: ["--auth-choice", "codex-cli"], error: 'Auth choice "codex-cli" is deprecated.', hint: 'Use "--auth-choice token" (Anthropic setup-token) or "--auth-choice openai-codex".' },
    { name: "setup-token", args: ["--auth-choice", "setup-token"], error: 'Auth choice "setup-token" requires interactive mode.', hint: 'Use "--auth-choice token" with --token and --token-provider anthropic.' },
    { name: "openai-codex", args: ["--auth-choice", "openai-codex"], error: "OAuth requires interactive mode.", hint: undefined },
    { name: "an unknown choice", args: ["--auth-choice", "bogus"], error: 'Unknown --auth-choice "bogus".', hint: "Use one of: apiKey, token, openai-api-key, openrouter-api-key, custom-api-key, skip." },
    { name: "no choice and no key", args: [], error: "Missing --auth-choice.", hint: undefined },
    { name: "a bad port", args: ["--auth-choice", "skip", "--gateway-port", "70000"], error: 'Invalid --gateway-port "70000": Expected a port number from 1 to 65535.', hint: undefined },
  ]) {
    test(`refused: ${name}, nothing written`, () =>
      inTempHome(async (home) => {
        const result = await runCli([...ONBOARD, ...args], { home: home.home });
        assert.equal(result.code, 1);
        const lines = result.stderr.trimEnd().split("\n");
        assert.equal(lines[0], `Error: ${error}`);
        if (hint) assert.equal(lines[1], hint);
        assertNothingWritten(home);
      }));
  }

  test("--install-daemon: after the auth step, installs and starts the service the way `gateway install` does", () =>
    inTempHome(async (home) => {
      const bin = join(home.home, "bin");
      const log = join(home.home, "systemctl.log");
      mkdirSync(bin);
      writeFileSync(join(bin, "systemctl"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexit 0\n`, { mode: 0o755 });
      const key = anthropicKey();
      const result = await runCli([...ONBOARD, "--anthropic-api-key", key, "--install-daemon"], { home: home.home, env: { PATH: bin, OPENCLAW_SERVICE_PLATFORM: "systemd" } });
      assert.equal(result.code, 0, result.stderr);
      const unit = join(home.home, ".config", "systemd", "user", "openclaw-gateway.service");
      assert.ok(existsSync(unit), "the systemd unit was not written");
      assert.ok(!readFileSync(unit, "utf8").includes(key), "the unit holds no secret");
      assert.match(readFileSync(log, "utf8"), /^--user enable --now openclaw-gateway\.service$/m);
      assert.ok(result.stdout.indexOf("Auth profile: anthropic:default") < result.stdout.indexOf("Enabled and started"), result.stdout);
      assert.equal(readJson(home.storePath).profiles["anthropic:default"].key, key);
      assertNoSecrets(outputs(result), [key]);
    }));

  test("--install-daemon without a service manager: the other steps are saved, exit 1 with what to run by hand", () =>
    inTempHome(async (home) => {
      const bin = join(home.home, "bin");
      mkdirSync(bin);
      const key = anthropicKey();
      const result = await runCli([...ONBOARD, "--anthropic-api-key", key, "--install-daemon"], { home: home.home, env: { PATH: bin, OPENCLAW_SERVICE_PLATFORM: "systemd" } });
      assert.equal(result.code, 1);
      assert.match(result.stdout, /Start it by hand:/);
      assert.equal(result.stderr, "Error: --install-daemon: the gateway service is not running (see above); the other steps are saved.\n");
      assert.equal(readJson(home.storePath).profiles["anthropic:default"].key, key);
      assertNoSecrets(outputs(result), [key]);
    }));

  test("--non-interactive without --accept-risk, and no terminal without --non-interactive", () =>
    inTempHome(async (home) => {
      const noRisk = await runCli(["onboard", "--non-interactive", "--auth-choice", "skip"], { home: home.home });
      assert.equal(noRisk.code, 1);
      assert.match(noRisk.stderr, /^Error: Non-interactive onboarding requires --accept-risk\.$/m);
      const noTty = await runCli(["onboard"], { home: home.home });
      assert.equal(noTty.code, 1);
      assert.match(noTty.stderr, /^Error: `openclaw onboard` is interactive and needs a terminal\.$/m);
      assertNothingWritten(home);
    }));
});

// ---------------------------------------------------------------- the wizard

const UNAVAILABLE = ptyUnavailableReason();

async function withTty(t: TestContext, fn: (h: TempHome, start: (env?: Record<string, string>) => PtySession) => Promise<void>): Promise<void> {
  if (UNAVAILABLE) {
    t.skip(UNAVAILABLE);
    return;
  }
  const h = makeHome();
  const bin = join(h.home, "bin");
  mkdirSync(bin);
  try {
    await fn(h, (env = {}) => spawnCliPty(["onboard"], { env: cliEnv(h.home, { TERM: "xterm", NO_COLOR: "1", SHELL: "/bin/sh", PATH: bin, ...env }), cwd: h.home, timeoutMs: 30_000 }));
  } finally {
    h.cleanup();
  }
}

/** Waits for `pattern` after `from`, then returns the new mark. */
async function expect(session: PtySession, pattern: RegExp): Promise<void> {
  await session.waitFor(pattern, 8_000);
}

test("wizard: Anthropic API key + OpenAI key from env + custom keyless endpoint, default model, gateway port and token", { timeout: 40_000 }, async (t) => {
  await withTty(t, async (h, start) => {
    const { oldKey } = seed(h);
    const aKey = anthropicKey();
    const oKey = openaiKey();
    // A systemctl that says yes, so the service step can finish here.
    const log = join(h.home, "systemctl.log");
    writeFileSync(join(h.home, "bin", "systemctl"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexit 0\n`, { mode: 0o755 });
    const session = start({ OPENAI_API_KEY: oKey });
    await expect(session, /Which providers do you want to set up\?/);
    await session.press(" "); // Anthropic
    await session.press(KEY.down);
    await session.press(" "); // OpenAI
    await session.press(KEY.down);
    await session.press(KEY.down);
    await session.press(" "); // custom
    let mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Where should API keys be kept\?/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // the auth store
    await session.waitFor(/Anthropic: how do you authenticate\?/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // API key (recommended)
    await session.waitFor(/Enter anthropic API key/, 8_000, mark);
    await session.send(aKey);
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Use existing OPENAI_API_KEY \(env, sk-proj-/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // yes
    await session.waitFor(/Endpoint base URL/, 8_000, mark);
    await session.send("http://127.0.0.1:8080/v1");
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Which API does it speak\?/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // OpenAI-compatible
    await session.waitFor(/Provider id/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // the suggested id
    await session.waitFor(/Model id/, 8_000, mark);
    await session.send("local-model");
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/API key \(blank = keyless\)/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // keyless
    await session.waitFor(/Default model/, 8_000, mark);
    await session.waitFor(/custom-127-0-0-1-8080\/local-model/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.down); // the first suggestion: the custom model
    await session.press(KEY.enter);
    await session.waitFor(/Gateway port/, 8_000, mark);
    await session.send(KEY.backspace.repeat(5) + "19002", 5);
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Gateway token/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // generate one now
    await session.waitFor(/Install the gateway as a service/, 8_000, mark);
    await session.send("y"); // clack's confirm takes y/n at once
    const result = await session.exit(15_000);
    assert.equal(result.code, 0, result.text);
    assert.match(result.text, /Enabled and started openclaw-gateway\.service/);
    assert.match(readFileSync(log, "utf8"), /^--user enable --now openclaw-gateway\.service$/m);
    assert.match(result.text, /Saved: anthropic API key; openai API key; custom provider custom-127-0-0-1-8080; default model custom-127-0-0-1-8080\/local-model; gateway port 19002 and a new token; gateway service\./);
    assert.match(result.text, /Check it with: openclaw models status/);

    const store = readJson(h.storePath);
    assert.deepEqual(store.profiles["anthropic:default"], { type: "api_key", provider: "anthropic", key: aKey });
    assert.deepEqual(store.profiles["openai:default"], { type: "api_key", provider: "openai", key: oKey });
    assert.equal(store.profiles["custom-127-0-0-1-8080:default"], undefined, "a keyless endpoint gets no profile");
    const config = readJson(h.configPath);
    assert.deepEqual(config.models.providers["custom-127-0-0-1-8080"], { baseUrl: "http://127.0.0.1:8080/v1", api: "openai-completions", models: [{ id: "local-model", name: "local-model" }] });
    assert.equal(config.agents.defaults.model.primary, "custom-127-0-0-1-8080/local-model");
    assert.equal(config.gateway.port, 19002);
    assert.equal(typeof config.gateway.auth.token, "string");
    assert.ok(config.gateway.auth.token.length >= 32);
    assertSeedKept(h, oldKey);
    assertNoSecrets([result.raw, result.text], [aKey, oKey, oldKey, config.gateway.auth.token]);
  });
});

test("wizard: setup-token and keys in ~/.openclaw/.env; Ctrl-C at the next prompt keeps the finished steps and nothing half-written", { timeout: 40_000 }, async (t) => {
  await withTty(t, async (h, start) => {
    const token = setupToken();
    const session = start();
    await expect(session, /Which providers do you want to set up\?/);
    await session.press(" "); // Anthropic
    await session.press(KEY.down);
    await session.press(KEY.down);
    await session.press(" "); // OpenRouter
    let mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Where should API keys be kept\?/, 8_000, mark);
    await session.press(KEY.down);
    mark = session.text.length;
    await session.press(KEY.enter); // ~/.openclaw/.env
    await session.waitFor(/Anthropic: how do you authenticate\?/, 8_000, mark);
    await session.press(KEY.down);
    mark = session.text.length;
    await session.press(KEY.enter); // setup-token
    await session.waitFor(/Run `claude setup-token` in your terminal/, 8_000, mark);
    await session.waitFor(/Paste Anthropic setup-token/, 8_000, mark);
    await session.send("sk-ant-api03-" + "b".repeat(90));
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Expected token starting with sk-ant-oat01-/, 8_000, mark);
    await session.send(KEY.backspace.repeat(103), 2);
    await session.send(token);
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Token name \(blank = default\)/, 8_000, mark);
    await session.send("Personal");
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Enter openrouter API key/, 8_000, mark);
    // The setup-token step is on disk before the next question is answered.
    assert.deepEqual(readJson(h.storePath).profiles["anthropic:personal"], { type: "token", provider: "anthropic", token });
    await session.send("sk-or-v1-half");
    await session.press(KEY.ctrlC);
    const result = await session.exit(10_000);
    assert.equal(result.code, 1, result.text);
    assert.match(result.text, /Saved before you stopped: Anthropic setup-token\./);

    const store = readJson(h.storePath);
    assert.deepEqual(Object.keys(store.profiles), ["anthropic:personal"]);
    assert.deepEqual(readJson(h.configPath).auth.profiles, { "anthropic:personal": { provider: "anthropic", mode: "token" } });
    assert.equal(existsSync(join(h.stateDir, ".env")), false, "the OpenRouter key was never entered");
    // Nothing half-written: no temp files beside the store or the config.
    for (const dir of [h.stateDir, h.agentDir]) {
      assert.deepEqual(readdirSync(dir).filter((name) => /\.tmp|~$/.test(name)), [], `temp files in ${dir}`);
    }
    assertNoSecrets([result.raw, result.text], [token]);
  });
});

test("wizard: a step that fails (a broken auth store) is reported, the later steps are still saved, exit 1", { timeout: 40_000 }, async (t) => {
  await withTty(t, async (h, start) => {
    const broken = '{ "version": 1, "profiles": ';
    mkdirSync(h.agentDir, { recursive: true });
    writeFileSync(h.storePath, broken, { mode: 0o600 });
    const key = openaiKey();
    const session = start();
    await expect(session, /Which providers do you want to set up\?/);
    await session.press(KEY.down);
    await session.press(" "); // OpenAI
    let mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Where should API keys be kept\?/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Enter openai API key/, 8_000, mark);
    await session.send(key);
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/openai API key: /, 8_000, mark);
    await session.waitFor(/That step did not finish; the others go on\./, 8_000, mark);
    await session.waitFor(/Default model/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // leave it
    await session.waitFor(/Gateway port/, 8_000, mark);
    await session.send(KEY.backspace.repeat(5) + "19003", 5);
    mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Gateway token/, 8_000, mark);
    await session.press(KEY.down);
    mark = session.text.length;
    await session.press(KEY.enter); // later
    await session.waitFor(/Install the gateway as a service/, 8_000, mark);
    await session.send("n");
    const result = await session.exit(15_000);
    assert.equal(result.code, 1, result.text);
    assert.match(result.text, /Saved: gateway port 19003\./);
    assert.match(result.text, /Not saved: openai API key\. Run `openclaw onboard` again for those\./);
    assert.equal(readFileSync(h.storePath, "utf8"), broken, "the broken store was left as it was");
    const config = readJson(h.configPath);
    assert.equal(config.gateway.port, 19003);
    assert.equal(config.gateway.auth, undefined);
    assert.equal(config.auth?.profiles?.["openai:default"], undefined, "no config metadata for a credential that was not stored");
    assertNoSecrets([result.raw, result.text], [key]);
  });
});

test("wizard: keys kept in ~/.openclaw/.env: a key reused from the shell is copied there (0600, merged) and the store holds a keyRef", { timeout: 40_000 }, async (t) => {
  await withTty(t, async (h, start) => {
    const key = openaiKey();
    const envPath = join(h.stateDir, ".env");
    mkdirSync(h.stateDir, { recursive: true });
    writeFileSync(envPath, "# mine\nFOO=bar\n", { mode: 0o600 });
    const session = start({ OPENAI_API_KEY: key });
    await expect(session, /Which providers do you want to set up\?/);
    await session.press(KEY.down);
    await session.press(" "); // OpenAI
    let mark = session.text.length;
    await session.press(KEY.enter);
    await session.waitFor(/Where should API keys be kept\?/, 8_000, mark);
    await session.press(KEY.down);
    mark = session.text.length;
    await session.press(KEY.enter); // ~/.openclaw/.env
    await session.waitFor(/Use existing OPENAI_API_KEY \(env, /, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // yes
    await session.waitFor(/Default model/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // leave it
    await session.waitFor(/Gateway port/, 8_000, mark);
    mark = session.text.length;
    await session.press(KEY.enter); // 18789
    await session.waitFor(/Gateway token/, 8_000, mark);
    await session.press(KEY.down);
    mark = session.text.length;
    await session.press(KEY.enter); // later
    await session.waitFor(/Install the gateway as a service/, 8_000, mark);
    await session.send("n");
    const result = await session.exit(15_000);
    assert.equal(result.code, 0, result.text);
    assert.equal(readFileSync(envPath, "utf8"), `# mine\nFOO=bar\nOPENAI_API_KEY=${key}\n`);
    assert.equal(mode(envPath), 0o600);
    assert.deepEqual(readJson(h.storePath).profiles["openai:default"], {
      type: "api_key",
      provider: "openai",
      keyRef: { source: "env", provider: "default", id: "OPENAI_API_KEY" },
    });
    assert.equal(readJson(h.configPath).gateway.port, 18789);
    assertNoSecrets([result.raw, result.text], [key]);
  });
});
