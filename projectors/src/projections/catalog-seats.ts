import type { Knex } from 'knex';
import { counterOf, type ScheduleRow, type SeatRow } from './catalog-rows.js';
import { nextHolding, type SeatEvent } from './seat-transition.js';

/** What a seat event did to the catalog, for the caches to drop. */
export interface SeatChange {
  scheduleId: string;
  /** Set when the seat's status changed, and so the schedule's counters: the concert whose schedule list is stale. */
  countersOfConcert?: string;
}

/**
 * Moves a seat to the state the event gives it and, when its status changes, one seat from
 * one counter of its schedule to another. Returns undefined when nothing changed (a stray
 * release, a redelivery, or a seat the catalog never had).
 */
export async function applySeatEvent(trx: Knex.Transaction, event: SeatEvent): Promise<SeatChange | undefined> {
  const { scheduleId, seatId } = event.data;
  const key = { schedule_id: scheduleId, seat_id: seatId };
  const current = await trx<SeatRow>('rm_seats')
    .where(key)
    .forUpdate()
    .first('status', 'reservation_id', 'hold_expires_at');
  if (!current) return undefined;
  const next = nextHolding(current, event);
  if (!next) return undefined;

  await trx<SeatRow>('rm_seats').where(key).update(next);
  if (next.status === current.status) return { scheduleId };

  const [schedule] = await trx<ScheduleRow>('rm_schedules')
    .where({ schedule_id: scheduleId })
    .decrement(counterOf[current.status], 1)
    .increment(counterOf[next.status], 1)
    .returning('concert_id');
  return schedule ? { scheduleId, countersOfConcert: schedule.concert_id } : { scheduleId };
}
