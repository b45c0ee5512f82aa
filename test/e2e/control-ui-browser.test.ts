// The Control UI in a real browser (Debian's headless chromium, driven by playwright-core) on
// the real gateway and fake upstreams: the token typed into the page, the masked profiles, a
// cooldown appearing live after a 429 and cleared with its button, a reorder saved, a chat turn
// streamed over /ws. Nothing the page or its WebSocket shows may contain a secret.
// OPENCLAW_SCREENSHOT=1 saves docs/control-ui.png.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT, readJson } from "../helpers/cli.ts";
import { findChromium } from "../helpers/chromium.ts";
import { GATEWAY_TOKEN, apiKeyProfile, postJson, startWorld, waitFor, watchForLeaks, type GatewayWorld } from "../helpers/gateway.ts";

const KEY_A = "sk-ant-api03-" + "a".repeat(40) + "-browserA-" + "1".repeat(40);
const KEY_B = "sk-ant-api03-" + "b".repeat(40) + "-browserB-" + "2".repeat(40);
const TOKEN_W = "sk-ant-oat01-" + "w".repeat(40) + "-browserW-" + "3".repeat(40);
const OPENAI_KEY = "sk-proj-" + "o".repeat(30) + "-browserO-" + "4".repeat(30);
const SECRETS = [KEY_A, KEY_B, TOKEN_W, OPENAI_KEY, GATEWAY_TOKEN];
const HOUR = 3_600_000;

const { clientVisible, closeWorld } = watchForLeaks(SECRETS);
const browserAt = findChromium();
const skip = "skip" in browserAt ? browserAt.skip : false;
if (skip) console.error(`\n*** control-ui-browser.test.ts SKIPPED: ${skip} ***\n`);

describe("the Control UI in headless chromium", { skip }, () => {
  let world: GatewayWorld;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  /** WebSocket frames the page received, and sent (all but the hello, which carries the token by design). */
  const frames: { sent: string[]; received: string[] } = { sent: [], received: [] };

  const row = (profileId: string) => page.locator(`tr[data-profile="${profileId}"]`);
  const snapshotPage = async () => clientVisible.push(await page.content());

  before(async () => {
    world = await startWorld({
      store: {
        version: 1,
        profiles: {
          "anthropic:a": apiKeyProfile("anthropic", KEY_A),
          "anthropic:b": apiKeyProfile("anthropic", KEY_B),
          "anthropic:work": { type: "token", provider: "anthropic", token: TOKEN_W, expires: Date.now() + 5 * HOUR },
          "openai:default": apiKeyProfile("openai", OPENAI_KEY),
        },
        order: { anthropic: ["anthropic:a", "anthropic:b", "anthropic:work"] },
      },
      config: { agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] } } } },
    });
    browser = await chromium.launch({ executablePath: (browserAt as { path: string }).path, args: ["--no-sandbox"], headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    // (A reload aborts what the page had in flight: that is no failure.)
    page.on("requestfailed", (request) => request.failure()?.errorText !== "net::ERR_ABORTED" && problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on("request", (request) => {
      if (!request.url().startsWith(world.gateway.url)) problems.push(`request elsewhere: ${request.url()}`);
      if (request.url().includes(GATEWAY_TOKEN)) problems.push(`the token in a URL: ${request.method()}`);
    });
    page.on("websocket", (socket) => {
      socket.on("framereceived", (frame) => frames.received.push(String(frame.payload)));
      socket.on("framesent", (frame) => {
        const text = String(frame.payload);
        if (!text.includes('"type":"hello"')) frames.sent.push(text);
      });
    });
  });

  after(async () => {
    await browser?.close();
    clientVisible.push(...frames.received, ...frames.sent);
    if (world) await closeWorld(world);
  });

  test("the token is typed in and kept in sessionStorage only; the profiles show masked", async () => {
    const response = await page.goto(world.gateway.url);
    assert.equal(response?.status(), 200);
    await page.getByLabel("Gateway token").fill("wrong-token");
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByText("That token was refused by the gateway.").waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).sessionStorage.length), 0, "a refused token is not kept");
    // The browser reports the refused /api/status; nothing else may be in the console.
    assert.deepEqual(problems.splice(0), ["console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)"]);

    await page.getByLabel("Gateway token").fill(GATEWAY_TOKEN);
    await page.getByRole("button", { name: "Connect" }).click();
    await page.locator("#connection.live").waitFor();
    assert.match((await page.locator("#connection").textContent())!, /^Live/);
    await row("anthropic:a").waitFor();
    const storage = await page.evaluate(() => {
      const w = globalThis as any;
      return { session: Object.keys(w.sessionStorage), local: w.localStorage.length, url: w.location.href, token: w.document.getElementById("token").value };
    });
    assert.deepEqual(storage.session, ["openclaw.control.token"]);
    assert.equal(storage.local, 0);
    assert.equal(storage.url, `${world.gateway.url}/`);
    assert.equal(storage.token, "", "the input is emptied");

    const labelA = (await row("anthropic:a").locator(".label").textContent())!;
    assert.match(labelA, /^sk-ant-a.*\.\.\..+$/, "a masked key");
    assert.ok(KEY_A.startsWith(labelA.split("...")[0]!) && KEY_A.endsWith(labelA.split("...")[1]!), labelA);
    assert.match((await row("anthropic:work").textContent())!, /token:sk-ant-o.*\.\.\..*token.*expires in (4h 5\dm|5h 00m)/s);
    assert.match((await page.locator('[data-provider="anthropic"] header').textContent())!, /Next: anthropic:a/);
    assert.match((await page.locator('[data-provider="anthropic"] header').textContent())!, /stored override/);
    await row("openai:default").waitFor();
    // A reload keeps the session (the tab's storage), without typing the token again.
    await page.reload();
    await page.locator("#connection.live").waitFor();
    await row("anthropic:a").waitFor();
    await snapshotPage();
  });

  test("a 429 upstream shows as a cooldown live, counting down; its button clears it", async () => {
    world.anthropic.script(KEY_A, { status: 429, headers: { "retry-after": "600" }, body: { type: "error", error: { type: "rate_limit_error", message: "slow down" } } }, {});
    const answer = await postJson(world, "/v1/chat/completions", { model: "anthropic/claude-opus-4-6", messages: [{ role: "user", content: "hi" }] });
    clientVisible.push(answer.text);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-openclaw-profile"), "anthropic:b");
    // Pushed over the WebSocket: no reload, no click.
    const cooldown = row("anthropic:a").locator(".availability .countdown");
    await cooldown.waitFor({ timeout: 5000 });
    assert.match((await row("anthropic:a").locator(".availability").textContent())!, /cooldown\s*(9m 5\ds|10m 00s) for claude-opus-4-6/);
    const first = await cooldown.textContent();
    await waitFor("the countdown to tick", async () => (await cooldown.textContent()) !== first, 3000);
    assert.match((await page.locator('[data-provider="anthropic"] header').textContent())!, /Next: anthropic:b/);
    assert.ok(frames.received.some((frame) => frame.includes('"type":"status"') && frame.includes("anthropic:a")), "the change came as a status push");
    await snapshotPage();

    await page.getByRole("button", { name: "Clear cooldown of anthropic:a" }).click();
    await page.getByText("Cleared the cooldown of anthropic:a.").waitFor();
    await waitFor("the cooldown gone from the page", async () => (await row("anthropic:a").locator(".countdown").count()) === 0);
    await waitFor("the next profile is a again", async () => /Next: anthropic:a/.test((await page.locator('[data-provider="anthropic"] header').textContent())!));
    const stats = readJson(world.home.storePath).usageStats?.["anthropic:a"] ?? {};
    assert.equal(stats.modelCooldowns, undefined);
    assert.equal(stats.cooldownUntil, undefined);
  });

  test("reordering with the move buttons and Save order writes the order; the next profile follows", async () => {
    const save = page.getByRole("button", { name: "Save order" }).first();
    assert.equal(await save.isDisabled(), true, "nothing to save yet");
    await page.getByRole("button", { name: "Move anthropic:b up" }).click();
    await page.getByRole("button", { name: "Move anthropic:a down" }).click();
    const positions = await page.locator('[data-provider="anthropic"] tbody tr').evaluateAll((rows) => rows.map((r) => (r as any).dataset.profile as string));
    assert.deepEqual(positions, ["anthropic:b", "anthropic:work", "anthropic:a"]);
    await page.getByText("Unsaved order").waitFor();
    assert.deepEqual(readJson(world.home.storePath).order.anthropic, ["anthropic:a", "anthropic:b", "anthropic:work"], "not written before Save");
    await save.click();
    await page.getByText("Saved the order for anthropic: anthropic:b, anthropic:work, anthropic:a.").waitFor();
    assert.deepEqual(readJson(world.home.storePath).order.anthropic, ["anthropic:b", "anthropic:work", "anthropic:a"]);
    await waitFor("Next: anthropic:b", async () => /Next: anthropic:b/.test((await page.locator('[data-provider="anthropic"] header').textContent())!));
    assert.equal(await page.getByText("Unsaved order").count(), 0);
  });

  test("a chat turn streams its reply over the WebSocket, says what served it, and the next turn carries the history", async () => {
    assert.equal(await page.locator("#session-key").inputValue(), "control-ui");
    await page.getByLabel("Message").fill("hello from the browser");
    await page.getByLabel("Message").press("Enter");
    const reply = page.locator("#transcript li.assistant").last();
    await reply.locator(".meta").waitFor();
    assert.equal(await reply.locator(".body").textContent(), "Hello from the anthropic fake: hello from the browser");
    assert.equal(await reply.locator(".meta").textContent(), "served by anthropic/claude-opus-4-6 · anthropic:b");
    const sent = frames.sent.map((text) => JSON.parse(text)).filter((frame) => frame.type === "send");
    assert.equal(sent.length, 1);
    assert.equal(sent[0].session, "control-ui");
    assert.deepEqual(sent[0].messages, [{ role: "user", content: "hello from the browser" }]);
    assert.ok(frames.received.some((text) => text.includes('"type":"delta"')), "streamed as deltas");
    const upstream = world.anthropic.requests.at(-1)!;
    assert.equal(upstream.credential, KEY_B);

    await page.getByLabel("Message").fill("and again");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator("#transcript li.assistant").nth(1).locator(".meta").waitFor();
    assert.deepEqual(
      world.anthropic.requests.at(-1)!.body.messages.map((m: any) => [m.role, typeof m.content === "string" ? m.content : m.content.map((p: any) => p.text).join("")]),
      [
        ["user", "hello from the browser"],
        ["assistant", "Hello from the anthropic fake: hello from the browser"],
        ["user", "and again"],
      ],
    );
    await snapshotPage();
  });

  test("/model <model>@<profile> typed like any message pins the session's profile; the next reply is served by it; another session is not pinned", async () => {
    const assistant = page.locator("#transcript li.assistant");
    const before = await assistant.count();
    await page.getByLabel("Message").fill("/model anthropic/claude-sonnet-4-6@anthropic:a");
    await page.getByLabel("Message").press("Enter");
    await waitFor("the command's reply", async () => (await assistant.count()) === before + 1 && !(await assistant.last().getAttribute("class"))!.includes("pending"), 5000);
    const commandReply = (await assistant.last().locator(".body").textContent())!;
    assert.match(commandReply, /Model set to anthropic\/claude-sonnet-4-6\./);
    assert.match(commandReply, /Auth profile set to anthropic:a\./);

    await page.getByLabel("Message").fill("who serves me now?");
    await page.getByLabel("Message").press("Enter");
    await assistant.nth(before + 1).locator(".meta").waitFor();
    assert.equal(await assistant.nth(before + 1).locator(".meta").textContent(), "served by anthropic/claude-sonnet-4-6 · anthropic:a");
    const upstream = world.anthropic.requests.at(-1)!;
    assert.equal(upstream.credential, KEY_A, "the pinned profile, though anthropic:b is first in the order");
    assert.equal(upstream.body.model, "claude-sonnet-4-6");
    assert.equal(upstream.body.messages.length, 5, "the command and its reply are not part of the conversation the model sees");

    // The session key is the page's: another one has no pin.
    await page.locator("#session-key").fill("control-ui-2");
    await page.getByLabel("Message").fill("and in another session?");
    await page.getByLabel("Message").press("Enter");
    await assistant.nth(before + 2).locator(".meta").waitFor();
    assert.equal(await assistant.nth(before + 2).locator(".meta").textContent(), "served by anthropic/claude-opus-4-6 · anthropic:b");
    await page.locator("#session-key").fill("control-ui");
    await snapshotPage();
    if (process.env.OPENCLAW_SCREENSHOT === "1") {
      await page.locator("#session-key").blur();
      await page.screenshot({ path: join(ROOT, "docs", "control-ui.png"), fullPage: true });
    }
  });

  test("no console errors, no request anywhere else, no token in a URL, no secret on the page", async () => {
    await snapshotPage();
    assert.deepEqual(problems, []);
    // (watchForLeaks checks the page snapshots and every WebSocket frame after the file's tests.)
    assert.ok(clientVisible.length >= 4);
  });
});
