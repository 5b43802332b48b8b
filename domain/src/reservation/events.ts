import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { amountSchema, entityIdSchema, seatIdListSchema, seatIdSchema, userIdSchema } from '../value-schemas.js';

export const MAX_SEATS_PER_RESERVATION = 4;

export const reservationHeldDataSchema = z.object({
  reservationId: entityIdSchema,
  userId: userIdSchema,
  scheduleId: entityIdSchema,
  seatIds: seatIdListSchema(1, MAX_SEATS_PER_RESERVATION),
  amount: amountSchema,
  expiresAt: instantSchema,
});

/** Carries what was sold (schedule, seats, amount): sales statistics need nothing but this event. */
export const reservationConfirmedDataSchema = z.object({
  reservationId: entityIdSchema,
  paymentId: entityIdSchema,
  scheduleId: entityIdSchema,
  seatIds: z.array(seatIdSchema),
  amount: amountSchema,
  confirmedAt: instantSchema,
});

/** Carries the seats so that whoever releases them needs nothing but this event. */
export const reservationCancelledDataSchema = z.object({
  reservationId: entityIdSchema,
  userId: userIdSchema,
  scheduleId: entityIdSchema,
  seatIds: z.array(seatIdSchema),
  cancelledAt: instantSchema,
});

/**
 * `scheduleId` is null and `seatIds` empty when the saga expired a reservation that was never
 * held (a crash between SeatHeld and ReservationHeld): the saga then finds the seats through
 * their own SeatHeld events.
 */
export const reservationExpiredDataSchema = z.object({
  reservationId: entityIdSchema,
  scheduleId: entityIdSchema.nullable(),
  seatIds: z.array(seatIdSchema),
  expiredAt: instantSchema,
});

export type ReservationHeld = Event<'ReservationHeld', z.infer<typeof reservationHeldDataSchema>>;
export type ReservationConfirmed = Event<'ReservationConfirmed', z.infer<typeof reservationConfirmedDataSchema>>;
export type ReservationCancelled = Event<'ReservationCancelled', z.infer<typeof reservationCancelledDataSchema>>;
export type ReservationExpired = Event<'ReservationExpired', z.infer<typeof reservationExpiredDataSchema>>;

export type ReservationEvent = ReservationHeld | ReservationConfirmed | ReservationCancelled | ReservationExpired;
