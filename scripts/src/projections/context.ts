import {
  createEventStore,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  redisReady,
  type Config,
  type EventStore,
} from '@concert/infra';
import knexFactory, { type Knex } from 'knex';

/** What the projections CLI talks to, from the same environment variables as the services. */
export interface OpsContext {
  config: Config;
  knex: Knex;
  eventStore: EventStore;
  /** Deletes query-cache keys under these prefixes; a Redis failure is reported, never fatal (the cache has a TTL). */
  invalidateCache(prefixes: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const REDIS_READY_MS = 5000;
/** One connection per projection for a parallel rebuild, plus the rebuild lock's and one spare. */
const POOL_SIZE = 8;

export function openOpsContext(): OpsContext {
  const config = loadConfig();
  // knex would print a lost connection's stack itself; the CLI reports every failure in one line.
  const quiet = (): void => undefined;
  const knex = knexFactory({
    client: 'pg',
    connection: config.DATABASE_URL,
    pool: { min: 0, max: POOL_SIZE },
    log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
  });
  const eventStore = createEventStore(config);
  return {
    config,
    knex,
    eventStore,
    async invalidateCache(prefixes) {
      const redis = createRedis({
        url: config.REDIS_URL,
        keyPrefix: config.REDIS_KEY_PREFIX,
        onError: () => undefined,
      });
      try {
        await redisReady(redis, REDIS_READY_MS);
        let deleted = 0;
        for (const prefix of prefixes) deleted += await deleteKeysWithPrefix(redis, config.REDIS_KEY_PREFIX + prefix);
        console.error(`deleted ${deleted} query-cache keys under ${prefixes.join(', ')}`);
      } catch (error) {
        console.error(
          `could not delete the query-cache keys (they expire with their TTL): ${(error as Error).message}`,
        );
      } finally {
        redis.disconnect();
      }
    },
    async close() {
      await eventStore.close();
      await knex.destroy();
    },
  };
}
