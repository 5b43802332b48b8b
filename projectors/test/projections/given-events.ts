import {
  concertStreamId,
  currentSchemaVersion,
  paymentStreamId,
  reservationStreamId,
  scheduleStreamId,
  seatStreamId,
  walletStreamId,
  type DomainEvent,
} from '@concert/domain';
import { categoryOf, type ProjectedEvent, type Projection, type RecordedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/** An event and, when the spec cares, the instant it happened at. */
export interface Given {
  event: DomainEvent;
  at?: string;
}

/** Events without an `at` happen one second apart from here: fixed, so rows can be compared exactly. */
export const START = Date.parse('2026-03-01T10:00:00.000Z');

// Positions and revisions only grow across the whole run, as in a real feed.
let lastPosition = 0n;
const lastRevisions = new Map<string, bigint>();

function streamOf(event: DomainEvent): string {
  switch (event.type) {
    case 'ConcertCreated':
    case 'SalesOpened':
      return concertStreamId(event.data.concertId);
    case 'ScheduleAdded':
      return scheduleStreamId(event.data.scheduleId);
    case 'SeatHeld':
    case 'SeatReleased':
    case 'SeatSold':
      return seatStreamId(event.data.scheduleId, event.data.seatId);
    case 'ReservationHeld':
    case 'ReservationConfirmed':
    case 'ReservationCancelled':
    case 'ReservationExpired':
      return reservationStreamId(event.data.reservationId);
    case 'PaymentRequested':
    case 'PaymentCompleted':
    case 'PaymentFailed':
    case 'PaymentRefunded':
      return paymentStreamId(event.data.reservationId);
    case 'WalletCharged':
    case 'WalletDebited':
    case 'WalletCredited':
      return walletStreamId(event.data.userId);
  }
}

/** Records events as the store would hand them to a projector. */
export function recordEvents(events: readonly (DomainEvent | Given)[]): ProjectedEvent[] {
  return events.map((item, index) => {
    const { event, at } = 'event' in item ? item : { event: item, at: undefined };
    const occurredAt = at ?? new Date(START + index * 1000).toISOString();
    const streamId = streamOf(event);
    const revision = (lastRevisions.get(streamId) ?? -1n) + 1n;
    lastRevisions.set(streamId, revision);
    lastPosition += 1n;
    const correlationId = randomUUID();
    const recorded: RecordedEvent = {
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        correlationId,
        causationId: correlationId,
        occurredAt,
        schemaVersion: currentSchemaVersion(event.type),
      },
      streamId,
      category: categoryOf(streamId),
      revision,
      position: { commit: lastPosition, prepare: lastPosition },
      // The store's clock runs a little behind the decision: projections must prefer occurredAt.
      recordedAt: new Date(Date.parse(occurredAt) + 5),
    };
    return { recorded, event };
  });
}

/**
 * Given events, When projected: applies them in one transaction, as the runner applies a
 * batch, skipping the types the projection does not handle. Returns what was applied.
 */
export async function project(
  db: Knex,
  projection: Projection,
  events: readonly (DomainEvent | Given)[],
): Promise<ProjectedEvent[]> {
  const recorded = recordEvents(events);
  await applyRecorded(db, projection, recorded);
  return recorded;
}

/** The same, for events already recorded (to feed one feed to several projections); returns each event's stale cache keys. */
export async function applyRecorded(
  db: Knex,
  projection: Projection,
  recorded: readonly ProjectedEvent[],
): Promise<string[][]> {
  return db.transaction(async (trx) => {
    const keys: string[][] = [];
    for (const projected of recorded) {
      keys.push(
        projection.handles.includes(projected.event.type) ? [...((await projection.apply(trx, projected)) ?? [])] : [],
      );
    }
    return keys;
  });
}

/** Given events, When projected: the stale cache keys each event returned. */
export async function staleKeysOf(
  db: Knex,
  projection: Projection,
  events: readonly (DomainEvent | Given)[],
): Promise<string[][]> {
  return applyRecorded(db, projection, recordEvents(events));
}
