import { toInstant } from '../instant.js';
import { validate } from '../validation.js';
import type { HoldSeat, ReleaseSeat, SeatCommand, SellSeat } from './commands.js';
import { SeatNotHeldError, SeatUnavailableError } from './errors.js';
import {
  seatHeldDataSchema,
  seatReleasedDataSchema,
  seatSoldDataSchema,
  type SeatEvent,
  type SeatHeld,
  type SeatReleased,
  type SeatSold,
} from './events.js';
import type { SeatState } from './state.js';

/** A passed holdExpiresAt does not make a seat available: see the release rule in state.ts. */
export function holdSeat(command: HoldSeat, state: SeatState): SeatHeld[] {
  const { scheduleId, seatId, reservationId, holdExpiresAt } = command.data;
  const data = validate(
    seatHeldDataSchema,
    { scheduleId, seatId, reservationId, holdExpiresAt: toInstant(holdExpiresAt, 'holdExpiresAt') },
    'seat hold',
  );
  if (state.status !== 'Available') throw new SeatUnavailableError([seatId]);
  return [{ type: 'SeatHeld', data }];
}

/**
 * Releasing is a no-op unless this reservation holds the seat, so the saga and the cancel
 * path can both release freely without ever freeing another buyer's hold or a sold seat.
 */
export function releaseSeat(command: ReleaseSeat, state: SeatState): SeatReleased[] {
  const data = validate(seatReleasedDataSchema, command.data, 'seat release');
  if (state.status !== 'Held' || state.reservationId !== data.reservationId) return [];
  return [{ type: 'SeatReleased', data }];
}

export function sellSeat(command: SellSeat, state: SeatState): SeatSold[] {
  const data = validate(seatSoldDataSchema, command.data, 'seat sale');
  const { seatId, reservationId, paymentId } = data;
  if (state.status === 'Sold' && state.reservationId === reservationId && state.paymentId === paymentId) return [];
  if (state.status !== 'Held' || state.reservationId !== reservationId) {
    throw new SeatNotHeldError(seatId, reservationId);
  }
  return [{ type: 'SeatSold', data }];
}

export function decide(command: SeatCommand, state: SeatState): SeatEvent[] {
  switch (command.type) {
    case 'HoldSeat':
      return holdSeat(command, state);
    case 'ReleaseSeat':
      return releaseSeat(command, state);
    case 'SellSeat':
      return sellSeat(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown seat command ${JSON.stringify(unknown)}`);
    }
  }
}
