import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/create-redis.js';
import { toRedisUnavailable } from '../redis/redis-unavailable-error.js';

export interface RateBudget {
  /** Part of the Redis key: `rate:<name>:<subject>` (under the client's REDIS_KEY_PREFIX). */
  name: string;
  /** Requests allowed per window. */
  points: number;
  windowSeconds: number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterMs: number };

/**
 * A fixed-window counter per subject in Redis (rate-limiter-flexible's RateLimiterRedis: one
 * Lua script per call), so every gateway instance on the same Redis spends the same budget.
 * A Redis that cannot answer (including a connection that is not ready) throws RedisUnavailableError; the caller decides what that means.
 */
export class RedisRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: RedisClient,
    readonly budget: RateBudget,
  ) {
    if (!/^[A-Za-z0-9_-]+$/.test(budget.name)) throw new RangeError(`rate budget name must be a plain word: "${budget.name}"`);
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rate:${budget.name}`,
      points: budget.points,
      duration: budget.windowSeconds,
      // Fail at once when the connection is down instead of waiting for a command timeout.
      rejectIfRedisNotReady: true,
    });
  }

  /** Spends one request of `subject`'s budget. */
  async consume(subject: string): Promise<RateDecision> {
    try {
      const res = await this.limiter.consume(subject, 1);
      return { allowed: true, remaining: res.remainingPoints };
    } catch (rejection) {
      // The library rejects with a RateLimiterRes when the budget is spent, with an Error otherwise.
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(0, rejection.msBeforeNext) };
      throw toRedisUnavailable(rejection);
    }
  }
}
