// GET /ws end to end (docs/chat.md): the real gateway, fake upstreams on
// 127.0.0.1 and a `ws` client. Turns run through the gateway's own HTTP
// pipeline; status pushes follow the store; nothing secret is in any frame.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { readJson, writeJson } from "../helpers/cli.ts";
import { GATEWAY_TOKEN, apiKeyProfile, startWorld, waitFor, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";
import { openaiError } from "../helpers/fake-upstream.ts";
import { helloSocket, openSocket, turnFrames, type TestSocket } from "../helpers/ws-client.ts";

const OPENAI_KEY = "sk-proj-" + "W".repeat(60);
const ANTHROPIC_KEY = "sk-ant-api03-" + "S".repeat(90);
const EXTRA_KEY = "sk-ant-api03-" + "X".repeat(90);
const leaks = watchForLeaks([OPENAI_KEY, ANTHROPIC_KEY, EXTRA_KEY, GATEWAY_TOKEN]);

let world: GatewayWorld;
const sockets: TestSocket[] = [];

/** A socket whose frames are checked for secrets at the end. */
async function ready(): Promise<TestSocket> {
  const socket = await helloSocket(world.gateway.url, GATEWAY_TOKEN);
  sockets.push(socket);
  return socket;
}

async function opened(): Promise<TestSocket> {
  const socket = await openSocket(world.gateway.url);
  sockets.push(socket);
  return socket;
}

const user = (content: string) => [{ role: "user", content }];

before(async () => {
  world = await startWorld({
    store: {
      version: 1,
      profiles: { "openai:default": apiKeyProfile("openai", OPENAI_KEY), "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY) },
    },
    config: { agents: { defaults: { model: { primary: "openai/gpt-5.2" } } } },
    // Short enough for the no-hello test, long enough that a loaded machine still gets its hello in.
    env: { OPENCLAW_WS_HELLO_TIMEOUT_MS: "2000" },
  });
});

after(async () => {
  for (const socket of sockets) {
    socket.close();
    leaks.clientVisible.push(...socket.raw);
  }
  await leaks.closeWorld(world);
});

describe("hello and the token", () => {
  test("the right token → ready with the version", async () => {
    const socket = await ready();
    assert.equal(socket.frames[0]!.type, "ready");
    assert.match(socket.frames[0]!.version, /^\d+\.\d+\.\d+/);
  });

  test("a wrong token, a frame before hello, a binary hello or a non-JSON hello → closed with 4401", async () => {
    const attempts: ((socket: TestSocket) => void)[] = [
      (s) => s.send({ type: "hello", token: "wrong-token" }),
      (s) => s.send({ type: "hello", token: GATEWAY_TOKEN.slice(0, -1) }),
      (s) => s.send({ type: "hello" }),
      (s) => s.send({ type: "send", id: "c1", session: "s", messages: user("hi") }),
      (s) => s.sendRaw(Buffer.from(JSON.stringify({ type: "hello", token: GATEWAY_TOKEN })), { binary: true }),
      (s) => s.sendRaw("{not json"),
    ];
    for (const attempt of attempts) {
      const socket = await opened();
      attempt(socket);
      const closed = await socket.closed;
      assert.equal(closed.code, 4401);
      assert.equal(socket.frames.length, 0, "nothing is sent before a good hello");
    }
  });

  test("no hello within the timeout (OPENCLAW_WS_HELLO_TIMEOUT_MS, 10 s by default) → closed with 4401", async () => {
    const socket = await opened();
    const started = Date.now();
    const closed = await socket.closed;
    assert.equal(closed.code, 4401);
    assert.ok(Date.now() - started >= 1800, "not before the timeout");
  });

  test("an upgrade anywhere but /ws is refused with 404", async () => {
    await assert.rejects(openSocket(world.gateway.url, "/nope"), /404/);
  });

  test("a plain request offering another protocol (curl --http2: Upgrade: h2c) is still served as HTTP/1.1", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const body = JSON.stringify({ model: "openai/gpt-5.2", messages: user("over h2c offer") });
      const req = request(`${world.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${GATEWAY_TOKEN}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          connection: "Upgrade, HTTP2-Settings",
          upgrade: "h2c",
          "http2-settings": "AAMAAABkAAQCAAAAAAIAAAAA",
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("upgrade", () => reject(new Error("the gateway switched protocols")));
      req.on("error", reject);
      req.end(body);
    });
    assert.equal(answer.status, 200, answer.body);
    assert.equal(JSON.parse(answer.body).choices[0].message.content, "Hello from the openai fake: over h2c offer");
  });
});

describe("malformed frames: an error frame, never a crash", () => {
  test("not JSON, not an object, no type, unknown type, a bad send, a second hello", async () => {
    const socket = await ready();
    const bad: [string | object, RegExp, string?][] = [
      ["{oops", /not JSON/],
      ["[1,2]", /one JSON object/],
      ["42", /one JSON object/],
      [{ id: "x" }, /needs a "type"/],
      [{ type: "dance" }, /Unknown frame type/],
      [{ type: "hello", token: GATEWAY_TOKEN }, /Already authenticated/],
      [{ type: "send", id: "b1", messages: user("hi") }, /"session"/, "b1"],
      [{ type: "send", id: "b2", session: "s", messages: [] }, /"messages"/, "b2"],
      [{ type: "send", id: "b3", session: "s", messages: "hi" }, /"messages"/, "b3"],
      [{ type: "send", id: "b4", session: "bad\nkey", messages: user("hi") }, /"session"/, "b4"],
      [{ type: "send", id: "b5", session: "s", messages: [null] }, /"role"/, "b5"],
      [{ type: "send", id: "b6", session: "s", model: 7, messages: user("hi") }, /"model"/, "b6"],
      [{ type: "send", session: "s", messages: user("hi") }, /"id"/],
      [{ type: "cancel" }, /"id"/],
    ];
    for (const [frame, message, id] of bad) {
      const from = socket.frames.length;
      socket.sendRaw(typeof frame === "string" ? frame : JSON.stringify(frame));
      const error = await socket.next((f) => f.type === "error", 3000, from);
      assert.match(error.message, message, JSON.stringify(frame));
      assert.equal(error.id, id);
      assert.ok(error.status >= 400 && error.status < 500, `status ${error.status}`);
    }
    // Still serving: a good turn on the same connection.
    socket.send({ type: "send", id: "ok", session: "s", messages: user("still here") });
    const { end } = await turnFrames(socket, "ok");
    assert.equal(end.type, "done");
  });

  test("a frame over 1 MB closes that connection (1009); the gateway keeps serving", async () => {
    const socket = await ready();
    socket.sendRaw(JSON.stringify({ type: "send", id: "big", session: "s", messages: user("x".repeat(1_100_000)) }));
    assert.equal((await socket.closed).code, 1009);
    const health = await fetch(`${world.gateway.url}/health`);
    assert.equal(health.status, 200);
  });
});

describe("turns", () => {
  test("a streamed turn: deltas, then done with the whole text and what served it", async () => {
    const socket = await ready();
    const mark = world.openai.requests.length;
    socket.send({ type: "send", id: "c1", session: "ws-test-1", messages: [...user("earlier"), { role: "assistant", content: "ok" }, ...user("hi there")] });
    const { deltas, end } = await turnFrames(socket, "c1");
    assert.equal(end.type, "done", JSON.stringify(end));
    assert.ok(deltas.length > 1, "the reply arrives in pieces");
    assert.equal(deltas.join(""), "Hello from the openai fake: hi there");
    assert.equal(end.text, "Hello from the openai fake: hi there");
    assert.equal(end.model, "openai/gpt-5.2");
    assert.equal(end.profile, "openai:default");
    assert.equal(end.fallbackFor, undefined);
    // Through the pipeline: the whole conversation went upstream as a stream, with the credential.
    const seen = world.openai.requests.slice(mark);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.body.stream, true);
    assert.equal(seen[0]!.body.model, "gpt-5.2");
    assert.equal(seen[0]!.body.messages.length, 3);
    assert.equal(seen[0]!.credential, OPENAI_KEY);
    // ... and is in the gateway's request log like any client's request.
    await waitFor("the turn in the request log", () => /POST \/v1\/chat\/completions 200 .*model=openai\/gpt-5\.2/.test(world.gateway.output().stdout));
  });

  test("`model` picks another model (translated to Anthropic's API and back)", async () => {
    const socket = await ready();
    socket.send({ type: "send", id: "a1", session: "ws-test-2", model: "anthropic/claude-opus-4-6", messages: user("bonjour") });
    const { deltas, end } = await turnFrames(socket, "a1");
    assert.equal(end.type, "done", JSON.stringify(end));
    assert.equal(deltas.join(""), "Hello from the anthropic fake: bonjour");
    assert.equal(end.model, "anthropic/claude-opus-4-6");
    assert.equal(end.profile, "anthropic:default");
  });

  test("a failing upstream or an unknown model → an error frame with the HTTP status", async () => {
    const socket = await ready();
    world.openai.script(OPENAI_KEY, { status: 400, body: openaiError("This model does not support that") }, {});
    socket.send({ type: "send", id: "f1", session: "s", messages: user("fail please") });
    const failed = await turnFrames(socket, "f1");
    assert.equal(failed.end.type, "error");
    assert.equal(failed.end.status, 400);
    assert.match(failed.end.message, /does not support that/);

    world.openai.script(OPENAI_KEY, { status: 500, body: openaiError("upstream exploded", "server_error") });
    socket.send({ type: "send", id: "f2", session: "s", messages: user("fail again") });
    const broken = await turnFrames(socket, "f2");
    assert.equal(broken.end.type, "error");
    assert.equal(broken.end.status, 502);
    world.openai.script(OPENAI_KEY, {});

    // An upstream that echoes the credential: the frame carries it masked, never whole.
    world.openai.script(OPENAI_KEY, { status: 400, body: openaiError(`Invalid request for key ${OPENAI_KEY}`) }, {});
    socket.send({ type: "send", id: "f4", session: "s", messages: user("echo") });
    const echoed = await turnFrames(socket, "f4");
    assert.equal(echoed.end.type, "error");
    assert.match(echoed.end.message, /Invalid request for key sk-proj/);
    assert.ok(!echoed.end.message.includes(OPENAI_KEY.slice(8, 32)), echoed.end.message);

    socket.send({ type: "send", id: "f3", session: "s", model: "nosuchprovider/model", messages: user("hi") });
    const unknown = await turnFrames(socket, "f3");
    assert.equal(unknown.end.type, "error");
    assert.equal(unknown.end.status, 404);
    assert.match(unknown.end.message, /nosuchprovider/);
  });

  test("cancel stops the turn and aborts its upstream request; the connection carries on", async () => {
    const socket = await ready();
    let upstreamClosed = false;
    world.openai.script(OPENAI_KEY, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 1, model: "gpt-5.2", choices: [{ index: 0, delta: { role: "assistant", content: "partial " }, finish_reason: null }] })}\n\n`);
        res.on("close", () => (upstreamClosed = true));
      },
    });
    socket.send({ type: "send", id: "k1", session: "s", messages: user("take your time") });
    const delta = await socket.next((f) => f.id === "k1" && f.type === "delta");
    assert.equal(delta.text, "partial ");
    socket.send({ type: "cancel", id: "k1" });
    const { end } = await turnFrames(socket, "k1");
    assert.equal(end.type, "error");
    assert.equal(end.status, 499);
    await waitFor("the upstream request aborted", () => upstreamClosed);
    world.openai.script(OPENAI_KEY, {});
    socket.send({ type: "send", id: "k2", session: "s", messages: user("after cancel") });
    assert.equal((await turnFrames(socket, "k2")).end.text, "Hello from the openai fake: after cancel");
  });

  test("closing the socket aborts its running turns", async () => {
    const socket = await ready();
    let upstreamClosed = false;
    world.openai.script(OPENAI_KEY, {
      raw: (res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.flushHeaders();
        res.on("close", () => (upstreamClosed = true));
      },
    });
    const mark = world.openai.requests.length;
    socket.send({ type: "send", id: "z1", session: "s", messages: user("hang") });
    await waitFor("the turn upstream", () => world.openai.requests.length > mark);
    socket.close();
    await waitFor("the upstream request aborted", () => upstreamClosed);
    world.openai.script(OPENAI_KEY, {});
  });

  test("several sessions on one connection, at once; more than 4 turns at once are refused", async () => {
    const socket = await ready();
    for (const n of [1, 2, 3]) socket.send({ type: "send", id: `m${n}`, session: `session-${n}`, messages: user(`message ${n}`) });
    for (const n of [1, 2, 3]) {
      const { deltas, end } = await turnFrames(socket, `m${n}`);
      assert.equal(end.type, "done");
      assert.equal(end.text, `Hello from the openai fake: message ${n}`);
      assert.equal(deltas.join(""), end.text);
    }
    world.openai.script(OPENAI_KEY, { hang: true });
    for (const n of [1, 2, 3, 4, 5]) socket.send({ type: "send", id: `h${n}`, session: "s", messages: user("hang") });
    const refused = await socket.next((f) => f.id === "h5");
    assert.equal(refused.type, "error");
    assert.equal(refused.status, 429);
    const before = socket.frames.length;
    socket.send({ type: "send", id: "h1", session: "s", messages: user("dup") });
    const duplicate = await socket.next((f) => f.type === "error" && f.status === 409, 5000, before);
    assert.equal(duplicate.id, undefined, "not taken for the end of the running h1");
    assert.match(duplicate.message, /"h1" is already running/);
    for (const n of [1, 2, 3, 4]) socket.send({ type: "cancel", id: `h${n}` });
    for (const n of [1, 2, 3, 4]) assert.equal((await turnFrames(socket, `h${n}`)).end.status, 499);
    // A cancel for a turn that has ended, or never ran, is ignored: each turn ends with exactly one frame.
    const settled = socket.frames.length;
    socket.send({ type: "cancel", id: "h1" });
    socket.send({ type: "cancel", id: "never-started" });
    socket.send({ type: "watch-status" });
    await socket.next((f) => f.type === "status", 5000, settled);
    assert.deepEqual(socket.frames.slice(settled).map((f) => f.type), ["status"]);
    for (const n of [1, 2, 3, 4]) assert.equal(socket.frames.filter((f) => f.id === `h${n}` && (f.type === "done" || f.type === "error")).length, 1);
    world.openai.script(OPENAI_KEY, {});
  });
});

describe("sessions and chat commands over the socket (the pipeline's session step)", () => {
  test("/model in one session is answered by the gateway and governs that session's turns only", async () => {
    const socket = await ready();
    const mark = { openai: world.openai.requests.length, anthropic: world.anthropic.requests.length };
    socket.send({ type: "send", id: "p1", session: "pick-1", messages: user("/model anthropic/claude-opus-4-6") });
    const picked = await turnFrames(socket, "p1");
    assert.equal(picked.end.type, "done", JSON.stringify(picked.end));
    assert.match(picked.end.text, /^Model set to anthropic\/claude-opus-4-6\./);
    assert.equal(picked.deltas.join(""), picked.end.text);
    assert.equal(world.openai.requests.length + world.anthropic.requests.length, mark.openai + mark.anthropic, "answered by the gateway itself");

    socket.send({ type: "send", id: "p2", session: "pick-1", messages: user("who answers?") });
    socket.send({ type: "send", id: "p3", session: "pick-2", messages: user("and here?") });
    const [chosen, other] = [await turnFrames(socket, "p2"), await turnFrames(socket, "p3")];
    assert.equal(chosen.end.text, "Hello from the anthropic fake: who answers?");
    assert.equal(chosen.end.model, "anthropic/claude-opus-4-6");
    assert.equal(other.end.text, "Hello from the openai fake: and here?");
    assert.equal(other.end.model, "openai/gpt-5.2");

    // /model status shows credentials masked (the leak check covers every frame).
    socket.send({ type: "send", id: "p4", session: "pick-1", messages: user("/model status") });
    const status = await turnFrames(socket, "p4");
    assert.equal(status.end.type, "done");
    assert.match(status.end.text, /anthropic:default=/);
    assert.ok(!status.end.text.includes(ANTHROPIC_KEY.slice(8, 32)));
  });
});

test("`agent` reaches the pipeline as x-openclaw-agent: this gateway's agent serves, another is a 400 that names it", async () => {
  const socket = await ready();
  socket.send({ type: "send", id: "g1", session: "s", agent: "main", messages: user("as main") });
  assert.equal((await turnFrames(socket, "g1")).end.text, "Hello from the openai fake: as main");
  socket.send({ type: "send", id: "g2", session: "s", agent: "elsewhere", messages: user("as another") });
  const refused = await turnFrames(socket, "g2");
  assert.equal(refused.end.type, "error");
  assert.equal(refused.end.status, 400);
  assert.match(refused.end.message, /main/);
});

describe("failover", () => {
  test("a fallback serves the turn: done says which model it stood in for", async () => {
    const own = await startWorld({
      store: { version: 1, profiles: { "openai:default": apiKeyProfile("openai", OPENAI_KEY), "anthropic:default": apiKeyProfile("anthropic", ANTHROPIC_KEY) } },
      config: { agents: { defaults: { model: { primary: "openai/gpt-5.2", fallbacks: ["anthropic/claude-opus-4-6"] } } } },
    });
    try {
      own.openai.script(OPENAI_KEY, { status: 503, body: openaiError("overloaded", "server_error") });
      const socket = await helloSocket(own.gateway.url, GATEWAY_TOKEN);
      socket.send({ type: "send", id: "fb", session: "s", messages: user("stand in") });
      const { deltas, end } = await turnFrames(socket, "fb");
      leaks.clientVisible.push(...socket.raw);
      socket.close();
      assert.equal(end.type, "done", JSON.stringify(end));
      assert.equal(deltas.join(""), "Hello from the anthropic fake: stand in");
      assert.equal(end.model, "anthropic/claude-opus-4-6");
      assert.equal(end.profile, "anthropic:default");
      assert.equal(end.fallbackFor, "openai/gpt-5.2");
    } finally {
      await leaks.closeWorld(own);
    }
  });
});

describe("watch-status", () => {
  test("status at once, then a push when the store file changes and when a credential cools down", async () => {
    const socket = await ready();
    socket.send({ type: "watch-status" });
    const first = await socket.next((f) => f.type === "status");
    assert.equal(first.status.defaultModel, "openai/gpt-5.2");
    assert.ok(first.status.auth.providers.some((p: any) => p.provider === "openai"));

    // Another process adds a credential: the gateway notices the file and pushes.
    const store = readJson(world.home.storePath);
    store.profiles["anthropic:extra"] = apiKeyProfile("anthropic", EXTRA_KEY);
    writeJson(world.home.storePath, store);
    const added = await socket.next((f) => f.type === "status" && JSON.stringify(f.status).includes("anthropic:extra"), 5000);
    assert.ok(added.status.auth.providers.find((p: any) => p.provider === "anthropic").profiles.count >= 2);

    // A 429 cools openai:default down: pushed without anyone asking.
    world.openai.script(OPENAI_KEY, { status: 429, headers: { "retry-after": "120" }, body: openaiError("Rate limit reached", "rate_limit_exceeded", "rate_limit_exceeded") });
    const other = await ready();
    other.send({ type: "send", id: "r1", session: "s", messages: user("too fast") });
    const limited = await turnFrames(other, "r1");
    assert.equal(limited.end.type, "error");
    assert.equal(limited.end.status, 429);
    const cooling = await socket.next((f) => f.type === "status" && f.status.auth.unusableProfiles.some((u: any) => u.profileId === "openai:default"), 5000);
    assert.ok(cooling.status.auth.unusableProfiles.find((u: any) => u.profileId === "openai:default").remainingMs > 60_000);
    world.openai.script(OPENAI_KEY, {});
  });

  test("pushes are throttled to a few a second under a burst of changes", async () => {
    const socket = await ready();
    socket.send({ type: "watch-status" });
    await socket.next((f) => f.type === "status");
    const from = socket.frames.length;
    // Twenty store writes in ~200 ms.
    for (let i = 0; i < 20; i++) {
      const store = readJson(world.home.storePath);
      store.profiles[`anthropic:burst-${i}`] = apiKeyProfile("anthropic", `${EXTRA_KEY.slice(0, -4)}${String(i).padStart(4, "0")}`);
      writeJson(world.home.storePath, store);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await socket.next((f) => f.type === "status" && JSON.stringify(f.status).includes("anthropic:burst-19"), 5000, from);
    const pushes = socket.frames.slice(from).filter((f) => f.type === "status").length;
    assert.ok(pushes >= 1 && pushes <= 4, `${pushes} pushes for 20 changes in ~0.3 s`);
  });
});

describe("shutdown", () => {
  test("stopping the gateway closes its sockets with 1001 and exits promptly", async () => {
    const own = await startWorld({ store: { version: 1, profiles: { "openai:default": apiKeyProfile("openai", OPENAI_KEY) } } });
    try {
      const socket = await helloSocket(own.gateway.url, GATEWAY_TOKEN);
      const started = Date.now();
      const result = await own.gateway.stop();
      assert.equal(result.code, 0);
      assert.equal((await socket.closed).code, 1001);
      assert.ok(Date.now() - started < 5000, "no wait for the grace period with idle sockets");
    } finally {
      await leaks.closeWorld(own);
    }
  });
});
