import type { EventStore, JetStreamClient, JetStreamManager, Logger, ReadinessCheck, Registry, SeatLocks } from '@concert/infra';
import type { Knex } from 'knex';
import type { DueDeadline } from './deadlines/deadline.js';
import { startDeadlineRecorder } from './deadlines/deadline-recorder.js';
import { countDeadlines } from './deadlines/deadline-store.js';
import { startDeadlineTimer } from './deadlines/deadline-timer.js';
import type { TimeoutResult } from './deadlines/timeout-command.js';
import { createWorkerMetrics, OVERDUE_AFTER_MS, type WorkerMetrics } from './metrics/worker-metrics.js';
import { startPaymentRecovery, type PaymentRecoveryOptions } from './payments/payment-recovery.js';

export interface WorkersOptions {
  knex: Knex;
  store: EventStore;
  /** Redis seat marks, freed with the seats the timeouts release. */
  locks?: SeatLocks;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  registry: Registry;
  now?: () => Date;
  expiry: { batchSize: number; concurrency: number; intervalMs?: number; ackWaitMs?: number };
  paymentRecovery: { afterMs: number; intervalMs: number };
  onTimeoutRun?: (deadline: DueDeadline, outcome: TimeoutResult | { error: unknown }) => void;
  onPaymentRecovered?: PaymentRecoveryOptions['onRecovered'];
}

export interface RunningWorkers {
  metrics: WorkerMetrics;
  readinessChecks: Record<string, ReadinessCheck>;
  /** Lets the batches and rounds in hand finish (their transactions commit), then resolves. */
  stop(): Promise<void>;
}

/**
 * The workers of one process: the expiry saga (deadline recorder and timer) and the payment
 * recovery. Leader-free: every part may run in any number of processes at once.
 */
export async function startWorkers(options: WorkersOptions): Promise<RunningWorkers> {
  const { knex, store, locks, logger } = options;
  const now = options.now ?? (() => new Date());
  const metrics = createWorkerMetrics(options.registry);
  metrics.setDeadlineCounter(() => countDeadlines(knex, now(), OVERDUE_AFTER_MS));

  const recorder = await startDeadlineRecorder({
    js: options.js,
    jsm: options.jsm,
    knex,
    stream: options.stream,
    subjectPrefix: options.subjectPrefix,
    logger: logger.child({ worker: 'deadline-recorder' }),
    metrics,
    batchSize: options.expiry.batchSize,
    ...(options.expiry.ackWaitMs === undefined ? {} : { ackWaitMs: options.expiry.ackWaitMs }),
  });
  const timer = startDeadlineTimer({
    knex,
    now,
    // Correlated with the hold, caused by the event that set the deadline.
    context: (deadline) => ({ store, now, correlationId: deadline.correlationId, causationId: deadline.sourceEventId, ...(locks ? { locks } : {}) }),
    batchSize: options.expiry.batchSize,
    concurrency: options.expiry.concurrency,
    logger: logger.child({ worker: 'deadline-timer' }),
    metrics,
    ...(options.expiry.intervalMs === undefined ? {} : { intervalMs: options.expiry.intervalMs }),
    ...(options.onTimeoutRun ? { onRun: options.onTimeoutRun } : {}),
  });
  const recovery = startPaymentRecovery({
    knex,
    now,
    context: (_payment, correlationId) => ({ store, now, correlationId, ...(locks ? { locks } : {}) }),
    afterMs: options.paymentRecovery.afterMs,
    intervalMs: options.paymentRecovery.intervalMs,
    logger: logger.child({ worker: 'payment-recovery' }),
    metrics,
    ...(options.onPaymentRecovered ? { onRecovered: options.onPaymentRecovered } : {}),
  });

  return {
    metrics,
    readinessChecks: {
      deadlineRecorder: () => recorder.ready(),
      deadlineTimer: () => timer.ready(),
      paymentRecovery: () => recovery.ready(),
    },
    async stop() {
      await Promise.all([recorder.stop(), timer.stop(), recovery.stop()]);
    },
  };
}
