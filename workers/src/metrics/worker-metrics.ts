import type { Registry } from '@concert/infra';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { DeadlineCounts } from '../deadlines/deadline-store.js';

/** The series of one workers process. */
export interface WorkerMetrics {
  /** Timeout commands issued through the write side, by deadline kind and outcome (`failed` included). */
  timeoutCommands: Counter<'kind' | 'outcome'>;
  /** Deadlines settled by the timer, by kind and outcome (with those that needed no command). */
  deadlinesSettled: Counter<'kind' | 'outcome'>;
  /** From a deadline to its settling by the timer: how late seats come back on sale. */
  lateness: Histogram<'kind'>;
  /** Events the deadline recorder took, by whether they changed a deadline. */
  recorderEvents: Counter<'outcome'>;
  /** Payments the recovery worker resumed, by final status; `unchanged` when another run had finished it. */
  paymentsRecovered: Counter<'status'>;
  paymentRecoveryFailures: Counter;
  /** Events the notifier took, by outcome (enqueued, duplicate, no-recipient, passed, undecodable). */
  notifierEvents: Counter<'outcome'>;
  /** Notifications delivered, by kind and sender (webhook, inbox). */
  notificationsDelivered: Counter<'kind' | 'sender'>;
  /** Failed delivery attempts (non-2xx, timeouts, network errors for the webhook), by sender. */
  notificationFailures: Counter<'sender'>;
  /** Deliveries that failed their last attempt and went to notification_dead_letters. */
  notificationDeadLetters: Counter<'sender'>;
  /** Reads the pending-deliveries gauge at scrape time. */
  setPendingDeliveriesCounter(count: () => Promise<number>): void;
  /** Reads the pending and overdue gauges at scrape time. */
  setDeadlineCounter(count: () => Promise<DeadlineCounts[]>): void;
}

/** How far past its due time an open deadline counts as overdue (the 2 s target of the issue). */
export const OVERDUE_AFTER_MS = 2000;

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  let counter: (() => Promise<DeadlineCounts[]>) | undefined;
  // One gauge for both numbers, so that one scrape runs one query.
  new Gauge({
    name: 'workers_hold_deadlines',
    help: `Hold deadlines not yet settled (state="pending"), and those of them more than ${OVERDUE_AFTER_MS / 1000} s past due (state="overdue"), by kind`,
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      // A scrape must not fail because PostgreSQL is briefly away: the series is just missing.
      const rows = await counter?.().catch(() => undefined);
      if (!rows) return;
      for (const kind of ['reservation', 'seat'] as const) {
        const row = rows.find((r) => r.kind === kind);
        this.set({ kind, state: 'pending' }, row?.pending ?? 0);
        this.set({ kind, state: 'overdue' }, row?.overdue ?? 0);
      }
    },
  });
  let pendingDeliveries: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'workers_notification_deliveries_pending',
    help: 'Notifications in the outbox not yet delivered nor dead-lettered (retries included)',
    registers: [registry],
    async collect() {
      this.reset();
      const pending = await pendingDeliveries?.().catch(() => undefined);
      if (pending !== undefined) this.set(pending);
    },
  });
  return {
    timeoutCommands: new Counter({
      name: 'workers_timeout_commands_total',
      help: 'Timeout commands issued (ExpireReservation, ReleaseSeat), by deadline kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    deadlinesSettled: new Counter({
      name: 'workers_deadlines_settled_total',
      help: 'Hold deadlines settled by the timer, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    lateness: new Histogram({
      name: 'workers_deadline_lateness_seconds',
      help: 'Time from a hold deadline to the end of its timeout command',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    recorderEvents: new Counter({
      name: 'workers_recorder_events_total',
      help: 'Events taken by the deadline recorder, by outcome (recorded, passed, undecodable)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    paymentsRecovered: new Counter({
      name: 'workers_payments_recovered_total',
      help: 'Stuck payments resumed by the recovery worker, by final status (unchanged: already finished)',
      labelNames: ['status'],
      registers: [registry],
    }),
    paymentRecoveryFailures: new Counter({
      name: 'workers_payment_recovery_failures_total',
      help: 'Resumptions of a stuck payment that failed (retried on the next round)',
      registers: [registry],
    }),
    notifierEvents: new Counter({
      name: 'workers_notifier_events_total',
      help: 'Events taken by the notifier, by outcome (enqueued, duplicate, no-recipient, passed, undecodable)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    notificationsDelivered: new Counter({
      name: 'workers_notifications_delivered_total',
      help: 'Notifications delivered, by kind and sender',
      labelNames: ['kind', 'sender'],
      registers: [registry],
    }),
    notificationFailures: new Counter({
      name: 'workers_notification_failures_total',
      help: 'Failed notification delivery attempts (webhook: non-2xx, timeout, network error), by sender',
      labelNames: ['sender'],
      registers: [registry],
    }),
    notificationDeadLetters: new Counter({
      name: 'workers_notification_dead_letters_total',
      help: 'Notifications dead-lettered after their last failed attempt, by sender',
      labelNames: ['sender'],
      registers: [registry],
    }),
    setPendingDeliveriesCounter(count) {
      pendingDeliveries = count;
    },
    setDeadlineCounter(count) {
      counter = count;
    },
  };
}
