import type { Config } from '../config/config.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { PostgresIdempotencyStore } from './postgres-idempotency-store.js';

/** The Idempotency DB named by the configuration (IDEMPOTENCY_DATABASE_URL and its timings). */
export function createIdempotencyStore(
  config: Pick<Config, 'IDEMPOTENCY_DATABASE_URL' | 'IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS' | 'IDEMPOTENCY_RETENTION_HOURS'>,
  options: { maxConnections?: number } = {},
): IdempotencyStore {
  return new PostgresIdempotencyStore({
    connectionString: config.IDEMPOTENCY_DATABASE_URL,
    inFlightTimeoutMs: config.IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS,
    retentionMs: config.IDEMPOTENCY_RETENTION_HOURS * 60 * 60 * 1000,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
  });
}
