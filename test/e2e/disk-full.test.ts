// Issue 6 "A full disk must never truncate a file", for real: a small tmpfs,
// filled up until a few KB are left (less than the store or the config needs),
// with the state dir on it. The CLI must fail with `Error: disk full: <path>
// was not changed` and exit 1, leaving every file byte for byte; the gateway
// must keep answering from memory, say so once, and save the usage stats by
// itself once space is back. Mounting needs root (CI runs as root); without
// it the same failures are injected in src/state/safe-file.test.ts and
// src/state/config-backups.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { assertNoSecrets, runCli, writeJson, type TempHome } from "../helpers/cli.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-upstream.ts";
import { GATEWAY_TOKEN, spawnGateway, waitFor, type TestGateway } from "../helpers/gateway.ts";

const NOT_ROOT = process.getuid?.() === 0 ? false : "mounting a tmpfs needs root (CI runs as root); injected-I/O unit tests cover the rest";

const PROFILES = 200;
const keyOf = (i: number) => `sk-proj-diskFull${String(i).padStart(3, "0")}-${"abcdefghijklmnopqrstuvwxyz0123456789".repeat(2)}`;
const NEW_KEY = "sk-proj-diskFullPasted-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";
const SECRETS = [...Array.from({ length: PROFILES }, (_, i) => keyOf(i)), NEW_KEY, GATEWAY_TOKEN];
/** What is left free on the filled disk: 2 tmpfs pages, less than the store or the config. */
const LEAVE_BLOCKS = 2;

const outputs: string[] = [];

function storeDocument() {
  const profiles: Record<string, object> = {};
  for (let i = 0; i < PROFILES; i++) profiles[`openai:p${String(i).padStart(3, "0")}`] = { type: "api_key", provider: "openai", key: keyOf(i) };
  return { version: 1, profiles };
}

/** A config large enough (many model entries) that it cannot be written in the space left. */
function configDocument(openaiUrl: string, primary: string) {
  const models: Record<string, object> = {};
  for (let i = 0; i < 250; i++) models[`openai/custom-model-${String(i).padStart(3, "0")}`] = { alias: `custom${i}` };
  return {
    agents: { defaults: { model: { primary }, models } },
    models: { providers: { openai: { baseUrl: `${openaiUrl}/v1` } } },
  };
}

/** Every file under `root` (bytes) by relative path, and every dir (as `<path>/`, so a lock left behind shows). */
function snapshotFiles(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        out.set(`${relative(root, path)}/`, Buffer.alloc(0));
        walk(path);
      } else out.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return out;
}

function assertFilesUnchanged(before: Map<string, Buffer>, after: Map<string, Buffer>, what: string): void {
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `${what}: the same files and dirs, no temp file or lock left`);
  for (const [path, bytes] of before) assert.ok(Buffer.compare(bytes, after.get(path)!) === 0, `${what}: ${path} must be byte-identical`);
}

/** A fresh tmpfs on a new temp dir; `unmount` never throws on a busy mount and removes the dir. */
function mountTmpfs(options: string): { dir: string; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-disk-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `${options},mode=0700`, "tmpfs", dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    unmount: () => {
      try {
        execFileSync("umount", [dir]);
      } catch {
        execFileSync("umount", ["-l", dir]); // still busy (a process we lost track of): detach it anyway
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("a full disk never truncates a file (a real tmpfs)", { skip: NOT_ROOT }, () => {
  let mount: { dir: string; unmount(): void } | undefined;
  let mountDir: string;
  let fake: FakeProvider;

  before(async () => {
    mount = mountTmpfs("size=1m");
    mountDir = mount.dir;
    fake = await startFakeProvider("openai");
  });

  after(async () => {
    await fake?.close();
    mount?.unmount();
    assertNoSecrets(outputs, SECRETS);
  });

  /**
   * A home on the tmpfs with a 200-profile store, a config with five backups,
   * then a filler file that leaves LEAVE_BLOCKS blocks free.
   */
  function fullDiskHome(name: string): TempHome & { freeFiller(): void } {
    const home = join(mountDir, name);
    const stateDir = join(home, ".openclaw");
    const agentDir = join(stateDir, "agents", "main", "agent");
    const layout = { home, stateDir, agentDir, configPath: join(stateDir, "openclaw.json"), storePath: join(agentDir, "auth-profiles.json") };
    writeJson(layout.storePath, storeDocument());
    writeJson(layout.configPath, configDocument(fake.url, "openai/gpt-5-mini"));
    // Five backups, each a different earlier version.
    for (let i = 0; i < 5; i++) writeJson(`${layout.configPath}.bak${i === 0 ? "" : `.${i}`}`, configDocument(fake.url, `openai/custom-model-00${i}`));

    const filler = join(mountDir, `${name}.filler`);
    const { bavail, bsize } = statfsSync(mountDir);
    writeFileSync(filler, Buffer.alloc((bavail - LEAVE_BLOCKS) * bsize));
    const free = statfsSync(mountDir).bavail * bsize;
    assert.equal(free, LEAVE_BLOCKS * bsize, "the disk is full but for a few KB");
    for (const path of [layout.storePath, layout.configPath]) {
      assert.ok(readFileSync(path).length > free, `${path} must not fit in the space left, or the test proves nothing`);
    }
    return {
      ...layout,
      freeFiller: () => rmSync(filler, { force: true }),
      cleanup: () => {
        rmSync(filler, { force: true });
        rmSync(home, { recursive: true, force: true });
      },
    };
  }

  function assertDiskFullFailure(result: { code: number; stdout: string; stderr: string }, display: string, what: string): void {
    outputs.push(result.stdout, result.stderr);
    const context = `${what}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
    assert.equal(result.code, 1, `exit 1 expected: ${context}`);
    assert.ok(result.stderr.includes(`Error: disk full: ${display} was not changed\n`), `the disk-full error naming ${display}: ${context}`);
    assert.match(result.stderr, /Free some space on that disk, then run the command again\./, `the hint says what to do: ${context}`);
    assert.doesNotMatch(result.stderr, /^\s+at /m, `no stack trace: ${context}`);
    assert.equal(result.stdout, "", `no success lines: ${context}`);
  }

  /** Runs the command on a full disk: it must fail with the disk-full error and leave every file and dir as it was. */
  async function assertRefusedOnFullDisk(name: string, args: string[], display: string, stdin?: string): Promise<void> {
    const home = fullDiskHome(name);
    try {
      const before = snapshotFiles(home.home);
      const result = await runCli(args, { home: home.home, timeoutMs: 15_000, ...(stdin !== undefined ? { stdin } : {}) });
      assertDiskFullFailure(result, display, `openclaw ${args.join(" ")} on a full disk`);
      assertFilesUnchanged(before, snapshotFiles(home.home), `openclaw ${args.join(" ")} on a full disk`);
    } finally {
      home.cleanup();
    }
  }

  test("paste-api-key on a 200-profile store: exit 1, `disk full`, the store byte-identical", () =>
    assertRefusedOnFullDisk("paste", ["models", "auth", "paste-api-key", "--provider", "openai"], "~/.openclaw/agents/main/agent/auth-profiles.json", NEW_KEY));

  test("models set: exit 1, `disk full`, the config and all five backups byte-identical", () =>
    assertRefusedOnFullDisk("set", ["models", "set", "openai/gpt-5.2"], "~/.openclaw/openclaw.json"));

  // No OPENCLAW_GATEWAY_TOKEN: the first start generates one and must store it in the config before listening.
  test("a gateway that must generate its token: exit 1, `disk full`, the config and backups byte-identical", () =>
    assertRefusedOnFullDisk("token", ["gateway", "--port", "0"], "~/.openclaw/openclaw.json"));

  test("no inode left (the lock directory cannot be made): the same `disk full` error, nothing changed", async () => {
    const small = mountTmpfs("size=1m,nr_inodes=64");
    try {
      const home = join(small.dir, "home");
      const storePath = join(home, ".openclaw", "agents", "main", "agent", "auth-profiles.json");
      writeJson(storePath, storeDocument());
      writeJson(join(home, ".openclaw", "openclaw.json"), configDocument(fake.url, "openai/gpt-5-mini"));
      // Use up every inode with empty files: the next mkdir (the lock) gets ENOSPC.
      for (let i = 0; ; i++) {
        try {
          writeFileSync(join(small.dir, `inode-${i}`), "");
        } catch (error) {
          assert.equal((error as NodeJS.ErrnoException).code, "ENOSPC");
          break;
        }
      }
      const before = snapshotFiles(home);
      const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai"], { home, stdin: NEW_KEY });
      assertDiskFullFailure(result, "~/.openclaw/agents/main/agent/auth-profiles.json", "paste-api-key with no inode left");
      assertFilesUnchanged(before, snapshotFiles(home), "paste-api-key with no inode left");
    } finally {
      small.unmount();
    }
  });

  test("the gateway serves from memory, says so once, and saves usage stats by itself once space is back", async () => {
    const home = fullDiskHome("gateway");
    let gateway: TestGateway | undefined;
    // Every attempt to save makes a temp file beside the store: that is how the test sees the attempts.
    const isTemp = (name: string) => /^auth-profiles\.json\.(?:tmp-[0-9a-f]+|\d+)$/.test(name);
    const attempts = new Set<string>();
    const watcher = watch(home.agentDir, (_event, name) => {
      if (name && isTemp(String(name))) attempts.add(String(name));
    });
    /** At least `n` attempts were made, and the last one is over (its temp file is gone, renamed or removed). */
    const attemptsOver = (n: number) => attempts.size >= n && !readdirSync(home.agentDir).some(isTemp);
    try {
      const storeBefore = readFileSync(home.storePath);
      gateway = await spawnGateway(home);
      const failureLines = () => gateway!.output().stderr.split("\n").filter((line) => line.includes("could not save usage stats"));

      for (let request = 1; request <= 4; request++) {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "openai/gpt-5.2", messages: [{ role: "user", content: `request ${request}` }] }),
        });
        const body = await response.text();
        outputs.push(body);
        assert.equal(response.status, 200, `request ${request} is served while the disk is full: ${body}`);
        // Its usage write was attempted (and failed) before the next request goes out.
        await waitFor(`save attempt ${request}`, () => attemptsOver(request), 5_000);
        assert.ok(Buffer.compare(storeBefore, readFileSync(home.storePath)) === 0, `the store is byte-identical after request ${request}`);
      }
      await waitFor("the failure to be logged", () => failureLines().length > 0, 5_000);
      const lines = failureLines();
      assert.equal(lines.length, 1, `the failure is logged once, not per attempt:\n${gateway.output().stderr}`);
      assert.match(lines[0]!, /could not save usage stats: disk full: .*auth-profiles\.json was not changed/);
      assert.deepEqual(readdirSync(home.agentDir).filter((name) => name !== "auth-profiles.json.lock"), ["auth-profiles.json"], "no temp file left beside the store");

      const upstreamCalls = fake.requests.length;
      home.freeFiller();
      const saved = await waitFor(
        "the usage stats to reach the file with no further request",
        () => {
          const store = JSON.parse(readFileSync(home.storePath, "utf8"));
          return store.usageStats && Object.values(store.usageStats).some((stats) => typeof (stats as { lastUsed?: unknown }).lastUsed === "number") ? store : undefined;
        },
        30_000, // the retry backs off (1 s, 2 s, 4 s, …); on a loaded machine it may be at 16 s by now
      );
      assert.equal(fake.requests.length, upstreamCalls, "no request was made meanwhile");
      assert.equal(Object.keys(saved.profiles).length, PROFILES, "every profile is still there");
      for (let i = 0; i < PROFILES; i++) assert.equal(saved.profiles[`openai:p${String(i).padStart(3, "0")}`].key, keyOf(i));
      await waitFor("the recovery to be logged", () => gateway!.output().stderr.includes("usage stats saved again"), 5_000);
      assert.equal(failureLines().length, 1, "still said only once");
    } finally {
      watcher.close();
      if (gateway) {
        const result = await gateway.stop();
        outputs.push(result.stdout, result.stderr);
      }
      home.cleanup();
    }
  });
});
