// How a process waiting for another's refresh gets the token: as soon as the
// holder has stored it, without queueing for the lock (the file lock here; the
// Redis lease in ../redis/refresh-lease.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { withFileLock } from "../../state/file-lock.ts";
import { accessToken, refreshToken } from "../../../test/helpers/oauth-token-server.ts";
import { createFileBackend } from "../file-backend.ts";
import type { OAuthCredential } from "../store-schema.ts";
import { refreshCredential, refreshLockPath, type RefreshCall } from "./refresh.ts";

const ID = "anthropic:work";
const MINUTE = 60_000;

function oauth(n: number, expires: number): OAuthCredential {
  return { type: "oauth", provider: "anthropic", access: accessToken(n), refresh: refreshToken(n), expires };
}

test("a waiter adopts the token the lock holder stored while the holder still holds the lock, with no token request of its own", async () => {
  const home = await mkdtemp(join(tmpdir(), "openclaw-refresh-wait-"));
  const stateDir = join(home, ".openclaw");
  const agentDir = (id: string) => join(stateDir, "agents", id, "agent");
  const storePath = join(agentDir("main"), "auth-profiles.json");
  await mkdir(dirname(storePath), { recursive: true });
  await writeFile(storePath, JSON.stringify({ version: 1, profiles: { [ID]: oauth(0, Date.now() - 1) } }), { mode: 0o600 });
  const holder = createFileBackend({ stateDir, env: { HOME: home }, agents: { defaultAgentId: "main", agentDir } });
  const waiter = createFileBackend({ stateDir, env: { HOME: home }, agents: { defaultAgentId: "main", agentDir } });
  try {
    let calls = 0;
    const refresh: RefreshCall = async () => (calls++, { access: accessToken(9), refresh: refreshToken(9), expires: Date.now() + 60 * MINUTE });
    let waited: Awaited<ReturnType<typeof refreshCredential>> | undefined;
    // Another process holds the refresh lock and stores its tokens, then keeps the lock a while longer.
    await withFileLock(refreshLockPath(stateDir, "anthropic", ID), async () => {
      const asking = refreshCredential({ backend: waiter, agentId: "main", profileId: ID, stateDir, refresh });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await holder.update("main", (store) => void (store.profiles[ID] = oauth(1, Date.now() + 60 * MINUTE)));
      const deadline = Date.now() + 5_000;
      asking.then((result) => (waited = result), () => undefined);
      while (!waited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(waited, "the waiter answered while the lock was still held");
    });
    assert.equal(waited!.outcome, "adopted");
    assert.equal(waited!.access, accessToken(1));
    assert.equal(calls, 0);
  } finally {
    holder.close();
    waiter.close();
    await rm(home, { recursive: true, force: true });
  }
});
