import { expect } from 'chai';
import {
  ForbiddenError,
  foldState,
  payableReservation,
  planHold,
  reservationDecider,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationNotHeldError,
  ValidationError,
  type ReservationEvent,
} from '../src/index.js';

const reservationId = 'res-1';
const userId = 'user-1';
const request = { reservationId, userId, scheduleId: 'sched-1', seatIds: ['A-1', 'A-2'], amount: 210 };
const now = new Date('2030-01-01T10:00:00.000Z');

const held: ReservationEvent = {
  type: 'ReservationHeld',
  data: { ...request, expiresAt: '2030-01-01T10:05:00.000Z' },
};
const stateOf = (...events: ReservationEvent[]) => foldState(reservationDecider, events);

describe('The hold policy (planHold)', () => {
  it('When a hold is planned at now for a duration, Then its deadline is now + the duration', () => {
    const command = planHold(request, now, 300_000);
    expect(command).to.deep.equal({
      type: 'PlaceHold',
      data: { ...request, expiresAt: new Date('2030-01-01T10:05:00.000Z') },
    });
  });

  for (const [what, bad] of [
    ['an amount out of range', { amount: -1 }],
    ['a bad user id', { userId: '' }],
  ] as const) {
    it(`When the request has ${what}, Then it is refused before any seat is touched`, () => {
      expect(() => planHold({ ...request, ...bad }, now, 300_000)).to.throw(ValidationError);
    });
  }
});

describe('Which reservation a payment may be opened for (payableReservation)', () => {
  it('Given the caller holds it before the deadline, When checked, Then it is payable', () => {
    expect(payableReservation(stateOf(held), { reservationId, userId, now })).to.include({
      status: 'Held',
      amount: 210,
    });
  });

  const refusals: Array<
    [string, ReservationEvent[], { userId?: string; now?: Date }, new (...args: never[]) => Error]
  > = [
    ['no reservation', [], {}, ReservationNotFoundError],
    ["another user's reservation", [held], { userId: 'someone-else' }, ForbiddenError],
    ['the deadline itself', [held], { now: new Date('2030-01-01T10:05:00.000Z') }, ReservationExpiredError],
    [
      'an expired reservation',
      [
        held,
        {
          type: 'ReservationExpired',
          data: {
            reservationId,
            scheduleId: 'sched-1',
            seatIds: ['A-1', 'A-2'],
            expiredAt: '2030-01-01T10:05:00.000Z',
          },
        },
      ],
      {},
      ReservationExpiredError,
    ],
    [
      'a cancelled reservation',
      [
        held,
        {
          type: 'ReservationCancelled',
          data: {
            reservationId,
            userId,
            scheduleId: 'sched-1',
            seatIds: ['A-1', 'A-2'],
            cancelledAt: '2030-01-01T10:01:00.000Z',
          },
        },
      ],
      {},
      ReservationNotHeldError,
    ],
  ];
  for (const [given, events, overrides, error] of refusals) {
    it(`Given ${given}, When checked, Then it is refused with ${error.name}`, () => {
      expect(() => payableReservation(stateOf(...events), { reservationId, userId, now, ...overrides })).to.throw(
        error,
      );
    });
  }

  it("Given another user's expired reservation, When checked, Then ownership is refused first (a stranger learns nothing)", () => {
    const expired: ReservationEvent = {
      type: 'ReservationExpired',
      data: { reservationId, scheduleId: 'sched-1', seatIds: [], expiredAt: '2030-01-01T10:05:00.000Z' },
    };
    expect(() => payableReservation(stateOf(held, expired), { reservationId, userId: 'someone-else', now })).to.throw(
      ForbiddenError,
    );
  });
});
