import type { PaymentEvent, PaymentFailureReason } from './events.js';

/** The current (latest) attempt of a reservation's payment. */
export interface PaymentAttempt {
  readonly reservationId: string;
  readonly paymentId: string;
  readonly userId: string;
  readonly amount: number;
  readonly requestedAt: string;
  /**
   * Earlier attempts, all failed. Kept so that a failed paymentId is never reused: the wallet
   * would treat its debit as already done and the new attempt would be paid for free.
   */
  readonly failedPaymentIds: readonly string[];
}

export interface NoPayment {
  readonly status: 'None';
}

/** Open: the process manager has work left; the recovery worker resumes such streams. */
export interface RequestedPayment extends PaymentAttempt {
  readonly status: 'Requested';
}

export interface CompletedPayment extends PaymentAttempt {
  readonly status: 'Completed';
}

export interface FailedPayment extends PaymentAttempt {
  readonly status: 'Failed';
  readonly reason: PaymentFailureReason;
}

export interface RefundedPayment extends PaymentAttempt {
  readonly status: 'Refunded';
}

export type PaymentState = NoPayment | RequestedPayment | CompletedPayment | FailedPayment | RefundedPayment;

export const initialState = (): PaymentState => ({ status: 'None' });

function attemptOf(state: Exclude<PaymentState, NoPayment>): PaymentAttempt {
  const { reservationId, paymentId, userId, amount, requestedAt, failedPaymentIds } = state;
  return { reservationId, paymentId, userId, amount, requestedAt, failedPaymentIds };
}

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRequested': {
      const failedPaymentIds = state.status === 'Failed' ? [...state.failedPaymentIds, state.paymentId] : [];
      return { status: 'Requested', ...event.data, failedPaymentIds };
    }
    case 'PaymentCompleted':
      if (state.status !== 'Requested' || state.paymentId !== event.data.paymentId) return state;
      return { ...attemptOf(state), status: 'Completed' };
    case 'PaymentFailed':
      if (state.status !== 'Requested' || state.paymentId !== event.data.paymentId) return state;
      return { ...attemptOf(state), status: 'Failed', reason: event.data.reason };
    case 'PaymentRefunded':
      if (state.status !== 'Completed' || state.paymentId !== event.data.paymentId) return state;
      return { ...attemptOf(state), status: 'Refunded' };
    default:
      return state;
  }
}
