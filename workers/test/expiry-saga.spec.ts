import { randomUUID } from 'node:crypto';
import {
  DomainError,
  paymentDecider,
  paymentStreamId,
  reservationDecider,
  reservationStreamId,
  seatDecider,
  seatStreamId,
  walletStreamId,
} from '@concert/domain';
import {
  chargeWallet,
  handleCommand,
  loadStream,
  openPayment,
  paymentSteps,
  requestPayment,
} from '@concert/write-model';
import { expect } from 'chai';
import { deadlineId, reservationDeadline, type DueDeadline } from '../src/deadlines/deadline.js';
import { SEAT_DEADLINE_GRACE_MS } from '../src/deadlines/deadline-changes.js';
import type { TimeoutResult } from '../src/deadlines/timeout-command.js';
import { sagaFixture, type SagaFixture } from './support/saga-fixture.js';
import { startService, waitFor } from '@concert/infra/testing';

const sleepUntil = (at: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

describe('expiry saga: hold deadlines from the feed, timed out through the write side (real PostgreSQL, NATS, Redis)', function () {
  this.timeout(30_000);
  let f: SagaFixture;

  before(async () => {
    f = await sagaFixture('saga');
  });
  afterEach(async () => {
    await f.stopWorkers();
  });
  after(async () => {
    await f?.close();
  });

  async function reservationsAre(reservationIds: readonly string[], status: string): Promise<boolean> {
    const found = await f
      .knex('rm_reservations')
      .whereIn('reservation_id', reservationIds)
      .andWhere('status', status)
      .count({ n: '*' });
    return Number(found[0]?.n ?? 0) === reservationIds.length;
  }

  async function seatsAre(scheduleId: string, seatIds: readonly string[], status: string): Promise<boolean> {
    const statuses = await f.seatStatuses(scheduleId);
    return seatIds.every((seatId) => statuses[seatId] === status);
  }

  it('When a hold passes its deadline, Then its seats are AVAILABLE in the read model within 2 s and it is EXPIRED; one paid just before is CONFIRMED and never expired', async () => {
    await f.startWorkers();
    const { scheduleId } = await f.newSchedule(4);
    const lapsing = await f.hold('fan-1', scheduleId, ['A-1', 'A-2'], 2500);
    const paying = await f.hold('fan-2', scheduleId, ['A-3', 'A-4'], 2500);
    await chargeWallet(f.ctx(), { userId: 'fan-2', chargeId: randomUUID(), amount: 1000, maxAmount: 10_000 });
    await waitFor('holds in the read model', () => seatsAre(scheduleId, ['A-1', 'A-2', 'A-3', 'A-4'], 'HELD'));

    await sleepUntil(paying.expiresAt.getTime() - 300);
    const paid = await requestPayment(f.ctx(), {
      reservationId: paying.reservationId,
      userId: 'fan-2',
      paymentId: randomUUID(),
    });
    expect(paid.status).to.equal('COMPLETED');

    await waitFor('the lapsed seats AVAILABLE', () => seatsAre(scheduleId, ['A-1', 'A-2'], 'AVAILABLE'), 5000);
    const backOnSaleMs = Date.now() - lapsing.expiresAt.getTime();
    console.log(`      (seats back on sale in the read model ${backOnSaleMs} ms after their deadline)`);
    expect(backOnSaleMs).to.be.below(2000);
    await waitFor(
      'the reservation EXPIRED',
      async () => (await f.reservationStatus(lapsing.reservationId)) === 'EXPIRED',
      2000,
    );

    // Past the paid hold's seat deadlines too: nothing may touch it.
    await sleepUntil(paying.expiresAt.getTime() + SEAT_DEADLINE_GRACE_MS + 500);
    expect(await f.reservationStatus(paying.reservationId)).to.equal('CONFIRMED');
    expect(await seatsAre(scheduleId, ['A-3', 'A-4'], 'SOLD')).to.equal(true);
    expect((await f.events(reservationStreamId(paying.reservationId))).map((e) => e.type)).to.deep.equal([
      'ReservationHeld',
      'ReservationConfirmed',
    ]);
    const lapsedStream = await f.events(reservationStreamId(lapsing.reservationId));
    expect(lapsedStream.map((e) => e.type)).to.deep.equal(['ReservationHeld', 'ReservationExpired']);
    // The command's events carry the hold's correlation and the deadline's source event as causation.
    expect(lapsedStream[1]!.metadata).to.include({
      correlationId: lapsedStream[0]!.metadata.correlationId,
      causationId: lapsedStream[0]!.id,
    });
  });

  it('When the command API crashed between SeatHeld and ReservationHeld, Then the orphaned seat is released at its deadline and a late ReservationHeld is refused', async () => {
    await f.startWorkers();
    const { scheduleId } = await f.newSchedule(2);
    const reservationId = randomUUID();
    const holdExpiresAt = new Date(Date.now() + 1000);
    // What the sequential hold path appends first; the crash leaves it alone.
    await handleCommand(f.ctx(), seatStreamId(scheduleId, 'A-1'), seatDecider, {
      type: 'HoldSeat',
      data: { scheduleId, seatId: 'A-1', reservationId, holdExpiresAt },
    });
    await waitFor('the orphan HELD in the read model', () => seatsAre(scheduleId, ['A-1'], 'HELD'));

    await waitFor('the orphan AVAILABLE', () => seatsAre(scheduleId, ['A-1'], 'AVAILABLE'), 8000);
    const lateMs = Date.now() - (holdExpiresAt.getTime() + SEAT_DEADLINE_GRACE_MS);
    console.log(
      `      (orphan back on sale ${lateMs} ms after its seat deadline, ${SEAT_DEADLINE_GRACE_MS} ms after the hold's)`,
    );
    expect(lateMs).to.be.below(2000);
    // ReservationExpired came first, on a stream that did not exist (the release rule).
    expect((await f.events(reservationStreamId(reservationId))).map((e) => e.type)).to.deep.equal([
      'ReservationExpired',
    ]);
    expect((await f.events(seatStreamId(scheduleId, 'A-1'))).map((e) => e.type)).to.deep.equal([
      'SeatHeld',
      'SeatReleased',
    ]);

    const late = handleCommand(f.ctx(), reservationStreamId(reservationId), reservationDecider, {
      type: 'PlaceHold',
      data: { reservationId, userId: 'fan-3', scheduleId, seatIds: ['A-1'], amount: 100, expiresAt: holdExpiresAt },
    });
    const error: unknown = await late.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DomainError);
    expect((error as DomainError).code).to.equal('reservation-expired');
  });

  it('When two worker instances run, Then no timeout command is issued twice for the same deadline', async () => {
    const issued = new Map<string, number>();
    const byInstance = [0, 0];
    const counter = (instance: number) => (deadline: DueDeadline, outcome: TimeoutResult | { error: unknown }) => {
      if ('error' in outcome || !outcome.commandIssued) return;
      issued.set(deadlineId(deadline), (issued.get(deadlineId(deadline)) ?? 0) + 1);
      byInstance[instance]!++;
    };
    // Small batches and enough deadlines that both instances get a share: with 40, one
    // instance sometimes timed them all out before the other's next claim (holds got faster).
    await f.startWorkers({ onTimeoutRun: counter(0), expiry: { batchSize: 4, concurrency: 2 } });
    await f.startWorkers({ onTimeoutRun: counter(1), expiry: { batchSize: 4, concurrency: 2 } });
    const { scheduleId, seatIds } = await f.newSchedule(160);
    const holds = await Promise.all(seatIds.map((seatId, i) => f.hold(`fan-${i}`, scheduleId, [seatId], 1000)));

    await waitFor(
      'every reservation EXPIRED',
      () =>
        reservationsAre(
          holds.map((h) => h.reservationId),
          'EXPIRED',
        ),
      10_000,
    );
    await waitFor('every seat AVAILABLE', () => seatsAre(scheduleId, seatIds, 'AVAILABLE'), 2000);
    const ids = new Set(holds.map((h) => deadlineId(reservationDeadline(h.reservationId))));
    console.log(`      (timeout commands by instance: ${byInstance.join(' + ')})`);
    expect([...issued.keys()].filter((id) => ids.has(id))).to.have.length(holds.length);
    expect([...issued].filter(([, count]) => count !== 1)).to.deep.equal([]);
    expect(byInstance.every((n) => n > 0)).to.equal(true);
  });

  it('When the worker is killed while deadlines are due and restarted, Then every due deadline is processed exactly once', async () => {
    const port = Number(f.env.WORKERS_PORT);
    // Small batches, so that the kill lands in the middle of the work.
    const env = { ...f.env, EXPIRY_BATCH_SIZE: '4', EXPIRY_CONCURRENCY: '2' };
    const { scheduleId, seatIds } = await f.newSchedule(30);
    // Held while the worker starts (its consumer takes the feed from where it was), with
    // deadlines spread over a second and a half from when it is up.
    const [started, holds] = await Promise.all([
      startService('workers/src/main.ts', port, env),
      Promise.all(seatIds.map((seatId, i) => f.hold(`fan-${i}`, scheduleId, [seatId], 3500 + i * 50))),
    ]);
    let worker = started;
    try {
      const reservationIds = holds.map((h) => h.reservationId);
      const expired = async (): Promise<number> =>
        (await f.store.readAll({ maxCount: 10_000, filter: { eventTypes: ['ReservationExpired'] } })).filter((e) =>
          reservationIds.includes((e.data as { reservationId: string }).reservationId),
        ).length;
      // Killed when about half the deadlines have passed, in the middle of its work.
      const deadlines = holds.map((h) => h.expiresAt.getTime()).sort((a, b) => a - b);
      await sleepUntil(deadlines[holds.length / 2]! + 100);
      // On a loaded machine the worker may not have begun yet: kill it once it has.
      await waitFor('a first expiry', async () => (await expired()) > 0, 10_000);
      await worker.kill();
      const atKill = await expired();
      // Down while the remaining deadlines pass: the restart must catch up.
      await sleepUntil(deadlines[holds.length - 1]! + 300);
      worker = await startService('workers/src/main.ts', port, env);
      await waitFor('every reservation EXPIRED', () => reservationsAre(reservationIds, 'EXPIRED'), 10_000);
      await waitFor('every seat AVAILABLE', () => seatsAre(scheduleId, seatIds, 'AVAILABLE'), 2000);
      console.log(`      (${atKill} of ${holds.length} expired when the worker was killed)`);
      expect(atKill).to.be.within(1, holds.length - 1);

      for (const hold of holds) {
        const reservation = (await f.events(reservationStreamId(hold.reservationId))).map((e) => e.type);
        expect(reservation).to.deep.equal(['ReservationHeld', 'ReservationExpired']);
        const seat = (await f.events(seatStreamId(scheduleId, hold.seatIds[0]!))).map((e) => e.type);
        expect(seat).to.deep.equal(['SeatHeld', 'SeatReleased']);
      }
      const open = async (): Promise<number> =>
        Number(
          (
            await f
              .knex('hold_deadlines')
              .whereIn(
                'reservation_id',
                holds.map((h) => h.reservationId),
              )
              .whereNull('settled_at')
              .count({ n: '*' })
          )[0]?.n ?? 0,
        );
      await waitFor('every deadline settled', async () => (await open()) === 0, 5000);

      expect((await fetch(`${worker.url}/health`)).status).to.equal(200);
      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      expect(metrics).to.match(/^workers_hold_deadlines\{kind="reservation",state="overdue",service="workers"\} 0$/m);
      expect(metrics).to.match(
        /^workers_timeout_commands_total\{kind="reservation",outcome="expired",service="workers"\} \d+$/m,
      );
      expect(metrics).to.include('workers_payments_recovered_total');
    } finally {
      await worker.stop();
    }
  });

  it('When a payment stopped after PaymentRequested and the debit (a crashed command API), Then the recovery worker finishes it once and counts it', async () => {
    const recovered: string[] = [];
    const workers = await f.startWorkers({
      paymentRecovery: { afterMs: 300, intervalMs: 200 },
      onPaymentRecovered: (payment, outcome) => {
        if (outcome !== 'busy' && outcome.position !== undefined) recovered.push(payment.paymentId);
      },
    });
    const { scheduleId } = await f.newSchedule(1);
    const hold = await f.hold('fan-pay', scheduleId, ['A-1'], 20_000);
    await chargeWallet(f.ctx(), { userId: 'fan-pay', chargeId: randomUUID(), amount: 500, maxAmount: 10_000 });
    const paymentId = randomUUID();
    await openPayment(f.ctx(), { reservationId: hold.reservationId, userId: 'fan-pay', paymentId });
    const { state } = await loadStream(f.ctx(), paymentStreamId(hold.reservationId), paymentDecider);
    if (state.status !== 'Requested') throw new Error(`payment is ${state.status}`);
    await paymentSteps[0]!.run(f.ctx(), state);
    // ...and the process died here.

    await waitFor(
      'the reservation CONFIRMED',
      async () => (await f.reservationStatus(hold.reservationId)) === 'CONFIRMED',
      8000,
    );
    await waitFor(
      'the payment COMPLETED',
      async () =>
        (await f.knex('rm_payments').where({ payment_id: paymentId, status: 'COMPLETED' }).first()) !== undefined,
      2000,
    );
    expect(recovered).to.deep.equal([paymentId]);
    expect((await f.events(walletStreamId('fan-pay'))).map((e) => e.type)).to.deep.equal([
      'WalletCharged',
      'WalletDebited',
    ]);
    expect((await f.events(paymentStreamId(hold.reservationId))).map((e) => e.type)).to.deep.equal([
      'PaymentRequested',
      'PaymentCompleted',
    ]);
    const metrics = await workers.registry.getSingleMetricAsString('workers_payments_recovered_total');
    expect(metrics).to.match(/workers_payments_recovered_total\{status="COMPLETED"\} 1$/m);
  });
});
