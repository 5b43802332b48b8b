import {
  amountSchema,
  entityIdSchema,
  hasNoDuplicates,
  instantSchema,
  MAX_SEATS_PER_SCHEDULE,
  scheduleSeatSchema,
  seatIdSchema,
} from '@concert/domain';
import { z } from 'zod';

/** POST /admin/concerts */
export const createConcertBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    venue: z.string().trim().min(1).max(200),
  })
  .strict();

/** POST /admin/concerts/{concertId}/schedules */
export const addScheduleBody = z
  .object({
    startsAt: instantSchema,
    seats: z
      .array(scheduleSeatSchema.strict())
      .min(1)
      .max(MAX_SEATS_PER_SCHEDULE)
      .refine((seats) => hasNoDuplicates(seats.map((s) => s.seatId)), 'seat ids must be distinct'),
  })
  .strict();

/** A seat map of 5,000 seats is about 250 KiB of JSON: this route alone gets a larger body limit. */
export const ADD_SCHEDULE_BODY_LIMIT_BYTES = 1024 * 1024;
// Case-insensitive, as express matches routes.
export const ADD_SCHEDULE_PATH = /^\/admin\/concerts\/[^/]+\/schedules\/?$/i;

export const concertIdParams = z.object({ concertId: entityIdSchema });
export const scheduleIdParams = z.object({ scheduleId: entityIdSchema });

/** GET /concerts/{concertId}/schedules[?all=true]: without `all`, only dates with seats left. */
export const listSchedulesQuery = z
  .object({
    all: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .default(false),
  })
  .strict();

export const concertCreatedResponse = z.object({ concertId: entityIdSchema });
export const scheduleAddedResponse = z.object({ scheduleId: entityIdSchema });

export const concertView = z.object({ concertId: entityIdSchema, title: z.string(), venue: z.string() });

export const scheduleView = z.object({
  scheduleId: entityIdSchema,
  startsAt: instantSchema,
  totalSeats: z.number().int().nonnegative(),
  availableSeats: z.number().int().nonnegative(),
});

export const seatView = z.object({
  seatId: seatIdSchema,
  grade: z.string(),
  price: amountSchema,
  status: z.enum(['AVAILABLE', 'HELD', 'SOLD']),
});
