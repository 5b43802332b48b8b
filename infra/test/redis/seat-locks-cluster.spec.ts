import { expect } from 'chai';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { RedisSeatLocks } from '../../src/redis/seat-locks.js';
import { randomKeyPrefix } from '../../src/testing/test-redis.js';
import { useThrowawayCluster } from './support/throwaway-cluster.js';

describe('Redis seat locks on a Redis Cluster', function () {
  this.timeout(30_000);
  const prefix = randomKeyPrefix();
  const clients = useThrowawayCluster(prefix);

  it('When a 4-seat hold is locked and released through the cluster, Then no CROSSSLOT error occurs', async () => {
    const [client] = clients() as [RedisClient];
    expect(client).to.be.instanceOf(Cluster);
    const locks = new RedisSeatLocks(client);
    // Several schedules, so the holds land in slots of different masters.
    for (const scheduleId of ['sched-1', 'sched-2', 'sched-3', 'sched-4', 'sched-5', 'sched-6']) {
      const seats = ['A-1', 'B-12', 'C-3', 'D-40'];
      const first = await locks.acquire(scheduleId, seats, 10_000);
      if (!first.ok) throw new Error(`seats taken: ${first.taken.join(',')}`);
      expect(await locks.acquire(scheduleId, ['D-40', 'E-1'], 10_000)).to.deep.equal({ ok: false, taken: ['D-40'] });
      await first.release();
      const again = await locks.acquire(scheduleId, seats, 10_000);
      expect(again.ok).to.equal(true);
    }
    // The last holds were left locked on purpose: cleanup must find them on every master.
    expect(await deleteKeysWithPrefix(client, prefix)).to.equal(24);
  });
});
