import type { Config, EventStore, JwtVerifier, Logger, Registry, SeatLocks } from '@concert/infra';
import type { ScheduleCatalog } from './schedule-catalog.js';
import type { CommandMetrics } from './command-metrics.js';

/** Everything the routes use, built once per process (main.ts) or per test. */
export interface CommandApiDeps {
  config: Pick<Config, 'HOLD_DURATION_MS' | 'HOLD_WRITE_PATH' | 'WALLET_MAX_CHARGE' | 'REQUEST_LOG_SLOW_MS' | 'REQUEST_LOG_SAMPLE_RATE'>;
  store: EventStore;
  /** Absent when the process runs without Redis: holds then rely on the stream revisions alone. */
  locks: SeatLocks | undefined;
  catalog: ScheduleCatalog;
  verifier: JwtVerifier;
  logger: Logger;
  registry: Registry;
  metrics: CommandMetrics;
  now: () => Date;
  readinessChecks: Record<string, () => Promise<void>>;
}
