import {
  HoldNotExpiredError,
  reservationDecider,
  reservationStreamId,
  seatDecider,
  seatStreamId,
} from '@concert/domain';
import type { GlobalPosition } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { loadStream } from '../command-loop/handle-command.js';
import { expireReservation } from '../expire-reservation/expire-reservation.js';
import { releaseSeats } from '../hold-seats/hold-seats.js';

export type OrphanSeatOutcome = 'released' | 'not-held' | 'superseded' | 'reservation-live' | 'hold-not-expired';

/**
 * The saga's command for a seat whose hold deadline passed. If a handler crashed between
 * SeatHeld and ReservationHeld, no reservation owns the seat: ReservationExpired is written
 * to the reservation stream first (expected: no stream), so a late ReservationHeld fails
 * instead of resurrecting the hold, and only then is the seat released.
 * With `reservationId`, only that reservation's hold is timed out: a seat held by anyone
 * else now is `superseded` (a stale deadline never touches a later buyer's hold).
 */
export async function releaseOrphanSeat(
  ctx: CommandContext,
  input: { scheduleId: string; seatId: string; reservationId?: string },
): Promise<{ outcome: OrphanSeatOutcome; position: GlobalPosition | undefined }> {
  const { state: seat } = await loadStream(ctx, seatStreamId(input.scheduleId, input.seatId), seatDecider);
  if (seat.status !== 'Held') return { outcome: 'not-held', position: undefined };
  if (input.reservationId !== undefined && seat.reservationId !== input.reservationId) {
    return { outcome: 'superseded', position: undefined };
  }
  if (new Date(seat.holdExpiresAt).getTime() > ctx.now().getTime())
    return { outcome: 'hold-not-expired', position: undefined };

  const { state: reservation } = await loadStream(ctx, reservationStreamId(seat.reservationId), reservationDecider);
  let position: GlobalPosition | undefined;
  if (reservation.status === 'Held' || reservation.status === 'Empty') {
    // Both paths write ReservationExpired before any seat is released.
    try {
      const expired = await expireReservation(ctx, seat.reservationId);
      if (expired.outcome === 'not-expirable') return { outcome: 'reservation-live', position: undefined };
      position = expired.position;
    } catch (error) {
      if (error instanceof HoldNotExpiredError) return { outcome: 'hold-not-expired', position: undefined };
      throw error;
    }
  } else if (reservation.status === 'Confirmed') {
    // The payment sells it (or the recovery worker finishes that payment).
    return { outcome: 'reservation-live', position: undefined };
  }
  const released = await releaseSeats(ctx, input.scheduleId, [input.seatId], seat.reservationId, 'expired');
  return { outcome: 'released', position: released ?? position };
}
