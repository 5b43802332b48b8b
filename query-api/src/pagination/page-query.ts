import { z } from 'zod';
import { decodeCursor } from './cursor.js';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** `?limit=1..100&cursor=<from X-Next-Cursor>` of the paginated lists; anything else is a 400. */
export const pageQuerySchema = z
  .object({
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'expected an integer from 1 to 100')
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_PAGE_LIMIT))
      .default(DEFAULT_PAGE_LIMIT),
    cursor: z
      .string()
      .transform((text, ctx) => {
        const cursor = decodeCursor(text);
        if (cursor === undefined) {
          ctx.addIssue({ code: 'custom', message: 'expected the value of X-Next-Cursor from the previous page' });
          return z.NEVER;
        }
        return cursor;
      })
      .optional(),
  })
  .strict();
