import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What an operator watches on the read side: cache effectiveness, Redis fallbacks, read-your-writes waits. */
export interface QueryMetrics {
  cacheHits: Counter<'cache'>;
  /** reason: absent, behind-token (an entry older than the client's token), unavailable (Redis failed) */
  cacheMisses: Counter<'cache' | 'reason'>;
  /** Redis commands that failed and were answered from the database instead. */
  cacheFailures: Counter<'cache' | 'operation'>;
  cacheAvailable: Gauge;
  /** outcome: caught-up or timeout */
  consistencyWait: Histogram<'outcome'>;
  /** By the projection that was still behind the token when the bound ran out. */
  consistencyTimeouts: Counter<'projection'>;
}

export function createQueryMetrics(registry: Registry): QueryMetrics {
  const cacheAvailable = new Gauge({
    name: 'query_cache_available',
    help: '1 while the last Redis cache command succeeded, 0 while queries fall back to the database',
    registers: [registry],
  });
  cacheAvailable.set(1);
  return {
    cacheHits: new Counter({
      name: 'query_cache_hits_total',
      help: 'Queries answered from the Redis cache, by cache',
      labelNames: ['cache'],
      registers: [registry],
    }),
    cacheMisses: new Counter({
      name: 'query_cache_misses_total',
      help: 'Cacheable queries answered from the database, by cache and reason',
      labelNames: ['cache', 'reason'],
      registers: [registry],
    }),
    cacheFailures: new Counter({
      name: 'query_cache_failures_total',
      help: 'Redis cache commands that failed (the query fell back to the database), by cache and operation',
      labelNames: ['cache', 'operation'],
      registers: [registry],
    }),
    cacheAvailable,
    consistencyWait: new Histogram({
      name: 'query_consistency_wait_seconds',
      help: 'Time a query with X-Consistency-Token waited for its projections, by outcome',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    consistencyTimeouts: new Counter({
      name: 'query_consistency_timeouts_total',
      help: 'Queries answered 503 read-model-lagging, by the projection still behind',
      labelNames: ['projection'],
      registers: [registry],
    }),
  };
}
