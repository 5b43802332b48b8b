import type { RedisClient } from './create-redis.js';
import { RedisUnavailableError } from './redis-unavailable-error.js';

/**
 * Waits for the first connection. Without an offline queue, commands sent before it fail,
 * so a process that wants its first requests locked (and tests) waits here at startup.
 */
export async function redisReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    const onReady = (): void => {
      cleanUp();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanUp();
      const why = lastError ? `: ${lastError.message}` : '';
      reject(new RedisUnavailableError(`Redis not ready within ${timeoutMs} ms${why}`, { cause: lastError }));
    }, timeoutMs);
    const cleanUp = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
    };
    client.on('ready', onReady);
    client.on('error', onError);
  });
}
