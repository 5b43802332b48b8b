import { categoryOf, comparePositions, type EventStore, type GlobalPosition, type RecordedEvent } from '@concert/infra';
import type { Selection } from './selection.js';

export interface ReadSelectionOptions {
  /** Events per readAll round trip. */
  batchSize?: number;
  /** After the stored events, keep delivering live ones until the signal aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Called once the stored events are delivered, before waiting for live ones (with `follow`). */
  onLive?: () => Promise<void>;
}

const DEFAULT_BATCH_SIZE = 2000;

/**
 * The selected events in feed order, read in batches (at most two in memory: the next batch
 * is fetched while the current one is consumed). With `follow`, a subscription then picks up
 * after the last event delivered. Ends early, without error, when the signal aborts.
 */
export async function* readSelection(
  store: EventStore,
  selection: Selection,
  options: ReadSelectionOptions = {},
): AsyncGenerator<RecordedEvent> {
  const batchSize = Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, selection.limit ?? Number.MAX_SAFE_INTEGER);
  const { signal } = options;
  let remaining = selection.limit ?? Number.POSITIVE_INFINITY;
  let last: GlobalPosition | undefined = selection.after;
  const read = (after: GlobalPosition | undefined): Promise<RecordedEvent[]> =>
    store.readAll({
      after,
      until: selection.until,
      recordedFrom: selection.recordedFrom,
      recordedBefore: selection.recordedBefore,
      maxCount: batchSize,
      filter: selection.filter,
    });

  let next: Promise<RecordedEvent[]> | undefined = read(last);
  while (next && remaining > 0 && !signal?.aborted) {
    const batch: RecordedEvent[] = await next;
    next = batch.length === batchSize && remaining > batch.length ? read(batch.at(-1)!.position) : undefined;
    // An abandoned prefetch must not surface as an unhandled rejection.
    next?.catch(() => undefined);
    for (const event of batch) {
      if (remaining <= 0 || signal?.aborted) return;
      yield event;
      last = event.position;
      remaining -= 1;
    }
  }
  if (!options.follow || remaining <= 0 || signal?.aborted) return;
  if (selection.until && last && comparePositions(last, selection.until) >= 0) return;
  await options.onLive?.();

  const subscription = store.subscribeToAll({ after: last, filter: selection.filter });
  const stop = (): void => void subscription.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const message of subscription) {
      if (message.kind !== 'event') continue;
      if (selection.until && comparePositions(message.event.position, selection.until) > 0) return;
      if (!isSelected(message.event, selection)) continue;
      yield message.event;
      remaining -= 1;
      if (remaining <= 0 || signal?.aborted) return;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await subscription.close();
  }
}

/** The part of a selection a subscription does not apply itself (it takes only the FeedFilter). */
function isSelected(event: RecordedEvent, selection: Selection): boolean {
  const { filter } = selection;
  return (
    (!filter.categories?.length || filter.categories.includes(categoryOf(event.streamId))) &&
    (!filter.eventTypes?.length || filter.eventTypes.includes(event.type)) &&
    (!filter.streamIds?.length || filter.streamIds.includes(event.streamId)) &&
    (selection.recordedFrom === undefined || event.recordedAt >= selection.recordedFrom) &&
    (selection.recordedBefore === undefined || event.recordedAt < selection.recordedBefore)
  );
}
