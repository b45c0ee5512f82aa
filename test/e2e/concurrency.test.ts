// DESIGN §4.4 "Files" under contention: every read-modify-write of the store
// and of the config holds a cross-process lock and replaces the file
// atomically, so concurrent writers never lose each other's changes, readers
// never see a torn file, and a writer killed mid-way leaves a good file and a
// lock that the next writer can take over once it is stale.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, aliceSecrets, assertNoSecrets, copyAliceFixture, makeHome, readJson, runCli, startCli, writeJson, type CliResult } from "../helpers/cli.ts";
import { waitFor } from "../helpers/gateway.ts";

const WRITER = join(ROOT, "test", "helpers", "store-writer.ts");

const apiKey = (label: string) => `sk-conc-${label}-${"k".repeat(40)}`;

interface ReaderStats {
  reads: number;
  missing: number;
  torn: string[];
}

/**
 * Reads and parses each file as fast as it can until `stop()`; every read that
 * finds a file must parse. Async reads, so the test's event loop keeps running.
 */
function startReader(paths: string[]): { stop(): Promise<ReaderStats> } {
  const stats: ReaderStats = { reads: 0, missing: 0, torn: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const path of paths) {
        let text: string;
        try {
          text = await readFile(path, "utf8");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            stats.missing++;
            continue;
          }
          throw error;
        }
        stats.reads++;
        try {
          JSON.parse(text);
        } catch (error) {
          stats.torn.push(`${path}: ${(error as Error).message} (${text.length} chars)`);
        }
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return stats;
    },
  };
}

function assertAllOk(results: CliResult[], what: string): void {
  results.forEach((result, index) => assert.equal(result.code, 0, `${what} #${index} failed:\n${result.stderr}`));
}

describe("concurrent writers", () => {
  test("16 paste-api-key processes at once: all land, old profiles stay, no reader ever sees a torn file", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const original = readJson(home.storePath);
      const reader = startReader([home.storePath, home.configPath]);
      const ids = Array.from({ length: 16 }, (_, i) => `openai:p${i}`);
      let results: CliResult[];
      let stats: ReaderStats;
      try {
        results = await Promise.all(
          ids.map((id, i) =>
            runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", id], { home: home.home, stdin: apiKey(`p${i}`), timeoutMs: 60_000 }),
          ),
        );
      } finally {
        stats = await reader.stop();
      }
      assertAllOk(results, "paste-api-key");
      assert.deepEqual(stats.torn, [], "every read of the store or config must parse");
      assert.ok(stats.reads > 0, "the reader did read the files while the writers ran");
      assert.equal(stats.missing, 0, "the store and config never disappear during a replace");

      const store = readJson(home.storePath);
      ids.forEach((id, i) => assert.deepEqual(store.profiles[id], { type: "api_key", provider: "openai", key: apiKey(`p${i}`) }, `${id} must be stored`));
      for (const [id, profile] of Object.entries(original.profiles)) assert.deepEqual(store.profiles[id], profile, `pre-existing ${id} must survive`);
      assert.deepEqual(store.order, original.order, "the order override survives");
      assert.equal(Object.keys(store.profiles).length, Object.keys(original.profiles).length + ids.length);

      // The config write is locked too: every profile's metadata is there.
      const config = readJson(home.configPath);
      for (const id of ids) assert.deepEqual(config.auth.profiles[id], { provider: "openai", mode: "api_key" }, `config metadata for ${id}`);
      assert.ok(config.auth.profiles["anthropic:manual"], "pre-existing config metadata survives");

      assert.deepEqual(readdirSync(home.agentDir), ["auth-profiles.json"], "no lock or temp files are left beside the store");
      assert.equal(statSync(home.storePath).mode & 0o777, 0o600);
      assertNoSecrets(results.flatMap((result) => [result.stdout, result.stderr]), [...aliceSecrets(), ...ids.map((_, i) => apiKey(`p${i}`))]);
    } finally {
      home.cleanup();
    }
  });

  test("concurrent aliases add and fallbacks add processes all land in the config", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const original = readJson(home.configPath);
      const reader = startReader([home.configPath]);
      const n = 6;
      let results: CliResult[];
      let stats: ReaderStats;
      try {
        results = await Promise.all([
          ...Array.from({ length: n }, (_, i) => runCli(["models", "aliases", "add", `a${i}`, `anthropic/test-model-${i}`], { home: home.home, timeoutMs: 60_000 })),
          ...Array.from({ length: n }, (_, i) => runCli(["models", "fallbacks", "add", `openai/fallback-${i}`], { home: home.home, timeoutMs: 60_000 })),
        ]);
      } finally {
        stats = await reader.stop();
      }
      assertAllOk(results, "aliases add / fallbacks add");
      assert.deepEqual(stats.torn, [], "every read of the config must parse");

      const config = readJson(home.configPath);
      const models = config.agents.defaults.models ?? {};
      for (let i = 0; i < n; i++) assert.equal(models[`anthropic/test-model-${i}`]?.alias, `a${i}`, `alias a${i} must be in the config`);
      const fallbacks: string[] = config.agents.defaults.model?.fallbacks ?? [];
      assert.deepEqual(
        [...fallbacks].sort(),
        Array.from({ length: n }, (_, i) => `openai/fallback-${i}`).sort(),
        "every fallback must be in the config exactly once",
      );
      // What the writers did not touch is still there.
      assert.deepEqual(config.auth, original.auth);
      assert.deepEqual(config.messages, original.messages);
      assert.deepEqual(config.commands, original.commands);
      assert.deepEqual(config.agents.defaults.compaction, original.agents.defaults.compaction);

      // And the CLI reads back what it wrote.
      const listed = await runCli(["models", "aliases", "list", "--json"], { home: home.home });
      assert.equal(listed.code, 0, listed.stderr);
      const aliases = JSON.parse(listed.stdout).aliases as Record<string, string>;
      for (let i = 0; i < n; i++) assert.equal(aliases[`a${i}`], `anthropic/test-model-${i}`);
      assert.ok(!existsSync(`${home.configPath}.lock`), "no config lock is left behind");
    } finally {
      home.cleanup();
    }
  });

  test("order set racing logout, 20 rounds: the store never keeps an order entry for the removed profile", async () => {
    // Issue 6: `order set` checked its ids before taking the lock, so a logout in
    // between left `order.anthropic` naming a profile that was gone (7 of 20 rounds).
    const home = makeHome();
    try {
      const outcomes = { orderFirst: 0, logoutFirst: 0 };
      for (let round = 0; round < 20; round++) {
        writeJson(home.storePath, {
          version: 1,
          profiles: {
            "anthropic:a": { type: "api_key", provider: "anthropic", key: apiKey("a") },
            "anthropic:b": { type: "api_key", provider: "anthropic", key: apiKey("b") },
          },
        });
        const [order, logout] = await Promise.all([
          runCli(["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:a", "anthropic:b"], { home: home.home, timeoutMs: 60_000 }),
          runCli(["models", "auth", "logout", "anthropic:a", "--yes"], { home: home.home, timeoutMs: 60_000 }),
        ]);
        assert.equal(logout.code, 0, `round ${round}: logout failed: ${logout.stderr}`);
        const store = readJson(home.storePath);
        assert.deepEqual(Object.keys(store.profiles), ["anthropic:b"], `round ${round}`);
        for (const [provider, ids] of Object.entries<string[]>(store.order ?? {})) {
          for (const id of ids) assert.ok(Object.hasOwn(store.profiles, id), `round ${round}: order.${provider} names ${id}, which is not in the store`);
        }
        if (order.code === 0) {
          // The order landed first; logout then took anthropic:a out of it.
          outcomes.orderFirst++;
          assert.deepEqual(store.order, { anthropic: ["anthropic:b"] }, `round ${round}`);
        } else {
          // Logout landed first; order set, checking under the lock, found anthropic:a gone and wrote nothing.
          outcomes.logoutFirst++;
          assert.equal(order.stderr.split("\n")[0], `Error: Auth profile "anthropic:a" not found in ~/.openclaw/agents/main/agent.`, `round ${round}`);
          assert.equal(store.order, undefined, `round ${round}`);
        }
      }
      assert.equal(outcomes.orderFirst + outcomes.logoutFirst, 20);
      assert.ok(!existsSync(`${home.storePath}.lock`), "no store lock is left behind");
    } finally {
      home.cleanup();
    }
  });
});

describe("crashes and stale locks", () => {
  test("a writer SIGKILLed mid-writes leaves a parseable store with every reported write; the next CLI write succeeds", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const original = readJson(home.storePath);
      const wanted = 25;
      const child = spawn(process.execPath, ["--import", "tsx", WRITER, home.agentDir, home.stateDir, "100000"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH, HOME: home.home },
      });
      let stdout = "";
      let stderr = "";
      const reportedWrites = () => [...stdout.matchAll(/^wrote (\d+)$/gm)].length;
      const closed = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("close", (code, signal) => resolve(signal ?? code)));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the writer reported only ${reportedWrites()} writes in 20 s: ${stderr}`)), 20_000);
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          if (reportedWrites() >= wanted) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on("exit", () => {
          clearTimeout(timer);
          reject(new Error(`the writer exited by itself after ${reportedWrites()} writes: ${stderr}`));
        });
      });
      // A few ms later, so that the kill lands somewhere inside a later write
      // (holding the lock, or with a temp file half-written), not between two.
      await sleep(4);
      child.kill("SIGKILL");
      assert.equal(await closed, "SIGKILL");
      // Every line that reached the pipe before the kill is a completed write.
      const reported = reportedWrites() - 1;
      assert.ok(reported + 1 >= wanted);

      const afterKill = readJson(home.storePath);
      for (let n = 0; n <= reported; n++) assert.ok(afterKill.profiles[`openai:w${n}`], `reported write ${n} must be in the store`);
      for (const id of Object.keys(original.profiles)) assert.ok(afterKill.profiles[id], `pre-existing ${id} must survive`);

      // What a writer killed between write and rename leaves: a temp copy of the store.
      writeFileSync(`${home.storePath}.3141592653`, JSON.stringify(afterKill), { mode: 0o600 });

      // A lock left behind by the killed writer goes stale 10 s after its last refresh.
      const started = Date.now();
      const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:after"], {
        home: home.home,
        stdin: apiKey("after"),
        timeoutMs: 40_000,
      });
      assert.equal(result.code, 0, `write after the crash failed after ${Date.now() - started} ms:\n${result.stderr}`);
      const store = readJson(home.storePath);
      assert.equal(store.profiles["openai:after"]?.key, apiKey("after"));
      for (let n = 0; n <= reported; n++) assert.ok(store.profiles[`openai:w${n}`], `reported write ${n} must survive the next write`);
      for (const id of Object.keys(original.profiles)) assert.ok(store.profiles[id], `pre-existing ${id} must survive the next write`);
      assert.ok(!existsSync(`${home.storePath}.lock`), "the stale lock is gone after the next write");
      // A temp file the killed writer may have left holds secrets; the next writer removes it.
      const leftovers = readdirSync(home.agentDir).filter((name) => /^auth-profiles\.json\.\d+$/.test(name));
      assert.deepEqual(leftovers, []);
    } finally {
      home.cleanup();
    }
  });

  test("a silent lock is not stolen while fresh, and is taken over once stale", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const lock = `${home.storePath}.lock`;
      mkdirSync(lock);
      // As if its holder last refreshed it 5 s ago and then died.
      const lastRefresh = new Date(Date.now() - 5_000);
      utimesSync(lock, lastRefresh, lastRefresh);
      const started = Date.now();
      const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:stale"], {
        home: home.home,
        stdin: apiKey("stale"),
        timeoutMs: 40_000,
      });
      const elapsed = Date.now() - started;
      assert.equal(result.code, 0, `failed after ${elapsed} ms:\n${result.stderr}`);
      assert.ok(elapsed >= 2_500, `the lock was taken after ${elapsed} ms, before it could be stale (10 s without a refresh)`);
      assert.equal(readJson(home.storePath).profiles["openai:stale"]?.key, apiKey("stale"));
      assert.ok(!existsSync(lock), "the lock is released afterwards");
    } finally {
      home.cleanup();
    }
  });

  test("a live OpenClaw 2026.2.26 lock file is respected: no write until it is released", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      const lock = `${home.storePath}.lock`;
      writeFileSync(lock, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }));
      const before = readFileSync(home.storePath);
      let finished = false;
      const running = startCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:waited"], {
        home: home.home,
        stdin: apiKey("waited"),
        timeoutMs: 40_000,
      });
      void running.done.then(() => (finished = true));
      // The command has reached the lock and says it is waiting (an event, not a guess at how long that takes).
      await waitFor("the command to say it waits for OpenClaw's lock", () => /Waiting for auth-profiles\.json: OpenClaw \(pid \d+\) is writing it/.test(running.output().stderr), 15_000);
      await sleep(300);
      assert.ok(Buffer.compare(before, readFileSync(home.storePath)) === 0, "nothing may write the store while OpenClaw holds its lock");
      assert.equal(finished, false, "the command must wait for the lock, not give up or skip it");
      unlinkSync(lock);
      const result = await running.done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readJson(home.storePath).profiles["openai:waited"]?.key, apiKey("waited"));
    } finally {
      home.cleanup();
    }
  });

  test("a stale lock file left by a crashed OpenClaw 2026.2.26 (dead pid, hours old) does not block writes", async () => {
    const home = makeHome();
    try {
      copyAliceFixture(home);
      // A pid that certainly belonged to a process that has exited.
      const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      await new Promise((resolve) => dead.on("exit", resolve));
      const lock = `${home.storePath}.lock`;
      const createdAt = new Date(Date.now() - 3 * 3_600_000);
      writeFileSync(lock, JSON.stringify({ pid: dead.pid, createdAt: createdAt.toISOString() }));
      utimesSync(lock, createdAt, createdAt);
      const started = Date.now();
      const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", "openai:afteropenclaw"], {
        home: home.home,
        stdin: apiKey("afteropenclaw"),
        timeoutMs: 40_000,
      });
      assert.equal(result.code, 0, `failed after ${Date.now() - started} ms:\n${result.stderr}`);
      assert.equal(readJson(home.storePath).profiles["openai:afteropenclaw"]?.key, apiKey("afteropenclaw"));
    } finally {
      home.cleanup();
    }
  });
});
