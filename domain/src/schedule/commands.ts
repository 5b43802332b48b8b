import type { Command } from '../decider.js';
import type { ScheduleSeat } from './events.js';

/**
 * `concertExists` is read by the command handler from the concert stream before deciding,
 * so that this decider stays on one stream. A concert is never deleted, so that read cannot
 * go stale in a way that matters.
 */
export type AddSchedule = Command<
  'AddSchedule',
  {
    concertId: string;
    scheduleId: string;
    startsAt: string;
    seats: readonly ScheduleSeat[];
    concertExists: boolean;
  }
>;

export type ScheduleCommand = AddSchedule;
