import type { Config, EventStore, JwtVerifier, Logger, Registry, SeatLocks } from '@concert/infra';
import type { PaymentLock } from '../pay/payment-lock.js';
import type { ScheduleCatalog } from './schedule-catalog.js';
import type { CommandMetrics } from './command-metrics.js';

/** Everything the routes use, built once per process (main.ts) or per test. */
export interface CommandApiDeps {
  config: Pick<Config, 'HOLD_DURATION_MS' | 'WALLET_MAX_CHARGE' | 'REQUEST_LOG_SLOW_MS' | 'REQUEST_LOG_SAMPLE_RATE'>;
  store: EventStore;
  /** Absent when the process runs without Redis: holds then rely on the stream revisions alone. */
  locks: SeatLocks | undefined;
  catalog: ScheduleCatalog;
  /** One runner per payment, shared with payment recovery (PostgresAdvisoryLock on DATABASE_URL). */
  paymentLock: PaymentLock;
  verifier: JwtVerifier;
  logger: Logger;
  registry: Registry;
  metrics: CommandMetrics;
  now: () => Date;
  readinessChecks: Record<string, () => Promise<void>>;
}
