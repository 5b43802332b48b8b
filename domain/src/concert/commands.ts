import type { Command } from '../decider.js';
import type { ScheduleSeat } from './events.js';

export type CreateConcert = Command<'CreateConcert', { concertId: string; title: string; venue: string }>;

export type AddSchedule = Command<
  'AddSchedule',
  { concertId: string; scheduleId: string; startsAt: string; seats: readonly ScheduleSeat[] }
>;

export type OpenSales = Command<'OpenSales', { concertId: string; now: Date }>;

export type ConcertCommand = CreateConcert | AddSchedule | OpenSales;
