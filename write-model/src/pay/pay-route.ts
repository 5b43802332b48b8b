import { randomUUID } from 'node:crypto';
import { authOf, HttpProblem, parseBody, payBody } from '@concert/infra';
import type { Express, Response } from 'express';
import { requestPayment, type PaymentOutcome } from './payment-process.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/**
 * POST /payments {reservationId} (owner) -> 201 {paymentId, reservationId, status: COMPLETED, amount}.
 * A payment that ran and failed answers with the reason's problem (the failure is recorded,
 * so a new attempt is allowed).
 */
export function payRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/payments',
    commandRoute(deps, 'pay', async (req, res) => {
      const { reservationId } = parseBody(payBody, req);
      const paymentId = randomUUID();
      const outcome = await requestPayment(commandContext(deps, res), {
        reservationId,
        userId: authOf(res).userId,
        paymentId,
      });
      answer(res, outcome);
    }),
  );
}

export function answer(res: Response, outcome: PaymentOutcome): void {
  setConsistencyToken(res, outcome.position);
  if (outcome.status === 'FAILED') {
    const reason = outcome.reason ?? 'reservation-not-held';
    throw new HttpProblem({
      status: reason === 'insufficient-funds' ? 422 : 409,
      code: reason,
      detail: `payment ${outcome.paymentId} failed: ${reason}`,
      extra: { paymentId: outcome.paymentId, reservationId: outcome.reservationId },
    });
  }
  res.status(201).location(`/payments/${outcome.paymentId}`).json({
    paymentId: outcome.paymentId,
    reservationId: outcome.reservationId,
    status: outcome.status,
    amount: outcome.amount,
  });
}
