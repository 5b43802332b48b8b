import type { Knex } from 'knex';

/** The counters of one schedule in one UTC minute (rm_stats_by_minute). */
export interface StatsMinuteCounters {
  /** Reservations held in the minute, and their seats. */
  holds: number;
  seats_held: number;
  /** Reservations that ended in the minute, by how. */
  expiries: number;
  cancellations: number;
  confirmations: number;
  /** Seats and amount of the confirmations of the minute. */
  seats_sold: number;
  revenue: number | string;
  /** Of the holds made in THIS minute, how many have been confirmed since (in any minute). */
  holds_confirmed: number;
}

export type StatsCounter = keyof StatsMinuteCounters;

export interface StatsMinuteRow extends StatsMinuteCounters {
  schedule_id: string;
  minute: Date;
}

/** Adds to the counters of a schedule's minute, creating the minute's row at its first event. */
export async function addToMinute(
  trx: Knex.Transaction,
  scheduleId: string,
  minute: Date,
  deltas: Partial<Record<StatsCounter, number>>,
): Promise<void> {
  const counters = Object.keys(deltas) as StatsCounter[];
  const merge = Object.fromEntries(counters.map((counter) => [counter, trx.raw('?? + ??', [`rm_stats_by_minute.${counter}`, `excluded.${counter}`])]));
  await trx('rm_stats_by_minute')
    .insert({ schedule_id: scheduleId, minute, ...deltas })
    .onConflict(['schedule_id', 'minute'])
    .merge(merge);
}
