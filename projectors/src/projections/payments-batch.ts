import type { ProjectedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime } from './event-time.js';
import type { PaymentRow } from './payments.js';
import { RowBatch } from './row-batch.js';

/** The payments projection's bulk form: payments.ts's rules over in-memory rows, one upsert. */
export async function applyPaymentsBatch(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<void> {
  const rows = new RowBatch<PaymentRow>({
    table: 'rm_payments',
    key: ['payment_id'],
    columns: [
      'payment_id',
      'reservation_id',
      'user_id',
      'amount',
      'status',
      'failure_reason',
      'requested_at',
      'completed_at',
      'updated_at',
    ],
  });
  await rows.load(
    trx,
    events.flatMap(({ event }) => ('paymentId' in event.data ? [{ payment_id: event.data.paymentId }] : [])),
  );
  for (const { recorded, event } of events) {
    const at = eventTime(recorded);
    switch (event.type) {
      case 'PaymentRequested': {
        const { paymentId, reservationId, userId, amount, requestedAt } = event.data;
        if (rows.get({ payment_id: paymentId })) break;
        rows.set({
          payment_id: paymentId,
          reservation_id: reservationId,
          user_id: userId,
          amount,
          status: 'REQUESTED',
          failure_reason: null,
          requested_at: new Date(requestedAt),
          completed_at: null,
          updated_at: at,
        });
        break;
      }
      case 'PaymentCompleted': {
        const row = rows.get({ payment_id: event.data.paymentId });
        if (row?.status === 'REQUESTED')
          rows.set({ ...row, status: 'COMPLETED', completed_at: new Date(event.data.completedAt), updated_at: at });
        break;
      }
      case 'PaymentFailed': {
        const row = rows.get({ payment_id: event.data.paymentId });
        if (row?.status === 'REQUESTED')
          rows.set({ ...row, status: 'FAILED', failure_reason: event.data.reason, updated_at: at });
        break;
      }
      case 'PaymentRefunded': {
        const row = rows.get({ payment_id: event.data.paymentId });
        if (row?.status === 'COMPLETED') rows.set({ ...row, status: 'REFUNDED', updated_at: at });
        break;
      }
      default:
        break;
    }
  }
  await rows.flush(trx);
}
