import { PostgresEventStore, Registry, type GlobalPosition, type RecordedEvent } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { Relay } from '../src/relay/relay.js';
import { chargeEvent } from './support/charge-events.js';
import { natsFixture, type NatsFixture } from './support/nats-fixture.js';
import { keepAppending } from './support/keep-appending.js';
import { seedRelayCheckpoint, streamEvents } from './support/relay-fixture.js';
import { databaseUrl, openKnex } from './support/test-database.js';
import { testLogger } from './support/test-logger.js';
import { uniqueSuffix } from './support/test-names.js';
import { waitFor } from '@concert/infra/testing';

describe('Relay failover: one leader by PostgreSQL advisory lock (real PostgreSQL and NATS)', () => {
  let knex: Knex;
  let store: PostgresEventStore;
  let nats: NatsFixture;
  let category: string;
  let head: GlobalPosition;
  const relays: Relay[] = [];

  before(async () => {
    knex = openKnex();
    store = new PostgresEventStore({ connectionString: databaseUrl() });
    const suffix = uniqueSuffix();
    category = `fo${suffix}`;
    nats = await natsFixture('failover');
    head = await seedRelayCheckpoint(knex, `relay_${suffix}`);
    for (const id of ['a', 'b']) {
      const relay = new Relay({
        eventStore: store,
        nc: nats.nc,
        jsm: nats.jsm,
        knex,
        lockConnectionString: databaseUrl(),
        stream: nats.stream,
        subjectPrefix: nats.subjectPrefix,
        logger: testLogger(`relay-${id}`),
        registry: new Registry(),
        checkpointName: `relay_${suffix}`,
        instanceId: `test-relay-${suffix}-${id}`,
      });
      relays.push(relay);
      relay.start();
    }
  });
  after(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await nats.close();
    await store.close();
    await knex.destroy();
  });

  const leaders = (): Relay[] => relays.filter((r) => r.isLeader);

  /** Time from `kill` until a relay leads again and has published an event appended after the kill. */
  async function failover(kill: (leader: Relay) => Promise<void>): Promise<{ ms: number; from: Relay; to: Relay }> {
    await waitFor('one leader', () => leaders().length === 1);
    const leader = leaders()[0]!;
    const before = (await nats.jsm.streams.info(nats.stream)).state.messages;
    const began = performance.now();
    await kill(leader);
    await waitFor('the old leader to step down', () => !leader.isLeader, 2000);
    await waitFor('a relay to lead and publish again', async () => {
      return leaders().length === 1 && (await nats.jsm.streams.info(nats.stream)).state.messages > before + 5;
    });
    return { ms: performance.now() - began, from: leader, to: leaders()[0]! };
  }

  it('When the leader loses its lock connection, and later when the leader stops, Then another takes over within seconds and the stream has every event once, in order', async () => {
    // Two writers keep appending through both failovers.
    const writers = [0, 1].map((w) =>
      keepAppending(
        (n) =>
          store.append(`${category}-w${w}-${n % 4}`, [chargeEvent(`u${w}`, `w${w}x${n}`)], 'any').then(() => undefined),
        3,
      ),
    );
    await waitFor('events flowing', async () => (await nats.jsm.streams.info(nats.stream)).state.messages > 50);

    // 1. The leader's lock session is killed in PostgreSQL (as when its host dies).
    const killed = await failover(async (leader) => {
      const instance = relays.indexOf(leader) === 0 ? 'a' : 'b';
      await knex.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE ?`, [
        `%-${instance}`,
      ]);
    });
    // 2. The leader is stopped (a rolling deploy); the instance deposed in 1 is the standby now.
    const stopped = await failover((leader) => leader.stop());
    console.log(
      `      (takeover after lock loss: ${Math.round(killed.ms)} ms, after stop: ${Math.round(stopped.ms)} ms)`,
    );
    expect(killed.to).to.not.equal(killed.from, 'the standby took over');
    expect(stopped.to).to.equal(killed.from, 'the instance deposed first, now standby, took over');
    expect(killed.ms).to.be.lessThan(5000);
    expect(stopped.ms).to.be.lessThan(5000);

    const appended = (await Promise.all(writers.map((w) => w.stop()))).reduce((a, b) => a + b, 0);
    // Readable once no older transaction is open anywhere on the server (xid8 rule; under load, a moment later).
    let expected: RecordedEvent[] = [];
    await waitFor(`${appended} events readable in the feed`, async () => {
      expected = await store.readAll({ after: head, maxCount: 100_000, filter: { categories: [category] } });
      return expected.length >= appended;
    });
    expect(expected).to.have.length(appended);
    await waitFor(
      'the stream to hold every event',
      async () => (await nats.jsm.streams.info(nats.stream)).state.messages >= expected.length,
    );
    const relayed = await streamEvents(nats.jsm, nats.stream);
    expect(relayed.map((e) => e.id)).to.deep.equal(expected.map((e) => e.id));
  });
});
