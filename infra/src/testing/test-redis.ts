import { randomBytes } from 'node:crypto';
import { createRedis, type RedisClient } from '../redis/create-redis.js';
import { redisReady } from '../redis/redis-ready.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Each run writes under its own prefix, so parallel runs and stale keys never meet. */
export function randomKeyPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

export async function openRedis(url: string, keyPrefix = ''): Promise<RedisClient> {
  const client = createRedis({ url, keyPrefix });
  await redisReady(client, 5000);
  return client;
}

/** The rejection of a promise that must reject (chai 5 has no promise assertions built in). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
