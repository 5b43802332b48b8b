import { comparePositions, type EventStore, type GlobalPosition, type RecordedEvent } from '@concert/infra';
import { feedBatches } from './feed-batches.js';

/** The feed after `after` up to and including `upTo`, in batches. */
export async function* feedBatchesUpTo(
  store: EventStore,
  after: GlobalPosition,
  upTo: GlobalPosition,
  batchSize: number,
): AsyncGenerator<RecordedEvent[]> {
  if (comparePositions(after, upTo) >= 0) return;
  for await (const batch of feedBatches(store, after, batchSize)) {
    const within = batch.filter((e) => comparePositions(e.position, upTo) <= 0);
    if (within.length > 0) yield within;
    if (within.length < batch.length) return;
  }
}

/** How many feed events lie in (after, upTo]: the JetStream messages between two checkpoints. */
export async function countEventsBetween(
  store: EventStore,
  after: GlobalPosition,
  upTo: GlobalPosition,
  batchSize: number,
): Promise<number> {
  let count = 0;
  for await (const batch of feedBatchesUpTo(store, after, upTo, batchSize)) count += batch.length;
  return count;
}
