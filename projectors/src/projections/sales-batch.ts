import type { ProjectedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime, minuteOf } from './event-time.js';
import { RowBatch, writeTogether } from './row-batch.js';
import type { SalesByMinuteRow, SalesByScheduleRow } from './sales.js';

/** The sales projection's bulk form: sales.ts's counting over in-memory rows, both tables' upserts in one statement. */
export async function applySalesBatch(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<void> {
  const bySchedule = new RowBatch<SalesByScheduleRow>({
    table: 'rm_sales_by_schedule',
    key: ['schedule_id'],
    columns: ['schedule_id', 'concert_id', 'sold_seats', 'revenue'],
  });
  const byMinute = new RowBatch<SalesByMinuteRow>({
    table: 'rm_sales_by_minute',
    key: ['schedule_id', 'minute'],
    columns: ['schedule_id', 'minute', 'sold_seats', 'revenue'],
  });
  const scheduleKeys: Partial<SalesByScheduleRow>[] = [];
  const minuteKeys: Partial<SalesByMinuteRow>[] = [];
  for (const { recorded, event } of events) {
    if (event.type === 'ScheduleAdded') scheduleKeys.push({ schedule_id: event.data.scheduleId });
    if (event.type === 'ReservationConfirmed') {
      scheduleKeys.push({ schedule_id: event.data.scheduleId });
      minuteKeys.push({ schedule_id: event.data.scheduleId, minute: minuteOf(eventTime(recorded)) });
    }
  }
  await bySchedule.load(trx, scheduleKeys);
  await byMinute.load(trx, minuteKeys);

  for (const { recorded, event } of events) {
    switch (event.type) {
      case 'ScheduleAdded': {
        const key = { schedule_id: event.data.scheduleId };
        if (!bySchedule.get(key))
          bySchedule.set({ ...key, concert_id: event.data.concertId, sold_seats: 0, revenue: '0' });
        break;
      }
      case 'ReservationConfirmed': {
        const { scheduleId, seatIds, amount } = event.data;
        const counted = bySchedule.get({ schedule_id: scheduleId });
        // No schedule, no sale: as in sales.ts, both tables tell the same story.
        if (!counted) break;
        bySchedule.set({
          ...counted,
          sold_seats: counted.sold_seats + seatIds.length,
          revenue: (BigInt(counted.revenue) + BigInt(amount)).toString(),
        });
        const key = { schedule_id: scheduleId, minute: minuteOf(eventTime(recorded)) };
        const bucket = byMinute.get(key);
        byMinute.set({
          ...key,
          sold_seats: (bucket?.sold_seats ?? 0) + seatIds.length,
          revenue: ((bucket ? BigInt(bucket.revenue) : 0n) + BigInt(amount)).toString(),
        });
        break;
      }
      default:
        break;
    }
  }
  await writeTogether(trx, [...bySchedule.upserts(), ...byMinute.upserts()]);
}
