/**
 * A hold to time out. `reservation`: the reservation's deadline (ExpireReservation).
 * `seat`: one seat's own deadline, for a seat that no live reservation may own (the crash
 * case of a hold); scheduleId and seatId are '' for the reservation kind.
 */
export interface DeadlineKey {
  kind: 'reservation' | 'seat';
  reservationId: string;
  scheduleId: string;
  seatId: string;
}

/** A deadline the timer claimed. */
export interface DueDeadline extends DeadlineKey {
  dueAt: Date;
  /** The hold event: causation of the timeout command. */
  sourceEventId: string;
  correlationId: string;
  /** Failed runs so far. */
  attempts: number;
  /** A reservation deadline's seats, as its seat deadlines name them (read with the reservation). */
  knownSeats?: Array<{ scheduleId: string; seatId: string }>;
}

/** What one event does to the deadlines: start one (a hold), or settle one (its end). */
export type DeadlineChange =
  | { type: 'set'; key: DeadlineKey; dueAt: Date; sourceEventId: string; correlationId: string }
  | { type: 'settle'; key: DeadlineKey; settledBy: string };

export function reservationDeadline(reservationId: string): DeadlineKey {
  return { kind: 'reservation', reservationId, scheduleId: '', seatId: '' };
}

export function seatDeadline(reservationId: string, scheduleId: string, seatId: string): DeadlineKey {
  return { kind: 'seat', reservationId, scheduleId, seatId };
}

/** One string per deadline: for de-duplicating, sorting and logging. */
export function deadlineId(key: DeadlineKey): string {
  return key.kind === 'reservation'
    ? `reservation/${key.reservationId}`
    : `seat/${key.reservationId}/${key.scheduleId}/${key.seatId}`;
}
