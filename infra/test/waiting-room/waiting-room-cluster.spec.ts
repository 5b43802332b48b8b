import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { WaitingRoom } from '../../src/waiting-room/waiting-room.js';
import { openRedis, randomKeyPrefix, sleep } from '../redis/support/test-redis.js';
import { startRedisServers, type ThrowawayRedis } from '../redis/support/throwaway-redis.js';

describe('Waiting room on a Redis Cluster', function () {
  this.timeout(30_000);
  const prefix = randomKeyPrefix();
  let servers: ThrowawayRedis | undefined;
  let client: RedisClient | undefined;

  before(async function () {
    try {
      servers = await startRedisServers(3, { cluster: true });
    } catch (error) {
      // Never pass silently: say why the cluster tests did not run.
      console.log(`      SKIPPED Redis Cluster tests: could not start a cluster: ${String(error)}`);
      this.skip();
    }
    client = await openRedis(servers.urls, prefix);
  });

  after(async () => {
    if (client) await deleteKeysWithPrefix(client, prefix).catch(() => undefined);
    client?.disconnect();
    await servers?.stop();
  });

  it('When users enter, are ticked in, polled and finish in several concerts, Then no script hits CROSSSLOT', async () => {
    if (!client) throw new Error('no cluster client');
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
