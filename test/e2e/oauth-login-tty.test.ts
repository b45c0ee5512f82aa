// `models auth login` on a real terminal (util-linux `script`): the browser
// is opened (a fake `xdg-open` that plays the browser), the paste prompt is
// closed when the callback wins, an existing profile is confirmed, and
// Ctrl-C at the prompt or while polling exits 130 with nothing written.
import { test, after, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, makeHome, readJson, writeJson, assertNoSecrets, type TempHome } from "../helpers/cli.ts";
import { startFakeOAuthServer } from "../helpers/fake-oauth-server.ts";
import { KEY, ptyUnavailableReason, spawnCliPty, type PtySession } from "../helpers/pty.ts";

const UNAVAILABLE = ptyUnavailableReason();
const fake = await startFakeOAuthServer({ deviceSteps: ["authorization_pending"], deviceInterval: 1 });
after(() => fake.close());

interface TtyHome extends TempHome {
  bin: string;
}

async function withTty(t: TestContext, fn: (h: TtyHome) => Promise<void>): Promise<void> {
  if (UNAVAILABLE) return void t.skip(UNAVAILABLE);
  const h = makeHome();
  const bin = join(h.home, "bin");
  mkdirSync(bin);
  writeJson(h.configPath, {
    models: {
      providers: {
        acme: {
          auth: "oauth",
          oauth: { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/token"), deviceCodeUrl: fake.url("/device/code"), clientId: fake.clientId },
          models: [{ id: "acme-large" }],
        },
      },
    },
  });
  try {
    await fn({ ...h, bin });
  } finally {
    h.cleanup();
  }
}

/** A `xdg-open` that does what a browser does with the login URL: follow the redirect to the loopback callback. */
function installFakeBrowser(bin: string, log: string): void {
  const script = `#!${process.execPath}
const { appendFileSync } = require("node:fs");
(async () => {
  const answer = await fetch(process.argv[2], { redirect: "manual" });
  const page = await fetch(answer.headers.get("location"));
  appendFileSync(${JSON.stringify(log)}, "callback " + page.status + "\\n");
})();
`;
  writeFileSync(join(bin, "xdg-open"), script, { mode: 0o755 });
}

function start(h: TtyHome, args: string[], env: Record<string, string> = {}): PtySession {
  return spawnCliPty(["models", "auth", "login", ...args], { env: cliEnv(h.home, { TERM: "xterm", PATH: h.bin, ...env }), cwd: h.home, timeoutMs: 15_000 });
}

test("local terminal: the browser is opened, its callback wins over the paste prompt, and the process exits", async (t) => {
  await withTty(t, async (h) => {
    const log = join(h.home, "browser.log");
    installFakeBrowser(h.bin, log);
    const session = start(h, ["--provider", "acme"], { DISPLAY: ":0" });
    await session.waitFor(/Open: http:\/\/127\.0\.0\.1/);
    const result = await session.exit(10_000);
    assert.equal(result.code, 0, result.text);
    assert.match(result.text, /Browser login received\./);
    assert.match(result.text, /Auth profile: acme:user@example\.com \(acme\/oauth\)/);
    assert.match(readFileSync(log, "utf8"), /^callback 200$/m);
    assertNoSecrets([result.raw], storedSecrets(h));
  });
});

function storedSecrets(h: TempHome): string[] {
  const store = readJson(h.storePath);
  return Object.values(store.profiles as Record<string, Record<string, string>>).flatMap((p) => [p.access, p.refresh, p.token].filter((s): s is string => Boolean(s)));
}

test("remote terminal: the paste prompt takes the redirect URL; an existing profile is confirmed before it is replaced", async (t) => {
  await withTty(t, async (h) => {
    for (const round of [1, 2]) {
      const session = start(h, ["--provider", "acme"], { SSH_TTY: "/dev/pts/3" });
      const [, url] = await session.waitFor(/LOCAL browser:\s+(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/);
      await session.waitFor(/Paste the authorization code \(or full redirect URL\):/);
      const answer = await fetch(url!, { redirect: "manual" });
      await session.send(answer.headers.get("location")! + KEY.enter);
      if (round === 2) {
        await session.waitFor(/Auth profile acme:user@example\.com already exists\. Replace it/);
        await session.press(KEY.enter);
      }
      const result = await session.exit(10_000);
      assert.equal(result.code, 0, result.text);
      assert.match(result.text, /Auth profile: acme:user@example\.com \(acme\/oauth\)/);
    }
  });
});

test("Ctrl-C at the paste prompt, or while the device code is polled, exits 130 and writes nothing", async (t) => {
  await withTty(t, async (h) => {
    const before = readJson(h.configPath);
    const paste = start(h, ["--provider", "acme"], { SSH_TTY: "/dev/pts/3" });
    await paste.waitFor(/Paste the authorization code/);
    await paste.press(KEY.ctrlC);
    const pasted = await paste.exit();
    assert.equal(pasted.code, 130, pasted.text);
    assert.match(pasted.text, /Cancelled; nothing was changed\./);

    const device = start(h, ["--provider", "acme", "--device-code"]);
    await device.waitFor(/Waiting for approval… \d+:\d\d left/);
    await device.press(KEY.ctrlC);
    const polled = await device.exit();
    assert.equal(polled.code, 130, polled.text);
    assert.match(polled.text, /Cancelled; nothing was changed\./);
    assert.equal(existsSync(h.storePath), false);
    assert.deepEqual(readJson(h.configPath), before);
  });
});
