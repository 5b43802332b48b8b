import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type pg from 'pg';
import type { RecordedEvent, SubscriptionMessage } from '../../src/event-store/event-store.js';
import { comparePositions, type GlobalPosition } from '../../src/event-store/global-position.js';
import { PostgresEventStore } from '../../src/event-store/postgres/pg-event-store.js';

/**
 * The PostgreSQL feed must never skip an event whose position was drawn before another event's but
 * committed after it (docs/architecture.md, 'The gap-safe PostgreSQL feed'). These tests hold
 * transactions open on purpose.
 */
describe('PostgreSQL event store: late commits never skipped', () => {
  let store: PostgresEventStore;
  before(() => {
    store = new PostgresEventStore({ connectionString: process.env.DATABASE_URL!, maxConnections: 24 });
  });
  after(() => store.close());

  const newCategory = (): string => `late${randomUUID().replaceAll('-', '')}`;
  const metadata = { correlationId: 'c', causationId: 'c', occurredAt: '2026-11-24T10:00:00.000Z', schemaVersion: 1 };

  /** Appends inside an explicit transaction that stays open until `commit` is called. */
  async function openAppend(streamId: string, type: string): Promise<{ commit(): Promise<void> }> {
    const client = await store.pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT * FROM es_append($1, $2, $3, $4, $5, $6)', [
      streamId,
      'any',
      [randomUUID()],
      [type],
      ['{}'],
      [JSON.stringify(metadata)],
    ]);
    return {
      async commit() {
        await client.query('COMMIT');
        client.release();
      },
    };
  }

  const readAllOf = async (category: string, after?: GlobalPosition): Promise<RecordedEvent[]> =>
    store.readAll({ after, maxCount: 1000, filter: { categories: [category] } });

  it('When an earlier-numbered append commits after a later one, Then the feed holds both back until it commits, then yields both', async () => {
    const category = newCategory();
    const early = await openAppend(`${category}-1`, 'Early');
    await store.append(`${category}-2`, [{ type: 'Late', data: {}, metadata }], 'no-stream');

    expect(await readAllOf(category)).to.deep.equal([]);
    await early.commit();
    // Readable once no older transaction is open anywhere on the server (another run's, under load).
    let types: string[] = [];
    for (let attempt = 0; attempt < 200 && types.length < 2; attempt++) {
      if (attempt > 0) await sleep(25);
      types = (await readAllOf(category)).map((e) => e.type);
    }
    expect(types).to.deep.equal(['Early', 'Late']);
  });

  it('When a live subscriber is waiting and a transaction commits late, Then it receives the late event before the later ones', async () => {
    const category = newCategory();
    const subscription = store.subscribeToAll({ filter: { categories: [category] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      expect((await iterator.next()).value).to.deep.equal({ kind: 'caught-up' });
      const early = await openAppend(`${category}-1`, 'Early');
      await store.append(`${category}-2`, [{ type: 'Late', data: {}, metadata }], 'no-stream');
      const pending = iterator.next();
      const nothingYet = await Promise.race([pending.then(() => 'delivered'), sleep(300).then(() => 'waiting')]);
      expect(nothingYet).to.equal('waiting');
      await early.commit();
      const first = (await pending).value as SubscriptionMessage;
      const second = (await iterator.next()).value as SubscriptionMessage;
      expect([first, second].map((m) => (m.kind === 'event' ? m.event.type : m.kind))).to.deep.equal(['Early', 'Late']);
    } finally {
      await subscription.close();
    }
  });

  it('When 16 writers commit after random delays while a reader polls, Then the reader sees every event exactly once, in feed order', async () => {
    const category = newCategory();
    const writers = 16;
    const appendsPerWriter = 20;
    let writing = true;
    const expected = writers * appendsPerWriter * 2;
    const seen: RecordedEvent[] = [];
    const reader = (async () => {
      let after: GlobalPosition | undefined;
      // An empty page after the writers stopped is not the end: a transaction open anywhere
      // on the server (another test's, another program's) holds the feed back until it ends.
      // So read on until everything arrived, or give up after a while: a skipped event never arrives.
      let giveUpAt = Infinity;
      for (;;) {
        if (!writing && giveUpAt === Infinity) giveUpAt = Date.now() + 15_000;
        const page = await store.readAll({ after, maxCount: 5, filter: { categories: [category] } });
        seen.push(...page);
        if (page.length > 0) after = page[page.length - 1]!.position;
        else if (seen.length >= expected || Date.now() > giveUpAt) return;
        else if (!writing) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await commitLate(category, writers, appendsPerWriter);
    writing = false;
    await reader;

    expect(seen).to.have.length(expected);
    expect(new Set(seen.map((e) => e.id)).size).to.equal(expected);
    for (let i = 1; i < seen.length; i++)
      expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).to.equal(-1);
    // The run must actually have produced late commits, or it proved nothing.
    const commitOrderDiffersFromNumbering = seen.some(
      (e, i) => i > 0 && e.position.prepare < seen[i - 1]!.position.prepare,
    );
    expect(commitOrderDiffersFromNumbering, 'no out-of-order commit happened in this run').to.equal(true);
  });

  it('When a subscriber reads full batches (each next one read ahead) while 8 writers commit late, Then it receives every event once, in feed order', async () => {
    const small = new PostgresEventStore({
      connectionString: process.env.DATABASE_URL!,
      maxConnections: 4,
      subscription: { batchSize: 3 },
    });
    const category = newCategory();
    const writers = 8;
    const appendsPerWriter = 10;
    const expected = writers * appendsPerWriter * 2;
    const subscription = small.subscribeToAll({ filter: { categories: [category] } });
    try {
      const received: RecordedEvent[] = [];
      const reading = (async () => {
        for await (const message of subscription) {
          if (message.kind === 'event') received.push(message.event);
          if (received.length >= expected) return;
        }
      })();
      await commitLate(category, writers, appendsPerWriter);
      await Promise.race([reading, sleep(15_000)]);
      expect(received).to.have.length(expected);
      expect(new Set(received.map((e) => e.id)).size).to.equal(expected);
      for (let i = 1; i < received.length; i++)
        expect(comparePositions(received[i - 1]!.position, received[i]!.position)).to.equal(-1);
      expect(received.map((e) => e.id)).to.deep.equal((await readAllOf(category)).map((e) => e.id));
    } finally {
      await subscription.close();
      await small.close();
    }
  });

  it('When the LISTEN connection is killed, Then a live subscriber still receives new events', async () => {
    const category = newCategory();
    const subscription = store.subscribeToAll({ filter: { categories: [category] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      expect((await iterator.next()).value).to.deep.equal({ kind: 'caught-up' });
      let killed = 0;
      for (let attempt = 0; attempt < 100 && killed === 0; attempt++) {
        // The subscription connects its listener in the background: wait until it is there.
        if (attempt > 0) await sleep(20);
        const result = await store.pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND query = 'LISTEN es_events' AND pid <> pg_backend_pid()`,
        );
        killed = result.rowCount ?? 0;
      }
      expect(killed).to.be.greaterThan(0);
      await sleep(50);
      await store.append(`${category}-1`, [{ type: 'AfterKill', data: {}, metadata }], 'no-stream');
      const next = await Promise.race([iterator.next(), sleep(3000).then(() => undefined)]);
      expect(next?.value).to.have.nested.property('event.type', 'AfterKill');
    } finally {
      await subscription.close();
    }
  });

  /** `writers` writers each append `appendsPerWriter` times, each commit held back by up to 10 ms: commits land out of numbering order. */
  async function commitLate(category: string, writers: number, appendsPerWriter: number): Promise<void> {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < appendsPerWriter; i++) {
          const client = await store.pool.connect();
          try {
            await client.query('BEGIN');
            await appendIn(client, `${category}-${w}`, i);
            await client.query('SELECT pg_sleep($1)', [Math.random() * 0.01]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }
      }),
    );
  }

  async function appendIn(client: pg.PoolClient, streamId: string, i: number): Promise<void> {
    await client.query('SELECT * FROM es_append($1, $2, $3, $4, $5, $6)', [
      streamId,
      'any',
      [randomUUID(), randomUUID()],
      ['N', 'N'],
      [JSON.stringify({ i }), JSON.stringify({ i })],
      [JSON.stringify(metadata), JSON.stringify(metadata)],
    ]);
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
