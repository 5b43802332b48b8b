import { randomUUID } from 'node:crypto';
import type { Logger } from '@concert/infra';
import { resumePaymentAlone, type CommandContext, type PaymentOutcome } from '@concert/write-model';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { mapBounded } from '../runtime/map-bounded.js';
import { startPeriodicLoop, type PeriodicLoop } from '../runtime/periodic-loop.js';
import { findStuckPayments, type StuckPayment } from './stuck-payments.js';

export interface PaymentRecoveryOptions {
  knex: Knex;
  /** The command context of one resumption (event store, clock, seat locks, the payment lock). */
  context: (payment: StuckPayment, correlationId: string) => CommandContext;
  now: () => Date;
  /** A payment REQUESTED for longer than this is taken for crashed (PAYMENT_RECOVERY_AFTER_MS). */
  afterMs: number;
  intervalMs: number;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Called with every resumption's outcome (tests). */
  onRecovered?: (payment: StuckPayment, outcome: PaymentOutcome | 'busy') => void;
}

const BATCH = 100;
const CONCURRENCY = 4;

/**
 * The payment recovery worker (docs/architecture.md, 'Payment, exactly once'): payments whose process stopped
 * after PaymentRequested (a crashed command API) are finished through the write side's
 * resumePayment, whose steps are idempotent. Each is resumed under the payment's lock (the
 * one the request path takes too), so no two runs of a payment interleave; counted and logged one by one.
 */
export function startPaymentRecovery(options: PaymentRecoveryOptions): PeriodicLoop {
  return startPeriodicLoop('payment recovery', options.intervalMs, () => recoverStuckPayments(options), options.logger);
}

/**
 * One round. Always waits for the next tick: the read model may list the same payments again
 * until it catches up, and going round at once would only resume them again for nothing.
 */
export async function recoverStuckPayments(options: PaymentRecoveryOptions): Promise<false> {
  const { knex, logger, metrics } = options;
  const stuck = await findStuckPayments(knex, new Date(options.now().getTime() - options.afterMs), BATCH);
  await mapBounded(stuck, CONCURRENCY, async (payment) => {
    const correlationId = randomUUID();
    try {
      const outcome = await resumePaymentAlone(options.context(payment, correlationId), payment.reservationId);
      options.onRecovered?.(payment, outcome);
      if (outcome === 'busy') return;
      // Nothing written: it had finished meanwhile (the read model lags the event store).
      const status = outcome.position === undefined ? 'unchanged' : outcome.status;
      metrics.paymentsRecovered.inc({ status });
      if (status !== 'unchanged') {
        logger.warn(
          {
            paymentId: payment.paymentId,
            reservationId: payment.reservationId,
            requestedAt: payment.requestedAt,
            status,
            reason: outcome.reason,
            correlationId,
          },
          'stuck payment recovered',
        );
      }
    } catch (error) {
      metrics.paymentRecoveryFailures.inc();
      logger.error(
        { err: error, paymentId: payment.paymentId, reservationId: payment.reservationId, correlationId },
        'payment recovery failed, retrying next round',
      );
    }
  });
  return false;
}
