import type { ScheduleAdded } from '@concert/domain';
import type { Knex } from 'knex';
import type { ScheduleRow, SeatRow } from './catalog-rows.js';

/**
 * A schedule has up to 5,000 seats. PostgreSQL takes at most 65,535 bind parameters per
 * statement; 1,000 rows x 5 columns stays far below that and keeps each statement small.
 */
const SEATS_PER_INSERT = 1000;

/** Inserts a schedule with every seat available. A redelivered ScheduleAdded changes nothing. */
export async function addSchedule(trx: Knex.Transaction, data: ScheduleAdded['data']): Promise<void> {
  const schedule: ScheduleRow = {
    schedule_id: data.scheduleId,
    concert_id: data.concertId,
    starts_at: new Date(data.startsAt),
    total_seats: data.seats.length,
    available_seats: data.seats.length,
    held_seats: 0,
    sold_seats: 0,
  };
  const inserted = await trx<ScheduleRow>('rm_schedules')
    .insert(schedule)
    .onConflict('schedule_id')
    .ignore()
    .returning('schedule_id');
  // Seats are only ever written with their schedule: if the schedule was there, so are they.
  if (inserted.length === 0) return;

  const seats = data.seats.map((seat): Pick<SeatRow, 'schedule_id' | 'seat_id' | 'grade' | 'price' | 'status'> => ({
    schedule_id: data.scheduleId,
    seat_id: seat.seatId,
    grade: seat.grade,
    price: seat.price,
    status: 'AVAILABLE',
  }));
  for (let start = 0; start < seats.length; start += SEATS_PER_INSERT) {
    await trx<SeatRow>('rm_seats').insert(seats.slice(start, start + SEATS_PER_INSERT));
  }
}
