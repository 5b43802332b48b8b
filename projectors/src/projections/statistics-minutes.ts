import type { Knex } from 'knex';
import type { Statement } from './row-batch.js';

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
  const merge = Object.fromEntries(
    counters.map((counter) => [counter, trx.raw('?? + ??', [`rm_stats_by_minute.${counter}`, `excluded.${counter}`])]),
  );
  await trx('rm_stats_by_minute')
    .insert({ schedule_id: scheduleId, minute, ...deltas })
    .onConflict(['schedule_id', 'minute'])
    .merge(merge);
}

const COUNTERS: readonly StatsCounter[] = [
  'holds',
  'seats_held',
  'expiries',
  'cancellations',
  'confirmations',
  'seats_sold',
  'revenue',
  'holds_confirmed',
];

/** Rows added per statement: one jsonb parameter each, so only statement size bounds it. */
const ROWS_PER_STATEMENT = 5000;

/** Counter deltas summed per schedule and minute: what a batch adds, for addToMinutes. */
export class MinuteDeltas {
  private readonly sums = new Map<string, { scheduleId: string; minute: Date; counters: Map<StatsCounter, bigint> }>();

  add(scheduleId: string, minute: Date, deltas: Partial<Record<StatsCounter, number>>): void {
    const key = `${scheduleId}\u0000${minute.getTime()}`;
    let sum = this.sums.get(key);
    if (sum === undefined) {
      sum = { scheduleId, minute, counters: new Map() };
      this.sums.set(key, sum);
    }
    for (const [counter, delta] of Object.entries(deltas) as [StatsCounter, number][]) {
      sum.counters.set(counter, (sum.counters.get(counter) ?? 0n) + BigInt(delta));
    }
  }

  /** One row per schedule and minute touched, every counter given (0 when untouched), as text. */
  rows(): Record<string, string>[] {
    return [...this.sums.values()].map(({ scheduleId, minute, counters }) => ({
      schedule_id: scheduleId,
      minute: minute.toISOString(),
      ...Object.fromEntries(COUNTERS.map((counter) => [counter, (counters.get(counter) ?? 0n).toString()])),
    }));
  }
}

/**
 * The bulk form of addToMinute: the statements that add the summed deltas to their minutes'
 * counters, creating each minute's row at its first event, one upsert per few thousand rows (a
 * jsonb parameter), for writeTogether.
 */
export function minuteUpserts(deltas: MinuteDeltas): Statement[] {
  const rows = deltas.rows();
  const merge = COUNTERS.map((counter) => `${counter} = t.${counter} + excluded.${counter}`).join(', ');
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    statements.push({
      sql: `INSERT INTO rm_stats_by_minute AS t SELECT * FROM jsonb_populate_recordset(NULL::rm_stats_by_minute, ?::jsonb)
       ON CONFLICT (schedule_id, minute) DO UPDATE SET ${merge}`,
      bindings: [JSON.stringify(rows.slice(start, start + ROWS_PER_STATEMENT))],
    });
  }
  return statements;
}
