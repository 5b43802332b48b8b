import { expect } from 'chai';
import { createRedis } from '../../src/redis/create-redis.js';
import { RedisUnavailableError, RedisSeatLocks } from '../../src/redis/seat-locks.js';
import { rejectionOf } from '../../src/testing/test-redis.js';

describe('Redis seat locks when Redis is unreachable', () => {
  // Port 1 on loopback refuses connections: a dead Redis without waiting on a network timeout.
  for (const [kind, url] of [
    ['a single Redis', 'redis://127.0.0.1:1'],
    ['a cluster', 'redis://127.0.0.1:1,redis://127.0.0.1:2'],
  ] as const) {
    it(`When ${kind} cannot be reached, Then acquire fails fast with RedisUnavailableError`, async () => {
      const client = createRedis({ url, onError: () => undefined });
      try {
        const locks = new RedisSeatLocks(client);
        const started = Date.now();
        const error = await rejectionOf(locks.acquire('s-1', ['A-1', 'A-2'], 10_000));
        expect(Date.now() - started).to.be.lessThan(2000);
        expect(error).to.be.instanceOf(RedisUnavailableError);
        expect((error as RedisUnavailableError).cause).to.be.instanceOf(Error);
      } finally {
        client.disconnect();
      }
    });
  }
});
