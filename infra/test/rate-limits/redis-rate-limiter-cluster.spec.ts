import { expect } from 'chai';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { RedisRateLimiter } from '../../src/rate-limits/redis-rate-limiter.js';
import { openRedis, randomKeyPrefix } from '../redis/support/test-redis.js';
import { startRedisServers, type ThrowawayRedis } from '../redis/support/throwaway-redis.js';

describe('RedisRateLimiter on a Redis Cluster', function () {
  this.timeout(30_000);
  let servers: ThrowawayRedis | undefined;
  const clients: RedisClient[] = [];

  before(async function () {
    try {
      servers = await startRedisServers(3, { cluster: true });
    } catch (error) {
      // Never pass silently: say why the cluster tests did not run.
      console.log(`      SKIPPED Redis Cluster rate-limit tests: could not start a cluster: ${String(error)}`);
      this.skip();
    }
    const prefix = randomKeyPrefix();
    clients.push(await openRedis(servers.urls, prefix), await openRedis(servers.urls, prefix));
  });

  after(async () => {
    for (const client of clients) client.disconnect();
    await servers?.stop();
  });

  it('When subjects land in slots of different masters, Then each gets exactly its budget, counted once across two clients', async () => {
    const [a, b] = clients as [RedisClient, RedisClient];
    expect(a).to.be.instanceOf(Cluster);
    const viaA = new RedisRateLimiter(a, { name: 'commands-user', points: 3, windowSeconds: 60 });
    const viaB = new RedisRateLimiter(b, { name: 'commands-user', points: 3, windowSeconds: 60 });
    const subjects = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    for (const subject of subjects) {
      const decisions = await Promise.all([viaA, viaB, viaA, viaB, viaA].map((l) => l.consume(subject)));
      expect(decisions.filter((d) => d.allowed), subject).to.have.length(3);
    }
  });
});
