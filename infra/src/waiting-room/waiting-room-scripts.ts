import type { RedisClient } from '../redis/create-redis.js';
import { definedCommand, type DefinedCommand } from '../redis/defined-command.js';

/**
 * The waiting room's Lua scripts. Each one is atomic and touches only the keys of one concert
 * (one hash tag, one cluster slot). Time is Redis's own clock (TIME), so several gateway
 * instances with drifting clocks share one timeline. Redis 7 replicates scripts by effects,
 * which is what makes TIME before a write legal.
 *
 * No script iterates over waiting users: entering is HGET/HINCRBY/HSET, a status is HGET,
 * HMGET and ZSCORE, and a tick touches only the positions it admits and the entries it expires.
 */

const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * An entry is `<position>:<entryId>`, or `<position>:<entryId>:C` once a purchase ended its
 * session or the fan left (COMPLETED). KEYS: state, users, admitted.
 * Returns {position, entryId, serving, measuredRate, admittedUntil, now, completed ('1' or '')}.
 */
const ENTRY_STATUS = `
local function parseEntry(entry)
  local sep = string.find(entry, ':', 1, true)
  local rest = string.sub(entry, sep + 1)
  local flag = string.find(rest, ':', 1, true)
  local entryId = rest
  local completed = ''
  if flag then
    entryId = string.sub(rest, 1, flag - 1)
    completed = '1'
  end
  return string.sub(entry, 1, sep - 1), entryId, completed
end
local function entryStatus(entry, now)
  local position, entryId, completed = parseEntry(entry)
  local state = redis.call('HMGET', KEYS[1], 'serving', 'rate')
  local admittedUntil = redis.call('ZSCORE', KEYS[3], position)
  return { tonumber(position), entryId, tonumber(state[1]) or 0, state[2] or '', admittedUntil or '', now, completed }
end
-- Over: admitted once, and either its window lapsed or a purchase ended it.
local function isOver(entry, now)
  local position, _, completed = parseEntry(entry)
  if completed == '1' then return true end
  local serving = tonumber(redis.call('HGET', KEYS[1], 'serving')) or 0
  if tonumber(position) > serving then return false end
  local admittedUntil = redis.call('ZSCORE', KEYS[3], position)
  return (not admittedUntil) or tonumber(admittedUntil) <= now
end
`;

/**
 * KEYS: state, users, admitted. ARGV: userId, a fresh entry id, retention (ms).
 * The first call of a user takes the next position; every later call returns that same entry
 * while it waits or is admitted. Once it is over (EXPIRED or COMPLETED), the next call takes a
 * new position at the back with the fresh entry id.
 */
const ENTER_LUA = `${NOW}${ENTRY_STATUS}
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if (not entry) or isOver(entry, now) then
  local position = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  entry = position .. ':' .. ARGV[2]
  redis.call('HSET', KEYS[2], ARGV[1], entry)
  -- Admission credit accrues from the first entry, not from the first tick.
  redis.call('HSETNX', KEYS[1], 'tickAt', now)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return entryStatus(entry, now)
`;

/** KEYS: state, users, admitted. ARGV: userId. Nil when the user never entered. */
const STATUS_LUA = `${NOW}${ENTRY_STATUS}
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then return nil end
return entryStatus(entry, now)
`;

/**
 * KEYS: state, admitted, left. ARGV: admissions per second, max admitted, admission window (ms),
 * max burst (admissions one tick may make after a pause), rate time constant (ms), retention (ms).
 *
 * 1. Admitted entries whose window ended leave the ZSET (ZREMRANGEBYSCORE: log n + expired).
 * 2. The credit is the time since the last tick (stored here, so concurrent tickers never
 *    count the same interval twice) times the rate, capped by the burst; the serving counter
 *    advances by it, by the free slots under the cap, and by the waiting users, whichever is
 *    least. Only the positions admitted now are written; a position whose fan left while
 *    waiting (the `left` set) is passed over without a slot or credit.
 * 3. The measured rate is an exponentially weighted average of admissions per second over the
 *    intervals in which users were left waiting (when nobody waits, admissions say nothing
 *    about what the room can do).
 * Returns {admitted now, expired now, waiting, admitted, serving}.
 */
const TICK_LUA = `${NOW}
local ratePerSecond = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local maxBurst = tonumber(ARGV[4])
local tau = tonumber(ARGV[5])
local expired = redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local state = redis.call('HMGET', KEYS[1], 'seq', 'serving', 'tickAt', 'carry', 'rate')
local seq = tonumber(state[1]) or 0
local serving = tonumber(state[2]) or 0
local tickAt = tonumber(state[3]) or now
local carry = tonumber(state[4]) or 0
local measured = tonumber(state[5])
local elapsed = now - tickAt
if elapsed < 0 then elapsed = 0 end
local credit = math.min(carry + elapsed * ratePerSecond / 1000, maxBurst)
local admittedCount = redis.call('ZCARD', KEYS[2])
local admit = math.min(math.floor(credit), cap - admittedCount)
if admit < 0 then admit = 0 end
-- A position whose fan left while waiting is passed without a slot or credit; the serving
-- counter moves over it, so the ones behind are not held back by it.
local admitted = 0
local position = serving
while admitted < admit and position < seq do
  position = position + 1
  if redis.call('SREM', KEYS[3], position) == 0 then
    redis.call('ZADD', KEYS[2], now + window, position)
    admitted = admitted + 1
  end
end
if admitted > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
local passed = position - serving
-- Only a fraction of an admission carries over; credit refused by the cap or an empty queue is dropped.
if admitted == math.floor(credit) then carry = credit - admitted else carry = 0 end
serving = position
-- The rate of positions passed: what a waiting fan's estimate needs.
if elapsed > 0 and seq > serving then
  if measured == nil then measured = ratePerSecond end
  local weight = 1 - math.exp(-elapsed / tau)
  measured = measured + weight * (passed * 1000 / elapsed - measured)
end
if seq > 0 then
  redis.call('HSET', KEYS[1], 'serving', serving, 'tickAt', now, 'carry', carry)
  if measured ~= nil then redis.call('HSET', KEYS[1], 'rate', measured) end
end
return { admitted, expired, seq - serving, admittedCount + admitted, serving }
`;

/**
 * KEYS: users, admitted. ARGV: userId. Ends the user's session after a purchase: frees its
 * slot and marks the entry COMPLETED, if it was admitted. Returns 1 if a slot was freed.
 */
const COMPLETE_LUA = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
local sep = string.find(entry, ':', 1, true)
local position = string.sub(entry, 1, sep - 1)
-- Only an admitted entry ends so: a lapsed one stays EXPIRED, a waiting one keeps waiting.
if redis.call('ZREM', KEYS[2], position) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], entry .. ':C')
return 1
`;

/**
 * KEYS: state, users, admitted, left. ARGV: userId, entryId, retention (ms). The fan leaves:
 * an admitted entry frees its slot, a waiting one gives up its place (the tick will pass its
 * position without a slot); either way the entry is over (COMPLETED) and entering again
 * starts at the back. Returns 1 if this call ended the entry, 0 if it was already over or
 * is not the user's current entry.
 */
const LEAVE_LUA = `${NOW}${ENTRY_STATUS}
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if (not entry) or isOver(entry, now) then return 0 end
local position, entryId = parseEntry(entry)
if entryId ~= ARGV[2] then return 0 end
local serving = tonumber(redis.call('HGET', KEYS[1], 'serving')) or 0
if tonumber(position) > serving then
  redis.call('SADD', KEYS[4], position)
  redis.call('PEXPIRE', KEYS[4], ARGV[3])
else
  redis.call('ZREM', KEYS[3], position)
end
redis.call('HSET', KEYS[2], ARGV[1], entry .. ':C')
return 1
`;

const ENTER = 'concertQueueEnter';
const STATUS = 'concertQueueStatus';
const TICK = 'concertQueueTick';
const COMPLETE = 'concertQueueComplete';
const LEAVE = 'concertQueueLeave';

type Call = DefinedCommand;

export interface WaitingRoomScripts {
  enter: Call;
  status: Call;
  tick: Call;
  complete: Call;
  leave: Call;
}

/**
 * Registers the scripts with defineCommand (EVALSHA, and the client's keyPrefix applied to
 * KEYS like to any key). The key count is fixed per script.
 */
export function defineWaitingRoomScripts(client: RedisClient): WaitingRoomScripts {
  client.defineCommand(ENTER, { lua: ENTER_LUA, numberOfKeys: 3 });
  client.defineCommand(STATUS, { lua: STATUS_LUA, numberOfKeys: 3 });
  client.defineCommand(TICK, { lua: TICK_LUA, numberOfKeys: 3 });
  client.defineCommand(COMPLETE, { lua: COMPLETE_LUA, numberOfKeys: 2 });
  client.defineCommand(LEAVE, { lua: LEAVE_LUA, numberOfKeys: 4 });
  return {
    enter: definedCommand(client, ENTER),
    status: definedCommand(client, STATUS),
    tick: definedCommand(client, TICK),
    complete: definedCommand(client, COMPLETE),
    leave: definedCommand(client, LEAVE),
  };
}
