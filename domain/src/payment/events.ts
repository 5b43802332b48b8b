import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { amountSchema, entityIdSchema, userIdSchema } from '../value-schemas.js';

/** Failure reasons mirror the refusals of the steps a payment runs through. */
export const paymentFailureReasonSchema = z.enum(['reservation-expired', 'reservation-not-held', 'insufficient-funds']);
export type PaymentFailureReason = z.infer<typeof paymentFailureReasonSchema>;

const paymentKey = { reservationId: entityIdSchema, paymentId: entityIdSchema };

export const paymentRequestedDataSchema = z.object({
  ...paymentKey,
  userId: userIdSchema,
  amount: amountSchema,
  requestedAt: instantSchema,
});

export const paymentCompletedDataSchema = z.object({ ...paymentKey, completedAt: instantSchema });

export const paymentFailedDataSchema = z.object({
  ...paymentKey,
  reason: paymentFailureReasonSchema,
  failedAt: instantSchema,
});

export const paymentRefundedDataSchema = z.object({
  ...paymentKey,
  amount: amountSchema,
  refundedAt: instantSchema,
});

export type PaymentRequested = Event<'PaymentRequested', z.infer<typeof paymentRequestedDataSchema>>;
export type PaymentCompleted = Event<'PaymentCompleted', z.infer<typeof paymentCompletedDataSchema>>;
export type PaymentFailed = Event<'PaymentFailed', z.infer<typeof paymentFailedDataSchema>>;
export type PaymentRefunded = Event<'PaymentRefunded', z.infer<typeof paymentRefundedDataSchema>>;

export type PaymentEvent = PaymentRequested | PaymentCompleted | PaymentFailed | PaymentRefunded;
