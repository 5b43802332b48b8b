import { parseEvent, type DomainEventType } from '@concert/domain';
import type { RecordedEvent } from '@concert/infra';
import type { Notification } from './notification.js';

/** The event types users are notified of; every other type passes without being parsed. */
export const notifyingEventTypes: ReadonlySet<string> = new Set<DomainEventType>([
  'ReservationHeld',
  'ReservationConfirmed',
  'ReservationExpired',
  'PaymentCompleted',
]);

/**
 * A notification without its recipient. Only ReservationHeld names the user; the others are
 * addressed to the holder of their reservation (`userId` set when the event carries it).
 */
export type NotificationDraft = Omit<Notification, 'userId'> & { userId?: string };

export function notificationDraftOf(recorded: RecordedEvent): NotificationDraft | undefined {
  if (!notifyingEventTypes.has(recorded.type)) return undefined;
  const event = parseEvent(recorded.type, recorded.metadata.schemaVersion, recorded.data);
  const base = { id: recorded.id, occurredAt: recorded.metadata.occurredAt };
  switch (event.type) {
    case 'ReservationHeld': {
      const { reservationId, userId, scheduleId, seatIds, amount, expiresAt } = event.data;
      return {
        ...base,
        kind: 'reservation-held',
        userId,
        reservationId,
        payload: { scheduleId, seatIds, amount, expiresAt },
      };
    }
    case 'ReservationConfirmed': {
      const { reservationId, paymentId, scheduleId, seatIds, amount } = event.data;
      return {
        ...base,
        kind: 'reservation-confirmed',
        reservationId,
        payload: { paymentId, scheduleId, seatIds, amount },
      };
    }
    case 'ReservationExpired': {
      const { reservationId, scheduleId, seatIds } = event.data;
      return { ...base, kind: 'reservation-expired', reservationId, payload: { scheduleId, seatIds } };
    }
    case 'PaymentCompleted': {
      const { reservationId, paymentId } = event.data;
      return { ...base, kind: 'payment-completed', reservationId, payload: { paymentId } };
    }
    default:
      return undefined;
  }
}
