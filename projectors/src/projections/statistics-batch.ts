import type { ProjectedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime, minuteOf } from './event-time.js';
import { RowBatch, writeTogether } from './row-batch.js';
import { minuteUpserts, MinuteDeltas } from './statistics-minutes.js';
import type { StatsReservationRow } from './statistics-reservations.js';

interface StatsConcertRow {
  concert_id: string;
}

interface StatsScheduleRow {
  schedule_id: string;
  concert_id: string;
}

/**
 * The statistics projection's bulk form: statistics.ts's rules folded over in-memory rows.
 * Each reservation's lifecycle row decides, as there, whether an event counts (a hold once,
 * one terminal event once and only after a hold); the minute counters it yields are summed
 * per schedule and minute and added in one upsert, as addToMinute adds them one by one. Every
 * write of the batch goes in one statement (writeTogether).
 */
export async function applyStatisticsBatch(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<void> {
  const concerts = new RowBatch<StatsConcertRow>({
    table: 'rm_stats_concerts',
    key: ['concert_id'],
    columns: ['concert_id'],
  });
  const schedules = new RowBatch<StatsScheduleRow>({
    table: 'rm_stats_schedules',
    key: ['schedule_id'],
    columns: ['schedule_id', 'concert_id'],
  });
  const reservations = new RowBatch<StatsReservationRow>({
    table: 'rm_stats_reservations',
    key: ['reservation_id'],
    columns: ['reservation_id', 'schedule_id', 'status', 'held_at', 'ended_at', 'ended_minute', 'hold_to_confirm_ms'],
  });
  await schedules.load(
    trx,
    events.flatMap(({ event }) => (event.type === 'ScheduleAdded' ? [{ schedule_id: event.data.scheduleId }] : [])),
  );
  await reservations.load(
    trx,
    events.flatMap(({ event }) =>
      'reservationId' in event.data ? [{ reservation_id: event.data.reservationId }] : [],
    ),
  );

  const minutes = new MinuteDeltas();
  for (const { recorded, event } of events) {
    const at = eventTime(recorded);
    switch (event.type) {
      case 'ConcertCreated':
        // The table is its key alone: the flush inserts it or leaves the existing row.
        concerts.set({ concert_id: event.data.concertId });
        break;
      case 'ScheduleAdded': {
        const key = { schedule_id: event.data.scheduleId };
        if (!schedules.get(key)) schedules.set({ ...key, concert_id: event.data.concertId });
        break;
      }
      case 'ReservationHeld': {
        const { reservationId, scheduleId, seatIds } = event.data;
        if (reservations.get({ reservation_id: reservationId })) break;
        reservations.set({
          reservation_id: reservationId,
          schedule_id: scheduleId,
          status: 'HELD',
          held_at: at,
          ended_at: null,
          ended_minute: null,
          hold_to_confirm_ms: null,
        });
        minutes.add(scheduleId, minuteOf(at), { holds: 1, seats_held: seatIds.length });
        break;
      }
      case 'ReservationConfirmed':
      case 'ReservationCancelled':
      case 'ReservationExpired': {
        // Only HELD moves, as in statistics-reservations.ts's endReservation.
        const row = reservations.get({ reservation_id: event.data.reservationId });
        if (row?.status !== 'HELD') break;
        const ended = { ...row, ended_at: at, ended_minute: minuteOf(at) };
        if (event.type === 'ReservationConfirmed') {
          // Never negative: the two events may be stamped by different command-api clocks.
          reservations.set({
            ...ended,
            status: 'CONFIRMED',
            hold_to_confirm_ms: Math.max(0, at.getTime() - row.held_at.getTime()),
          });
          const { seatIds, amount } = event.data;
          minutes.add(row.schedule_id, minuteOf(at), { confirmations: 1, seats_sold: seatIds.length, revenue: amount });
          minutes.add(row.schedule_id, minuteOf(row.held_at), { holds_confirmed: 1 });
        } else if (event.type === 'ReservationCancelled') {
          reservations.set({ ...ended, status: 'CANCELLED' });
          minutes.add(row.schedule_id, minuteOf(at), { cancellations: 1 });
        } else {
          reservations.set({ ...ended, status: 'EXPIRED' });
          minutes.add(row.schedule_id, minuteOf(at), { expiries: 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  await writeTogether(trx, [
    ...concerts.upserts(),
    ...schedules.upserts(),
    ...reservations.upserts(),
    ...minuteUpserts(minutes),
  ]);
}
