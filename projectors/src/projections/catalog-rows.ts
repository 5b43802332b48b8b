/** Rows of the catalog's tables (infra migration 002-read-models), as the pg driver returns them. */

export interface ConcertRow {
  concert_id: string;
  title: string;
  venue: string;
  sales_opened_at: Date | null;
  created_at: Date;
}

export interface ScheduleRow {
  schedule_id: string;
  concert_id: string;
  starts_at: Date;
  total_seats: number;
  available_seats: number;
  held_seats: number;
  sold_seats: number;
}

export type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD';

export interface SeatRow {
  schedule_id: string;
  seat_id: string;
  grade: string;
  price: number | string;
  status: SeatStatus;
  reservation_id: string | null;
  hold_expires_at: Date | null;
}

/** The schedule counter that counts seats in each status. */
export const counterOf: Readonly<Record<SeatStatus, 'available_seats' | 'held_seats' | 'sold_seats'>> = {
  AVAILABLE: 'available_seats',
  HELD: 'held_seats',
  SOLD: 'sold_seats',
};
