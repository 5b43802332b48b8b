import {
  connectNats,
  createRedis,
  redisReady,
  Registry,
  type NatsConnection,
  type Projection,
  type RecordedEvent,
  type RedisClient,
} from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { applyBatch } from '../src/runner/apply-batch.js';
import { readCheckpoint } from '../src/runner/checkpoint-store.js';
import { ProjectionFeed } from '../src/runner/projection-feed.js';
import { runProjector, type RunProjectorOptions, type RunningProjector } from '../src/runner/run-projector.js';
import { recordedCharge, recordedOther } from './support/charge-events.js';
import { chargesProjection, createChargesTable, readCharges } from './support/charges-projection.js';
import { natsFixture, NATS_URL, type NatsFixture } from './support/nats-fixture.js';
import { publishEvents } from './support/publish-events.js';
import { openKnex } from './support/test-database.js';
import { testLogger } from './support/test-logger.js';
import { uniqueSuffix } from './support/test-names.js';
import { waitFor } from '@concert/infra/testing';

describe('runProjector: JetStream durable consumer into PostgreSQL (real NATS, PostgreSQL, Redis)', () => {
  let knex: Knex;
  let redis: RedisClient;
  let nats: NatsFixture;
  let suffix: string;
  let table: string;
  let projection: Projection;
  const durable = 'proj_test';
  const running: RunningProjector[] = [];
  const tables: string[] = [];

  before(async () => {
    knex = openKnex();
    redis = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    await redisReady(redis, 2000);
  });
  after(async () => {
    redis.disconnect();
    await knex.destroy();
  });
  beforeEach(async () => {
    suffix = uniqueSuffix();
    nats = await natsFixture('runner');
    table = await newTable();
    projection = chargesProjection(`test_runner_${suffix}`, table);
  });
  afterEach(async () => {
    // Bounded, so that a projector stuck by a failed test cannot keep its stream from being deleted.
    await Promise.race([Promise.all(running.splice(0).map((r) => r.stop())), new Promise((r) => setTimeout(r, 3000))]);
    await nats.close();
    for (const t of tables.splice(0)) await knex.schema.dropTableIfExists(t);
  });

  async function newTable(): Promise<string> {
    const name = `test_runner_${uniqueSuffix()}`;
    await createChargesTable(knex, name);
    tables.push(name);
    return name;
  }

  /** The projection's consumer: the whole stream, as a projection without a category reads it. */
  function feed(options: { ackWaitMs: number; batchSize: number; nc?: NatsConnection }): ProjectionFeed {
    return new ProjectionFeed({
      nc: options.nc ?? nats.nc,
      js: options.nc?.jetstream() ?? nats.js,
      jsm: nats.jsm,
      stream: nats.stream,
      subjectPrefix: nats.subjectPrefix,
      consumers: [{ durable, filterSubject: `${nats.subjectPrefix}.>` }],
      wholeStream: true,
      batchSize: options.batchSize,
      ackWaitMs: options.ackWaitMs,
    });
  }

  async function start(
    overrides: Partial<RunProjectorOptions> & { ackWaitMs?: number } = {},
  ): Promise<RunningProjector> {
    const { ackWaitMs, ...options } = overrides;
    const runner = runProjector({
      feed: feed({ ackWaitMs: ackWaitMs ?? 30_000, batchSize: options.batchSize ?? 64 }),
      knex,
      redis,
      projection,
      batchSize: 64,
      maxAttempts: 3,
      retryDelayMs: 50,
      logger: testLogger('runner'),
      registry: new Registry(),
      ...options,
    });
    running.push(runner);
    return runner;
  }

  async function untilSequence(sequence: number, name = projection.name): Promise<void> {
    await waitFor(
      `checkpoint at ${sequence}`,
      async () => ((await readCheckpoint(knex, name))?.streamSequence ?? 0) >= sequence,
    );
  }

  /** What a projection built in one go from the same events holds: the reference model. */
  async function freshModel(events: readonly RecordedEvent[]): Promise<unknown> {
    const freshTable = await newTable();
    await applyBatch(knex, chargesProjection(`test_fresh_${uniqueSuffix()}`, freshTable), events);
    return readCharges(knex, freshTable);
  }

  function chargeStream(count: number, poisonAt?: number): RecordedEvent[] {
    return Array.from({ length: count }, (_, i) => {
      const n = i + 1;
      if (n % 7 === 0) return recordedOther(n);
      return recordedCharge(n, `u${n % 3}`, n === poisonAt ? `poison-${n}` : `c${n}`, n);
    });
  }

  it('When events are published, Then each is applied once in stream order, and the stale cache keys are deleted', async () => {
    const events = chargeStream(2000);
    const staleKeys = ['u0', 'u1', 'u2'].map((u) => `test:${projection.name}:user:${u}`);
    await Promise.all(staleKeys.map((key) => redis.set(key, 'cached')));
    await publishEvents(nats.js, nats.subjectPrefix, events);
    const began = performance.now();
    await start({ batchSize: 256 });
    await untilSequence(events.length);
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `      (${events.length} events applied in ${seconds.toFixed(2)} s: ${Math.round(events.length / seconds)} events/s)`,
    );
    expect(await readCharges(knex, table)).to.deep.equal(await freshModel(events));
    await waitFor('cache keys deleted', async () => (await redis.exists(...staleKeys)) === 0, 2000);
  });

  it('When a committed batch is delivered again (nak after apply), Then the model changes once', async () => {
    const events = chargeStream(20);
    await publishEvents(nats.js, nats.subjectPrefix, events);
    const outcomes: string[][] = [];
    await start({
      afterCommit(result) {
        outcomes.push(result.outcomes);
        if (outcomes.length === 1) throw new Error('lost the acks');
      },
    });
    await waitFor('the redelivered batch', () => outcomes.length >= 2);
    await untilSequence(events.length);
    expect(outcomes[1]!.every((o) => o === 'duplicate')).to.equal(true, 'the redelivery was skipped');
    expect(await readCharges(knex, table)).to.deep.equal(await freshModel(events));
  });

  it('When a projector dies between commit and ack and another starts, Then the model equals a fresh projection', async () => {
    const events = chargeStream(300);
    await publishEvents(nats.js, nats.subjectPrefix, events);
    // The first projector has a NATS connection of its own, closed at the worst moment: its
    // batch is committed, its acks are never sent.
    const doomed = await connectNats(NATS_URL, 'test-doomed');
    let commits = 0;
    const first = runProjector({
      feed: feed({ ackWaitMs: 1000, batchSize: 64, nc: doomed }),
      knex,
      projection,
      batchSize: 64,
      maxAttempts: 3,
      logger: testLogger('doomed'),
      registry: new Registry(),
      async afterCommit() {
        commits += 1;
        if (commits === 2) await doomed.close();
      },
    });
    await first.done;
    const applied = (await readCheckpoint(knex, projection.name))?.streamSequence ?? 0;
    expect(applied).to.be.greaterThan(0).and.lessThan(events.length);

    let duplicates = 0;
    await start({
      ackWaitMs: 1000,
      afterCommit: (result) => {
        duplicates += result.outcomes.filter((o) => o === 'duplicate').length;
      },
    });
    await untilSequence(events.length);
    // The dead projector's unacked batch comes back after ack_wait and must change nothing.
    await waitFor('the unacked batch redelivered and skipped', async () => {
      const info = await nats.jsm.consumers.info(nats.stream, durable);
      return duplicates > 0 && info.num_ack_pending === 0;
    });
    expect(await readCharges(knex, table)).to.deep.equal(await freshModel(events));
    // Still live after all that.
    await new Promise((r) => setTimeout(r, 1200));
    await publishEvents(nats.js, nats.subjectPrefix, [recordedCharge(301, 'u9')]);
    await untilSequence(301);
  });

  it('When an event keeps failing, Then it is parked after maxAttempts, the events before and after it are applied', async () => {
    const events = chargeStream(40, 20);
    await publishEvents(nats.js, nats.subjectPrefix, events);
    await start();
    await untilSequence(events.length);
    const parked = await knex('parked_events').where({ projection: projection.name });
    expect(parked.map((p: { event_id: string; attempts: number }) => [p.event_id, p.attempts])).to.deep.equal([
      [events[19]!.id, 3],
    ]);
    expect(await readCharges(knex, table)).to.deep.equal(await freshModel(events.filter((_, i) => i !== 19)));
  });

  it('When a stream sequence is missing, Then the messages after the gap are held back, never applied out of order', async () => {
    const events = chargeStream(3);
    await publishEvents(nats.js, nats.subjectPrefix, events);
    await nats.jsm.streams.deleteMessage(nats.stream, 2);
    await start();
    await untilSequence(1);
    await waitFor(
      'message 3 redelivered',
      async () => (await nats.jsm.consumers.info(nats.stream, durable)).num_redelivered > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await readCheckpoint(knex, projection.name))?.streamSequence).to.equal(1);
    expect((await readCharges(knex, table)).flatMap((r) => r.charges)).to.deep.equal(['c1']);
  });

  it('When a projector is stopped mid-stream and restarted, Then it finishes its batch, and the next one resumes without loss or repeat', async () => {
    const events = chargeStream(1000);
    await publishEvents(nats.js, nats.subjectPrefix, events);
    const first = await start({ batchSize: 50 });
    await untilSequence(100);
    const began = performance.now();
    await first.stop();
    expect(performance.now() - began).to.be.lessThan(1000);
    const stoppedAt = (await readCheckpoint(knex, projection.name))?.streamSequence ?? 0;
    expect(stoppedAt).to.be.lessThan(events.length);
    await start({ batchSize: 50 });
    await untilSequence(events.length);
    expect(await readCharges(knex, table)).to.deep.equal(await freshModel(events));
  });
});
