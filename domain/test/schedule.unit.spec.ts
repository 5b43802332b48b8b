import { expect } from 'chai';
import {
  ConcertNotFoundError,
  MAX_SEATS_PER_SCHEDULE,
  ScheduleNotFoundError,
  SeatNotFoundError,
  findScheduleSeat,
  foldState,
  priceSeats,
  scheduleDecider,
  scheduleStreamId,
  type ScheduleEvent,
  type ScheduleSeat,
} from '../src/index.js';
import { spec } from './decider-specification.js';

const concertId = 'concert-1';
const scheduleId = 'sched-1';
const startsAt = '2030-03-01T19:00:00.000Z';
const seats: ScheduleSeat[] = [
  { seatId: 'A-1', grade: 'VIP', price: 150000 },
  { seatId: 'A-2', grade: 'VIP', price: 150000 },
  { seatId: 'B-1', grade: 'R', price: 99000 },
];

const given = spec(scheduleDecider).given;

const scheduleAdded: ScheduleEvent = { type: 'ScheduleAdded', data: { concertId, scheduleId, startsAt, seats } };

const addSchedule = (overrides: { startsAt?: string; seats?: ScheduleSeat[]; concertExists?: boolean } = {}) =>
  ({
    type: 'AddSchedule',
    data: { concertId, scheduleId, startsAt, seats, concertExists: true, ...overrides },
  }) as const;

describe('Schedule', () => {
  it('When naming a schedule stream, then it is the schedule category and id', () => {
    expect(scheduleStreamId('s1')).to.equal('schedule-s1');
  });

  describe('AddSchedule', () => {
    it('When the concert exists, then the schedule is added with its seat map', () => {
      given([]).when(addSchedule()).then([scheduleAdded]);
    });

    it('When the concert does not exist, then it is not found', () => {
      given([])
        .when(addSchedule({ concertExists: false }))
        .thenThrows(ConcertNotFoundError, { concertId });
    });

    it('When the schedule was already added, then it is refused', () => {
      given([scheduleAdded]).when(addSchedule()).thenThrows('schedule-exists', { scheduleId });
    });

    it('When the seat map is empty, then the schedule is invalid', () => {
      given([])
        .when(addSchedule({ seats: [] }))
        .thenThrows('validation');
    });

    it(`When the seat map has ${MAX_SEATS_PER_SCHEDULE} seats, then the schedule is added`, () => {
      const many = Array.from({ length: MAX_SEATS_PER_SCHEDULE }, (_, i) => ({
        seatId: `S-${i}`,
        grade: 'S',
        price: 1,
      }));
      given([])
        .when(addSchedule({ seats: many }))
        .then([{ type: 'ScheduleAdded', data: { concertId, scheduleId, startsAt, seats: many } }]);
    });

    it(`When the seat map has more than ${MAX_SEATS_PER_SCHEDULE} seats, then the schedule is invalid`, () => {
      const many = Array.from({ length: MAX_SEATS_PER_SCHEDULE + 1 }, (_, i) => ({
        seatId: `S-${i}`,
        grade: 'S',
        price: 1,
      }));
      given([])
        .when(addSchedule({ seats: many }))
        .thenThrows('validation');
    });

    it('When a seat id appears twice, then the schedule is invalid', () => {
      given([])
        .when(addSchedule({ seats: [seats[0]!, { ...seats[0]!, grade: 'R' }] }))
        .thenThrows('validation');
    });

    for (const [label, price] of [
      ['negative', -1],
      ['fractional', 10.5],
    ] as const) {
      it(`When a price is ${label}, then the schedule is invalid`, () => {
        given([])
          .when(addSchedule({ seats: [{ seatId: 'A-1', grade: 'R', price }] }))
          .thenThrows('validation');
      });
    }

    it('When a seat is free (price zero), then the schedule is added', () => {
      const free = [{ seatId: 'Z-1', grade: 'Guest', price: 0 }];
      given([])
        .when(addSchedule({ seats: free }))
        .then([{ type: 'ScheduleAdded', data: { concertId, scheduleId, startsAt, seats: free } }]);
    });

    for (const seatId of ['A.12', 'A 12', '', 'A-12-B-34-C-56-D-78']) {
      it(`When a seat id is ${JSON.stringify(seatId)}, then the schedule is invalid`, () => {
        given([])
          .when(addSchedule({ seats: [{ seatId, grade: 'R', price: 1 }] }))
          .thenThrows('validation');
      });
    }

    it('When the start is not an ISO instant, then the schedule is invalid', () => {
      given([])
        .when(addSchedule({ startsAt: 'next friday' }))
        .thenThrows('validation');
    });
  });

  describe('State', () => {
    it('When a schedule is added, then its state holds the concert, start and seat map by seat id', () => {
      const state = foldState(scheduleDecider, [scheduleAdded]);
      expect(state.status).to.equal('Added');
      if (state.status !== 'Added') return;
      expect({ concertId: state.concertId, scheduleId: state.scheduleId, startsAt: state.startsAt }).to.deep.equal({
        concertId,
        scheduleId,
        startsAt,
      });
      expect([...state.seats.keys()]).to.deep.equal(['A-1', 'A-2', 'B-1']);
    });
  });

  describe('Seat lookup and pricing', () => {
    const state = foldState(scheduleDecider, [scheduleAdded]);

    it('When a seat of the schedule is looked up, then its grade and price are found', () => {
      expect(findScheduleSeat(state, 'B-1')).to.deep.equal({ seatId: 'B-1', grade: 'R', price: 99000 });
      expect(findScheduleSeat(state, 'Z-9')).to.equal(undefined);
      expect(findScheduleSeat(scheduleDecider.initialState(), 'B-1')).to.equal(undefined);
    });

    it('When seats are priced, then the amount is the sum of their catalog prices', () => {
      expect(priceSeats(state, scheduleId, ['A-1', 'B-1'])).to.deep.equal({
        seats: [seats[0], seats[2]],
        amount: 249000,
      });
    });

    it('When some seats do not exist, then all missing seats are named', () => {
      expect(() => priceSeats(state, scheduleId, ['A-1', 'X-1', 'X-2']))
        .to.throw(SeatNotFoundError)
        .with.property('details')
        .that.deep.equals({ scheduleId, seatIds: ['X-1', 'X-2'] });
    });

    it('When the schedule stream is empty, then the schedule is not found', () => {
      expect(() => priceSeats(scheduleDecider.initialState(), scheduleId, ['A-1']))
        .to.throw(ScheduleNotFoundError)
        .with.property('details')
        .that.deep.equals({ scheduleId });
    });

    it('When the state is of another schedule, then the schedule asked for is not found', () => {
      expect(() => priceSeats(state, 'other', ['A-1'])).to.throw(ScheduleNotFoundError);
    });
  });
});
