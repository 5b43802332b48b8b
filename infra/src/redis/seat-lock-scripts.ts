import type { RedisClient } from './create-redis.js';
import { definedCommand } from './defined-command.js';

/**
 * Checks every key before writing any, so a partly free seat set is never half locked.
 * One script is atomic, and its keys share the schedule's hash tag, hence one cluster slot.
 * KEYS: seat lock keys. ARGV[1]: token, ARGV[2]: ttl in ms. Returns the 1-based indexes
 * of the taken keys; empty when every key was set.
 */
const ACQUIRE_LUA = `
local taken = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    taken[#taken + 1] = i
  end
end
if #taken == 0 then
  for _, key in ipairs(KEYS) do
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  end
end
return taken
`;

/**
 * Deletes only the keys still holding our token: after our lock expired another holder may
 * own the key, and a plain DEL would free their seat. Returns how many keys were deleted.
 */
const RELEASE_LUA = `
local released = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    released = released + redis.call('DEL', key)
  end
end
return released
`;

/** Sets a new ttl on the keys still holding our token (a kept hold). Returns how many were extended. */
const EXTEND_LUA = `
local extended = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    extended = extended + redis.call('PEXPIRE', key, ARGV[2])
  end
end
return extended
`;

// Prefixed names, so they cannot clash with Redis commands or other modules' scripts.
const ACQUIRE = 'concertSeatLockAcquire';
const RELEASE = 'concertSeatLockRelease';
const EXTEND = 'concertSeatLockExtend';

export interface SeatLockScripts {
  acquire(keys: readonly string[], token: string, ttlMs: number): Promise<unknown>;
  release(keys: readonly string[], token: string): Promise<unknown>;
  extend(keys: readonly string[], token: string, ttlMs: number): Promise<unknown>;
}

/**
 * Registers the scripts with defineCommand: ioredis then sends EVALSHA (EVAL once per
 * connection) and applies the client's keyPrefix to the script's KEYS, like any key.
 */
export function defineSeatLockScripts(client: RedisClient): SeatLockScripts {
  // No fixed numberOfKeys: a hold has 1 to n seats, so the key count goes first in each call.
  client.defineCommand(ACQUIRE, { lua: ACQUIRE_LUA });
  client.defineCommand(RELEASE, { lua: RELEASE_LUA });
  client.defineCommand(EXTEND, { lua: EXTEND_LUA });
  const acquire = definedCommand(client, ACQUIRE);
  const release = definedCommand(client, RELEASE);
  const extend = definedCommand(client, EXTEND);
  return {
    acquire: (keys, token, ttlMs) => acquire(keys.length, ...keys, token, ttlMs),
    release: (keys, token) => release(keys.length, ...keys, token),
    extend: (keys, token, ttlMs) => extend(keys.length, ...keys, token, ttlMs),
  };
}
