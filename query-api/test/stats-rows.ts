import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** Statistics rows written straight into the rm_stats_* tables, as the statistics projection would write them. */

export async function givenStatsConcert(db: Knex): Promise<string> {
  const concertId = randomUUID();
  await db('rm_stats_concerts').insert({ concert_id: concertId });
  return concertId;
}

export async function givenStatsSchedule(db: Knex, concertId: string): Promise<string> {
  const scheduleId = randomUUID();
  await db('rm_stats_schedules').insert({ schedule_id: scheduleId, concert_id: concertId });
  return scheduleId;
}

export interface MinuteCounters {
  holds?: number;
  seats_held?: number;
  expiries?: number;
  cancellations?: number;
  confirmations?: number;
  seats_sold?: number;
  revenue?: number;
  holds_confirmed?: number;
}

export async function givenStatsMinute(
  db: Knex,
  scheduleId: string,
  minute: string,
  counters: MinuteCounters,
): Promise<void> {
  await db('rm_stats_by_minute').insert({ schedule_id: scheduleId, minute, ...counters });
}

/** A reservation confirmed at `confirmedAt`, `holdToConfirmMs` after its hold. */
export async function givenConfirmedReservation(
  db: Knex,
  scheduleId: string,
  confirmedAt: string,
  holdToConfirmMs: number,
): Promise<void> {
  const endedAt = new Date(confirmedAt);
  await db('rm_stats_reservations').insert({
    reservation_id: randomUUID(),
    schedule_id: scheduleId,
    status: 'CONFIRMED',
    held_at: new Date(endedAt.getTime() - holdToConfirmMs),
    ended_at: endedAt,
    ended_minute: new Date(Math.floor(endedAt.getTime() / 60_000) * 60_000),
    hold_to_confirm_ms: holdToConfirmMs,
  });
}
