import { cacheKeys, type ProjectedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { ScheduleCounterDeltas } from './catalog-counters.js';
import { counterOf, type ConcertRow, type ScheduleRow, type SeatRow } from './catalog-rows.js';
import { eventTime } from './event-time.js';
import { RowBatch, writeTogether } from './row-batch.js';
import { nextHolding } from './seat-transition.js';

/**
 * The catalog's bulk form: the rules of catalog.ts, catalog-schedule.ts and catalog-seats.ts
 * folded over in-memory rows, then one upsert per table (instead of three statements per
 * seat event). Same rows, same stale cache keys. Schedules are only read for the batch's
 * ScheduleAdded events; seat events move the counters of the others by summed deltas; every
 * write goes in one statement: a batch of seat events is two statements in all.
 */
export async function applyCatalogBatch(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<string[]> {
  const concerts = new RowBatch<ConcertRow>({
    table: 'rm_concerts',
    key: ['concert_id'],
    columns: ['concert_id', 'title', 'venue', 'sales_opened_at', 'created_at'],
  });
  const schedules = new RowBatch<ScheduleRow>({
    table: 'rm_schedules',
    key: ['schedule_id'],
    columns: ['schedule_id', 'concert_id', 'starts_at', 'total_seats', 'available_seats', 'held_seats', 'sold_seats'],
  });
  const seats = new RowBatch<SeatRow>({
    table: 'rm_seats',
    key: ['schedule_id', 'seat_id'],
    columns: ['schedule_id', 'seat_id', 'grade', 'price', 'status', 'reservation_id', 'hold_expires_at'],
  });

  const concertKeys: Partial<ConcertRow>[] = [];
  const scheduleKeys: Partial<ScheduleRow>[] = [];
  const seatKeys: Partial<SeatRow>[] = [];
  for (const { event } of events) {
    switch (event.type) {
      case 'ConcertCreated':
      case 'SalesOpened':
        concertKeys.push({ concert_id: event.data.concertId });
        break;
      case 'ScheduleAdded':
        scheduleKeys.push({ schedule_id: event.data.scheduleId });
        break;
      case 'SeatHeld':
      case 'SeatReleased':
      case 'SeatSold':
        seatKeys.push({ schedule_id: event.data.scheduleId, seat_id: event.data.seatId });
        break;
      default:
        break;
    }
  }
  await concerts.load(trx, concertKeys);
  await schedules.load(trx, scheduleKeys);
  await seats.load(trx, seatKeys);

  const stale = new Set<string>();
  const deltas = new ScheduleCounterDeltas();
  for (const { recorded, event } of events) {
    switch (event.type) {
      case 'ConcertCreated': {
        const key = { concert_id: event.data.concertId };
        if (!concerts.get(key)) {
          concerts.set({
            ...key,
            title: event.data.title,
            venue: event.data.venue,
            sales_opened_at: null,
            created_at: eventTime(recorded),
          });
        }
        stale.add(cacheKeys.concertList());
        break;
      }
      case 'SalesOpened': {
        const row = concerts.get({ concert_id: event.data.concertId });
        if (row) concerts.set({ ...row, sales_opened_at: new Date(event.data.openedAt) });
        stale.add(cacheKeys.concertList());
        break;
      }
      case 'ScheduleAdded': {
        const { scheduleId, concertId } = event.data;
        if (!schedules.get({ schedule_id: scheduleId })) {
          const total = event.data.seats.length;
          schedules.set({
            schedule_id: scheduleId,
            concert_id: concertId,
            starts_at: new Date(event.data.startsAt),
            total_seats: total,
            available_seats: total,
            held_seats: 0,
            sold_seats: 0,
          });
          for (const seat of event.data.seats) {
            seats.set({
              schedule_id: scheduleId,
              seat_id: seat.seatId,
              grade: seat.grade,
              price: seat.price,
              status: 'AVAILABLE',
              reservation_id: null,
              hold_expires_at: null,
            });
          }
        }
        stale.add(cacheKeys.concertSchedules(concertId));
        stale.add(cacheKeys.scheduleSeats(scheduleId));
        break;
      }
      case 'SeatHeld':
      case 'SeatReleased':
      case 'SeatSold': {
        const { scheduleId, seatId } = event.data;
        const current = seats.get({ schedule_id: scheduleId, seat_id: seatId });
        if (!current) break;
        const next = nextHolding(current, event);
        if (!next) break;
        seats.set({ ...current, ...next });
        stale.add(cacheKeys.scheduleSeats(scheduleId));
        if (next.status === current.status) break;
        const schedule = schedules.get({ schedule_id: scheduleId });
        if (!schedule) {
          deltas.move(scheduleId, current.status, next.status);
          break;
        }
        schedules.set({
          ...schedule,
          [counterOf[current.status]]: schedule[counterOf[current.status]] - 1,
          [counterOf[next.status]]: schedule[counterOf[next.status]] + 1,
        });
        stale.add(cacheKeys.concertSchedules(schedule.concert_id));
        break;
      }
      default:
        break;
    }
  }
  // One statement for every write: each row is written by one of its parts (the counter deltas
  // are for schedules not in memory, so not among those upserted).
  const counters = deltas.statement();
  const rows = await writeTogether<{ concert_id: string }>(trx, [
    ...concerts.upserts(),
    ...schedules.upserts(),
    ...seats.upserts(),
    ...(counters ? [counters] : []),
  ]);
  if (counters) for (const { concert_id } of rows) stale.add(cacheKeys.concertSchedules(concert_id));
  return [...stale];
}
