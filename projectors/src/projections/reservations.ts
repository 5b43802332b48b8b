import { reservationStreamCategory } from '@concert/domain';
import { PROJECTION_NAMES, type Projection } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime } from './event-time.js';
import { applyReservationsBatch } from './reservations-batch.js';

export type ReservationStatus = 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';

export interface ReservationRow {
  reservation_id: string;
  user_id: string;
  schedule_id: string | null;
  seat_ids: string[];
  amount: number | string;
  status: ReservationStatus;
  expires_at: Date | null;
  payment_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Ends a held reservation. Only HELD moves: terminal states are final, as in
 * domain/src/reservation/state.ts, so a late or repeated event is ignored rather than obeyed.
 */
async function finish(
  trx: Knex.Transaction,
  reservationId: string,
  change: Pick<ReservationRow, 'status' | 'updated_at'> & Partial<Pick<ReservationRow, 'payment_id'>>,
): Promise<void> {
  await trx<ReservationRow>('rm_reservations').where({ reservation_id: reservationId, status: 'HELD' }).update(change);
}

/** Reservations as their owners see them (GET /reservations/{id}, GET /me/reservations). */
export const reservationsProjection: Projection = {
  name: PROJECTION_NAMES.reservations,
  version: 1,
  categories: [reservationStreamCategory],
  handles: ['ReservationHeld', 'ReservationConfirmed', 'ReservationCancelled', 'ReservationExpired'],
  tables: ['rm_reservations'],
  applyBatch: applyReservationsBatch,

  async apply(trx, { recorded, event }) {
    const at = eventTime(recorded);
    switch (event.type) {
      case 'ReservationHeld': {
        const row: ReservationRow = {
          reservation_id: event.data.reservationId,
          user_id: event.data.userId,
          schedule_id: event.data.scheduleId,
          seat_ids: event.data.seatIds,
          amount: event.data.amount,
          status: 'HELD',
          expires_at: new Date(event.data.expiresAt),
          payment_id: null,
          created_at: at,
          updated_at: at,
        };
        await trx<ReservationRow>('rm_reservations').insert(row).onConflict('reservation_id').ignore();
        return;
      }
      case 'ReservationConfirmed':
        await finish(trx, event.data.reservationId, {
          status: 'CONFIRMED',
          payment_id: event.data.paymentId,
          updated_at: at,
        });
        return;
      case 'ReservationCancelled':
        await finish(trx, event.data.reservationId, { status: 'CANCELLED', updated_at: at });
        return;
      case 'ReservationExpired':
        // A reservation the saga expired before it was ever held has no row (and no owner to
        // show it to), so this only ends rows that exist.
        await finish(trx, event.data.reservationId, { status: 'EXPIRED', updated_at: at });
        return;
      default:
        return;
    }
  },
};
