import type { Logger } from '@concert/infra';
import type { CommandContext } from '@concert/write-model';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { mapBounded } from '../runtime/map-bounded.js';
import { startPeriodicLoop, type PeriodicLoop } from '../runtime/periodic-loop.js';
import { deadlineId, type DueDeadline } from './deadline.js';
import { claimDue, postponeDeadline, purgeSettled, settleDeadlines } from './deadline-store.js';
import { retryDelayMs } from './retry-delay.js';
import { runTimeoutCommand, type TimeoutResult } from './timeout-command.js';

export interface DeadlineTimerOptions {
  knex: Knex;
  /** The command context of one deadline's timeout: event store, clock, seat locks, ids. */
  context: (deadline: DueDeadline) => CommandContext;
  /** The clock deadlines are compared with; the same one the contexts decide with. */
  now: () => Date;
  batchSize: number;
  concurrency: number;
  logger: Logger;
  metrics: WorkerMetrics;
  intervalMs?: number;
  /** Tombstones older than this are purged (default one hour). */
  retentionMs?: number;
  /** Called for every run of a deadline, with its result or error (tests count commands with it). */
  onRun?: (deadline: DueDeadline, outcome: TimeoutResult | { error: unknown }) => void;
}

const DEFAULT_INTERVAL_MS = 200;
const DEFAULT_RETENTION_MS = 3_600_000;
const PURGE_INTERVAL_MS = 60_000;
const MAX_ERROR_TEXT = 2000;

/**
 * The expiry saga's clock: every tick (and at once at start, so a worker that was down catches
 * up), claims the due deadlines in a transaction with FOR UPDATE SKIP LOCKED, issues their
 * timeout commands with bounded concurrency, and settles or postpones each before committing.
 * A claimed deadline stays locked until then, so another instance never runs it at the same
 * time; a crash before the commit unlocks it, and the idempotent command runs again.
 */
export function startDeadlineTimer(options: DeadlineTimerOptions): PeriodicLoop {
  const { logger } = options;
  const timer = startPeriodicLoop('deadline timer', options.intervalMs ?? DEFAULT_INTERVAL_MS, () => runDueDeadlines(options), logger);
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
      await Promise.all([timer.stop(), purge.stop()]);
    },
    ready: () => timer.ready(),
  };
}

/** One round; true when the batch was full, i.e. more may be due already. */
export async function runDueDeadlines(options: DeadlineTimerOptions): Promise<boolean> {
  const { knex, batchSize, metrics, logger } = options;
  return knex.transaction(async (trx) => {
    const due = await claimDue(trx, options.now(), batchSize);
    if (due.length === 0) return false;
    type Run = { deadline: DueDeadline; ok: true; result: TimeoutResult } | { deadline: DueDeadline; ok: false; error: unknown };
    const runs = await mapBounded(due, options.concurrency, async (deadline): Promise<Run> => {
      try {
        const result = await runTimeoutCommand(options.context(deadline), deadline);
        options.onRun?.(deadline, result);
        return { deadline, ok: true, result };
      } catch (error) {
        options.onRun?.(deadline, { error });
        return { deadline, ok: false, error };
      }
    });

    const settled: Array<{ deadline: DueDeadline; outcome: string }> = [];
    for (const run of runs) {
      const { deadline } = run;
      if (run.ok && run.result.outcome !== 'not-yet') {
        if (run.result.commandIssued) metrics.timeoutCommands.inc({ kind: deadline.kind, outcome: run.result.outcome });
        settled.push({ deadline, outcome: run.result.outcome });
        continue;
      }
      const attempts = deadline.attempts + 1;
      const error = run.ok ? new Error('the write side found the deadline still ahead (clock skew)') : run.error;
      metrics.timeoutCommands.inc({ kind: deadline.kind, outcome: run.ok ? 'not-yet' : 'failed' });
      const retryAt = new Date(options.now().getTime() + retryDelayMs(attempts));
      await postponeDeadline(trx, deadline, errorText(error), retryAt);
      logger.warn({ err: error, deadline: deadlineId(deadline), attempts, retryAt }, 'timeout command failed, retrying later');
    }
    await settleDeadlines(
      trx,
      settled.map(({ deadline, outcome }) => ({ key: deadline, settledBy: `timer:${outcome}` })),
    );
    const at = Date.now();
    for (const { deadline, outcome } of settled) {
      metrics.deadlinesSettled.inc({ kind: deadline.kind, outcome });
      metrics.lateness.observe({ kind: deadline.kind }, Math.max(0, at - deadline.dueAt.getTime()) / 1000);
      if (outcome === 'released') logger.info({ deadline: deadlineId(deadline) }, 'orphaned seat released');
    }
    return due.length === batchSize;
  });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_TEXT);
}
