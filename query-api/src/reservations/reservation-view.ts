import type { ReservationStatus, ReservationView } from '@concert/infra';
import type { Knex } from 'knex';
import { amountOf, isoOf } from '../row-values.js';

export interface ReservationRow {
  reservation_id: string;
  user_id: string;
  schedule_id: string | null;
  status: ReservationStatus;
  seat_ids: string[];
  amount: string;
  expires_at: Date | null;
  payment_id: string | null;
}

export function reservationColumns(db: Knex): (string | Knex.Raw)[] {
  return [
    'reservation_id',
    'user_id',
    'schedule_id',
    'status',
    'seat_ids',
    db.raw('amount::text AS amount'),
    'expires_at',
    'payment_id',
  ];
}

/** The api-contract's reservation view of a row: the same fields alone (GET /reservations/{id}) and in a list. */
export function reservationView(row: ReservationRow): ReservationView {
  return {
    reservationId: row.reservation_id,
    ...(row.schedule_id === null ? {} : { scheduleId: row.schedule_id }),
    status: row.status,
    seatIds: row.seat_ids,
    amount: amountOf(row.amount),
    expiresAt: isoOf(row.expires_at),
    ...(row.payment_id === null ? {} : { paymentId: row.payment_id }),
  };
}
