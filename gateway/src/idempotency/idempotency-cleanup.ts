import { abortableSleep, type IdempotencyStore, type Logger, type Registry } from '@concert/infra';
import { idempotencyMetrics } from './idempotency-metrics.js';

export interface IdempotencyCleanupOptions {
  store: IdempotencyStore;
  /** IDEMPOTENCY_CLEANUP_INTERVAL_MS. */
  intervalMs: number;
  registry: Registry;
  logger: Logger;
  now?: () => Date;
}

/**
 * Deletes Idempotency-Key records past their retention, now and then every interval. Every
 * gateway runs one; they may overlap harmlessly (a row is deleted once). Errors are logged
 * and the next round tries again.
 */
export function startIdempotencyCleanup(options: IdempotencyCleanupOptions): { stop(): Promise<void> } {
  const metrics = idempotencyMetrics(options.registry);
  const now = options.now ?? (() => new Date());
  const controller = new AbortController();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        const deleted = await options.store.deleteExpired(now());
        metrics.expiredDeleted.inc(deleted);
        if (deleted > 0) options.logger.info({ deleted }, 'expired Idempotency-Key records deleted');
      } catch (error) {
        options.logger.warn({ err: error }, 'Idempotency-Key cleanup failed; retrying next round');
      }
      await abortableSleep(options.intervalMs, controller.signal);
    }
  })();
  return {
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
