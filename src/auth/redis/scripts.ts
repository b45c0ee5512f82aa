// The Lua scripts that make the Redis backend's reads consistent and its
// writes atomic: Redis runs a script as one step, so nobody sees half a commit
// and a commit without the writer's lock does nothing (the fencing check).
import { createHash } from "node:crypto";

export interface ScriptClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/** KEYS: the hashes of one or two stores. Returns each hash's HGETALL, in one atomic step. */
export const READ_STORES = script(`
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('HGETALL', key) end
return out
`);

/**
 * KEYS: lock, profiles, usage, doc, rev. ARGV: token, writer, channel, agent, a new epoch
 * (kept only if the counter has none: it tells a counter that started again after Redis
 * lost its data from the one before), then per hash
 * (profiles, usage, doc): a count and that many field/value pairs to set, a count and that
 * many fields to delete. Refuses unless the caller still holds the lock; bumps the change
 * counter and publishes the change in the same step. Returns the new counter.
 */
export const COMMIT = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('OPENCLAW_LOCK_LOST the store lock expired before the write') end
local i = 6
for hash = 2, 4 do
  local count = tonumber(ARGV[i]); i = i + 1
  for _ = 1, count do redis.call('HSET', KEYS[hash], ARGV[i], ARGV[i + 1]); i = i + 2 end
  count = tonumber(ARGV[i]); i = i + 1
  for _ = 1, count do redis.call('HDEL', KEYS[hash], ARGV[i]); i = i + 1 end
end
local now = redis.call('TIME')
redis.call('HSETNX', KEYS[5], 'epoch', ARGV[5])
local n = redis.call('HINCRBY', KEYS[5], 'n', 1)
redis.call('HSET', KEYS[5], 'writer', ARGV[2], 'at', tostring(now[1] * 1000 + math.floor(now[2] / 1000)))
local epoch = redis.call('HGET', KEYS[5], 'epoch')
redis.call('PUBLISH', ARGV[3], cjson.encode({agent = ARGV[4], rev = n, writer = ARGV[2], epoch = epoch}))
return n
`);

/** KEYS: lock. ARGV: token, lease ms. Extends the lease if the caller still holds the lock. */
export const RENEW_LOCK = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** KEYS: lock. ARGV: token. Releases the lock if the caller still holds it. */
export const RELEASE_LOCK = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * KEYS: a refresh lease, its fencing counter (same hash tag). ARGV: a random nonce, lease ms.
 * Takes the lease if nobody holds it: the counter goes up by one and the lease holds
 * `<counter>:<nonce>` for `lease ms`. Returns the counter (the fencing token), or 0 when held.
 */
export const ACQUIRE_LEASE = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], n .. ':' .. ARGV[1], 'PX', ARGV[2])
return n
`);

/** Runs a script by its hash, sending its text only when this Redis has not seen it yet. */
export async function runScript(client: ScriptClient, { source, sha }: Script, keys: string[], args: string[]): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await client.sendCommand(["EVALSHA", sha, ...tail]);
  } catch (error) {
    if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
    return client.sendCommand(["EVAL", source, ...tail]);
  }
}
