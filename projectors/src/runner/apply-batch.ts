import { parseEvent } from '@concert/domain';
import { comparePositions, type ProjectedEvent, type Projection, type RecordedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { lockFencedCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint-store.js';
import { advance, continuityBySequence, continuityOf, passDuplicate } from './continuity.js';
import { UndecodedEvent } from './undecoded-event.js';

/**
 * What happened to each event of a batch:
 * `applied` (handled by the projection), `passed` (a type it does not read: only the checkpoint
 * moved), `duplicate` (at or below the checkpoint: skipped), `deferred` (out of order: not
 * applied, nor anything after it in the batch).
 */
export type EventOutcome = 'applied' | 'passed' | 'duplicate' | 'deferred';

export interface ApplyBatchOptions {
  /** JetStream sequence of each event (same order); enables the continuity check. */
  streamSequences?: readonly number[];
  /** False for a consumer filtered to part of the stream: sequences rise with gaps (continuity.ts). */
  contiguous?: boolean;
}

export interface BatchResult {
  outcomes: EventOutcome[];
  /** Query-cache keys made stale by the applied events (deduplicated): delete them after the commit. */
  staleCacheKeys: string[];
  checkpoint: Checkpoint;
}

/**
 * Applies events to one projection in ONE transaction together with its checkpoint, so that
 * each event changes the read model exactly once however often it is delivered. Events must
 * be in feed order. Any error rolls back the whole batch (nothing applied, checkpoint unmoved).
 * Events left undecoded (UndecodedEvent: types the projection does not read) are taken by their
 * stream sequence when that settles their order, and decoded only when it does not, or to give
 * the checkpoint the position of the batch's last event.
 */
export async function applyBatch(
  knex: Knex,
  projection: Projection,
  events: readonly RecordedEvent[],
  options: ApplyBatchOptions = {},
): Promise<BatchResult> {
  const handled = handledTypes(projection);
  return knex.transaction(async (trx) => {
    // Fenced against a rebuild's swap of this projection's tables (projection-lock.ts).
    const initial = await lockFencedCheckpoint(trx, projection.name);
    let checkpoint = initial;
    const outcomes: EventOutcome[] = [];
    const toApply: ProjectedEvent[] = [];
    // The last event taken, while it is one left undecoded: the checkpoint's position comes from it at the end.
    let undecodedLast: UndecodedEvent | undefined;
    for (const [i, recorded] of events.entries()) {
      const sequence = options.streamSequences?.[i];
      const passing = recorded instanceof UndecodedEvent && !handled.has(recorded.subjectType);
      const continuity =
        (passing ? continuityBySequence(checkpoint, sequence, options.contiguous) : undefined) ??
        continuityOf(checkpoint, recorded, sequence, options.contiguous);
      if (continuity === 'out-of-order') break;
      if (continuity === 'duplicate') {
        checkpoint = passDuplicate(checkpoint, sequence);
        outcomes.push('duplicate');
        continue;
      }
      if (passing) {
        // A type it does not read, taken by its sequence: its position is only read if it ends the batch.
        checkpoint = { position: checkpoint.position, streamSequence: sequence ?? checkpoint.streamSequence };
        undecodedLast = recorded;
        outcomes.push('passed');
        continue;
      }
      undecodedLast = undefined;
      if (handled.has(recorded.type)) {
        // Only events the projection reads are parsed: an unknown type elsewhere in the feed
        // (a newer writer) must not stop a projection that does not care about it.
        const event = parseEvent(recorded.type, recorded.metadata.schemaVersion, recorded.data);
        toApply.push({ recorded, event });
        outcomes.push('applied');
      } else {
        outcomes.push('passed');
      }
      checkpoint = advance(checkpoint, recorded, sequence);
    }
    if (undecodedLast && comparePositions(undecodedLast.position, checkpoint.position) > 0)
      checkpoint = { position: undecodedLast.position, streamSequence: checkpoint.streamSequence };
    while (outcomes.length < events.length) outcomes.push('deferred');
    const staleKeys = await applyEvents(trx, projection, toApply);
    if (checkpoint !== initial) await writeCheckpoint(trx, projection.name, checkpoint);
    return { outcomes, staleCacheKeys: [...staleKeys], checkpoint };
  });
}

/**
 * Applies events the continuity check let through, in feed order: with the projection's bulk
 * form when it has one (a few statements per table for the whole batch), else one by one.
 */
export async function applyEvents(
  trx: Knex.Transaction,
  projection: Projection,
  events: readonly ProjectedEvent[],
): Promise<Set<string>> {
  const staleKeys = new Set<string>();
  if (events.length === 0) return staleKeys;
  if (projection.applyBatch) {
    for (const key of (await projection.applyBatch(trx, events)) ?? []) staleKeys.add(key);
    return staleKeys;
  }
  for (const event of events) {
    for (const key of (await projection.apply(trx, event)) ?? []) staleKeys.add(key);
  }
  return staleKeys;
}

const handledCache = new WeakMap<Projection, ReadonlySet<string>>();

export function handledTypes(projection: Projection): ReadonlySet<string> {
  let set = handledCache.get(projection);
  if (!set) {
    set = new Set<string>(projection.handles);
    handledCache.set(projection, set);
  }
  return set;
}
