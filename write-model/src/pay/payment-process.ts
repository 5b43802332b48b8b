import {
  InsufficientFundsError,
  PaymentInProgressError,
  payableReservation,
  paymentDecider,
  paymentStreamId,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationNotHeldError,
  reservationDecider,
  reservationStreamId,
  seatDecider,
  seatStreamId,
  walletDecider,
  walletStreamId,
  type PaymentFailureReason,
  type RequestedPayment,
} from '@concert/domain';
import type { GlobalPosition } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { handleCommand, loadStream } from '../command-loop/handle-command.js';
import { expireReservation } from '../expire-reservation/expire-reservation.js';
import { paymentLockKey } from './payment-lock.js';

export interface PaymentOutcome {
  reservationId: string;
  paymentId: string;
  amount: number;
  status: 'COMPLETED' | 'FAILED' | 'REFUNDED';
  reason?: PaymentFailureReason;
  /** Position of the last event the process wrote (undefined when it had nothing left to do). */
  position: GlobalPosition | undefined;
}

/** Pays a held reservation from the owner's wallet (docs/architecture.md, 'Payment, exactly once'): open the payment, then run it. */
export async function requestPayment(
  ctx: CommandContext,
  input: { reservationId: string; userId: string; paymentId: string },
): Promise<PaymentOutcome> {
  await openPayment(ctx, input);
  const outcome = await resumePaymentAlone(ctx, input.reservationId);
  // Recovery took it up already (the request stalled past PAYMENT_RECOVERY_AFTER_MS): it finishes it.
  if (outcome === 'busy') throw new PaymentInProgressError(input.reservationId, input.paymentId);
  return outcome;
}

/** resumePayment under the payment's lock (ctx.paymentLock): 'busy' when another runner has it. */
export async function resumePaymentAlone(ctx: CommandContext, reservationId: string): Promise<PaymentOutcome | 'busy'> {
  const resume = () => resumePayment(ctx, reservationId);
  return ctx.paymentLock ? ctx.paymentLock.whileHeld(paymentLockKey(reservationId), resume) : resume();
}

/**
 * Appends PaymentRequested, the start of the process. Refused with nothing written when the
 * reservation is not the caller's, not held, or past its deadline, or a payment is already open.
 */
export async function openPayment(
  ctx: CommandContext,
  input: { reservationId: string; userId: string; paymentId: string },
): Promise<void> {
  const { state } = await loadStream(ctx, reservationStreamId(input.reservationId), reservationDecider);
  const reservation = payableReservation(state, { ...input, now: ctx.now() });

  await handleCommand(
    ctx,
    paymentStreamId(input.reservationId),
    paymentDecider,
    {
      type: 'RequestPayment',
      data: { ...input, amount: reservation.amount, now: ctx.now() },
    },
    { maxRetries: 1 },
  );
}

/** What a step needs to know about the open attempt. */
export type OpenAttempt = RequestedPayment;

type StepResult = { position: GlobalPosition | undefined; failure?: PaymentFailureReason };

/**
 * The process, step by step. Each step is idempotent (the events remember what was done),
 * so running the whole list again from any point completes the payment without double
 * effects. Exported so that tests can stop after any step, as a crash would.
 */
export const paymentSteps: ReadonlyArray<{
  name: string;
  run(ctx: CommandContext, attempt: OpenAttempt): Promise<StepResult>;
}> = [
  {
    name: 'debit-wallet',
    async run(ctx, attempt) {
      try {
        const debited = await handleCommand(
          ctx,
          walletStreamId(attempt.userId),
          walletDecider,
          {
            type: 'DebitWallet',
            data: { userId: attempt.userId, paymentId: attempt.paymentId, amount: attempt.amount, now: ctx.now() },
          },
          { maxRetries: 10 },
        );
        return { position: debited.position };
      } catch (error) {
        if (error instanceof InsufficientFundsError) return { position: undefined, failure: 'insufficient-funds' };
        throw error;
      }
    },
  },
  {
    name: 'confirm-reservation',
    async run(ctx, attempt) {
      const confirm = () =>
        handleCommand(
          ctx,
          reservationStreamId(attempt.reservationId),
          reservationDecider,
          {
            type: 'ConfirmReservation',
            data: { reservationId: attempt.reservationId, paymentId: attempt.paymentId, now: ctx.now() },
          },
          { maxRetries: 3 },
        );
      try {
        return { position: (await confirm()).position };
      } catch (error) {
        // Refused: a failure only once the reservation is terminal (recorded with the revision
        // read), so that no other run of this payment, deciding on an earlier clock, can still
        // confirm it after this one refunds (defect 12.4).
        if (error instanceof ReservationNotHeldError) return { position: undefined, failure: 'reservation-not-held' };
        if (!(error instanceof ReservationExpiredError)) throw error;
        const expiry = await expireReservation(ctx, attempt.reservationId);
        if (expiry.outcome !== 'not-expirable') return { position: expiry.position, failure: 'reservation-expired' };
        // Confirmed meanwhile by another run of this payment: confirming again is a no-op.
        return { position: (await confirm()).position };
      }
    },
  },
  {
    name: 'sell-seats',
    async run(ctx, attempt) {
      const { state } = await loadStream(ctx, reservationStreamId(attempt.reservationId), reservationDecider);
      if (state.status !== 'Confirmed')
        throw new Error(`reservation ${attempt.reservationId} is ${state.status}, not confirmed`);
      let position: GlobalPosition | undefined;
      for (const seatId of state.seatIds) {
        // Cannot be refused: a confirmed reservation's seats are never released (the release rule).
        const sold = await handleCommand(
          ctx,
          seatStreamId(state.scheduleId, seatId),
          seatDecider,
          {
            type: 'SellSeat',
            data: {
              scheduleId: state.scheduleId,
              seatId,
              reservationId: attempt.reservationId,
              paymentId: attempt.paymentId,
            },
          },
          { maxRetries: 3 },
        );
        position = sold.position ?? position;
      }
      return { position };
    },
  },
  {
    name: 'complete-payment',
    async run(ctx, attempt) {
      const completed = await handleCommand(ctx, paymentStreamId(attempt.reservationId), paymentDecider, {
        type: 'CompletePayment',
        data: { reservationId: attempt.reservationId, paymentId: attempt.paymentId, now: ctx.now() },
      });
      return { position: completed.position };
    },
  },
];

/** The way out when the reservation was lost (or funds were short): refund what was taken, then record the failure. */
export const failureSteps: ReadonlyArray<{
  name: string;
  run(ctx: CommandContext, attempt: OpenAttempt, reason: PaymentFailureReason): Promise<StepResult>;
}> = [
  {
    name: 'refund-wallet',
    async run(ctx, attempt, reason) {
      // The debit was refused, so there is nothing of this payment to refund: a debit that
      // appeared since is another run's, which goes on to confirm (or refunds it itself).
      if (reason === 'insufficient-funds') return { position: undefined };
      // A no-op when nothing was debited for this payment.
      const credited = await handleCommand(
        ctx,
        walletStreamId(attempt.userId),
        walletDecider,
        {
          type: 'CreditWallet',
          data: { userId: attempt.userId, paymentId: attempt.paymentId, amount: attempt.amount, now: ctx.now() },
        },
        { maxRetries: 10 },
      );
      return { position: credited.position };
    },
  },
  {
    name: 'fail-payment',
    async run(ctx, attempt, reason) {
      const failed = await handleCommand(ctx, paymentStreamId(attempt.reservationId), paymentDecider, {
        type: 'FailPayment',
        data: { reservationId: attempt.reservationId, paymentId: attempt.paymentId, reason, now: ctx.now() },
      });
      return { position: failed.position };
    },
  },
];

/**
 * Finishes the payment of a reservation from wherever it stopped: the recovery worker calls
 * this for PaymentRequested streams without a terminal event. A finished payment is reported as it is.
 */
export async function resumePayment(ctx: CommandContext, reservationId: string): Promise<PaymentOutcome> {
  const run = paymentRun(ctx, reservationId);
  for (;;) {
    const next = await run.next();
    if (next.done) return next.value;
  }
}

/**
 * One run of the payment process, pausing after every step (it yields the step's name):
 * resumePayment runs it through; tests interleave two runs step by step.
 */
export async function* paymentRun(ctx: CommandContext, reservationId: string): AsyncGenerator<string, PaymentOutcome> {
  const { state } = await loadStream(ctx, paymentStreamId(reservationId), paymentDecider);
  if (state.status === 'None') throw new ReservationNotFoundError(reservationId);
  const outcome = (
    status: PaymentOutcome['status'],
    position: GlobalPosition | undefined,
    reason?: PaymentFailureReason,
  ): PaymentOutcome => ({
    reservationId,
    paymentId: state.paymentId,
    amount: state.amount,
    status,
    position,
    ...(reason ? { reason } : {}),
  });
  if (state.status === 'Completed') return outcome('COMPLETED', undefined);
  if (state.status === 'Refunded') return outcome('REFUNDED', undefined);
  if (state.status === 'Failed') return outcome('FAILED', undefined, state.reason);

  let position: GlobalPosition | undefined;
  for (const step of paymentSteps) {
    const result = await step.run(ctx, state);
    position = result.position ?? position;
    yield step.name;
    if (result.failure) {
      for (const failureStep of failureSteps) {
        position = (await failureStep.run(ctx, state, result.failure)).position ?? position;
        yield failureStep.name;
      }
      return outcome('FAILED', position, result.failure);
    }
  }
  return outcome('COMPLETED', position);
}
