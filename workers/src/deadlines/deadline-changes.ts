import { parseEvent, type DomainEventType } from '@concert/domain';
import type { RecordedEvent } from '@concert/infra';
import { reservationDeadline, seatDeadline, type DeadlineChange } from './deadline.js';

/**
 * How long after its hold's deadline a seat's own deadline falls: the reservation path
 * releases the seat at the deadline, and its SeatReleased usually settles the seat deadline
 * before this, so the seat path only acts for orphans (a crash between SeatHeld and ReservationHeld).
 */
export const SEAT_DEADLINE_GRACE_MS = 2000;

/** The event types that start or end a deadline; every other type passes without being parsed. */
export const deadlineEventTypes: ReadonlySet<string> = new Set<DomainEventType>([
  'ReservationHeld',
  'SeatHeld',
  'ReservationConfirmed',
  'ReservationCancelled',
  'ReservationExpired',
  'SeatSold',
  'SeatReleased',
]);

/**
 * What the event does to the deadlines, if anything. A terminal reservation event settles the
 * reservation's deadline only: its seats' deadlines stay until their own SeatReleased or
 * SeatSold, so a crash between ReservationExpired and the seat releases is still caught.
 */
export function deadlineChangeOf(recorded: RecordedEvent): DeadlineChange | undefined {
  if (!deadlineEventTypes.has(recorded.type)) return undefined;
  const event = parseEvent(recorded.type, recorded.metadata.schemaVersion, recorded.data);
  const source = { sourceEventId: recorded.id, correlationId: recorded.metadata.correlationId };
  switch (event.type) {
    case 'ReservationHeld':
      return {
        type: 'set',
        key: reservationDeadline(event.data.reservationId),
        dueAt: new Date(event.data.expiresAt),
        ...source,
      };
    case 'SeatHeld': {
      const { reservationId, scheduleId, seatId, holdExpiresAt } = event.data;
      const dueAt = new Date(new Date(holdExpiresAt).getTime() + SEAT_DEADLINE_GRACE_MS);
      return { type: 'set', key: seatDeadline(reservationId, scheduleId, seatId), dueAt, ...source };
    }
    case 'ReservationConfirmed':
    case 'ReservationCancelled':
    case 'ReservationExpired':
      return { type: 'settle', key: reservationDeadline(event.data.reservationId), settledBy: recorded.id };
    case 'SeatSold':
    case 'SeatReleased': {
      const { reservationId, scheduleId, seatId } = event.data;
      return { type: 'settle', key: seatDeadline(reservationId, scheduleId, seatId), settledBy: recorded.id };
    }
    default:
      return undefined;
  }
}
