import type { Command } from '../decider.js';
import type { PaymentFailureReason } from './events.js';

export type RequestPayment = Command<
  'RequestPayment',
  { reservationId: string; paymentId: string; userId: string; amount: number; now: Date }
>;

export type CompletePayment = Command<'CompletePayment', { reservationId: string; paymentId: string; now: Date }>;

export type FailPayment = Command<
  'FailPayment',
  { reservationId: string; paymentId: string; reason: PaymentFailureReason; now: Date }
>;

export type RefundPayment = Command<'RefundPayment', { reservationId: string; paymentId: string; now: Date }>;

export type PaymentCommand = RequestPayment | CompletePayment | FailPayment | RefundPayment;
