import { z } from 'zod';
import { defineUpcaster } from '../events/upcaster.js';
import { entityIdSchema, seatIdSchema } from '../value-schemas.js';
import type { SeatReleased } from './events.js';

export const seatReleasedV1DataSchema = z.object({
  scheduleId: entityIdSchema,
  seatId: seatIdSchema,
  reservationId: entityIdSchema,
});

/**
 * SeatReleased v1 was written before users could cancel a hold, when the expiry saga was
 * the only writer of SeatReleased: every v1 release was an expiry. v2 added `reason` once
 * cancellation (and releasing a half-made hold) also freed seats.
 */
export const seatReleasedV1ToV2 = defineUpcaster(seatReleasedV1DataSchema, (data): SeatReleased['data'] => ({
  ...data,
  reason: 'expired',
}));
