import { DomainError } from '../domain-error.js';

export class PaymentInProgressError extends DomainError {
  constructor(reservationId: string, paymentId: string) {
    super('payment-in-progress', `Payment ${paymentId} for reservation ${reservationId} is still in progress`, {
      reservationId,
      paymentId,
    });
  }
}

export class AlreadyPaidError extends DomainError {
  constructor(reservationId: string, paymentId: string) {
    super('already-paid', `Reservation ${reservationId} is already paid by ${paymentId}`, { reservationId, paymentId });
  }
}

export class PaymentRefundedError extends DomainError {
  constructor(reservationId: string, paymentId: string) {
    super('payment-refunded', `Payment ${paymentId} for reservation ${reservationId} was refunded`, {
      reservationId,
      paymentId,
    });
  }
}

export class PaymentIdReusedError extends DomainError {
  constructor(paymentId: string) {
    super('payment-id-reused', `Payment id ${paymentId} was already used by a failed attempt`, { paymentId });
  }
}

export class PaymentNotRequestedError extends DomainError {
  constructor(reservationId: string, paymentId: string, status: string) {
    super('payment-not-requested', `Payment ${paymentId} is not the open request of reservation ${reservationId}`, {
      reservationId,
      paymentId,
      status,
    });
  }
}

export class PaymentNotCompletedError extends DomainError {
  constructor(reservationId: string, paymentId: string, status: string) {
    super('payment-not-completed', `Payment ${paymentId} of reservation ${reservationId} is not completed`, {
      reservationId,
      paymentId,
      status,
    });
  }
}
