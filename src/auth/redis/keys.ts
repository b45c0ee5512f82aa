// Where one agent's store lives in Redis (docs/scale-out.md "Key layout").
// The store document is split so that a write touches only what changed, and
// a profile is one hash field another tool can read:
//   <prefix>{agent:<id>}:profiles   hash  profile id → credential (JSON)
//   <prefix>{agent:<id>}:usage      hash  profile id → usage stats (JSON)
//   <prefix>{agent:<id>}:doc        hash  version, order, lastGood, any unknown section → JSON
//   <prefix>{agent:<id>}:rev        hash  n (commits so far), epoch, writer, at (ms): the change counter
//   <prefix>{agent:<id>}:lock       string  the writer's lock token (SET NX PX)
//   <prefix>refresh:{<sha256>}       string  an OAuth refresh lease: `<fence>:<nonce>` (SET PX)
//   <prefix>refresh:{<sha256>}:fence string  that credential's fencing counter (INCR)
//   <prefix>changes                 channel  {"agent","rev","writer","epoch"} after each commit
// The `{agent:<id>}` hash tag keeps one agent's keys in one Redis Cluster slot,
// so its scripts stay legal there (Cluster itself is not tested yet).

export interface AgentKeys {
  profiles: string;
  usage: string;
  doc: string;
  rev: string;
  lock: string;
}

export function agentKeys(prefix: string, agentId: string): AgentKeys {
  const base = `${prefix}{agent:${agentId}}:`;
  return { profiles: `${base}profiles`, usage: `${base}usage`, doc: `${base}doc`, rev: `${base}rev`, lock: `${base}lock` };
}

/** The store's data keys, in the order the scripts take them. */
export function dataKeys(keys: AgentKeys): [string, string, string, string] {
  return [keys.profiles, keys.usage, keys.doc, keys.rev];
}

/**
 * One credential's refresh lease and fencing counter; `digest` is sha256(provider \0 profileId).
 * Their own hash tag: the lease is never taken in the same script as a store write.
 */
export function refreshLeaseKeys(prefix: string, digest: string): { lease: string; fence: string } {
  return { lease: `${prefix}refresh:{${digest}}`, fence: `${prefix}refresh:{${digest}}:fence` };
}

export function changesChannel(prefix: string): string {
  return `${prefix}changes`;
}

/** What the change channel carries. */
export interface ChangeMessage {
  agent: string;
  rev: number;
  writer: string;
  /** Made with the counter: a new one means the counter started again (Redis lost its data). */
  epoch: string;
}

export function parseChangeMessage(text: string): ChangeMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<ChangeMessage>;
    if (typeof value.agent === "string" && typeof value.rev === "number" && typeof value.writer === "string" && typeof value.epoch === "string") return value as ChangeMessage;
  } catch {
    // someone else's message on our channel: not ours to act on
  }
  return undefined;
}
