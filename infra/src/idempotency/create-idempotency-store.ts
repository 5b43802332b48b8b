import type { Config } from '../config/config.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { PostgresIdempotencyStore } from './postgres-idempotency-store.js';

/** Time past the upstream timeout for the gateway to relay and settle the answer. */
export const IN_FLIGHT_MARGIN_MS = 5_000;

/**
 * How long a key stays in flight before a repeat may take it over: IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS,
 * but never less than GATEWAY_UPSTREAM_TIMEOUT_MS plus a margin, so a request the gateway is
 * still waiting for is never run a second time by a repeat.
 */
export function inFlightTimeoutOf(
  config: Pick<Config, 'IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS' | 'GATEWAY_UPSTREAM_TIMEOUT_MS'>,
): number {
  return Math.max(config.IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS, config.GATEWAY_UPSTREAM_TIMEOUT_MS + IN_FLIGHT_MARGIN_MS);
}

/** The Idempotency DB named by the configuration (IDEMPOTENCY_DATABASE_URL and its timings). */
export function createIdempotencyStore(
  config: Pick<
    Config,
    | 'IDEMPOTENCY_DATABASE_URL'
    | 'IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS'
    | 'GATEWAY_UPSTREAM_TIMEOUT_MS'
    | 'IDEMPOTENCY_RETENTION_HOURS'
  >,
  options: { maxConnections?: number } = {},
): IdempotencyStore {
  return new PostgresIdempotencyStore({
    connectionString: config.IDEMPOTENCY_DATABASE_URL,
    inFlightTimeoutMs: inFlightTimeoutOf(config),
    retentionMs: config.IDEMPOTENCY_RETENTION_HOURS * 60 * 60 * 1000,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
  });
}
