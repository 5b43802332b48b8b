import type { ScheduleEvent, ScheduleSeat } from './events.js';

export interface NoSchedule {
  readonly status: 'Empty';
}

export interface Schedule {
  readonly status: 'Added';
  readonly concertId: string;
  readonly scheduleId: string;
  readonly startsAt: string;
  readonly seats: ReadonlyMap<string, ScheduleSeat>;
}

export type ScheduleState = NoSchedule | Schedule;

export const initialState = (): ScheduleState => ({ status: 'Empty' });

export function evolve(state: ScheduleState, event: ScheduleEvent): ScheduleState {
  switch (event.type) {
    case 'ScheduleAdded': {
      const { concertId, scheduleId, startsAt, seats } = event.data;
      return {
        status: 'Added',
        concertId,
        scheduleId,
        startsAt,
        seats: new Map(seats.map((seat) => [seat.seatId, seat])),
      };
    }
    default:
      return state;
  }
}
