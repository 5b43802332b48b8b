import type { Knex } from 'knex';
import type { StatsRange } from '@concert/infra';
import { statsViewOf, type StatsSumsRow, type StatsView } from './stats-view.js';

export interface MinuteStats extends StatsView {
  minute: string;
}

/** The statistics of some schedules over a range: by minute (only minutes with activity), by schedule, and in total. */
export interface StatsOfSchedules {
  minutes: MinuteStats[];
  bySchedule: Map<string, StatsView>;
  totals: StatsView;
}

interface Grouped {
  /** grouping(): 1 when the row is not grouped by that column. */
  all_schedules: number;
  all_minutes: number;
  schedule_id: string | null;
  minute: Date | null;
}

type SumsRow = Grouped & StatsSumsRow;
type MedianRow = Grouped & { median: number | null };

/**
 * Two queries, one for the counters and one for the medians, each over the three groupings
 * at once. The medians are percentile_cont over each confirmed reservation's time from hold to
 * confirmation, so a median of a period is exact, never a median of medians. Run in one
 * REPEATABLE READ snapshot so that minutes and totals agree.
 */
export async function loadStats(
  db: Knex,
  scheduleIds: readonly string[],
  range: StatsRange,
): Promise<StatsOfSchedules> {
  if (db.isTransaction) return loadIn(db, scheduleIds, range);
  return db.transaction((trx) => loadIn(trx, scheduleIds, range), {
    isolationLevel: 'repeatable read',
    readOnly: true,
  });
}

async function loadIn(db: Knex, scheduleIds: readonly string[], { from, to }: StatsRange): Promise<StatsOfSchedules> {
  const ids = [...scheduleIds];
  const sums = await db.raw<{ rows: SumsRow[] }>(
    `SELECT grouping(schedule_id) AS all_schedules, grouping(minute) AS all_minutes, schedule_id, minute,
            sum(holds)::text AS holds, sum(seats_held)::text AS seats_held, sum(expiries)::text AS expiries,
            sum(cancellations)::text AS cancellations, sum(confirmations)::text AS confirmations,
            sum(seats_sold)::text AS seats_sold, sum(revenue)::text AS revenue, sum(holds_confirmed)::text AS holds_confirmed
       FROM rm_stats_by_minute
      WHERE schedule_id = ANY(?::text[]) AND minute >= ? AND minute < ?
      GROUP BY GROUPING SETS ((minute), (schedule_id), ())`,
    [ids, from, to],
  );
  const medians = await db.raw<{ rows: MedianRow[] }>(
    `SELECT grouping(schedule_id) AS all_schedules, grouping(ended_minute) AS all_minutes, schedule_id, ended_minute AS minute,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY hold_to_confirm_ms) AS median
       FROM rm_stats_reservations
      WHERE status = 'CONFIRMED' AND schedule_id = ANY(?::text[]) AND ended_minute >= ? AND ended_minute < ?
      GROUP BY GROUPING SETS ((ended_minute), (schedule_id), ())`,
    [ids, from, to],
  );
  const medianByKey = new Map(medians.rows.map((row) => [keyOf(row), row.median]));
  const result: StatsOfSchedules = { minutes: [], bySchedule: new Map(), totals: statsViewOf(undefined, null) };
  for (const row of sums.rows) {
    const view = statsViewOf(row, medianByKey.get(keyOf(row)));
    if (row.all_minutes === 0 && row.minute !== null)
      result.minutes.push({ minute: row.minute.toISOString(), ...view });
    else if (row.all_schedules === 0 && row.schedule_id !== null) result.bySchedule.set(row.schedule_id, view);
    else result.totals = view;
  }
  result.minutes.sort((a, b) => a.minute.localeCompare(b.minute));
  return result;
}

function keyOf(row: Grouped): string {
  if (row.all_minutes === 0) return `minute:${row.minute?.toISOString()}`;
  if (row.all_schedules === 0) return `schedule:${row.schedule_id}`;
  return 'total';
}
