import { counterOf, type SeatStatus } from './catalog-rows.js';
import type { Statement } from './row-batch.js';

interface Deltas {
  available: number;
  held: number;
  sold: number;
}

const FIELD: Readonly<Record<SeatStatus, keyof Deltas>> = { AVAILABLE: 'available', HELD: 'held', SOLD: 'sold' };

/**
 * Seat moves between the counters of schedules a batch did not load: summed per schedule, then
 * added in one UPDATE (rather than read, changed and written back). A schedule with moves that
 * cancel out is still named, so that its concert's schedule list goes stale as with one event at
 * a time. The counters are `counterOf`'s columns.
 */
export class ScheduleCounterDeltas {
  private readonly bySchedule = new Map<string, Deltas>();

  /** One seat of the schedule went from one status to another. */
  move(scheduleId: string, from: SeatStatus, to: SeatStatus): void {
    let deltas = this.bySchedule.get(scheduleId);
    if (!deltas) {
      deltas = { available: 0, held: 0, sold: 0 };
      this.bySchedule.set(scheduleId, deltas);
    }
    deltas[FIELD[from]] -= 1;
    deltas[FIELD[to]] += 1;
  }

  /** The UPDATE, returning the concert of each schedule it found; undefined without moves. */
  statement(): Statement | undefined {
    if (this.bySchedule.size === 0) return undefined;
    const rows = [...this.bySchedule].map(([schedule_id, d]) => ({ schedule_id, ...d }));
    const set = (Object.keys(FIELD) as SeatStatus[])
      .map((status) => `${counterOf[status]} = s.${counterOf[status]} + d.${FIELD[status]}`)
      .join(', ');
    return {
      sql: `UPDATE rm_schedules s SET ${set}
         FROM jsonb_to_recordset(?::jsonb) AS d(schedule_id text, available integer, held integer, sold integer)
         WHERE s.schedule_id = d.schedule_id RETURNING s.concert_id`,
      bindings: [JSON.stringify(rows)],
    };
  }
}
