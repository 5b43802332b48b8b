import type { Command } from '../decider.js';

export type PlaceHold = Command<
  'PlaceHold',
  {
    reservationId: string;
    userId: string;
    scheduleId: string;
    seatIds: readonly string[];
    amount: number;
    expiresAt: Date;
  }
>;

export type ConfirmReservation = Command<'ConfirmReservation', { reservationId: string; paymentId: string; now: Date }>;

export type CancelReservation = Command<'CancelReservation', { reservationId: string; userId: string; now: Date }>;

export type ExpireReservation = Command<'ExpireReservation', { reservationId: string; now: Date }>;

export type ReservationCommand = PlaceHold | ConfirmReservation | CancelReservation | ExpireReservation;
