// A watch on what one agent's view is made of (its store, and the default
// agent's it reads through), fed by the change channel. Each store has a
// commit counter (keys.ts `rev`): a message is news when its counter is past
// the last one seen, and someone else's when another backend object wrote it.
// Pub/sub drops what is sent while a subscriber is away, so whenever the
// subscription is (re)established the watch reads the counters and reports
// what it missed; the counters read when the watch is made are the baseline.
// A counter with another epoch started again (Redis lost its data): always news.
import type { StoreWatch } from "../backend.ts";
import { parseChangeMessage, type ChangeMessage } from "./keys.ts";

export interface Revision {
  n: number;
  writer: string;
  epoch: string;
}

export interface StoreWatchOptions {
  agents: string[];
  /** This backend object's writer id: its own commits are reported by onCommitted, not here. */
  writerId: string;
  revisions(agents: string[]): Promise<Map<string, Revision>>;
  /** Subscribes to the change channel; returns the unsubscribe. */
  subscribe(listener: (message: string) => void, onReady: () => void): () => void;
  onChange(): void;
  onClose(): void;
}

export function createStoreWatch(options: StoreWatchOptions): StoreWatch {
  const { agents, writerId } = options;
  /** Undefined until the baseline is read; messages wait in `early` meanwhile. */
  let seen: Map<string, { rev: number; epoch: string }> | undefined;
  const early: ChangeMessage[] = [];
  let closed = false;

  /** Takes in one commit counter; true when it is news this watch must report. */
  const advance = ({ agent, rev, writer, epoch }: ChangeMessage): boolean => {
    const last = seen!.get(agent) ?? { rev: 0, epoch: "" };
    const sameEpoch = epoch === last.epoch || last.epoch === "" || epoch === "";
    if (sameEpoch && rev <= last.rev) return false;
    seen!.set(agent, { rev, epoch: epoch || last.epoch });
    // A gap means commits we never heard of: someone else's, as far as we can tell.
    return writer !== writerId || rev > last.rev + 1 || !sameEpoch;
  };
  const report = (news: boolean) => {
    if (news && !closed) options.onChange();
  };

  const baseline = options.revisions(agents).then(
    (revisions) => new Map(agents.map((agent) => [agent, { rev: revisions.get(agent)?.n ?? 0, epoch: revisions.get(agent)?.epoch ?? "" }])),
    () => new Map<string, { rev: number; epoch: string }>(), // Redis unreachable now: the first look after it is back reports a change
  );
  void baseline.then((initial) => {
    seen = initial;
    report(early.splice(0).map(advance).some(Boolean));
  });

  const lookAgain = () => {
    void baseline
      .then(() => options.revisions(agents))
      .then(
        (revisions) => report(agents.map((agent) => advance({ agent, ...(revisions.get(agent) ?? { n: 0, writer: "", epoch: "" }), rev: revisions.get(agent)?.n ?? 0 })).some(Boolean)),
        () => undefined, // down again: the next reconnect looks again
      );
  };
  const unsubscribe = options.subscribe((text) => {
    const message = parseChangeMessage(text);
    if (!message || !agents.includes(message.agent) || closed) return;
    if (seen) report(advance(message));
    else early.push(message);
  }, lookAgain);

  return {
    polling: false,
    // Changes arrive as messages; a request never costs a Redis round trip.
    check() {},
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      options.onClose();
    },
  };
}
