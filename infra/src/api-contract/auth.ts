import { userIdSchema } from '@concert/domain';
import { z } from 'zod';

/** The services' own role (timeouts, recovery): never minted for whoever asks the development login. */
const SERVICE_ROLE = 'system';

/** POST /auth/token (development login only): a user's roles, `admin` at most. */
export const devTokenBody = z
  .object({
    userId: userIdSchema,
    roles: z
      .array(
        z
          .string()
          .min(1)
          .max(32)
          .refine((role) => role.toLowerCase() !== SERVICE_ROLE, {
            message: `the ${SERVICE_ROLE} role belongs to the services and is not minted here`,
          }),
      )
      .max(8)
      .default([]),
  })
  .strict();

export const devTokenResponse = z.object({
  accessToken: z.string(),
  /** Seconds until the token expires. */
  expiresIn: z.number().int().positive(),
});
