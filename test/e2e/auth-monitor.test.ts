// `openclaw auth-monitor run|install|termux-script` against fake ntfy and
// webhook servers on 127.0.0.1, a fake systemctl and a fake ssh: one
// notification per channel per finding, the hourly limit (the clock moved with
// OPENCLAW_AUTH_MONITOR_NOW), re-notify on change, "resolved", failing channels
// (exit 3, the others delivered and recorded), --command, and no secret anywhere.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { assertNoSecrets, makeHome, readJson, runCli, writeJson, type TempHome } from "../helpers/cli.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NOW = 1_800_000_000_000;
const TOKEN = "sk-ant-oat01-" + "Q".repeat(40) + "w".repeat(50);
const FRESH_TOKEN = "sk-ant-oat01-" + "F".repeat(45) + "z".repeat(45);
const KEY = "sk-ant-api03-" + "K".repeat(45) + "k".repeat(45);
const TOPIC = "alerts_Secret-Topic-7781";
const SECRETS = [TOKEN, FRESH_TOKEN, KEY];

interface Recorded {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface FakeServer {
  url: string;
  requests: Recorded[];
  /** What the next requests get: a status, or "hang" (never answer). */
  mode: number | "hang";
  close(): Promise<void>;
}

async function fakeServer(): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const fake = { requests, mode: 200 as number | "hang" } as FakeServer;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ url: req.url ?? "", headers: req.headers, body });
      if (fake.mode === "hang") return;
      res.writeHead(fake.mode, { "content-type": "application/json" }).end(fake.mode === 200 ? '{"id":"x"}' : '{"error":"boom"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

function writeStore(home: TempHome, profiles: Record<string, object>): void {
  writeJson(home.storePath, { version: 1, profiles });
}

/** An anthropic setup-token expiring `inMs` from NOW (negative: expired), next to an OpenAI-style static key. */
function tokenStore(home: TempHome, inMs: number, token = TOKEN, profileId = "anthropic:manual"): void {
  writeStore(home, {
    [profileId]: { type: "token", provider: "anthropic", token, expires: NOW + inMs },
    "anthropic:default": { type: "api_key", provider: "anthropic", key: KEY },
  });
}

const monitor = (home: TempHome, at: number, args: string[], env: Record<string, string> = {}) =>
  runCli(["auth-monitor", "run", ...args], { home: home.home, env: { OPENCLAW_AUTH_MONITOR_NOW: String(at), ...env } });

describe("auth-monitor run", () => {
  let ntfy: FakeServer;
  let hook: FakeServer;
  before(async () => {
    ntfy = await fakeServer();
    hook = await fakeServer();
  });
  after(async () => {
    await ntfy.close();
    await hook.close();
  });
  const reset = () => {
    ntfy.requests.length = 0;
    hook.requests.length = 0;
    ntfy.mode = 200;
    hook.mode = 200;
  };
  const channels = () => ["--ntfy", TOPIC, "--ntfy-server", ntfy.url, "--webhook", `${hook.url}/hook/private-path`];
  const everything = (home: TempHome, outputs: string[]) => [
    ...outputs,
    ...ntfy.requests.flatMap((r) => [r.body, JSON.stringify(r.headers)]),
    ...hook.requests.flatMap((r) => [r.body, JSON.stringify(r.headers)]),
    readFileSync(join(home.stateDir, "auth-monitor-state"), "utf8"),
  ];

  test("an expiring token: one notification per channel naming the profile and the fix; the hourly limit; again after an hour", async () => {
    reset();
    const home = makeHome();
    try {
      tokenStore(home, 3 * HOUR);
      const first = await monitor(home, NOW, channels());
      assert.equal(first.code, 2, first.stderr);
      assert.equal(first.stderr, "");
      assert.match(first.stdout, /anthropic:manual expires in 3h — fix: openclaw models auth paste-token --provider anthropic\n/);
      assert.match(first.stdout, /ntfy: sent \(1 finding\)/);
      assert.match(first.stdout, /webhook: sent \(1 finding\)/);

      assert.equal(ntfy.requests.length, 1);
      const push = ntfy.requests[0]!;
      assert.equal(push.url, `/${TOPIC}`);
      assert.equal(push.headers["priority"], "high");
      assert.equal(push.headers["tags"], "warning,key");
      assert.match(String(push.headers["title"]), /^OpenClaw auth on .+: 1 credential expiring$/);
      assert.equal(push.body, "anthropic:manual expires in 3h — fix: openclaw models auth paste-token --provider anthropic");

      assert.equal(hook.requests.length, 1);
      assert.equal(hook.requests[0]!.url, "/hook/private-path");
      assert.equal(hook.requests[0]!.headers["content-type"], "application/json");
      const payload = JSON.parse(hook.requests[0]!.body);
      assert.deepEqual(payload.findings, [
        { provider: "anthropic", profileId: "anthropic:manual", status: "expiring", expiresAt: NOW + 3 * HOUR, fix: "openclaw models auth paste-token --provider anthropic" },
      ]);
      assert.equal(payload.checkedAt, new Date(NOW).toISOString());
      assert.equal(typeof payload.host, "string");
      assert.ok(payload.host.length > 0);

      const statePath = join(home.stateDir, "auth-monitor-state");
      assert.equal(statSync(statePath).mode & 0o777, 0o600);
      assert.deepEqual(readJson(statePath).channels.ntfy, { sent: { "anthropic|anthropic:manual|expiring": NOW }, alerted: true });

      // Within the hour: nothing new, same exit code.
      const quiet = await monitor(home, NOW + 59 * MINUTE, channels());
      assert.equal(quiet.code, 2);
      assert.match(quiet.stdout, /ntfy: nothing new to send/);
      assert.equal(ntfy.requests.length, 1);
      assert.equal(hook.requests.length, 1);

      // An hour after the last notice: once more on each channel.
      const again = await monitor(home, NOW + 61 * MINUTE, channels());
      assert.equal(again.code, 2);
      assert.equal(ntfy.requests.length, 2);
      assert.equal(hook.requests.length, 2);
      assert.match(ntfy.requests[1]!.body, /anthropic:manual expires in 2h/);
      assertNoSecrets(everything(home, [first.stdout, first.stderr, quiet.stdout, again.stdout]), SECRETS);
      assert.ok(!first.stdout.includes(TOPIC) && !first.stdout.includes("private-path"), "the topic and the webhook URL stay out of the output");
    } finally {
      home.cleanup();
    }
  });

  test("a change re-notifies at once (expiring → expired), and all OK again sends one resolved notice", async () => {
    reset();
    const home = makeHome();
    try {
      tokenStore(home, 2 * HOUR);
      assert.equal((await monitor(home, NOW, channels())).code, 2);
      // Ten minutes later it has expired: a new finding, not rate-limited.
      tokenStore(home, -MINUTE);
      const expired = await monitor(home, NOW + 10 * MINUTE, channels());
      assert.equal(expired.code, 1);
      assert.equal(ntfy.requests.length, 2);
      assert.equal(ntfy.requests[1]!.headers["priority"], "urgent");
      assert.match(ntfy.requests[1]!.body, /^anthropic:manual expired 11m ago — fix: openclaw models auth paste-token --provider anthropic$/);
      assert.equal(JSON.parse(hook.requests[1]!.body).findings[0].status, "expired");

      // A fresh token: one "resolved" per channel, then silence.
      tokenStore(home, 30 * 24 * HOUR, FRESH_TOKEN);
      const resolved = await monitor(home, NOW + 20 * MINUTE, channels());
      assert.equal(resolved.code, 0, resolved.stderr);
      assert.match(resolved.stdout, /Auth check: OK/);
      assert.equal(ntfy.requests.length, 3);
      assert.match(String(ntfy.requests[2]!.headers["title"]), /all credentials OK again/);
      assert.equal(ntfy.requests[2]!.headers["priority"], "default");
      const resolvedHook = JSON.parse(hook.requests[2]!.body);
      assert.equal(resolvedHook.status, "resolved");
      assert.deepEqual(resolvedHook.findings, []);

      const later = await monitor(home, NOW + 3 * HOUR, channels());
      assert.equal(later.code, 0);
      assert.equal(ntfy.requests.length, 3);
      assert.equal(hook.requests.length, 3);
      assertNoSecrets(everything(home, [expired.stdout, resolved.stdout, later.stdout]), SECRETS);
    } finally {
      home.cleanup();
    }
  });

  test("a channel answering 500 is exit 3 with a clear error; the other is delivered and recorded, and only the failed one is retried", async () => {
    reset();
    const home = makeHome();
    try {
      tokenStore(home, -HOUR);
      ntfy.mode = 500;
      const failed = await monitor(home, NOW, channels());
      assert.equal(failed.code, 3);
      assert.match(failed.stderr, new RegExp(`Error: delivery failed: ntfy \\(127\\.0\\.0\\.1:\\d+\\) answered HTTP 500`));
      assert.match(failed.stderr, /the check itself exited 1/);
      assert.match(failed.stdout, /webhook: sent/);
      assert.equal(hook.requests.length, 1);
      const state = readJson(join(home.stateDir, "auth-monitor-state"));
      assert.deepEqual(Object.keys(state.channels), ["webhook"]);

      ntfy.mode = 200;
      const retried = await monitor(home, NOW + MINUTE, channels());
      assert.equal(retried.code, 1, retried.stderr);
      assert.equal(ntfy.requests.length, 2, "ntfy is retried on the next run");
      assert.equal(hook.requests.length, 1, "the webhook, already told, stays quiet");
      assert.ok(!failed.stderr.includes(TOPIC));
      assertNoSecrets(everything(home, [failed.stdout, failed.stderr, retried.stdout]), SECRETS);
    } finally {
      home.cleanup();
    }
  });

  test("a channel that never answers times out (--timeout) with exit 3; the other channel is still delivered", async () => {
    reset();
    const home = makeHome();
    try {
      tokenStore(home, HOUR);
      hook.mode = "hang";
      const started = Date.now();
      const result = await monitor(home, NOW, [...channels(), "--timeout", "0.5", "--json"]);
      assert.ok(Date.now() - started < 10_000, "the run does not wait for the hanging server");
      assert.equal(result.code, 3);
      const report = JSON.parse(result.stdout);
      assert.equal(report.exitCode, 3);
      assert.equal(report.checkExitCode, 2);
      assert.deepEqual(
        report.notifications.map((n: { channel: string; result: string }) => [n.channel, n.result]),
        [["ntfy", "sent"], ["webhook", "failed"]],
      );
      assert.match(report.notifications[1].error, /no answer within 500 ms/);
      assert.equal(ntfy.requests.length, 1);
      assert.ok(readJson(join(home.stateDir, "auth-monitor-state")).channels.ntfy.alerted);
    } finally {
      home.cleanup();
    }
  });

  test("a webhook URL with user:password@ is sent as Basic auth; a failing URL is never quoted in the error", async () => {
    reset();
    const home = makeHome();
    try {
      tokenStore(home, HOUR);
      const withUser = hook.url.replace("http://", "http://monitor:s3cret-pass@") + "/hook";
      const refused = "http://127.0.0.1:9/hook/very-secret-path?token=abc123";
      const result = await monitor(home, NOW, ["--webhook", withUser, "--ntfy", TOPIC, "--ntfy-server", refused]);
      assert.equal(result.code, 3);
      assert.equal(hook.requests.length, 1);
      assert.equal(hook.requests[0]!.url, "/hook");
      assert.equal(hook.requests[0]!.headers["authorization"], `Basic ${Buffer.from("monitor:s3cret-pass").toString("base64")}`);
      assert.match(result.stderr, /Error: delivery failed: ntfy \(127\.0\.0\.1:9\): /);
      for (const text of [result.stdout, result.stderr]) {
        for (const secret of ["s3cret-pass", "very-secret-path", "abc123", TOPIC]) assert.ok(!text.includes(secret), `${secret} appeared`);
      }
    } finally {
      home.cleanup();
    }
  });

  test("--command gets the message on stdin and the fields in variables, never through the shell", async () => {
    const home = makeHome();
    try {
      // A hand-written profile id that a shell would run.
      const hostile = "anthropic:$(touch PWNED)";
      tokenStore(home, HOUR, TOKEN, hostile);
      const out = join(home.home, "stdin.txt");
      const envOut = join(home.home, "env.txt");
      const command = 'cat > "$OUT"; env | grep "^OPENCLAW_AUTH_" | sort > "$ENV_OUT"';
      const result = await monitor(home, NOW, ["--command", command], { OUT: out, ENV_OUT: envOut });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stdout, /command: sent \(1 finding\)/);
      const stdin = readFileSync(out, "utf8");
      assert.match(stdin, /^OpenClaw auth on .+: 1 credential expiring\n\n/);
      assert.match(stdin, /anthropic:\$\(touch PWNED\) expires in 1h — fix: openclaw models auth paste-token --provider anthropic --profile-id 'anthropic:\$\(touch PWNED\)'\n$/);
      const env = readFileSync(envOut, "utf8");
      assert.match(env, /^OPENCLAW_AUTH_STATUS=expiring$/m);
      assert.match(env, /^OPENCLAW_AUTH_EXIT_CODE=2$/m);
      assert.match(env, /^OPENCLAW_AUTH_PROFILES=anthropic:\$\(touch PWNED\)$/m);
      assert.match(env, /^OPENCLAW_AUTH_PROVIDERS=anthropic$/m);
      assert.equal(JSON.parse(/^OPENCLAW_AUTH_FINDINGS=(.*)$/m.exec(env)![1]!)[0].profileId, hostile);
      assert.ok(!existsSync(join(home.home, "PWNED")), "no value was run by a shell");
      assertNoSecrets([stdin, env, result.stdout, result.stderr], SECRETS);

      // A command that fails is a failed delivery.
      const failing = await monitor(home, NOW + 2 * HOUR, ["--command", "echo nope >&2; exit 4"]);
      assert.equal(failing.code, 3);
      assert.match(failing.stderr, /Error: delivery failed: command: exit 4 \(nope\)/);
    } finally {
      home.cleanup();
    }
  });

  test("no credential at all for the default model is exit 1 with the command that adds one; without channels nothing is sent", async () => {
    const home = makeHome();
    try {
      const result = await monitor(home, NOW, []);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /anthropic \(no credential\) missing — fix: openclaw models auth paste-api-key --provider anthropic/);
      assert.match(result.stdout, /No notification channel/);
    } finally {
      home.cleanup();
    }
  });

  test("--warn-hours sets what counts as expiring (default 24 h, as --check)", async () => {
    reset();
    const home = makeHome();
    try {
      tokenStore(home, 5 * HOUR);
      const narrow = await monitor(home, NOW, [...channels(), "--warn-hours", "2"]);
      assert.equal(narrow.code, 0, narrow.stdout);
      assert.equal(ntfy.requests.length, 0);
      const check = await runCli(["models", "status", "--check"], { home: home.home });
      assert.equal(check.code, 0); // the real clock: the token is far in the future
      const wide = await monitor(home, NOW, [...channels(), "--warn-hours", "6"]);
      assert.equal(wide.code, 2);
      assert.equal(ntfy.requests.length, 1);
    } finally {
      home.cleanup();
    }
  });

  test("bad flags are usage errors that do not echo the topic", async () => {
    const home = makeHome();
    try {
      const topic = await monitor(home, NOW, ["--ntfy", "has spaces/secret"]);
      assert.equal(topic.code, 1);
      assert.match(topic.stderr, /^Error: --ntfy must be an ntfy topic name/);
      assert.ok(!topic.stderr.includes("has spaces"));
      const hours = await monitor(home, NOW, ["--warn-hours", "soon"]);
      assert.equal(hours.code, 1);
      assert.match(hours.stderr, /--warn-hours must be a positive number/);
      const url = await monitor(home, NOW, ["--webhook", "file:///etc/passwd"]);
      assert.equal(url.code, 1);
      assert.match(url.stderr, /--webhook must be an http\(s\) URL/);
    } finally {
      home.cleanup();
    }
  });
});

describe("auth-monitor install", () => {
  function fakeSystemctl(home: TempHome, script: string): Record<string, string> {
    const bin = join(home.home, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "systemctl"), `#!/bin/sh\necho "$@" >> "${join(home.home, "systemctl.log")}"\n${script}\n`);
    chmodSync(join(bin, "systemctl"), 0o755);
    return { PATH: `${bin}:${process.env.PATH}` };
  }
  const systemctlCalls = (home: TempHome) => (existsSync(join(home.home, "systemctl.log")) ? readFileSync(join(home.home, "systemctl.log"), "utf8").trim().split("\n") : []);

  test("writes the timer and service, keeps topic and URL in a 0600 settings file, and enables the timer", async () => {
    const home = makeHome();
    const hook = await fakeServer();
    try {
      const webhook = `${hook.url}/hook/secret-token-path`;
      const result = await runCli(["auth-monitor", "install", "--every", "15m", "--ntfy", TOPIC, "--webhook", webhook, "--warn-hours", "6"], { home: home.home, env: fakeSystemctl(home, "exit 0") });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(systemctlCalls(home), ["--user daemon-reload", "--user enable --now openclaw-auth-monitor.timer"]);
      const unitDir = join(home.home, ".config", "systemd", "user");
      const service = readFileSync(join(unitDir, "openclaw-auth-monitor.service"), "utf8");
      const timer = readFileSync(join(unitDir, "openclaw-auth-monitor.timer"), "utf8");
      const settingsFile = join(home.stateDir, "auth-monitor.json");
      assert.match(service, /^Type=oneshot$/m);
      const execStart = /^ExecStart=(.*)$/m.exec(service)![1]!.split(" ").map((word) => JSON.parse(word) as string);
      assert.deepEqual(execStart.slice(2), ["auth-monitor", "run", "--config", settingsFile]);
      assert.match(execStart[1]!, /\/dist\/openclaw\.cjs$/);
      assert.equal(statSync(join(unitDir, "openclaw-auth-monitor.service")).mode & 0o777, 0o644);
      assert.match(service, /^SuccessExitStatus=1 2$/m);
      assert.match(timer, /^OnBootSec=5min$/m);
      assert.match(timer, /^OnUnitActiveSec=15min$/m);
      assert.match(timer, /^Persistent=true$/m);
      assert.match(timer, /^WantedBy=timers\.target$/m);
      for (const text of [service, timer, result.stdout]) {
        assert.ok(!text.includes(TOPIC), "no ntfy topic in the units or the output");
        assert.ok(!text.includes("secret-token-path"), "no webhook URL in the units or the output");
      }
      assert.equal(statSync(settingsFile).mode & 0o777, 0o600);
      assert.deepEqual(readJson(settingsFile), { version: 1, flags: { ntfy: TOPIC, webhook, warnHours: "6" } });

      // What the service runs works: the settings file drives the run (ntfy is not reachable here, so exit 3).
      tokenStore(home, HOUR);
      // Not spawnSync: the fake webhook answers from this process's event loop.
      const ran = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(execStart[0]!, execStart.slice(1).concat(["--ntfy-server", "http://127.0.0.1:9"]), {
          env: { PATH: process.env.PATH, HOME: home.home, NO_COLOR: "1", OPENCLAW_AUTH_MONITOR_NOW: String(NOW) },
        });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("close", (status) => resolve({ status, stderr }));
      });
      assert.equal(ran.status, 3, ran.stderr);
      assert.match(ran.stderr, /delivery failed: ntfy \(127\.0\.0\.1:9\)/);
      assert.equal(hook.requests.length, 1);
      assert.equal(hook.requests[0]!.url, "/hook/secret-token-path");
      assert.equal(JSON.parse(hook.requests[0]!.body).findings[0].status, "expiring");
    } finally {
      await hook.close();
      home.cleanup();
    }
  });

  test("--no-start writes the units and says how to start them, without calling systemctl; OPENCLAW_STATE_DIR reaches the unit", async () => {
    const home = makeHome();
    try {
      const stateDir = join(home.home, "my state");
      const result = await runCli(["auth-monitor", "install", "--no-start"], { home: home.home, env: { ...fakeSystemctl(home, "exit 0"), OPENCLAW_STATE_DIR: stateDir } });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(systemctlCalls(home), []);
      assert.match(result.stdout, /systemctl --user daemon-reload && systemctl --user enable --now openclaw-auth-monitor\.timer/);
      const service = readFileSync(join(home.home, ".config", "systemd", "user", "openclaw-auth-monitor.service"), "utf8");
      assert.match(service, /^Environment="OPENCLAW_STATE_DIR=.*\/my state"$/m);
      assert.match(service, /"--config" ".*\/my state\/auth-monitor\.json"$/m);
      assert.match(readFileSync(join(home.home, ".config", "systemd", "user", "openclaw-auth-monitor.timer"), "utf8"), /^OnUnitActiveSec=30min$/m);
    } finally {
      home.cleanup();
    }
  });

  test("without a user systemd: a clear error, the manual command and a cron line", async () => {
    const home = makeHome();
    try {
      const env = fakeSystemctl(home, 'echo "Failed to connect to bus: No medium found" >&2; exit 1');
      const result = await runCli(["auth-monitor", "install", "--ntfy", TOPIC], { home: home.home, env });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Error: No user systemd here \(Failed to connect to bus: No medium found\); the units are written but not started\./);
      assert.match(result.stderr, /loginctl enable-linger \$USER`\): systemctl --user daemon-reload && systemctl --user enable --now openclaw-auth-monitor\.timer/);
      assert.match(result.stderr, /crontab -e\): \*\/30 \* \* \* \* .*auth-monitor run --config ~\/\.openclaw\/auth-monitor\.json/);
      assert.ok(!result.stderr.includes(TOPIC));
      assert.deepEqual(systemctlCalls(home), ["--user daemon-reload"]);
    } finally {
      home.cleanup();
    }
  });

  test("uninstall disables the timer and removes the units and the settings file; the state file stays", async () => {
    const home = makeHome();
    try {
      const env = fakeSystemctl(home, "exit 0");
      assert.equal((await runCli(["auth-monitor", "install", "--ntfy", TOPIC], { home: home.home, env })).code, 0);
      writeFileSync(join(home.stateDir, "auth-monitor-state"), '{"version":1,"channels":{}}');
      const result = await runCli(["auth-monitor", "uninstall"], { home: home.home, env });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(systemctlCalls(home).slice(2), ["--user disable --now openclaw-auth-monitor.timer", "--user daemon-reload"]);
      const unitDir = join(home.home, ".config", "systemd", "user");
      for (const gone of [join(unitDir, "openclaw-auth-monitor.timer"), join(unitDir, "openclaw-auth-monitor.service"), join(home.stateDir, "auth-monitor.json")]) assert.ok(!existsSync(gone), gone);
      assert.ok(existsSync(join(home.stateDir, "auth-monitor-state")));
      assert.match(result.stdout, /Stopped and disabled openclaw-auth-monitor\.timer/);

      // Without a user systemd the files still go, and the command says what to run where it is.
      const noBus = fakeSystemctl(home, 'echo "Failed to connect to bus: No medium found" >&2; exit 1');
      await runCli(["auth-monitor", "install", "--no-start"], { home: home.home, env: noBus });
      const orphan = await runCli(["auth-monitor", "uninstall"], { home: home.home, env: noBus });
      assert.equal(orphan.code, 1);
      assert.match(orphan.stderr, /^Error: No user systemd here \(Failed to connect to bus: No medium found\), so the timer was not asked to stop\.\nWhere your user manager runs: systemctl --user disable --now openclaw-auth-monitor\.timer/);
      assert.ok(!existsSync(join(unitDir, "openclaw-auth-monitor.timer")));
    } finally {
      home.cleanup();
    }
  });

  test("a bad --every is refused before anything is written", async () => {
    const home = makeHome();
    try {
      const result = await runCli(["auth-monitor", "install", "--every", "often"], { home: home.home, env: fakeSystemctl(home, "exit 0") });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /--every must be a number with a unit/);
      assert.ok(!existsSync(join(home.home, ".config", "systemd")));
    } finally {
      home.cleanup();
    }
  });
});

describe("auth-monitor termux-script", () => {
  test("prints a widget script that checks over ssh and maps each exit code to a notification", async () => {
    const home = makeHome();
    try {
      const printed = await runCli(["auth-monitor", "termux-script", "--host", "admin@gateway.lan"], { home: home.home });
      assert.equal(printed.code, 0, printed.stderr);
      const script = printed.stdout;
      assert.match(script, /^#!\/data\/data\/com\.termux\/files\/usr\/bin\/bash\n/);
      assert.match(script, /HOST=\$\{OPENCLAW_SSH_HOST:-'admin@gateway\.lan'\}/);
      assert.match(script, /ssh -o BatchMode=yes -o ConnectTimeout=10 "\$HOST" "\$OPENCLAW_BIN models status --check"/);
      assert.match(script, /termux-notification --id openclaw-auth/);

      // Run it with bash against a fake ssh and a fake termux-notification.
      const bin = join(home.home, "bin");
      mkdirSync(bin);
      const path = join(home.home, "widget.sh");
      writeFileSync(path, script);
      writeFileSync(join(bin, "ssh"), '#!/bin/sh\necho "$@" > "$CALLS/ssh"\nprintf "%s\\n" "$FAKE_OUT"\nexit "$FAKE_RC"\n');
      writeFileSync(join(bin, "termux-notification"), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$CALLS/notification"\n');
      chmodSync(join(bin, "ssh"), 0o755);
      chmodSync(join(bin, "termux-notification"), 0o755);
      const run = (rc: number, out: string) => {
        const result = spawnSync("bash", [path], { env: { PATH: `${bin}:${process.env.PATH}`, CALLS: home.home, FAKE_RC: String(rc), FAKE_OUT: out }, encoding: "utf8" });
        return { status: result.status, notification: readFileSync(join(home.home, "notification"), "utf8").split("\n"), ssh: readFileSync(join(home.home, "ssh"), "utf8") };
      };
      const ok = run(0, "OAuth/token status\n  - anthropic:manual ok expires in 30d");
      assert.equal(ok.status, 0);
      assert.equal(ok.ssh.trim(), "-o BatchMode=yes -o ConnectTimeout=10 admin@gateway.lan openclaw models status --check");
      assert.deepEqual(ok.notification.slice(0, 6), ["--id", "openclaw-auth", "--title", "OpenClaw auth: OK", "--content", "All credentials OK on admin@gateway.lan"]);
      const expired = run(1, "OAuth/token status\n- anthropic\n  - anthropic:manual expired 2h ago");
      assert.equal(expired.status, 1);
      assert.equal(expired.notification[3], "OpenClaw auth: EXPIRED or missing");
      assert.equal(expired.notification[5], "anthropic:manual expired 2h ago. Run on admin@gateway.lan: openclaw models status");
      assert.equal(expired.notification[7], "max");
      const expiring = run(2, "  - anthropic:soon expiring expires in 5h");
      assert.equal(expiring.notification[3], "OpenClaw auth: expiring soon");
      assert.match(expiring.notification[5]!, /^anthropic:soon expiring expires in 5h\./);
      const unreachable = run(255, "ssh: connect to host gateway.lan port 22: Connection refused");
      assert.equal(unreachable.status, 255);
      assert.equal(unreachable.notification[3], "OpenClaw auth: admin@gateway.lan unreachable");
      assert.match(unreachable.notification[5]!, /Connection refused/);
    } finally {
      home.cleanup();
    }
  });

  test("a host that ssh would read as an option, or a shell as code, is refused", async () => {
    const home = makeHome();
    try {
      for (const host of ["-oProxyCommand=touch_x", "gw;rm -rf ~", "$(id)"]) {
        const result = await runCli(["auth-monitor", "termux-script", "--host", host], { home: home.home });
        assert.equal(result.code, 1, host);
        assert.match(result.stderr, /^Error: --host must be an ssh host/);
        assert.equal(result.stdout, "");
      }
    } finally {
      home.cleanup();
    }
  });
});
