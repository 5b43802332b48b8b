import { eventToJson, type Projection, type RecordedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { lockFencedCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint-store.js';
import { advance, continuityOf, passDuplicate } from './continuity.js';

export type ParkOutcome = 'parked' | 'duplicate' | 'deferred';

/** Enough of an error to diagnose it from the table, short enough to keep rows small. */
const MAX_ERROR_TEXT = 4000;

/**
 * Gives up on an event the projection keeps failing on: records it in `parked_events` and moves
 * the checkpoint past it in the same transaction, so the projector goes on with the next event
 * and ops can inspect and retry it later. The same continuity rules as applyBatch hold: an event
 * already behind the checkpoint is not parked, one out of order is not skipped.
 */
export async function parkEvent(
  knex: Knex,
  projection: Projection,
  recorded: RecordedEvent,
  failure: { error: unknown; attempts: number; streamSequence?: number; contiguous?: boolean },
): Promise<{ outcome: ParkOutcome; checkpoint: Checkpoint }> {
  return knex.transaction(async (trx) => {
    const checkpoint = await lockFencedCheckpoint(trx, projection.name);
    const continuity = continuityOf(checkpoint, recorded, failure.streamSequence, failure.contiguous);
    if (continuity === 'out-of-order') return { outcome: 'deferred', checkpoint };
    if (continuity === 'duplicate') {
      const passed = passDuplicate(checkpoint, failure.streamSequence);
      if (passed !== checkpoint) await writeCheckpoint(trx, projection.name, passed);
      return { outcome: 'duplicate', checkpoint: passed };
    }
    await trx('parked_events')
      .insert({
        projection: projection.name,
        event_id: recorded.id,
        event_type: recorded.type,
        stream_id: recorded.streamId,
        commit_position: recorded.position.commit.toString(),
        prepare_position: recorded.position.prepare.toString(),
        event: JSON.stringify(eventToJson(recorded)),
        error: errorText(failure.error),
        attempts: failure.attempts,
      })
      // Parked again after an ops retry failed: keep one row with the latest failure.
      .onConflict(['projection', 'event_id'])
      .merge(['error', 'attempts', 'parked_at']);
    const next = advance(checkpoint, recorded, failure.streamSequence);
    await writeCheckpoint(trx, projection.name, next);
    return { outcome: 'parked', checkpoint: next };
  });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.slice(0, MAX_ERROR_TEXT);
}
