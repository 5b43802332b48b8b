import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { WaitingRoom } from '../../src/waiting-room/waiting-room.js';
import { randomKeyPrefix, sleep } from '../../src/testing/test-redis.js';
import { useThrowawayCluster } from '../redis/support/throwaway-cluster.js';

describe('Waiting room on a Redis Cluster', function () {
  this.timeout(30_000);
  const prefix = randomKeyPrefix();
  const clients = useThrowawayCluster(prefix);

  it('When users enter, are ticked in, polled and finish in several concerts, Then no script hits CROSSSLOT', async () => {
    const [client] = clients() as [RedisClient];
    expect(client).to.be.instanceOf(Cluster);
    const room = new WaitingRoom(client, { admitPerSecond: 1000, maxAdmitted: 10, admissionWindowMs: 60_000 });
    // Several concerts, so their keys land in slots of different masters.
    const concerts = Array.from({ length: 6 }, () => randomUUID());
    for (const concertId of concerts) {
      const entry = await room.enter(concertId, 'alice');
      await room.enter(concertId, 'bob');
      expect(await room.ownerOf(entry.entryId)).to.deep.equal({ concertId, userId: 'alice' });
    }
    await sleep(20);
    const ticks = await room.tickActive();
    expect(ticks.map((t) => t.admitted)).to.deep.equal(concerts.map(() => 2));
    for (const concertId of concerts) {
      expect((await room.entryOf(concertId, 'bob'))?.status).to.equal('ADMITTED');
      expect(await room.complete(concertId, 'alice')).to.equal(true);
    }
    expect((await room.tick(concerts[0]!)).admitted).to.equal(1);
  });
});
