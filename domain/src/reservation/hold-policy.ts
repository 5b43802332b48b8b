import type { PlaceHold } from './commands.js';
import { placeHold } from './decide.js';
import { initialState } from './state.js';

export interface HoldRequest {
  reservationId: string;
  userId: string;
  scheduleId: string;
  seatIds: readonly string[];
  /** The catalog price of the seats. */
  amount: number;
}

/**
 * The hold a request asks for at `now`: its deadline is now + the hold duration, and it is
 * decided once on an empty stream before any seat is touched, so that a reservation the rules
 * would refuse (a bad user id, an amount out of range) leaves no seat events behind. Throws
 * what the rules refuse.
 */
export function planHold(request: HoldRequest, now: Date, holdDurationMs: number): PlaceHold {
  const command: PlaceHold = {
    type: 'PlaceHold',
    data: { ...request, expiresAt: new Date(now.getTime() + holdDurationMs) },
  };
  placeHold(command, initialState());
  return command;
}
