import { START, type EventStore, type GlobalPosition, type Logger } from '@concert/infra';
import type { Knex } from 'knex';
import { startPeriodicLoop, type PeriodicLoop } from '../runtime/periodic-loop.js';
import type { DeadlineChange } from './deadline.js';
import { deadlineChangeOf, deadlineEventTypes } from './deadline-changes.js';
import { recordChanges } from './deadline-store.js';

/** What the sweep reads: the event store's own feed (both stores filter it by event type server-side). */
export type DeadlineFeed = Pick<EventStore, 'readAll'>;

export interface DeadlineFeedSweepOptions {
  knex: Knex;
  feed: DeadlineFeed;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
}

/** The sweep's row of deadline_feed_checkpoints. */
const CHECKPOINT = 'saga_expiry';

/**
 * The saga's deadlines without NATS: every few seconds, records the deadlines of the hold and
 * end events committed since its checkpoint, read from the event store's feed (its filter
 * keeps to the deadline event types), in one short transaction with the checkpoint. The NATS
 * recorder usually got there first, and recording again is a no-op (a set never touches an
 * existing row, a settle leaves a tombstone); if NATS is down, lost its stream, or the saga's
 * consumer fell past NATS_MAX_AGE_HOURS, this is what still gives holds their deadlines.
 */
export function startDeadlineFeedSweep(options: DeadlineFeedSweepOptions): PeriodicLoop {
  return startPeriodicLoop('deadline feed sweep', options.intervalMs, () => sweepDeadlineFeed(options), options.logger);
}

/** One batch; true when it was full (more committed already). */
export async function sweepDeadlineFeed(options: DeadlineFeedSweepOptions): Promise<boolean> {
  const { knex, logger } = options;
  const after = await loadCheckpoint(knex);
  const events = await options.feed.readAll({
    after,
    maxCount: options.batchSize,
    filter: { eventTypes: [...deadlineEventTypes] },
  });
  const last = events[events.length - 1];
  if (!last) return false;
  const changes: DeadlineChange[] = [];
  for (const event of events) {
    try {
      const change = deadlineChangeOf(event);
      if (change) changes.push(change);
    } catch (error) {
      logger.error({ err: error, eventId: event.id }, 'undecodable event skipped by the deadline feed sweep');
    }
  }
  await knex.transaction(async (trx) => {
    await recordChanges(trx, changes);
    await saveCheckpoint(trx, last.position);
  });
  return events.length === options.batchSize;
}

async function loadCheckpoint(knex: Knex): Promise<GlobalPosition> {
  const row: { c: string; p: string } | undefined = await knex('deadline_feed_checkpoints')
    .select(knex.raw('commit_position::text AS c'), knex.raw('prepare_position::text AS p'))
    .where('name', CHECKPOINT)
    .first();
  return row ? { commit: BigInt(row.c), prepare: BigInt(row.p) } : START;
}

/** Forwards only: an instance that read an older batch never moves the checkpoint back. */
async function saveCheckpoint(trx: Knex.Transaction, position: GlobalPosition): Promise<void> {
  await trx.raw(
    `INSERT INTO deadline_feed_checkpoints AS k (name, commit_position, prepare_position) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position, updated_at = now()
       WHERE (k.commit_position, k.prepare_position) < (excluded.commit_position, excluded.prepare_position)`,
    [CHECKPOINT, position.commit.toString(), position.prepare.toString()],
  );
}
