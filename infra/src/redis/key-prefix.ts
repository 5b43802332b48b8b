import { Cluster } from 'ioredis';
import type { RedisClient } from './create-redis.js';
import { redisReady } from './redis-ready.js';

/**
 * Deletes every key starting with `prefix` (an absolute key prefix, not relative to the
 * client's keyPrefix) — e.g. a test run's `test:<random>:` namespace. SCAN, not KEYS: KEYS
 * blocks the server for the whole keyspace. Returns how many keys were deleted. Waits for a
 * new client's connection first: without an offline queue its first command would fail, and a
 * cleanup that swallows that error would silently leave every key behind.
 */
export async function deleteKeysWithPrefix(client: RedisClient, prefix: string): Promise<number> {
  if (prefix === '') throw new RangeError('refusing to delete every key: the prefix is empty');
  // ioredis prefixes the keys we DEL but not SCAN's MATCH nor the keys SCAN returns.
  const own = client.options.keyPrefix ?? '';
  if (!prefix.startsWith(own)) {
    throw new RangeError(`prefix "${prefix}" is outside the client's key prefix "${own}"`);
  }
  await redisReady(client, 5000);
  // In a cluster each master holds its own slots, so each one is scanned.
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  let deleted = 0;
  for (const node of nodes) {
    const batches = node.scanStream({ match: `${escapeGlob(prefix)}*`, count: 500 }) as AsyncIterable<string[]>;
    for await (const batch of batches) {
      const keys = batch.map((key) => key.slice(own.length));
      if (keys.length > 0) deleted += await unlink(client, keys);
    }
  }
  return deleted;
}

async function unlink(client: RedisClient, keys: readonly string[]): Promise<number> {
  // A cluster refuses one command over keys of several slots (CROSSSLOT): one key per command.
  if (client instanceof Cluster) {
    const counts = await Promise.all(keys.map((key) => client.unlink(key)));
    return counts.reduce((a, b) => a + b, 0);
  }
  return client.unlink(...keys);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
