import { concertStreamCategory, scheduleStreamCategory, seatStreamCategory } from '@concert/domain';
import { PROJECTION_NAMES, cacheKeys, catalogCachePrefixes, type Projection } from '@concert/infra';
import { applyCatalogBatch } from './catalog-batch.js';
import type { ConcertRow } from './catalog-rows.js';
import { addSchedule } from './catalog-schedule.js';
import { applySeatEvent } from './catalog-seats.js';
import { eventTime } from './event-time.js';

/** Concerts, their schedules with seat counts, and seat maps: what the catalog GETs serve. */
export const catalogProjection: Projection = {
  name: PROJECTION_NAMES.catalog,
  version: 1,
  categories: [concertStreamCategory, scheduleStreamCategory, seatStreamCategory],
  handles: ['ConcertCreated', 'SalesOpened', 'ScheduleAdded', 'SeatHeld', 'SeatReleased', 'SeatSold'],
  tables: ['rm_concerts', 'rm_schedules', 'rm_seats'],
  cachePrefixes: catalogCachePrefixes,
  applyBatch: applyCatalogBatch,

  async apply(trx, { recorded, event }) {
    switch (event.type) {
      case 'ConcertCreated': {
        const row: ConcertRow = {
          concert_id: event.data.concertId,
          title: event.data.title,
          venue: event.data.venue,
          sales_opened_at: null,
          created_at: eventTime(recorded),
        };
        await trx<ConcertRow>('rm_concerts').insert(row).onConflict('concert_id').ignore();
        return [cacheKeys.concertList()];
      }
      case 'SalesOpened':
        await trx<ConcertRow>('rm_concerts')
          .where({ concert_id: event.data.concertId })
          .update({ sales_opened_at: new Date(event.data.openedAt) });
        return [cacheKeys.concertList()];
      case 'ScheduleAdded':
        await addSchedule(trx, event.data);
        // The seat map too: a request for it may have been answered before the schedule existed.
        return [cacheKeys.concertSchedules(event.data.concertId), cacheKeys.scheduleSeats(event.data.scheduleId)];
      case 'SeatHeld':
      case 'SeatReleased':
      case 'SeatSold': {
        const change = await applySeatEvent(trx, event);
        if (!change) return [];
        const keys = [cacheKeys.scheduleSeats(change.scheduleId)];
        if (change.countersOfConcert !== undefined) keys.push(cacheKeys.concertSchedules(change.countersOfConcert));
        return keys;
      }
      default:
        return [];
    }
  },
};
