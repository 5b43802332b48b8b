import { entityIdSchema, instantSchema } from '@concert/domain';
import { z } from 'zod';

/** POST /queue/entries: enter the waiting room of a concert. */
export const queueEntryBody = z.object({ concertId: entityIdSchema }).strict();

export const queueEntryIdParams = z.object({ entryId: z.string().min(1).max(128) });

/** 202 of POST /queue/entries and 200 of GET /queue/entries/{entryId}. */
export const queueEntryView = z.object({
  entryId: z.string().optional(),
  /** EXPIRED: the admission window lapsed; COMPLETED: a purchase ended the session, or the fan left. Entering again after either gives a new entry at the back. */
  status: z.enum(['WAITING', 'ADMITTED', 'EXPIRED', 'COMPLETED']),
  position: z.number().int().nonnegative(),
  /** Users admitted or waiting before this one (status only). */
  peopleAhead: z.number().int().nonnegative().optional(),
  estimatedWaitSeconds: z.number().nonnegative(),
  queueToken: z.string().optional(),
  expiresAt: instantSchema.optional(),
});
