import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { paymentDecider, paymentStreamId, reservationDecider, reservationStreamId } from '@concert/domain';
import { PostgresAdvisoryLock, type PostgresEventStore } from '@concert/infra';
import { chargeWallet } from '../../src/charge-wallet/charge-wallet.js';
import { loadStream } from '../../src/command-loop/handle-command.js';
import { holdSeats } from '../../src/hold-seats/hold-seats.js';
import { openPayment, paymentRun, requestPayment, resumePaymentAlone } from '../../src/pay/payment-process.js';
import { paymentLockKey } from '../../src/pay/payment-lock.js';
import type { PaymentOutcome } from '../../src/pay/payment-process.js';
import {
  contextFor,
  givenSchedule,
  newCatalog,
  openTestStore,
  seatState,
  TestClock,
  walletState,
} from './command-fixture.js';

const HOLD_MS = 60_000;
const FUNDS = 1000;

type Run = AsyncGenerator<string, PaymentOutcome>;

/** Runs `count` steps of a run (fewer if it ends); a run that throws counts as ended (its error is what the caller would have got). */
async function advance(run: Run, count = Infinity): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = await run.next().catch(() => ({ done: true }));
    if (next.done) return;
  }
}

/**
 * Defect 12.4: the request's run and payment recovery's run of the same payment, interleaved.
 * The request decides before the hold's deadline, recovery after it (it picks up payments
 * that look stuck): whichever order their steps take, money is conserved and the payment's
 * outcome agrees with the reservation's.
 */
describe('Given one payment run twice at once (the request still running while recovery resumes it)', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());

  async function givenOpenPayment() {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 2);
    const userId = `user-${randomUUID()}`;
    const reservationId = randomUUID();
    const ctx = contextFor(store, clock, userId);
    await chargeWallet(ctx, { userId, chargeId: randomUUID(), amount: FUNDS, maxAmount: 1_000_000 });
    const hold = await holdSeats(
      ctx,
      { catalog: newCatalog(store), holdDurationMs: HOLD_MS, lockTtlMs: 5000 },
      { reservationId, userId, scheduleId, seatIds: ['A-1', 'A-2'] },
    );
    await openPayment(ctx, { reservationId, userId, paymentId: randomUUID() });
    const deadline = hold.expiresAt.getTime();
    return {
      scheduleId,
      userId,
      reservationId,
      amount: hold.amount,
      request: paymentRun(contextFor(store, new TestClock(new Date(deadline - 1)), userId), reservationId),
      recovery: () => paymentRun(contextFor(store, new TestClock(new Date(deadline + 30_000))), reservationId),
    };
  }

  async function expectOneConsistentOutcome(s: Awaited<ReturnType<typeof givenOpenPayment>>): Promise<void> {
    const reservation = (await loadStream({ store }, reservationStreamId(s.reservationId), reservationDecider)).state
      .status;
    const payment = (await loadStream({ store }, paymentStreamId(s.reservationId), paymentDecider)).state.status;
    const wallet = await walletState(store, s.userId);
    const debited = [...wallet.debits.values()].reduce((a, b) => a + b, 0);
    const refunded = [...wallet.credits.values()].reduce((a, b) => a + b, 0);
    const seats = await Promise.all(
      ['A-1', 'A-2'].map(async (seatId) => (await seatState(store, s.scheduleId, seatId)).status),
    );
    if (reservation === 'Confirmed') {
      expect({ payment, paid: debited - refunded, seats }).to.deep.equal({
        payment: 'Completed',
        paid: s.amount,
        seats: ['Sold', 'Sold'],
      });
    } else {
      expect({ reservation, payment, paid: debited - refunded, seats }).to.deep.equal({
        reservation: 'Expired',
        payment: 'Failed',
        paid: 0,
        seats: ['Available', 'Available'],
      });
    }
    expect(wallet.balance).to.equal(FUNDS - (reservation === 'Confirmed' ? s.amount : 0));
  }

  for (let requestSteps = 0; requestSteps <= 4; requestSteps++) {
    it(`When the request has run ${requestSteps} step(s), recovery runs through, then the request finishes, Then money is conserved and the payment agrees with the reservation`, async () => {
      const s = await givenOpenPayment();
      await advance(s.request, requestSteps);
      await advance(s.recovery());
      await advance(s.request);
      await expectOneConsistentOutcome(s);
    });
  }

  for (let recoverySteps = 1; recoverySteps <= 4; recoverySteps++) {
    it(`When recovery has run ${recoverySteps} step(s), the request runs through, then recovery finishes, Then money is conserved and the payment agrees with the reservation`, async () => {
      const s = await givenOpenPayment();
      const recovery = s.recovery();
      await advance(recovery, recoverySteps);
      await advance(s.request);
      await advance(recovery);
      await expectOneConsistentOutcome(s);
    });
  }

  describe('and both take the payment lock (one runner per payment)', () => {
    let lock: PostgresAdvisoryLock;
    before(() => {
      lock = new PostgresAdvisoryLock({ connectionString: process.env.DATABASE_URL! });
    });
    after(() => lock.close());

    it('When recovery tries to resume the payment after each step of the running request, Then it is turned away busy every time and the request completes it', async () => {
      const s = await givenOpenPayment();
      const recoveryCtx = { ...contextFor(store, new TestClock()), paymentLock: lock };
      const answers: string[] = [];
      const outcome = await lock.whileHeld(paymentLockKey(s.reservationId), async () => {
        for (;;) {
          const busy = await resumePaymentAlone(recoveryCtx, s.reservationId);
          answers.push(busy === 'busy' ? busy : busy.status);
          const next = await s.request.next();
          if (next.done) return next.value;
        }
      });
      expect(outcome).to.not.equal('busy');
      expect(outcome).to.include({ status: 'COMPLETED' });
      expect(answers).to.have.length(5);
      expect(new Set(answers)).to.deep.equal(new Set(['busy']));
      await expectOneConsistentOutcome(s);
    });

    it('When the request path finds recovery running the payment, Then it answers payment-in-progress and recovery finishes it', async () => {
      const clock = new TestClock();
      const { scheduleId } = await givenSchedule(store, clock, 1);
      const userId = `user-${randomUUID()}`;
      const reservationId = randomUUID();
      const ctx = { ...contextFor(store, clock, userId), paymentLock: lock };
      await chargeWallet(ctx, { userId, chargeId: randomUUID(), amount: FUNDS, maxAmount: 1_000_000 });
      await holdSeats(
        ctx,
        { catalog: newCatalog(store), holdDurationMs: HOLD_MS, lockTtlMs: 5000 },
        { reservationId, userId, scheduleId, seatIds: ['A-1'] },
      );

      let release!: () => void;
      let held!: () => void;
      const lockTaken = new Promise<void>((resolve) => (held = resolve));
      const recoveryHolds = lock.whileHeld(paymentLockKey(reservationId), () => {
        held();
        return new Promise<void>((resolve) => (release = resolve));
      });
      await lockTaken;
      const refused = await requestPayment(ctx, { reservationId, userId, paymentId: randomUUID() }).then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
      release();
      await recoveryHolds;

      expect(refused).to.equal('payment-in-progress');
      expect(await resumePaymentAlone(ctx, reservationId)).to.include({ status: 'COMPLETED' });
    });
  });
});
