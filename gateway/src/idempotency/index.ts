/**
 * Idempotency-Key handling of the gateway (docs/architecture.md, 'Idempotency-Key'). Wiring, in the
 * gateway app:
 *
 *   const store = createIdempotencyStore(config);            // @concert/infra, IDEMPOTENCY_DATABASE_URL
 *   app.use(idempotency({ store, registry }));                 // after authenticate + JSON body, before the proxy
 *   const cleanup = startIdempotencyCleanup({ store, intervalMs: config.IDEMPOTENCY_CLEANUP_INTERVAL_MS, registry, logger });
 *   // at shutdown: await cleanup.stop(); await store.close();
 *
 * The database is prepared by `migrateIdempotencyDatabase` (npm run migrate / npm start).
 */
export {
  idempotency,
  isFinalStatus,
  DEFAULT_REQUIRED_PATHS,
  type IdempotencyOptions,
} from './idempotency-middleware.js';
export { startIdempotencyCleanup, type IdempotencyCleanupOptions } from './idempotency-cleanup.js';
export { idempotencyMetrics, type IdempotencyMetrics, type IdempotencyHit } from './idempotency-metrics.js';
export { requestFingerprint, canonicalJson } from './request-fingerprint.js';
