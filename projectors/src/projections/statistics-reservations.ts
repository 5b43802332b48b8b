import type { Knex } from 'knex';
import { minuteOf } from './event-time.js';

export type StatsReservationStatus = 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';

export interface StatsReservationRow {
  reservation_id: string;
  schedule_id: string;
  status: StatsReservationStatus;
  held_at: Date;
  ended_at: Date | null;
  ended_minute: Date | null;
  hold_to_confirm_ms: number | string | null;
}

/** A reservation that just ended: where to count it. */
export interface EndedReservation {
  scheduleId: string;
  heldAt: Date;
}

/** Records a hold; false when it was recorded already (the event came again). */
export async function recordHold(
  trx: Knex.Transaction,
  reservationId: string,
  scheduleId: string,
  heldAt: Date,
): Promise<boolean> {
  const row: StatsReservationRow = {
    reservation_id: reservationId,
    schedule_id: scheduleId,
    status: 'HELD',
    held_at: heldAt,
    ended_at: null,
    ended_minute: null,
    hold_to_confirm_ms: null,
  };
  const inserted = await trx('rm_stats_reservations')
    .insert(row)
    .onConflict('reservation_id')
    .ignore()
    .returning('reservation_id');
  return inserted.length > 0;
}

/**
 * Ends a held reservation, once: only HELD moves, as in domain/src/reservation/state.ts, so a
 * repeated terminal event, or one for a hold this model never saw (an expiry of a reservation
 * that was never held), counts nothing. A confirmation also records its time since the hold,
 * never negative (the two events may be stamped by different command-api clocks).
 */
export async function endReservation(
  trx: Knex.Transaction,
  reservationId: string,
  status: Exclude<StatsReservationStatus, 'HELD'>,
  endedAt: Date,
): Promise<EndedReservation | undefined> {
  const holdToConfirm =
    status === 'CONFIRMED'
      ? trx.raw('greatest(0, round(extract(epoch from (?::timestamptz - held_at)) * 1000))', [endedAt.toISOString()])
      : null;
  const [ended] = await trx('rm_stats_reservations')
    .where({ reservation_id: reservationId, status: 'HELD' })
    .update({ status, ended_at: endedAt, ended_minute: minuteOf(endedAt), hold_to_confirm_ms: holdToConfirm })
    .returning<Pick<StatsReservationRow, 'schedule_id' | 'held_at'>[]>(['schedule_id', 'held_at']);
  return ended === undefined ? undefined : { scheduleId: ended.schedule_id, heldAt: ended.held_at };
}
