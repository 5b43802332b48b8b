import type {
  EventStore,
  JetStreamClient,
  JetStreamManager,
  Logger,
  ReadinessCheck,
  Registry,
  SeatLocks,
} from '@concert/infra';
import type { PaymentLock } from '@concert/write-model';
import type { Knex } from 'knex';
import type { DueDeadline } from './deadlines/deadline.js';
import { startDeadlineRecorder } from './deadlines/deadline-recorder.js';
import { countDeadlines } from './deadlines/deadline-store.js';
import { startDeadlineFeedSweep } from './deadlines/deadline-feed-sweep.js';
import { startDeadlineTimer } from './deadlines/deadline-timer.js';
import type { TimeoutResult } from './deadlines/timeout-command.js';
import { createWorkerMetrics, OVERDUE_AFTER_MS, type WorkerMetrics } from './metrics/worker-metrics.js';
import { startPaymentRecovery, type PaymentRecoveryOptions } from './payments/payment-recovery.js';
import { startDeliveryDispatcher } from './notifications/delivery-dispatcher.js';
import { countPendingDeliveries } from './notifications/delivery-store.js';
import type { NotificationSender } from './notifications/notification.js';
import { startNotifier } from './notifications/notifier.js';
import type { PeriodicLoop } from './runtime/periodic-loop.js';

const DEFAULT_SWEEP_INTERVAL_MS = 5000;
/** Events per read of the feed sweep: a few thousand, so a backlog is read in few round trips. */
const SWEEP_BATCH_SIZE = 2000;

export interface WorkersOptions {
  knex: Knex;
  store: EventStore;
  /** Redis seat marks, freed with the seats the timeouts release. */
  locks?: SeatLocks;
  /** One runner per payment, shared with the command API's request path (PostgresAdvisoryLock). */
  paymentLock: PaymentLock;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  registry: Registry;
  now?: () => Date;
  expiry: {
    batchSize: number;
    /** Timeout commands at once over all claim loops. */
    concurrency: number;
    /** Claim loops (default 1). */
    loops?: number;
    /** How long a claimed deadline is left to this worker (default 5 s). */
    leaseMs?: number;
    intervalMs?: number;
    /** How often the feed sweep reads the event store for deadlines (default 5 s). */
    sweepIntervalMs?: number;
    ackWaitMs?: number;
  };
  paymentRecovery: { afterMs: number; intervalMs: number };
  /** The notifier and its delivery dispatcher; absent, they do not run (tests of the other workers). */
  notifications?: NotificationOptions;
  onTimeoutRun?: (deadline: DueDeadline, outcome: TimeoutResult | { error: unknown }) => void;
  onPaymentRecovered?: PaymentRecoveryOptions['onRecovered'];
}

export interface NotificationOptions {
  sender: NotificationSender;
  maxAttempts: number;
  retryBaseMs: number;
  batchSize?: number;
  /** Deliveries one worker sends at once. */
  concurrency?: number;
  intervalMs?: number;
  ackWaitMs?: number;
}

export interface RunningWorkers {
  metrics: WorkerMetrics;
  readinessChecks: Record<string, ReadinessCheck>;
  /** Lets the batches and rounds in hand finish (their transactions commit), then resolves. */
  stop(): Promise<void>;
}

/**
 * The workers of one process: the expiry saga (deadline recorder and timer), the payment
 * recovery and, when configured, the notifier with its delivery dispatcher. Leader-free:
 * every part may run in any number of processes at once.
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
    context: (deadline) => ({
      store,
      now,
      correlationId: deadline.correlationId,
      causationId: deadline.sourceEventId,
      ...(locks ? { locks } : {}),
    }),
    batchSize: options.expiry.batchSize,
    loops: options.expiry.loops ?? 1,
    ...(options.expiry.leaseMs === undefined ? {} : { leaseMs: options.expiry.leaseMs }),
    concurrency: Math.ceil(options.expiry.concurrency / (options.expiry.loops ?? 1)),
    logger: logger.child({ worker: 'deadline-timer' }),
    metrics,
    ...(options.expiry.intervalMs === undefined ? {} : { intervalMs: options.expiry.intervalMs }),
    ...(options.onTimeoutRun ? { onRun: options.onTimeoutRun } : {}),
  });
  const sweep = startDeadlineFeedSweep({
    knex,
    feed: store,
    logger: logger.child({ worker: 'deadline-feed-sweep' }),
    intervalMs: options.expiry.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    batchSize: SWEEP_BATCH_SIZE,
  });
  const recovery = startPaymentRecovery({
    knex,
    now,
    context: (_payment, correlationId) => ({
      store,
      now,
      correlationId,
      paymentLock: options.paymentLock,
      ...(locks ? { locks } : {}),
    }),
    afterMs: options.paymentRecovery.afterMs,
    intervalMs: options.paymentRecovery.intervalMs,
    logger: logger.child({ worker: 'payment-recovery' }),
    metrics,
    ...(options.onPaymentRecovered ? { onRecovered: options.onPaymentRecovered } : {}),
  });

  const notifications = options.notifications
    ? await startNotifications(options, options.notifications, metrics, now)
    : undefined;

  return {
    metrics,
    readinessChecks: {
      deadlineRecorder: () => recorder.ready(),
      deadlineTimer: () => timer.ready(),
      deadlineFeedSweep: () => sweep.ready(),
      paymentRecovery: () => recovery.ready(),
      ...(notifications
        ? {
            notifier: () => notifications.notifier.ready(),
            notificationDispatcher: () => notifications.dispatcher.ready(),
          }
        : {}),
    },
    async stop() {
      await Promise.all([
        recorder.stop(),
        timer.stop(),
        sweep.stop(),
        recovery.stop(),
        notifications?.notifier.stop(),
        notifications?.dispatcher.stop(),
      ]);
    },
  };
}

/** The notifier (feed -> outbox) and the dispatcher (outbox -> sender) of one process. */
async function startNotifications(
  options: WorkersOptions,
  notify: NotificationOptions,
  metrics: WorkerMetrics,
  now: () => Date,
): Promise<{ notifier: PeriodicLoop; dispatcher: PeriodicLoop }> {
  const { knex, logger } = options;
  metrics.setPendingDeliveriesCounter(() => countPendingDeliveries(knex));
  const notifier = await startNotifier({
    js: options.js,
    jsm: options.jsm,
    knex,
    store: options.store,
    stream: options.stream,
    subjectPrefix: options.subjectPrefix,
    logger: logger.child({ worker: 'notifier' }),
    metrics,
    ...(notify.batchSize === undefined ? {} : { batchSize: notify.batchSize }),
    ...(notify.ackWaitMs === undefined ? {} : { ackWaitMs: notify.ackWaitMs }),
  });
  const dispatcher = startDeliveryDispatcher({
    knex,
    sender: notify.sender,
    now,
    maxAttempts: notify.maxAttempts,
    retryBaseMs: notify.retryBaseMs,
    batchSize: notify.batchSize ?? DEFAULT_DELIVERY_BATCH,
    concurrency: notify.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY,
    logger: logger.child({ worker: 'notification-dispatcher', sender: notify.sender.name }),
    metrics,
    ...(notify.intervalMs === undefined ? {} : { intervalMs: notify.intervalMs }),
  });
  return { notifier, dispatcher };
}

const DEFAULT_DELIVERY_BATCH = 64;
const DEFAULT_DELIVERY_CONCURRENCY = 8;
