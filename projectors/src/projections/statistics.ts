import { concertStreamCategory, reservationStreamCategory, scheduleStreamCategory } from '@concert/domain';
import { PROJECTION_NAMES, type Projection } from '@concert/infra';
import { eventTime, minuteOf } from './event-time.js';
import { applyStatisticsBatch } from './statistics-batch.js';
import { addToMinute } from './statistics-minutes.js';
import { endReservation, recordHold } from './statistics-reservations.js';

/**
 * Statistics for administrators (issue 6, GET /admin/stats/...): per schedule and UTC minute
 * of each event's time, holds (and their seats), expiries, cancellations, confirmations (seats
 * and revenue), and, filed under the minute of the hold, how many of those holds were
 * confirmed; plus each reservation's hold time, for the median time from hold to payment.
 *
 * A reservation is counted through its own lifecycle row: a hold once, and one terminal event
 * once, only after its hold (the feed puts ReservationHeld first in its stream). So the model
 * is the same however often an event is applied, and conversions never exceed 1. Concerts and
 * schedules are kept here too: a projection reads no table but its own.
 */
export const statisticsProjection: Projection = {
  name: PROJECTION_NAMES.statistics,
  version: 1,
  categories: [concertStreamCategory, scheduleStreamCategory, reservationStreamCategory],
  handles: [
    'ConcertCreated',
    'ScheduleAdded',
    'ReservationHeld',
    'ReservationConfirmed',
    'ReservationCancelled',
    'ReservationExpired',
  ],
  tables: ['rm_stats_concerts', 'rm_stats_schedules', 'rm_stats_by_minute', 'rm_stats_reservations'],
  // No cachePrefixes: the query API serves /admin/stats uncached.
  applyBatch: applyStatisticsBatch,

  async apply(trx, { recorded, event }) {
    const at = eventTime(recorded);
    switch (event.type) {
      case 'ConcertCreated':
        await trx('rm_stats_concerts').insert({ concert_id: event.data.concertId }).onConflict('concert_id').ignore();
        return;
      case 'ScheduleAdded':
        await trx('rm_stats_schedules')
          .insert({ schedule_id: event.data.scheduleId, concert_id: event.data.concertId })
          .onConflict('schedule_id')
          .ignore();
        return;
      case 'ReservationHeld': {
        const { reservationId, scheduleId, seatIds } = event.data;
        if (await recordHold(trx, reservationId, scheduleId, at)) {
          await addToMinute(trx, scheduleId, minuteOf(at), { holds: 1, seats_held: seatIds.length });
        }
        return;
      }
      case 'ReservationConfirmed': {
        const ended = await endReservation(trx, event.data.reservationId, 'CONFIRMED', at);
        if (ended === undefined) return;
        const sale = { confirmations: 1, seats_sold: event.data.seatIds.length, revenue: event.data.amount };
        const paidIn = minuteOf(at);
        const heldIn = minuteOf(ended.heldAt);
        // Most payments come within the minute of their hold: one statement then, not two.
        if (paidIn.getTime() === heldIn.getTime()) {
          await addToMinute(trx, ended.scheduleId, paidIn, { ...sale, holds_confirmed: 1 });
        } else {
          await addToMinute(trx, ended.scheduleId, paidIn, sale);
          await addToMinute(trx, ended.scheduleId, heldIn, { holds_confirmed: 1 });
        }
        return;
      }
      case 'ReservationCancelled': {
        const ended = await endReservation(trx, event.data.reservationId, 'CANCELLED', at);
        if (ended !== undefined) await addToMinute(trx, ended.scheduleId, minuteOf(at), { cancellations: 1 });
        return;
      }
      case 'ReservationExpired': {
        const ended = await endReservation(trx, event.data.reservationId, 'EXPIRED', at);
        if (ended !== undefined) await addToMinute(trx, ended.scheduleId, minuteOf(at), { expiries: 1 });
        return;
      }
      default:
        return;
    }
  },
};
