import type { Decider } from '../decider.js';
import type { ScheduleCommand } from './commands.js';
import { decide } from './decide.js';
import type { ScheduleEvent } from './events.js';
import { evolve, initialState, type ScheduleState } from './state.js';

export const scheduleDecider: Decider<ScheduleCommand, ScheduleEvent, ScheduleState> = { decide, evolve, initialState };

export type { AddSchedule, ScheduleCommand } from './commands.js';
export {
  MAX_SEATS_PER_SCHEDULE,
  scheduleAddedDataSchema,
  scheduleSeatSchema,
  type ScheduleAdded,
  type ScheduleEvent,
  type ScheduleSeat,
} from './events.js';
export { ScheduleExistsError, ScheduleNotFoundError, SeatNotFoundError } from './errors.js';
export { findScheduleSeat, priceSeats, type PricedSeats } from './seat-pricing.js';
export type { NoSchedule, Schedule, ScheduleState } from './state.js';
export { scheduleStreamCategory, scheduleStreamId } from './stream.js';
