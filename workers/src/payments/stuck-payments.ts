import type { Knex } from 'knex';

export interface StuckPayment {
  paymentId: string;
  reservationId: string;
  requestedAt: Date;
}

/**
 * Payments still REQUESTED (PaymentRequested, no terminal event) that began before `before`,
 * oldest first, from the payments read model. It lags the event store, so a payment finished
 * a moment ago may be listed: resuming it again is a no-op.
 */
export async function findStuckPayments(knex: Knex, before: Date, limit: number): Promise<StuckPayment[]> {
  const rows = await knex<{ payment_id: string; reservation_id: string; requested_at: Date }>('rm_payments')
    .select('payment_id', 'reservation_id', 'requested_at')
    .where('status', 'REQUESTED')
    .andWhere('requested_at', '<', before)
    .orderBy('requested_at')
    .limit(limit);
  return rows.map((row) => ({
    paymentId: row.payment_id,
    reservationId: row.reservation_id,
    requestedAt: row.requested_at,
  }));
}
