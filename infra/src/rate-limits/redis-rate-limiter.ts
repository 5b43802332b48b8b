import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/create-redis.js';
import { definedCommand, type DefinedCommand } from '../redis/defined-command.js';
import { toRedisUnavailable } from '../redis/redis-unavailable-error.js';

export interface RateBudget {
  /** Part of the Redis key: `rate:<name>:<subject>` (under the client's REDIS_KEY_PREFIX). */
  name: string;
  /** Requests allowed per window. */
  points: number;
  windowSeconds: number;
}

/**
 * `remaining`: requests left in the window after this one; `resetMs` / `retryAfterMs`: until the
 * window ends (the RateLimit header's `r` and `t`). Both from the same script call as the count.
 */
export type RateDecision =
  { allowed: true; remaining: number; resetMs: number } | { allowed: false; retryAfterMs: number };

/** One request of `subject`'s `budget`. */
export interface RateSpend {
  budget: RateBudget;
  subject: string;
}

const CONSUME = 'concertRateConsume';
/**
 * A fixed window per key: the first request of a window creates the counter with the window's
 * expiry, every request adds one. KEYS: the counters; ARGV: each key's window in seconds.
 * Returns, per key, the count so far in its window and the milliseconds left in it.
 */
const CONSUME_LUA = `
local result = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', ARGV[i], 'NX')
  result[#result + 1] = redis.call('INCR', key)
  result[#result + 1] = redis.call('PTTL', key)
end
return result
`;

/**
 * Spends one request of every budget in `spends` (a user's and its IP's) with one script call,
 * so every gateway instance on the same Redis spends the same budgets and a request costs one
 * round trip. On a Redis Cluster the keys live in different slots: one call per key, in parallel.
 * A Redis that cannot answer (including a connection that is not ready) throws
 * RedisUnavailableError; the caller decides what that means.
 */
export async function consumeRateBudgets(redis: RedisClient, spends: readonly RateSpend[]): Promise<RateDecision[]> {
  if (spends.length === 0) return [];
  const consume = consumeCommandOf(redis);
  try {
    if (redis instanceof Cluster) {
      const replies = await Promise.all(spends.map((spend) => consume(1, keyOf(spend), spend.budget.windowSeconds)));
      return spends.map((spend, i) => decisionOf(spend.budget, replies[i] as unknown[], 0));
    }
    const keys = spends.map(keyOf);
    const reply = (await consume(
      keys.length,
      ...keys,
      ...spends.map((spend) => spend.budget.windowSeconds),
    )) as unknown[];
    return spends.map((spend, i) => decisionOf(spend.budget, reply, 2 * i));
  } catch (error) {
    throw toRedisUnavailable(error);
  }
}

/** One budget, for callers that spend a single one. */
export class RedisRateLimiter {
  constructor(
    private readonly redis: RedisClient,
    readonly budget: RateBudget,
  ) {
    if (!/^[A-Za-z0-9_-]+$/.test(budget.name))
      throw new RangeError(`rate budget name must be a plain word: "${budget.name}"`);
    defineRateLimitScript(redis);
  }

  /** Spends one request of `subject`'s budget. */
  async consume(subject: string): Promise<RateDecision> {
    const [decision] = await consumeRateBudgets(this.redis, [{ budget: this.budget, subject }]);
    return decision!;
  }
}

function keyOf(spend: RateSpend): string {
  return `rate:${spend.budget.name}:${spend.subject}`;
}

function decisionOf(budget: RateBudget, reply: readonly unknown[], at: number): RateDecision {
  const consumed = Number(reply[at]);
  const ttlMs = Number(reply[at + 1]);
  const leftMs = Math.max(0, ttlMs);
  if (consumed <= budget.points) return { allowed: true, remaining: budget.points - consumed, resetMs: leftMs };
  return { allowed: false, retryAfterMs: leftMs };
}

const defined = new WeakSet<RedisClient>();

/**
 * Registers the rate-limit script on a client: call it where the client is set up, before it
 * carries traffic (RedisRateLimiter and the gateway's rate-limit stages do). ioredis cannot take
 * a new command while an auto-pipeline is open: a command defined then fails ("pipeline[name]
 * is not a function") and the pipeline's answer throws outside any promise ("results[i] is not
 * iterable"), which ended a gateway at its first rate-limited request while the queue ticker's
 * script was in flight. Idempotent.
 */
export function defineRateLimitScript(redis: RedisClient): void {
  if (defined.has(redis)) return;
  redis.defineCommand(CONSUME, { lua: CONSUME_LUA });
  defined.add(redis);
}

function consumeCommandOf(redis: RedisClient): DefinedCommand {
  if (!defined.has(redis))
    throw new Error('the rate-limit script is not defined on this Redis client: call defineRateLimitScript at set-up');
  return definedCommand(redis, CONSUME);
}
