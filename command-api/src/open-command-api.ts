import {
  createEventStore,
  createJwtVerifier,
  createMetricsRegistry,
  createRedis,
  PostgresAdvisoryLock,
  RedisSeatLocks,
  type ProcessConfig,
  type Logger,
} from '@concert/infra';
import { createCommandMetrics, ScheduleCatalog, type CommandApiDeps } from '@concert/write-model';

/** Connects the stores named by the configuration; `close` releases them at shutdown. */
export function openCommandApi(
  config: ProcessConfig<'command-api'>,
  logger: Logger,
): { deps: CommandApiDeps; close(): Promise<void> } {
  const store = createEventStore(config, { maxConnections: 20 });
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  const registry = createMetricsRegistry({ service: 'command-api' });
  const paymentLock = new PostgresAdvisoryLock({ connectionString: config.DATABASE_URL });
  const deps: CommandApiDeps = {
    config,
    store,
    locks: new RedisSeatLocks(redis),
    catalog: new ScheduleCatalog(store),
    paymentLock,
    verifier: createJwtVerifier(config),
    logger,
    registry,
    metrics: createCommandMetrics(registry),
    now: () => new Date(),
    readinessChecks: {
      eventStore: async () => {
        await store.streamInfo('readiness-probe');
      },
      redis: async () => {
        await redis.ping();
      },
    },
  };
  return {
    deps,
    async close() {
      redis.disconnect();
      await Promise.all([store.close(), paymentLock.close()]);
    },
  };
}
