import { entityIdSchema } from '@concert/domain';
import { authOf, parseParams, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import { z } from 'zod';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { noQuerySchema } from '../no-query.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { assertOwner, notFound } from '../query-problems.js';
import { amountOf } from '../row-values.js';

interface PaymentRow {
  payment_id: string;
  reservation_id: string;
  user_id: string;
  status: 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'REFUNDED';
  amount: string;
}

const paramsSchema = z.object({ paymentId: entityIdSchema });

/**
 * GET /payments/{paymentId} (owner) -> 200 {paymentId, reservationId, status, amount}, the
 * shape POST /payments answers, with status REQUESTED/COMPLETED/FAILED/REFUNDED; 403, 404
 * payment-not-found.
 */
export function getPaymentRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/payments/:paymentId', async (req, res) => {
    const { paymentId } = parseParams(paramsSchema, req);
    parseQuery(noQuerySchema, req);
    const row = await deps.reader.read({
      projections: [PROJECTIONS.payments],
      token: consistencyTokenOf(req),
      load: (db) =>
        db('rm_payments')
          .first<PaymentRow | undefined>(
            'payment_id',
            'reservation_id',
            'user_id',
            'status',
            db.raw('amount::text AS amount'),
          )
          .where({ payment_id: paymentId }),
    });
    if (row === undefined) throw notFound('payment-not-found', `no payment ${paymentId}`);
    assertOwner(row.user_id, authOf(res).userId, 'payment');
    res.status(200).json({
      paymentId: row.payment_id,
      reservationId: row.reservation_id,
      status: row.status,
      amount: amountOf(row.amount),
    });
  });
}
