// The change watch's bookkeeping without a Redis: counters, gaps, epochs, and
// the look after a (re)subscribe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import { createStoreWatch, type Revision } from "./store-watch.ts";

const ME = "writer-me";

function harness(agents: string[], initial: Record<string, Revision> = {}) {
  let revisions = new Map(Object.entries(initial));
  let listener: (text: string) => void = () => undefined;
  let ready: () => void = () => undefined;
  let reports = 0;
  const watch = createStoreWatch({
    agents,
    writerId: ME,
    revisions: async () => revisions,
    subscribe: (hear, onReady) => {
      listener = hear;
      ready = onReady;
      return () => (listener = () => undefined);
    },
    onChange: () => reports++,
    onClose: () => undefined,
  });
  return {
    watch,
    reports: () => reports,
    send: (agent: string, rev: number, writer = "other", epoch = "e1") => listener(JSON.stringify({ agent, rev, writer, epoch })),
    setRevisions: (next: Record<string, Revision>) => (revisions = new Map(Object.entries(next))),
    ready: () => ready(),
  };
}

test("a message past the baseline from another writer is reported once; its repeat, an older one and our own are not", async () => {
  const h = harness(["main"], { main: { n: 3, writer: "other", epoch: "e1" } });
  await turn();
  h.send("main", 3); // from before the watch
  h.send("main", 4);
  h.send("main", 4);
  h.send("main", 5, ME);
  h.send("work", 9); // not watched
  assert.equal(h.reports(), 1);
  assert.equal(h.watch.polling, false);
});

test("a gap in the counter is reported even when the newest commit is ours: commits we never heard of", async () => {
  const h = harness(["main"], { main: { n: 1, writer: "other", epoch: "e1" } });
  await turn();
  h.send("main", 3, ME);
  assert.equal(h.reports(), 1);
});

test("messages that arrive before the baseline wait for it", async () => {
  const h = harness(["main"], { main: { n: 2, writer: "other", epoch: "e1" } });
  h.send("main", 2); // already in the baseline
  h.send("main", 3);
  assert.equal(h.reports(), 0, "nothing before the baseline is known");
  await turn();
  assert.equal(h.reports(), 1);
});

test("after a resubscribe the watch looks at the counters and reports what it missed, once", async () => {
  const h = harness(["work", "main"], { main: { n: 1, writer: "other", epoch: "e1" } });
  await turn();
  h.setRevisions({ main: { n: 2, writer: "other", epoch: "e1" }, work: { n: 1, writer: "other", epoch: "e1" } });
  h.ready();
  await turn();
  assert.equal(h.reports(), 1, "two stores changed, one report");
  h.ready();
  await turn();
  assert.equal(h.reports(), 1, "nothing new");
});

test("a counter of another epoch (Redis lost its data) is news even when it is lower", async () => {
  const h = harness(["main"], { main: { n: 7, writer: "other", epoch: "e1" } });
  await turn();
  h.send("main", 1, "other", "e2");
  assert.equal(h.reports(), 1);
  h.send("main", 1, "other", "e2");
  assert.equal(h.reports(), 1);
});

test("a closed watch reports nothing", async () => {
  const h = harness(["main"]);
  await turn();
  h.watch.close();
  h.send("main", 1);
  h.watch.check();
  assert.equal(h.reports(), 0);
});
