import { expect } from 'chai';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { seatLockKey } from '../../src/redis/seat-lock-key.js';
import { RedisSeatLocks, type SeatLockResult } from '../../src/redis/seat-locks.js';
import { openRedis, randomKeyPrefix, rejectionOf, sleep, TEST_REDIS_URL } from '../../src/testing/test-redis.js';

describe('Redis seat locks', () => {
  const prefix = randomKeyPrefix();
  let client: RedisClient;
  // Unprefixed: looks at the keys exactly as Redis stores them.
  let raw: RedisClient;
  let locks: RedisSeatLocks;

  before(async () => {
    client = await openRedis(TEST_REDIS_URL, prefix);
    raw = await openRedis(TEST_REDIS_URL);
    locks = new RedisSeatLocks(client);
  });

  after(async () => {
    await deleteKeysWithPrefix(raw, prefix);
    await Promise.all([client.quit(), raw.quit()]);
  });

  const stored = (scheduleId: string, seatId: string): string => prefix + seatLockKey(scheduleId, seatId);

  function locked(result: SeatLockResult): Extract<SeatLockResult, { ok: true }> {
    if (!result.ok) throw new Error(`expected a lock, seats taken: ${result.taken.join(', ')}`);
    return result;
  }

  it('When seats are free, Then all are locked and released; When one of them is taken, Then nothing is locked and the taken seats are named', async () => {
    const first = locked(await locks.acquire('s-1', ['A-2', 'A-1'], 10_000));
    expect(await raw.exists(stored('s-1', 'A-1'), stored('s-1', 'A-2'))).to.equal(2);

    const second = await locks.acquire('s-1', ['A-3', 'A-2', 'A-4'], 10_000);
    expect(second).to.deep.equal({ ok: false, taken: ['A-2'] });
    expect(await raw.exists(stored('s-1', 'A-3'), stored('s-1', 'A-4'))).to.equal(0);

    await first.release();
    expect(await raw.exists(stored('s-1', 'A-1'), stored('s-1', 'A-2'))).to.equal(0);
    locked(await locks.acquire('s-1', ['A-3', 'A-2', 'A-4'], 10_000));
  });

  it('When the same seat is locked in another schedule, Then it does not count as taken', async () => {
    locked(await locks.acquire('s-2a', ['B-1'], 10_000));
    locked(await locks.acquire('s-2b', ['B-1'], 10_000));
  });

  it('When a lock expired and another holder took the seat, Then the first release leaves the new lock alone', async () => {
    const first = locked(await locks.acquire('s-3', ['C-1', 'C-2'], 50));
    await sleep(120);
    const second = locked(await locks.acquire('s-3', ['C-1', 'C-2'], 10_000));

    await first.release();
    expect(await raw.exists(stored('s-3', 'C-1'), stored('s-3', 'C-2'))).to.equal(2);
    expect(await locks.acquire('s-3', ['C-2'], 10_000)).to.deep.equal({ ok: false, taken: ['C-2'] });

    await second.release();
    expect(await raw.exists(stored('s-3', 'C-1'), stored('s-3', 'C-2'))).to.equal(0);
  });

  it('When a lock is taken, Then the keyPrefix applies to the script keys and the TTL is set', async () => {
    locked(await locks.acquire('s-4', ['D-1'], 5_000));
    const pttl = await raw.pttl(stored('s-4', 'D-1'));
    expect(pttl).to.be.greaterThan(0).and.at.most(5_000);
    // Without the prefix the key must not exist: the scripts did not bypass keyPrefix.
    expect(await raw.exists(seatLockKey('s-4', 'D-1'))).to.equal(0);
  });

  it('When release is called twice or after expiry, Then it resolves and deletes nothing else', async () => {
    const held = locked(await locks.acquire('s-5', ['E-1'], 40));
    await sleep(100);
    await held.release();
    await held.release();
    const again = locked(await locks.acquire('s-5', ['E-1', 'E-1'], 10_000));
    await Promise.all([again.release(), again.release()]);
    expect(await raw.exists(stored('s-5', 'E-1'))).to.equal(0);
  });

  it('When the input is malformed, Then acquire rejects before touching Redis', async () => {
    expect(await rejectionOf(locks.acquire('s-6', [], 1000))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(locks.acquire('', ['A-1'], 1000))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(locks.acquire('s-6', ['A-1'], 0))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(locks.acquire('s-6', ['A-1'], 1.5))).to.be.instanceOf(RangeError);
  });

  it('When keys are deleted by prefix, Then only keys under that prefix go', async () => {
    const other = randomKeyPrefix();
    await raw.set(`${prefix}cleanup:a`, '1');
    await raw.set(`${prefix}cleanup:b`, '1');
    await raw.set(`${other}cleanup:a`, '1');
    try {
      expect(await deleteKeysWithPrefix(client, `${prefix}cleanup:`)).to.equal(2);
      expect(await raw.exists(`${prefix}cleanup:a`, `${prefix}cleanup:b`)).to.equal(0);
      expect(await raw.exists(`${other}cleanup:a`)).to.equal(1);
    } finally {
      await raw.del(`${other}cleanup:a`);
    }
  });
});
