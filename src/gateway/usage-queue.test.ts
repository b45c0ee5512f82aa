import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageQueue } from "./usage-queue.ts";
import type { UsageChange } from "./usage-change.ts";

const change = (profileId: string): UsageChange => ({ profileId, fingerprint: "f", provider: profileId, kind: "failure", apply: () => {} });

test("a flush that arrives during a write returns only once what it saw waiting is written too", async () => {
  const written: string[][] = [];
  let release: () => void = () => {};
  const queue = new UsageQueue({
    networked: () => false,
    flushDelayMs: 60_000,
    write: (batch) =>
      new Promise<void>((resolve) => {
        release = () => {
          written.push(batch.map((c) => c.profileId));
          resolve();
        };
      }),
  });
  queue.add(change("a"));
  const first = queue.flush();
  await new Promise((resolve) => setImmediate(resolve));
  queue.add(change("b"));
  let secondDone = false;
  let thirdDone = false;
  const second = queue.flush().then(() => (secondDone = true));
  const third = queue.flush().then(() => (thirdDone = true));
  assert.equal(queue.queued(), 2, "the batch being written still counts as queued");
  release(); // the first write ends; the second caller's write starts
  await first;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(secondDone, false, "the second flush waits for its own write");
  assert.equal(thirdDone, false, "so does a third that found nothing left to take");
  release();
  await Promise.all([second, third]);
  assert.deepEqual(written, [["a"], ["b"]]);
  assert.equal(queue.queued(), 0);
  queue.close();
});
