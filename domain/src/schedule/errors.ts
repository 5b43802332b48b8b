import { DomainError } from '../domain-error.js';

export class ScheduleExistsError extends DomainError {
  constructor(scheduleId: string) {
    super('schedule-exists', `Schedule ${scheduleId} already exists`, { scheduleId });
  }
}

export class ScheduleNotFoundError extends DomainError {
  constructor(scheduleId: string) {
    super('schedule-not-found', `Schedule ${scheduleId} does not exist`, { scheduleId });
  }
}

export class SeatNotFoundError extends DomainError {
  constructor(scheduleId: string, seatIds: readonly string[]) {
    super('seat-not-found', `Schedule ${scheduleId} has no seat ${seatIds.join(', ')}`, { scheduleId, seatIds });
  }
}
