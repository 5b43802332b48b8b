import { cacheKeys, type Projection, type RecordedEvent } from '@concert/infra';
import type { ConcertRow } from './catalog-rows.js';
import { addSchedule } from './catalog-schedule.js';
import { applySeatEvent, type SeatChange } from './catalog-seats.js';
import { eventTime } from './event-time.js';

/**
 * What each seat event changed, from `apply` to `staleCacheKeys`: only the rows know whether
 * a status moved and which concert the schedule belongs to, and `staleCacheKeys` sees the
 * event alone. Weak, so an event's entry goes with the event.
 */
const seatChanges = new WeakMap<RecordedEvent, SeatChange | null>();

/** Concerts, their schedules with seat counts, and seat maps: what the catalog GETs serve. */
export const catalogProjection: Projection = {
  name: 'catalog',
  handles: ['ConcertCreated', 'SalesOpened', 'ScheduleAdded', 'SeatHeld', 'SeatReleased', 'SeatSold'],
  tables: ['rm_concerts', 'rm_schedules', 'rm_seats'],

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
        return;
      }
      case 'SalesOpened':
        await trx<ConcertRow>('rm_concerts')
          .where({ concert_id: event.data.concertId })
          .update({ sales_opened_at: new Date(event.data.openedAt) });
        return;
      case 'ScheduleAdded':
        await addSchedule(trx, event.data);
        return;
      case 'SeatHeld':
      case 'SeatReleased':
      case 'SeatSold':
        seatChanges.set(recorded, (await applySeatEvent(trx, event)) ?? null);
        return;
      default:
        return;
    }
  },

  staleCacheKeys({ recorded, event }) {
    switch (event.type) {
      case 'ConcertCreated':
      case 'SalesOpened':
        return [cacheKeys.concertList()];
      case 'ScheduleAdded':
        // The seat map too: a request for it may have been answered before the schedule existed.
        return [cacheKeys.concertSchedules(event.data.concertId), cacheKeys.scheduleSeats(event.data.scheduleId)];
      case 'SeatHeld':
      case 'SeatReleased':
      case 'SeatSold': {
        const change = seatChanges.get(recorded);
        // This very event object was not applied here (the runner passed a copy): assume the
        // seat map changed; schedule counts then wait for their cache entry to expire.
        if (change === undefined) return [cacheKeys.scheduleSeats(event.data.scheduleId)];
        if (change === null) return [];
        const keys = [cacheKeys.scheduleSeats(change.scheduleId)];
        if (change.countersOfConcert !== undefined) keys.push(cacheKeys.concertSchedules(change.countersOfConcert));
        return keys;
      }
      default:
        return [];
    }
  },
};
