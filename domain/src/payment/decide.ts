import { toInstant } from '../instant.js';
import { validate } from '../validation.js';
import type { CompletePayment, FailPayment, PaymentCommand, RefundPayment, RequestPayment } from './commands.js';
import {
  AlreadyPaidError,
  PaymentIdReusedError,
  PaymentInProgressError,
  PaymentNotCompletedError,
  PaymentNotRequestedError,
  PaymentRefundedError,
} from './errors.js';
import {
  paymentCompletedDataSchema,
  paymentFailedDataSchema,
  paymentRefundedDataSchema,
  paymentRequestedDataSchema,
  type PaymentCompleted,
  type PaymentEvent,
  type PaymentFailed,
  type PaymentRefunded,
  type PaymentRequested,
} from './events.js';
import type { PaymentState } from './state.js';

/** One attempt at a time; a new attempt, with a new paymentId, only after the last one failed. */
export function requestPayment(command: RequestPayment, state: PaymentState): PaymentRequested[] {
  const { now, ...rest } = command.data;
  const data = validate(paymentRequestedDataSchema, { ...rest, requestedAt: toInstant(now, 'now') }, 'payment request');
  switch (state.status) {
    case 'None':
      return [{ type: 'PaymentRequested', data }];
    case 'Failed':
      if (data.paymentId === state.paymentId || state.failedPaymentIds.includes(data.paymentId)) {
        throw new PaymentIdReusedError(data.paymentId);
      }
      return [{ type: 'PaymentRequested', data }];
    case 'Requested':
      throw new PaymentInProgressError(state.reservationId, state.paymentId);
    case 'Completed':
      throw new AlreadyPaidError(state.reservationId, state.paymentId);
    case 'Refunded':
      throw new PaymentRefundedError(state.reservationId, state.paymentId);
  }
}

export function completePayment(command: CompletePayment, state: PaymentState): PaymentCompleted[] {
  const { reservationId, paymentId, now } = command.data;
  const data = validate(
    paymentCompletedDataSchema,
    { reservationId, paymentId, completedAt: toInstant(now, 'now') },
    'payment completion',
  );
  if (state.status !== 'None' && state.paymentId === paymentId) {
    // A refund comes after completion, so completing again is a retry of what already happened.
    if (state.status === 'Completed' || state.status === 'Refunded') return [];
    if (state.status === 'Requested') return [{ type: 'PaymentCompleted', data }];
  }
  throw new PaymentNotRequestedError(reservationId, paymentId, state.status);
}

export function failPayment(command: FailPayment, state: PaymentState): PaymentFailed[] {
  const { reservationId, paymentId, reason, now } = command.data;
  const data = validate(
    paymentFailedDataSchema,
    { reservationId, paymentId, reason, failedAt: toInstant(now, 'now') },
    'payment failure',
  );
  if (state.status !== 'None' && state.paymentId === paymentId) {
    switch (state.status) {
      case 'Requested':
        return [{ type: 'PaymentFailed', data }];
      case 'Failed':
        return [];
      case 'Completed':
        throw new AlreadyPaidError(reservationId, paymentId);
      case 'Refunded':
        throw new PaymentRefundedError(reservationId, paymentId);
    }
  }
  throw new PaymentNotRequestedError(reservationId, paymentId, state.status);
}

export function refundPayment(command: RefundPayment, state: PaymentState): PaymentRefunded[] {
  const { reservationId, paymentId, now } = command.data;
  const refundedAt = toInstant(now, 'now');
  if (state.status === 'Refunded' && state.paymentId === paymentId) return [];
  if (state.status !== 'Completed' || state.paymentId !== paymentId) {
    throw new PaymentNotCompletedError(reservationId, paymentId, state.status);
  }
  const data = validate(
    paymentRefundedDataSchema,
    { reservationId, paymentId, amount: state.amount, refundedAt },
    'payment refund',
  );
  return [{ type: 'PaymentRefunded', data }];
}

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RequestPayment':
      return requestPayment(command, state);
    case 'CompletePayment':
      return completePayment(command, state);
    case 'FailPayment':
      return failPayment(command, state);
    case 'RefundPayment':
      return refundPayment(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown payment command ${JSON.stringify(unknown)}`);
    }
  }
}
