import { amountSchema, entityIdSchema } from '@concert/domain';
import { z } from 'zod';

/** POST /payments */
export const payBody = z.object({ reservationId: entityIdSchema }).strict();

export const paymentIdParams = z.object({ paymentId: entityIdSchema });

/** POST /payments answers COMPLETED; GET /payments/{paymentId} any state of the process. */
export const paymentView = z.object({
  paymentId: entityIdSchema,
  reservationId: entityIdSchema,
  status: z.enum(['REQUESTED', 'COMPLETED', 'FAILED', 'REFUNDED']),
  amount: amountSchema,
});
