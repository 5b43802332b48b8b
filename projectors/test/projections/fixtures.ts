import type { DomainEvent, DomainEventOfType, PaymentFailureReason, SeatReleaseReason } from '@concert/domain';
import { randomUUID } from 'node:crypto';

/** A fresh id per test: the database is shared by the whole run. */
export const newId = (): string => randomUUID();

const HOLD_UNTIL = '2026-03-01T10:05:00.000Z';

/** Domain events with only the fields a spec varies as arguments. */
export const events = {
  concertCreated: (concertId: string): DomainEventOfType<'ConcertCreated'> => ({
    type: 'ConcertCreated',
    data: { concertId, title: 'Spring Live', venue: 'Olympic Hall' },
  }),
  salesOpened: (concertId: string, openedAt: string): DomainEventOfType<'SalesOpened'> => ({
    type: 'SalesOpened',
    data: { concertId, openedAt },
  }),
  scheduleAdded: (
    concertId: string,
    scheduleId: string,
    seats: { seatId: string; grade: string; price: number }[],
  ): DomainEventOfType<'ScheduleAdded'> => ({
    type: 'ScheduleAdded',
    data: { concertId, scheduleId, startsAt: '2026-05-01T19:00:00.000Z', seats },
  }),
  seatHeld: (
    scheduleId: string,
    seatId: string,
    reservationId: string,
    holdExpiresAt = HOLD_UNTIL,
  ): DomainEventOfType<'SeatHeld'> => ({
    type: 'SeatHeld',
    data: { scheduleId, seatId, reservationId, holdExpiresAt },
  }),
  seatReleased: (
    scheduleId: string,
    seatId: string,
    reservationId: string,
    reason: SeatReleaseReason = 'expired',
  ): DomainEventOfType<'SeatReleased'> => ({
    type: 'SeatReleased',
    data: { scheduleId, seatId, reservationId, reason },
  }),
  seatSold: (
    scheduleId: string,
    seatId: string,
    reservationId: string,
    paymentId: string,
  ): DomainEventOfType<'SeatSold'> => ({
    type: 'SeatSold',
    data: { scheduleId, seatId, reservationId, paymentId },
  }),
  reservationHeld: (
    reservationId: string,
    userId: string,
    scheduleId: string,
    seatIds: string[],
    amount: number,
  ): DomainEventOfType<'ReservationHeld'> => ({
    type: 'ReservationHeld',
    data: { reservationId, userId, scheduleId, seatIds, amount, expiresAt: HOLD_UNTIL },
  }),
  reservationConfirmed: (
    reservationId: string,
    paymentId: string,
    confirmedAt: string,
    sale: { scheduleId: string; seatIds: string[]; amount: number } = {
      scheduleId: 'schedule-x',
      seatIds: ['A-1'],
      amount: 100,
    },
  ): DomainEventOfType<'ReservationConfirmed'> => ({
    type: 'ReservationConfirmed',
    data: { reservationId, paymentId, ...sale, confirmedAt },
  }),
  reservationCancelled: (
    reservationId: string,
    userId: string,
    scheduleId: string,
    seatIds: string[],
    cancelledAt: string,
  ): DomainEventOfType<'ReservationCancelled'> => ({
    type: 'ReservationCancelled',
    data: { reservationId, userId, scheduleId, seatIds, cancelledAt },
  }),
  reservationExpired: (
    reservationId: string,
    scheduleId: string | null,
    seatIds: string[],
    expiredAt: string,
  ): DomainEventOfType<'ReservationExpired'> => ({
    type: 'ReservationExpired',
    data: { reservationId, scheduleId, seatIds, expiredAt },
  }),
  paymentRequested: (
    reservationId: string,
    paymentId: string,
    userId: string,
    amount: number,
    requestedAt: string,
  ): DomainEventOfType<'PaymentRequested'> => ({
    type: 'PaymentRequested',
    data: { reservationId, paymentId, userId, amount, requestedAt },
  }),
  paymentCompleted: (
    reservationId: string,
    paymentId: string,
    completedAt: string,
  ): DomainEventOfType<'PaymentCompleted'> => ({
    type: 'PaymentCompleted',
    data: { reservationId, paymentId, completedAt },
  }),
  paymentFailed: (
    reservationId: string,
    paymentId: string,
    reason: PaymentFailureReason,
    failedAt: string,
  ): DomainEventOfType<'PaymentFailed'> => ({
    type: 'PaymentFailed',
    data: { reservationId, paymentId, reason, failedAt },
  }),
  paymentRefunded: (
    reservationId: string,
    paymentId: string,
    amount: number,
    refundedAt: string,
  ): DomainEventOfType<'PaymentRefunded'> => ({
    type: 'PaymentRefunded',
    data: { reservationId, paymentId, amount, refundedAt },
  }),
  walletCharged: (userId: string, amount: number, chargedAt: string): DomainEventOfType<'WalletCharged'> => ({
    type: 'WalletCharged',
    data: { userId, chargeId: randomUUID(), amount, chargedAt },
  }),
  walletDebited: (
    userId: string,
    paymentId: string,
    amount: number,
    debitedAt: string,
  ): DomainEventOfType<'WalletDebited'> => ({
    type: 'WalletDebited',
    data: { userId, paymentId, amount, debitedAt },
  }),
  walletCredited: (
    userId: string,
    paymentId: string,
    amount: number,
    creditedAt: string,
  ): DomainEventOfType<'WalletCredited'> => ({
    type: 'WalletCredited',
    data: { userId, paymentId, amount, creditedAt },
  }),
} satisfies Record<string, (...args: never[]) => DomainEvent>;

/** Seats A-1..A-n: the first two VIP at 150,000, the rest R at 100,000. */
export function seatMap(count: number): { seatId: string; grade: string; price: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    seatId: `A-${i + 1}`,
    grade: i < 2 ? 'VIP' : 'R',
    price: i < 2 ? 150_000 : 100_000,
  }));
}
