import type { Decider } from '../decider.js';
import type { SeatCommand } from './commands.js';
import { decide } from './decide.js';
import type { SeatEvent } from './events.js';
import { evolve, initialState, type SeatState } from './state.js';

export const seatDecider: Decider<SeatCommand, SeatEvent, SeatState> = { decide, evolve, initialState };

export type { HoldSeat, ReleaseSeat, SeatCommand, SellSeat } from './commands.js';
export {
  seatHeldDataSchema,
  seatReleaseReasonSchema,
  seatReleasedDataSchema,
  seatSoldDataSchema,
  type SeatEvent,
  type SeatHeld,
  type SeatReleaseReason,
  type SeatReleased,
  type SeatSold,
} from './events.js';
export { SeatNotHeldError, SeatUnavailableError } from './errors.js';
export type { AvailableSeat, HeldSeat, SeatState, SoldSeat } from './state.js';
export { seatStreamCategory, seatStreamId } from './stream.js';
