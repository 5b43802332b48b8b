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
    setDeadlineCounter(count) {
      counter = count;
    },
  };
}
