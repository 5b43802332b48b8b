import { expect } from 'chai';
import {
  SeatNotHeldError,
  SeatUnavailableError,
  seatDecider,
  seatStreamId,
  type SeatEvent,
  type SeatReleaseReason,
} from '../src/index.js';
import { spec } from './decider-specification.js';

const scheduleId = 'sched-1';
const seatId = 'A-12';
const holdExpiresAt = new Date('2030-01-01T10:05:00.000Z');

const given = spec(seatDecider).given;

const held = (reservationId: string, at = holdExpiresAt): SeatEvent => ({
  type: 'SeatHeld',
  data: { scheduleId, seatId, reservationId, holdExpiresAt: at.toISOString() },
});
const released = (reservationId: string, reason: SeatReleaseReason = 'expired'): SeatEvent => ({
  type: 'SeatReleased',
  data: { scheduleId, seatId, reservationId, reason },
});
const sold = (reservationId: string, paymentId: string): SeatEvent => ({
  type: 'SeatSold',
  data: { scheduleId, seatId, reservationId, paymentId },
});

const hold = (reservationId: string, at = holdExpiresAt) =>
  ({ type: 'HoldSeat', data: { scheduleId, seatId, reservationId, holdExpiresAt: at } }) as const;
const release = (reservationId: string, reason: SeatReleaseReason = 'expired') =>
  ({ type: 'ReleaseSeat', data: { scheduleId, seatId, reservationId, reason } }) as const;
const sell = (reservationId: string, paymentId: string) =>
  ({ type: 'SellSeat', data: { scheduleId, seatId, reservationId, paymentId } }) as const;

describe('Seat', () => {
  it('When naming a seat stream, then it joins schedule and seat under the seat category', () => {
    expect(seatStreamId('sched-1', 'A-12')).to.equal('seat-sched-1.A-12');
  });

  describe('HoldSeat', () => {
    it('When the seat is available, then it is held with its hold deadline', () => {
      given([])
        .when(hold('r1'))
        .then([held('r1')]);
    });

    it('When the seat is held by another reservation, then it is unavailable', () => {
      given([held('r1')])
        .when(hold('r2'))
        .thenThrows(SeatUnavailableError, { seatIds: [seatId] });
    });

    it('When the seat is held by the same reservation, then holding it again is refused', () => {
      given([held('r1')])
        .when(hold('r1'))
        .thenThrows('seat-unavailable');
    });

    it('When the hold deadline has passed without a SeatReleased, then the seat is still unavailable (release rule)', () => {
      // The new hold's own deadline is a day past the old one: the old hold is long "over" by any clock.
      const later = new Date(holdExpiresAt.getTime() + 24 * 3600_000);
      given([held('r1')])
        .when(hold('r2', later))
        .thenThrows('seat-unavailable', { seatIds: [seatId] });
    });

    it('When the seat is sold, then it is unavailable', () => {
      given([held('r1'), sold('r1', 'p1')])
        .when(hold('r2'))
        .thenThrows('seat-unavailable');
    });

    it('When the seat was released, then it can be held again', () => {
      given([held('r1'), released('r1')])
        .when(hold('r2'))
        .then([held('r2')]);
    });

    it('When the seat id is not a short label, then the hold is refused as invalid', () => {
      spec(seatDecider)
        .given([])
        .when({ type: 'HoldSeat', data: { scheduleId, seatId: 'A 12.x', reservationId: 'r1', holdExpiresAt } })
        .thenThrows('validation');
    });

    it('When the hold deadline is an invalid date, then the hold is refused as invalid', () => {
      given([])
        .when(hold('r1', new Date('nope')))
        .thenThrows('validation');
    });
  });

  describe('ReleaseSeat', () => {
    for (const reason of ['cancelled', 'expired', 'hold-failed'] as const) {
      it(`When the holding reservation releases it (${reason}), then the seat is released with that reason`, () => {
        given([held('r1')])
          .when(release('r1', reason))
          .then([released('r1', reason)]);
      });
    }

    it("When another reservation releases it, then nothing happens (never free someone else's hold)", () => {
      given([held('r1')])
        .when(release('r2'))
        .thenNothing();
    });

    it('When the seat is already released, then releasing again does nothing', () => {
      given([held('r1'), released('r1')])
        .when(release('r1'))
        .thenNothing();
    });

    it('When the seat is available, then releasing does nothing', () => {
      given([]).when(release('r1')).thenNothing();
    });

    it('When the seat is sold, then even its buyer cannot release it', () => {
      given([held('r1'), sold('r1', 'p1')])
        .when(release('r1', 'cancelled'))
        .thenNothing();
    });

    it('When a stray SeatReleased follows a sale, then the seat stays sold', () => {
      given([held('r1'), sold('r1', 'p1'), released('r1')])
        .when(hold('r2'))
        .thenThrows('seat-unavailable');
    });
  });

  describe('SellSeat', () => {
    it('When the seat is held by the paying reservation, then it is sold', () => {
      given([held('r1')])
        .when(sell('r1', 'p1'))
        .then([sold('r1', 'p1')]);
    });

    it('When the hold deadline has passed but the hold was never released, then it can still be sold', () => {
      given([held('r1', new Date('2000-01-01T00:00:00.000Z'))])
        .when(sell('r1', 'p1'))
        .then([sold('r1', 'p1')]);
    });

    it('When the seat is already sold to the same reservation and payment, then the retry does nothing', () => {
      given([held('r1'), sold('r1', 'p1')])
        .when(sell('r1', 'p1'))
        .thenNothing();
    });

    it('When the seat is sold by another payment, then the sale is refused', () => {
      given([held('r1'), sold('r1', 'p1')])
        .when(sell('r1', 'p2'))
        .thenThrows(SeatNotHeldError);
    });

    it('When the seat is held by another reservation, then the sale is refused', () => {
      given([held('r1')])
        .when(sell('r2', 'p1'))
        .thenThrows('seat-not-held', { seatIds: [seatId], reservationId: 'r2' });
    });

    it('When the seat is available, then the sale is refused', () => {
      given([]).when(sell('r1', 'p1')).thenThrows('seat-not-held');
    });

    it('When the hold was released, then the sale is refused', () => {
      given([held('r1'), released('r1')])
        .when(sell('r1', 'p1'))
        .thenThrows('seat-not-held');
    });
  });
});
