import { expect } from 'chai';
import {
  ForbiddenError,
  HoldNotExpiredError,
  ReservationExpiredError,
  ReservationNotHeldError,
  reservationDecider,
  reservationStreamId,
  type ReservationCommand,
  type ReservationEvent,
} from '../src/index.js';
import { spec } from './decider-specification.js';

const reservationId = 'res-1';
const userId = 'user-1';
const scheduleId = 'sched-1';
const seatIds = ['A-1', 'A-2'];
const expiresAt = new Date('2030-01-01T10:05:00.000Z');
const beforeDeadline = new Date('2030-01-01T10:04:59.999Z');
const afterDeadline = new Date('2030-01-01T10:06:00.000Z');

const given = spec(reservationDecider).given;

const placeHold = (overrides: Partial<Extract<ReservationCommand, { type: 'PlaceHold' }>['data']> = {}) =>
  ({
    type: 'PlaceHold',
    data: { reservationId, userId, scheduleId, seatIds, amount: 30000, expiresAt, ...overrides },
  }) as const;
const confirm = (paymentId: string, now: Date) =>
  ({ type: 'ConfirmReservation', data: { reservationId, paymentId, now } }) as const;
const cancel = (by: string, now: Date) =>
  ({ type: 'CancelReservation', data: { reservationId, userId: by, now } }) as const;
const expire = (now: Date) => ({ type: 'ExpireReservation', data: { reservationId, now } }) as const;

const held: ReservationEvent = {
  type: 'ReservationHeld',
  data: { reservationId, userId, scheduleId, seatIds, amount: 30000, expiresAt: expiresAt.toISOString() },
};
const confirmed = (paymentId: string, at: Date): ReservationEvent => ({
  type: 'ReservationConfirmed',
  data: { reservationId, paymentId, scheduleId, seatIds, amount: 30000, confirmedAt: at.toISOString() },
});
const cancelled = (at: Date): ReservationEvent => ({
  type: 'ReservationCancelled',
  data: { reservationId, userId, scheduleId, seatIds, cancelledAt: at.toISOString() },
});
const expired = (at: Date): ReservationEvent => ({
  type: 'ReservationExpired',
  data: { reservationId, scheduleId, seatIds, expiredAt: at.toISOString() },
});
const expiredNeverHeld = (at: Date): ReservationEvent => ({
  type: 'ReservationExpired',
  data: { reservationId, scheduleId: null, seatIds: [], expiredAt: at.toISOString() },
});

const terminal: ReadonlyArray<[string, ReservationEvent[]]> = [
  ['confirmed', [held, confirmed('pay-1', beforeDeadline)]],
  ['cancelled', [held, cancelled(beforeDeadline)]],
  ['expired', [held, expired(afterDeadline)]],
];

describe('Reservation', () => {
  it('When naming a reservation stream, then it is the reservation category and id', () => {
    expect(reservationStreamId('res-1')).to.equal('reservation-res-1');
  });

  describe('PlaceHold', () => {
    it('When the stream is new, then the reservation is held with its seats, amount and deadline', () => {
      given([]).when(placeHold()).then([held]);
    });

    it('When the reservation is already held, then a second hold is refused', () => {
      given([held]).when(placeHold()).thenThrows('reservation-exists', { reservationId });
    });

    it('When the saga already expired the never-held reservation (crash case), then a late hold fails as expired', () => {
      given([expiredNeverHeld(afterDeadline)])
        .when(placeHold())
        .thenThrows(ReservationExpiredError);
    });

    for (const [name, events] of terminal) {
      it(`When the reservation is ${name}, then a new hold on its stream is refused`, () => {
        given(events)
          .when(placeHold())
          .thenThrows(name === 'expired' ? 'reservation-expired' : 'reservation-exists');
      });
    }

    it('When no seat is given, then the hold is invalid', () => {
      given([])
        .when(placeHold({ seatIds: [] }))
        .thenThrows('validation');
    });

    it('When five seats are given, then the hold is invalid (at most four)', () => {
      given([])
        .when(placeHold({ seatIds: ['A-1', 'A-2', 'A-3', 'A-4', 'A-5'] }))
        .thenThrows('validation');
    });

    it('When four seats are given, then they are held together', () => {
      const four = ['A-1', 'A-2', 'A-3', 'A-4'];
      given([])
        .when(placeHold({ seatIds: four }))
        .then([{ type: 'ReservationHeld', data: { ...held.data, seatIds: four } } as ReservationEvent]);
    });

    it('When a seat is listed twice, then the hold is invalid', () => {
      given([])
        .when(placeHold({ seatIds: ['A-1', 'A-1'] }))
        .thenThrows('validation');
    });

    it('When the amount is not an integer, then the hold is invalid', () => {
      given([])
        .when(placeHold({ amount: 10.5 }))
        .thenThrows('validation');
    });
  });

  describe('ConfirmReservation', () => {
    it('When the hold is still running, then it is confirmed by the payment', () => {
      given([held])
        .when(confirm('pay-1', beforeDeadline))
        .then([confirmed('pay-1', beforeDeadline)]);
    });

    it('When it is exactly the hold deadline, then confirmation is refused as expired', () => {
      given([held]).when(confirm('pay-1', expiresAt)).thenThrows(ReservationExpiredError, { reservationId });
    });

    it('When the hold deadline has passed, then confirmation is refused as expired', () => {
      given([held]).when(confirm('pay-1', afterDeadline)).thenThrows('reservation-expired');
    });

    it('When it is already confirmed by the same payment, then the retry does nothing', () => {
      given([held, confirmed('pay-1', beforeDeadline)])
        .when(confirm('pay-1', afterDeadline))
        .thenNothing();
    });

    it('When it is confirmed by another payment, then confirmation is refused as not held', () => {
      given([held, confirmed('pay-1', beforeDeadline)])
        .when(confirm('pay-2', beforeDeadline))
        .thenThrows(ReservationNotHeldError, { status: 'Confirmed' });
    });

    it('When it is cancelled, then confirmation is refused as not held', () => {
      given([held, cancelled(beforeDeadline)])
        .when(confirm('pay-1', beforeDeadline))
        .thenThrows('reservation-not-held');
    });

    it('When it is expired, then confirmation is refused as expired', () => {
      given([held, expired(afterDeadline)])
        .when(confirm('pay-1', beforeDeadline))
        .thenThrows('reservation-expired');
    });

    it('When it was never held, then confirmation is refused as not held', () => {
      given([]).when(confirm('pay-1', beforeDeadline)).thenThrows('reservation-not-held', { status: 'Empty' });
    });
  });

  describe('CancelReservation', () => {
    it('When the owner cancels a running hold, then it is cancelled with its seats', () => {
      given([held])
        .when(cancel(userId, beforeDeadline))
        .then([cancelled(beforeDeadline)]);
    });

    it('When the owner cancels after the deadline but before the saga expired it, then it is cancelled', () => {
      given([held])
        .when(cancel(userId, afterDeadline))
        .then([cancelled(afterDeadline)]);
    });

    it('When another user cancels, then it is forbidden', () => {
      given([held]).when(cancel('user-2', beforeDeadline)).thenThrows(ForbiddenError);
    });

    it('When another user cancels a finished reservation, then it is forbidden rather than revealing its state', () => {
      given([held, confirmed('pay-1', beforeDeadline)])
        .when(cancel('user-2', beforeDeadline))
        .thenThrows('forbidden');
    });

    it('When the reservation does not exist, then it is not found', () => {
      given([]).when(cancel(userId, beforeDeadline)).thenThrows('reservation-not-found', { reservationId });
    });

    it('When the never-held reservation was expired by the saga, then cancelling it is forbidden', () => {
      given([expiredNeverHeld(afterDeadline)])
        .when(cancel(userId, afterDeadline))
        .thenThrows('forbidden');
    });
  });

  describe('ExpireReservation', () => {
    it('When the deadline is reached exactly, then the reservation expires with its seats', () => {
      given([held])
        .when(expire(expiresAt))
        .then([expired(expiresAt)]);
    });

    it('When the deadline has passed, then the reservation expires', () => {
      given([held])
        .when(expire(afterDeadline))
        .then([expired(afterDeadline)]);
    });

    it('When the deadline has not come yet, then expiring is refused', () => {
      given([held])
        .when(expire(beforeDeadline))
        .thenThrows(HoldNotExpiredError, { expiresAt: expiresAt.toISOString() });
    });

    it('When the stream is empty (crash between SeatHeld and ReservationHeld), then it is expired without seats', () => {
      given([])
        .when(expire(afterDeadline))
        .then([expiredNeverHeld(afterDeadline)]);
    });

    it('When the never-held reservation is expired again, then nothing happens', () => {
      given([expiredNeverHeld(afterDeadline)])
        .when(expire(afterDeadline))
        .thenNothing();
    });
  });

  describe('Terminal states are final', () => {
    for (const [name, events] of terminal) {
      it(`When it is ${name}, then a cancel by the owner is refused as not held`, () => {
        given(events).when(cancel(userId, beforeDeadline)).thenThrows('reservation-not-held');
      });

      it(`When it is ${name}, then expiring does nothing`, () => {
        given(events).when(expire(afterDeadline)).thenNothing();
      });

      it(`When it is ${name}, then a confirmation by a new payment is refused`, () => {
        given(events)
          .when(confirm('pay-2', beforeDeadline))
          .thenThrows(name === 'expired' ? 'reservation-expired' : 'reservation-not-held');
      });
    }

    it('When a stray ReservationConfirmed follows an expiry, then the reservation stays expired', () => {
      given([held, expired(afterDeadline), confirmed('pay-1', beforeDeadline)])
        .when(confirm('pay-1', beforeDeadline))
        .thenThrows('reservation-expired');
    });

    it('When a stray ReservationHeld follows an expiry of an empty stream, then the reservation stays expired', () => {
      given([expiredNeverHeld(afterDeadline), held])
        .when(confirm('pay-1', beforeDeadline))
        .thenThrows('reservation-expired');
    });
  });
});
