import type { Logger } from '@concert/infra';
import type { CommandContext } from '@concert/write-model';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { mapBounded } from '../runtime/map-bounded.js';
import { startPeriodicLoop, type PeriodicLoop, type WakeableLoop } from '../runtime/periodic-loop.js';
import { deadlineId, type DueDeadline } from './deadline.js';
import { claimDue, postponeDeadlines, purgeSettled, settleDeadlines } from './deadline-store.js';
import { retryDelayMs } from './retry-delay.js';
import { runExpiries, runTimeoutCommand, type TimeoutResult } from './timeout-command.js';

export interface DeadlineTimerOptions {
  knex: Knex;
  /** The command context of one deadline's timeout: event store, clock, seat locks, ids. */
  context: (deadline: DueDeadline) => CommandContext;
  /** The clock deadlines are compared with; the same one the contexts decide with. */
  now: () => Date;
  batchSize: number;
  /** Timeout commands (or multi-reservation appends) one claim loop runs at once. */
  concurrency: number;
  /** Claim loops of this worker (default 1). */
  loops?: number;
  /** How long a claimed deadline is left to this worker before another may claim it (default 5 s): what a crash delays its deadlines by. */
  leaseMs?: number;
  logger: Logger;
  metrics: WorkerMetrics;
  intervalMs?: number;
  /** Tombstones older than this are purged (default one hour). */
  retentionMs?: number;
  /** Called for every run of a deadline, with its result or error (tests count commands with it). */
  onRun?: (deadline: DueDeadline, outcome: TimeoutResult | { error: unknown }) => void;
}

const DEFAULT_INTERVAL_MS = 200;
/**
 * The pause of the claim loops after the first while nothing is due: the first loop claims every
 * `intervalMs` and wakes the others as soon as a round of any loop claims something.
 */
const HELPER_IDLE_MS = 5000;
const DEFAULT_LEASE_MS = 5000;
/** Reservations expired per multi-stream append: a few hundred events in one commit. */
const EXPIRIES_PER_APPEND = 64;
const DEFAULT_RETENTION_MS = 3_600_000;
/**
 * The reservation outcomes after which none of its seats is left held by it: the expiry's
 * releases committed with ReservationExpired (or before, on a second run), so the seat
 * deadlines of the reservation are settled with it rather than coming due on their own.
 */
const RELEASED_SEATS: ReadonlySet<string> = new Set(['expired', 'already-expired']);
const PURGE_INTERVAL_MS = 60_000;
const MAX_ERROR_TEXT = 2000;

/**
 * The expiry saga's clock: `loops` claim loops, each of which every tick (and at once at
 * start, so a worker that was down catches up) leases the due deadlines (claimDue: one
 * statement, committed at once), issues their timeout commands, then postpones and settles
 * them, one statement each (an expired reservation's seat deadlines are settled with it). No
 * transaction is open while commands run. Several loops keep claims, commands and completions
 * overlapping; while nothing is due only the first one asks, the others are woken by the first
 * round of any loop that claims something (four loops asked 40 times a second on an idle
 * system). A leased deadline is not claimed again until
 * its lease ends; a crash leaves it to come due then, and the idempotent command runs again.
 */
export function startDeadlineTimer(options: DeadlineTimerOptions): PeriodicLoop {
  const { logger } = options;
  const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const timers: WakeableLoop[] = [];
  for (let i = 0; i < Math.max(1, options.loops ?? 1); i++) {
    const round = async (): Promise<boolean> => {
      const claimed = await runDueDeadlines(options);
      if (claimed > 0) for (const timer of timers) timer.wake();
      return claimed === options.batchSize;
    };
    timers.push(startPeriodicLoop(`deadline timer ${i}`, i === 0 ? interval : HELPER_IDLE_MS, round, logger));
  }
  const purge = startPeriodicLoop(
    'deadline purge',
    PURGE_INTERVAL_MS,
    async () => {
      const purged = await purgeSettled(options.knex, options.retentionMs ?? DEFAULT_RETENTION_MS);
      if (purged > 0) logger.debug({ purged }, 'settled hold deadlines purged');
      return false;
    },
    logger,
  );
  return {
    async stop() {
      await Promise.all([...timers.map((t) => t.stop()), purge.stop()]);
    },
    async ready() {
      await Promise.all(timers.map((t) => t.ready()));
    },
  };
}

type Run =
  { deadline: DueDeadline; ok: true; result: TimeoutResult } | { deadline: DueDeadline; ok: false; error: unknown };

/** One round of one loop; resolves how many deadlines it claimed (a full batch: more may be due already). */
export async function runDueDeadlines(options: DeadlineTimerOptions): Promise<number> {
  const { knex, batchSize, metrics, logger } = options;
  const due = await claimDue(knex, options.now(), batchSize, options.leaseMs ?? DEFAULT_LEASE_MS);
  if (due.length === 0) return 0;
  const runs = await runTimeouts(options, due);

  const settled: Array<{ deadline: DueDeadline; outcome: string }> = [];
  const postponed: Array<{ deadline: DueDeadline; error: unknown; attempts: number; retryAt: Date }> = [];
  for (const run of runs) {
    const { deadline } = run;
    options.onRun?.(deadline, run.ok ? run.result : { error: run.error });
    if (run.ok && run.result.outcome !== 'not-yet') {
      if (run.result.commandIssued) metrics.timeoutCommands.inc({ kind: deadline.kind, outcome: run.result.outcome });
      settled.push({ deadline, outcome: run.result.outcome });
      continue;
    }
    const attempts = deadline.attempts + 1;
    const error = run.ok ? new Error('the write side found the deadline still ahead (clock skew)') : run.error;
    metrics.timeoutCommands.inc({ kind: deadline.kind, outcome: run.ok ? 'not-yet' : 'failed' });
    postponed.push({ deadline, error, attempts, retryAt: new Date(options.now().getTime() + retryDelayMs(attempts)) });
  }
  // Two statements, no transaction: each row is settled or postponed once either way, and a
  // crash in between leaves the rest to come due again when the lease ends.
  await postponeDeadlines(
    knex,
    postponed.map(({ deadline, error, retryAt }) => ({ key: deadline, error: errorText(error), retryAt })),
  );
  await settleDeadlines(
    knex,
    settled.map(({ deadline, outcome }) => ({ key: deadline, settledBy: `timer:${outcome}` })),
    settled
      .filter(({ deadline, outcome }) => deadline.kind === 'reservation' && RELEASED_SEATS.has(outcome))
      .map(({ deadline, outcome }) => ({ reservationId: deadline.reservationId, settledBy: `timer:${outcome}` })),
  );
  for (const { deadline, error, attempts, retryAt } of postponed) {
    logger.warn(
      { err: error, deadline: deadlineId(deadline), attempts, retryAt },
      'timeout command failed, retrying later',
    );
  }
  const at = Date.now();
  for (const { deadline, outcome } of settled) {
    metrics.deadlinesSettled.inc({ kind: deadline.kind, outcome });
    metrics.lateness.observe({ kind: deadline.kind }, Math.max(0, at - deadline.dueAt.getTime()) / 1000);
    if (outcome === 'released') logger.info({ deadline: deadlineId(deadline) }, 'orphaned seat released');
  }
  return due.length;
}

/**
 * The timeout commands of a claimed batch, `concurrency` at a time: reservation deadlines in
 * groups of EXPIRIES_PER_APPEND, one multi-stream append each where the store has one (one
 * by one elsewhere); seat deadlines one by one.
 */
async function runTimeouts(options: DeadlineTimerOptions, due: readonly DueDeadline[]): Promise<Run[]> {
  const reservations = due.filter((d) => d.kind === 'reservation');
  const seats = due.filter((d) => d.kind === 'seat');
  const perAppend =
    reservations.length > 0 && options.context(reservations[0]!).store.appendMany ? EXPIRIES_PER_APPEND : 1;
  const groups: DueDeadline[][] = [];
  for (let i = 0; i < reservations.length; i += perAppend) groups.push(reservations.slice(i, i + perAppend));
  for (const seat of seats) groups.push([seat]);
  const runs = await mapBounded(groups, options.concurrency, async (group): Promise<Run[]> => {
    if (group[0]!.kind === 'reservation') {
      try {
        const results = await runExpiries(group.map((deadline) => ({ ctx: options.context(deadline), deadline })));
        return results.map((run, i) => ({ deadline: group[i]!, ...run }));
      } catch (error) {
        return group.map((deadline) => ({ deadline, ok: false, error }));
      }
    }
    const deadline = group[0]!;
    return runTimeoutCommand(options.context(deadline), deadline).then(
      (result): Run[] => [{ deadline, ok: true, result }],
      (error: unknown): Run[] => [{ deadline, ok: false, error }],
    );
  });
  return runs.flat();
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_TEXT);
}
