import type { ProjectedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime } from './event-time.js';
import type { ReservationRow } from './reservations.js';
import { RowBatch } from './row-batch.js';

/** The reservations projection's bulk form: reservations.ts's rules over in-memory rows, one upsert. */
export async function applyReservationsBatch(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<void> {
  const rows = new RowBatch<ReservationRow>({
    table: 'rm_reservations',
    key: ['reservation_id'],
    columns: [
      'reservation_id',
      'user_id',
      'schedule_id',
      'seat_ids',
      'amount',
      'status',
      'expires_at',
      'payment_id',
      'created_at',
      'updated_at',
    ],
  });
  await rows.load(
    trx,
    events.flatMap(({ event }) =>
      'reservationId' in event.data ? [{ reservation_id: event.data.reservationId }] : [],
    ),
  );
  for (const { recorded, event } of events) {
    const at = eventTime(recorded);
    switch (event.type) {
      case 'ReservationHeld': {
        const { reservationId, userId, scheduleId, seatIds, amount, expiresAt } = event.data;
        if (rows.get({ reservation_id: reservationId })) break;
        rows.set({
          reservation_id: reservationId,
          user_id: userId,
          schedule_id: scheduleId,
          seat_ids: seatIds,
          amount,
          status: 'HELD',
          expires_at: new Date(expiresAt),
          payment_id: null,
          created_at: at,
          updated_at: at,
        });
        break;
      }
      case 'ReservationConfirmed':
      case 'ReservationCancelled':
      case 'ReservationExpired': {
        // Only HELD moves, as in reservations.ts.
        const row = rows.get({ reservation_id: event.data.reservationId });
        if (row?.status !== 'HELD') break;
        if (event.type === 'ReservationConfirmed')
          rows.set({ ...row, status: 'CONFIRMED', payment_id: event.data.paymentId, updated_at: at });
        else
          rows.set({ ...row, status: event.type === 'ReservationCancelled' ? 'CANCELLED' : 'EXPIRED', updated_at: at });
        break;
      }
      default:
        break;
    }
  }
  await rows.flush(trx);
}
