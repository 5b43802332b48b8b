import { userIdSchema } from '@concert/domain';
import { z } from 'zod';

/** POST /auth/token (development login only). */
export const devTokenBody = z
  .object({
    userId: userIdSchema,
    roles: z.array(z.string().min(1).max(32)).max(8).default([]),
  })
  .strict();

export const devTokenResponse = z.object({
  accessToken: z.string(),
  /** Seconds until the token expires. */
  expiresIn: z.number().int().positive(),
});
