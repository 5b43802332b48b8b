import type { DomainEventType } from '@concert/domain';

/**
 * The event types each stream category holds (docs/architecture.md, 'The event model'). Used to know the
 * CSV columns of a `--category` before the first row; a test checks that it names every
 * domain event type once and only the categories the stream id helpers produce.
 */
export const eventTypesByCategory: Readonly<Record<string, readonly DomainEventType[]>> = {
  concert: ['ConcertCreated', 'SalesOpened'],
  schedule: ['ScheduleAdded'],
  seat: ['SeatHeld', 'SeatReleased', 'SeatSold'],
  reservation: ['ReservationHeld', 'ReservationConfirmed', 'ReservationCancelled', 'ReservationExpired'],
  payment: ['PaymentRequested', 'PaymentCompleted', 'PaymentFailed', 'PaymentRefunded'],
  wallet: ['WalletCharged', 'WalletDebited', 'WalletCredited'],
};

export const knownCategories: readonly string[] = Object.keys(eventTypesByCategory);
