import { connectNats, Registry, type NatsConnection, type Projection, type RecordedEvent } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { applyBatch } from '../src/runner/apply-batch.js';
import { readCheckpoint } from '../src/runner/checkpoint-store.js';
import type { RunningProjector } from '../src/runner/run-projector.js';
import { startProjectors } from '../src/runner/start-projectors.js';
import { recordedCharge, recordedOther } from './support/charge-events.js';
import { chargesProjection, createChargesTable, readCharges } from './support/charges-projection.js';
import { keepAppending } from './support/keep-appending.js';
import { natsFixture, NATS_URL, type NatsFixture } from './support/nats-fixture.js';
import { publishEvents } from './support/publish-events.js';
import { databaseUrl, openKnex } from './support/test-database.js';
import { testLogger } from './support/test-logger.js';
import { uniqueSuffix } from './support/test-names.js';
import { waitFor } from '@concert/infra/testing';

describe('Two projectors processes: one active consumer per projection (real NATS and PostgreSQL)', () => {
  let knex: Knex;
  let nats: NatsFixture;
  const connections: NatsConnection[] = [];
  const running: RunningProjector[] = [];
  const tables: string[] = [];

  before(() => {
    knex = openKnex();
  });
  after(async () => {
    await knex.destroy();
  });
  beforeEach(async () => {
    nats = await natsFixture('leaders');
  });
  afterEach(async () => {
    await Promise.race([Promise.all(running.splice(0).map((r) => r.stop())), new Promise((r) => setTimeout(r, 3000))]);
    for (const nc of connections.splice(0)) await nc.close().catch(() => undefined);
    await nats.close();
    for (const t of tables.splice(0)) await knex.schema.dropTableIfExists(t);
  });

  async function projection(label: string, category?: string): Promise<Projection> {
    const table = `test_leaders_${uniqueSuffix()}`;
    await createChargesTable(knex, table);
    tables.push(table);
    const base = chargesProjection(`test_leaders_${label}_${uniqueSuffix()}`, table);
    return category === undefined ? base : { ...base, categories: [category] };
  }

  /** One "process": its own NATS connection and leader locks. */
  async function instance(name: string, projections: readonly Projection[]): Promise<RunningProjector[]> {
    const nc = await connectNats(NATS_URL, `test-${name}`);
    connections.push(nc);
    const started = await startProjectors({
      nc,
      js: nc.jetstream(),
      jsm: await nc.jetstreamManager(),
      knex,
      projections,
      stream: nats.stream,
      subjectPrefix: nats.subjectPrefix,
      batchSize: 64,
      maxAttempts: 3,
      logger: testLogger(name),
      registry: new Registry(),
      lockConnectionString: databaseUrl(),
      instanceId: name,
      standbyRetryMs: 100,
    });
    running.push(...started);
    return started;
  }

  async function freshModel(events: readonly RecordedEvent[]): Promise<unknown> {
    const fresh = await projection('fresh');
    await applyBatch(knex, { ...fresh, name: `test_fresh_${uniqueSuffix()}` }, events);
    return readCharges(knex, fresh.tables[0]!);
  }

  it('When two instances run the same projections under a steady feed and the leader stops, Then each projection has one leader and one standby, the standby takes over, and every model equals a fresh projection', async () => {
    // One projection of the whole stream, one filtered to its category.
    const whole = await projection('whole');
    const wallet = await projection('wallet', 'wallet');
    const projections = [whole, wallet];
    const first = await instance('first', projections);
    await waitFor('the first instance leads', () => first.every((p) => p.role === 'leader'));
    const second = await instance('second', projections);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.map((p) => p.role)).to.deep.equal(['standby', 'standby']);
    expect(await Promise.all(second.map((p) => p.ready()))).to.deep.equal(['standby', 'standby']);

    const events: RecordedEvent[] = [];
    const feed = keepAppending(async (n) => {
      const batch = Array.from({ length: 10 }, (_, i) => {
        const k = n * 10 + i + 1;
        return k % 5 === 0 ? recordedOther(k) : recordedCharge(k, `u${k % 4}`);
      });
      events.push(...batch);
      await publishEvents(nats.js, nats.subjectPrefix, batch);
    }, 50);
    await new Promise((r) => setTimeout(r, 1500));
    // Under load: the leader keeps up (no lag explosion from two readers sharing one consumer).
    const appended = events.length;
    await waitFor(
      'the leader keeps up',
      async () => ((await readCheckpoint(knex, whole.name))?.streamSequence ?? 0) >= appended,
      10_000,
    );

    await Promise.all(first.map((p) => p.stop()));
    await waitFor('the standby takes over', () => second.every((p) => p.role === 'leader'), 5000);
    await new Promise((r) => setTimeout(r, 500));
    const total = await feed.stop();
    expect(total).to.be.greaterThan(0);
    // Every checkpoint reaches the last event, also the filtered projection's (whose category
    // the last event is not): a consistency token of any event must not wait for it in vain.
    const last = events.at(-1)!;
    expect(last.category).to.not.equal('wallet');
    for (const p of projections) {
      await waitFor(
        `${p.name} caught up`,
        async () => ((await readCheckpoint(knex, p.name))?.position.commit ?? 0n) >= last.position.commit,
        10_000,
      );
    }
    const expected = await freshModel(events);
    expect(await readCharges(knex, whole.tables[0]!)).to.deep.equal(expected);
    expect(await readCharges(knex, wallet.tables[0]!)).to.deep.equal(expected);
  });
});
