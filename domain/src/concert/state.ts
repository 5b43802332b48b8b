import type { ConcertEvent, ScheduleSeat } from './events.js';

export interface Schedule {
  readonly scheduleId: string;
  readonly startsAt: string;
  readonly seats: ReadonlyMap<string, ScheduleSeat>;
}

export interface NoConcert {
  readonly status: 'Empty';
}

export interface Concert {
  readonly status: 'Created';
  readonly concertId: string;
  readonly title: string;
  readonly venue: string;
  readonly salesOpenedAt: string | null;
  readonly schedules: ReadonlyMap<string, Schedule>;
}

export type ConcertState = NoConcert | Concert;

export const initialState = (): ConcertState => ({ status: 'Empty' });

export function evolve(state: ConcertState, event: ConcertEvent): ConcertState {
  switch (event.type) {
    case 'ConcertCreated':
      return { status: 'Created', ...event.data, salesOpenedAt: null, schedules: new Map() };
    case 'ScheduleAdded': {
      if (state.status !== 'Created') return state;
      const { scheduleId, startsAt, seats } = event.data;
      const schedule: Schedule = {
        scheduleId,
        startsAt,
        seats: new Map(seats.map((seat) => [seat.seatId, seat])),
      };
      return { ...state, schedules: new Map(state.schedules).set(scheduleId, schedule) };
    }
    case 'SalesOpened':
      if (state.status !== 'Created') return state;
      return { ...state, salesOpenedAt: event.data.openedAt };
    default:
      return state;
  }
}
