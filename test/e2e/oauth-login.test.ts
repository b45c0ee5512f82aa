// `openclaw models auth login` / `login-github-copilot` end to end: the real
// CLI against the fake OAuth server (test/helpers/fake-oauth-server.ts). The
// test plays the browser: it reads the URL the CLI prints, GETs the authorize
// endpoint, and either follows its redirect to the CLI's loopback callback or
// pastes the redirect URL into the CLI's stdin.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { OPENAI_CODEX_CLIENT_ID, GITHUB_COPILOT_CLIENT_ID } from "../../src/oauth/providers.ts";
import { assertNoSecrets, CLI, cliEnv, readJson, writeJson, type CliResult, type TempHome, inTempHome } from "../helpers/cli.ts";
import { startFakeOAuthServer, type FakeOAuthOptions } from "../helpers/fake-oauth-server.ts";
import { inFixture2026 } from "../helpers/fixture-2026-9.ts";

const LOCAL = { DISPLAY: ":0" };
const REMOTE = { SSH_CONNECTION: "10.0.0.1 5555 10.0.0.2 22" };

type Fake = Awaited<ReturnType<typeof startFakeOAuthServer>>;
const fakes: Fake[] = [];
after(async () => {
  await Promise.all(fakes.map((f) => f.close()));
});
async function fake(options: FakeOAuthOptions = {}): Promise<Fake> {
  const f = await startFakeOAuthServer(options);
  fakes.push(f);
  return f;
}

/** The CLI with stdin kept open, so the test can answer after reading the URL. */
function spawnLogin(args: string[], home: TempHome, env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: home.home, env: cliEnv(home.home, env), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const onData = () => waiters.forEach((w) => w());
  child.stdout.on("data", (c) => ((stdout += c), onData()));
  child.stderr.on("data", (c) => ((stderr += c), onData()));
  child.stdin.on("error", () => {});
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      onData();
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  let exited = false;
  void done.then(() => (exited = true));
  return {
    child,
    done,
    output: () => ({ stdout, stderr }),
    waitFor(pattern: RegExp, ms = 10_000): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) return finish(() => resolve(match));
          if (exited) return finish(() => reject(new Error(`CLI exited before ${pattern}:\n${stdout}\n${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`))), ms);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const AUTHORIZE_URL = /(?:Open: |LOCAL browser:\n\n)(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/;

/** What the browser does: GET the authorize URL; the fake answers with a redirect to the callback. */
async function authorize(url: string): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  assert.equal(response.status, 302);
  // Codex registers localhost; go to the address the CLI binds.
  return response.headers.get("location")!.replace("//localhost:", "//127.0.0.1:");
}

function customConfig(f: Fake, id = "acme", extra: Record<string, unknown> = {}) {
  return {
    models: {
      providers: {
        [id]: {
          baseUrl: "http://127.0.0.1:9/v1",
          api: "openai-completions",
          auth: "oauth",
          oauth: { authorizeUrl: f.url("/authorize"), tokenUrl: f.url("/token"), deviceCodeUrl: f.url("/device/code"), clientId: f.clientId, ...extra },
          models: [{ id: "acme-large" }],
        },
      },
    },
  };
}

function codexConfig(f: Fake) {
  return { models: { providers: { "openai-codex": { oauth: { authorizeUrl: f.url("/authorize"), tokenUrl: f.url("/token"), callbackPort: 0 } } } } };
}

function storedSecrets(h: TempHome, agentDir = h.agentDir): string[] {
  const store = readJson(join(agentDir, "auth-profiles.json"));
  return Object.values(store.profiles as Record<string, Record<string, string>>).flatMap((p) => [p.access, p.refresh, p.token].filter((s): s is string => Boolean(s)));
}


test("openai-codex: the browser's redirect reaches the loopback callback; profile, modes, metadata, no token in output", async () => {
  const f = await fake({ clientId: OPENAI_CODEX_CLIENT_ID });
  await inTempHome(async (h) => {
    writeJson(h.configPath, codexConfig(f));
    const cli = spawnLogin(["models", "auth", "login", "--provider", "openai-codex"], h, LOCAL);
    const [, url] = await cli.waitFor(AUTHORIZE_URL);
    assert.match(url!, /originator=openclaw/);
    const callback = await authorize(url!);
    const page = await fetch(callback);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Authentication successful/);
    // stdin stays open: the CLI must stop reading it and exit on its own.
    const result = await cli.done;
    cli.child.stdin.end();
    assert.equal(result.code, 0, result.stderr);
    const store = readJson(h.storePath);
    const profile = store.profiles["openai-codex:user@example.com"];
    assert.equal(profile.type, "oauth");
    assert.equal(profile.provider, "openai-codex");
    assert.equal(profile.accountId, "acct-123");
    assert.equal(profile.email, "user@example.com");
    assert.ok(profile.refresh.startsWith("rt-") && profile.expires > Date.now());
    assert.equal(statSync(h.storePath).mode & 0o777, 0o600);
    assert.equal(statSync(h.configPath).mode & 0o777, 0o600);
    const config = readJson(h.configPath);
    assert.deepEqual(config.auth.profiles["openai-codex:user@example.com"], { provider: "openai-codex", mode: "oauth", email: "user@example.com" });
    assert.match(result.stdout, /Auth profile: openai-codex:user@example\.com \(openai-codex\/oauth\)/);
    assert.match(result.stdout, /Default model available: openai-codex\/gpt-5\.3-codex \(use --set-default to apply\)/);
    assertNoSecrets([result.stdout, result.stderr], [...storedSecrets(h), new URL(callback).searchParams.get("code")!]);
    const exchange = f.tokenRequests().find((r) => r.params["grant_type"] === "authorization_code")!;
    assert.ok(exchange.params["code_verifier"]!.length >= 43);
  });
});

for (const [name, answer] of [
  ["the full redirect URL", (redirect: URL) => redirect.toString()],
  ["code#state", (redirect: URL) => `${redirect.searchParams.get("code")}#${redirect.searchParams.get("state")}`],
  ["a bare code", (redirect: URL) => redirect.searchParams.get("code")!],
] as const) {
  test(`remote host: ${name} piped on stdin logs in (custom provider)`, async () => {
    const f = await fake();
    await inTempHome(async (h) => {
      writeJson(h.configPath, { ...customConfig(f), agents: { defaults: { model: { primary: "openai/gpt-5", fallbacks: ["anthropic/claude-opus-4-6"] } } } });
      const cli = spawnLogin(["models", "auth", "login", "--provider", "acme", "--set-default"], h, REMOTE);
      const [, url] = await cli.waitFor(AUTHORIZE_URL);
      assert.match(cli.output().stdout, /^Open this URL in your LOCAL browser:/m);
      const redirect = new URL(await authorize(url!));
      cli.child.stdin.end(`${answer(redirect)}\n`);
      const result = await cli.done;
      assert.equal(result.code, 0, result.stderr);
      const profile = readJson(h.storePath).profiles["acme:user@example.com"];
      assert.equal(profile.type, "oauth");
      assert.equal(profile.provider, "acme");
      const config = readJson(h.configPath);
      assert.equal(config.agents.defaults.model.primary, "acme/acme-large");
      assert.deepEqual(config.agents.defaults.model.fallbacks, ["anthropic/claude-opus-4-6"], "fallbacks are kept");
      assert.equal(result.stdout.match(/^Updated /gm)?.length, 1, "one config write for the profile and the default model");
      assert.ok("acme/acme-large" in config.agents.defaults.models);
      assert.match(result.stdout, /Default model set to acme\/acme-large/);
      assertNoSecrets([result.stdout, result.stderr], [...storedSecrets(h), redirect.searchParams.get("code")!]);
    });
  });
}

test("device code, custom provider: Visit/Code shown, authorization_pending waited out, token stored", async () => {
  const f = await fake({ deviceSteps: ["authorization_pending", "ok"], deviceInterval: 1, deviceErrorStatus: 400 });
  await inTempHome(async (h) => {
    writeJson(h.configPath, customConfig(f));
    const cli = spawnLogin(["models", "auth", "login", "--provider", "acme", "--device-code"], h, {});
    cli.child.stdin.end();
    const result = await cli.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Visit: http:\/\/127\.0\.0\.1:\d+\/device$/m);
    assert.match(result.stdout, /^Code: ABCD-1234$/m);
    assert.match(result.stdout, /^Waiting for approval… \d+:\d\d left$/m);
    // The fake's device token has no refresh token and no email: a plain token at <provider>:default.
    const profile = readJson(h.storePath).profiles["acme:default"];
    assert.equal(profile.type, "token");
    assert.match(profile.token, /^gho_/);
    assert.equal(readJson(h.configPath).auth.profiles["acme:default"].mode, "token");
    assert.equal(f.requests.filter((r) => r.path === "/token").length, 2, "one pending poll, one success");
    assertNoSecrets([result.stdout, result.stderr], storedSecrets(h));
  });
});

test("login-github-copilot: GitHub token stored as a token profile without expiry; a re-run notes the overwrite", async () => {
  const f = await fake({ clientId: GITHUB_COPILOT_CLIENT_ID, deviceSteps: ["authorization_pending", "ok"], deviceInterval: 1, deviceErrorStatus: 200 });
  await inTempHome(async (h) => {
    const config = { models: { providers: { "github-copilot": { oauth: { deviceCodeUrl: f.url("/device/code"), tokenUrl: f.url("/token") } } } } };
    writeJson(h.configPath, config);
    const first = spawnLogin(["models", "auth", "login-github-copilot"], h, {});
    first.child.stdin.end();
    const result = await first.done;
    assert.equal(result.code, 0, result.stderr);
    const profile = readJson(h.storePath).profiles["github-copilot:github"];
    assert.deepEqual(Object.keys(profile).sort(), ["provider", "token", "type"]);
    assert.equal(profile.type, "token");
    assert.match(result.stdout, /Auth profile: github-copilot:github \(github-copilot\/token\)/);
    assert.match(result.stdout, /Default model available: github-copilot\/gpt-4\.1/);
    assert.equal(f.requests.find((r) => r.path === "/device/code")!.params["scope"], "read:user");
    assertNoSecrets([result.stdout, result.stderr], storedSecrets(h));

    const again = spawnLogin(["models", "auth", "login", "--provider", "github-copilot", "--force"], h, {});
    again.child.stdin.end();
    const second = await again.done;
    assert.equal(second.code, 0, second.stderr);
    assert.notEqual(readJson(h.storePath).profiles["github-copilot:github"].token, profile.token);

    const noted = spawnLogin(["models", "auth", "login-github-copilot"], h, {});
    noted.child.stdin.end();
    const third = await noted.done;
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /Re-running will overwrite it\./);
  });
});

test("device code: access_denied and expired_token end with clear messages and write nothing", async () => {
  for (const [step, message] of [
    ["access_denied", /acme login cancelled/],
    ["expired_token", /acme device code expired; run login again/],
  ] as const) {
    const f = await fake({ deviceSteps: [step], deviceInterval: 1 });
    await inTempHome(async (h) => {
      writeJson(h.configPath, customConfig(f));
      const cli = spawnLogin(["models", "auth", "login", "--provider", "acme", "--method", "device-code"], h, {});
      cli.child.stdin.end();
      const result = await cli.done;
      assert.equal(result.code, 1);
      assert.match(result.stderr, message);
      assert.equal(existsSync(h.storePath), false);
    });
  }
});

/** Runs a paste login on a remote host, answering with what `answer` makes of the browser's redirect. */
async function pasteLogin(h: TempHome, args: string[], answer: (redirect: URL) => string | Promise<string>, env: Record<string, string> = REMOTE): Promise<CliResult> {
  const cli = spawnLogin(["models", "auth", "login", ...args], h, env);
  const [, url] = await cli.waitFor(AUTHORIZE_URL);
  cli.child.stdin.end(`${await answer(new URL(await authorize(url!)))}\n`);
  return cli.done;
}

test("errors: state mismatch and access_denied in a pasted URL, and a denied browser callback; nothing written", async () => {
  const f = await fake();
  await inTempHome(async (h) => {
    writeJson(h.configPath, customConfig(f));
    const before = readJson(h.configPath);
    const mismatch = await pasteLogin(h, ["--provider", "acme"], (r) => {
      r.searchParams.set("state", "not-the-state");
      return r.toString();
    });
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /State mismatch/);
    const denied = await pasteLogin(h, ["--provider", "acme"], (r) => `${r.origin}${r.pathname}?error=access_denied&state=${r.searchParams.get("state")}`);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /acme login cancelled/);
    // The browser comes back to the loopback callback with an error.
    const cli = spawnLogin(["models", "auth", "login", "--provider", "acme"], h, LOCAL);
    const [, url] = await cli.waitFor(AUTHORIZE_URL);
    const redirect = new URL(await authorize(url!));
    const page = await fetch(`${redirect.origin}${redirect.pathname}?error=access_denied&state=${redirect.searchParams.get("state")}`);
    assert.equal(page.status, 400);
    const viaCallback = await cli.done;
    cli.child.stdin.end();
    assert.equal(viaCallback.code, 1);
    assert.match(viaCallback.stderr, /acme login cancelled/);
    assert.equal(existsSync(h.storePath), false);
    assert.deepEqual(readJson(h.configPath), before);
  });
});

test("errors: unknown provider lists the OAuth providers; no TTY and nothing piped; bad --method", async () => {
  const f = await fake();
  await inTempHome(async (h) => {
    writeJson(h.configPath, customConfig(f));
    const unknown = spawnLogin(["models", "auth", "login", "--provider", "nope"], h, {});
    unknown.child.stdin.end();
    const u = await unknown.done;
    assert.equal(u.code, 1);
    assert.match(u.stderr, /No OAuth login for provider "nope"\. Providers with OAuth: openai-codex, github-copilot, acme\./);
    const empty = spawnLogin(["models", "auth", "login", "--provider", "acme"], h, REMOTE);
    empty.child.stdin.end();
    const e = await empty.done;
    assert.equal(e.code, 1);
    assert.match(e.stderr, /models auth login requires an interactive TTY \(or pipe the redirect URL \/ code on stdin\)\./);
    const method = spawnLogin(["models", "auth", "login", "--provider", "acme", "--method", "magic"], h, {});
    method.child.stdin.end();
    const m = await method.done;
    assert.equal(m.code, 1);
    assert.match(m.stderr, /Unknown auth method "magic"/);
    assert.equal(existsSync(h.storePath), false);
  });
});

test("an existing profile is not replaced without --force when there is no terminal", async () => {
  const f = await fake();
  await inTempHome(async (h) => {
    writeJson(h.configPath, customConfig(f));
    const first = await pasteLogin(h, ["--provider", "acme"], (r) => r.toString());
    assert.equal(first.code, 0, first.stderr);
    const stored = readJson(h.storePath);
    const refused = await pasteLogin(h, ["--provider", "acme"], (r) => r.toString());
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Auth profile acme:user@example\.com already exists; nothing was stored\./);
    assert.match(refused.stderr, /--force/);
    assert.deepEqual(readJson(h.storePath), stored);
    const forced = await pasteLogin(h, ["--provider", "acme", "--force"], (r) => r.toString());
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readJson(h.storePath).profiles["acme:user@example.com"].access, stored.profiles["acme:user@example.com"].access);
  });
});

test("openai-codex: a token without an account id is refused and nothing is written", async () => {
  const f = await fake({ clientId: OPENAI_CODEX_CLIENT_ID, accessClaims: { sub: "someone" } });
  await inTempHome(async (h) => {
    writeJson(h.configPath, codexConfig(f));
    const before = readJson(h.configPath);
    const result = await pasteLogin(h, ["--provider", "openai-codex"], (r) => r.toString());
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Failed to extract accountId from token/);
    assert.equal(existsSync(h.storePath), false);
    assert.deepEqual(readJson(h.configPath), before);
  });
});

test("--agent stores the login in that agent's store; --profile-id names it; no email → <provider>:default", async () => {
  const f = await fake({ idTokenEmail: null });
  await inTempHome(async (h) => {
    writeJson(h.configPath, { ...customConfig(f), agents: { list: [{ id: "main", default: true }, { id: "work" }] } });
    const named = await pasteLogin(h, ["--provider", "acme", "--agent", "work", "--profile-id", "acme:team"], (r) => r.toString());
    assert.equal(named.code, 0, named.stderr);
    const workStore = join(h.stateDir, "agents", "work", "agent", "auth-profiles.json");
    assert.equal(readJson(workStore).profiles["acme:team"].type, "oauth");
    assert.equal(existsSync(h.storePath), false, "the main agent's store is untouched");
    assert.equal(statSync(workStore).mode & 0o777, 0o600);
    const plain = await pasteLogin(h, ["--provider", "acme"], (r) => r.toString());
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(readJson(h.storePath).profiles["acme:default"]);
    const wrongId = spawnLogin(["models", "auth", "login", "--provider", "acme", "--profile-id", "openai:x"], h, REMOTE);
    wrongId.child.stdin.end();
    const w = await wrongId.done;
    assert.equal(w.code, 1);
    assert.match(w.stderr, /is for openai, not acme/);
    assert.doesNotMatch(w.stdout, /authorize/, "a bad profile id fails before the browser step");
  });
});

test("OpenClaw 2026.9 state (SQLite): the login lands in the shared store, the other profiles stay", async () => {
  const f = await fake();
  await inFixture2026(async (fx) => {
    const config = fx.config();
    config.models = { ...config.models, providers: { ...config.models?.providers, ...customConfig(f).models.providers } };
    writeJson(fx.configPath, config);
    const before = fx.sharedStore();
    const result = await pasteLogin(fx, ["--provider", "acme"], (r) => r.toString());
    assert.equal(result.code, 0, result.stderr);
    const store = fx.sharedStore();
    assert.equal(store.profiles["acme:user@example.com"].type, "oauth");
    for (const id of Object.keys(before.profiles)) assert.deepEqual(store.profiles[id], before.profiles[id]);
    assert.equal(fx.config().auth.profiles["acme:user@example.com"].mode, "oauth");
    assert.match(result.stdout, /Stored in .*openclaw\.sqlite/);
    const secrets = [store.profiles["acme:user@example.com"].access, store.profiles["acme:user@example.com"].refresh];
    assertNoSecrets([result.stdout, result.stderr], [...secrets, ...fx.secrets]);
  });
});

test("a callback port in use: the login says so and goes on with the paste", async () => {
  const f = await fake();
  const { createServer } = await import("node:net");
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await inTempHome(async (h) => {
      writeJson(h.configPath, customConfig(f, "acme", { callbackPort: port }));
      const result = await pasteLogin(h, ["--provider", "acme"], (r) => {
        assert.equal(r.port, String(port), "the redirect still names the configured port");
        return r.toString();
      }, LOCAL);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`Could not listen on http://127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\); paste the redirect URL instead\\.`));
      assert.ok(readJson(h.storePath).profiles["acme:user@example.com"]);
    });
  } finally {
    blocker.close();
  }
});
