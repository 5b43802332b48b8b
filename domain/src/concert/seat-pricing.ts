import type { ScheduleSeat } from './events.js';
import { ConcertNotFoundError, ScheduleNotFoundError, SeatNotFoundError } from './errors.js';
import type { ConcertState } from './state.js';

export function findScheduleSeat(state: ConcertState, scheduleId: string, seatId: string): ScheduleSeat | undefined {
  if (state.status !== 'Created') return undefined;
  return state.schedules.get(scheduleId)?.seats.get(seatId);
}

export interface PricedSeats {
  readonly seats: readonly ScheduleSeat[];
  readonly amount: number;
}

/**
 * The price of a hold comes from the catalog, never from the client. Every missing seat
 * is named at once so the client can fix its request in one round trip.
 */
export function priceSeats(
  state: ConcertState,
  concertId: string,
  scheduleId: string,
  seatIds: readonly string[],
): PricedSeats {
  if (state.status !== 'Created') throw new ConcertNotFoundError(concertId);
  const schedule = state.schedules.get(scheduleId);
  if (!schedule) throw new ScheduleNotFoundError(scheduleId);
  const seats: ScheduleSeat[] = [];
  const missing: string[] = [];
  for (const seatId of seatIds) {
    const seat = schedule.seats.get(seatId);
    if (seat) seats.push(seat);
    else missing.push(seatId);
  }
  if (missing.length > 0) throw new SeatNotFoundError(scheduleId, missing);
  return { seats, amount: seats.reduce((sum, seat) => sum + seat.price, 0) };
}
