import type { Decider } from '../decider.js';
import type { PaymentCommand } from './commands.js';
import { decide } from './decide.js';
import type { PaymentEvent } from './events.js';
import { evolve, initialState, type PaymentState } from './state.js';

export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = { decide, evolve, initialState };

export type { CompletePayment, FailPayment, PaymentCommand, RefundPayment, RequestPayment } from './commands.js';
export {
  AlreadyPaidError,
  PaymentIdReusedError,
  PaymentInProgressError,
  PaymentNotCompletedError,
  PaymentNotRequestedError,
  PaymentRefundedError,
} from './errors.js';
export {
  paymentCompletedDataSchema,
  paymentFailedDataSchema,
  paymentFailureReasonSchema,
  paymentRefundedDataSchema,
  paymentRequestedDataSchema,
  type PaymentCompleted,
  type PaymentEvent,
  type PaymentFailed,
  type PaymentFailureReason,
  type PaymentRefunded,
  type PaymentRequested,
} from './events.js';
export type {
  CompletedPayment,
  FailedPayment,
  NoPayment,
  PaymentAttempt,
  PaymentState,
  RefundedPayment,
  RequestedPayment,
} from './state.js';
export { paymentStreamCategory, paymentStreamId } from './stream.js';
