import { expect } from 'chai';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { RedisSeatLocks } from '../../src/redis/seat-locks.js';
import { openRedis, randomKeyPrefix, sleep, TEST_REDIS_URL } from '../../src/testing/test-redis.js';

describe('Redis seat locks under contention', () => {
  const prefix = randomKeyPrefix();
  let client: RedisClient;

  before(async () => {
    client = await openRedis(TEST_REDIS_URL, prefix);
  });

  after(async () => {
    await deleteKeysWithPrefix(client, prefix);
    await client.quit();
  });

  it('When 200 acquirers race for overlapping seats, Then no seat ever has two holders and each acquire is all or nothing', async () => {
    const seats = ['A-1', 'A-2', 'A-3', 'A-4', 'A-5', 'A-6', 'A-7', 'A-8'];
    const locks = new RedisSeatLocks(client);
    const holders = new Map<string, number>();
    const violations: string[] = [];
    let won = 0;
    let lost = 0;

    const pick = (): string[] => {
      const count = 1 + Math.floor(Math.random() * 4);
      return [...seats].sort(() => Math.random() - 0.5).slice(0, count);
    };

    await Promise.all(
      Array.from({ length: 200 }, async (_, id) => {
        await sleep(Math.random() * 20);
        const wanted = pick();
        const result = await locks.acquire('sched-race', wanted, 10_000);
        if (!result.ok) {
          lost += 1;
          if (result.taken.length === 0 || result.taken.some((s) => !wanted.includes(s))) {
            violations.push(`acquirer ${id} got taken=${result.taken.join(',')} for ${wanted.join(',')}`);
          }
          return;
        }
        won += 1;
        for (const seat of wanted) {
          const other = holders.get(seat);
          if (other !== undefined) violations.push(`seat ${seat} held by ${other} and ${id}`);
          holders.set(seat, id);
        }
        await sleep(Math.random() * 5);
        // Forget the holding before releasing: once Redis frees the key, another may win it.
        for (const seat of wanted) if (holders.get(seat) === id) holders.delete(seat);
        await result.release();
      }),
    );

    expect(violations).to.deep.equal([]);
    expect(won + lost).to.equal(200);
    // Both outcomes must occur, or the test proved nothing about contention.
    expect(won).to.be.greaterThan(0);
    expect(lost).to.be.greaterThan(0);
    // A failed acquire sets nothing and every winner released: no key is left behind.
    expect(await deleteKeysWithPrefix(client, prefix)).to.equal(0);
  });
});
