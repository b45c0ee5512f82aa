// The shared connection through an outage, in-process: a command that cannot
// reach Redis fails fast with the "unreachable" error (what the gateway's
// degraded mode keys on), the link says so, and commands succeed again soon
// after Redis is back (a failed connect is not remembered).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { redisSkipReason, startRedisServer, type RedisServer } from "../../../test/helpers/redis-server.ts";
import { isStateUnreachable } from "../state-unreachable.ts";
import { acquireConnection } from "./connection.ts";
import { parseStateUrl } from "./state-url.ts";

const skip = redisSkipReason("src/auth/redis/connection.test.ts");

describe("the Redis connection through an outage", { skip, timeout: 60_000 }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedisServer({ password: "connection-test-password-0123" });
  });
  after(async () => {
    await server?.stop();
  });

  test("unreachable: a fast, recognisable error and a link that is down; back: connected again without a new object", async () => {
    const connection = acquireConnection(parseStateUrl(`${server.url}?prefix=conn-test:`));
    try {
      const ping = () => connection.run((client) => client.sendCommand(["PING"]));
      assert.equal(await ping(), "PONG");
      assert.deepEqual(connection.link(), { connected: true });

      await server.kill();
      const started = Date.now();
      for (let i = 0; i < 3; i++) {
        // The third after the client gave up reconnecting (100 + 200 ms): a fresh connect that fails.
        if (i === 2) await new Promise((resolve) => setTimeout(resolve, 600));
        const error = await ping().then(() => undefined, (caught: unknown) => caught);
        assert.ok(isStateUnreachable(error), `attempt ${i}: ${String(error)}`);
        assert.doesNotMatch((error as Error).message, /connection-test-password/);
      }
      assert.ok(Date.now() - started < 5_000, "fails fast against a closed port");
      const down = connection.link();
      assert.equal(down.connected, false);
      assert.ok(typeof down.since === "number" && down.since >= started - 1_000);

      await server.start();
      // A client still inside its reconnect backoff refuses at once (no offline queue); once it
      // has given up, the next command connects afresh (a failed connect is not remembered).
      let answer: unknown;
      for (const deadline = Date.now() + 5_000; answer === undefined && Date.now() < deadline; ) {
        answer = await ping().catch(() => new Promise((resolve) => setTimeout(() => resolve(undefined), 50)));
      }
      assert.equal(answer, "PONG", "connected again once Redis is back");
      assert.deepEqual(connection.link(), { connected: true });
    } finally {
      connection.release();
    }
  });
});
