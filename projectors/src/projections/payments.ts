import { paymentStreamCategory, type PaymentFailureReason } from '@concert/domain';
import { PROJECTION_NAMES, type Projection } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime } from './event-time.js';
import { applyPaymentsBatch } from './payments-batch.js';

export type PaymentStatus = 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'REFUNDED';

export interface PaymentRow {
  payment_id: string;
  reservation_id: string;
  user_id: string;
  amount: number | string;
  status: PaymentStatus;
  failure_reason: PaymentFailureReason | null;
  requested_at: Date;
  completed_at: Date | null;
  updated_at: Date;
}

/**
 * Moves one payment attempt from `from` only, as domain/src/payment/state.ts does: completed
 * or failed from REQUESTED, refunded from COMPLETED; anything else is ignored.
 */
async function move(
  trx: Knex.Transaction,
  paymentId: string,
  from: PaymentStatus,
  change: Pick<PaymentRow, 'status' | 'updated_at'> & Partial<Pick<PaymentRow, 'failure_reason' | 'completed_at'>>,
): Promise<void> {
  await trx<PaymentRow>('rm_payments').where({ payment_id: paymentId, status: from }).update(change);
}

/** One row per payment attempt (a reservation may have failed attempts before a completed one). */
export const paymentsProjection: Projection = {
  name: PROJECTION_NAMES.payments,
  version: 1,
  categories: [paymentStreamCategory],
  handles: ['PaymentRequested', 'PaymentCompleted', 'PaymentFailed', 'PaymentRefunded'],
  tables: ['rm_payments'],
  applyBatch: applyPaymentsBatch,

  async apply(trx, { recorded, event }) {
    const at = eventTime(recorded);
    switch (event.type) {
      case 'PaymentRequested': {
        const row: PaymentRow = {
          payment_id: event.data.paymentId,
          reservation_id: event.data.reservationId,
          user_id: event.data.userId,
          amount: event.data.amount,
          status: 'REQUESTED',
          failure_reason: null,
          requested_at: new Date(event.data.requestedAt),
          completed_at: null,
          updated_at: at,
        };
        await trx<PaymentRow>('rm_payments').insert(row).onConflict('payment_id').ignore();
        return;
      }
      case 'PaymentCompleted':
        await move(trx, event.data.paymentId, 'REQUESTED', {
          status: 'COMPLETED',
          completed_at: new Date(event.data.completedAt),
          updated_at: at,
        });
        return;
      case 'PaymentFailed':
        await move(trx, event.data.paymentId, 'REQUESTED', {
          status: 'FAILED',
          failure_reason: event.data.reason,
          updated_at: at,
        });
        return;
      case 'PaymentRefunded':
        await move(trx, event.data.paymentId, 'COMPLETED', { status: 'REFUNDED', updated_at: at });
        return;
      default:
        return;
    }
  },
};
