import { z } from 'zod';

/**
 * For endpoints without query parameters: an unknown one is a 400 naming it, because a typo
 * such as `?al=true` silently ignored looks like a server bug to the client.
 */
export const noQuerySchema = z.object({}).strict();
