import { expect } from 'chai';
import {
  ConcertNotFoundError,
  MAX_SEATS_PER_SCHEDULE,
  ScheduleNotFoundError,
  SeatNotFoundError,
  concertDecider,
  concertStreamId,
  findScheduleSeat,
  foldState,
  priceSeats,
  type ConcertEvent,
  type ScheduleSeat,
} from '../src/index.js';
import { spec } from './decider-specification.js';

const concertId = 'concert-1';
const scheduleId = 'sched-1';
const startsAt = '2030-03-01T19:00:00.000Z';
const now = new Date('2030-01-01T10:00:00.000Z');
const seats: ScheduleSeat[] = [
  { seatId: 'A-1', grade: 'VIP', price: 150000 },
  { seatId: 'A-2', grade: 'VIP', price: 150000 },
  { seatId: 'B-1', grade: 'R', price: 99000 },
];

const given = spec(concertDecider).given;

const created: ConcertEvent = { type: 'ConcertCreated', data: { concertId, title: 'Spring Tour', venue: 'Olympic Hall' } };
const scheduleAdded: ConcertEvent = { type: 'ScheduleAdded', data: { concertId, scheduleId, startsAt, seats } };
const salesOpened: ConcertEvent = { type: 'SalesOpened', data: { concertId, openedAt: now.toISOString() } };

const create = { type: 'CreateConcert', data: { concertId, title: 'Spring Tour', venue: 'Olympic Hall' } } as const;
const addSchedule = (overrides: { scheduleId?: string; startsAt?: string; seats?: ScheduleSeat[] } = {}) =>
  ({ type: 'AddSchedule', data: { concertId, scheduleId, startsAt, seats, ...overrides } }) as const;
const openSales = { type: 'OpenSales', data: { concertId, now } } as const;

describe('Concert', () => {
  it('When naming a concert stream, then it is the concert category and id', () => {
    expect(concertStreamId('c1')).to.equal('concert-c1');
  });

  describe('CreateConcert', () => {
    it('When the concert does not exist, then it is created', () => {
      given([]).when(create).then([created]);
    });

    it('When the concert exists, then creating it again is refused', () => {
      given([created]).when(create).thenThrows('concert-exists', { concertId });
    });

    it('When the title is blank, then the concert is invalid', () => {
      given([])
        .when({ type: 'CreateConcert', data: { concertId, title: '  ', venue: 'Hall' } })
        .thenThrows('validation');
    });
  });

  describe('AddSchedule', () => {
    it('When the concert exists, then the schedule is added with its seat map', () => {
      given([created]).when(addSchedule()).then([scheduleAdded]);
    });

    it('When the concert does not exist, then it is not found', () => {
      given([]).when(addSchedule()).thenThrows(ConcertNotFoundError);
    });

    it('When the schedule id is already present, then it is refused', () => {
      given([created, scheduleAdded]).when(addSchedule()).thenThrows('schedule-exists', { scheduleId });
    });

    it('When the seat map is empty, then the schedule is invalid', () => {
      given([created]).when(addSchedule({ seats: [] })).thenThrows('validation');
    });

    it(`When the seat map has ${MAX_SEATS_PER_SCHEDULE} seats, then the schedule is added`, () => {
      const many = Array.from({ length: MAX_SEATS_PER_SCHEDULE }, (_, i) => ({ seatId: `S-${i}`, grade: 'S', price: 1 }));
      given([created])
        .when(addSchedule({ seats: many }))
        .then([{ type: 'ScheduleAdded', data: { concertId, scheduleId, startsAt, seats: many } }]);
    });

    it(`When the seat map has more than ${MAX_SEATS_PER_SCHEDULE} seats, then the schedule is invalid`, () => {
      const many = Array.from({ length: MAX_SEATS_PER_SCHEDULE + 1 }, (_, i) => ({ seatId: `S-${i}`, grade: 'S', price: 1 }));
      given([created]).when(addSchedule({ seats: many })).thenThrows('validation');
    });

    it('When a seat id appears twice, then the schedule is invalid', () => {
      given([created])
        .when(addSchedule({ seats: [seats[0]!, { ...seats[0]!, grade: 'R' }] }))
        .thenThrows('validation');
    });

    for (const [label, price] of [
      ['negative', -1],
      ['fractional', 10.5],
    ] as const) {
      it(`When a price is ${label}, then the schedule is invalid`, () => {
        given([created]).when(addSchedule({ seats: [{ seatId: 'A-1', grade: 'R', price }] })).thenThrows('validation');
      });
    }

    it('When a seat is free (price zero), then the schedule is added', () => {
      const free = [{ seatId: 'Z-1', grade: 'Guest', price: 0 }];
      given([created])
        .when(addSchedule({ seats: free }))
        .then([{ type: 'ScheduleAdded', data: { concertId, scheduleId, startsAt, seats: free } }]);
    });

    for (const seatId of ['A.12', 'A 12', '', 'A-12-B-34-C-56-D-78']) {
      it(`When a seat id is ${JSON.stringify(seatId)}, then the schedule is invalid`, () => {
        given([created]).when(addSchedule({ seats: [{ seatId, grade: 'R', price: 1 }] })).thenThrows('validation');
      });
    }

    it('When the start is not an ISO instant, then the schedule is invalid', () => {
      given([created]).when(addSchedule({ startsAt: 'next friday' })).thenThrows('validation');
    });
  });

  describe('OpenSales', () => {
    it('When the concert exists, then sales open', () => {
      given([created, scheduleAdded]).when(openSales).then([salesOpened]);
    });

    it('When sales are already open, then nothing happens', () => {
      given([created, salesOpened]).when(openSales).thenNothing();
    });

    it('When the concert does not exist, then it is not found', () => {
      given([]).when(openSales).thenThrows('concert-not-found');
    });
  });

  describe('Seat lookup and pricing', () => {
    const state = foldState(concertDecider, [created, scheduleAdded]);

    it('When a seat of a schedule is looked up, then its grade and price are found', () => {
      expect(findScheduleSeat(state, scheduleId, 'B-1')).to.deep.equal({ seatId: 'B-1', grade: 'R', price: 99000 });
      expect(findScheduleSeat(state, scheduleId, 'Z-9')).to.equal(undefined);
      expect(findScheduleSeat(state, 'other', 'B-1')).to.equal(undefined);
    });

    it('When seats are priced, then the amount is the sum of their catalog prices', () => {
      expect(priceSeats(state, concertId, scheduleId, ['A-1', 'B-1'])).to.deep.equal({
        seats: [seats[0], seats[2]],
        amount: 249000,
      });
    });

    it('When some seats do not exist, then all missing seats are named', () => {
      expect(() => priceSeats(state, concertId, scheduleId, ['A-1', 'X-1', 'X-2']))
        .to.throw(SeatNotFoundError)
        .with.property('details')
        .that.deep.equals({ scheduleId, seatIds: ['X-1', 'X-2'] });
    });

    it('When the schedule does not exist, then it is not found', () => {
      expect(() => priceSeats(state, concertId, 'other', ['A-1'])).to.throw(ScheduleNotFoundError);
    });

    it('When the concert does not exist, then it is not found', () => {
      expect(() => priceSeats(concertDecider.initialState(), concertId, scheduleId, ['A-1'])).to.throw(
        ConcertNotFoundError,
      );
    });
  });
});
