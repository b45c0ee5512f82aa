// Where chat sessions live in Redis and the one script that writes them
// (docs/scale-out.md "Sessions"):
//   <prefix>{agent:<id>}:sessions   hash  session key (`agent:<id>:<key>`) → entry JSON
//   <prefix>changes                 channel  {"kind":"session","agent","key","writer"} after each write
// The channel is the credential watch's; its messages carry no `rev`, so that
// watch (auth/redis/keys.ts parseChangeMessage) passes them by.
import { createHash } from "node:crypto";
import type { Script } from "./scripts.ts";

export function sessionsKey(prefix: string, agentId: string): string {
  return `${prefix}{agent:${agentId}}:sessions`;
}

export interface SessionChange {
  kind: "session";
  agent: string;
  key: string;
  writer: string;
}

export function sessionChangeMessage({ agent, key, writer }: Omit<SessionChange, "kind">): string {
  return JSON.stringify({ kind: "session", agent, key, writer });
}

export function parseSessionChange(text: string): SessionChange | undefined {
  try {
    const value = JSON.parse(text) as Partial<SessionChange>;
    if (value.kind === "session" && typeof value.agent === "string" && typeof value.key === "string" && typeof value.writer === "string") return value as SessionChange;
  } catch {
    // not a message of ours
  }
  return undefined;
}

/**
 * KEYS: the sessions hash. ARGV: field, "1" if a value is expected else "0", the expected
 * value, the new value, the channel, the change message. Writes and publishes only when the
 * field still holds what the caller read (compare-and-set); returns {1} then, else {0, current}.
 */
export const SET_SESSION: Script = (() => {
  const source = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  if current ~= ARGV[3] then return {0, current} end
elseif current then
  return {0, current}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {1}
`;
  return { source, sha: createHash("sha1").update(source).digest("hex") };
})();
