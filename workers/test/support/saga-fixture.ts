import { randomBytes, randomUUID } from 'node:crypto';
import {
  connectNats,
  createEventStore,
  createLogger,
  createRedis,
  deleteKeysWithPrefix,
  dropDatabase,
  ensureDatabase,
  loadConfig,
  migrateToLatest,
  RedisSeatLocks,
  Registry,
  type Config,
  type EventStore,
  type NatsConnection,
  type RecordedEvent,
  type RedisClient,
  type SeatLocks,
  PostgresAdvisoryLock,
} from '@concert/infra';
import {
  addSchedule,
  createConcert,
  holdSeats,
  ScheduleCatalog,
  type CommandContext,
  type Hold,
} from '@concert/write-model';
import knexFactory, { type Knex } from 'knex';
import { startWorkers, type RunningWorkers, type WorkersOptions } from '../../src/start-workers.js';
import { startService, type ServiceProcess } from '@concert/infra/testing';

/**
 * Everything the saga's tests share: a database of their own (the relay publishes the feed
 * from its beginning, and the run's shared database holds every other test's events), a
 * JetStream stream, a Redis key prefix, and the projectors process (relay and read models)
 * running on them. The test itself plays the command API, calling the same handlers.
 */
export interface SagaFixture {
  config: Config;
  /** The environment of a child process on these resources. */
  env: Record<string, string>;
  store: EventStore;
  knex: Knex;
  redis: RedisClient;
  locks: SeatLocks;
  nc: NatsConnection;
  ctx(): CommandContext;
  newSchedule(seats: number): Promise<{ scheduleId: string; seatIds: string[] }>;
  hold(userId: string, scheduleId: string, seatIds: string[], durationMs: number): Promise<Hold>;
  /** Workers in this process (stopped by close()), each with its own pools, as separate instances would be. */
  startWorkers(
    overrides?: Partial<
      Pick<WorkersOptions, 'onTimeoutRun' | 'onPaymentRecovered' | 'paymentRecovery' | 'expiry' | 'notifications'>
    >,
  ): Promise<RunningWorkers & { registry: Registry }>;
  /** Stops every worker startWorkers() started. */
  stopWorkers(): Promise<void>;
  seatStatuses(scheduleId: string): Promise<Record<string, string>>;
  reservationStatus(reservationId: string): Promise<string | undefined>;
  events(streamId: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/** `label` names the fixture's database (`<run database>_<label>`), so that spec files never share one. */
export async function sagaFixture(label: string): Promise<SagaFixture> {
  const run = randomBytes(4).toString('hex');
  const database = new URL(process.env.DATABASE_URL!);
  database.pathname = `${database.pathname}_${label}`;
  await ensureDatabase(database.toString());
  await migrateToLatest(database.toString());
  const projectorsPort = 19000 + Math.floor(Math.random() * 800);
  const env: Record<string, string> = {
    DATABASE_URL: database.toString(),
    NATS_STREAM: `WORKERS_${run}`,
    NATS_SUBJECT_PREFIX: `workers_${run}`,
    REDIS_KEY_PREFIX: `test:workers:${run}:`,
    PROJECTORS_PORT: String(projectorsPort),
    WORKERS_PORT: String(projectorsPort + 1),
  };
  const config = loadConfig({ ...process.env, ...env });
  const store = createEventStore(config, { maxConnections: 20 });
  const knex = knexFactory({ client: 'pg', connection: config.DATABASE_URL, pool: { min: 0, max: 4 } });
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  const locks = new RedisSeatLocks(redis);
  const nc = await connectNats(config.NATS_URL, 'workers-test');
  const projectors: ServiceProcess = await startService('projectors/src/main.ts', projectorsPort, env);
  const catalog = new ScheduleCatalog(store);
  const running: Array<() => Promise<void>> = [];
  const ctx = (): CommandContext => ({ store, now: () => new Date(), correlationId: randomUUID(), locks });

  return {
    config,
    env,
    store,
    knex,
    redis,
    locks,
    nc,
    ctx,
    async newSchedule(count) {
      const concertId = `c-${randomBytes(4).toString('hex')}`;
      const scheduleId = `s-${randomBytes(4).toString('hex')}`;
      const seatIds = Array.from({ length: count }, (_, i) => `A-${i + 1}`);
      await createConcert(ctx(), { concertId, title: 'Saga', venue: 'Hall' });
      await addSchedule(ctx(), {
        concertId,
        scheduleId,
        startsAt: '2030-01-01T19:00:00.000Z',
        seats: seatIds.map((seatId) => ({ seatId, grade: 'R', price: 100 })),
      });
      return { scheduleId, seatIds };
    },
    hold(userId, scheduleId, seatIds, durationMs) {
      return holdSeats(
        ctx(),
        { catalog, holdDurationMs: durationMs, lockTtlMs: 5000 },
        { reservationId: randomUUID(), userId, scheduleId, seatIds },
      );
    },
    async startWorkers(overrides = {}) {
      const registry = new Registry();
      const workerStore = createEventStore(config, { maxConnections: 10 });
      const workerKnex = knexFactory({ client: 'pg', connection: config.DATABASE_URL, pool: { min: 0, max: 6 } });
      const workerNc = await connectNats(config.NATS_URL, 'workers-test-instance');
      const paymentLock = new PostgresAdvisoryLock({ connectionString: config.DATABASE_URL });
      const workers = await startWorkers({
        knex: workerKnex,
        store: workerStore,
        paymentLock,
        locks,
        js: workerNc.jetstream(),
        jsm: await workerNc.jetstreamManager(),
        stream: config.NATS_STREAM,
        subjectPrefix: config.NATS_SUBJECT_PREFIX,
        logger: createLogger({ LOG_LEVEL: (process.env.LOG_LEVEL ?? 'silent') as Config['LOG_LEVEL'] }, 'workers-test'),
        registry,
        expiry: { batchSize: 64, concurrency: 8 },
        paymentRecovery: { afterMs: 60_000, intervalMs: 60_000 },
        ...overrides,
      });
      let stopped: Promise<void> | undefined;
      const stop = (): Promise<void> => {
        stopped ??= (async () => {
          await workers.stop();
          await workerNc.drain();
          await Promise.all([workerKnex.destroy(), workerStore.close(), paymentLock.close()]);
        })();
        return stopped;
      };
      running.push(stop);
      return { ...workers, registry, stop };
    },
    async stopWorkers() {
      await Promise.all(running.splice(0).map((stop) => stop()));
    },
    async seatStatuses(scheduleId) {
      const rows: Array<{ seat_id: string; status: string }> = await knex('rm_seats')
        .select('seat_id', 'status')
        .where('schedule_id', scheduleId);
      return Object.fromEntries(rows.map((r) => [r.seat_id, r.status]));
    },
    async reservationStatus(reservationId) {
      const row: { status: string } | undefined = await knex('rm_reservations')
        .select('status')
        .where('reservation_id', reservationId)
        .first();
      return row?.status;
    },
    events: (streamId) => store.readStream(streamId),
    async close() {
      await Promise.all(running.splice(0).map((stop) => stop()));
      await projectors.stop();
      await (await nc.jetstreamManager()).streams.delete(config.NATS_STREAM).catch(() => false);
      await nc.close();
      await deleteKeysWithPrefix(redis, config.REDIS_KEY_PREFIX).catch(() => 0);
      redis.disconnect();
      await Promise.all([knex.destroy(), store.close()]);
      await dropDatabase(config.DATABASE_URL);
    },
  };
}
