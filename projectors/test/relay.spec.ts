import { PostgresEventStore, Registry, readStreamTail, type GlobalPosition, type RecordedEvent } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { FencedOut, FencedPublisher } from '../src/relay/fenced-publisher.js';
import { Relay, type RelayOptions } from '../src/relay/relay.js';
import { readCheckpoint } from '../src/runner/checkpoint-store.js';
import { chargeEvent, recordedCharge } from './support/charge-events.js';
import { natsFixture, type NatsFixture } from './support/nats-fixture.js';
import { seedRelayCheckpoint, streamEvents } from './support/relay-fixture.js';
import { databaseUrl, openKnex } from './support/test-database.js';
import { testLogger } from './support/test-logger.js';
import { uniqueSuffix } from './support/test-names.js';
import { waitFor } from '@concert/infra/testing';

describe('Relay: event store feed into JetStream (real PostgreSQL event store and NATS)', () => {
  let knex: Knex;
  let store: PostgresEventStore;
  let nats: NatsFixture;
  let category: string;
  let checkpointName: string;
  let head: GlobalPosition;
  const relays: Relay[] = [];

  before(() => {
    knex = openKnex();
    store = new PostgresEventStore({ connectionString: databaseUrl() });
  });
  after(async () => {
    await store.close();
    await knex.destroy();
  });
  beforeEach(async () => {
    const suffix = uniqueSuffix();
    category = `rl${suffix}`;
    checkpointName = `relay_${suffix}`;
    nats = await natsFixture('relay');
    head = await seedRelayCheckpoint(knex, checkpointName);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await nats.close();
  });

  function startRelay(overrides: Partial<RelayOptions> = {}): Relay {
    const relay = new Relay({
      eventStore: store,
      nc: nats.nc,
      jsm: nats.jsm,
      knex,
      lockConnectionString: databaseUrl(),
      stream: nats.stream,
      subjectPrefix: nats.subjectPrefix,
      logger: testLogger('relay'),
      registry: new Registry(),
      checkpointName,
      ...overrides,
    });
    relays.push(relay);
    relay.start();
    return relay;
  }

  /** `writers` concurrent writers, each appending `perWriter` events (one per append) to its own streams. */
  async function append(writers: number, perWriter: number, tag: string): Promise<void> {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; n < perWriter; n++) {
          await store.append(`${category}-${tag}${w}-${n % 5}`, [chargeEvent(`u${w}`, `${tag}${w}x${n}`)], 'any');
        }
      }),
    );
  }

  /**
   * The test's events in feed order, once all `count` are readable. An append has returned when
   * its transaction committed, but the feed reads only below the oldest transaction still open
   * on the server (the xid8 rule, any database's): under load, the last ones show a moment later.
   */
  async function feed(count: number): Promise<RecordedEvent[]> {
    let events: RecordedEvent[] = [];
    await waitFor(`${count} events readable in the feed`, async () => {
      events = await store.readAll({ after: head, maxCount: 100_000, filter: { categories: [category] } });
      return events.length >= count;
    });
    return events;
  }

  async function untilStreamHolds(count: number): Promise<void> {
    await waitFor(
      `${count} messages in the stream`,
      async () => (await nats.jsm.streams.info(nats.stream)).state.messages >= count,
    );
  }

  it('When events are appended by concurrent writers before and after it starts, Then the stream holds each once, in feed order', async () => {
    await append(4, 25, 'before');
    const relay = startRelay();
    await append(4, 50, 'live');
    const expected = await feed(300);
    expect(expected).to.have.length(300);
    await untilStreamHolds(expected.length);
    await waitFor('caught up', () => relay.status.caughtUp);
    const relayed = await streamEvents(nats.jsm, nats.stream);
    expect(relayed.map((e) => e.id)).to.deep.equal(expected.map((e) => e.id));
    expect(relayed).to.deep.equal(expected);
    const last = await nats.jsm.streams.getMessage(nats.stream, { seq: 300 });
    expect(last.subject).to.equal(`${nats.subjectPrefix}.${category}.WalletCharged`);
    await waitFor(
      'checkpoint stored',
      async () => (await readCheckpoint(knex, checkpointName))?.streamSequence === 300,
    );
    expect((await readCheckpoint(knex, checkpointName))?.position).to.deep.equal(expected.at(-1)!.position);
  });

  it('When a relay stops and another starts later, Then it continues after the last event in the stream, with nothing twice', async () => {
    const first = startRelay();
    await append(2, 30, 'one');
    await untilStreamHolds(60);
    await first.stop();
    // The checkpoint is behind on purpose: the stream, not the checkpoint, says where to go on.
    await knex('projection_checkpoints')
      .where({ projection: checkpointName })
      .update({ commit_position: head.commit.toString(), prepare_position: head.prepare.toString() });
    await append(2, 30, 'two');
    startRelay();
    const expected = await feed(120);
    await untilStreamHolds(expected.length);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await streamEvents(nats.jsm, nats.stream)).map((e) => e.id)).to.deep.equal(expected.map((e) => e.id));
  });

  it('When a deposed leader keeps publishing alongside the new one, Then the fence keeps the stream in feed order without repeats', async () => {
    const events = Array.from({ length: 200 }, (_, i) => recordedCharge(i + 1, 'u'));
    await publishAll(events.slice(0, 10), 0);
    // Both read the same tail; each then pipelines the rest of the feed, at the same time.
    const { lastSequence } = await readStreamTail(nats.jsm, nats.stream, nats.subjectPrefix);
    const outcomes = await Promise.allSettled([
      publishAll(events.slice(10), lastSequence),
      publishAll(events.slice(10), lastSequence),
    ]);
    const relayed = await streamEvents(nats.jsm, nats.stream);
    const positions = relayed.map((e) => e.position.commit);
    expect(positions).to.deep.equal(
      [...positions].sort((a, b) => (a < b ? -1 : 1)),
      'in feed order',
    );
    expect(new Set(relayed.map((e) => e.id)).size).to.equal(relayed.length, 'no repeats');
    expect(relayed.map((e) => e.id)).to.deep.equal(
      events.slice(0, relayed.length).map((e) => e.id),
      'no gaps',
    );
    expect(outcomes.some((o) => o.status === 'rejected' && o.reason instanceof FencedOut)).to.equal(true);

    // And a leader that lost long ago (its tail is stale) cannot add anything.
    const before = (await nats.jsm.streams.info(nats.stream)).state.messages;
    let stale: unknown;
    await publishAll([recordedCharge(999, 'late')], 10).catch((error: unknown) => {
      stale = error;
    });
    expect(stale).to.be.instanceOf(FencedOut);
    expect((await nats.jsm.streams.info(nats.stream)).state.messages).to.equal(before);
  });

  it('When no stream takes the subject, or the server never answers, Then the publisher fails instead of waiting, and acks nothing', async () => {
    const acked: string[] = [];
    const refused = new FencedPublisher(nats.nc, {
      subjectPrefix: `${nats.subjectPrefix}_none`,
      lastSequence: 0,
      maxInFlight: 8,
      onAcked: (event) => acked.push(event.id),
    });
    await refused.publish(recordedCharge(1, 'nowhere'));
    const failure = await refused.drain().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(Error).and.not.to.be.instanceOf(FencedOut);
    expect((failure as Error).message).to.match(/503|no responders/);

    // A subject someone answers but never with an ack: the oldest publish times out.
    const silent = nats.nc.subscribe(`${nats.subjectPrefix}_silent.>`, { callback: () => undefined });
    const unanswered = new FencedPublisher(nats.nc, {
      subjectPrefix: `${nats.subjectPrefix}_silent`,
      lastSequence: 0,
      maxInFlight: 8,
      publishTimeoutMs: 100,
      onAcked: (event) => acked.push(event.id),
    });
    await unanswered.publish(recordedCharge(2, 'nowhere'));
    const timedOut = await unanswered.drain().then(
      () => undefined,
      (error: unknown) => error,
    );
    silent.unsubscribe();
    expect((timedOut as Error | undefined)?.message).to.match(/no ack .* within 100 ms/);
    expect(acked).to.deep.equal([]);
  });

  async function publishAll(events: readonly RecordedEvent[], lastSequence: number): Promise<void> {
    const publisher = new FencedPublisher(nats.nc, {
      subjectPrefix: nats.subjectPrefix,
      lastSequence,
      maxInFlight: 32,
      onAcked: () => undefined,
    });
    try {
      for (const event of events) await publisher.publish(event);
      await publisher.drain();
    } finally {
      publisher.abandon(new Error('done'));
    }
  }
});
