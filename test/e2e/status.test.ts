// `openclaw models status` against Alice's real OpenClaw 2026.2.26 state and
// the outputs OpenClaw printed for it (test/fixtures), plus --check codes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  aliceSecrets,
  assertNoSecrets,
  copyAliceFixture,
  fixtureOutput,
  makeHome,
  readJson,
  runCli,
  writeJson,
  type TempHome,
} from "../helpers/cli.ts";

const HOUR = 3_600_000;

function withAlice(): TempHome {
  const home = makeHome();
  copyAliceFixture(home);
  return home;
}

/** Replaces Alice's home with ours so the fixture and our output can be compared. */
function rehome(text: string, home: string): string {
  return text.split("/home/alice").join(home);
}

describe("models status on OpenClaw's own files", () => {
  test("the human view matches OpenClaw's, except where we say more about expiry", async () => {
    const home = withAlice();
    try {
      const ours = await runCli(["models", "status", "--check"], { home: home.home });
      const theirs = fixtureOutput("models-status--check.txt");
      assert.equal(ours.code, theirs.exit);
      assert.equal(ours.stderr, "");
      // `Auth backend` is ours (which backend holds the credentials); OpenClaw has no such line.
      assert.match(ours.stdout, /^Auth backend  : json files$/m);
      const [oursHead, oursOAuth] = ours.stdout.replace(/^Auth backend  : .*\n/m, "").trimEnd().split("\nOAuth/token status\n");
      const [theirsHead] = theirs.text.trimEnd().split("\nOAuth/token status\n");
      assert.equal(oursHead, theirsHead);
      assert.deepEqual(oursOAuth!.split("\n"), [
        "- anthropic",
        "  - anthropic:manual ok expires in 30d",
        "  - anthropic:old expired 1h ago",
        "  - anthropic:soon expiring expires in 5h",
        "- openai-codex",
        "  - openai-codex:default expired (refreshable) 1m ago",
      ]);
      assertNoSecrets([ours.stdout, ours.stderr], aliceSecrets());
    } finally {
      home.cleanup();
    }
  });

  test("--json has OpenClaw's shape and values", async () => {
    const home = withAlice();
    try {
      const ours = await runCli(["models", "status", "--json"], { home: home.home });
      assert.equal(ours.code, 0);
      const theirs = JSON.parse(rehome(fixtureOutput("models-status--json.txt").text, home.home));
      const doc = JSON.parse(ours.stdout);
      // `auth.backend` is ours, additive; every field of OpenClaw's stays as it is.
      assert.equal(doc.auth.backend.kind, "json");
      delete doc.auth.backend;
      // Time-dependent numbers: same to within a minute of the fixture's "now".
      const strip = (value: unknown, path = ""): unknown => {
        if (Array.isArray(value)) return value.map((item) => strip(item, path));
        if (value === null || typeof value !== "object") return value;
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          if (key === "remainingMs" || key === "expiresAt" || key === "until" || key === "refreshable" || key === "expiry") continue;
          out[key] = strip(item, `${path}.${key}`);
        }
        return out;
      };
      assert.deepEqual(strip(doc), strip(theirs));
      const remaining = (profiles: { profileId: string; remainingMs?: number }[], id: string) => profiles.find((p) => p.profileId === id)?.remainingMs;
      for (const id of ["anthropic:manual", "anthropic:old", "anthropic:soon", "openai-codex:default"]) {
        const delta = Math.abs(remaining(doc.auth.oauth.profiles, id)! - remaining(theirs.auth.oauth.profiles, id)!);
        assert.ok(delta < 60_000, `${id} remainingMs off by ${delta}`);
      }
      assert.ok(Math.abs(doc.auth.unusableProfiles[0].remainingMs - theirs.auth.unusableProfiles[0].remainingMs) < 60_000);
      // OpenClaw's status value stays (a tool reads `ok`: nothing to do); our fields say why it is ok.
      const codex = doc.auth.oauth.profiles.find((p: { profileId: string }) => p.profileId === "openai-codex:default");
      assert.deepEqual([codex.status, codex.refreshable, codex.expiry], ["ok", true, "expired"]);
      assert.equal(doc.auth.oauth.providers.find((p: { provider: string }) => p.provider === "openai-codex").status, "ok");
      const old = doc.auth.oauth.profiles.find((p: { profileId: string }) => p.profileId === "anthropic:old");
      assert.deepEqual([old.status, old.refreshable, old.expiry], ["expired", undefined, undefined], "only refreshable profiles carry the extra fields");
      assertNoSecrets([ours.stdout], aliceSecrets());
    } finally {
      home.cleanup();
    }
  });

  test("--plain prints only the resolved default, and --json with --plain is refused", async () => {
    const home = withAlice();
    try {
      const plain = await runCli(["models", "status", "--plain"], { home: home.home });
      assert.equal(plain.stdout.trimEnd(), fixtureOutput("models-status--plain.txt").text.trimEnd());
      const both = await runCli(["models", "status", "--json", "--plain"], { home: home.home });
      assert.equal(both.code, 1);
      assert.equal(both.stderr.split("\n")[0], "Error: Choose either --json or --plain, not both.");
      assert.equal(both.stdout, "");
    } finally {
      home.cleanup();
    }
  });

  test("`openclaw models` alone and --status-json are status too", async () => {
    const home = withAlice();
    try {
      const bare = await runCli(["models"], { home: home.home });
      assert.match(bare.stdout, /^Config {8}: ~\/\.openclaw\/openclaw\.json$/m);
      const json = await runCli(["models", "--status-json"], { home: home.home });
      assert.equal(JSON.parse(json.stdout).resolvedDefault, "anthropic/claude-opus-4-6");
    } finally {
      home.cleanup();
    }
  });
});

describe("models status --check exit codes", () => {
  async function check(store: object | undefined, config?: object, env?: Record<string, string>) {
    const home = makeHome();
    try {
      if (store) writeJson(home.storePath, store);
      if (config) writeJson(home.configPath, config);
      return await runCli(["models", "status", "--check"], { home: home.home, env: env ?? {} });
    } finally {
      home.cleanup();
    }
  }
  const now = Date.now();

  test("an empty home has no credential for the default anthropic model: 1", async () => {
    const result = await check(undefined);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^Missing auth$/m);
    assert.match(result.stdout, /^- anthropic Run `openclaw models auth paste-api-key --provider anthropic`/m);
  });

  test("an API key for the provider in use: 0", async () => {
    const result = await check({ version: 1, profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-api03-" + "k".repeat(80) } } });
    assert.equal(result.code, 0);
  });

  test("a key from the environment counts: 0", async () => {
    const result = await check(undefined, undefined, { ANTHROPIC_API_KEY: "sk-ant-api03-" + "e".repeat(80) });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /- anthropic effective=env:sk-ant-a\.\.\.eeeeeeee \| env=sk-ant-a\.\.\.eeeeeeee \| source=env: ANTHROPIC_API_KEY/);
  });

  test("a token expiring within 24 h: 2", async () => {
    const result = await check({ version: 1, profiles: { "anthropic:manual": { type: "token", provider: "anthropic", token: "sk-ant-oat01-" + "t".repeat(90), expires: now + HOUR } } });
    assert.equal(result.code, 2);
  });

  test("an expired token: 1, even beside a working key (OpenClaw's documented rule)", async () => {
    const result = await check({
      version: 1,
      profiles: {
        "anthropic:old": { type: "token", provider: "anthropic", token: "sk-ant-oat01-" + "o".repeat(90), expires: now - HOUR },
        "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-api03-" + "k".repeat(80) },
      },
    });
    assert.equal(result.code, 1);
  });

  describe("OAuth: ok, expiring, expired (refreshable), expired", () => {
    const access = "eyJ" + "a".repeat(60);
    const refresh = "rt_" + "r".repeat(40);
    const oauth = (expires: number, withRefresh: boolean) => ({
      version: 1,
      profiles: {
        "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-api03-" + "k".repeat(80) },
        "openai-codex:default": { type: "oauth", provider: "openai-codex", access, ...(withRefresh ? { refresh } : {}), expires },
      },
    });
    const codexLine = (stdout: string) => stdout.split("\n").find((line) => line.startsWith("  - openai-codex:default "));

    test("expired with a refresh token: says expired (refreshable), renews itself, 0", async () => {
      const result = await check(oauth(now - 5 * 60_000, true));
      assert.equal(codexLine(result.stdout), "  - openai-codex:default expired (refreshable) 5m ago");
      assert.equal(result.code, 0);
      assertNoSecrets([result.stdout, result.stderr], [access, refresh]);
    });

    test("expired without one: expired, 1", async () => {
      const result = await check(oauth(now - 5 * 60_000, false));
      assert.equal(codexLine(result.stdout), "  - openai-codex:default expired 5m ago");
      assert.equal(result.code, 1);
    });

    test("expiring with a refresh token: says expiring (refreshable), never warns, 0", async () => {
      const result = await check(oauth(now + 2 * HOUR, true));
      assert.equal(codexLine(result.stdout), "  - openai-codex:default expiring (refreshable) expires in 2h");
      assert.equal(result.code, 0);
    });

    test("expiring without one: expiring, 2", async () => {
      const result = await check(oauth(now + 2 * HOUR, false));
      assert.equal(codexLine(result.stdout), "  - openai-codex:default expiring expires in 2h");
      assert.equal(result.code, 2);
    });

    test("valid for days: ok, 0", async () => {
      const result = await check(oauth(now + 3 * 24 * HOUR, true));
      assert.equal(codexLine(result.stdout), "  - openai-codex:default ok expires in 3d");
      assert.equal(result.code, 0);
    });
  });

  test("a configured fallback whose provider has no auth at all: 1", async () => {
    const result = await check(
      { version: 1, profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-api03-" + "k".repeat(80) } } },
      { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] } } } },
    );
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^- openai Run `openclaw models auth paste-api-key --provider openai` or set OPENAI_API_KEY\.$/m);
  });

  test("without --check the exit code is 0 whatever the state", async () => {
    const home = makeHome();
    try {
      const result = await runCli(["models", "status"], { home: home.home });
      assert.equal(result.code, 0);
    } finally {
      home.cleanup();
    }
  });
});

describe("models status: where credentials come from", () => {
  test("the env chain: process env > ./.env > ~/.openclaw/.env > config env, each labelled", async () => {
    const home = makeHome();
    try {
      mkdirSync(home.stateDir, { recursive: true });
      const project = join(home.home, "project");
      mkdirSync(project);
      writeFileSync(join(project, ".env"), "OPENAI_API_KEY=sk-proj-fromcwd" + "c".repeat(40) + "\n");
      writeFileSync(join(home.stateDir, ".env"), "OPENAI_API_KEY=sk-proj-fromstate" + "s".repeat(40) + "\nGROQ_API_KEY=gsk_fromstate" + "g".repeat(40) + "\n");
      writeJson(home.configPath, { env: { MISTRAL_API_KEY: "mistral-from-config-" + "m".repeat(30), vars: { XAI_API_KEY: "xai-fromconfigvars" + "x".repeat(30) } } });
      const run = (env: Record<string, string> = {}) => runCli(["models", "status", "--json"], { home: home.home, cwd: project, env });
      const providers = (stdout: string) => Object.fromEntries(JSON.parse(stdout).auth.providers.map((p: { provider: string; env?: { source: string } }) => [p.provider, p.env?.source]));

      const fromFiles = providers((await run()).stdout);
      assert.equal(fromFiles.openai, "~/project/.env: OPENAI_API_KEY");
      assert.equal(fromFiles.groq, "~/.openclaw/.env: GROQ_API_KEY");
      assert.equal(fromFiles.mistral, "config env: MISTRAL_API_KEY");
      assert.equal(fromFiles.xai, "config env: XAI_API_KEY");

      const fromProcess = providers((await run({ OPENAI_API_KEY: "sk-proj-fromprocess" + "p".repeat(40) })).stdout);
      assert.equal(fromProcess.openai, "env: OPENAI_API_KEY");
    } finally {
      home.cleanup();
    }
  });

  test("the login-shell import fills missing keys only when enabled, and says so", async () => {
    const home = makeHome();
    try {
      writeFileSync(join(home.home, ".profile"), "export OPENROUTER_API_KEY=sk-or-v1-fromshell" + "s".repeat(40) + "\n");
      const off = await runCli(["models", "status", "--json"], { home: home.home, env: { SHELL: "/bin/sh" } });
      assert.deepEqual(JSON.parse(off.stdout).auth.shellEnvFallback, { enabled: false, appliedKeys: [] });

      const on = await runCli(["models", "status", "--json"], { home: home.home, env: { SHELL: "/bin/sh", OPENCLAW_LOAD_SHELL_ENV: "1" } });
      const doc = JSON.parse(on.stdout);
      assert.deepEqual(doc.auth.shellEnvFallback, { enabled: true, appliedKeys: ["OPENROUTER_API_KEY"] });
      const openrouter = doc.auth.providers.find((p: { provider: string }) => p.provider === "openrouter");
      assert.equal(openrouter.env.source, "shell env: OPENROUTER_API_KEY");

      const human = await runCli(["models", "status"], { home: home.home, env: { SHELL: "/not/a/listed/shell", OPENCLAW_LOAD_SHELL_ENV: "1" } });
      assert.match(human.stdout, /^Shell env {5}: on \(applied: OPENROUTER_API_KEY\)$/m);

      // Skipped entirely when an expected key is already set (OpenClaw's rule).
      const skipped = await runCli(["models", "status", "--json"], { home: home.home, env: { SHELL: "/bin/sh", OPENCLAW_LOAD_SHELL_ENV: "1", OPENAI_API_KEY: "sk-proj-" + "z".repeat(40) } });
      assert.deepEqual(JSON.parse(skipped.stdout).auth.shellEnvFallback.appliedKeys, []);
    } finally {
      home.cleanup();
    }
  });

  test("a failing login shell is reported, and the command still answers", async () => {
    const home = makeHome();
    try {
      writeFileSync(join(home.home, ".profile"), "exit 3\n");
      const result = await runCli(["models", "status", "--json"], { home: home.home, env: { SHELL: "/bin/sh", OPENCLAW_LOAD_SHELL_ENV: "1" } });
      assert.equal(result.code, 0);
      assert.match(result.stderr, /^\[openclaw\] shell env fallback failed: /);
      const fallback = JSON.parse(result.stdout).auth.shellEnvFallback;
      assert.equal(fallback.enabled, true);
      assert.ok(fallback.error, "the JSON says why");
    } finally {
      home.cleanup();
    }
  });

  test("google-vertex does not borrow GEMINI_API_KEY (it uses gcloud credentials)", async () => {
    const home = makeHome();
    try {
      const result = await runCli(["models", "status", "--json"], { home: home.home, env: { GEMINI_API_KEY: "AIza" + "g".repeat(35) } });
      const providers = JSON.parse(result.stdout).auth.providers.map((p: { provider: string }) => p.provider);
      assert.deepEqual(providers, ["google"]);
    } finally {
      home.cleanup();
    }
  });

  test("multi-key env forms count as the provider's credential", async () => {
    const home = makeHome();
    try {
      const result = await runCli(["models", "status", "--json"], { home: home.home, env: { GROQ_API_KEYS: "gsk_one" + "1".repeat(30) + ",gsk_two" + "2".repeat(30), MISTRAL_API_KEY_BACKUP: "mistral-" + "b".repeat(30) } });
      const providers = JSON.parse(result.stdout).auth.providers.map((p: { provider: string; env?: { source: string } }) => [p.provider, p.env?.source]);
      assert.deepEqual(Object.fromEntries(providers).groq, "env: GROQ_API_KEYS");
      assert.deepEqual(Object.fromEntries(providers).mistral, "env: MISTRAL_API_KEY_BACKUP");
    } finally {
      home.cleanup();
    }
  });

  test("a custom provider key from config (`models.providers.<id>.apiKey`) is the models.json source", async () => {
    const home = makeHome();
    try {
      writeJson(home.configPath, { models: { providers: { local: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", apiKey: "${LOCAL_KEY}" } } } });
      const secret = "local-secret-" + "l".repeat(40);
      const result = await runCli(["models", "status", "--json"], { home: home.home, env: { LOCAL_KEY: secret } });
      const local = JSON.parse(result.stdout).auth.providers.find((p: { provider: string }) => p.provider === "local");
      assert.equal(local.effective.kind, "models.json");
      assert.equal(local.modelsJson.source, "~/.openclaw/openclaw.json: models.providers.local.apiKey");
      assertNoSecrets([result.stdout, result.stderr], [secret]);
    } finally {
      home.cleanup();
    }
  });

  test("--agent: unknown ids are an error; a sub-agent reads the default agent's profiles through", async () => {
    const home = withAlice();
    try {
      const config = readJson(home.configPath);
      config.agents.list = [{ id: "main", default: true }, { id: "work", model: { primary: "openrouter/openrouter/auto" } }];
      writeJson(home.configPath, config);
      const unknown = await runCli(["models", "status", "--agent", "nope"], { home: home.home });
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr.split("\n")[0], 'Error: Unknown agent id "nope". Configured agents: main, work.');

      const work = await runCli(["models", "status", "--json", "--agent", "work"], { home: home.home });
      const doc = JSON.parse(work.stdout);
      assert.equal(doc.agentId, "work");
      assert.equal(doc.agentDir, join(home.stateDir, "agents", "work", "agent"));
      assert.equal(doc.resolvedDefault, "openrouter/openrouter/auto");
      assert.deepEqual(doc.modelConfig, { defaultSource: "agent", fallbacksSource: "defaults" });
      const anthropic = doc.auth.providers.find((p: { provider: string }) => p.provider === "anthropic");
      assert.equal(anthropic.profiles.count, 4);
      assert.ok(anthropic.profiles.labels.every((label: string) => label.endsWith(" [inherited]")));
      assert.equal(anthropic.effective.detail, "~/.openclaw/agents/main/agent/auth-profiles.json", "names the store that holds them");
    } finally {
      home.cleanup();
    }
  });
});
