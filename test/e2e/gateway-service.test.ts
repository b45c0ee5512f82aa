// `openclaw gateway install|uninstall|start|stop|restart|status` (issue 10):
// the systemd unit and the LaunchAgent rendered and checked (content, paths,
// state dir passthrough, no secrets, mode 0644), both command paths driven
// through fake `systemctl` / `launchctl` scripts on PATH that record their
// arguments (no real service manager is touched), the message when there is
// no systemd, status against a real gateway and against none, and an
// uninstall that leaves `.env` and the state alone.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, assertNoSecrets, inTempHome, runCli, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";
import { spawnGateway } from "../helpers/gateway.ts";
import { renderLaunchdPlist, renderSystemdUnit, systemdQuote, xmlEscape, type ServiceSpec } from "../../src/ops/service/render.ts";
import { installGatewayService, serviceSpec } from "../../src/ops/service/index.ts";

const ENV_KEY = "sk-ant-api03-in-dotenv-" + "d".repeat(40);
const PROCESS_KEY = "sk-proj-in-process-env-" + "p".repeat(40);
const CONFIG_TOKEN = "gateway-config-token-" + "c".repeat(32);
const ENV_TOKEN = "gateway-env-token-" + "e".repeat(32);
const SECRETS = [ENV_KEY, PROCESS_KEY, CONFIG_TOKEN, ENV_TOKEN];

const UNIT = "openclaw-gateway.service";
const unitPath = (home: TempHome) => join(home.home, ".config", "systemd", "user", UNIT);
const plistPath = (home: TempHome) => join(home.home, "Library", "LaunchAgents", "ai.openclaw.gateway.plist");
const UID = process.getuid!();

// A stateful stand-in for `systemctl --user`: it logs its arguments, keeps
// "enabled"/"active" as files, and with FAKE_MODE=nobus fails like systemctl
// in a container without a user bus.
const FAKE_SYSTEMCTL = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DIR/calls.log"
if [ "$FAKE_MODE" = nobus ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi
case "$*" in
  *" is-enabled "*) if [ -f "$FAKE_DIR/enabled" ]; then echo enabled; exit 0; else echo disabled; exit 1; fi ;;
  *" is-active "*) if [ -f "$FAKE_DIR/active" ]; then echo active; exit 0; else echo inactive; exit 3; fi ;;
  *" enable --now "*) touch "$FAKE_DIR/enabled" "$FAKE_DIR/active" ;;
  *" disable --now "*) rm -f "$FAKE_DIR/enabled" "$FAKE_DIR/active" ;;
  *" start "*|*" restart "*) touch "$FAKE_DIR/active" ;;
  *" stop "*) rm -f "$FAKE_DIR/active" ;;
esac
exit 0
`;

// The same for launchctl: "loaded" is a file; print answers like launchctl does.
const FAKE_LAUNCHCTL = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DIR/calls.log"
case "$1" in
  print) if [ -f "$FAKE_DIR/loaded" ]; then printf 'gui/${UID}/ai.openclaw.gateway = {\\n\\tstate = running\\n\\tpid = 4242\\n}\\n'; exit 0; else echo "Could not find service \\"ai.openclaw.gateway\\" in domain for user gui: ${UID}" >&2; exit 113; fi ;;
  bootstrap) touch "$FAKE_DIR/loaded" ;;
  bootout) rm -f "$FAKE_DIR/loaded" ;;
esac
exit 0
`;

interface Fake {
  dir: string;
  env: Record<string, string | undefined>;
  calls(): string[];
  cleanup(): void;
}

function fakeManager(program: "systemctl" | "launchctl", mode?: "nobus"): Fake {
  const dir = mkdtempSync(join(tmpdir(), `openclaw-fake-${program}-`));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, program), program === "systemctl" ? FAKE_SYSTEMCTL : FAKE_LAUNCHCTL);
  chmodSync(join(bin, program), 0o755);
  return {
    dir,
    env: { PATH: `${bin}:${process.env.PATH}`, FAKE_DIR: dir, FAKE_MODE: mode, ...(program === "launchctl" ? { OPENCLAW_SERVICE_PLATFORM: "launchd" } : { OPENCLAW_SERVICE_PLATFORM: "systemd" }) },
    calls: () => (existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n").filter(Boolean) : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function withFake(program: "systemctl" | "launchctl", fn: (fake: Fake) => Promise<void>, mode?: "nobus"): Promise<void> {
  const fake = fakeManager(program, mode);
  try {
    await fn(fake);
  } finally {
    fake.cleanup();
  }
}

/** A state with secrets in every place one can be: .env, the config, the process environment. */
function seedSecrets(home: TempHome): Record<string, string> {
  mkdirSync(home.stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(home.stateDir, ".env"), `ANTHROPIC_API_KEY=${ENV_KEY}\n`, { mode: 0o600 });
  writeJson(home.configPath, { gateway: { auth: { token: CONFIG_TOKEN } } });
  return { OPENAI_API_KEY: PROCESS_KEY, OPENCLAW_GATEWAY_TOKEN: ENV_TOKEN };
}

function assertClean(result: CliResult, files: string[]): void {
  assertNoSecrets([result.stdout, result.stderr, ...files.map((file) => readFileSync(file, "utf8"))], SECRETS);
}

/** Every file under `dir` with its bytes and mtime, to show nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[path] = `${statSync(path).mtimeMs}:${statSync(path).mode}:${readFileSync(path, "base64")}`;
    }
  };
  walk(dir);
  return out;
}

const SPEC: ServiceSpec = { nodePath: "/opt/node 20/bin/node", cliPath: "/opt/oc/dist/openclaw.cjs", stateDir: "/home/u/.openclaw", environment: {} };

describe("service files, rendered", () => {
  test("the systemd unit runs this node and this dist/openclaw.cjs in the state dir, restarts on failure, and carries no .env", () => {
    const unit = renderSystemdUnit(SPEC);
    assert.match(unit, /^ExecStart="\/opt\/node 20\/bin\/node" "\/opt\/oc\/dist\/openclaw\.cjs" "gateway"$/m);
    assert.match(unit, /^WorkingDirectory="\/home\/u\/\.openclaw"$/m);
    assert.match(unit, /^Restart=on-failure$/m);
    assert.match(unit, /^WantedBy=default\.target$/m);
    // The gateway reads <state>/.env itself; a copy in the environment would shadow every later edit of it.
    assert.doesNotMatch(unit, /EnvironmentFile|^Environment=/m);
  });

  test("a non-default state dir is passed as OPENCLAW_STATE_DIR, quoted and %-escaped for systemd", () => {
    const unit = renderSystemdUnit({ ...SPEC, stateDir: "/srv/oc 100%", environment: { OPENCLAW_STATE_DIR: "/srv/oc 100%" } });
    assert.match(unit, /^Environment="OPENCLAW_STATE_DIR=\/srv\/oc 100%%"$/m);
    assert.match(unit, /^WorkingDirectory="\/srv\/oc 100%%"$/m);
    assert.equal(systemdQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.throws(() => systemdQuote("line\nbreak"), /control character/);
  });

  test("the LaunchAgent runs the gateway directly, keeps it alive only after a crash, and holds no secret", () => {
    const plist = renderLaunchdPlist({ ...SPEC, stateDir: "/Users/u/a&b", environment: { OPENCLAW_STATE_DIR: "/Users/u/a&b" }, logPath: "/Users/u/a&b/logs/gateway.log" });
    assert.match(plist, /<key>Label<\/key>\s*<string>ai\.openclaw\.gateway<\/string>/);
    assert.match(plist, /<key>ProgramArguments<\/key>\s*<array>\s*<string>\/opt\/node 20\/bin\/node<\/string>\s*<string>\/opt\/oc\/dist\/openclaw\.cjs<\/string>\s*<string>gateway<\/string>\s*<\/array>/);
    assert.match(plist, /<key>EnvironmentVariables<\/key>\s*<dict>\s*<key>OPENCLAW_STATE_DIR<\/key>\s*<string>\/Users\/u\/a&amp;b<\/string>\s*<\/dict>/);
    assert.match(plist, /<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key>\s*<false\/>/);
    assert.match(plist, /<key>StandardErrorPath<\/key>\s*<string>\/Users\/u\/a&amp;b\/logs\/gateway\.log<\/string>/);
    assert.equal(xmlEscape(`<'">`), "&lt;&apos;&quot;&gt;");
    // Default state dir: no EnvironmentVariables at all.
    assert.doesNotMatch(renderLaunchdPlist(SPEC), /EnvironmentVariables/);
  });

  test("only the variables that locate the state reach a service, never a key or token from the environment", () => {
    const env = { HOME: "/home/u", OPENCLAW_STATE_DIR: "~/oc", ANTHROPIC_API_KEY: PROCESS_KEY, OPENCLAW_GATEWAY_TOKEN: ENV_TOKEN };
    const spec = serviceSpec({ env, cliPath: "/x/dist/openclaw.cjs", nodePath: "/usr/bin/node" }, "systemd");
    assert.deepEqual(spec.environment, { OPENCLAW_STATE_DIR: "/home/u/oc" });
    assert.equal(spec.stateDir, "/home/u/oc");
    assertNoSecrets([renderSystemdUnit(spec), renderLaunchdPlist(serviceSpec({ env, cliPath: "/x/dist/openclaw.cjs" }, "launchd"))], SECRETS);
  });

  test("the API runs no service manager with start: false, and says what to run instead", async () => {
    await inTempHome(async (home) => {
      const calls: string[] = [];
      const result = await installGatewayService({ env: { HOME: home.home }, platform: "systemd", start: false, cliPath: "/x/dist/openclaw.cjs", runner: async (program, args) => (calls.push(`${program} ${args.join(" ")}`), { code: 0, stdout: "", stderr: "" }) });
      assert.deepEqual(calls, []);
      assert.equal(result.manager, "skipped");
      assert.equal(result.fileStatus, "created");
      assert.equal(result.path, unitPath(home));
      assert.ok(result.manual.includes(`systemctl --user enable --now ${UNIT}`));
    });
  });
});

describe("openclaw gateway install / uninstall with systemd (fake systemctl)", () => {
  test("install writes a 0644 unit for this installation without any secret, reloads and enables it; a second install is a no-op that says so", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        const env = { ...seedSecrets(home), ...fake.env };
        const first = await runCli(["gateway", "install"], { home: home.home, env });
        assert.equal(first.code, 0, first.stderr);
        const path = unitPath(home);
        assert.equal(statSync(path).mode & 0o777, 0o644);
        const unit = readFileSync(path, "utf8");
        assert.ok(unit.includes(`ExecStart="${process.execPath}" "${CLI}" "gateway"`), unit);
        assert.ok(unit.includes(`WorkingDirectory="${home.stateDir}"`));
        assert.doesNotMatch(unit, /^Environment/m); // default state dir: nothing to pass
        assertClean(first, [path]);
        assert.match(first.stdout, /Wrote the systemd user unit ~\/\.config\/systemd\/user\/openclaw-gateway\.service/);
        assert.match(first.stdout, /Enabled and started openclaw-gateway\.service/);
        assert.deepEqual(fake.calls(), ["--user daemon-reload", `--user enable --now ${UNIT}`]);

        const second = await runCli(["gateway", "install"], { home: home.home, env });
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, /already up to date \(unchanged\)/);
        assert.equal(readFileSync(path, "utf8"), unit);
        // Unchanged: nothing restarted.
        assert.deepEqual(fake.calls().slice(2), ["--user daemon-reload", `--user enable --now ${UNIT}`]);
        assertClean(second, [path]);
      });
    });
  });

  test("a non-default state dir reaches the unit, and a changed unit restarts a running gateway", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        await runCli(["gateway", "install"], { home: home.home, env: fake.env });
        const custom = join(home.home, "elsewhere");
        const result = await runCli(["gateway", "install"], { home: home.home, env: { ...fake.env, OPENCLAW_STATE_DIR: custom } });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /Updated the systemd user unit/);
        const unit = readFileSync(unitPath(home), "utf8");
        assert.ok(unit.includes(`Environment="OPENCLAW_STATE_DIR=${custom}"`), unit);
        assert.ok(unit.includes(`WorkingDirectory="${custom}"`));
        assert.ok(existsSync(custom), "the working directory exists, or systemd would not start the unit");
        assert.deepEqual(fake.calls().slice(2), ["--user daemon-reload", `--user try-restart ${UNIT}`, `--user enable --now ${UNIT}`]);
      });
    });
  });

  test("--no-start writes the unit and runs no systemctl", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        const result = await runCli(["gateway", "install", "--no-start"], { home: home.home, env: fake.env });
        assert.equal(result.code, 0, result.stderr);
        assert.ok(existsSync(unitPath(home)));
        assert.deepEqual(fake.calls(), []);
        assert.match(result.stdout, /Not started \(--no-start\)/);
        assert.match(result.stdout, /systemctl --user enable --now openclaw-gateway\.service/);
      });
    });
  });

  test("uninstall stops, disables and removes the unit, reloads systemd, and leaves .env and the state byte for byte", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        const env = { ...seedSecrets(home), ...fake.env };
        writeJson(home.storePath, { version: 1, profiles: { "anthropic:default": { type: "api_key", provider: "anthropic", key: ENV_KEY } } });
        await runCli(["gateway", "install"], { home: home.home, env });
        const before = snapshot(home.stateDir);
        const result = await runCli(["gateway", "uninstall"], { home: home.home, env });
        assert.equal(result.code, 0, result.stderr);
        assert.ok(!existsSync(unitPath(home)));
        assert.deepEqual(fake.calls().slice(2), [`--user disable --now ${UNIT}`, "--user daemon-reload"]);
        assert.deepEqual(snapshot(home.stateDir), before);
        assert.ok(Object.keys(before).some((path) => path.endsWith(".env")));
        assert.match(result.stdout, /Removed ~\/\.config\/systemd\/user\/openclaw-gateway\.service/);
        assert.match(result.stdout, /Your \.env, credentials and other state were left as they are/);
        assertClean(result, []);

        const again = await runCli(["gateway", "uninstall"], { home: home.home, env });
        assert.equal(again.code, 0);
        assert.match(again.stdout, /nothing to remove/);
      });
    });
  });

  test("start, stop and restart go to systemctl; without an installed unit they say how to install it", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        const missing = await runCli(["gateway", "start"], { home: home.home, env: fake.env });
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /not installed[\s\S]*openclaw gateway install/);
        await runCli(["gateway", "install", "--no-start"], { home: home.home, env: fake.env });
        for (const action of ["start", "stop", "restart"]) {
          const result = await runCli(["gateway", action], { home: home.home, env: fake.env });
          assert.equal(result.code, 0, result.stderr);
        }
        assert.deepEqual(fake.calls(), [`--user start ${UNIT}`, `--user stop ${UNIT}`, `--user restart ${UNIT}`]);
      });
    });
  });
});

describe("without systemd", () => {
  test("no user bus (a container): the unit is written, the message names the cause and the commands to run by hand, exit 1", async () => {
    await inTempHome(async (home) => {
      await withFake(
        "systemctl",
        async (fake) => {
          const result = await runCli(["gateway", "install"], { home: home.home, env: fake.env });
          assert.equal(result.code, 1);
          assert.ok(existsSync(unitPath(home)));
          assert.match(result.stdout, /systemd is not available here \(Failed to connect to bus: No medium found\)/);
          assert.match(result.stdout, /systemctl --user daemon-reload\n\s+systemctl --user enable --now openclaw-gateway\.service/);
          assert.ok(result.stdout.includes(`or run it in the foreground: ${process.execPath} ${CLI} gateway`));

          const status = await runCli(["gateway", "status"], { home: home.home, env: fake.env });
          assert.equal(status.code, 1);
          assert.match(status.stdout, /^Running: +unknown: systemd is not available here/m);
        },
        "nobus",
      );
    });
  });

  test("no systemctl at all: the same message; --no-start still writes the files and succeeds", async () => {
    await inTempHome(async (home) => {
      const empty = mkdtempSync(join(tmpdir(), "openclaw-nopath-"));
      try {
        const env = { PATH: empty, OPENCLAW_SERVICE_PLATFORM: "systemd" };
        const result = await runCli(["gateway", "install"], { home: home.home, env });
        assert.equal(result.code, 1);
        assert.match(result.stdout, /systemd is not available here \(systemctl not found\)/);
        rmSync(unitPath(home));
        const noStart = await runCli(["gateway", "install", "--no-start"], { home: home.home, env });
        assert.equal(noStart.code, 0, noStart.stderr);
        assert.ok(existsSync(unitPath(home)));
        const uninstall = await runCli(["gateway", "uninstall"], { home: home.home, env });
        assert.equal(uninstall.code, 0);
        assert.ok(!existsSync(unitPath(home)));
        assert.match(uninstall.stdout, /not asked to stop the service/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });
  });
});

describe("openclaw gateway install / uninstall with launchd (fake launchctl)", () => {
  test("install writes the LaunchAgent without secrets and bootstraps it; again: kickstart only; a changed plist is reloaded; uninstall boots it out", async () => {
    await inTempHome(async (home) => {
      await withFake("launchctl", async (fake) => {
        const env = { ...seedSecrets(home), ...fake.env };
        const path = plistPath(home);
        const first = await runCli(["gateway", "install"], { home: home.home, env });
        assert.equal(first.code, 0, first.stderr);
        assert.equal(statSync(path).mode & 0o777, 0o644);
        const plist = readFileSync(path, "utf8");
        assert.ok(plist.includes(`<string>${process.execPath}</string>\n    <string>${CLI}</string>\n    <string>gateway</string>`), plist);
        assert.doesNotMatch(plist, /EnvironmentVariables/);
        assert.ok(plist.includes(`<string>${join(home.stateDir, "logs", "gateway.log")}</string>`));
        assert.ok(existsSync(join(home.stateDir, "logs")), "launchd does not create the log's directory");
        assertClean(first, [path]);
        const target = `gui/${UID}/ai.openclaw.gateway`;
        assert.deepEqual(fake.calls(), [`print ${target}`, `bootstrap gui/${UID} ${path}`]);

        const second = await runCli(["gateway", "install"], { home: home.home, env });
        assert.match(second.stdout, /already up to date \(unchanged\)/);
        assert.deepEqual(fake.calls().slice(2), [`print ${target}`, `kickstart ${target}`]);

        const custom = join(home.home, "custom-state");
        const third = await runCli(["gateway", "install"], { home: home.home, env: { ...env, OPENCLAW_STATE_DIR: custom } });
        assert.equal(third.code, 0, third.stderr);
        assert.match(readFileSync(path, "utf8"), new RegExp(`<key>OPENCLAW_STATE_DIR</key>\\s*<string>${custom}</string>`));
        assert.deepEqual(fake.calls().slice(4), [`print ${target}`, `bootout ${target}`, `bootstrap gui/${UID} ${path}`]);

        const status = await runCli(["gateway", "status"], { home: home.home, env });
        assert.match(status.stdout, /^Installed: yes \(~\/Library\/LaunchAgents\/ai\.openclaw\.gateway\.plist\)$/m);
        assert.match(status.stdout, /^Running: +yes \(state = running\)$/m);
        assert.equal(status.code, 1, "running but nothing answers /health here");

        for (const action of ["restart", "stop", "start"]) assert.equal((await runCli(["gateway", action], { home: home.home, env })).code, 0);
        assert.deepEqual(fake.calls().slice(8), [`print ${target}`, `kickstart -k ${target}`, `print ${target}`, `bootout ${target}`, `print ${target}`, `bootstrap gui/${UID} ${path}`]);

        const before = snapshot(home.stateDir);
        const uninstall = await runCli(["gateway", "uninstall"], { home: home.home, env });
        assert.equal(uninstall.code, 0, uninstall.stderr);
        assert.ok(!existsSync(path));
        assert.deepEqual(fake.calls().slice(-2), [`print ${target}`, `bootout ${target}`]);
        assert.deepEqual(snapshot(home.stateDir), before);
      });
    });
  });
});

describe("openclaw gateway status", () => {
  test("a running service whose gateway answers /health: four lines, exit 0; once the gateway stops: not healthy, exit 1", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        await runCli(["gateway", "install"], { home: home.home, env: fake.env });
        const gateway = await spawnGateway(home);
        const port = new URL(gateway.url).port;
        const env = { ...fake.env, OPENCLAW_GATEWAY_PORT: port };
        try {
          const result = await runCli(["gateway", "status"], { home: home.home, env });
          assert.equal(result.code, 0, result.stdout + result.stderr);
          const lines = result.stdout.trim().split("\n");
          assert.equal(lines.length, 4);
          assert.equal(lines[0], "Installed: yes (~/.config/systemd/user/openclaw-gateway.service)");
          assert.equal(lines[1], "Enabled:   yes (enabled)");
          assert.equal(lines[2], "Running:   yes (active)");
          assert.equal(lines[3], `Healthy:   yes (GET http://127.0.0.1:${port}/health: HTTP 200)`);
        } finally {
          await gateway.stop();
        }
        const after = await runCli(["gateway", "status"], { home: home.home, env });
        assert.equal(after.code, 1);
        assert.match(after.stdout, /^Healthy: +no \(GET http:\/\/127\.0\.0\.1:\d+\/health: connection refused\)$/m);
      });
    });
  });

  test("nothing installed and nothing running: says so and how to install, exit 1", async () => {
    await inTempHome(async (home) => {
      await withFake("systemctl", async (fake) => {
        // A port nothing listens on: bind one and close it.
        const server = (await import("node:net")).createServer();
        const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
        await new Promise((resolve) => server.close(resolve));
        const result = await runCli(["gateway", "status"], { home: home.home, env: { ...fake.env, OPENCLAW_GATEWAY_PORT: String(port) } });
        assert.equal(result.code, 1);
        assert.match(result.stdout, /^Installed: no \(no ~\/\.config\/systemd\/user\/openclaw-gateway\.service; install with: openclaw gateway install\)$/m);
        assert.match(result.stdout, /^Enabled: +no \(disabled\)$/m);
        assert.match(result.stdout, /^Running: +no \(inactive\)$/m);
        assert.match(result.stdout, /^Healthy: +no \(.*connection refused\)$/m);
      });
    });
  });
});
