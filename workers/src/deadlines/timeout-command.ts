import { HoldNotExpiredError } from '@concert/domain';
import {
  expireReservation,
  expireReservations,
  releaseOrphanSeat,
  type CommandContext,
  type ExpiryResult,
} from '@concert/write-model';
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
    const expiry = await expireReservation(ctx, deadline.reservationId).then(
      (expiry): ExpiryResult => ({ ok: true, expiry }),
      (error: unknown): ExpiryResult => ({ ok: false, error }),
    );
    return settledBy(expiry);
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

/**
 * The timeout commands of many reservation deadlines at once (expireReservations: one append
 * for all where the store can), each with its own context. Per deadline, in order: its result,
 * or the error to retry it for.
 */
export async function runExpiries(
  items: ReadonlyArray<{ ctx: CommandContext; deadline: DueDeadline }>,
): Promise<Array<{ ok: true; result: TimeoutResult } | { ok: false; error: unknown }>> {
  const expiries = await expireReservations(
    items.map(({ ctx, deadline }) => ({
      ctx,
      reservationId: deadline.reservationId,
      ...(deadline.knownSeats ? { knownSeats: deadline.knownSeats } : {}),
    })),
  );
  return expiries.map((expiry) => {
    try {
      return { ok: true, result: settledBy(expiry) };
    } catch (error) {
      return { ok: false, error };
    }
  });
}

/** What an expiry came to; hold-not-expired is `not-yet`, any other failure is thrown. */
function settledBy(expiry: ExpiryResult): TimeoutResult {
  if (expiry.ok) return { outcome: expiry.expiry.outcome, commandIssued: true };
  if (expiry.error instanceof HoldNotExpiredError) return { outcome: 'not-yet', commandIssued: true };
  throw expiry.error;
}
