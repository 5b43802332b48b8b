import { expect } from 'chai';
import {
  AlreadyPaidError,
  PaymentInProgressError,
  paymentDecider,
  paymentStreamId,
  type PaymentEvent,
  type PaymentFailureReason,
} from '../src/index.js';
import { spec } from './decider-specification.js';

const reservationId = 'res-1';
const userId = 'user-1';
const amount = 30000;
const now = new Date('2030-01-01T10:00:00.000Z');
const at = now.toISOString();

const given = spec(paymentDecider).given;

const request = (paymentId: string) =>
  ({ type: 'RequestPayment', data: { reservationId, paymentId, userId, amount, now } }) as const;
const complete = (paymentId: string) => ({ type: 'CompletePayment', data: { reservationId, paymentId, now } }) as const;
const fail = (paymentId: string, reason: PaymentFailureReason = 'reservation-expired') =>
  ({ type: 'FailPayment', data: { reservationId, paymentId, reason, now } }) as const;
const refund = (paymentId: string) => ({ type: 'RefundPayment', data: { reservationId, paymentId, now } }) as const;

const requested = (paymentId: string): PaymentEvent => ({
  type: 'PaymentRequested',
  data: { reservationId, paymentId, userId, amount, requestedAt: at },
});
const completed = (paymentId: string): PaymentEvent => ({
  type: 'PaymentCompleted',
  data: { reservationId, paymentId, completedAt: at },
});
const failed = (paymentId: string, reason: PaymentFailureReason = 'reservation-expired'): PaymentEvent => ({
  type: 'PaymentFailed',
  data: { reservationId, paymentId, reason, failedAt: at },
});
const refunded = (paymentId: string): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: { reservationId, paymentId, amount, refundedAt: at },
});

describe('Payment', () => {
  it('When naming a payment stream, then it is keyed by the reservation', () => {
    expect(paymentStreamId('res-1')).to.equal('payment-res-1');
  });

  describe('RequestPayment', () => {
    it('When no payment was requested, then the payment is requested', () => {
      given([])
        .when(request('p1'))
        .then([requested('p1')]);
    });

    it('When a request is open, then another request is refused as in progress', () => {
      given([requested('p1')])
        .when(request('p2'))
        .thenThrows(PaymentInProgressError, { paymentId: 'p1' });
    });

    it('When the same request is repeated while open, then it is refused as in progress', () => {
      given([requested('p1')])
        .when(request('p1'))
        .thenThrows('payment-in-progress');
    });

    it('When the reservation is already paid, then a new request is refused', () => {
      given([requested('p1'), completed('p1')])
        .when(request('p2'))
        .thenThrows(AlreadyPaidError);
    });

    it('When the last attempt failed, then a new attempt with a new paymentId is requested', () => {
      given([requested('p1'), failed('p1')])
        .when(request('p2'))
        .then([requested('p2')]);
    });

    it('When the last attempt failed, then its paymentId cannot be reused', () => {
      given([requested('p1'), failed('p1')])
        .when(request('p1'))
        .thenThrows('payment-id-reused');
    });

    it('When an earlier attempt failed, then its paymentId cannot be reused either', () => {
      given([requested('p1'), failed('p1'), requested('p2'), failed('p2', 'insufficient-funds')])
        .when(request('p1'))
        .thenThrows('payment-id-reused', { paymentId: 'p1' });
    });

    it('When the payment was refunded, then a new request is refused', () => {
      given([requested('p1'), completed('p1'), refunded('p1')])
        .when(request('p2'))
        .thenThrows('payment-refunded');
    });

    it('When the amount is negative, then the request is invalid', () => {
      given([])
        .when({ type: 'RequestPayment', data: { reservationId, paymentId: 'p1', userId, amount: -1, now } })
        .thenThrows('validation');
    });
  });

  describe('CompletePayment', () => {
    it('When the request is open, then it completes', () => {
      given([requested('p1')])
        .when(complete('p1'))
        .then([completed('p1')]);
    });

    it('When it already completed, then the retry does nothing', () => {
      given([requested('p1'), completed('p1')])
        .when(complete('p1'))
        .thenNothing();
    });

    it('When the paymentId is not the open request, then completion is refused', () => {
      given([requested('p1')])
        .when(complete('p2'))
        .thenThrows('payment-not-requested', { paymentId: 'p2' });
    });

    it('When nothing was requested, then completion is refused', () => {
      given([]).when(complete('p1')).thenThrows('payment-not-requested');
    });

    it('When the payment failed, then it cannot complete', () => {
      given([requested('p1'), failed('p1')])
        .when(complete('p1'))
        .thenThrows('payment-not-requested');
    });
  });

  describe('FailPayment', () => {
    for (const reason of ['reservation-expired', 'reservation-not-held', 'insufficient-funds'] as const) {
      it(`When the request is open, then it fails with ${reason}`, () => {
        given([requested('p1')])
          .when(fail('p1', reason))
          .then([failed('p1', reason)]);
      });
    }

    it('When it already failed, then the retry does nothing', () => {
      given([requested('p1'), failed('p1')])
        .when(fail('p1'))
        .thenNothing();
    });

    it('When it completed, then it cannot fail', () => {
      given([requested('p1'), completed('p1')])
        .when(fail('p1'))
        .thenThrows('already-paid');
    });

    it('When the paymentId is not the open request, then failing is refused', () => {
      given([requested('p1')])
        .when(fail('p2'))
        .thenThrows('payment-not-requested');
    });

    it('When an older failed attempt is failed again, then failing is refused', () => {
      given([requested('p1'), failed('p1'), requested('p2')])
        .when(fail('p1'))
        .thenThrows('payment-not-requested');
    });
  });

  describe('RefundPayment', () => {
    it('When the payment completed, then it is refunded with its amount', () => {
      given([requested('p1'), completed('p1')])
        .when(refund('p1'))
        .then([refunded('p1')]);
    });

    it('When it was already refunded, then the retry does nothing', () => {
      given([requested('p1'), completed('p1'), refunded('p1')])
        .when(refund('p1'))
        .thenNothing();
    });

    it('When the request is still open, then a refund is refused', () => {
      given([requested('p1')])
        .when(refund('p1'))
        .thenThrows('payment-not-completed');
    });

    it('When the payment failed, then a refund is refused', () => {
      given([requested('p1'), failed('p1')])
        .when(refund('p1'))
        .thenThrows('payment-not-completed');
    });

    it('When another paymentId is refunded, then it is refused', () => {
      given([requested('p1'), completed('p1')])
        .when(refund('p2'))
        .thenThrows('payment-not-completed');
    });
  });
});
