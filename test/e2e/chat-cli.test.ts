// `openclaw chat` end to end: the built CLI against the real gateway (over its
// WebSocket) and fake upstreams on 127.0.0.1; piped and on a pseudo-terminal.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { assertNoSecrets, cliEnv, makeHome, runCli, writeJson } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, waitFor, type GatewayWorld } from "../helpers/gateway.ts";
import { openaiError } from "../helpers/fake-upstream.ts";
import { KEY, ptyUnavailableReason, spawnCliPty } from "../helpers/pty.ts";

const OPENAI_KEY = "sk-proj-" + "C".repeat(60);
const ANTHROPIC_KEY = "sk-ant-api03-" + "H".repeat(90);
const WRONG_TOKEN = "wrong-token-" + "Q".repeat(30);
const SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, GATEWAY_TOKEN, WRONG_TOKEN];
const seen: string[] = [];

let world: GatewayWorld;
let env: Record<string, string>;

before(async () => {
  world = await startWorld({
    store: { version: 1, profiles: { "openai:default": apiKeyProfile("openai", OPENAI_KEY), "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY) } },
    config: { agents: { defaults: { model: { primary: "openai/gpt-5.2" } } } },
  });
  env = { OPENCLAW_GATEWAY_URL: world.gateway.url, OPENCLAW_GATEWAY_TOKEN: GATEWAY_TOKEN };
});

after(async () => {
  const output = await world.close();
  assertNoSecrets([...seen, output.stdout, output.stderr], SECRETS);
});

async function chat(args: string[], stdin: string, extraEnv: Record<string, string | undefined> = env) {
  const result = await runCli(["chat", ...args], { home: world.home.home, stdin, env: extraEnv });
  seen.push(result.stdout, result.stderr);
  return result;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("openclaw chat, piped", () => {
  test("two lines → two replies, one per line, the conversation sent with the second; exit 0", async () => {
    const mark = world.openai.requests.length;
    const result = await chat([], "hello there\n\nand again\n");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Hello from the openai fake: hello there\nHello from the openai fake: and again\n");
    assert.equal(result.stderr, "");
    const requests = world.openai.requests.slice(mark);
    assert.equal(requests.length, 2);
    assert.deepEqual(requests[1]!.body.messages, [
      { role: "user", content: "hello there" },
      { role: "assistant", content: "Hello from the openai fake: hello there" },
      { role: "user", content: "and again" },
    ]);
    assert.ok(requests.every((request) => request.body.stream === true));
  });

  test("--model and --session; the turns show in the gateway's request log", async () => {
    const result = await chat(["--model", "anthropic/claude-opus-4-6", "--session", "my-session"], "bonjour\n");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Hello from the anthropic fake: bonjour\n");
    await waitFor("the turn in the request log", () => /POST \/v1\/chat\/completions 200 .*model=anthropic\/claude-opus-4-6/.test(world.gateway.output().stdout));
  });

  test("--url takes http://, ws:// or host:port; the config's port and token are used when nothing else says", async () => {
    const port = new URL(world.gateway.url).port;
    for (const url of [world.gateway.url, `ws://127.0.0.1:${port}/ws`, `127.0.0.1:${port}`]) {
      const result = await chat(["--url", url], "hi\n", { OPENCLAW_GATEWAY_TOKEN: GATEWAY_TOKEN });
      assert.equal(result.code, 0, `${url}: ${result.stderr}`);
      assert.equal(result.stdout, "Hello from the openai fake: hi\n");
    }
    // Another home whose config names the gateway's port and token.
    const home = makeHome();
    try {
      writeJson(home.configPath, { gateway: { port: Number(port), auth: { token: GATEWAY_TOKEN } } });
      const result = await runCli(["chat"], { home: home.home, stdin: "from config\n" });
      seen.push(result.stdout, result.stderr);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "Hello from the openai fake: from config\n");
    } finally {
      home.cleanup();
    }
  });

  test("slash commands go to the gateway and stay out of the conversation; /new clears it", async () => {
    const mark = world.anthropic.requests.length;
    const result = await chat(["--session", "cli-pick"], "/model anthropic/claude-opus-4-6\none\ntwo\n/new\nthree\n");
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.match(lines[0]!, /^Model set to anthropic\/claude-opus-4-6\./);
    assert.ok(result.stdout.includes("Hello from the anthropic fake: one\nHello from the anthropic fake: two\n"), result.stdout);
    assert.match(result.stdout, /New session started/);
    assert.ok(result.stdout.endsWith("Hello from the anthropic fake: three\n"), result.stdout);
    const sent = world.anthropic.requests.slice(mark).map((request) => request.body.messages.map((m: any) => (typeof m.content === "string" ? m.content : m.content[0].text)));
    assert.deepEqual(sent, [["one"], ["one", "Hello from the anthropic fake: one", "two"], ["three"]]);
  });

  test("a failing turn → its error and status on stderr, exit 1", async () => {
    world.openai.script(OPENAI_KEY, { status: 400, body: openaiError("Unsupported parameter: everything") }, {});
    const result = await chat([], "break\nfine\n");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: Unsupported parameter: everything \(HTTP 400\)$/m);
    assert.equal(result.stdout, "Hello from the openai fake: fine\n", "the next line is still answered");
  });

  test("an unreachable gateway → exit 1 with what to do", async () => {
    const result = await chat([], "hello\n", { OPENCLAW_GATEWAY_URL: `http://127.0.0.1:${await closedPort()}`, OPENCLAW_GATEWAY_TOKEN: GATEWAY_TOKEN });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Error: Cannot reach the gateway at ws:\/\/127\.0\.0\.1:\d+\/ws \(ECONNREFUSED\)\.$/m);
    assert.match(result.stderr, /openclaw gateway/);
  });

  test("a wrong token → exit 1, the token never printed", async () => {
    const result = await chat(["--token", WRONG_TOKEN], "hello\n", { OPENCLAW_GATEWAY_URL: world.gateway.url });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Error: The gateway refused the token/m);
    assert.match(result.stderr, /openclaw gateway token/);
  });

  test("no token anywhere → exit 1 saying where one comes from", async () => {
    const result = await chat([], "hello\n", { OPENCLAW_GATEWAY_URL: world.gateway.url });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: No gateway token to connect with\./m);
  });

  test("bad flags → usage errors", async () => {
    const session = await chat(["--session", "has\ttab"], "");
    assert.equal(session.code, 1);
    assert.match(session.stderr, /Invalid --session/);
    const url = await chat(["--url", "ftp://x"], "");
    assert.equal(url.code, 1);
    assert.match(url.stderr, /Invalid gateway URL/);
  });
});

describe("openclaw chat on a terminal", () => {
  const unavailable = ptyUnavailableReason();

  test("prompt, streamed reply with what served it, Ctrl-C cancels a running reply, /exit leaves", async (t) => {
    if (unavailable) return t.skip(unavailable);
    const session = spawnCliPty(["chat"], { env: cliEnv(world.home.home, env), cwd: world.home.home, timeoutMs: 20_000 });
    try {
      await session.waitFor(/Connected to ws:\/\/127\.0\.0\.1:\d+\/ws .*session cli-[0-9a-f]+/);
      await session.waitFor(/you› /);
      await session.send(`first message${KEY.enter}`);
      await session.waitFor(/Hello from the openai fake: first message\n\(openai\/gpt-5\.2 · openai:default\)/);

      world.openai.script(OPENAI_KEY, { hang: true });
      const from = session.text.length;
      await session.send(`slow one${KEY.enter}`);
      await waitFor("the hanging turn upstream", () => world.openai.requests.at(-1)?.body.messages.at(-1)?.content === "slow one");
      await session.press(KEY.ctrlC);
      await session.waitFor(/Error: Cancelled\./, 8000, from);
      world.openai.script(OPENAI_KEY, {});
      await session.waitFor(/you› /, 8000, from);

      await session.send(`/exit${KEY.enter}`);
      const result = await session.exit();
      seen.push(result.text);
      assert.equal(result.code, 0, result.text);
    } finally {
      session.kill();
    }
  });
});
