import type { Decider } from '../decider.js';
import type { ReservationCommand } from './commands.js';
import { decide } from './decide.js';
import type { ReservationEvent } from './events.js';
import { evolve, initialState, type ReservationState } from './state.js';

export const reservationDecider: Decider<ReservationCommand, ReservationEvent, ReservationState> = {
  decide,
  evolve,
  initialState,
};

export type {
  CancelReservation,
  ConfirmReservation,
  ExpireReservation,
  PlaceHold,
  ReservationCommand,
} from './commands.js';
export {
  HoldNotExpiredError,
  ReservationExistsError,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationNotHeldError,
} from './errors.js';
export {
  MAX_SEATS_PER_RESERVATION,
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
export type {
  CancelledReservation,
  ConfirmedReservation,
  ExpiredReservation,
  HeldReservation,
  NoReservation,
  ReservationHold,
  ReservationState,
} from './state.js';
export { planHold, type HoldRequest } from './hold-policy.js';
export { ownerOf, payableReservation } from './payable.js';
export { reservationStreamCategory, reservationStreamId } from './stream.js';
