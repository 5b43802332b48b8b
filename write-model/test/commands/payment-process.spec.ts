import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  paymentDecider,
  paymentStreamId,
  reservationDecider,
  reservationStreamId,
  type DomainError,
} from '@concert/domain';
import { chargeWallet } from '../../src/charge-wallet/charge-wallet.js';
import { expireReservation } from '../../src/expire-reservation/expire-reservation.js';
import { loadStream } from '../../src/command-loop/handle-command.js';
import { holdSeats } from '../../src/hold-seats/hold-seats.js';
import {
  failureSteps,
  openPayment,
  paymentSteps,
  requestPayment,
  resumePayment,
} from '../../src/pay/payment-process.js';
import type { ScheduleCatalog } from '../../src/command-loop/schedule-catalog.js';
import type { PostgresEventStore } from '@concert/infra';
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

describe('payment process (exactly once)', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());

  interface Scenario {
    clock: TestClock;
    catalog: ScheduleCatalog;
    userId: string;
    scheduleId: string;
    reservationId: string;
    seatIds: string[];
    amount: number;
  }

  /** A user with `funds` in the wallet holding two seats of a fresh schedule. */
  async function givenHeldReservation(funds: number): Promise<Scenario> {
    const clock = new TestClock();
    const catalog = newCatalog(store);
    const schedule = await givenSchedule(store, clock, 4);
    const userId = `user-${randomUUID()}`;
    const reservationId = randomUUID();
    const ctx = contextFor(store, clock, userId);
    if (funds > 0) await chargeWallet(ctx, { userId, chargeId: randomUUID(), amount: funds, maxAmount: 1_000_000 });
    const hold = await holdSeats(
      ctx,
      { catalog, holdDurationMs: HOLD_MS, lockTtlMs: 5000 },
      { reservationId, userId, scheduleId: schedule.scheduleId, seatIds: ['A-2', 'A-1'] },
    );
    return {
      clock,
      catalog,
      userId,
      scheduleId: schedule.scheduleId,
      reservationId,
      seatIds: hold.seatIds,
      amount: hold.amount,
    };
  }

  async function reservationStatus(reservationId: string): Promise<string> {
    return (await loadStream({ store }, reservationStreamId(reservationId), reservationDecider)).state.status;
  }

  async function paymentStatus(reservationId: string): Promise<string> {
    return (await loadStream({ store }, paymentStreamId(reservationId), paymentDecider)).state.status;
  }

  /** Money is conserved: debits minus refunds equal the price of the confirmed reservation. */
  async function expectMoneyConserved(s: Scenario, funds: number): Promise<void> {
    const wallet = await walletState(store, s.userId);
    const debited = [...wallet.debits.values()].reduce((a, b) => a + b, 0);
    const refunded = [...wallet.credits.values()].reduce((a, b) => a + b, 0);
    const confirmed = (await reservationStatus(s.reservationId)) === 'Confirmed' ? s.amount : 0;
    expect(debited - refunded).to.equal(confirmed);
    expect(wallet.balance).to.equal(funds - confirmed);
  }

  it('When the owner pays a held reservation with enough funds, Then it is confirmed, its seats sold and the wallet debited once', async () => {
    const s = await givenHeldReservation(1000);
    const paymentId = randomUUID();
    const outcome = await requestPayment(contextFor(store, s.clock, s.userId), {
      reservationId: s.reservationId,
      userId: s.userId,
      paymentId,
    });
    expect(outcome).to.include({ status: 'COMPLETED', paymentId, amount: 210 });
    expect(outcome.position).to.not.equal(undefined);
    expect(await reservationStatus(s.reservationId)).to.equal('Confirmed');
    for (const seatId of s.seatIds)
      expect(await seatState(store, s.scheduleId, seatId)).to.deep.include({ status: 'Sold', paymentId });
    expect((await walletState(store, s.userId)).balance).to.equal(790);
  });

  it('When funds are short, Then the payment fails with insufficient-funds, nothing is debited and the hold stays', async () => {
    const s = await givenHeldReservation(100);
    const outcome = await requestPayment(contextFor(store, s.clock, s.userId), {
      reservationId: s.reservationId,
      userId: s.userId,
      paymentId: randomUUID(),
    });
    expect(outcome).to.include({ status: 'FAILED', reason: 'insufficient-funds' });
    expect((await walletState(store, s.userId)).debits.size).to.equal(0);
    expect(await reservationStatus(s.reservationId)).to.equal('Held');
    await expectMoneyConserved(s, 100);
  });

  it('When a later attempt follows a failed one with new funds, Then it completes', async () => {
    const s = await givenHeldReservation(100);
    const ctx = contextFor(store, s.clock, s.userId);
    await requestPayment(ctx, { reservationId: s.reservationId, userId: s.userId, paymentId: randomUUID() });
    await chargeWallet(ctx, { userId: s.userId, chargeId: randomUUID(), amount: 500, maxAmount: 1_000_000 });
    const outcome = await requestPayment(ctx, {
      reservationId: s.reservationId,
      userId: s.userId,
      paymentId: randomUUID(),
    });
    expect(outcome.status).to.equal('COMPLETED');
    await expectMoneyConserved(s, 600);
  });

  const refusals: Array<[string, (s: Scenario) => Promise<{ userId: string }>, string]> = [
    [
      'the reservation is past its deadline',
      async (s) => (s.clock.advance(HOLD_MS), { userId: s.userId }),
      'reservation-expired',
    ],
    ['another user pays', async () => ({ userId: 'someone-else' }), 'forbidden'],
  ];
  for (const [situation, arrange, code] of refusals) {
    it(`When ${situation}, Then the payment is refused with ${code} and nothing is written`, async () => {
      const s = await givenHeldReservation(1000);
      const { userId } = await arrange(s);
      const error = await requestPayment(contextFor(store, s.clock, userId), {
        reservationId: s.reservationId,
        userId,
        paymentId: randomUUID(),
      }).then(
        () => undefined,
        (e: DomainError) => e,
      );
      expect(error?.code).to.equal(code);
      expect(await paymentStatus(s.reservationId)).to.equal('None');
      expect((await walletState(store, s.userId)).balance).to.equal(1000);
    });
  }

  it('When a payment is already open for the reservation, Then a second one is refused with payment-in-progress', async () => {
    const s = await givenHeldReservation(1000);
    const ctx = contextFor(store, s.clock, s.userId);
    await openPayment(ctx, { reservationId: s.reservationId, userId: s.userId, paymentId: randomUUID() });
    const error = await openPayment(ctx, {
      reservationId: s.reservationId,
      userId: s.userId,
      paymentId: randomUUID(),
    }).then(
      () => undefined,
      (e: DomainError) => e,
    );
    expect(error?.code).to.equal('payment-in-progress');
  });

  for (let crashAfter = 0; crashAfter <= paymentSteps.length; crashAfter++) {
    const label = crashAfter === 0 ? 'PaymentRequested' : paymentSteps[crashAfter - 1]!.name;
    it(`When the process stops after ${label} and is resumed (twice), Then it completes once and money is conserved`, async () => {
      const s = await givenHeldReservation(1000);
      const ctx = contextFor(store, s.clock, s.userId);
      const paymentId = randomUUID();
      await openPayment(ctx, { reservationId: s.reservationId, userId: s.userId, paymentId });
      const { state } = await loadStream({ store }, paymentStreamId(s.reservationId), paymentDecider);
      if (state.status !== 'Requested') throw new Error('payment not open');
      for (const step of paymentSteps.slice(0, crashAfter)) await step.run(ctx, state);

      const first = await resumePayment(contextFor(store, s.clock), s.reservationId);
      const second = await resumePayment(contextFor(store, s.clock), s.reservationId);
      expect(first.status).to.equal('COMPLETED');
      expect(second.status).to.equal('COMPLETED');
      expect(await paymentStatus(s.reservationId)).to.equal('Completed');
      for (const seatId of s.seatIds)
        expect(await seatState(store, s.scheduleId, seatId)).to.deep.include({ status: 'Sold', paymentId });
      expect((await walletState(store, s.userId)).debits.size).to.equal(1);
      await expectMoneyConserved(s, 1000);
    });
  }

  for (let crashAfter = 0; crashAfter <= failureSteps.length; crashAfter++) {
    const label = crashAfter === 0 ? 'the refused confirmation' : failureSteps[crashAfter - 1]!.name;
    it(`When the hold expired before the confirmation and the process stops after ${label}, Then a resume refunds once and fails it`, async () => {
      const s = await givenHeldReservation(1000);
      const ctx = contextFor(store, s.clock, s.userId);
      await openPayment(ctx, { reservationId: s.reservationId, userId: s.userId, paymentId: randomUUID() });
      const { state } = await loadStream({ store }, paymentStreamId(s.reservationId), paymentDecider);
      if (state.status !== 'Requested') throw new Error('payment not open');
      await paymentSteps[0]!.run(ctx, state); // debited
      s.clock.advance(HOLD_MS);
      expect((await expireReservation(contextFor(store, s.clock), s.reservationId)).outcome).to.equal('expired');
      expect((await paymentSteps[1]!.run(ctx, state)).failure).to.equal('reservation-expired');
      for (const step of failureSteps.slice(0, crashAfter)) await step.run(ctx, state, 'reservation-expired');

      const outcome = await resumePayment(contextFor(store, s.clock), s.reservationId);
      await resumePayment(contextFor(store, s.clock), s.reservationId);
      expect(outcome).to.include({ status: 'FAILED', reason: 'reservation-expired' });
      expect(await reservationStatus(s.reservationId)).to.equal('Expired');
      for (const seatId of s.seatIds)
        expect((await seatState(store, s.scheduleId, seatId)).status).to.equal('Available');
      expect((await walletState(store, s.userId)).credits.size).to.equal(1);
      await expectMoneyConserved(s, 1000);
    });
  }

  it('When payment and expiry race for the same reservation 100 times, Then each ends confirmed and paid or expired and refunded', async function () {
    this.timeout(120_000);
    const tally = { confirmed: 0, expired: 0 };
    for (let round = 0; round < 100; round++) {
      const s = await givenHeldReservation(1000);
      const deadline = new Date(s.clock.now().getTime() + HOLD_MS);
      // The payer acts a moment before the deadline, the saga a moment after: either may commit first.
      const payerClock = new TestClock(new Date(deadline.getTime() - 1));
      const sagaClock = new TestClock(new Date(deadline.getTime() + 1));
      await Promise.allSettled([
        requestPayment(contextFor(store, payerClock, s.userId), {
          reservationId: s.reservationId,
          userId: s.userId,
          paymentId: randomUUID(),
        }),
        expireReservation(contextFor(store, sagaClock), s.reservationId),
      ]);
      // A crashed or refused step is what the recovery worker finishes: resume if a payment was opened.
      if ((await paymentStatus(s.reservationId)) === 'Requested')
        await resumePayment(contextFor(store, sagaClock), s.reservationId);

      const status = await reservationStatus(s.reservationId);
      const seats = await Promise.all(s.seatIds.map((seatId) => seatState(store, s.scheduleId, seatId)));
      if (status === 'Confirmed') {
        tally.confirmed++;
        expect(seats.map((seat) => seat.status)).to.deep.equal(['Sold', 'Sold']);
      } else {
        expect(status).to.equal('Expired');
        tally.expired++;
        expect(seats.map((seat) => seat.status)).to.deep.equal(['Available', 'Available']);
      }
      await expectMoneyConserved(s, 1000);
    }
    expect(tally.confirmed + tally.expired).to.equal(100);
  });
});

describe('resuming a payment that was never requested (the recovery timeout command)', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());

  for (const [given, reservationOf] of [
    [
      'a held reservation without a payment',
      async (clock: TestClock) => {
        const { scheduleId } = await givenSchedule(store, clock, 1);
        const reservationId = randomUUID();
        await holdSeats(
          contextFor(store, clock, 'fan'),
          { catalog: newCatalog(store), holdDurationMs: 60_000, lockTtlMs: 5000 },
          { reservationId, userId: 'fan', scheduleId, seatIds: ['A-1'] },
        );
        return reservationId;
      },
    ],
    ['a reservation that does not exist', async () => randomUUID()],
  ] as const)
    it(`Given ${given}, When resumed, Then it is refused as reservation-not-found`, async () => {
      const clock = new TestClock();
      const reservationId = await reservationOf(clock);

      const error: unknown = await resumePayment(contextFor(store, clock), reservationId).then(
        () => undefined,
        (e: unknown) => e,
      );

      expect(error).to.have.property('code', 'reservation-not-found');
    });
});
