import type {
  ProcessConfig,
  JwtVerifier,
  Logger,
  ReadinessCheck,
  RedisClient,
  Registry,
  RequestLogPolicy,
} from '@concert/infra';
import { createJwtVerifier, requestLogPolicy } from '@concert/infra';
import type { Knex } from 'knex';
import { createQueryMetrics, type QueryMetrics } from './query-metrics.js';
import { QueryCache } from './reading/query-cache.js';
import { ReadModelReader } from './reading/read-model-reader.js';

/** Everything the routes use, built once per process (open-query-api.ts) or per test. */
export interface QueryApiDeps {
  reader: ReadModelReader;
  verifier: JwtVerifier;
  logger: Logger;
  registry: Registry;
  metrics: QueryMetrics;
  readinessChecks: Record<string, ReadinessCheck>;
  requestLog: RequestLogPolicy;
}

export interface QueryApiClients {
  config: ProcessConfig<'query-api'>;
  /** The read pool (READ_DATABASE_URL). */
  db: Knex;
  redis: RedisClient;
  logger: Logger;
  registry: Registry;
}

export function assembleQueryApiDeps({ config, db, redis, logger, registry }: QueryApiClients): QueryApiDeps {
  const metrics = createQueryMetrics(registry);
  const cache = new QueryCache(redis, config.QUERY_CACHE_TTL_S, metrics, logger);
  return {
    reader: new ReadModelReader(db, cache, metrics, config.CONSISTENCY_WAIT_MS),
    verifier: createJwtVerifier(config),
    logger,
    registry,
    metrics,
    requestLog: requestLogPolicy(config),
    // Redis is deliberately not a readiness check: without it every query is still answered
    // (from the database, counted in query_cache_failures_total, query_cache_available = 0), and
    // taking every instance out of rotation because the cache is down would turn a slowdown
    // into an outage. Only the read database, without which nothing can be answered, gates /ready.
    readinessChecks: {
      readDatabase: async () => {
        // A table of the read models, not just `SELECT 1`: a database without migrations is not ready either.
        await db.raw('SELECT 1 FROM projection_checkpoints LIMIT 1');
      },
    },
  };
}
