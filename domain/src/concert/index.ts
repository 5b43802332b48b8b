import type { Decider } from '../decider.js';
import type { ConcertCommand } from './commands.js';
import { decide } from './decide.js';
import type { ConcertEvent } from './events.js';
import { evolve, initialState, type ConcertState } from './state.js';

export const concertDecider: Decider<ConcertCommand, ConcertEvent, ConcertState> = { decide, evolve, initialState };

export type { AddSchedule, ConcertCommand, CreateConcert, OpenSales } from './commands.js';
export {
  MAX_SEATS_PER_SCHEDULE,
  concertCreatedDataSchema,
  salesOpenedDataSchema,
  scheduleAddedDataSchema,
  scheduleSeatSchema,
  type ConcertCreated,
  type ConcertEvent,
  type SalesOpened,
  type ScheduleAdded,
  type ScheduleSeat,
} from './events.js';
export {
  ConcertExistsError,
  ConcertNotFoundError,
  ScheduleExistsError,
  ScheduleNotFoundError,
  SeatNotFoundError,
} from './errors.js';
export { findScheduleSeat, priceSeats, type PricedSeats } from './seat-pricing.js';
export type { Concert, ConcertState, NoConcert, Schedule } from './state.js';
export { concertStreamCategory, concertStreamId } from './stream.js';
