import type { ReservationEvent, ReservationHeld } from './events.js';

export type ReservationHold = ReservationHeld['data'];

export interface NoReservation {
  readonly status: 'Empty';
}

export interface HeldReservation extends ReservationHold {
  readonly status: 'Held';
}

export interface ConfirmedReservation extends ReservationHold {
  readonly status: 'Confirmed';
  readonly paymentId: string;
}

export interface CancelledReservation extends ReservationHold {
  readonly status: 'Cancelled';
}

/** `hold` is null when the saga expired the reservation before any ReservationHeld. */
export interface ExpiredReservation {
  readonly status: 'Expired';
  readonly reservationId: string;
  readonly hold: ReservationHold | null;
}

export type ReservationState =
  NoReservation | HeldReservation | ConfirmedReservation | CancelledReservation | ExpiredReservation;

export const initialState = (): ReservationState => ({ status: 'Empty' });

function holdOf(state: HeldReservation): ReservationHold {
  const { status: _status, ...hold } = state;
  return hold;
}

/** Terminal states are final: an event that would leave one is ignored rather than obeyed. */
export function evolve(state: ReservationState, event: ReservationEvent): ReservationState {
  switch (event.type) {
    case 'ReservationHeld':
      if (state.status !== 'Empty') return state;
      return { status: 'Held', ...event.data };
    case 'ReservationConfirmed':
      if (state.status !== 'Held') return state;
      return { ...holdOf(state), status: 'Confirmed', paymentId: event.data.paymentId };
    case 'ReservationCancelled':
      if (state.status !== 'Held') return state;
      return { ...holdOf(state), status: 'Cancelled' };
    case 'ReservationExpired':
      if (state.status === 'Empty') return { status: 'Expired', reservationId: event.data.reservationId, hold: null };
      if (state.status !== 'Held') return state;
      return { status: 'Expired', reservationId: state.reservationId, hold: holdOf(state) };
    default:
      return state;
  }
}
