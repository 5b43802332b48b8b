import { Registry, type Projection, type RecordedEvent } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { readCheckpoint } from '../src/runner/checkpoint-store.js';
import type { RunningProjector } from '../src/runner/run-projector.js';
import { startProjectors } from '../src/runner/start-projectors.js';
import { recordedCharge, recordedOther } from './support/charge-events.js';
import { natsFixture, type NatsFixture } from './support/nats-fixture.js';
import { publishEvents } from './support/publish-events.js';
import { openKnex } from './support/test-database.js';
import { testLogger } from './support/test-logger.js';
import { uniqueSuffix } from './support/test-names.js';
import { waitFor } from '@concert/infra/testing';

/**
 * A read model of events of two categories that records the order it applied them in: a
 * projection reading several categories gets one consumer per category, and must still apply
 * their events in stream order (a seat event after the ScheduleAdded that made its seat).
 */
function orderLogProjection(name: string, table: string): Projection {
  return {
    name,
    version: 1,
    categories: ['wallet', 'concert'],
    handles: ['WalletCharged', 'SalesOpened'],
    tables: [table],
    async apply(trx, { recorded }) {
      await trx(table).insert({ event_id: recorded.id });
    },
  };
}

/** A SalesOpened of the concert category (one the log reads). */
function salesOpened(n: number): RecordedEvent {
  return {
    ...recordedOther(n),
    data: { concertId: `concert-${n}`, openedAt: '2026-01-01T00:00:00.000Z' },
  };
}

/** An event of a category the log does not read, of a type it does: applied, it would show in the log. */
function unreadCategory(n: number): RecordedEvent {
  return { ...recordedCharge(n, 'elsewhere'), streamId: 'seat-x', category: 'seat' };
}

describe('A projection of several stream categories: one consumer per category, applied in stream order (real NATS, PostgreSQL)', () => {
  let knex: Knex;
  let nats: NatsFixture;
  let table: string;
  let projection: Projection;
  const running: RunningProjector[] = [];

  before(() => {
    knex = openKnex();
  });
  after(async () => {
    await knex.destroy();
  });
  beforeEach(async () => {
    nats = await natsFixture('categories');
    table = `test_categories_${uniqueSuffix()}`;
    await knex.raw(`CREATE TABLE ${table} (seq serial PRIMARY KEY, event_id text NOT NULL)`);
    projection = orderLogProjection(`test_categories_${uniqueSuffix()}`, table);
  });
  afterEach(async () => {
    await Promise.race([Promise.all(running.splice(0).map((r) => r.stop())), new Promise((r) => setTimeout(r, 3000))]);
    await nats.close();
    await knex.schema.dropTableIfExists(table);
  });

  async function start(): Promise<void> {
    const started = await startProjectors({
      nc: nats.nc,
      js: nats.js,
      jsm: nats.jsm,
      knex,
      projections: [projection],
      stream: nats.stream,
      subjectPrefix: nats.subjectPrefix,
      batchSize: 16,
      maxAttempts: 1,
      logger: testLogger('categories'),
      registry: new Registry(),
    });
    running.push(...started);
  }

  /** Runs of each category, so that one consumer's messages come well ahead of another's. */
  function feed(from: number, count: number): RecordedEvent[] {
    return Array.from({ length: count }, (_, i) => {
      const n = from + i;
      const run = Math.floor(n / 7) % 3;
      if (run === 0) return recordedCharge(n, `u${n % 3}`);
      if (run === 1) return salesOpened(n);
      return unreadCategory(n);
    });
  }

  async function applied(): Promise<string[]> {
    const rows = await knex<{ event_id: string }>(table).select('event_id').orderBy('seq');
    return rows.map((row) => row.event_id);
  }

  it('Given events of two read categories and one unread, When published before and while it runs, Then each read event is applied once in stream order, nothing of the unread category reaches it, and the checkpoint passes the last event', async () => {
    const before = feed(1, 150);
    await publishEvents(nats.js, nats.subjectPrefix, before);
    await start();
    const during = [...feed(151, 150), unreadCategory(301)];
    for (let i = 0; i < during.length; i += 10) {
      await publishEvents(nats.js, nats.subjectPrefix, during.slice(i, i + 10));
      await new Promise((r) => setTimeout(r, 5));
    }
    const events = [...before, ...during];
    const last = events.at(-1)!;
    expect(last.category).to.equal('seat');
    await waitFor(
      'the checkpoint at the last event',
      async () => ((await readCheckpoint(knex, projection.name))?.streamSequence ?? 0) >= events.length,
      30_000,
    );
    const read = events.filter((e) => e.category !== 'seat');
    expect(await applied()).to.deep.equal(read.map((e) => e.id));
    const consumers = [];
    for await (const info of nats.jsm.consumers.list(nats.stream)) consumers.push(info.config.filter_subject);
    expect(consumers.sort()).to.deep.equal([`${nats.subjectPrefix}.concert.>`, `${nats.subjectPrefix}.wallet.>`]);
  });

  it('Given a projection stopped after reading both categories, When it starts again and only one category has new events, Then it applies them (the other consumer, with nothing new, holds nothing back)', async () => {
    const first = feed(1, 60);
    await publishEvents(nats.js, nats.subjectPrefix, first);
    await start();
    await waitFor(
      'the first events applied',
      async () => ((await readCheckpoint(knex, projection.name))?.streamSequence ?? 0) >= first.length,
      30_000,
    );
    await Promise.all(running.splice(0).map((r) => r.stop()));
    const later = Array.from({ length: 20 }, (_, i) => recordedCharge(61 + i, 'later'));
    await publishEvents(nats.js, nats.subjectPrefix, later);
    await start();
    const events = [...first, ...later];
    await waitFor(
      'the later events applied',
      async () => ((await readCheckpoint(knex, projection.name))?.streamSequence ?? 0) >= events.length,
      30_000,
    );
    expect(await applied()).to.deep.equal(events.filter((e) => e.category !== 'seat').map((e) => e.id));
  });
});
