// refreshCredential against the real JSON-file backend on a temp state dir and
// a fake token endpoint on 127.0.0.1 that rotates refresh tokens (each works once).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runWorkerProcess, type WorkerRun } from "../../../test/helpers/worker-process.ts";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { accessToken, postRefresh, refreshToken, startTokenServer, type TokenServer } from "../../../test/helpers/oauth-token-server.ts";
import type { CredentialBackend } from "../backend.ts";
import { createFileBackend } from "../file-backend.ts";
import type { AuthStore, OAuthCredential } from "../store-schema.ts";
import {
  OAuthRefreshTransientError,
  OAuthReloginRequiredError,
  REFRESH_MARGIN_MS,
  refreshCredential,
  refreshLockPath,
  type NewTokens,
  type RefreshCall,
} from "./refresh.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const WORKER = join(ROOT, "test", "helpers", "oauth-refresh-worker.ts");
const ID = "anthropic:work";
const OTHER = "openai:manual";
const MINUTE = 60_000;

interface World {
  stateDir: string;
  storePath: string;
  backend: CredentialBackend;
  read(): Promise<AuthStore>;
  text(): Promise<string>;
  cleanup(): Promise<void>;
}

function oauth(n: number, expires: number, extra: Partial<OAuthCredential> = {}): OAuthCredential {
  return { type: "oauth", provider: "anthropic", access: accessToken(n), refresh: refreshToken(n), expires, email: "alice@example.com", ...extra };
}

async function world(credential: OAuthCredential): Promise<World> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-refresh-"));
  const stateDir = join(home, ".openclaw");
  const agentDir = (id: string) => join(stateDir, "agents", id, "agent");
  const storePath = join(agentDir("main"), "auth-profiles.json");
  await mkdir(dirname(storePath), { recursive: true });
  const store = {
    version: 1,
    profiles: { [ID]: credential, [OTHER]: { type: "api_key", provider: "openai", key: "sk-proj-other-key-0123456789" } },
    futureField: { kept: true },
  };
  await writeFile(storePath, JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
  const backend = createFileBackend({ stateDir, env: { HOME: home }, agents: { defaultAgentId: "main", agentDir } });
  return {
    stateDir,
    storePath,
    backend,
    read: async () => JSON.parse(await readFile(storePath, "utf8")) as AuthStore,
    text: () => readFile(storePath, "utf8"),
    cleanup: async () => {
      backend.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

async function inWorld(credential: OAuthCredential, body: (w: World) => Promise<void>): Promise<void> {
  const w = await world(credential);
  try {
    await body(w);
  } finally {
    await w.cleanup();
  }
}

function profile(store: AuthStore, id = ID): OAuthCredential {
  const credential = store.profiles[id];
  assert.equal(credential?.type, "oauth");
  return credential as OAuthCredential;
}

/** No token of generations 0..n in any text the error carries. */
function assertNoToken(error: unknown, upTo = 5): void {
  const e = error as Error & { hint?: string };
  const texts = [e.message, String(e), e.hint ?? "", e.stack ?? "", JSON.stringify(e)];
  for (let n = 0; n <= upTo; n++) {
    for (const secret of [accessToken(n), refreshToken(n)]) {
      for (const text of texts) assert.ok(!text.includes(secret), `token ${n} in ${JSON.stringify(text)}`);
    }
  }
}

const now = () => Date.now();

test("a token not yet due is returned as stored, without a refresh", async () => {
  await inWorld(oauth(0, Date.now() + 60 * MINUTE), async (w) => {
    let calls = 0;
    const result = await refreshCredential({ backend: w.backend, agentId: "main", profileId: ID, stateDir: w.stateDir, now, refresh: async () => (calls++, { access: "x".repeat(20), expires: 0 }) });
    assert.equal(result.outcome, "fresh");
    assert.equal(result.access, accessToken(0));
    assert.equal(calls, 0);
  });
});

test("due at 5 minutes before expiry, computed at use time", async () => {
  const expires = 1_800_000_000_000;
  await inWorld(oauth(0, expires), async (w) => {
    const calls: number[] = [];
    const refresh: RefreshCall = async () => (calls.push(1), { access: accessToken(1), refresh: refreshToken(1), expires: expires + 60 * MINUTE });
    const base = { backend: w.backend, agentId: "main", profileId: ID, stateDir: w.stateDir, refresh };
    assert.equal((await refreshCredential({ ...base, now: () => expires - REFRESH_MARGIN_MS - 1 })).outcome, "fresh");
    assert.equal(calls.length, 0);
    assert.equal((await refreshCredential({ ...base, now: () => expires - REFRESH_MARGIN_MS })).outcome, "refreshed");
    assert.equal(calls.length, 1);
  });
});

test("50 concurrent callers in one process: one refresh call, all get the new token, stored with every other field kept", async () => {
  await inWorld(oauth(0, Date.now() - 1, { projectId: "proj-1", unknownField: "keep-me" } as Partial<OAuthCredential>), async (w) => {
    const server = await startTokenServer({ delayMs: 50 });
    try {
      const refresh: RefreshCall = (credential, signal) => postRefresh(server.url, credential.refresh ?? "", signal);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => refreshCredential({ backend: w.backend, agentId: "main", profileId: ID, stateDir: w.stateDir, now, refresh })),
      );
      assert.deepEqual(server.received, [refreshToken(0)]);
      assert.ok(results.every((r) => r.access === accessToken(1) && r.outcome === "refreshed"));
      const stored = await w.read();
      const credential = profile(stored);
      assert.equal(credential.access, accessToken(1));
      assert.equal(credential.refresh, refreshToken(1));
      assert.ok(credential.expires! > Date.now() + 50 * MINUTE);
      assert.equal(credential.projectId, "proj-1");
      assert.equal((credential as Record<string, unknown>).unknownField, "keep-me");
      assert.equal(credential.email, "alice@example.com");
      assert.deepEqual(stored.profiles[OTHER], { type: "api_key", provider: "openai", key: "sk-proj-other-key-0123456789" });
      assert.deepEqual((stored as Record<string, unknown>).futureField, { kept: true });
    } finally {
      await server.close();
    }
  });
});

test("the lock is per credential in the state dir, not per agent dir", async () => {
  const a = refreshLockPath("/s", "anthropic", ID);
  assert.match(a, /^\/s\/locks\/oauth-refresh\/[0-9a-f]{64}$/);
  assert.notEqual(a, refreshLockPath("/s", "anthropic", "anthropic:other"));
  assert.notEqual(a, refreshLockPath("/s", "openai", ID));
});

test("a rotated refresh token is never sent twice: sequential refreshes send each token once", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const server = await startTokenServer();
    try {
      const refresh: RefreshCall = (credential, signal) => postRefresh(server.url, credential.refresh ?? "", signal);
      for (let i = 0; i < 3; i++) {
        const result = await refreshCredential({ backend: w.backend, agentId: "main", profileId: ID, stateDir: w.stateDir, now, refresh, force: true });
        assert.equal(result.access, accessToken(i + 1));
      }
      assert.deepEqual(server.received, [refreshToken(0), refreshToken(1), refreshToken(2)]);
      assert.equal(new Set(server.received).size, server.received.length);
    } finally {
      await server.close();
    }
  });
});

test("force refreshes a token the store calls good (a 401); with the rejected token already replaced it adopts instead", async () => {
  await inWorld(oauth(0, Date.now() + 60 * MINUTE), async (w) => {
    let calls = 0;
    const refresh: RefreshCall = async () => (calls++, { access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + 60 * MINUTE });
    const base = { backend: w.backend, agentId: "main", profileId: ID, stateDir: w.stateDir, now, refresh };
    const forced = await refreshCredential({ ...base, force: true });
    assert.equal(forced.outcome, "refreshed");
    assert.equal(calls, 1);
    // A second request was still using token 0 when it got its 401: the store already has token 1.
    const again = await refreshCredential({ ...base, force: true, rejectedAccess: accessToken(0) });
    assert.equal(again.outcome, "adopted");
    assert.equal(again.access, accessToken(1));
    assert.equal(calls, 1);
  });
});

test("invalid_grant after another process already refreshed: its token is adopted, no auth_permanent", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    // Another program (say OpenClaw itself, which knows nothing of our lock) rotates the token while our request is out.
    const refresh: RefreshCall = async () => {
      await w.backend.update("main", (store) => {
        store.profiles[ID] = oauth(1, Date.now() + 60 * MINUTE);
      });
      throw Object.assign(new Error(`refresh_token_reused: ${refreshToken(0)}`), { code: "refresh_token_reused" });
    };
    const result = await refreshCredential({ backend: w.backend, agentId: "main", profileId: ID, stateDir: w.stateDir, now, refresh });
    assert.equal(result.outcome, "adopted");
    assert.equal(result.access, accessToken(1));
    const stored = await w.read();
    assert.equal(stored.usageStats?.[ID], undefined, "no failure recorded");
    assert.equal(profile(stored).refresh, refreshToken(1));
  });
});

test("a token refreshed by another process before we took the lock is adopted without any request", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    let calls = 0;
    const lockPath = refreshLockPath(w.stateDir, "anthropic", ID);
    const { withFileLock } = await import("../../state/file-lock.ts");
    let entered!: () => void;
    const holding = new Promise<void>((resolve) => (entered = resolve));
    // "Another process": holds the credential's lock and writes a new token before letting go.
    const other = withFileLock(lockPath, async () => {
      entered();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await w.backend.update("main", (store) => {
        store.profiles[ID] = oauth(1, Date.now() + 60 * MINUTE);
      });
    });
    await holding;
    const result = await refreshCredential({
      backend: w.backend,
      agentId: "main",
      profileId: ID,
      stateDir: w.stateDir,
      now,
      refresh: async () => (calls++, { access: accessToken(9), expires: Date.now() + 60 * MINUTE }),
    });
    await other;
    assert.equal(result.outcome, "adopted");
    assert.equal(result.access, accessToken(1));
    assert.equal(calls, 0);
  });
});

test("a real invalid_grant: the profile is disabled auth_permanent and the error names the re-login command, no token in it", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const server = await startTokenServer({ firstValid: "sk-ant-ort01-some-other-family-token-xxxxxxxx" });
    try {
      const before = profile(await w.read());
      const error = await refreshCredential({
        backend: w.backend,
        agentId: "main",
        profileId: ID,
        stateDir: w.stateDir,
        now,
        refresh: (credential, signal) => postRefresh(server.url, credential.refresh ?? "", signal),
      }).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof OAuthReloginRequiredError);
      assert.equal(error.command, "openclaw models auth login --provider anthropic");
      assert.ok(error.message.endsWith("Log in again: openclaw models auth login --provider anthropic"), error.message);
      assert.equal(error.hint, "openclaw models auth login --provider anthropic");
      assert.equal(error.oauthError, "invalid_grant");
      assertNoToken(error);
      const stored = await w.read();
      assert.equal(stored.usageStats?.[ID]?.disabledReason, "auth_permanent");
      assert.ok(stored.usageStats![ID]!.disabledUntil! > Date.now());
      assert.deepEqual(profile(stored), before, "the credential itself is left as it was");
    } finally {
      await server.close();
    }
  });
});

test("a network error is transient: no cooldown, the store untouched, no token in the error", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const server = await startTokenServer();
    const url = server.url;
    await server.close(); // nothing listens there any more: connection refused
    const before = await w.text();
    const error = await refreshCredential({
      backend: w.backend,
      agentId: "main",
      profileId: ID,
      stateDir: w.stateDir,
      now,
      refresh: async (credential, signal) => {
        try {
          return await postRefresh(url, credential.refresh ?? "", signal);
        } catch (cause) {
          // An engine that puts the token into its message: the error must still not carry it.
          throw new Error(`POST ${url} with ${credential.refresh} failed: ${(cause as Error).message}`);
        }
      },
    }).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthRefreshTransientError, String(error));
    assert.match(error.message, /failed/);
    assertNoToken(error);
    assert.equal(await w.text(), before);
  });
});

test("a token request that hangs times out as transient, under the lock's staleness, store untouched", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const before = await w.text();
    let aborted = false;
    const started = Date.now();
    const error = await refreshCredential({
      backend: w.backend,
      agentId: "main",
      profileId: ID,
      stateDir: w.stateDir,
      now,
      timeoutMs: 200,
      refresh: (_credential, signal) =>
        new Promise<NewTokens>((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason as Error);
          });
        }),
    }).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthRefreshTransientError);
    assert.match(error.message, /timed out after 200 ms/);
    assert.ok(aborted, "the request was aborted");
    assert.ok(Date.now() - started < 3_000);
    assert.equal(await w.text(), before);
  });
});

test("tokens that arrive after the timeout are still stored (a rotated refresh token is valid once)", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const error = await refreshCredential({
      backend: w.backend,
      agentId: "main",
      profileId: ID,
      stateDir: w.stateDir,
      now,
      timeoutMs: 100,
      // Ignores the abort and answers after the grace period.
      refresh: () => new Promise<NewTokens>((resolve) => setTimeout(() => resolve({ access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + 60 * MINUTE }), 1_500)),
    }).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthRefreshTransientError);
    const deadline = Date.now() + 5_000;
    while (profile(await w.read()).refresh !== refreshToken(1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(profile(await w.read()).refresh, refreshToken(1));
    assert.equal(profile(await w.read()).access, accessToken(1));
  });
});

interface WorkerAnswer {
  outcome?: string;
  access?: string;
  error?: string;
}

function runWorker(stateDir: string, target: string, onLine?: (line: string, kill: () => void) => void): Promise<WorkerRun<WorkerAnswer>> {
  return runWorkerProcess<WorkerAnswer>(WORKER, [stateDir, ID, target], onLine);
}

test("four OS processes on one state dir: one token request in total, all get the new token", { timeout: 60_000 }, async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const server = await startTokenServer({ delayMs: 300 });
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => runWorker(w.stateDir, server.url)));
      assert.deepEqual(server.received, [refreshToken(0)], "one request, with the original refresh token");
      for (const { answer } of results) assert.equal(answer?.access, accessToken(1), JSON.stringify(answer));
      const outcomes = results.map((r) => r.answer?.outcome).sort();
      assert.equal(outcomes.filter((o) => o === "refreshed").length, 1, JSON.stringify(outcomes));
      assert.equal(profile(await w.read()).refresh, refreshToken(1));
    } finally {
      await server.close();
    }
  });
});

test("the lock holder killed mid-refresh: the next process takes the lock over once stale and refreshes", { timeout: 90_000 }, async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const server = await startTokenServer();
    try {
      const killed = await runWorker(w.stateDir, "hang", (line, kill) => {
        if (line === "refreshing") kill();
      });
      assert.equal(killed.signal, "SIGKILL");
      assert.equal(killed.answer, undefined);
      const started = Date.now();
      const next = await runWorker(w.stateDir, server.url);
      assert.equal(next.answer?.outcome, "refreshed", JSON.stringify(next.answer));
      assert.equal(next.answer?.access, accessToken(1));
      assert.deepEqual(server.received, [refreshToken(0)]);
      // It waited for the dead holder's lock to go stale (10 s, less what the spawn took).
      assert.ok(Date.now() - started > 3_000, `took only ${Date.now() - started} ms`);
    } finally {
      await server.close();
    }
  });
});

test("a profile another agent reads through from the default agent is refreshed in the default agent's store", async () => {
  await inWorld(oauth(0, Date.now() - 1), async (w) => {
    const refresh: RefreshCall = async () => ({ access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + 60 * MINUTE });
    const base = { backend: w.backend, agentId: "work", profileId: ID, stateDir: w.stateDir, now, refresh };
    assert.ok((await w.backend.read("work")).isInherited(ID), "the test's premise: agent work reads main's profile through");
    await assert.rejects(refreshCredential(base), /default agent's profile/);
    assert.equal(profile(await w.read()).access, accessToken(0));
    const result = await refreshCredential({ ...base, defaultAgentId: "main" });
    assert.equal(result.outcome, "refreshed");
    assert.equal(profile(await w.read()).access, accessToken(1));
  });
});
