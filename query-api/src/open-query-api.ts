import { createMetricsRegistry, createRedis, type ProcessConfig, type Logger } from '@concert/infra';
import { assembleQueryApiDeps, type QueryApiDeps } from './query-api-deps.js';
import { createReadDb } from './read-db.js';

// A cache that answers slower than this is worse than the database it stands in front of.
const CACHE_COMMAND_TIMEOUT_MS = 250;

/** Connects the read database and Redis named by the configuration; `close` releases them at shutdown. */
export function openQueryApi(
  config: ProcessConfig<'query-api'>,
  logger: Logger,
): { deps: QueryApiDeps; close(): Promise<void> } {
  const db = createReadDb(config.READ_DATABASE_URL);
  const redis = createRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: CACHE_COMMAND_TIMEOUT_MS,
    // The query cache logs outages itself, once each; this keeps ioredis off the console.
    onError: (error) => logger.debug({ err: error }, 'Redis connection error'),
  });
  const registry = createMetricsRegistry({ service: 'query-api' });
  return {
    deps: assembleQueryApiDeps({ config, db, redis, logger, registry }),
    async close() {
      redis.disconnect();
      await db.destroy();
    },
  };
}
