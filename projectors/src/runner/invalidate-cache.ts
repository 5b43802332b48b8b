import type { Logger, RedisClient } from '@concert/infra';

/**
 * A query that read the old rows just before the commit may write them to the cache just
 * after our delete; deleting again a moment later bounds how long such a stale entry lives
 * (instead of the cache TTL). Long enough for a slow query, short enough to be unnoticed.
 */
const SECOND_DELETE_AFTER_MS = 500;

/**
 * Deletes query-cache keys after their events committed, and once more shortly after.
 * Best effort: the cache has a TTL and Redis is never the source of truth, so a failure is
 * logged, never retried or fatal. One DEL per key: keys of different hash slots cannot share
 * one command in Redis Cluster.
 */
export async function invalidateCache(
  redis: RedisClient | undefined,
  keys: readonly string[],
  logger: Logger,
): Promise<void> {
  if (!redis || keys.length === 0) return;
  await deleteKeys(redis, keys, logger);
  setTimeout(() => void deleteKeys(redis, keys, logger), SECOND_DELETE_AFTER_MS).unref();
}

async function deleteKeys(redis: RedisClient, keys: readonly string[], logger: Logger): Promise<void> {
  const results = await Promise.allSettled(keys.map((key) => redis.del(key)));
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) logger.warn({ failed, keys: keys.length }, 'could not delete stale cache keys');
}
