// The interactive paths, on a real pseudo-terminal (util-linux `script`):
// hidden secret prompts, the setup-token dialogue with a fake `claude`, the
// `models auth add` picker and logout's confirmation.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertNoSecrets, cliEnv, makeHome, readJson, writeJson, type TempHome } from "../helpers/cli.ts";
import { KEY, ptyUnavailableReason, spawnCliPty, type PtyResult, type PtySession } from "../helpers/pty.ts";

const UNAVAILABLE = ptyUnavailableReason();
/** Per test: generous for a loaded machine, but bounded. */
const TEST_TIMEOUT = 20_000;

interface TtyHome extends TempHome {
  /** The only directory on the command's PATH (empty unless a test puts a fake program there). */
  bin: string;
}

/** Skips (with the reason) when there is no `script`; otherwise runs `fn` with a fresh home, always cleaned up. */
async function withTty(t: TestContext, fn: (h: TtyHome) => Promise<void>): Promise<void> {
  if (UNAVAILABLE) {
    t.skip(UNAVAILABLE);
    return;
  }
  const h = makeHome();
  const bin = join(h.home, "bin");
  mkdirSync(bin);
  try {
    await fn({ ...h, bin });
  } finally {
    h.cleanup();
  }
}

function start(h: TtyHome, args: string[]): PtySession {
  const env = cliEnv(h.home, { TERM: "xterm", NO_COLOR: "1", SHELL: "/bin/sh", PATH: h.bin });
  return spawnCliPty(args, { env, cwd: h.home, timeoutMs: 15_000 });
}

/** Waits for the end; on failure the message carries the transcript. */
async function finish(session: PtySession): Promise<PtyResult> {
  const result = await session.exit();
  assert.equal(result.timedOut, false, `the session timed out\n${result.text}`);
  return result;
}

function assertExit(result: PtyResult, code: number): void {
  assert.equal(result.code, code, `exit code ${result.code}, expected ${code}\n----- transcript -----\n${result.text}`);
}

const randomText = (length: number) => randomBytes(length).toString("base64url").slice(0, length);
const setupToken = () => "sk-ant-oat01-" + randomText(90);

/** A pattern that matches `text` exactly. */
const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

function fileText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

test("paste-token on a TTY: hidden prompt, Required on empty, token stored and never shown", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const token = "sk-or-v1-" + randomBytes(32).toString("hex");
    const session = start(h, ["models", "auth", "paste-token", "--provider", "openrouter"]);
    await session.waitFor(/Paste token for openrouter/);
    // An empty answer is refused in place.
    const mark = session.text.length;
    await session.send(KEY.enter);
    await session.waitFor(/Required/, 8_000, mark);
    await session.send(token);
    await session.send(KEY.enter);
    const result = await finish(session);
    assertExit(result, 0);
    assert.match(result.text, /Updated ~\/\.openclaw\/openclaw\.json/);
    assert.match(result.text, /Auth profile: openrouter:manual \(openrouter\/token\)/);
    assertNoSecrets([result.raw, result.text], [token]);

    const store = readJson(h.storePath);
    assert.deepEqual(store.profiles["openrouter:manual"], { type: "token", provider: "openrouter", token });
    assert.deepEqual(readJson(h.configPath).auth.profiles["openrouter:manual"], { provider: "openrouter", mode: "token" });
  });
});

test("paste-token on a TTY: a space inside is refused in place; `Bearer <token>` is stored without the prefix", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const token = "sk-or-v1-" + randomBytes(32).toString("hex");
    const broken = `${token.slice(0, 20)} ${token.slice(20)}`;
    const session = start(h, ["models", "auth", "paste-token", "--provider", "openrouter"]);
    await session.waitFor(/Paste token for openrouter/);
    let mark = session.text.length;
    await session.send(broken);
    await session.send(KEY.enter);
    await session.waitFor(/The token contains a space: paste only the token, as one piece\./, 8_000, mark);
    await session.send(KEY.backspace.repeat(broken.length), 5);
    mark = session.text.length;
    await session.send(`Bearer ${token}`);
    await session.send(KEY.enter);
    const result = await finish(session);
    assertExit(result, 0);
    assert.match(result.text.slice(mark), /Note: removed the `Bearer ` prefix/);
    assert.deepEqual(readJson(h.storePath).profiles["openrouter:manual"], { type: "token", provider: "openrouter", token });
    assertNoSecrets([result.raw, result.text], [token, token.slice(20)]);
  });
});

test("setup-token with claude on PATH: runs it, validates the paste, stores a token without expiry", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const argsFile = join(h.home, "claude-args.txt");
    writeFileSync(
      join(h.bin, "claude"),
      `#!/bin/sh\nprintf '%s\\n' "$*" > '${argsFile}'\necho "fake claude: token is ready"\nexit 0\n`,
      { mode: 0o755 },
    );
    // An older anthropic:manual with an expiry: setup-token replaces it and drops the expiry.
    const oldToken = setupToken();
    writeJson(h.storePath, {
      version: 1,
      profiles: { "anthropic:manual": { type: "token", provider: "anthropic", token: oldToken, expires: Date.now() + 86_400_000 } },
    });
    const invalid = "sk-ant-api03-" + randomText(90);
    const token = setupToken();

    const session = start(h, ["models", "auth", "setup-token"]);
    await session.waitFor(/Run `claude setup-token` now/);
    await session.send(KEY.enter); // default: yes
    await session.waitFor(/fake claude: token is ready/);
    await session.waitFor(/Paste Anthropic setup-token/);

    let mark = session.text.length;
    await session.send(invalid);
    await session.send(KEY.enter);
    await session.waitFor(/Expected token starting with sk-ant-oat01-/, 8_000, mark);
    // The refused value stays in the field: erase it, then paste the right one.
    await session.send(KEY.backspace.repeat(invalid.length), 5);
    mark = session.text.length;
    await session.send(token);
    await session.send(KEY.enter);
    await session.waitFor(/Auth profile: anthropic:manual \(anthropic\/token\)/, 8_000, mark);
    const result = await finish(session);
    assertExit(result, 0);

    const text = result.text;
    const asked = text.indexOf("Run `claude setup-token` now");
    const ran = text.indexOf("fake claude: token is ready");
    const prompted = text.indexOf("Paste Anthropic setup-token");
    assert.ok(asked >= 0 && asked < ran && ran < prompted, `expected question, then claude's output, then the paste prompt\n${text}`);
    assert.equal(readFileSync(argsFile, "utf8").trim(), "setup-token", "claude must be run as `claude setup-token`");
    assertNoSecrets([result.raw, text], [token, invalid, oldToken]);

    const store = readJson(h.storePath);
    assert.deepEqual(store.profiles["anthropic:manual"], { type: "token", provider: "anthropic", token });
    assert.equal("expires" in store.profiles["anthropic:manual"], false);
    assert.deepEqual(readJson(h.configPath).auth.profiles["anthropic:manual"], { provider: "anthropic", mode: "token" });
  });
});

test("setup-token without claude: answering no to 'Have you run claude setup-token' writes nothing", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const session = start(h, ["models", "auth", "setup-token"]);
    await session.waitFor(/Have you run `claude setup-token` and copied the token\?/);
    await session.send("n");
    const result = await finish(session);
    assertExit(result, 0);
    assert.ok(!result.text.includes("Run `claude setup-token` now"), `offered to run a claude that is not on PATH\n${result.text}`);
    assert.ok(!result.text.includes("Paste Anthropic setup-token"), `asked for the token after "no"\n${result.text}`);
    assert.equal(existsSync(h.storePath), false, "auth-profiles.json was written");
    assert.equal(existsSync(h.configPath), false, "openclaw.json was written");
  });
});

test("models auth add: pick openai, API key, default profile id, paste key -> openai:default", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const key = "sk-proj-" + randomText(64);
    const session = start(h, ["models", "auth", "add"]);
    await session.waitFor(/Token provider/);
    await session.waitFor(/anthropic[\s\S]*openai[\s\S]*openrouter/);
    await session.press(KEY.down); // anthropic -> openai
    let mark = session.text.length;
    await session.send(KEY.enter);
    await session.waitFor(/Token method/, 8_000, mark);
    assert.match(session.text.slice(mark), /Token provider\s*\n│\s+openai\b/, "the picked provider should be openai");
    await session.waitFor(/API key/, 8_000, mark);
    mark = session.text.length;
    await session.send(KEY.enter); // first method: API key
    await session.waitFor(/Profile id/, 8_000, mark);
    await session.waitFor(/openai:default/, 8_000, mark);
    mark = session.text.length;
    await session.send(KEY.enter); // accept the default id
    await session.waitFor(/Paste API key for openai/, 8_000, mark);
    await session.send(key);
    await session.send(KEY.enter);
    const result = await finish(session);
    assertExit(result, 0);
    assert.match(result.text, /Auth profile: openai:default \(openai\/api_key\)/);
    assertNoSecrets([result.raw, result.text], [key]);

    const store = readJson(h.storePath);
    assert.deepEqual(Object.keys(store.profiles), ["openai:default"]);
    assert.deepEqual(store.profiles["openai:default"], { type: "api_key", provider: "openai", key });
    assert.deepEqual(readJson(h.configPath).auth.profiles["openai:default"], { provider: "openai", mode: "api_key" });
  });
});

test("models auth add: Ctrl-C at the first question stops without writing", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const session = start(h, ["models", "auth", "add"]);
    await session.waitFor(/Token provider/);
    await session.send(KEY.ctrlC);
    const result = await finish(session);
    assert.notEqual(result.code, 0, `Ctrl-C reported success\n${result.text}`);
    assert.match(result.text, /Cancelled; nothing was changed\./);
    assert.equal(existsSync(h.stateDir), false, "~/.openclaw was created");
  });
});

test("models auth add asks before replacing a stored profile; no (the default) writes nothing, yes replaces", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const old = "sk-proj-" + randomText(64);
    writeJson(h.storePath, { version: 1, profiles: { "openai:default": { type: "api_key", provider: "openai", key: old } } });
    const store = fileText(h.storePath);
    /** Picks openai, API key, the default id, and waits for the question. */
    const reachQuestion = async () => {
      const session = start(h, ["models", "auth", "add"]);
      await session.waitFor(/Token provider/);
      await session.waitFor(/openrouter/);
      await session.press(KEY.down);
      let mark = session.text.length;
      await session.send(KEY.enter);
      await session.waitFor(/Token method/, 8_000, mark);
      mark = session.text.length;
      await session.send(KEY.enter);
      await session.waitFor(/Profile id/, 8_000, mark);
      mark = session.text.length;
      await session.send(KEY.enter);
      const masked = `${old.slice(0, 8)}...${old.slice(-8)}`;
      await session.waitFor(literal(`Profile openai:default already exists (${masked}, api_key). Replace it?`), 8_000, mark);
      return session;
    };

    const declined = await reachQuestion();
    await declined.send(KEY.enter); // default: no
    const no = await finish(declined);
    assertExit(no, 0);
    assert.match(no.text, /Nothing changed\./);
    assert.ok(!no.text.includes("Paste API key"), `asked for a key after "no"\n${no.text}`);
    assert.equal(fileText(h.storePath), store, "the store changed although the user said no");
    assert.equal(existsSync(h.configPath), false, "openclaw.json was written although the user said no");
    assertNoSecrets([no.raw], [old]);

    const key = "sk-proj-" + randomText(64);
    const accepted = await reachQuestion();
    await accepted.send("y");
    await accepted.waitFor(/Paste API key for openai/);
    await accepted.send(key);
    await accepted.send(KEY.enter);
    const yes = await finish(accepted);
    assertExit(yes, 0);
    assert.match(yes.text, /Auth profile: openai:default \(openai\/api_key\) \(replaced the previous credential\)/);
    assert.deepEqual(readJson(h.storePath).profiles["openai:default"], { type: "api_key", provider: "openai", key });
    assertNoSecrets([yes.raw], [old, key]);
  });
});

test("models auth add: a typed provider id close to a known one offers the known one", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const key = "sk-ant-api03-" + randomText(90);
    const session = start(h, ["models", "auth", "add"]);
    await session.waitFor(/custom \(type provider id\)/);
    await session.press(KEY.up); // wraps around to the last option: custom
    let mark = session.text.length;
    await session.send(KEY.enter);
    await session.waitFor(/Provider id/, 8_000, mark);
    await session.send("antrhopic");
    mark = session.text.length;
    await session.send(KEY.enter);
    await session.waitFor(/Unknown provider "antrhopic"\. Did you mean:/, 8_000, mark);
    await session.waitFor(/antrhopic \(keep it as typed\)/, 8_000, mark);
    mark = session.text.length;
    await session.send(KEY.enter); // the first option: anthropic
    await session.waitFor(/Token method/, 8_000, mark);
    mark = session.text.length;
    await session.send(KEY.enter); // API key
    await session.waitFor(/anthropic:default/, 8_000, mark);
    mark = session.text.length;
    await session.send(KEY.enter);
    await session.waitFor(/Paste API key for anthropic/, 8_000, mark);
    await session.send(key);
    await session.send(KEY.enter);
    const result = await finish(session);
    assertExit(result, 0);
    assert.deepEqual(Object.keys(readJson(h.storePath).profiles), ["anthropic:default"]);
    assertNoSecrets([result.raw], [key]);
  });
});

test("gateway token on a terminal shows the token masked, never whole, and how to get it into a variable", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const token = randomText(43);
    writeJson(h.configPath, { gateway: { auth: { token } } });
    const result = await finish(start(h, ["gateway", "token"]));
    assertExit(result, 0);
    assert.match(result.text, literal(`Gateway token: ${token.slice(0, 5)}...${token.slice(-5)} (gateway.auth.token in ~/.openclaw/openclaw.json)`));
    assert.match(result.text, /Print it into a variable with: TOKEN=\$\(openclaw gateway token\)/);
    assertNoSecrets([result.raw, result.text], [token]);
    assert.ok(!result.raw.includes(token.slice(5, -5)), "the middle of the token was shown");
  });
});

/** A store and config holding `openrouter:default`. */
function seedOpenrouter(h: TtyHome): string {
  const key = "sk-or-v1-" + randomBytes(32).toString("hex");
  writeJson(h.storePath, { version: 1, profiles: { "openrouter:default": { type: "api_key", provider: "openrouter", key } } });
  writeJson(h.configPath, { auth: { profiles: { "openrouter:default": { provider: "openrouter", mode: "api_key" } } } });
  return key;
}

test("logout on a TTY asks first; answering no (or just Enter) changes nothing", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const key = seedOpenrouter(h);
    const store = fileText(h.storePath);
    const config = fileText(h.configPath);
    for (const answer of ["n", KEY.enter]) {
      const session = start(h, ["models", "auth", "logout", "openrouter:default"]);
      await session.waitFor(/Remove auth profile openrouter:default\?/);
      await session.send(answer);
      const result = await finish(session);
      // Saying no is an answer, not a failure.
      assert.equal(result.code, 0, result.text);
      assert.match(result.text, /Nothing changed\./);
      assert.ok(!result.text.includes("Removed auth profile"), result.text);
      assertNoSecrets([result.raw], [key]);
      assert.equal(fileText(h.storePath), store, "the store changed although the user said no");
      assert.equal(fileText(h.configPath), config, "the config changed although the user said no");
    }
  });
});

test("logout on a TTY: 'y' removes; --yes removes without asking", { timeout: TEST_TIMEOUT }, async (t) => {
  await withTty(t, async (h) => {
    const key = seedOpenrouter(h);
    const asked = start(h, ["models", "auth", "logout", "openrouter:default"]);
    await asked.waitFor(/Remove auth profile openrouter:default\?/);
    await asked.send("y");
    const yes = await finish(asked);
    assertExit(yes, 0);
    assert.match(yes.text, /Removed auth profile openrouter:default\./);
    assert.equal("openrouter:default" in readJson(h.storePath).profiles, false);
    assertNoSecrets([yes.raw], [key]);

    seedOpenrouter(h);
    const session = start(h, ["models", "auth", "logout", "openrouter:default", "--yes"]);
    const result = await finish(session);
    assertExit(result, 0);
    assert.ok(!result.text.includes("Remove auth profile openrouter:default?"), `--yes still asked\n${result.text}`);
    assert.match(result.text, /Updated ~\/\.openclaw\/openclaw\.json/);
    assert.match(result.text, /Removed auth profile openrouter:default\./);
    assert.deepEqual(readJson(h.storePath).profiles, {});
    assert.equal(readJson(h.configPath).auth?.profiles?.["openrouter:default"], undefined);
  });
});
