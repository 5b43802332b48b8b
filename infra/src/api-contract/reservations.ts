import {
  amountSchema,
  entityIdSchema,
  instantSchema,
  MAX_SEATS_PER_RESERVATION,
  seatIdListSchema,
  seatIdSchema,
} from '@concert/domain';
import { z } from 'zod';

/** POST /reservations */
export const holdSeatsBody = z
  .object({
    scheduleId: entityIdSchema,
    seatIds: seatIdListSchema(1, MAX_SEATS_PER_RESERVATION),
  })
  .strict();

/** POST /reservations/{reservationId}/cancel carries no fields (an empty object or no body). */
export const cancelReservationBody = z.object({}).strict();

export const reservationIdParams = z.object({ reservationId: entityIdSchema });

export const reservationHeldResponse = z.object({
  reservationId: entityIdSchema,
  status: z.literal('HELD'),
  scheduleId: entityIdSchema,
  seatIds: z.array(seatIdSchema),
  amount: amountSchema,
  expiresAt: instantSchema,
});
export type ReservationHeldResponse = z.infer<typeof reservationHeldResponse>;

export const reservationCancelledResponse = z.object({
  reservationId: entityIdSchema,
  status: z.literal('CANCELLED'),
});

/** GET /reservations/{reservationId}, and each item of GET /me/reservations. */
export const reservationView = z.object({
  reservationId: entityIdSchema,
  scheduleId: entityIdSchema.optional(),
  status: z.enum(['HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED']),
  seatIds: z.array(seatIdSchema),
  amount: amountSchema,
  expiresAt: instantSchema.nullable(),
  paymentId: entityIdSchema.optional(),
});
export type ReservationView = z.infer<typeof reservationView>;
export type ReservationStatus = ReservationView['status'];
