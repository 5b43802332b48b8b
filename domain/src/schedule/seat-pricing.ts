import { ScheduleNotFoundError, SeatNotFoundError } from './errors.js';
import type { ScheduleSeat } from './events.js';
import type { ScheduleState } from './state.js';

export function findScheduleSeat(state: ScheduleState, seatId: string): ScheduleSeat | undefined {
  if (state.status !== 'Added') return undefined;
  return state.seats.get(seatId);
}

export interface PricedSeats {
  readonly seats: readonly ScheduleSeat[];
  readonly amount: number;
}

/**
 * The price of a hold comes from the catalog, never from the client. Every missing seat
 * is named at once so the client can fix its request in one round trip.
 * `state` is the fold of `scheduleStreamId(scheduleId)`.
 */
export function priceSeats(state: ScheduleState, scheduleId: string, seatIds: readonly string[]): PricedSeats {
  if (state.status !== 'Added' || state.scheduleId !== scheduleId) throw new ScheduleNotFoundError(scheduleId);
  const seats: ScheduleSeat[] = [];
  const missing: string[] = [];
  for (const seatId of seatIds) {
    const seat = state.seats.get(seatId);
    if (seat) seats.push(seat);
    else missing.push(seatId);
  }
  if (missing.length > 0) throw new SeatNotFoundError(scheduleId, missing);
  return { seats, amount: seats.reduce((sum, seat) => sum + seat.price, 0) };
}
