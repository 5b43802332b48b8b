import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { amountSchema, entityIdSchema, hasNoDuplicates, seatIdSchema } from '../value-schemas.js';

export const MAX_SEATS_PER_SCHEDULE = 5000;

export const concertCreatedDataSchema = z.object({
  concertId: entityIdSchema,
  title: z.string().trim().min(1).max(200),
  venue: z.string().trim().min(1).max(200),
});

export const scheduleSeatSchema = z.object({
  seatId: seatIdSchema,
  grade: z.string().trim().min(1).max(32),
  price: amountSchema,
});

export const scheduleAddedDataSchema = z.object({
  concertId: entityIdSchema,
  scheduleId: entityIdSchema,
  startsAt: instantSchema,
  seats: z
    .array(scheduleSeatSchema)
    .min(1)
    .max(MAX_SEATS_PER_SCHEDULE)
    .refine((seats) => hasNoDuplicates(seats.map((seat) => seat.seatId)), 'seat ids must be distinct'),
});

export const salesOpenedDataSchema = z.object({
  concertId: entityIdSchema,
  openedAt: instantSchema,
});

export type ScheduleSeat = z.infer<typeof scheduleSeatSchema>;

export type ConcertCreated = Event<'ConcertCreated', z.infer<typeof concertCreatedDataSchema>>;
export type ScheduleAdded = Event<'ScheduleAdded', z.infer<typeof scheduleAddedDataSchema>>;
export type SalesOpened = Event<'SalesOpened', z.infer<typeof salesOpenedDataSchema>>;

export type ConcertEvent = ConcertCreated | ScheduleAdded | SalesOpened;
