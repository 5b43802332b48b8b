import { HoldNotExpiredError } from '@concert/domain';
import { expireReservation, releaseOrphanSeat, type CommandContext } from '@concert/write-model';
import type { DueDeadline } from './deadline.js';

/**
 * What a deadline's run came to. Every outcome but `not-yet` settles the deadline:
 * - `expired`, `already-expired`, `not-expirable` (confirmed or cancelled): ExpireReservation;
 * - `released`, `not-held`, `reservation-live`: ReleaseSeat for an orphan (releaseOrphanSeat);
 * - `superseded`: the seat is held by another reservation now, so this hold is long gone;
 * - `not-yet`: the command found the deadline still ahead (clock skew): try again shortly.
 */
export type TimeoutOutcome =
  | 'expired'
  | 'already-expired'
  | 'not-expirable'
  | 'released'
  | 'not-held'
  | 'reservation-live'
  | 'superseded'
  | 'not-yet';

export interface TimeoutResult {
  outcome: TimeoutOutcome;
  /** Whether a write-side command handler ran (a seat already free needs none). */
  commandIssued: boolean;
}

/**
 * Issues the timeout command of a due deadline through the write side's own handlers, with
 * their optimistic checks: a confirmation that came first wins, and the seats are released
 * only after ReservationExpired (the release rule). Throws on anything to retry.
 */
export async function runTimeoutCommand(ctx: CommandContext, deadline: DueDeadline): Promise<TimeoutResult> {
  if (deadline.kind === 'reservation') {
    try {
      const { outcome } = await expireReservation(ctx, deadline.reservationId);
      return { outcome, commandIssued: true };
    } catch (error) {
      if (error instanceof HoldNotExpiredError) return { outcome: 'not-yet', commandIssued: true };
      throw error;
    }
  }
  // Only this deadline's hold: a stale seat deadline never times out a later buyer's hold,
  // and a seat that the reservation path already freed costs one read and no write.
  const { outcome } = await releaseOrphanSeat(ctx, {
    scheduleId: deadline.scheduleId,
    seatId: deadline.seatId,
    reservationId: deadline.reservationId,
  });
  if (outcome === 'not-held' || outcome === 'superseded') return { outcome, commandIssued: false };
  return { outcome: outcome === 'hold-not-expired' ? 'not-yet' : outcome, commandIssued: true };
}
