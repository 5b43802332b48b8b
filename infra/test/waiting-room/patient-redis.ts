import { createRedis, type RedisClient } from '../../src/redis/create-redis.js';
import { redisReady } from '../../src/redis/redis-ready.js';
import { TEST_REDIS_URL } from '../../src/testing/test-redis.js';

/**
 * A test client that waits for answers longer than a request would (1 s): thousands of calls
 * in flight on a shared 2-core machine must not fail a spec by a timeout nobody asserts on.
 */
export async function patientRedis(keyPrefix = ''): Promise<RedisClient> {
  const client = createRedis({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 20_000 });
  await redisReady(client, 5000);
  return client;
}
