import { ConcertNotFoundError } from '../concert/errors.js';
import { validate } from '../validation.js';
import type { AddSchedule, ScheduleCommand } from './commands.js';
import { ScheduleExistsError } from './errors.js';
import { scheduleAddedDataSchema, type ScheduleAdded, type ScheduleEvent } from './events.js';
import type { ScheduleState } from './state.js';

export function addSchedule(command: AddSchedule, state: ScheduleState): ScheduleAdded[] {
  const { concertId, scheduleId, startsAt, seats, concertExists } = command.data;
  const data = validate(scheduleAddedDataSchema, { concertId, scheduleId, startsAt, seats }, 'schedule');
  if (!concertExists) throw new ConcertNotFoundError(concertId);
  if (state.status !== 'Empty') throw new ScheduleExistsError(scheduleId);
  return [{ type: 'ScheduleAdded', data }];
}

export function decide(command: ScheduleCommand, state: ScheduleState): ScheduleEvent[] {
  switch (command.type) {
    case 'AddSchedule':
      return addSchedule(command, state);
    default: {
      const unknown: never = command.type;
      throw new Error(`Unknown schedule command ${JSON.stringify(unknown)}`);
    }
  }
}
