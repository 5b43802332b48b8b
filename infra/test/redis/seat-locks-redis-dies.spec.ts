import { expect } from 'chai';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { RedisUnavailableError, RedisSeatLocks } from '../../src/redis/seat-locks.js';
import { openRedis, rejectionOf } from '../../src/testing/test-redis.js';
import { startRedisServers, type ThrowawayRedis } from './support/throwaway-redis.js';

describe('Redis seat locks when a connected Redis dies', function () {
  this.timeout(20_000);
  let server: ThrowawayRedis | undefined;
  let client: RedisClient | undefined;

  before(async function () {
    try {
      server = await startRedisServers(1, { cluster: false });
    } catch (error) {
      console.log(`      SKIPPED: could not start a throwaway redis-server: ${String(error)}`);
      this.skip();
    }
    client = await openRedis(server.urls);
    client.on('error', () => undefined);
  });

  after(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('When Redis stops after connecting, Then acquire fails fast with RedisUnavailableError', async () => {
    if (!client || !server) throw new Error('no throwaway Redis');
    const locks = new RedisSeatLocks(client);
    const held = await locks.acquire('s-1', ['A-1'], 10_000);
    expect(held.ok).to.equal(true);

    await server.stop();
    const started = Date.now();
    const error = await rejectionOf(locks.acquire('s-1', ['A-2'], 10_000));
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(error).to.be.instanceOf(RedisUnavailableError);
    // Releasing against a dead Redis reports it too; the TTL frees the key anyway.
    if (held.ok) expect(await rejectionOf(held.release())).to.be.instanceOf(RedisUnavailableError);
  });
});
