import { expect } from 'chai';
import type { Knex } from 'knex';
import { paymentsProjection, type PaymentRow } from '../../src/projections/payments.js';
import { openDatabase } from './database.js';
import { events, newId } from './fixtures.js';
import { project } from './given-events.js';

describe('payments projection', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  const rowOf = async (paymentId: string): Promise<PaymentRow | undefined> =>
    db<PaymentRow>('rm_payments').where({ payment_id: paymentId }).first();

  it('Given a payment requested, When projected, Then it is REQUESTED with its amount and owner', async () => {
    const reservationId = newId();
    const paymentId = newId();
    await project(db, paymentsProjection, [
      {
        event: events.paymentRequested(reservationId, paymentId, 'user-1', 250_000, '2026-03-01T10:01:00.000Z'),
        at: '2026-03-01T10:01:00.000Z',
      },
    ]);
    expect(await rowOf(paymentId)).to.deep.equal({
      payment_id: paymentId,
      reservation_id: reservationId,
      user_id: 'user-1',
      amount: '250000',
      status: 'REQUESTED',
      failure_reason: null,
      requested_at: new Date('2026-03-01T10:01:00.000Z'),
      completed_at: null,
      updated_at: new Date('2026-03-01T10:01:00.000Z'),
    });
  });

  it('Given a payment completed then refunded, When projected, Then it is REFUNDED and keeps its completion time', async () => {
    const reservationId = newId();
    const paymentId = newId();
    await project(db, paymentsProjection, [
      events.paymentRequested(reservationId, paymentId, 'user-1', 250_000, '2026-03-01T10:01:00.000Z'),
      events.paymentCompleted(reservationId, paymentId, '2026-03-01T10:01:02.000Z'),
    ]);
    expect(await rowOf(paymentId)).to.deep.include({
      status: 'COMPLETED',
      completed_at: new Date('2026-03-01T10:01:02.000Z'),
    });
    await project(db, paymentsProjection, [
      {
        event: events.paymentRefunded(reservationId, paymentId, 250_000, '2026-03-02T09:00:00.000Z'),
        at: '2026-03-02T09:00:00.000Z',
      },
    ]);
    expect(await rowOf(paymentId)).to.deep.include({
      status: 'REFUNDED',
      completed_at: new Date('2026-03-01T10:01:02.000Z'),
      updated_at: new Date('2026-03-02T09:00:00.000Z'),
    });
  });

  it('Given a failed attempt and a new one, When projected, Then the first is FAILED with its reason and the second is a row of its own', async () => {
    const reservationId = newId();
    const first = newId();
    const second = newId();
    await project(db, paymentsProjection, [
      events.paymentRequested(reservationId, first, 'user-1', 250_000, '2026-03-01T10:01:00.000Z'),
      events.paymentFailed(reservationId, first, 'insufficient-funds', '2026-03-01T10:01:01.000Z'),
      events.paymentCompleted(reservationId, first, '2026-03-01T10:01:02.000Z'),
      events.paymentRequested(reservationId, second, 'user-1', 250_000, '2026-03-01T10:02:00.000Z'),
      events.paymentCompleted(reservationId, second, '2026-03-01T10:02:01.000Z'),
    ]);
    expect(await rowOf(first)).to.deep.include({
      status: 'FAILED',
      failure_reason: 'insufficient-funds',
      completed_at: null,
    });
    expect(await rowOf(second)).to.deep.include({ status: 'COMPLETED', failure_reason: null });
  });

  it('Given a refund of a payment that never completed, When projected, Then it is ignored', async () => {
    const reservationId = newId();
    const paymentId = newId();
    await project(db, paymentsProjection, [
      events.paymentRequested(reservationId, paymentId, 'user-1', 250_000, '2026-03-01T10:01:00.000Z'),
      events.paymentRefunded(reservationId, paymentId, 250_000, '2026-03-01T10:03:00.000Z'),
    ]);
    expect(await rowOf(paymentId)).to.deep.include({ status: 'REQUESTED' });
  });
});
