// `openclaw state push` / `pull` with the built CLI and a real, password-protected
// redis-server: stores of both OpenClaw eras go up, come down into empty and
// into conflicting state dirs, the later OAuth expiry wins both ways, a
// conflict keeps the destination's credential and says so, --dry-run writes
// nothing, and neither a secret nor the Redis password is ever printed.
// Also: `models status` names the backend in use.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { assertNoSecrets, copyAliceFixture, makeHome, readJson, runCli, writeJson, aliceSecrets, type CliResult, type TempHome } from "../helpers/cli.ts";
import { copyFixture2026, FIXTURE_PROFILE_IDS, type Fixture2026 } from "../helpers/fixture-2026-9.ts";
import { redisSkipReason, startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const skip = redisSkipReason("test/e2e/state-sync.test.ts");
const PASSWORD = "state-sync-redis-password-0123456789";
const KEY_A = "sk-proj-stateSyncHostA0123456789abcdefghijklmnop";
const KEY_B = "sk-proj-stateSyncHostB0123456789abcdefghijklmnop";
const ACCESS_OLD = "oauth-access-older-0123456789abcdefghijklmnopqrst";
const REFRESH_OLD = "oauth-refresh-older-0123456789abcdefghijklmnopqrs";
const ACCESS_NEW = "oauth-access-newer-0123456789abcdefghijklmnopqrst";
const REFRESH_NEW = "oauth-refresh-newer-0123456789abcdefghijklmnopqrs";

const HOUR = 3_600_000;
const oauth = (access: string, refresh: string, expires: number) => ({ type: "oauth", provider: "openai-codex", access, refresh, expires, email: "me@example.com" });
const apiKey = (key: string) => ({ type: "api_key", provider: "openai", key });

describe("openclaw state push / pull", { skip }, () => {
  let server: RedisServer;
  const homes: { cleanup(): void }[] = [];
  const outputs: string[] = [];
  const secrets = [PASSWORD, KEY_A, KEY_B, ACCESS_OLD, REFRESH_OLD, ACCESS_NEW, REFRESH_NEW];
  const home = (): TempHome => {
    const made = makeHome();
    homes.push(made);
    return made;
  };
  const urlFor = (prefix: string) => ({ OPENCLAW_STATE_URL: `${server.url}?prefix=${prefix}:` });
  const run = async (args: string[], where: { home: string }, env: Record<string, string> = {}): Promise<CliResult> => {
    const result = await runCli(args, { home: where.home, env });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const ok = (result: CliResult) => {
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return result.stdout;
  };
  /** The outcome printed for a profile: the text after its masked credential. */
  const outcome = (stdout: string, profileId: string) => {
    const line = stdout.split("\n").find((text) => text.trimStart().startsWith(`${profileId} `));
    assert.ok(line, `no line for ${profileId} in:\n${stdout}`);
    return line;
  };

  before(async () => {
    server = await startRedisServer({ password: PASSWORD });
  });
  after(async () => {
    await server?.stop();
    for (const made of homes) made.cleanup();
    assertNoSecrets(outputs, [...secrets, ...aliceSecrets()]);
    assert.ok(!outputs.some((text) => text.includes(encodeURIComponent(PASSWORD))), "the Redis password never shows");
  });

  test("without a state URL: exit 1 and how to set one", async () => {
    for (const direction of ["push", "pull"]) {
      const result = await run(["state", direction], home());
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Error: No shared state is configured/);
      assert.match(result.stderr, /\nSet OPENCLAW_STATE_URL=redis:\/\/.* \(or config state\.url\)/);
    }
  });

  test("a JSON-era (2026.2.26) store goes up, comes down into an empty state dir with 0600 files and config metadata", async () => {
    const env = urlFor("json-era");
    const alice = home();
    copyAliceFixture(alice);
    const ids = Object.keys(readJson(alice.storePath).profiles);
    const pushed = ok(await run(["state", "push"], alice, env));
    for (const id of ids) assert.match(outcome(pushed, id), /  added$/);
    assert.match(pushed, /^Agent main: ~\/\.openclaw\/agents\/main\/agent\/auth-profiles\.json -> redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0 json-era:\{agent:main\}$/m);
    assert.match(pushed, new RegExp(`^Pushed 1 agent: ${ids.length} added\\.$`, "m"));

    const again = ok(await run(["state", "push"], alice, env));
    assert.match(again, new RegExp(`^Pushed 1 agent: ${ids.length} unchanged\\.$`, "m"), "a second push changes nothing");

    const empty = home();
    const pulled = ok(await run(["state", "pull"], empty, env));
    for (const id of ids) assert.match(outcome(pulled, id), /  added$/);
    assert.match(pulled, /^Updated ~\/\.openclaw\/openclaw\.json \(auth\.profiles for the pulled profiles\)$/m);
    const theirs = readJson(alice.storePath);
    const ours = readJson(empty.storePath);
    assert.deepEqual(ours.profiles, theirs.profiles);
    assert.deepEqual(ours.order, theirs.order);
    assert.deepEqual(ours.usageStats, theirs.usageStats);
    assert.equal(statSync(empty.storePath).mode & 0o777, 0o600);
    assert.equal(statSync(empty.configPath).mode & 0o777, 0o600);
    const config = readJson(empty.configPath);
    assert.deepEqual(config.auth.profiles["anthropic:work"], { provider: "anthropic", mode: "api_key" });
    assert.deepEqual(config.auth.profiles["openai-codex:default"].mode, "oauth");
    assert.equal(Object.keys(config.auth.profiles).length, ids.length);
    // The local listing now reads the pulled file (no URL), and the file is what the JSON era expects.
    assert.match(ok(await run(["models", "auth", "list"], empty)), /^Auth file: ~\/\.openclaw\/agents\/main\/agent\/auth-profiles\.json$/m);
  });

  test("an OpenClaw 2026.9 SQLite state goes up whole; its database is only read", async () => {
    const env = urlFor("sqlite-era");
    const fixture: Fixture2026 = copyFixture2026();
    homes.push(fixture);
    secrets.push(...fixture.secrets);
    const before = fixture.tableCounts();
    const pushed = ok(await run(["state", "push"], fixture, env));
    for (const id of FIXTURE_PROFILE_IDS) assert.match(outcome(pushed, id), /  added$/);
    assert.match(pushed, /^Agent main: ~\/\.openclaw\/.*openclaw(-agent)?\.sqlite -> redis:\/\//m);
    assert.deepEqual(fixture.tableCounts(), before);

    const listed = ok(await run(["models", "auth", "list"], home(), env));
    assert.match(listed, /^Auth store: redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0 sqlite-era:\{agent:main\}$/m, "not a file: 'Auth store'");
    for (const id of FIXTURE_PROFILE_IDS) assert.match(listed, new RegExp(`^${id}\\s`, "m"));

    // Pulling back into the 2026.9 state it came from: nothing to change.
    assert.match(ok(await run(["state", "pull"], fixture, env)), new RegExp(`^Pulled 1 agent: ${FIXTURE_PROFILE_IDS.length} unchanged\\.$`, "m"));
    assert.deepEqual(fixture.tableCounts(), before);
  });

  test("conflicts keep the destination's credential and say so; the later OAuth expiry wins both ways", async () => {
    const env = urlFor("conflicts");
    const now = Date.now();
    const [hostA, hostB] = [home(), home()];
    writeJson(hostA.storePath, {
      version: 1,
      profiles: { "openai:default": apiKey(KEY_A), "openai-codex:default": oauth(ACCESS_OLD, REFRESH_OLD, now + HOUR) },
      usageStats: { "openai:default": { lastUsed: now - 5_000, cooldownUntil: now + 10 * 60_000, errorCount: 3 } },
    });
    writeJson(hostB.storePath, {
      version: 1,
      profiles: { "openai:default": apiKey(KEY_B), "openai-codex:default": oauth(ACCESS_NEW, REFRESH_NEW, now + 5 * HOUR) },
      usageStats: { "openai:default": { lastUsed: now - 60_000, errorCount: 1 } },
    });
    ok(await run(["state", "push"], hostA, env));

    const storeB = readFileSync(hostB.storePath, "utf8");
    const pulledB = ok(await run(["state", "pull"], hostB, env));
    assert.match(outcome(pulledB, "openai:default"), /conflict: kept destination sk-pro\.\.\.klmnop; the source has another credential \(--prefer-source takes it\)/);
    assert.match(outcome(pulledB, "openai-codex:default"), /OAuth \(me@example\.com\)\s+kept destination \(newer\)$/);
    assert.match(pulledB, /^Pulled 1 agent: 1 kept destination \(newer\), 1 conflicts \(kept destination\)\.$/m);
    const afterB = readJson(hostB.storePath);
    assert.equal(afterB.profiles["openai:default"].key, KEY_B, "B's key is never overwritten");
    assert.equal(afterB.profiles["openai-codex:default"].access, ACCESS_NEW);
    assert.equal(readFileSync(hostB.storePath, "utf8"), storeB, "nothing to write: a conflicting profile's usage is not merged either");

    // B's newer OAuth credential goes up; Redis keeps its own API key.
    const pushedB = ok(await run(["state", "push"], hostB, env));
    assert.match(outcome(pushedB, "openai-codex:default"), /updated \(the source's expires later\)$/);
    assert.match(outcome(pushedB, "openai:default"), /conflict: kept destination/);

    // …and comes down to A; its cooldown window was already the later one.
    const pulledA = ok(await run(["state", "pull"], hostA, env));
    assert.match(outcome(pulledA, "openai-codex:default"), /updated/);
    assert.match(outcome(pulledA, "openai:default"), /unchanged$/, "Redis kept A's key over B's");
    const afterA = readJson(hostA.storePath);
    assert.equal(afterA.profiles["openai-codex:default"].access, ACCESS_NEW);
    assert.equal(afterA.profiles["openai-codex:default"].refresh, REFRESH_NEW);
    assert.equal(afterA.profiles["openai:default"].key, KEY_A);
    assert.equal(afterA.usageStats["openai:default"].cooldownUntil, now + 10 * 60_000);
    assert.equal(statSync(hostA.storePath).mode & 0o777, 0o600);

    // Only when asked does a conflict take the source's credential (Redis has held A's key all along).
    const preferred = ok(await run(["state", "pull", "--prefer-source"], hostB, env));
    assert.match(outcome(preferred, "openai:default"), /replaced destination \(--prefer-source\), was sk-pro\.\.\.klmnop; the source's cooldowns\/usage with it$/);
    assert.deepEqual(readJson(hostB.storePath).usageStats["openai:default"], { lastUsed: now - 5_000, cooldownUntil: now + 10 * 60_000, errorCount: 3 }, "the replacing key's own usage");
    assert.match(outcome(preferred, "openai-codex:default"), /unchanged$/);
    assert.equal(readJson(hostB.storePath).profiles["openai:default"].key, KEY_A);
  });

  test("a later cooldown and usage from the source are merged into a profile both hold", async () => {
    const env = urlFor("usage");
    const now = Date.now();
    const [hostA, hostB] = [home(), home()];
    const profiles = { "openai:default": apiKey(KEY_A) };
    writeJson(hostA.storePath, { version: 1, profiles, usageStats: { "openai:default": { lastUsed: now - 1_000, cooldownUntil: now + 20 * 60_000, errorCount: 4 } } });
    writeJson(hostB.storePath, { version: 1, profiles, usageStats: { "openai:default": { lastUsed: now - 90_000, errorCount: 1 } } });
    ok(await run(["state", "push"], hostA, env));
    const pulled = ok(await run(["state", "pull"], hostB, env));
    assert.match(outcome(pulled, "openai:default"), /unchanged; later cooldowns\/usage merged$/);
    assert.deepEqual(readJson(hostB.storePath).usageStats["openai:default"], { lastUsed: now - 1_000, cooldownUntil: now + 20 * 60_000, errorCount: 1 });
  });

  test("--dry-run says what would happen and writes nothing, locally or in Redis", async () => {
    const env = urlFor("dry");
    const source = home();
    writeJson(source.storePath, { version: 1, profiles: { "openai:default": apiKey(KEY_A) } });
    const dry = ok(await run(["state", "push", "--dry-run"], source, env));
    assert.match(outcome(dry, "openai:default"), /added$/);
    assert.match(dry, /^Dry run, nothing was written\. Would have pushed 1 agent: 1 added\.$/m);
    assert.match(ok(await run(["models", "auth", "list"], home(), env)), /No auth profiles stored\./, "Redis still has nothing");

    ok(await run(["state", "push"], source, env));
    const empty = home();
    const dryPull = ok(await run(["state", "pull", "--dry-run"], empty, env));
    assert.match(dryPull, /Would have pulled 1 agent: 1 added\./);
    assert.equal(existsSync(empty.storePath), false);
    assert.equal(existsSync(empty.configPath), false);
  });

  test("--all-agents copies each configured agent's own store to the same agent; --agent one of them", async () => {
    const env = urlFor("agents");
    const config = { agents: { list: [{ id: "main", default: true }, { id: "work" }] } };
    const [hostA, hostB] = [home(), home()];
    const workStore = (where: TempHome) => where.storePath.replace("/agents/main/", "/agents/work/");
    writeJson(hostA.configPath, config);
    writeJson(hostA.storePath, { version: 1, profiles: { "openai:default": apiKey(KEY_A) } });
    writeJson(workStore(hostA), { version: 1, profiles: { "openai:work": apiKey(KEY_B) } });
    const pushed = ok(await run(["state", "push", "--all-agents"], hostA, env));
    assert.match(pushed, /^Agent main: .* -> .*agents:\{agent:main\}$/m);
    assert.match(pushed, /^Agent work: .* -> .*agents:\{agent:work\}$/m);
    assert.match(pushed, /^Pushed 2 agents: 2 added\.$/m);

    writeJson(hostB.configPath, config);
    const onlyWork = ok(await run(["state", "pull", "--agent", "work"], hostB, env));
    assert.match(onlyWork, /^Pulled 1 agent: 1 added\.$/m);
    assert.deepEqual(Object.keys(readJson(workStore(hostB)).profiles), ["openai:work"], "the work agent's own store, not main's");
    assert.equal(existsSync(hostB.storePath), false, "main was not asked for");
    assert.match(ok(await run(["state", "pull", "--all-agents"], hostB, env)), /^Pulled 2 agents: 1 added, 1 unchanged\.$/m);
    assert.deepEqual(Object.keys(readJson(hostB.storePath).profiles), ["openai:default"]);
  });

  test("--agent and --all-agents together are refused", async () => {
    const result = await run(["state", "push", "--agent", "main", "--all-agents"], home(), urlFor("flags"));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: Choose either --agent <id> or --all-agents, not both\./);
  });

  test("models status names the backend: redis (password masked), json files, sqlite", async () => {
    const env = urlFor("status");
    const host = home();
    const text = ok(await run(["models", "status"], host, env));
    assert.match(text, /^Auth backend  : redis \(redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0, prefix status:\)$/m);
    const json = JSON.parse(ok(await run(["models", "status", "--json"], host, env)));
    assert.equal(json.auth.backend.kind, "redis");
    assert.equal(json.auth.backend.prefix, "status:");
    assert.match(json.auth.backend.server, /^redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0$/);

    assert.match(ok(await run(["models", "status"], host)), /^Auth backend  : json files$/m);
    assert.equal(JSON.parse(ok(await run(["models", "status", "--json"], host))).auth.backend.kind, "json");
    const fixture = copyFixture2026();
    homes.push(fixture);
    assert.match(ok(await run(["models", "status"], fixture)), /^Auth backend  : sqlite \(OpenClaw 2026\.9\)$/m);
  });
});
