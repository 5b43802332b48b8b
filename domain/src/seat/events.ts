import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { entityIdSchema, seatIdSchema } from '../value-schemas.js';

export const seatReleaseReasonSchema = z.enum(['cancelled', 'expired', 'hold-failed']);
export type SeatReleaseReason = z.infer<typeof seatReleaseReasonSchema>;

const seatKey = {
  scheduleId: entityIdSchema,
  seatId: seatIdSchema,
  reservationId: entityIdSchema,
};

export const seatHeldDataSchema = z.object({ ...seatKey, holdExpiresAt: instantSchema });

/** Version 2: adds `reason`. Version 1 is read through the upcaster in upcasters.ts. */
export const seatReleasedDataSchema = z.object({ ...seatKey, reason: seatReleaseReasonSchema });

export const seatSoldDataSchema = z.object({ ...seatKey, paymentId: entityIdSchema });

export type SeatHeld = Event<'SeatHeld', z.infer<typeof seatHeldDataSchema>>;
export type SeatReleased = Event<'SeatReleased', z.infer<typeof seatReleasedDataSchema>>;
export type SeatSold = Event<'SeatSold', z.infer<typeof seatSoldDataSchema>>;

export type SeatEvent = SeatHeld | SeatReleased | SeatSold;
