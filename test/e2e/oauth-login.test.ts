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
import { assertNoSecrets, CLI, cliEnv, makeHome, readJson, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";
import { startFakeOAuthServer, type FakeOAuthOptions } from "../helpers/fake-oauth-server.ts";

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

async function withHome(fn: (h: TempHome) => Promise<void>): Promise<void> {
  const h = makeHome();
  try {
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test("openai-codex: the browser's redirect reaches the loopback callback; profile, modes, metadata, no token in output", async () => {
  const f = await fake({ clientId: OPENAI_CODEX_CLIENT_ID });
  await withHome(async (h) => {
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
    await withHome(async (h) => {
      writeJson(h.configPath, customConfig(f));
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
      assert.ok("acme/acme-large" in config.agents.defaults.models);
      assert.match(result.stdout, /Default model set to acme\/acme-large/);
      assertNoSecrets([result.stdout, result.stderr], [...storedSecrets(h), redirect.searchParams.get("code")!]);
    });
  });
}
