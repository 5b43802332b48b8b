import {
  ConfigError,
  openEventStream,
  createApp,
  requestLogPolicy,
  createEventStore,
  createLogger,
  createMetricsRegistry,
  createRedis,
  loadProcessConfig,
  RedisSeatLocks,
  serve,
  PostgresAdvisoryLock,
} from '@concert/infra';
import knexFactory from 'knex';
import { configuredSender } from './notifications/configured-sender.js';
import { startWorkers } from './start-workers.js';

/**
 * The workers process: the expiry saga (hold deadlines from the feed, timed out through the
 * write side's commands), the payment recovery and the notifier (a signed webhook when
 * NOTIFY_WEBHOOK_URL is set, else the notifications table). Any number may run: they share the work
 * through PostgreSQL row locks and one durable JetStream consumer. Serves /health, /ready and
 * /metrics on WORKERS_PORT; SIGTERM finishes the batches in hand and exits.
 */
try {
  const config = loadProcessConfig('workers');
  const logger = createLogger(config, 'workers');
  const registry = createMetricsRegistry({ service: 'workers' });

  const { nc, jsm, js } = await openEventStream(config, 'workers');
  // The timeout commands run EXPIRY_CONCURRENCY at a time, each on its own connection.
  const store = createEventStore(config, { maxConnections: config.EXPIRY_CONCURRENCY + 2 });
  // The timer's and the recorder's transactions, the payment recoveries' locks, the gauges,
  // the notifier's batches, the dispatcher's transaction and the inbox sender's inserts.
  const knex = knexFactory({ client: 'pg', connection: config.DATABASE_URL, pool: { min: 0, max: 16 } });
  const redis = createRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    onError: (error) => logger.debug({ err: error }, 'redis connection error'),
  });

  // One runner per payment, the same lock the command API's request path takes.
  const paymentLock = new PostgresAdvisoryLock({ connectionString: config.DATABASE_URL });
  const workers = await startWorkers({
    knex,
    store,
    paymentLock,
    locks: new RedisSeatLocks(redis),
    js,
    jsm,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    logger,
    registry,
    expiry: {
      batchSize: config.EXPIRY_BATCH_SIZE,
      concurrency: config.EXPIRY_CONCURRENCY,
      loops: config.EXPIRY_CLAIM_LOOPS,
      leaseMs: config.EXPIRY_LEASE_MS,
      sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
    },
    paymentRecovery: { afterMs: config.PAYMENT_RECOVERY_AFTER_MS, intervalMs: config.PAYMENT_RECOVERY_INTERVAL_MS },
    notifications: {
      sender: configuredSender(config, knex),
      maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: config.NOTIFY_RETRY_BASE_MS,
    },
  });

  const app = createApp({
    logger,
    requestLog: requestLogPolicy(config),
    registry,
    readinessChecks: {
      postgres: async () => {
        await knex.raw('SELECT 1');
      },
      nats: async () => {
        if (nc.isClosed()) throw new Error('NATS connection closed');
        await nc.flush();
      },
      ...workers.readinessChecks,
    },
    routes: () => undefined,
  });
  await serve(app, config.WORKERS_PORT, {
    logger,
    handleSignals: true,
    async onShutdown() {
      await workers.stop();
      // Drain flushes the acks of the last batch before closing.
      await nc.drain();
      redis.disconnect();
      await Promise.all([knex.destroy(), store.close(), paymentLock.close()]);
    },
  });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
