import type { EventStore, GlobalPosition, RecordedEvent } from '@concert/infra';

/**
 * The global feed after `after`, batch by batch through the EventStore interface (never NATS,
 * whose retention is limited), reading the next batch while the caller applies the current
 * one. Ends at the first short batch: the end of the feed as it was then.
 */
export async function* feedBatches(
  store: EventStore,
  after: GlobalPosition,
  batchSize: number,
): AsyncGenerator<RecordedEvent[]> {
  let next: Promise<RecordedEvent[]> | undefined = store.readAll({ after, maxCount: batchSize });
  try {
    while (next) {
      const batch: RecordedEvent[] = await next;
      next = undefined;
      if (batch.length === 0) return;
      if (batch.length === batchSize) {
        next = store.readAll({ after: batch.at(-1)!.position, maxCount: batchSize });
        // Read ahead; if the caller stops early this read's failure must not go unhandled.
        next.catch(() => undefined);
      }
      yield batch;
    }
  } finally {
    await next?.catch(() => undefined);
  }
}
