// refreshCredential on OpenClaw 2026.9's SQLite store (a copy of the real fixture):
// the same single refresh, the new tokens written through the backend into that profile only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { inFixture2026 } from "../../../test/helpers/fixture-2026-9.ts";
import { accessToken, refreshToken } from "../../../test/helpers/oauth-token-server.ts";
import { openSqliteBackend } from "../sqlite-backend.ts";
import type { OAuthCredential } from "../store-schema.ts";
import { refreshCredential, type RefreshCall } from "./refresh.ts";

const ID = "anthropic:oauth";

test("sqlite (2026.9): 20 concurrent callers, one token request, the new tokens stored and the other profiles untouched", () =>
  inFixture2026(async (fixture) => {
    const backend = openSqliteBackend({
      stateDir: fixture.stateDir,
      databasePath: fixture.stateDb,
      agents: { defaultAgentId: "main", agentDir: (id) => join(fixture.stateDir, "agents", id, "agent") },
    });
    assert.ok(backend, "the fixture is a 2026.9 state");
    try {
      const credential: OAuthCredential = { type: "oauth", provider: "anthropic", access: accessToken(0), refresh: refreshToken(0), expires: Date.now() - 1, email: "alice@example.com" };
      await backend.update("main", (store) => {
        store.profiles[ID] = credential;
      });
      const othersBefore = Object.fromEntries(Object.entries((await backend.read("main")).merged.profiles).filter(([id]) => id !== ID));
      const sent: string[] = [];
      const refresh: RefreshCall = async (stored) => {
        sent.push(stored.refresh ?? "");
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { access: accessToken(1), refresh: refreshToken(1), expires: Date.now() + 3_600_000 };
      };
      const results = await Promise.all(
        Array.from({ length: 20 }, () => refreshCredential({ backend, agentId: "main", profileId: ID, stateDir: fixture.stateDir, refresh })),
      );
      assert.deepEqual(sent, [refreshToken(0)]);
      assert.ok(results.every((r) => r.access === accessToken(1)));
      const after = (await backend.read("main")).merged.profiles;
      const stored = after[ID] as OAuthCredential;
      assert.equal(stored.access, accessToken(1));
      assert.equal(stored.refresh, refreshToken(1));
      assert.equal(stored.email, "alice@example.com");
      assert.deepEqual(Object.fromEntries(Object.entries(after).filter(([id]) => id !== ID)), othersBefore);
    } finally {
      backend.close();
    }
  }));
