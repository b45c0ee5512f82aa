// `openclaw doctor` on broken homes of both eras, spawning the real CLI:
// each finding, --fix results checked byte for byte and mode for mode, a
// second --fix that changes nothing, no credential lost, no secret printed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertNoSecrets, cliEnv, copyAliceFixture, inTempHome, readJson, runCli, writeJson, type TempHome } from "../helpers/cli.ts";
import { KEY, ptyUnavailableReason, spawnCliPty } from "../helpers/pty.ts";
import { inFixture2026 } from "../helpers/fixture-2026-9.ts";

const HOUR = 3_600_000;

interface JsonFinding {
  id: string;
  group: string;
  severity: "error" | "warn" | "info";
  text: string;
  fix?: string;
  fixable: boolean;
  fixed: boolean;
}
interface JsonReport {
  ok: boolean;
  era: string;
  findings: JsonFinding[];
  repairs: { id: string; status: string; detail: string }[];
}

/** Every path under `dir` with its mode and, for files, a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, rel: string) => {
    const stats = lstatSync(path);
    const mode = (stats.mode & 0o777).toString(8);
    if (stats.isDirectory()) {
      out[rel || "."] = `dir ${mode}`;
      for (const entry of readdirSync(path).sort()) walk(join(path, entry), rel ? `${rel}/${entry}` : entry);
    } else out[rel] = `${mode} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
  };
  walk(dir, "");
  return out;
}

const mode = (path: string) => lstatSync(path).mode & 0o777;
/** A snapshot entry without its mode: "dir", or the file's hash. */
const content = (entry: string | undefined) => (entry?.startsWith("dir ") ? "dir" : entry?.split(" ")[1]);

async function doctorJson(home: TempHome, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await runCli(["doctor", "--json", ...args], { home: home.home, env });
  assert.equal(result.stderr, "", result.stderr);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

function finding(report: JsonReport, id: string): JsonFinding {
  const found = report.findings.find((f) => f.id === id);
  assert.ok(found, `no finding ${id} in ${report.findings.map((f) => f.id).join(", ")}`);
  return found;
}

const LEGACY_KEY = "sk-legacy-0123456789abcdefghijklmnopqrstuv";
const ENV_KEY = "gsk_envonly0123456789abcdefghijklmnopqrstu";

/**
 * Alice's real 2026.2.26 state, broken the ways doctor repairs: open modes,
 * a stale lock, a sub-agent with only a legacy auth.json, the old agent/ dir.
 */
function brokenJsonHome(home: TempHome): { subAgentDir: string; authJson: string } {
  copyAliceFixture(home);
  const config = readJson(home.configPath);
  config.agents.list = [{ id: "main", default: true }, { id: "work" }];
  writeFileSync(home.configPath, JSON.stringify(config, null, 2) + "\n");
  const subAgentDir = join(home.stateDir, "agents", "work", "agent");
  mkdirSync(subAgentDir, { recursive: true });
  const authJson = join(subAgentDir, "auth.json");
  // An entry the import does not understand ("weird") stays in auth.json.migrated, byte for byte.
  writeFileSync(authJson, JSON.stringify({ openai: { type: "api_key", key: LEGACY_KEY }, weird: { type: "nope", x: 1 } }) + "\n", { mode: 0o600 });
  mkdirSync(join(home.stateDir, "agent"));
  writeFileSync(join(home.stateDir, ".env"), `OPENROUTER_API_KEY=sk-or-v1-0123456789abcdef0123456789abcdef\n`);
  const lock = `${home.storePath}.lock`;
  mkdirSync(lock);
  utimesSync(lock, new Date(Date.now() - HOUR), new Date(Date.now() - HOUR));
  chmodSync(home.stateDir, 0o755);
  chmodSync(home.configPath, 0o644);
  chmodSync(home.storePath, 0o644);
  chmodSync(join(home.stateDir, ".env"), 0o644);
  return { subAgentDir, authJson };
}

function storeSecrets(path: string): string[] {
  const store = readJson(path);
  return Object.values(store.profiles as Record<string, Record<string, string>>).flatMap((p) => ["key", "token", "access", "refresh"].map((f) => p[f]).filter((v): v is string => Boolean(v)));
}

describe("openclaw doctor on a JSON-era (2026.2.26) home", () => {
  test("without --fix it reports every problem, changes nothing byte for byte, exits 1 and prints no secret", async () => {
    await inTempHome(async (home) => {
      brokenJsonHome(home);
      const secrets = [...storeSecrets(home.storePath), LEGACY_KEY, ENV_KEY];
      const before = snapshot(home.home);
      const human = await runCli(["doctor"], { home: home.home, env: { GROQ_API_KEY: ENV_KEY } });
      const { code, report } = await doctorJson(home, [], { GROQ_API_KEY: ENV_KEY });
      assert.deepEqual(snapshot(home.home), before);
      assert.equal(human.code, 1);
      assert.equal(code, 1);
      assert.equal(report.ok, false);
      assert.equal(report.era, "json");
      assertNoSecrets([human.stdout, human.stderr, JSON.stringify(report)], secrets);

      for (const id of ["permissions.state-dir", "permissions.config", "permissions.dotenv", "permissions.store:main"]) {
        const f = finding(report, id);
        assert.equal(f.severity, "error");
        assert.equal(f.fixable, true);
        assert.equal(f.fixed, false);
      }
      assert.match(finding(report, "permissions.state-dir").text, /^State directory permissions are too open \(~\/\.openclaw, 755\)\. Recommend chmod 700\.$/);
      assert.match(finding(report, "permissions.config").text, /^Config file is group\/world readable \(~\/\.openclaw\/openclaw\.json, 644\)\. Recommend chmod 600\.$/);
      assert.equal(finding(report, "legacy.import:work").fixable, true);
      assert.equal(finding(report, "legacy.agent-dir").fixable, false);
      assert.match(finding(report, "legacy.agent-dir").text, /^Agent dir: ~\/\.openclaw\/agent → ~\/\.openclaw\/agents\/main\/agent /);
      assert.equal(finding(report, "locks.stale:~/.openclaw/agents/main/agent/auth-profiles.json.lock").fixable, true);
      assert.equal(finding(report, "state.era").text, "State dir ~/.openclaw: OpenClaw 2026.2.26 layout (JSON files).");
      // OpenClaw's doctor wording (spec §3.4).
      assert.match(finding(report, "credentials.expired:main:anthropic:old").text, /^anthropic:old: expired \(0m\) — Re-auth via `openclaw models auth setup-token`\.$/);
      assert.match(finding(report, "credentials.expiring:main:anthropic:soon").text, /^anthropic:soon: expiring \(5h\) — /);
      assert.equal(finding(report, "credentials.expiring:main:anthropic:soon").severity, "warn");
      assert.match(finding(report, "credentials.cooldown:main:anthropic:work").text, /^anthropic:work: cooldown \(4m\) — Wait for cooldown or switch provider\.$/);
      assert.match(finding(report, "gateway-token.missing").text, /^Gateway auth is off or missing a token\. Token auth is now the recommended default \(including loopback\)\./);
      // The env key, masked, and where it came from; OpenRouter's key from ~/.openclaw/.env is one a service sees.
      assert.match(finding(report, "key-sources.source:groq").text, /^groq: GROQ_API_KEY=gsk_\S*\.\.\.\S+ from process env\.$/);
      assert.equal(finding(report, "key-sources.service-blind:groq").severity, "warn");
      assert.match(finding(report, "key-sources.service-blind:groq").fix!, /~\/\.openclaw\/\.env/);
      assert.equal(finding(report, "key-sources.source:openrouter").text.endsWith("from ~/.openclaw/.env."), true);
      assert.equal(report.findings.some((f) => f.id === "key-sources.service-blind:openrouter"), false);
      assert.equal(finding(report, "gateway.not-running").severity, "info");

      // Human output: one line per finding, grouped, and the way to apply the fixes.
      assert.match(human.stdout, /\nPermissions\n  error  State directory permissions are too open/);
      assert.match(human.stdout, /\nModel auth\n  error  anthropic:old: expired \(0m\)/);
      assert.match(human.stdout, /Run "openclaw doctor --fix" to apply 6 safe fix\(es\); nothing was changed\.\n$/);
      assert.doesNotMatch(human.stdout, /\u001b\[/);
    });
  });

  test("--fix repairs only what is safe, backs nothing up it replaced (it replaces nothing), loses no credential, and a second --fix changes nothing", async () => {
    await inTempHome(async (home) => {
      const { subAgentDir, authJson } = brokenJsonHome(home);
      const authJsonBytes = readFileSync(authJson);
      const mainStoreBytes = readFileSync(home.storePath);
      const configBytes = readFileSync(home.configPath);
      const profilesBefore = Object.keys(readJson(home.storePath).profiles).sort();

      const { code, report } = await doctorJson(home, ["--fix"]);
      // Expired credentials are not something doctor can fix.
      assert.equal(code, 1);
      const fixedIds = report.findings.filter((f) => f.fixed).map((f) => f.id).sort();
      assert.deepEqual(fixedIds, [
        "legacy.import:work",
        "locks.stale:~/.openclaw/agents/main/agent/auth-profiles.json.lock",
        "permissions.config",
        "permissions.dotenv",
        "permissions.state-dir",
        "permissions.store:main",
      ]);
      assert.equal(report.findings.every((f) => f.fixed === false || f.fixable), true);

      assert.equal(mode(home.stateDir), 0o700);
      assert.equal(mode(home.configPath), 0o600);
      assert.equal(mode(home.storePath), 0o600);
      assert.equal(mode(join(home.stateDir, ".env")), 0o600);
      assert.equal(existsSync(`${home.storePath}.lock`), false);
      // Contents untouched: a chmod changes only the mode.
      assert.deepEqual(readFileSync(home.configPath), configBytes);
      assert.deepEqual(readFileSync(home.storePath), mainStoreBytes);
      assert.deepEqual(Object.keys(readJson(home.storePath).profiles).sort(), profilesBefore);
      // The legacy import: a new store with the entry, auth.json kept byte for byte as .migrated (its "weird" entry too).
      const imported = readJson(join(subAgentDir, "auth-profiles.json"));
      assert.deepEqual(imported, { version: 1, profiles: { "openai:default": { type: "api_key", provider: "openai", key: LEGACY_KEY } } });
      assert.equal(mode(join(subAgentDir, "auth-profiles.json")), 0o600);
      assert.equal(existsSync(authJson), false);
      assert.deepEqual(readFileSync(`${authJson}.migrated`), authJsonBytes);
      // The old agent/ dir is reported, not moved.
      assert.equal(existsSync(join(home.stateDir, "agent")), true);

      const afterFirst = snapshot(home.home);
      const second = await doctorJson(home, ["--fix"]);
      assert.deepEqual(snapshot(home.home), afterFirst);
      assert.equal(second.report.findings.some((f) => f.fixed || f.fixable), false);
      assert.deepEqual(second.report.repairs, []);
      assertNoSecrets([JSON.stringify(report), JSON.stringify(second.report)], [LEGACY_KEY, ...storeSecrets(home.storePath)]);
    });
  });

  test("credentials/oauth.json is imported into the default agent's new store only, never copied into a sub-agent's", async () => {
    await inTempHome(async (home) => {
      writeJson(home.configPath, { agents: { list: [{ id: "main", default: true }, { id: "work" }] } });
      const oauth = { "openai-codex": { access: "acc-doctor-0123456789abcdefghij", refresh: "ref-doctor-0123456789abcdefghij", expires: Date.now() + 48 * HOUR, accountId: "acct-1" } };
      const oauthPath = join(home.stateDir, "credentials", "oauth.json");
      writeJson(oauthPath, oauth);
      const oauthBytes = readFileSync(oauthPath);
      chmodSync(home.stateDir, 0o700);
      const { report } = await doctorJson(home, ["--fix"]);
      assert.equal(finding(report, "legacy.import:main").fixed, true);
      assert.equal(report.findings.some((f) => f.id === "legacy.import:work"), false);
      assert.deepEqual(readJson(home.storePath).profiles, { "openai-codex:default": { ...oauth["openai-codex"], type: "oauth", provider: "openai-codex" } });
      assert.equal(existsSync(join(home.stateDir, "agents", "work", "agent", "auth-profiles.json")), false);
      assert.deepEqual(readFileSync(oauthPath), oauthBytes);
      assertNoSecrets([JSON.stringify(report)], [oauth["openai-codex"].access, oauth["openai-codex"].refresh]);
    });
  });

  test("a healthy home exits 0; warnings alone do not fail it", async () => {
    await inTempHome(async (home) => {
      writeJson(home.configPath, {
        gateway: { port: 1, auth: { token: "f3b1c9e2a7d54c08b6e1f2a3c4d5e6f7a8b9c0d1" } },
        agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6" } } },
      });
      writeJson(home.storePath, {
        version: 1,
        profiles: {
          "anthropic:default": { type: "api_key", provider: "anthropic", key: "sk-ant-api03-healthy-0123456789abcdef" },
          "anthropic:soon": { type: "token", provider: "anthropic", token: "sk-ant-oat01-soon-0123456789abcdef", expires: Date.now() + 5 * HOUR },
        },
      });
      chmodSync(home.stateDir, 0o700);
      const { code, report } = await doctorJson(home);
      assert.equal(code, 0);
      assert.equal(report.ok, true);
      assert.equal(report.findings.filter((f) => f.severity === "error").length, 0);
      assert.equal(finding(report, "credentials.expiring:main:anthropic:soon").severity, "warn");
      assert.equal(finding(report, "gateway-token.ok").severity, "info");
      assert.equal(finding(report, "config.ok").severity, "info");
    });
  });

  test("a config that does not parse is an error naming it; the other checks still run and --fix never rewrites it", async () => {
    await inTempHome(async (home) => {
      mkdirSync(home.stateDir, { recursive: true });
      writeFileSync(home.configPath, "{ gateway: { port: 18789, }\n", { mode: 0o644 });
      chmodSync(home.stateDir, 0o700);
      const before = readFileSync(home.configPath);
      const { code, report } = await doctorJson(home, ["--fix", "--yes"]);
      assert.equal(code, 1);
      const invalid = finding(report, "config.invalid");
      assert.equal(invalid.severity, "error");
      assert.match(invalid.text, /openclaw\.json/);
      assert.equal(invalid.fixable, false);
      assert.equal(finding(report, "permissions.config").fixed, true);
      assert.deepEqual(readFileSync(home.configPath), before);
      assert.equal(mode(home.configPath), 0o600);
    });
  });

  test("a store that does not validate is an error, and no credential check pretends it is empty", async () => {
    await inTempHome(async (home) => {
      writeJson(home.configPath, {});
      mkdirSync(home.agentDir, { recursive: true });
      writeFileSync(home.storePath, '{"version":1,"profiles":{"a:b":{"type":"api_key"}}}\n', { mode: 0o600 });
      chmodSync(home.stateDir, 0o700);
      const before = snapshot(home.home);
      const { code, report } = await doctorJson(home, ["--fix"]);
      assert.equal(code, 1);
      assert.match(finding(report, "store.unreadable:main").text, /auth-profiles\.json/);
      assert.equal(report.findings.some((f) => f.id === "config.ok"), false);
      assert.deepEqual(snapshot(home.home), before);
    });
  });

  test("models whose provider has no credential, disabled profiles, and a gateway token that is a provider key or weak", async () => {
    await inTempHome(async (home) => {
      const key = "sk-ant-api03-shared-0123456789abcdefghij";
      writeJson(home.configPath, {
        gateway: { auth: { token: key } },
        models: { providers: { mistral: { baseUrl: "http://127.0.0.1:9", apiKey: "mistral-config-key-0123456789abcdef" } } },
        agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5-mini"] } } },
      });
      writeJson(home.storePath, {
        version: 1,
        profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key } },
        usageStats: { "anthropic:default": { disabledUntil: Date.now() + 2 * HOUR, disabledReason: "billing" } },
      });
      chmodSync(home.stateDir, 0o700);
      const { code, report } = await doctorJson(home);
      assert.equal(code, 1);
      const noAuth = finding(report, "credentials.no-auth:main:openai");
      assert.equal(noAuth.severity, "error");
      assert.equal(noAuth.fix, "openclaw models auth paste-api-key --provider openai");
      assert.match(finding(report, "credentials.disabled:main:anthropic:default").text, /^anthropic:default: disabled:billing \(2h\) — Top up credits \(provider billing\) or switch provider\.$/);
      const same = finding(report, "gateway-token.same-as-provider-key");
      assert.equal(same.severity, "error");
      assert.match(same.text, /profile anthropic:default/);
      assert.match(finding(report, "key-sources.config:mistral").text, /^mistral: \S+\.\.\.\S+ from config \(~\/\.openclaw\/openclaw\.json: models\.providers\.mistral\.apiKey\)\.$/);
      assertNoSecrets([JSON.stringify(report)], [key, "mistral-config-key-0123456789abcdef"]);

      const env = { OPENCLAW_GATEWAY_TOKEN: "letmein" };
      const weak = await doctorJson(home, [], env);
      assert.match(finding(weak.report, "gateway-token.weak").text, /^The gateway token \(OPENCLAW_GATEWAY_TOKEN in the environment, \S+\) is weak: 7 characters/);
      assert.doesNotMatch(JSON.stringify(weak.report), /letmein/);
    });
  });

  test("OpenClaw's own lock files: a dead holder's is stale and removed by --fix, a live holder's is left alone", async () => {
    await inTempHome(async (home) => {
      writeJson(home.configPath, {});
      writeJson(home.storePath, { version: 1, profiles: {} });
      chmodSync(home.stateDir, 0o700);
      // A pid no process has (above the kernel's pid_max), and this test's own pid (alive).
      writeFileSync(`${home.configPath}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, createdAt: new Date().toISOString() }));
      writeFileSync(`${home.storePath}.lock`, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }));
      const { report } = await doctorJson(home, ["--fix"]);
      const stale = finding(report, "locks.stale:~/.openclaw/openclaw.json.lock");
      assert.equal(stale.fixed, true);
      assert.match(stale.text, /pid 4206649, gone/);
      assert.equal(existsSync(`${home.configPath}.lock`), false);
      const held = finding(report, "locks.held:~/.openclaw/agents/main/agent/auth-profiles.json.lock");
      assert.equal(held.severity, "info");
      assert.equal(existsSync(`${home.storePath}.lock`), true);
    });
  });

  test("a running gateway's /health is read at the configured port; an unhealthy one is an error", async () => {
    let body = { ok: true, version: "9.9.9", problems: [] as unknown[] };
    const server = createServer((req, res) => {
      res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await inTempHome(async (home) => {
        writeJson(home.configPath, { gateway: { port, auth: { token: "f3b1c9e2a7d54c08b6e1f2a3c4d5e6f7a8b9c0d1" } } });
        chmodSync(home.stateDir, 0o700);
        const healthy = await doctorJson(home);
        assert.equal(finding(healthy.report, "gateway.healthy").text, `Gateway 9.9.9 running at http://127.0.0.1:${port}: healthy.`);
        body = { ok: false, version: "9.9.9", problems: [{ file: "x", message: "auth store broken" }] };
        const sick = await doctorJson(home);
        assert.equal(sick.code, 1);
        assert.match(finding(sick.report, "gateway.unhealthy").text, /reports problems: auth store broken\.$/);
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("on a terminal without --yes it asks before each fix, and a declined fix changes nothing", { skip: ptyUnavailableReason() }, async () => {
    await inTempHome(async (home) => {
      writeJson(home.configPath, {});
      chmodSync(home.stateDir, 0o755);
      chmodSync(home.configPath, 0o644);
      const session = spawnCliPty(["doctor", "--fix"], { env: cliEnv(home.home), cwd: home.home, timeoutMs: 15_000 });
      try {
        // Two fixes, in order: decline the first (the state dir), accept the second (the config).
        await session.waitFor(/Fix: chmod 700 ~\/\.openclaw\?/);
        await session.press(KEY.right); // Yes -> No
        await session.press(KEY.enter);
        await session.waitFor(/Fix: chmod 600 ~\/\.openclaw\/openclaw\.json\?/, 8_000);
        await session.press(KEY.enter);
        const result = await session.exit();
        assert.match(result.text, /not fixed: declined/);
        assert.equal(mode(home.stateDir), 0o755);
        assert.equal(mode(home.configPath), 0o600);
      } finally {
        session.kill();
      }
    });
  });
});

describe("openclaw doctor on a SQLite-era (2026.9) home", () => {
  test("reports the era and open modes; --fix changes modes only, every row and byte stays; a second --fix changes nothing", async () => {
    await inFixture2026(async (fx) => {
      const rowsBefore = fx.tableCounts();
      const storeBefore = fx.sharedStore();
      const before = snapshot(fx.home);
      const dry = await doctorJson(fx, []);
      assert.deepEqual(snapshot(fx.home), before);
      assert.equal(dry.report.era, "sqlite");
      assert.equal(finding(dry.report, "state.era").text, "State dir ~/.openclaw: OpenClaw 2026.9 layout (SQLite: ~/.openclaw/state/openclaw.sqlite).");
      assert.equal(finding(dry.report, "permissions.state-db").fixable, true);
      assert.equal(finding(dry.report, "gateway-token.ok").severity, "info");
      assertNoSecrets([JSON.stringify(dry.report)], fx.secrets);

      const fixed = await doctorJson(fx, ["--fix"]);
      assert.equal(finding(fixed.report, "permissions.state-db").fixed, true);
      assert.equal(mode(fx.stateDb), 0o600);
      assert.equal(mode(fx.stateDir), 0o700);
      assert.deepEqual(fx.tableCounts(), rowsBefore);
      assert.deepEqual(fx.sharedStore(), storeBefore);
      // Only modes changed: the same files with the same bytes.
      const after = snapshot(fx.home);
      assert.deepEqual(Object.keys(after), Object.keys(before));
      for (const [path, entry] of Object.entries(after)) assert.equal(content(entry), content(before[path]), path);

      const second = await doctorJson(fx, ["--fix"]);
      assert.deepEqual(snapshot(fx.home), after);
      assert.equal(second.report.findings.some((f) => f.fixed || f.fixable), false);
      assertNoSecrets([JSON.stringify(fixed.report), JSON.stringify(second.report)], fx.secrets);
    });
  });

  test("a state mid-migration (a JSON store beside the database) is an error whose fix is 2026.9's own doctor; we import nothing", async () => {
    await inFixture2026(async (fx) => {
      writeJson(join(fx.agentDir, "auth-profiles.json"), { version: 1, profiles: { "openai:x": { type: "api_key", provider: "openai", key: "sk-midmigration-0123456789abcdef" } } });
      const config = fx.config();
      config.meta.lastTouchedAt = "2026-11-25T13:44:50.792Z";
      writeFileSync(fx.configPath, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
      const before = snapshot(fx.home);
      const { code, report } = await doctorJson(fx, ["--fix", "--non-interactive"]);
      assert.equal(code, 1);
      const mid = finding(report, "state.mid-migration:main");
      assert.equal(mid.severity, "error");
      assert.equal(mid.fixable, false);
      assert.match(mid.fix!, /OpenClaw 2026\.9's own `openclaw doctor --fix`/);
      assert.equal(report.findings.some((f) => f.id.startsWith("store.unreadable")), false);
      assert.match(finding(report, "state.config-key:meta.lastTouchedAt").text, /OpenClaw 2026\.9 rejects/);
      // Modes may be fixed; no bytes change anywhere.
      const after = snapshot(fx.home);
      for (const [path, entry] of Object.entries(before)) assert.equal(content(after[path]), content(entry), path);
      assert.deepEqual(Object.keys(after), Object.keys(before));
    });
  });
});
