import { ForbiddenError } from '../domain-error.js';
import { isAtOrAfter, toInstant } from '../instant.js';
import { validate } from '../validation.js';
import type {
  CancelReservation,
  ConfirmReservation,
  ExpireReservation,
  PlaceHold,
  ReservationCommand,
} from './commands.js';
import {
  HoldNotExpiredError,
  ReservationExistsError,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationNotHeldError,
} from './errors.js';
import {
  reservationCancelledDataSchema,
  reservationConfirmedDataSchema,
  reservationExpiredDataSchema,
  reservationHeldDataSchema,
  type ReservationCancelled,
  type ReservationConfirmed,
  type ReservationEvent,
  type ReservationExpired,
  type ReservationHeld,
} from './events.js';
import { ownerOf } from './payable.js';
import type { ReservationState } from './state.js';

/**
 * Only a new stream can be held. A ReservationExpired already there means the saga gave up on
 * this reservation after a crash, and a slow handler must not resurrect it.
 */
export function placeHold(command: PlaceHold, state: ReservationState): ReservationHeld[] {
  const { expiresAt, ...rest } = command.data;
  const data = validate(
    reservationHeldDataSchema,
    { ...rest, expiresAt: toInstant(expiresAt, 'expiresAt') },
    'reservation hold',
  );
  if (state.status === 'Expired') throw new ReservationExpiredError(data.reservationId);
  if (state.status !== 'Empty') throw new ReservationExistsError(data.reservationId);
  return [{ type: 'ReservationHeld', data }];
}

/**
 * Refused at the deadline itself, not only after it: the saga may expire the hold from that
 * instant, and the two must never both succeed.
 */
export function confirmReservation(command: ConfirmReservation, state: ReservationState): ReservationConfirmed[] {
  const { reservationId, paymentId, now } = command.data;
  switch (state.status) {
    case 'Held': {
      if (isAtOrAfter(now, state.expiresAt)) throw new ReservationExpiredError(reservationId);
      const { scheduleId, seatIds, amount } = state;
      const data = validate(
        reservationConfirmedDataSchema,
        { reservationId, paymentId, scheduleId, seatIds, amount, confirmedAt: toInstant(now, 'now') },
        'reservation confirmation',
      );
      return [{ type: 'ReservationConfirmed', data }];
    }
    case 'Confirmed':
      if (state.paymentId === paymentId) return [];
      throw new ReservationNotHeldError(reservationId, state.status);
    case 'Expired':
      throw new ReservationExpiredError(reservationId);
    case 'Empty':
    case 'Cancelled':
      throw new ReservationNotHeldError(reservationId, state.status);
  }
}

export function cancelReservation(command: CancelReservation, state: ReservationState): ReservationCancelled[] {
  const { reservationId, userId, now } = command.data;
  const cancelledAt = toInstant(now, 'now');
  if (state.status === 'Empty') throw new ReservationNotFoundError(reservationId);
  // Ownership first, so a stranger learns nothing about the reservation's state.
  if (ownerOf(state) !== userId) throw new ForbiddenError(`Reservation ${reservationId} belongs to another user`);
  if (state.status !== 'Held') throw new ReservationNotHeldError(reservationId, state.status);
  const data = validate(
    reservationCancelledDataSchema,
    { reservationId, userId, scheduleId: state.scheduleId, seatIds: state.seatIds, cancelledAt },
    'reservation cancellation',
  );
  return [{ type: 'ReservationCancelled', data }];
}

/**
 * Expiring an empty stream is the crash case of docs/architecture.md, 'Contention: lock, then
 * fence': it claims the stream so that a late ReservationHeld fails. Expiring a finished
 * reservation is a no-op, so the saga may retry without reading first.
 */
export function expireReservation(command: ExpireReservation, state: ReservationState): ReservationExpired[] {
  const { reservationId, now } = command.data;
  const expiredAt = toInstant(now, 'now');
  switch (state.status) {
    case 'Empty':
      return [
        {
          type: 'ReservationExpired',
          data: validate(
            reservationExpiredDataSchema,
            { reservationId, scheduleId: null, seatIds: [], expiredAt },
            'reservation expiry',
          ),
        },
      ];
    case 'Held':
      if (!isAtOrAfter(now, state.expiresAt)) throw new HoldNotExpiredError(reservationId, state.expiresAt);
      return [
        {
          type: 'ReservationExpired',
          data: validate(
            reservationExpiredDataSchema,
            { reservationId, scheduleId: state.scheduleId, seatIds: state.seatIds, expiredAt },
            'reservation expiry',
          ),
        },
      ];
    case 'Confirmed':
    case 'Cancelled':
    case 'Expired':
      return [];
  }
}

export function decide(command: ReservationCommand, state: ReservationState): ReservationEvent[] {
  switch (command.type) {
    case 'PlaceHold':
      return placeHold(command, state);
    case 'ConfirmReservation':
      return confirmReservation(command, state);
    case 'CancelReservation':
      return cancelReservation(command, state);
    case 'ExpireReservation':
      return expireReservation(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown reservation command ${JSON.stringify(unknown)}`);
    }
  }
}
