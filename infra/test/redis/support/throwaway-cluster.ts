import type { RedisClient } from '../../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../../src/redis/key-prefix.js';
import { openRedis } from '../../../src/testing/test-redis.js';
import { startRedisServers, type ThrowawayRedis } from './throwaway-redis.js';

/**
 * For a describe block: a throwaway 3-master Redis Cluster started before its tests and
 * stopped after, with `clientCount` clients under `prefix`. Where no cluster can be started,
 * the tests are skipped and the run says why (never silently). Returns the clients' getter.
 */
export function useThrowawayCluster(prefix: string, clientCount = 1): () => RedisClient[] {
  let servers: ThrowawayRedis | undefined;
  const clients: RedisClient[] = [];

  before(async function () {
    try {
      servers = await startRedisServers(3, { cluster: true });
    } catch (error) {
      console.log(`      SKIPPED Redis Cluster tests: could not start a cluster: ${String(error)}`);
      this.skip();
    }
    for (let i = 0; i < clientCount; i++) clients.push(await openRedis(servers.urls, prefix));
  });

  after(async () => {
    if (clients[0]) await deleteKeysWithPrefix(clients[0], prefix).catch(() => undefined);
    for (const client of clients) client.disconnect();
    await servers?.stop();
  });

  return () => {
    if (clients.length === 0) throw new Error('no cluster client');
    return clients;
  };
}
