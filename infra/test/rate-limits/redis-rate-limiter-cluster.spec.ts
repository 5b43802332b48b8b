import { expect } from 'chai';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { RedisRateLimiter } from '../../src/rate-limits/redis-rate-limiter.js';
import { randomKeyPrefix } from '../../src/testing/test-redis.js';
import { useThrowawayCluster } from '../redis/support/throwaway-cluster.js';

describe('RedisRateLimiter on a Redis Cluster', function () {
  this.timeout(30_000);
  const clients = useThrowawayCluster(randomKeyPrefix(), 2);

  it('When subjects land in slots of different masters, Then each gets exactly its budget, counted once across two clients', async () => {
    const [a, b] = clients() as [RedisClient, RedisClient];
    expect(a).to.be.instanceOf(Cluster);
    const viaA = new RedisRateLimiter(a, { name: 'commands-user', points: 3, windowSeconds: 60 });
    const viaB = new RedisRateLimiter(b, { name: 'commands-user', points: 3, windowSeconds: 60 });
    const subjects = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    for (const subject of subjects) {
      const decisions = await Promise.all([viaA, viaB, viaA, viaB, viaA].map((l) => l.consume(subject)));
      expect(
        decisions.filter((d) => d.allowed),
        subject,
      ).to.have.length(3);
    }
  });
});
