// Upstreams and clients that misbehave, against the real gateway (issue 6):
// a 2xx that is not what was asked for, a body cut short, answers too big to
// hold, connections that never send a request, and a client that stalls and
// leaves mid-stream. None of them may cost a 500, a hang, or unbounded memory.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { request as httpRequest } from "node:http";
import type { ServerResponse } from "node:http";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { assertNoSecrets, readJson } from "../helpers/cli.ts";
import { anthropicMessage, anthropicStream } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, apiKeyProfile, watchForLeaks, health, seenSince, startWorld, usageWritten, waitFor, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-faultA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-faultB-" + "2".repeat(40);
const SECRETS = [KEY_A, KEY_B, GATEWAY_TOKEN];
const OPUS = "claude-opus-4-6";
const user = (text: string) => [{ role: "user" as const, content: text }];
const TWO_KEYS = {
  version: 1,
  profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A), "anthropic:b": apiKeyProfile("anthropic", KEY_B) },
  order: { anthropic: ["anthropic:a", "anthropic:b"] },
};
const CONFIG = { agents: { defaults: { model: { primary: `anthropic/${OPUS}` } } } };

const { clientVisible, closeWorld, post } = watchForLeaks(SECRETS);

const messages = (stream = false) => ({ model: `anthropic/${OPUS}`, max_tokens: 8, stream, messages: user("x") });

/** Writes `chunk` for as long as the peer reads, until the connection closes; resolves then. */
function pumpForever(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    let open = true;
    res.on("close", () => {
      open = false;
      resolve();
    });
    const pump = () => {
      while (open && res.write(chunk));
      if (open) res.once("drain", pump);
    };
    pump();
  });
}

describe("a 2xx that is not what was promised fails over, and is not held against the credential", () => {
  const misbehaviours: [string, (res: ServerResponse) => void, boolean, RegExp][] = [
    ["an HTML page with 200 (captive portal)", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Log in to the Wi-Fi</body></html>"), false, /anthropic answered 200 with an HTML page instead of JSON/],
    ["a redirect", (res) => res.writeHead(302, { location: "https://portal.invalid/login" }).end(), false, /anthropic answered 302 \(a redirect to https:\/\/portal\.invalid\/login\)/],
    ["JSON to a stream request", (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(anthropicMessage(OPUS, "not a stream"))), true, /anthropic answered 200 with JSON instead of an event stream/],
    ["an empty body", (res) => res.writeHead(200, { "content-type": "application/json" }).end(), false, /anthropic answered with an empty body/],
  ];
  for (const [what, answer, stream, expected] of misbehaviours) {
    test(what, async (t) => {
      const world = await startWorld({ store: TWO_KEYS, config: CONFIG });
      t.after(() => closeWorld(world));
      world.anthropic.script(KEY_A, { raw: answer });
      const before = (await health(world)).usage.writes;
      const served = await post(world, "/v1/messages", messages(stream));
      assert.equal(served.status, 200, served.text);
      assert.equal(served.headers.get("x-openclaw-profile"), "anthropic:b");
      assert.deepEqual(seenSince(world.anthropic, 0), [KEY_A, KEY_B]);
      await usageWritten(world, before);
      const stats = readJson(world.home.storePath).usageStats ?? {};
      assert.equal(stats["anthropic:a"], undefined, "the provider's fault is not the credential's");

      // With nothing to fail over to: 502 naming the provider and what came back.
      world.anthropic.script(KEY_B, { raw: answer });
      const failed = await post(world, "/v1/chat/completions", { model: `anthropic/${OPUS}`, stream, messages: user("y") });
      assert.equal(failed.status, 502, failed.text);
      assert.match(failed.json.error.message, expected);
      assert.match(failed.json.error.message, /models\.providers\.anthropic\.baseUrl/);
    });
  }
});

describe("a body cut short", () => {
  test("before any byte reached the client: the next credential serves (not streaming, and streaming)", async (t) => {
    const world = await startWorld({ store: TWO_KEYS, config: CONFIG });
    t.after(() => closeWorld(world));
    world.anthropic.script(KEY_A, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
        res.write('{"id":"msg_cut","type":"mess');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    });
    const whole = await post(world, "/v1/messages", messages());
    assert.equal(whole.status, 200, whole.text);
    assert.equal(whole.json.content[0].text, "Hello from the anthropic fake: x");
    assert.equal(whole.headers.get("x-openclaw-profile"), "anthropic:b");

    world.anthropic.script(KEY_A, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.flushHeaders();
        setTimeout(() => res.socket?.destroy(), 20);
      },
    });
    const stream = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 }).messages.stream({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("streamed") });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: "text", text: "Hello from the anthropic fake: streamed" }]);
    assert.deepEqual(seenSince(world.anthropic, 0), [KEY_A, KEY_B, KEY_A, KEY_B]);
  });

  test("after bytes reached the client: the stream ends with an error event each SDK raises", async (t) => {
    const world = await startWorld({ store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) } }, config: CONFIG });
    t.after(() => closeWorld(world));
    const events = anthropicStream(OPUS, "one two three").split("\n\n").slice(0, 4).join("\n\n") + "\n\n";
    world.anthropic.script(KEY_A, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(events);
        setTimeout(() => res.socket?.destroy(), 50);
      },
    });
    let text = "";
    const anthropic = new Anthropic({ baseURL: world.gateway.url, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    const sameFormat = anthropic.messages.stream({ model: `anthropic/${OPUS}`, max_tokens: 8, messages: user("cut") }).on("text", (piece) => (text += piece));
    const sameError = await sameFormat.finalMessage().then(
      () => assert.fail("the stream must not end as if it were complete"),
      (error: Error) => error,
    );
    clientVisible.push(sameError.message);
    assert.ok(sameError instanceof Anthropic.APIError, `got ${sameError.constructor.name}: ${sameError.message}`);
    assert.match(sameError.message, /broke off the answer/);
    assert.equal(text, "one ", "what arrived before the break reached the client");

    const openai = new OpenAI({ baseURL: `${world.gateway.url}/v1`, apiKey: GATEWAY_TOKEN, maxRetries: 0 });
    let translated = "";
    const translatedError = await (async () => {
      const stream = await openai.chat.completions.create({ model: `anthropic/${OPUS}`, stream: true, messages: user("cut") });
      for await (const chunk of stream) translated += chunk.choices[0]?.delta?.content ?? "";
    })().then(
      () => assert.fail("the translated stream must not end as if it were complete"),
      (error: Error) => error,
    );
    clientVisible.push(translatedError.message);
    assert.ok(translatedError instanceof OpenAI.APIError, `got ${translatedError.constructor.name}: ${translatedError.message}`);
    assert.equal(translated, "one ");
    await waitFor("a request log saying the upstream broke off", () => /note="upstream broke off/.test(world.gateway.output().stdout));
  });
});

describe("bounded memory: the gateway stops reading what it will not keep", () => {
  test("an endless error body, an endless stream line and an endless answer each end in a 502, and the upstream connection is dropped", { timeout: 30_000 }, async (t) => {
    const world = await startWorld({
      store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) } },
      config: { ...CONFIG, gateway: { maxResponseBytes: 1_000_000, maxSseLineBytes: 100_000 } },
    });
    t.after(() => closeWorld(world));
    const upstreamDone: Promise<void>[] = [];
    const endless = (status: number, contentType: string, head: string) => (res: ServerResponse) => {
      res.writeHead(status, { "content-type": contentType });
      res.write(head);
      upstreamDone.push(pumpForever(res, Buffer.alloc(64 * 1024, 0x78)));
    };

    world.anthropic.script(KEY_A, { raw: endless(500, "application/json", '{"error":{"message":"') });
    const errorBody = await post(world, "/v1/messages", messages());
    assert.equal(errorBody.status, 502, errorBody.text);

    world.anthropic.script(KEY_A, { raw: endless(200, "text/event-stream", "data: ") });
    const line = await post(world, "/v1/chat/completions", { model: `anthropic/${OPUS}`, stream: true, messages: user("x") });
    assert.equal(line.status, 502, line.text);
    assert.match(line.json.error.message, /event-stream line over 100000 characters \(gateway\.maxSseLineBytes\)/);

    world.anthropic.script(KEY_A, { raw: endless(200, "application/json", '{"id":"') });
    const whole = await post(world, "/v1/messages", messages());
    assert.equal(whole.status, 502, whole.text);
    assert.match(whole.json.error.message, /more than 1000000 bytes \(gateway\.maxResponseBytes\)/);

    // Every endless upstream answer was abandoned, not read on.
    await Promise.all(upstreamDone);
    assert.equal(upstreamDone.length, 3);
  });
});

describe("connections", () => {
  test("connections beyond gateway.maxConnections are refused, idle ones are closed after gateway.headersTimeoutMs", { timeout: 20_000 }, async (t) => {
    const world = await startWorld({ config: { ...CONFIG, gateway: { maxConnections: 4, headersTimeoutMs: 800 } } });
    t.after(() => closeWorld(world));
    const { port } = new URL(world.gateway.url);
    const sockets: { socket: Socket; closedAt?: number }[] = [];
    const openedAt = Date.now();
    for (let i = 0; i < 10; i++) {
      const entry: { socket: Socket; closedAt?: number } = { socket: connect(Number(port), "127.0.0.1") };
      entry.socket.on("error", () => undefined);
      entry.socket.on("close", () => (entry.closedAt = Date.now()));
      sockets.push(entry);
    }
    await waitFor("the connections over the cap to be refused", () => sockets.filter((s) => s.closedAt !== undefined).length >= 6, 3000);
    assert.equal(sockets.filter((s) => s.closedAt !== undefined && s.closedAt - openedAt < 600).length, 6, "six refused at once, four kept");
    await waitFor("idle connections to be closed", () => sockets.every((s) => s.closedAt !== undefined), 5000);
    const slowest = Math.max(...sockets.map((s) => s.closedAt! - openedAt));
    assert.ok(slowest >= 700, `an idle connection was closed after ${slowest} ms, before its time`);
    assert.equal((await health(world)).ok, true, "the gateway serves again once they are gone");
  });

  test("a client that stalls and then leaves mid-stream ends its request: 499 in the log, the upstream released, usage recorded", { timeout: 30_000 }, async (t) => {
    const world = await startWorld({ store: { version: 1, profiles: { "anthropic:a": apiKeyProfile("anthropic", KEY_A) } }, config: CONFIG });
    t.after(() => closeWorld(world));
    let upstreamReleased: Promise<void> | undefined;
    world.anthropic.script(KEY_A, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        upstreamReleased = pumpForever(res, `: ${"k".repeat(16 * 1024)}\n\n`);
      },
    });
    const before = (await health(world)).usage.writes;
    const body = JSON.stringify(messages(true));
    const { port } = new URL(world.gateway.url);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, path: "/v1/messages", method: "POST", headers: { "x-api-key": GATEWAY_TOKEN, "anthropic-version": "2023-06-01", "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.once("data", () => {
            // Stop reading: the gateway's writes back up and it waits for a drain …
            res.pause();
            setTimeout(() => {
              // … that never comes, because the client leaves.
              req.destroy();
              resolve();
            }, 500);
          });
        },
      );
      req.on("error", (error) => (error.message.includes("socket hang up") || (error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(error)));
      req.end(body);
    });
    await waitFor("the request logged as 499", () => / POST \/v1\/messages 499 .*profile=anthropic:a/.test(world.gateway.output().stdout), 5000);
    assert.ok(upstreamReleased, "the upstream was asked");
    await upstreamReleased;
    await usageWritten(world, before);
    assert.ok(readJson(world.home.storePath).usageStats["anthropic:a"].lastUsed, "the credential worked: its use is recorded");
    world.anthropic.script(KEY_A, {});
    assert.equal((await post(world, "/v1/messages", messages())).status, 200, "and the gateway goes on serving");
  });
});
