import type { Command } from '../decider.js';
import type { SeatReleaseReason } from './events.js';

export type HoldSeat = Command<
  'HoldSeat',
  { scheduleId: string; seatId: string; reservationId: string; holdExpiresAt: Date }
>;

export type ReleaseSeat = Command<
  'ReleaseSeat',
  { scheduleId: string; seatId: string; reservationId: string; reason: SeatReleaseReason }
>;

export type SellSeat = Command<
  'SellSeat',
  { scheduleId: string; seatId: string; reservationId: string; paymentId: string }
>;

export type SeatCommand = HoldSeat | ReleaseSeat | SellSeat;
