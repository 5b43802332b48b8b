import { ForbiddenError } from '../domain-error.js';
import { isAtOrAfter } from '../instant.js';
import { ReservationExpiredError, ReservationNotFoundError, ReservationNotHeldError } from './errors.js';
import type { HeldReservation, ReservationState } from './state.js';

/** Who holds (or held) the reservation; undefined for an empty stream or one expired before any hold. */
export function ownerOf(state: ReservationState): string | undefined {
  if (state.status === 'Empty') return undefined;
  return state.status === 'Expired' ? state.hold?.userId : state.userId;
}

/**
 * The reservation a payment may be opened for: the caller's own, held, and before its
 * deadline (at the deadline the saga may expire it). Ownership is checked first, so a stranger
 * learns nothing about the reservation's state.
 */
export function payableReservation(
  state: ReservationState,
  request: { reservationId: string; userId: string; now: Date },
): HeldReservation {
  if (state.status === 'Empty') throw new ReservationNotFoundError(request.reservationId);
  if (ownerOf(state) !== request.userId)
    throw new ForbiddenError(`Reservation ${request.reservationId} belongs to another user`);
  if (state.status === 'Expired') throw new ReservationExpiredError(request.reservationId);
  if (state.status !== 'Held') throw new ReservationNotHeldError(request.reservationId, state.status);
  if (isAtOrAfter(request.now, state.expiresAt)) throw new ReservationExpiredError(request.reservationId);
  return state;
}
