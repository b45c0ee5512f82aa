// Live reload in the real gateway (issue 3 "Live reload"; DESIGN §4.3–4.4):
// changes to auth-profiles.json, openclaw.json and ~/.openclaw/.env, by the CLI
// or by hand, apply to the very next request without a restart; a broken file
// keeps the last good version serving and shows in /health; SIGTERM lets an
// in-flight request finish and flushes usage stats before exiting 0.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets, readJson, runCli, writeJson } from "../helpers/cli.ts";
import type { FakeProvider } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, health as healthReport, startWorld, usageWritten, waitFor, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-reloadA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-reloadB-" + "2".repeat(40);
const PASTED_1 = "sk-ant-api03-" + "p".repeat(40) + "-pasted1-" + "3".repeat(40);
const PASTED_2 = "sk-ant-api03-" + "q".repeat(40) + "-pasted2-" + "4".repeat(40);
const DOTENV_1 = "sk-ant-api03-" + "d".repeat(40) + "-dotenv1-" + "5".repeat(40);
const DOTENV_2 = "sk-ant-api03-" + "e".repeat(40) + "-dotenv-two-" + "6".repeat(44);
const FIXED_KEY = "sk-ant-api03-" + "f".repeat(40) + "-fixed-" + "7".repeat(40);
const SECRETS = [KEY_A, KEY_B, PASTED_1, PASTED_2, DOTENV_1, DOTENV_2, FIXED_KEY, GATEWAY_TOKEN];

const OPUS = "claude-opus-4-6";
const gatewayOutput: string[] = [];
const clientVisible: string[] = [];

after(() => {
  assertNoSecrets(gatewayOutput, SECRETS);
  assertNoSecrets(clientVisible, SECRETS);
});

async function closeWorld(world: GatewayWorld | undefined): Promise<void> {
  if (!world) return;
  const output = await world.close();
  gatewayOutput.push(output.stdout, output.stderr);
}

function anthropicClient(world: GatewayWorld): Anthropic {
  return new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
}

function openaiClient(world: GatewayWorld): OpenAI {
  return new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
}

/** One request through the gateway; returns the credential and the model id the fake upstream saw. */
async function ask(world: GatewayWorld, model = `anthropic/${OPUS}`, text = "hi"): Promise<{ credential: string | undefined; model: string; reply: string }> {
  const mark = world.anthropic.requests.length;
  const message = await anthropicClient(world).messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: text }] });
  const seen = world.anthropic.requests.slice(mark);
  assert.equal(seen.length, 1, "exactly one upstream call");
  const reply = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  return { credential: seen[0]!.credential, model: seen[0]!.body.model, reply };
}

function lastCredential(fake: FakeProvider): string | undefined {
  return fake.requests.at(-1)?.credential;
}

async function health(world: GatewayWorld): Promise<{ ok: boolean; problems: { message: string }[] }> {
  const response = await fetch(`${world.gateway.url}/health`);
  assert.equal(response.status, 200);
  const text = await response.text();
  clientVisible.push(text);
  return JSON.parse(text);
}

async function cli(world: GatewayWorld, args: string[], stdin?: string): Promise<void> {
  const result = await runCli(args, { home: world.home.home, ...(stdin !== undefined ? { stdin } : {}) });
  clientVisible.push(result.stdout, result.stderr);
  assert.equal(result.code, 0, `openclaw ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
}


describe("CLI changes apply to the very next request", () => {
  let world: GatewayWorld;
  after(() => closeWorld(world));

  test("paste-api-key while the gateway runs: the next request uses the new key (first a new credential, then a replaced one)", async () => {
    world = await startWorld({ config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } } });
    // No anthropic credential yet: the gateway says how to add one.
    const none = await fetch(`${world.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: [{ role: "user", content: "x" }] }),
    });
    const noneBody = await none.text();
    clientVisible.push(noneBody);
    // Not retryable: only the user can fix it, and the answer says how.
    assert.equal(none.status, 401, noneBody);
    assert.equal(JSON.parse(noneBody).error.type, "authentication_error");
    assert.match(noneBody, /paste-api-key --provider anthropic/);
    assert.equal(world.anthropic.requests.length, 0);

    await cli(world, ["models", "auth", "paste-api-key", "--provider", "anthropic"], `${PASTED_1}\n`);
    const first = await ask(world, undefined, "after paste");
    assert.equal(first.credential, PASTED_1);
    assert.equal(first.reply, "Hello from the anthropic fake: after paste");

    await cli(world, ["models", "auth", "paste-api-key", "--provider", "anthropic"], `${PASTED_2}\n`);
    const writes = (await healthReport(world)).usage.writes;
    assert.equal((await ask(world)).credential, PASTED_2);
    // Usage stats written by the gateway meanwhile do not bring the old key back.
    await usageWritten(world, writes);
    assert.equal((await ask(world)).credential, PASTED_2);
    assert.equal(readJson(world.home.storePath).profiles["anthropic:default"].key, PASTED_2);
  });
});

describe("order set / order clear apply to the very next request", () => {
  let world: GatewayWorld;
  after(() => closeWorld(world));

  test("order set b a → b; order clear → back to the config order (a)", async () => {
    world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } }, auth: { order: { anthropic: ["anthropic:a", "anthropic:b"] } } },
    });
    assert.equal((await ask(world)).credential, KEY_A);
    assert.equal((await ask(world)).credential, KEY_A, "the config order is explicit: no round-robin");

    await cli(world, ["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:b", "anthropic:a"]);
    assert.deepEqual(readJson(world.home.storePath).order, { anthropic: ["anthropic:b", "anthropic:a"] });
    assert.equal((await ask(world)).credential, KEY_B);
    assert.equal((await ask(world)).credential, KEY_B);
    // Make a the most recently used, so that only the config order (not round-robin) picks it after the clear.
    assert.equal((await ask(world, `anthropic/${OPUS}@anthropic:a`)).credential, KEY_A);

    await cli(world, ["models", "auth", "order", "clear", "--provider", "anthropic"]);
    const writes = (await healthReport(world)).usage.writes;
    assert.equal((await ask(world)).credential, KEY_A);
    assert.equal((await ask(world)).credential, KEY_A);

    // And the gateway's background writes kept the CLI's change (no order resurrected on disk).
    await usageWritten(world, writes);
    const store = readJson(world.home.storePath);
    assert.equal(store.order?.anthropic, undefined);
    assert.ok(store.usageStats["anthropic:a"].lastUsed > store.usageStats["anthropic:b"].lastUsed);
  });
});

describe("hand edits of ~/.openclaw/.env and openclaw.json apply to the very next request", () => {
  let world: GatewayWorld;
  after(() => closeWorld(world));

  test("ANTHROPIC_API_KEY in ~/.openclaw/.env, edited by hand", async () => {
    world = await startWorld({ config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } } });
    const dotenv = join(world.home.stateDir, ".env");
    writeFileSync(dotenv, `# provider keys\nANTHROPIC_API_KEY=${DOTENV_1}\n`, { mode: 0o600 });
    assert.equal((await ask(world)).credential, DOTENV_1);
    writeFileSync(dotenv, `# provider keys\nANTHROPIC_API_KEY=${DOTENV_2}\n`, { mode: 0o600 });
    assert.equal((await ask(world)).credential, DOTENV_2);
  });

  test("openclaw.json edited by hand: a new alias, then a new default model", async () => {
    const before = await ask(world, "default");
    assert.equal(before.model, OPUS);
    const unknownAlias = await ask(world, "quick");
    assert.notEqual(unknownAlias.model, "claude-sonnet-4-6");

    const config = readJson(world.home.configPath);
    config.agents.defaults.models = { ...config.agents.defaults.models, "anthropic/claude-sonnet-4-6": { alias: "quick" } };
    writeJson(world.home.configPath, config);
    assert.equal((await ask(world, "quick")).model, "claude-sonnet-4-6");

    config.agents.defaults.model.primary = "anthropic/claude-haiku-4-5";
    writeJson(world.home.configPath, config);
    assert.equal((await ask(world, "default")).model, "claude-haiku-4-5");
    // The .env key still applies after a config reload.
    assert.equal(lastCredential(world.anthropic), DOTENV_2);
  });
});

describe("a broken auth-profiles.json: the last good version keeps serving", () => {
  let world: GatewayWorld;
  after(() => closeWorld(world));
  const BROKEN = '{\n  "version": 1,\n  "profiles": {\n    "anthropic:a": { "type": "api_key", "provider": "anthropic", "key": \n';

  test("requests are still served with the last good credentials, /health names the file; fixing it brings the new content", async () => {
    world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) } },
      config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
    });
    assert.equal((await ask(world)).credential, KEY_A);
    assert.equal((await health(world)).ok, true);

    writeFileSync(world.home.storePath, BROKEN, { mode: 0o600 });
    const served = await ask(world, undefined, "still here");
    assert.equal(served.credential, KEY_A);
    assert.equal(served.reply, "Hello from the anthropic fake: still here");
    assert.equal((await ask(world)).credential, KEY_A);

    const report = await health(world);
    assert.equal(report.ok, false);
    assert.ok(report.problems.length > 0);
    assert.match(report.problems.map((p) => p.message).join("\n"), /auth-profiles\.json/);
    await waitFor("a log line about the broken file", () => /auth-profiles\.json/.test(world.gateway.output().stderr + world.gateway.output().stdout));

    // The usage stats of those requests must not be written over the broken file (never treated as empty):
    // the gateway tried, said why it could not, and left the file alone.
    await waitFor("the usage write to be refused", async () => /auth-profiles\.json/.test((await healthReport(world)).usage.lastError ?? ""));
    assert.equal(readFileSync(world.home.storePath, "utf8"), BROKEN);

    writeJson(world.home.storePath, { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", FIXED_KEY) } });
    assert.equal((await ask(world, undefined, "fixed")).credential, FIXED_KEY);
    const fixed = await health(world);
    assert.equal(fixed.ok, true, JSON.stringify(fixed));
    assert.deepEqual(fixed.problems, []);
    // The fixed file is what the gateway keeps writing to.
    const store = await waitFor("usage stats in the fixed file", () => {
      const s = readJson(world.home.storePath);
      return s.usageStats?.["anthropic:a"]?.lastUsed ? s : undefined;
    });
    assert.equal(store.profiles["anthropic:a"].key, FIXED_KEY);
  });

  test("/health notices a broken file, and its repair, without waiting for a model request", async () => {
    const good = readFileSync(world.home.storePath, "utf8");
    try {
      writeFileSync(world.home.storePath, BROKEN, { mode: 0o600 });
      const broken = await health(world);
      assert.equal(broken.ok, false, `/health still says ok after auth-profiles.json broke: ${JSON.stringify(broken)}`);
      assert.match(broken.problems.map((p) => p.message).join("\n"), /auth-profiles\.json/);
    } finally {
      writeFileSync(world.home.storePath, good, { mode: 0o600 });
    }
    const repaired = await health(world);
    assert.equal(repaired.ok, true, `/health still reports the repaired file: ${JSON.stringify(repaired)}`);
  });
});

/** A streaming chat completion over a connection that closes after the response (no keep-alive). */
function streamWithoutKeepAlive(world: GatewayWorld, content: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${world.gateway.url}/v1/chat/completions`,
      { method: "POST", agent: false, headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json", connection: "close" } },
      (response) => {
        let sse = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (sse += chunk));
        response.on("error", reject);
        response.on("end", () => {
          let text = "";
          for (const line of sse.split("\n")) {
            if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
            text += JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? "";
          }
          resolve(text);
        });
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify({ model: `anthropic/${OPUS}`, stream: true, messages: [{ role: "user", content }] }));
  });
}

/** A slow streaming request (the fake answers after 1 s), SIGTERM once it reached the upstream. */
async function slowStreamThenSigterm(world: GatewayWorld, client: "openai-sdk" | "no-keep-alive") {
  world.anthropic.script(KEY_A, { delayMs: 1000 });
  const before = world.anthropic.requests.length;
  let exitedAt = 0;
  world.gateway.child.on("exit", () => (exitedAt = Date.now()));
  const content = "slow stream";
  const text = (async () => {
    let out = "";
    if (client === "no-keep-alive") out = await streamWithoutKeepAlive(world, content);
    else {
      const stream = await openaiClient(world).chat.completions.create({ model: `anthropic/${OPUS}`, stream: true, messages: [{ role: "user", content }] });
      for await (const chunk of stream) out += chunk.choices[0]?.delta?.content ?? "";
    }
    return { out, at: Date.now() };
  })();
  await waitFor("the request to reach the upstream", () => world.anthropic.requests.length === before + 1);
  const signalledAt = Date.now();
  const stopping = world.gateway.stop("SIGTERM");
  const done = await text;
  const stopped = await stopping;
  gatewayOutput.push(stopped.stdout, stopped.stderr);
  return { done, stopped, exitedAt, signalledAt };
}

function sigtermWorld(): Promise<GatewayWorld> {
  return startWorld({
    store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) } },
    config: { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } },
  });
}

describe("SIGTERM", () => {
  test("a slow in-flight streaming request completes, then the process exits 0 with usage stats flushed", async (t) => {
    const world = await sigtermWorld();
    t.after(() => closeWorld(world));
    const requestedAt = Date.now();
    // The client closes its connection after the response, so the process may exit right away:
    // the usage stats must not wait for the background write timer.
    const { done, stopped, exitedAt, signalledAt } = await slowStreamThenSigterm(world, "no-keep-alive");
    assert.equal(done.out, "Hello from the anthropic fake: slow stream");
    assert.ok(done.at - signalledAt >= 800, "the request was still in flight when the signal came");
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(exitedAt >= done.at, "the process exits after the request completed");
    assert.match(stopped.stdout, /POST \/v1\/chat\/completions 200 .*profile=anthropic:a/, "the request is logged before the exit");

    // The usage stats of that request reached the store before the exit (nothing runs after it).
    const store = readJson(world.home.storePath);
    assert.equal(typeof store.usageStats?.["anthropic:a"]?.lastUsed, "number", JSON.stringify(store));
    assert.ok(store.usageStats["anthropic:a"].lastUsed >= requestedAt);
    assert.equal(store.lastGood?.anthropic, "anthropic:a");
  });

  test("once the in-flight request is done, the process exits promptly (an idle keep-alive connection does not hold it)", async (t) => {
    const world = await sigtermWorld();
    t.after(() => closeWorld(world));
    const { done, stopped, exitedAt } = await slowStreamThenSigterm(world, "openai-sdk");
    assert.equal(done.out, "Hello from the anthropic fake: slow stream");
    assert.equal(stopped.code, 0, stopped.stderr);
    // Held by the idle connection it would be 5 s (keep-alive) or 10 s (grace); a loaded machine may take a second or two.
    assert.ok(exitedAt - done.at < 4000, `the process took ${exitedAt - done.at} ms to exit after its last response was complete`);
  });
});

describe("SIGTERM after the gateway has written usage stats", () => {
  test("still shuts down cleanly (the lock library's signal handler must not kill it)", async (t) => {
    const world = await sigtermWorld();
    t.after(() => closeWorld(world));
    const first = await openaiClient(world).chat.completions.create({ model: `anthropic/${OPUS}`, messages: [{ role: "user", content: "before" }] });
    assert.equal(first.choices[0]!.message.content, "Hello from the anthropic fake: before");
    // Let the background write take the store lock (and so load the lock library) first.
    await waitFor("the usage write", () => Boolean(readJson(world.home.storePath).usageStats?.["anthropic:a"]?.lastUsed));
    const { done, stopped } = await slowStreamThenSigterm(world, "no-keep-alive");
    assert.equal(done.out, "Hello from the anthropic fake: slow stream");
    assert.equal(stopped.code, 0, `exit code ${stopped.code}\n${stopped.stderr}`);
    assert.match(stopped.stderr, /SIGTERM: finishing in-flight requests, then stopping\./);
  });
});
