import { reservationStreamCategory, scheduleStreamCategory } from '@concert/domain';
import { PROJECTION_NAMES, type Projection } from '@concert/infra';
import { eventTime, minuteOf } from './event-time.js';
import { applySalesBatch } from './sales-batch.js';

export interface SalesByScheduleRow {
  schedule_id: string;
  concert_id: string;
  sold_seats: number;
  revenue: number | string;
}

export interface SalesByMinuteRow {
  schedule_id: string;
  minute: Date;
  sold_seats: number;
  revenue: number | string;
}

/**
 * Seats sold and revenue per schedule and per minute, for analysts. Built from events alone,
 * so that it can be rebuilt without the catalog: ScheduleAdded names the concert, and each
 * ReservationConfirmed is one sale of its seats for its amount at that event's time.
 */
export const salesProjection: Projection = {
  name: PROJECTION_NAMES.sales,
  version: 1,
  categories: [scheduleStreamCategory, reservationStreamCategory],
  handles: ['ScheduleAdded', 'ReservationConfirmed'],
  tables: ['rm_sales_by_schedule', 'rm_sales_by_minute'],
  applyBatch: applySalesBatch,

  async apply(trx, { recorded, event }) {
    switch (event.type) {
      case 'ScheduleAdded': {
        const row: SalesByScheduleRow = {
          schedule_id: event.data.scheduleId,
          concert_id: event.data.concertId,
          sold_seats: 0,
          revenue: 0,
        };
        await trx<SalesByScheduleRow>('rm_sales_by_schedule').insert(row).onConflict('schedule_id').ignore();
        return;
      }
      case 'ReservationConfirmed': {
        const { scheduleId, seatIds, amount } = event.data;
        const counted = await trx<SalesByScheduleRow>('rm_sales_by_schedule')
          .where({ schedule_id: scheduleId })
          .update({
            sold_seats: trx.raw('sold_seats + ?', [seatIds.length]),
            revenue: trx.raw('revenue + ?', [amount]),
          })
          .returning('schedule_id');
        // The feed puts ScheduleAdded before any sale of it; without it there is no concert to
        // file the sale under, and both tables must tell the same story.
        if (counted.length === 0) return;
        const bucket: SalesByMinuteRow = {
          schedule_id: scheduleId,
          minute: minuteOf(eventTime(recorded)),
          sold_seats: seatIds.length,
          revenue: amount,
        };
        await trx<SalesByMinuteRow>('rm_sales_by_minute')
          .insert(bucket)
          .onConflict(['schedule_id', 'minute'])
          .merge({
            sold_seats: trx.raw('rm_sales_by_minute.sold_seats + excluded.sold_seats'),
            revenue: trx.raw('rm_sales_by_minute.revenue + excluded.revenue'),
          });
        return;
      }
      default:
        return;
    }
  },
};
