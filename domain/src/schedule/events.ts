import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { amountSchema, entityIdSchema, hasNoDuplicates, seatIdSchema } from '../value-schemas.js';

export const MAX_SEATS_PER_SCHEDULE = 5000;

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

export type ScheduleSeat = z.infer<typeof scheduleSeatSchema>;

export type ScheduleAdded = Event<'ScheduleAdded', z.infer<typeof scheduleAddedDataSchema>>;

export type ScheduleEvent = ScheduleAdded;
