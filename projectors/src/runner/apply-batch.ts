import { parseEvent } from '@concert/domain';
import type { Projection, RecordedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { lockCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint-store.js';
import { advance, continuityOf, passDuplicate } from './continuity.js';

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
 */
export async function applyBatch(
  knex: Knex,
  projection: Projection,
  events: readonly RecordedEvent[],
  options: ApplyBatchOptions = {},
): Promise<BatchResult> {
  const handled = handledTypes(projection);
  return knex.transaction(async (trx) => {
    const initial = await lockCheckpoint(trx, projection.name);
    let checkpoint = initial;
    const outcomes: EventOutcome[] = [];
    const staleKeys = new Set<string>();
    for (const [i, recorded] of events.entries()) {
      const sequence = options.streamSequences?.[i];
      const continuity = continuityOf(checkpoint, recorded, sequence);
      if (continuity === 'out-of-order') break;
      if (continuity === 'duplicate') {
        checkpoint = passDuplicate(checkpoint, sequence);
        outcomes.push('duplicate');
        continue;
      }
      if (handled.has(recorded.type)) {
        // Only events the projection reads are parsed: an unknown type elsewhere in the feed
        // (a newer writer) must not stop a projection that does not care about it.
        const event = parseEvent(recorded.type, recorded.metadata.schemaVersion, recorded.data);
        for (const key of (await projection.apply(trx, { recorded, event })) ?? []) staleKeys.add(key);
        outcomes.push('applied');
      } else {
        outcomes.push('passed');
      }
      checkpoint = advance(checkpoint, recorded, sequence);
    }
    while (outcomes.length < events.length) outcomes.push('deferred');
    if (checkpoint !== initial) await writeCheckpoint(trx, projection.name, checkpoint);
    return { outcomes, staleCacheKeys: [...staleKeys], checkpoint };
  });
}

const handledCache = new WeakMap<Projection, ReadonlySet<string>>();

function handledTypes(projection: Projection): ReadonlySet<string> {
  let set = handledCache.get(projection);
  if (!set) {
    set = new Set<string>(projection.handles);
    handledCache.set(projection, set);
  }
  return set;
}
