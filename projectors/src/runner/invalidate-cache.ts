import type { Logger, RedisClient } from '@concert/infra';

/**
 * Deletes query-cache keys after their events committed. Best effort: the cache has a TTL and
 * Redis is never the source of truth, so a failure is logged, never retried or fatal. One DEL
 * per key: keys of different hash slots cannot share one command in Redis Cluster.
 */
export async function invalidateCache(redis: RedisClient | undefined, keys: readonly string[], logger: Logger): Promise<void> {
  if (!redis || keys.length === 0) return;
  const results = await Promise.allSettled(keys.map((key) => redis.del(key)));
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) logger.warn({ failed, keys: keys.length }, 'could not delete stale cache keys');
}
