import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { entityIdSchema } from '../value-schemas.js';

export const concertCreatedDataSchema = z.object({
  concertId: entityIdSchema,
  title: z.string().trim().min(1).max(200),
  venue: z.string().trim().min(1).max(200),
});

export const salesOpenedDataSchema = z.object({
  concertId: entityIdSchema,
  openedAt: instantSchema,
});

export type ConcertCreated = Event<'ConcertCreated', z.infer<typeof concertCreatedDataSchema>>;
export type SalesOpened = Event<'SalesOpened', z.infer<typeof salesOpenedDataSchema>>;

/** Schedules are an aggregate of their own: see ../schedule. */
export type ConcertEvent = ConcertCreated | SalesOpened;
