import { z } from 'zod';

/** RFC 9457 problem details as every service answers them; `code` is what clients branch on. */
export const problemResponse = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
  })
  .catchall(z.unknown());
