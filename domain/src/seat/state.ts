import type { SeatEvent } from './events.js';

export interface AvailableSeat {
  readonly status: 'Available';
}

/**
 * `holdExpiresAt` tells the expiry saga when to act; it never frees the seat by itself
 * (docs/architecture.md, 'The release rule'). Only SeatReleased does.
 */
export interface HeldSeat {
  readonly status: 'Held';
  readonly reservationId: string;
  readonly holdExpiresAt: string;
}

export interface SoldSeat {
  readonly status: 'Sold';
  readonly reservationId: string;
  readonly paymentId: string;
}

export type SeatState = AvailableSeat | HeldSeat | SoldSeat;

export const initialState = (): SeatState => ({ status: 'Available' });

export function evolve(state: SeatState, event: SeatEvent): SeatState {
  switch (event.type) {
    case 'SeatHeld':
      return { status: 'Held', reservationId: event.data.reservationId, holdExpiresAt: event.data.holdExpiresAt };
    case 'SeatReleased':
      // A stray release must never put a sold seat, or another buyer's hold, back on sale.
      if (state.status !== 'Held' || state.reservationId !== event.data.reservationId) return state;
      return { status: 'Available' };
    case 'SeatSold':
      return { status: 'Sold', reservationId: event.data.reservationId, paymentId: event.data.paymentId };
    default:
      return state;
  }
}
