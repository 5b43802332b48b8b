import { randomUUID } from 'node:crypto';
import { currentSchemaVersion, type DomainEventOfType, type DomainEventType } from '@concert/domain';
import type { EventStore, NewEvent, RecordedEvent } from '@concert/infra';
import { waitFor } from '@concert/infra/testing';

/** A NewEvent of a domain type, stamped with its current schema version. */
export function domainEvent<T extends DomainEventType>(
  type: T,
  data: DomainEventOfType<T>['data'],
  userId = 'analyst-test',
): NewEvent {
  return {
    type,
    data,
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      userId,
      occurredAt: new Date().toISOString(),
      schemaVersion: currentSchemaVersion(type),
    },
  };
}

/** What the store holds for a selection, read straight through readAll (the reference an export is checked against). */
export async function readEverything(
  store: EventStore,
  filter: { categories?: string[]; streamIds?: string[] },
): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.at(-1)?.position, maxCount: 1000, filter });
    all.push(...page);
    if (page.length < 1000) return all;
  }
}

/**
 * Waits until the feed shows the stream's last event: the PostgreSQL feed holds events back
 * while an older transaction anywhere on the server is still open.
 */
export async function waitUntilInFeed(store: EventStore, streamId: string, timeoutMs = 10_000): Promise<void> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  if (!last) throw new Error(`${streamId} has no events`);
  await waitFor(
    `${streamId} in the feed`,
    async () => (await readEverything(store, { streamIds: [streamId] })).some((e) => e.id === last.id),
    timeoutMs,
    50,
  );
}
